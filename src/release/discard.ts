// A release that failed its smoke check is removed, so that no later `releases`, `rollback` or prune can list,
// keep or make live a release known to be broken. Only its manifest and its own prefix are touched: the hashed
// assets it uploaded sit at the bucket root, may be shared with kept releases, and are left to prune's age rule.
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { listObjects } from './bucket';
import { ReleaseClients } from './clients';
import { ReleaseError, checkReleaseId, manifestKey, releasePrefix } from './contract';
import { readLiveState } from './live-store';

/** The release to discard. */
export interface DiscardOptions {
  readonly bucket: string;
  readonly kvsArn: string;
  readonly releaseId: string;
}

/** What a discard did. */
export interface DiscardResult {
  /** False when the release was left alone (see `keptBecause`). */
  readonly discarded: boolean;
  /** Objects deleted: its manifest first, then everything under the release's prefix. */
  readonly deleted: readonly string[];
  /** Why it was left alone: the store names it live or previous (a retried deploy of a release that went live before). */
  readonly keptBecause?: string;
}

/**
 * Deletes a release's manifest, then the rest of its prefix. The manifest goes first and alone: once it is
 * gone the release is invisible to listReleases, goLive, rollback and prune, whatever happens next. A release
 * the store names live or previous is never deleted (its files are served or one rollback away).
 */
export async function discardRelease(clients: ReleaseClients, options: DiscardOptions): Promise<DiscardResult> {
  const id = checkReleaseId(options.releaseId, 'discard releaseId');
  const state = await readLiveState(clients, options.kvsArn);
  if (state.live === id || state.previous === id) {
    const keptBecause = `the store names it ${state.live === id ? 'live' : 'previous'}`;
    clients.log?.(`release ${id} not discarded: ${keptBecause}`);
    return { discarded: false, deleted: [], keptBecause };
  }
  const manifest = manifestKey(id);
  // The manifest is outside the release's prefix: a listing with its key as the prefix finds it alone.
  const [manifests, rest] = await Promise.all([
    listObjects(clients.s3, options.bucket, manifest).then((objects) => objects.filter((o) => o.key === manifest).map((o) => o.key)),
    listObjects(clients.s3, options.bucket, releasePrefix(id)).then((objects) => objects.map((o) => o.key)),
  ]);
  const batches = [...(manifests.length > 0 ? [manifests] : []), ...chunks(rest, 1000)];
  for (const batch of batches) {
    const result = await clients.s3.send(new DeleteObjectsCommand({
      Bucket: options.bucket,
      Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
    }));
    if (result.Errors?.length) {
      throw new ReleaseError(`discarding release ${id}: ${result.Errors.length} deletes failed, e.g. ${result.Errors.slice(0, 3).map((e) => `${e.Key}: ${e.Code} ${e.Message}`).join('; ')}`);
    }
  }
  clients.log?.(`release ${id} discarded: ${manifests.length > 0 ? 'its manifest and ' : ''}${rest.length} objects under ${releasePrefix(id)} deleted (shared hashed assets left to prune)`);
  return { discarded: true, deleted: [...manifests, ...rest] };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}
