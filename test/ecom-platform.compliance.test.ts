import { App, Stack, Stage } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EcomPlatform, PlatformNaming, PlatformSource } from '../src';
import { checkCompliance, findingsOf } from './helpers/compliance';
import { FLAG_CONTEXTS } from './helpers/contexts';

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

describe.each(FLAG_CONTEXTS)('EcomPlatform compliance ($name)', ({ context }) => {
  const result = checkCompliance(context, buildPlatform);
  const cases = Object.keys(result.templates);

  test.each(cases)('%s: no unacknowledged cdk-nag v3 or v2 findings before synthesis', (name) => {
    expect(findingsOf(result.nagBeforeSynth, name)).toEqual([]);
  });

  test.each(cases)('%s: no unacknowledged cdk-nag v3 or v2 findings after synthesis', (name) => {
    expect(findingsOf(result.nagAfterSynth, name)).toEqual([]);
  });

  test.each(cases)('%s: no cfn-lint errors or unlisted warnings', (name) => {
    expect(result.lint.filter((f) => f.template.startsWith(`${name}.`))).toEqual([]);
  });
});
