// SpaHosting from TypeScript: the twin of spa_hosting.py, which must synthesize the same templates.
// Run with CDK_OUTDIR set (see test/python/conftest.py, synth_typescript).
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SpaHosting, SpaPipeline, SpaRouting, SpaSource } from '../../../src';

const app = new App();
const stack = new Stack(app, 'SpaHostingApp', { env: { account: '111122223333', region: 'eu-west-1' } });

// Every default.
const admin = new SpaHosting(stack, 'Admin', { bucketName: 'e-com67-admin-dashboard-111122223333' });

// Props that need marshalling from Python: lists, an enum, a number, a Duration, and a grantable.
const customer = new SpaHosting(stack, 'Customer', {
  connectSources: ['https://api.example.com'],
  spaRouting: SpaRouting.ERROR_RESPONSES,
  noncurrentVersionsToRetain: 5,
  noncurrentVersionExpiration: Duration.days(30),
  geoAllowList: ['DE', 'AT'],
});
const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
customer.grantDeploy(deployer);

// A pipeline in a stack of its own, as E-Com67 has it: a static factory, maps, a cross-stack reference.
const pipelines = new Stack(app, 'SpaPipelineApp', { env: { account: '111122223333', region: 'eu-west-1' } });
new SpaPipeline(pipelines, 'AdminPipeline', {
  hosting: admin,
  source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(pipelines, 'Repo', 'e-com67'), 'master'),
  pipelineName: 'e-com67-admin-dashboard-pipeline',
  buildProjectName: 'e-com67-admin-dashboard-build',
  appPath: 'frontend/admin-dashboard',
  testCommands: ['npm test'],
  buildVariables: { VITE_APP_NAME: 'Admin' },
  runtimeConfig: { apiUrl: 'https://api.example.com' },
  keepReleases: 5,
  notificationEmails: ['ops@example.com'],
});

app.synth();
