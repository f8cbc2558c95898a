import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BuildDurationAlarm, ChatChannel, EcomPlatform, PlatformNaming, PlatformSource } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/**
 * Every stack of the platform with both pipelines, notifications and a created repository (its monitoring on by
 * default: the dashboard's stack and the us-east-1 stack of the 5xx alarms, with the cross-region export writer
 * and reader CDK generates); and a second platform (frontend pipelines only) whose monitoring has a Slack and a
 * Microsoft Teams channel and static build-duration alarms: its monitoring, edge and frontend stacks.
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

  const chat = new EcomPlatform(app, 'ChatPlatform', {
    naming: new PlatformNaming({ projectName: 'chat-shop', stackPrefix: 'Chat' }),
    env: ENV,
    frontendPipelines: true,
    source: PlatformSource.codeCommit(),
    monitoring: {
      alarms: { buildDuration: BuildDurationAlarm.above(Duration.minutes(20)) },
      chatChannels: [
        ChatChannel.slack({ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' }),
        ChatChannel.microsoftTeams({
          teamId: '5d6a6f0e-8a2b-4c3d-9e1f-0a1b2c3d4e5f',
          channelId: '19%3ab6ef35dc1234567890abcdef%40thread.tacv2',
          tenantId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        }),
      ],
    },
  });
  const chatStacks = [chat.monitoringStack!, chat.monitoring!.edgeStack!, chat.frontendStacks[0]];
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
