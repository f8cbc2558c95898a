// The release module's surface, shared by the deploy program (run in the pipeline's deploy action) and the
// CLI's `releases` and `rollback`. Not part of the construct library's jsii API: it is bundled with esbuild.
export * from './contract';
export * from './hashed-paths';
export { SDK_RETRY, defaultReleaseClients } from './clients';
export type { ReleaseClients } from './clients';
export { contentType, deployRelease } from './deploy';
export type { DeployOptions, DeployResult } from './deploy';
export { readBuildOutput } from './build-output';
export type { BuildFile, BuildOutputOptions } from './build-output';
export { htmlReferences, smokeCheck } from './smoke-check';
export type { SmokeCheckOptions, SmokeCheckRequest, SmokeCheckResult } from './smoke-check';
export { ensurePinToken, goLive, readLiveState, switchLive } from './live-store';
export type { GoLiveOptions, LiveState, SwitchOptions, SwitchResult } from './live-store';
export { probeFor, waitUntilLive } from './wait-live';
export type { ReleaseProbe, WaitUntilLiveOptions, WaitUntilLiveResult } from './wait-live';
export { listReleases, rollback } from './releases';
export type { ListedRelease, ReleaseList, RollbackOptions } from './releases';
export { DEFAULT_KEEP, planPrune, prune } from './prune';
export type { PruneOptions, PrunePlan, PrunePlanInput } from './prune';
export { discardRelease } from './discard';
export type { DiscardOptions, DiscardResult } from './discard';
export { MAX_ROLLBACK_ALARMS, describeAlarmStates, newAlarm, watchAlarms } from './alarms';
export type { AlarmState, WatchAlarmsOptions, WatchAlarmsResult } from './alarms';
export { RENEW_BEFORE_MS, SESSION_SECONDS, assumeRoleCredentials, sessionName } from './credentials';
export type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from './credentials';
export { readParameter, readParameters } from './parameters';
export type { ParameterValue } from './parameters';
