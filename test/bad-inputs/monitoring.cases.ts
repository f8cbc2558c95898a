// PlatformMonitoring's bad and edge inputs (issue 16): the dashboard name, the alarm thresholds, BuildDurationAlarm's
// and ChatChannel's factories as JavaScript may misuse them, the chat channels' IDs, the edge stack's name; the
// metric methods of SpaHosting that need additional metrics. Each case monitors a pipeline with a project and a
// distribution, so an accepted input is one the alarms were built from.
import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BadInput, ENV, Expected, accepted, refused, synth, warned } from './case';
import { BuildDurationAlarm, ChatChannel, MonitoringAlarmOptions, PlatformMonitoring, PlatformMonitoringProps, SpaHosting } from '../../src';

const PIPELINE_ARN = `arn:aws:codepipeline:${ENV.region}:${ENV.account}:shop-pipeline`;
const SLACK = { workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' };
const TEAMS = { teamId: '5f1d5b3a-1f0e-4e44-8d8a-1c2b3d4e5f60', channelId: '19%3ab6ef35dc%40thread.tacv2', tenantId: '0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b' };

/** Refused with the library's error on the monitoring (`Stack/Monitoring: invalid \`prop\``), matching `also` when given. */
function refusedHere(prop: string, also?: RegExp): Expected {
  const escaped = prop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return refused(prop, new RegExp(`^Stack/Monitoring: invalid \`${escaped}\`[\\s\\S]*${also?.source ?? ''}`));
}

/**
 * A monitoring of `props` (dashboard `shop`, a topic, unless they say otherwise; any value, as JavaScript passes
 * them) in the case's stack, watching an imported pipeline with one project and a hosting.
 */
function monitoring(input: string, expect: Expected, props: (stack: Stack) => Record<string, unknown>,
  env?: { account?: string; region?: string }): BadInput {
  return {
    subject: 'PlatformMonitoring',
    input,
    expect,
    observe: synth((caseStack, app) => {
      const stack = env ? new Stack(app, 'Elsewhere', { env }) : caseStack;
      const hostingStack = env ? stack : caseStack;
      const m = new PlatformMonitoring(stack, 'Monitoring', {
        dashboardName: 'shop',
        alarmTopic: new sns.Topic(stack, 'Alarms'),
        ...props(stack),
      } as unknown as PlatformMonitoringProps);
      const project = new codebuild.PipelineProject(stack, 'Build', { projectName: 'shop-build' });
      m.monitorPipeline(codepipeline.Pipeline.fromPipelineArn(stack, 'Pipeline', PIPELINE_ARN), [project]);
      m.monitorHosting(new SpaHosting(hostingStack, 'Shop'));
    }),
  };
}

/** A case on `alarms` only. */
function alarms(input: string, expect: Expected, options: Record<string, unknown>): BadInput {
  return monitoring(`alarms: { ${input} }`, expect, () => ({ alarms: options as MonitoringAlarmOptions }));
}

/** A case on `chatChannels` only. */
function chat(input: string, expect: Expected, channels: () => unknown): BadInput {
  return monitoring(`chatChannels: ${input}`, expect, () => ({ chatChannels: channels() }));
}

/** A metric method called on a hosting with `additionalMetrics` as given. */
function metricOf(input: string, expect: Expected, additionalMetrics: boolean | undefined, call: (hosting: SpaHosting) => void): BadInput {
  return { subject: 'SpaHosting', input, expect, observe: synth((stack) => call(new SpaHosting(stack, 'Site', { additionalMetrics }))) };
}

export const CASES: BadInput[] = [
  // The dashboard's name: CloudWatch's rule, which is also the first part of every alarm's name.
  monitoring("dashboardName: 'e com67' (a space)", refusedHere('dashboardName', /letters, digits/), () => ({ dashboardName: 'e com67' })),
  monitoring("dashboardName: ''", refusedHere('dashboardName'), () => ({ dashboardName: '' })),
  monitoring("dashboardName: 'a'.repeat(256)", refusedHere('dashboardName', /255/), () => ({ dashboardName: 'a'.repeat(256) })),
  monitoring('dashboardName: undefined (JavaScript)', refusedHere('dashboardName'), () => ({ dashboardName: undefined })),
  monitoring("dashboardName: 'E-Com67_prod' (upper case and _)", accepted(), () => ({ dashboardName: 'E-Com67_prod' })),
  monitoring("dashboardName: 'a'.repeat(255)", accepted(), () => ({ dashboardName: 'a'.repeat(255) })),

  // The 5xx alarm: a percentage below 100, over 1 to 60 whole minutes.
  alarms('errorRatePercent: 100', refusedHere('alarms.errorRatePercent', /below 100/), { errorRatePercent: 100 }),
  alarms('errorRatePercent: -1', refusedHere('alarms.errorRatePercent'), { errorRatePercent: -1 }),
  alarms("errorRatePercent: 'x' (JavaScript)", refusedHere('alarms.errorRatePercent'), { errorRatePercent: 'x' }),
  alarms("errorRatePercent: '5' (a string, JavaScript)", refusedHere('alarms.errorRatePercent'), { errorRatePercent: '5' }),
  alarms('errorRatePercent: NaN', refusedHere('alarms.errorRatePercent'), { errorRatePercent: NaN }),
  alarms('errorRatePercent: 0 (no 5xx alarm)', accepted(), { errorRatePercent: 0 }),
  alarms('errorRatePercent: 0.5', accepted(), { errorRatePercent: 0.5 }),
  alarms('errorRatePercent: 99.9', accepted(), { errorRatePercent: 99.9 }),
  alarms('errorRateMinutes: 0', refusedHere('alarms.errorRateMinutes', /1 to 60/), { errorRateMinutes: 0 }),
  alarms('errorRateMinutes: 61', refusedHere('alarms.errorRateMinutes', /1 to 60/), { errorRateMinutes: 61 }),
  alarms('errorRateMinutes: 1.5', refusedHere('alarms.errorRateMinutes', /whole number/), { errorRateMinutes: 1.5 }),
  alarms("errorRateMinutes: '5' (JavaScript)", refusedHere('alarms.errorRateMinutes'), { errorRateMinutes: '5' }),
  alarms('errorRateMinutes: 1', accepted(), { errorRateMinutes: 1 }),
  alarms('errorRateMinutes: 60', accepted(), { errorRateMinutes: 60 }),

  // The build-duration alarm: one of BuildDurationAlarm's factories, with a sensible band or threshold.
  alarms("buildDuration: 'anomaly' (JavaScript)", refusedHere('alarms.buildDuration', /BuildDurationAlarm/), { buildDuration: 'anomaly' }),
  alarms('buildDuration: Duration.minutes(30) (not a BuildDurationAlarm)', refusedHere('alarms.buildDuration', /BuildDurationAlarm\.above/),
    { buildDuration: Duration.minutes(30) }),
  alarms('buildDuration: BuildDurationAlarm.anomalyDetection(0)', refusedHere('alarms.buildDuration', /positive number of standard deviations/),
    { buildDuration: BuildDurationAlarm.anomalyDetection(0) }),
  alarms('buildDuration: BuildDurationAlarm.anomalyDetection(-2)', refusedHere('alarms.buildDuration'), { buildDuration: BuildDurationAlarm.anomalyDetection(-2) }),
  alarms('buildDuration: BuildDurationAlarm.anomalyDetection(11)', refusedHere('alarms.buildDuration', /at most 10/),
    { buildDuration: BuildDurationAlarm.anomalyDetection(11) }),
  alarms("buildDuration: BuildDurationAlarm.anomalyDetection('3') (JavaScript)", refusedHere('alarms.buildDuration'),
    { buildDuration: BuildDurationAlarm.anomalyDetection('3' as unknown as number) }),
  alarms('buildDuration: BuildDurationAlarm.anomalyDetection(2.5)', accepted(), { buildDuration: BuildDurationAlarm.anomalyDetection(2.5) }),
  alarms('buildDuration: BuildDurationAlarm.anomalyDetection(10)', accepted(), { buildDuration: BuildDurationAlarm.anomalyDetection(10) }),
  alarms('buildDuration: BuildDurationAlarm.above(Duration.seconds(10))', refusedHere('alarms.buildDuration', /at least a minute/),
    { buildDuration: BuildDurationAlarm.above(Duration.seconds(10)) }),
  alarms('buildDuration: BuildDurationAlarm.above(1800) (seconds, JavaScript)', refusedHere('alarms.buildDuration', /Duration/),
    { buildDuration: BuildDurationAlarm.above(1800 as unknown as Duration) }),
  alarms('buildDuration: BuildDurationAlarm.above(Duration.minutes(1))', accepted(), { buildDuration: BuildDurationAlarm.above(Duration.minutes(1)) }),
  alarms('buildDuration: BuildDurationAlarm.none()', accepted(), { buildDuration: BuildDurationAlarm.none() }),
  alarms('pipelineFailed: false', accepted(), { pipelineFailed: false }),
  alarms("pipelineFailed: 'no' (JavaScript: a string is true)", refusedHere('alarms.pipelineFailed', /true or false/), { pipelineFailed: 'no' }),
  monitoring("alarms: 'strict' (JavaScript)", refusedHere('alarms', /an object/), () => ({ alarms: 'strict' })),
  monitoring("alarmTopic: 'arn:aws:sns:...' (an ARN, JavaScript)", refusedHere('alarmTopic', /SNS topic/),
    () => ({ alarmTopic: `arn:aws:sns:${ENV.region}:${ENV.account}:alarms` })),

  // Chat channels: ChatChannel's factories, with the IDs AWS Chatbot needs, and a topic to subscribe them to.
  chat('ChatChannel.slack(...) (not in a list, JavaScript)', refusedHere('chatChannels', /a list/), () => ChatChannel.slack(SLACK)),
  chat('[{ workspaceId, channelId }] (a plain object, JavaScript)', refusedHere('chatChannels[0]', /ChatChannel/), () => [SLACK]),
  chat("[ChatChannel.slack({ ..., channelId: '' })]", refusedHere('chatChannels[0].channelId'), () => [ChatChannel.slack({ ...SLACK, channelId: '' })]),
  chat("[ChatChannel.slack({ ..., workspaceId: ' ' })]", refusedHere('chatChannels[0].workspaceId'), () => [ChatChannel.slack({ ...SLACK, workspaceId: ' ' })]),
  chat('[ChatChannel.slack({ channelId }) ] (no workspaceId, JavaScript)', refusedHere('chatChannels[0].workspaceId'),
    () => [ChatChannel.slack({ channelId: SLACK.channelId } as typeof SLACK)]),
  chat("[slack, ChatChannel.microsoftTeams({ ..., tenantId: '' })]", refusedHere('chatChannels[1].tenantId'),
    () => [ChatChannel.slack(SLACK), ChatChannel.microsoftTeams({ ...TEAMS, tenantId: '' })]),
  chat("[ChatChannel.microsoftTeams({ ..., teamId: '' })]", refusedHere('chatChannels[0].teamId'), () => [ChatChannel.microsoftTeams({ ...TEAMS, teamId: '' })]),
  chat('[ChatChannel.slack(...), ChatChannel.microsoftTeams(...)]', accepted(), () => [ChatChannel.slack(SLACK), ChatChannel.microsoftTeams(TEAMS)]),
  monitoring('chatChannels without alarmTopic', refusedHere('chatChannels', /no `alarmTopic`/),
    () => ({ alarmTopic: undefined, chatChannels: [ChatChannel.slack(SLACK)] })),
  monitoring('no alarmTopic (alarms notify nobody)', accepted(), () => ({ alarmTopic: undefined })),

  // The us-east-1 stack of the 5xx alarms.
  monitoring("edgeStackName: 'edge_alarms'", refusedHere('edgeStackName', /letters, digits and hyphens/), () => ({ edgeStackName: 'edge_alarms' })),
  monitoring("edgeStackName: '1-Edge' (a digit first)", refusedHere('edgeStackName'), () => ({ edgeStackName: '1-Edge' })),
  monitoring("edgeStackName: 'E'.repeat(129)", refusedHere('edgeStackName'), () => ({ edgeStackName: 'E'.repeat(129) })),
  monitoring("edgeStackName: 'Shop-EdgeAlarms'", accepted(), () => ({ edgeStackName: 'Shop-EdgeAlarms' })),
  monitoring("edgeStackName: 'Taken', the ID of another stack of the app", refusedHere('edgeStackName', /Taken already has it/), (stack) => {
    new Stack(stack.node.scope as Construct, 'Taken', { env: ENV });
    return { edgeStackName: 'Taken' };
  }),
  {
    subject: 'PlatformMonitoring',
    input: 'monitorHosting() twice for one hosting',
    expect: refusedHere('hosting', /monitored already/),
    observe: synth((stack) => {
      const m = new PlatformMonitoring(stack, 'Monitoring', { dashboardName: 'shop' });
      const hosting = new SpaHosting(stack, 'Shop');
      m.monitorHosting(hosting);
      m.monitorHosting(hosting);
    }),
  },
  {
    subject: 'PlatformMonitoring',
    input: 'monitorPipeline() twice for one pipeline',
    expect: refusedHere('pipeline', /monitored already/),
    observe: synth((stack) => {
      const m = new PlatformMonitoring(stack, 'Monitoring', { dashboardName: 'shop' });
      const pipeline = codepipeline.Pipeline.fromPipelineArn(stack, 'Pipeline', PIPELINE_ARN);
      m.monitorPipeline(pipeline, []);
      m.monitorPipeline(pipeline, []);
    }),
  },
  monitoring('in an environment-agnostic stack (no region for the 5xx alarms)', warned('cdk-ecom-platform:PlatformMonitoring.edgeAlarmsNeedRegion'),
    () => ({}), {}),
  monitoring('in us-east-1 (the 5xx alarms in its own stack)', accepted(), () => ({}), { account: ENV.account, region: 'us-east-1' }),

  // SpaHosting's metrics that CloudFront publishes only with additional metrics.
  metricOf('metricCacheHitRate() without additionalMetrics', refused('additionalMetrics', /CacheHitRate/), undefined, (h) => h.metricCacheHitRate()),
  metricOf('metricOriginLatency() with additionalMetrics: false', refused('additionalMetrics', /OriginLatency/), false, (h) => h.metricOriginLatency()),
  metricOf('metricCacheHitRate() with additionalMetrics: true', accepted(), true, (h) => h.metricCacheHitRate()),
  metricOf("additionalMetrics: 'yes' (JavaScript)", refused('additionalMetrics', /true or false/), 'yes' as unknown as boolean, () => undefined),
];
