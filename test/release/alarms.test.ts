// The rollback watch's reading of CloudWatch (src/release/alarms.ts), with DescribeAlarms mocked.
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { World } from './harness';
import { AlarmState, describeAlarmStates, newAlarm, watchAlarms } from '../../src/release/alarms';

const at = (s: number) => new Date(Date.parse('2025-06-01T12:00:00Z') + s * 1000);

describe('describeAlarmStates', () => {
  test('metric and composite alarms, every page, the transition time (else the update time); unknown names absent', async () => {
    const cw = new CloudWatchClient({ region: 'us-east-1' });
    const mock = mockClient(cw);
    mock.on(DescribeAlarmsCommand, { NextToken: undefined }).resolves({
      MetricAlarms: [{ AlarmName: 'errors', StateValue: 'ALARM', StateTransitionedTimestamp: at(5), StateUpdatedTimestamp: at(9), StateReason: 'Threshold Crossed' }],
      NextToken: 'page-2',
    });
    mock.on(DescribeAlarmsCommand, { NextToken: 'page-2' }).resolves({
      CompositeAlarms: [{ AlarmName: 'health', StateValue: 'OK', StateUpdatedTimestamp: at(7) }],
    });
    const states = await describeAlarmStates(cw, ['errors', 'health', 'typo']);
    expect([...states.values()]).toEqual([
      { name: 'errors', state: 'ALARM', transitionedAt: at(5).getTime(), reason: 'Threshold Crossed' },
      { name: 'health', state: 'OK', transitionedAt: at(7).getTime(), reason: undefined },
    ]);
    expect(mock.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({
      AlarmNames: ['errors', 'health', 'typo'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm', 'LogAlarm'],
    });
    await expect(describeAlarmStates(cw, Array.from({ length: 101 }, (_, i) => `a${i}`))).rejects.toThrow(/at most 100/);
  });
});

describe('newAlarm', () => {
  const s = (state: string, t: number): AlarmState => ({ name: 'a', state, transitionedAt: t });
  test.each([
    ['OK -> ALARM', s('OK', 1), s('ALARM', 2), true],
    ['INSUFFICIENT_DATA -> ALARM', s('INSUFFICIENT_DATA', 1), s('ALARM', 2), true],
    ['unknown before -> ALARM', undefined, s('ALARM', 2), true],
    ['ALARM all along', s('ALARM', 1), s('ALARM', 1), false],
    ['ALARM, left and came back', s('ALARM', 1), s('ALARM', 3), true],
    ['OK -> OK', s('OK', 1), s('OK', 2), false],
    ['ALARM -> OK', s('ALARM', 1), s('OK', 2), false],
  ])('%s: %s', (_what, before, now, expected) => {
    expect(newAlarm(before, now)).toBe(expected);
  });
});

describe('watchAlarms', () => {
  test('an alarm deleted during the watch is reported once and no longer watched; the window bounds the polls', async () => {
    const world = new World();
    const log: string[] = [];
    const cw = new CloudWatchClient({ region: 'us-east-1' });
    mockClient(cw).on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'errors', StateValue: 'OK', StateUpdatedTimestamp: at(0) }] });
    const baseline = new Map<string, AlarmState>([['errors', { name: 'errors', state: 'OK', transitionedAt: 0 }]]);
    const result = await watchAlarms(world.clients(log), cw, { alarms: ['errors', 'gone'], baseline, since: world.time, windowMs: 60_000, intervalMs: 15_000 });
    expect(result).toEqual({ polls: 5, watchedMs: 60_000 }); // at 0, 15, 30, 45 and 60 s: the window's end included
    expect(log).toEqual(['WARNING: alarm "gone" no longer exists: not watched']);
  });

  test('returns at the first alarm that goes into ALARM, with the time since going live', async () => {
    const world = new World();
    const cw = new CloudWatchClient({ region: 'us-east-1' });
    let poll = 0;
    mockClient(cw).on(DescribeAlarmsCommand).callsFake(() => {
      poll++;
      return { MetricAlarms: [{ AlarmName: 'errors', StateValue: poll === 3 ? 'ALARM' : 'OK', StateTransitionedTimestamp: at(poll) }] };
    });
    const result = await watchAlarms(world.clients(), cw, { alarms: ['errors'], baseline: new Map(), since: world.time });
    expect(result).toMatchObject({ polls: 3, watchedMs: 30_000, triggered: { name: 'errors', state: 'ALARM' } });
  });
});
