import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ComputeMode, SpaHosting, SpaPipeline, SpaSource } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';
import { nagV3Findings } from './helpers/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** Each case: one pipeline stack (and, for the seed's layout, the hosting in a frontend stack of its own). */
function buildMatrix(app: App): Record<string, Stack> {
  const frontend = new Stack(app, 'Frontend', { env: ENV });
  const admin = new SpaHosting(frontend, 'Admin');
  const stacks: Record<string, Stack> = { frontend };
  const pipelineStack = (name: string) => (stacks[name] = new Stack(app, name, { env: ENV }));

  const seed = pipelineStack('CodeCommitCrossStack');
  new SpaPipeline(seed, 'AdminPipeline', {
    hosting: admin,
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(seed, 'Repo', 'e-com67'), 'master'),
    pipelineName: 'e-com67-admin-dashboard-pipeline',
    buildProjectName: 'e-com67-admin-dashboard-build',
  });

  // One pipeline per hosting: the others deploy to hostings of their own in the same frontend stack.
  const connection = pipelineStack('ConnectionWithEmails');
  new SpaPipeline(connection, 'Pipeline', {
    hosting: new SpaHosting(frontend, 'Shop'),
    source: SpaSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN, filePaths: ['frontend/admin/**'] }),
    notificationEmails: ['ops@example.com'],
    runtimeConfig: { apiUrl: 'https://api.example.com' },
    testCommands: ['npm test'],
  });

  const s3Source = pipelineStack('S3SourceWithTopic');
  new SpaPipeline(s3Source, 'Pipeline', {
    hosting: new SpaHosting(frontend, 'Storefront'),
    source: SpaSource.s3(s3.Bucket.fromBucketName(s3Source, 'Src', 'e-com67-sources'), 'admin.zip'),
    notificationTopic: sns.Topic.fromTopicArn(s3Source, 'Topic', 'arn:aws:sns:eu-west-1:111122223333:ops'),
  });

  // The release options: smoke check commands, a rollback alarm watched from an EC2 deploy, a build on Lambda compute.
  const releases = pipelineStack('AlarmsEc2DeployLambdaBuild');
  new SpaPipeline(releases, 'Pipeline', {
    hosting: new SpaHosting(frontend, 'Outlet'),
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(releases, 'Repo', 'e-com67'), 'master'),
    smokeCheckCommands: ['npx playwright test'],
    rollbackAlarms: [
      new cloudwatch.Alarm(releases, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: '5xx' }), threshold: 1, evaluationPeriods: 1 }),
      cloudwatch.Alarm.fromAlarmArn(releases, 'Latency', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:outlet-latency'),
    ],
    rollbackWindow: Duration.minutes(15),
    deployCompute: ComputeMode.EC2,
    buildCompute: ComputeMode.LAMBDA,
  });

  const same = pipelineStack('SameStack');
  const site = new SpaHosting(same, 'Site');
  new SpaPipeline(same, 'Pipeline', {
    hosting: site,
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(same, 'Repo', 'e-com67'), 'master'),
  });
  // No env at all: ARNs carry <AWS::Region> and <AWS::AccountId>.
  const agnostic = (stacks.EnvironmentAgnostic = new Stack(app, 'EnvironmentAgnostic'));
  new SpaPipeline(agnostic, 'Pipeline', {
    hosting: new SpaHosting(agnostic, 'Site'),
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(agnostic, 'Repo', 'e-com67'), 'master'),
    parameterStoreVariables: { SENTRY_DSN: '/e-com67/sentry-dsn' },
  });
  return stacks;
}

describeCompliance('SpaPipeline', (context) => {
  const result = checkCompliance(context, buildMatrix);
  return { ...result, cases: appCases(result) };
}, (result, context) => {
  test('wildcards are acknowledged finding by finding, on IAM policies only, each with a reason', () => {
    for (const template of Object.values(result.templates)) {
      for (const resource of Object.values(template.Resources as Record<string, any>)) {
        for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
          if (rule.id === 'AwsSolutions-IAM5') {
            expect(resource.Type).toBe('AWS::IAM::Policy');
            expect(rule.applies_to).toHaveLength(1);
          }
          expect(rule.reason.length).toBeGreaterThan(40);
        }
      }
    }
  });

  test('no blanket IAM5 acknowledgement: an extra wildcard on a pipeline role is still reported', () => {
    const app = new App({ context });
    const stack = buildMatrix(app).SameStack;
    const pipeline = stack.node.findChild('Pipeline') as SpaPipeline;
    pipeline.buildProject.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
    const rules = nagV3Findings(stack).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Action::s3:Get*]', 'AwsSolutions-IAM5[Resource::*]']));
  });
});
