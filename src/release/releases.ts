// The kept releases as the CLI shows them, and rollback: making an earlier kept release live again with one
// store write (no upload, no build, no invalidation: the rewritten URIs of that release are its own cache keys).
import { listObjects, manifestIds, newestFirst, readManifests } from './bucket';
import { ReleaseClients } from './clients';
import { MANIFESTS_PREFIX, ReleaseError, ReleaseManifest, checkReleaseId } from './contract';
import { SwitchResult, readLiveState, requireManifest, switchLive } from './live-store';

/** A kept release, as listed. */
export interface ListedRelease {
  readonly manifest: ReleaseManifest;
  readonly live: boolean;
  /** Was live before the last switch: rollback's default target. */
  readonly previous: boolean;
}

/** The releases in the bucket, newest first. */
export interface ReleaseList {
  readonly releases: readonly ListedRelease[];
  readonly live?: string;
  readonly previous?: string;
}

/** Where the releases are. */
export interface ReleaseStoreOptions {
  readonly bucket: string;
  readonly kvsArn: string;
}

/** Lists the releases that have a manifest, newest first, with the live and previous markers. */
export async function listReleases(clients: ReleaseClients, options: ReleaseStoreOptions): Promise<ReleaseList> {
  const [state, objects] = await Promise.all([
    readLiveState(clients, options.kvsArn),
    listObjects(clients.s3, options.bucket, MANIFESTS_PREFIX),
  ]);
  const manifests = (await readManifests(clients.s3, options.bucket, manifestIds(objects))).sort(newestFirst);
  return {
    live: state.live,
    previous: state.previous,
    releases: manifests.map((manifest) => ({ manifest, live: manifest.id === state.live, previous: manifest.id === state.previous })),
  };
}

/** A rollback's target. */
export interface RollbackOptions extends ReleaseStoreOptions {
  /**
   * The release to make live. Default: the one that was live before the last switch (so a second rollback
   * undoes the first); when the store doesn't know it, the newest kept release older than the live one.
   */
  readonly to?: string;

  /**
   * Switch only if this release (undefined: none) is still the live one: the caller's own earlier read, such as
   * the list a person confirmed the rollback from. A deploy or rollback that went live meanwhile is never undone.
   * Default: the live release this call reads.
   */
  readonly expectedLive?: string;
}

/** Makes an earlier kept release live: S3 is only read, the store written once. */
export async function rollback(clients: ReleaseClients, options: RollbackOptions): Promise<SwitchResult> {
  const state = await readLiveState(clients, options.kvsArn);
  if ('expectedLive' in options && state.live !== options.expectedLive) {
    throw new ReleaseError(`the live release is ${state.live ?? '(none)'}, not ${options.expectedLive ?? '(none)'}: another deploy or rollback switched it meanwhile. `
      + 'Nothing was written; check `releases` and try again.');
  }
  let target = options.to === undefined ? state.previous : checkReleaseId(options.to, 'rollback --to');
  if (target === undefined) {
    const { releases } = await listReleases(clients, options);
    const liveIndex = releases.findIndex((r) => r.live);
    target = liveIndex < 0 ? undefined : releases[liveIndex + 1]?.manifest.id;
    if (target === undefined) {
      throw new ReleaseError(`no release to roll back to: ${state.live ? `${state.live} is the oldest kept release` : 'no release is live'}. Pass a release id (see \`releases\`).`);
    }
  }
  if (target === state.live) {
    throw new ReleaseError(`release ${target} is already live`);
  }
  await requireManifest(clients, options.bucket, target);
  return switchLive(clients, options.kvsArn, target, { expectedLive: state.live });
}
