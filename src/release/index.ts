// The release module's surface, shared by the deploy program (run in the pipeline's deploy action) and the
// CLI's `releases` and `rollback`. Not part of the construct library's jsii API: it is bundled with esbuild.
export * from './contract';
export * from './hashed-paths';
export { ReleaseClients, SDK_RETRY, defaultReleaseClients } from './clients';
export { deployRelease, DeployOptions, DeployResult, contentType } from './deploy';
export { smokeCheck, SmokeCheckOptions, SmokeCheckResult, SmokeCheckRequest, htmlReferences } from './smoke-check';
export { ensurePinToken, goLive, GoLiveOptions, LiveState, readLiveState, SwitchResult } from './live-store';
export { waitUntilLive, WaitUntilLiveOptions, WaitUntilLiveResult } from './wait-live';
export { listReleases, ListedRelease, ReleaseList, rollback, RollbackOptions } from './releases';
export { DEFAULT_KEEP, planPrune, prune, PruneOptions, PrunePlan, PrunePlanInput } from './prune';
