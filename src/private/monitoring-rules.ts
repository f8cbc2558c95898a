// The checks of PlatformMonitoring's props, shared with EcomPlatform's `monitoring` options.
import { Duration, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { isStackName } from './naming-rules';
import { checkBoolean, checkInstance, checkList, checkObject } from './prop-types';
import { checkInteger, propError } from './validation';
import { BuildDurationAlarm, ChatChannel, PlatformMonitoringProps } from '../platform-monitoring';

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Checks the props of PlatformMonitoring, or (with `prefix` "monitoring.") the `monitoring` options EcomPlatform
 * passes on, so that the error names the prop the user gave.
 */
export function validateMonitoringProps(scope: IConstruct, props: PlatformMonitoringProps, prefix: string,
  checks: { readonly edgeStackName?: string; readonly chatNeedsTopic: boolean }): void {
  const alarms = props.alarms ?? {};
  const options = {
    errorRatePercent: alarms.errorRatePercent ?? 5,
    errorRateMinutes: alarms.errorRateMinutes ?? 5,
    buildDuration: alarms.buildDuration ?? BuildDurationAlarm.anomalyDetection(3),
  };
  const edgeStackName = checks.edgeStackName;
  if (props.alarms !== undefined) {
    checkObject(scope, `${prefix}alarms`, props.alarms, 'give { pipelineFailed, errorRatePercent, errorRateMinutes, buildDuration }, or remove it for the defaults');
    checkBoolean(scope, `${prefix}alarms.pipelineFailed`, props.alarms.pipelineFailed);
  }
  checkInstance(scope, `${prefix}alarmTopic`, props.alarmTopic, props.alarmTopic === undefined || (Construct.isConstruct(props.alarmTopic)
    && typeof (props.alarmTopic as { topicArn?: unknown }).topicArn === 'string'), 'an SNS topic (sns.ITopic)',
  'give an sns.Topic, or sns.Topic.fromTopicArn(this, "Alarms", arn), or remove `alarmTopic`');
  checkList(scope, `${prefix}chatChannels`, props.chatChannels, () => true, 'ChatChannels', 'ChatChannel.slack({ workspaceId, channelId })');
  if (!Token.isUnresolved(props.dashboardName) && !DASHBOARD_NAME.test(props.dashboardName ?? '')) {
    throw propError(scope, `${prefix}dashboardName`, props.dashboardName, 'CloudWatch dashboard names are 1 to 255 letters, digits, "-" and "_"',
      'give a name such as "e-com67"');
  }
  if (typeof options.errorRatePercent !== 'number' || !(options.errorRatePercent >= 0 && options.errorRatePercent < 100)) {
    throw propError(scope, `${prefix}alarms.errorRatePercent`, options.errorRatePercent, 'it is a percentage of requests, from 0 (no alarm) to below 100',
      'give a number such as 5');
  }
  checkInteger(scope, `${prefix}alarms.errorRateMinutes`, options.errorRateMinutes, 1, 60);
  const build = options.buildDuration;
  if (!(build instanceof BuildDurationAlarm)) {
    throw propError(scope, `${prefix}alarms.buildDuration`, build, 'it is one of BuildDurationAlarm\'s factories',
      'give BuildDurationAlarm.anomalyDetection(), BuildDurationAlarm.above(Duration.minutes(30)) or BuildDurationAlarm.none()');
  }
  if (build._kind === 'anomaly' && !(typeof build._standardDeviations === 'number' && build._standardDeviations > 0 && build._standardDeviations <= 10)) {
    throw propError(scope, `${prefix}alarms.buildDuration`, build._standardDeviations, 'the anomaly band is a positive number of standard deviations, at most 10',
      'give BuildDurationAlarm.anomalyDetection(3)');
  }
  if (build._kind === 'static' && !(build._threshold instanceof Duration && (build._threshold.isUnresolved() || build._threshold.toSeconds() >= 60))) {
    throw propError(scope, `${prefix}alarms.buildDuration`, build._threshold, 'a build duration threshold is a Duration of at least a minute',
      'give BuildDurationAlarm.above(Duration.minutes(30))');
  }
  if (edgeStackName !== undefined && !isStackName(edgeStackName)) {
    throw propError(scope, 'edgeStackName', edgeStackName, 'stack names are letters, digits and hyphens, starting with a letter, at most 128',
      'give a name such as "E-Com67-EdgeAlarmsStack"');
  }
  (props.chatChannels ?? []).forEach((channel, i) => {
    if (!(channel instanceof ChatChannel)) {
      throw propError(scope, `${prefix}chatChannels[${i}]`, channel, 'it is one of ChatChannel\'s factories', 'give ChatChannel.slack({ ... }) or ChatChannel.microsoftTeams({ ... })');
    }
    for (const [field, value] of [['channelId', channel._channelId], [channel._kind === 'slack' ? 'workspaceId' : 'teamId', channel._workspaceOrTeamId],
      ...(channel._kind === 'teams' ? [['tenantId', channel._tenantId]] : [])] as const) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw propError(scope, `${prefix}chatChannels[${i}].${field}`, value, 'AWS Chatbot needs it to find the channel', 'copy it from the channel\'s link or the AWS Chatbot console');
      }
    }
  });
  if (checks.chatNeedsTopic && (props.chatChannels ?? []).length > 0 && !props.alarmTopic) {
    throw propError(scope, `${prefix}chatChannels`, props.chatChannels!.length, 'a chat channel receives what the alarm topic receives, and there is no `alarmTopic`',
      'give `alarmTopic`, or remove `chatChannels`');
  }
}
