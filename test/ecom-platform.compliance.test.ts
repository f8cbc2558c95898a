import { App, Stack, Stage } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EcomPlatform, PlatformNaming, PlatformSource } from '../src';
import { appCases, chatMonitoringPlatform, checkCompliance, describeCompliance } from './helpers/compliance';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/**
 * Every stack of the platform with both pipelines, notifications and a created repository (its monitoring on by
 * default: the dashboard's stack and the us-east-1 stack of the 5xx alarms, with the cross-region export writer
 * and reader CDK generates); and the monitoring, edge and frontend stacks of `chatMonitoringPlatform` (chat
 * channels, static build-duration alarms).
 */
function buildPlatforms(app: App): Record<string, Stack> {
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

  const chatStacks = chatMonitoringPlatform(app, ENV);
  return Object.fromEntries([...platform.stacks, ...chatStacks].map((s) => [s.stackName, s]));
}

describeCompliance('EcomPlatform', (context) => {
  const result = checkCompliance(context, buildPlatforms);
  return { ...result, cases: appCases(result) };
}, (result) => {
  test('the monitoring with chat channels is in the matrix: both channel kinds, static build-duration alarms, the cross-region providers', () => {
    const monitoring = result.templates['Chat-MonitoringStack'];
    const types = (t: any) => Object.values<any>(t.Resources).map((r) => r.Type);
    expect(types(monitoring)).toEqual(expect.arrayContaining(['AWS::Chatbot::SlackChannelConfiguration', 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration']));
    const alarms = Object.values<any>(monitoring.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const slowBuilds = alarms.filter((a) => a.Properties.Metrics?.[0]?.MetricStat?.Metric?.MetricName === 'Duration');
    expect(slowBuilds.length).toBeGreaterThan(0);
    expect(slowBuilds.map((a) => [a.Properties.ComparisonOperator, a.Properties.Threshold])).toEqual(slowBuilds.map(() => ['GreaterThanThreshold', 1200]));
    expect(types(result.templates['E-Com67-MonitoringStack'])).not.toContain('AWS::Chatbot::SlackChannelConfiguration');
    expect(types(result.templates['Chat-EdgeMonitoringStack'])).toContain('Custom::CrossRegionExportReader');
    expect(types(result.templates['Chat-FrontendStack'])).toContain('Custom::CrossRegionExportWriter');
  });
});
