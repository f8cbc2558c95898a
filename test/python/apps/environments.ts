// EcomPlatform with three environments across two accounts, from TypeScript: the twin of environments.py, which
// must synthesize the same templates. Run with CDK_OUTDIR set (see test/python/conftest.py, synth_typescript).
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { EcomPlatform, IBackendStageFactory, PlatformEnvironment, PlatformNaming, PlatformSource } from '../../../src';

/** The backend of one environment: a Data stack and an Api stack writing the environment's API URL parameter. */
class BackendStages implements IBackendStageFactory {
  public createStage(scope: Construct, id: string, environment: PlatformEnvironment, naming: PlatformNaming): Stage {
    const stage = new Stage(scope, id, { env: { account: environment.account, region: environment.region } });
    const data = new Stack(stage, 'Data', { stackName: naming.dataStackName });
    new dynamodb.Table(data, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const api = new Stack(stage, 'Api', { stackName: naming.apiStackName });
    new ssm.StringParameter(api, 'ApiUrl', {
      parameterName: naming.apiUrlParameterName,
      stringValue: `https://api-${environment.name}.example.com/`,
    });
    return stage;
  }
}

const app = new App();
new EcomPlatform(app, 'Platform', {
  env: { account: '111111111111', region: 'eu-west-1' },
  environments: [
    { name: 'dev', account: '111111111111', region: 'eu-west-1' },
    {
      name: 'staging',
      account: '111111111111',
      region: 'eu-west-1',
      backendPost: [new pipelines.ShellStep('IntegrationTests', { commands: ['curl -fsS "$API_URL/health"'] })],
    },
    {
      name: 'prod',
      account: '222222222222',
      region: 'eu-west-1',
      manualApproval: true,
      hostings: { 'customer-app': { connectSources: ['wss://chat.example.com'] } },
    },
  ],
  backendStageFactory: new BackendStages(),
  crossAccountKeys: true,
  backendPipeline: true,
  frontendPipelines: true,
  source: PlatformSource.codeCommit(),
  notificationEmails: ['ops@example.com'],
});

app.synth();
