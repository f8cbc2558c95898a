import { App, Stack, Stage } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EcomPlatform, PlatformNaming, PlatformSource } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/** Every stack of the platform with both pipelines, notifications and a created repository. */
function buildPlatform(app: App): Record<string, Stack> {
  const naming = new PlatformNaming();
  const backend = new Stage(app, 'Backend', { env: ENV });
  const api = new Stack(backend, 'Api', { stackName: naming.apiStackName });
  new ssm.StringParameter(api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: 'https://api.example.com/' });
  const platform = new EcomPlatform(app, 'Platform', {
    naming,
    env: ENV,
    backendStage: backend,
    backendPipeline: true,
    frontendPipelines: true,
    source: PlatformSource.codeCommit({ createRepository: true }),
    notificationEmails: ['team@example.com'],
  });
  platform.backendPipeline!.buildPipeline();
  return Object.fromEntries(platform.stacks.map((s) => [s.stackName, s]));
}

describeCompliance('EcomPlatform', (context) => {
  const result = checkCompliance(context, buildPlatform);
  return { ...result, cases: appCases(result) };
});
