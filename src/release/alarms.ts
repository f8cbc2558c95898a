// The automatic rollback's eyes: the state of the user's CloudWatch alarms (say the app's error rate) before
// and after a release goes live. Only a transition into ALARM after going live counts: an alarm already in
// ALARM before the switch says nothing about the new release (and rolling back to the release that was live
// while it fired would not help), so it triggers only if it leaves ALARM and comes back within the window.
import { AlarmType, CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ReleaseClients } from './clients';
import { ReleaseError } from './contract';

/** One alarm as DescribeAlarms reports it. */
export interface AlarmState {
  readonly name: string;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  /** When the state value last changed (StateTransitionedTimestamp, else StateUpdatedTimestamp), ms since the epoch. */
  readonly transitionedAt: number;
  readonly reason?: string;
}

/** DescribeAlarms takes at most 100 names per call. */
export const MAX_ROLLBACK_ALARMS = 100;

/** The named alarms' states (metric, composite and log alarms); a name CloudWatch doesn't know is absent. */
export async function describeAlarmStates(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<Map<string, AlarmState>> {
  if (names.length > MAX_ROLLBACK_ALARMS) {
    throw new ReleaseError(`at most ${MAX_ROLLBACK_ALARMS} alarms can be watched, got ${names.length}`);
  }
  const states = new Map<string, AlarmState>();
  if (names.length === 0) {
    return states;
  }
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: [...names],
      AlarmTypes: [AlarmType.MetricAlarm, AlarmType.CompositeAlarm, AlarmType.LogAlarm],
      NextToken: token,
    }));
    for (const a of [...page.MetricAlarms ?? [], ...page.CompositeAlarms ?? [], ...page.LogAlarms ?? []]) {
      if (a.AlarmName !== undefined) {
        const at = ('StateTransitionedTimestamp' in a ? a.StateTransitionedTimestamp : undefined) ?? a.StateUpdatedTimestamp;
        states.set(a.AlarmName, { name: a.AlarmName, state: a.StateValue ?? 'INSUFFICIENT_DATA', transitionedAt: at?.getTime() ?? 0, reason: a.StateReason });
      }
    }
    token = page.NextToken;
  } while (token);
  return states;
}

/**
 * True when `now` says the alarm went into ALARM after `before` was read: it wasn't in ALARM then, or it has
 * transitioned since (it left ALARM and came back).
 */
export function newAlarm(before: AlarmState | undefined, now: AlarmState): boolean {
  if (now.state !== 'ALARM') {
    return false;
  }
  return before === undefined || before.state !== 'ALARM' || now.transitionedAt > before.transitionedAt;
}

/** What to watch, and for how long. */
export interface WatchAlarmsOptions {
  readonly alarms: readonly string[];
  /** The states read just before going live. */
  readonly baseline: ReadonlyMap<string, AlarmState>;
  /** When the release went live (ms since the epoch); the window is counted from it. */
  readonly since: number;
  /** Default 300,000 ms. */
  readonly windowMs?: number;
  /** Between polls; default 15,000 ms (a metric alarm evaluates once a period, at best every 10 s). */
  readonly intervalMs?: number;
}

/** The watch's outcome. */
export interface WatchAlarmsResult {
  /** The first alarm that went into ALARM within the window; undefined: none did. */
  readonly triggered?: AlarmState;
  readonly polls: number;
  /** From `since` to the trigger or the window's end. */
  readonly watchedMs: number;
}

/**
 * Polls the alarms over the window and returns at the first new ALARM. An alarm deleted meanwhile is
 * reported once and no longer watched; errors of CloudWatch itself (after the SDK's retries) are thrown.
 */
export async function watchAlarms(clients: ReleaseClients, cloudwatch: CloudWatchClient, options: WatchAlarmsOptions): Promise<WatchAlarmsResult> {
  const windowMs = options.windowMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 15_000;
  const gone = new Set<string>();
  let polls = 0;
  for (;;) {
    polls++;
    const states = await describeAlarmStates(cloudwatch, options.alarms);
    for (const name of options.alarms) {
      const now = states.get(name);
      if (now === undefined) {
        if (!gone.has(name)) {
          gone.add(name);
          clients.log?.(`WARNING: alarm "${name}" no longer exists: not watched`);
        }
        continue;
      }
      if (newAlarm(options.baseline.get(name), now)) {
        return { triggered: now, polls, watchedMs: Math.max(0, clients.now() - options.since) };
      }
    }
    const elapsed = clients.now() - options.since;
    if (elapsed + intervalMs > windowMs) {
      return { polls, watchedMs: elapsed };
    }
    await clients.sleep(intervalMs);
  }
}
