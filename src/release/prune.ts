// Retention: keep the newest N releases, the live one, the previous one (rollback's default) and any pinned
// ones, plus every hashed asset any of them references; delete the rest. The plan is a pure function of the
// listing, the manifests and the store's keys, so tests can throw thousands of random buckets at it.
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { BucketObject, listObjects, manifestIds, newestFirst, readManifests } from './bucket';
import { ReleaseClients } from './clients';
import {
  MANIFESTS_PREFIX, RELEASES_PREFIX, ReleaseError, ReleaseManifest, checkReleaseId, manifestKey, releaseIdOfKey, releaseIdOfManifestKey,
} from './contract';
import { readLiveState } from './live-store';

/** How much older than the newest pruned release an unreferenced object must be to go (clock skew, S3's whole seconds). */
const CLOCK_MARGIN_MS = 5 * 60 * 1000;

/** Releases kept by default: enough to roll back across a bad week of deploys, a few MB of HTML each. */
export const DEFAULT_KEEP = 10;

/** What the plan is computed from. */
export interface PrunePlanInput {
  readonly objects: readonly BucketObject[];
  readonly manifests: readonly ReleaseManifest[];
  readonly live?: string;
  readonly previous?: string;
  readonly pinned?: readonly string[];
  readonly keep: number;
}

/** What to delete, and why the rest stays. */
export interface PrunePlan {
  /** Release ids kept (newest N with a manifest, live, previous, pinned). */
  readonly kept: readonly string[];
  /** Release ids whose files are deleted. */
  readonly pruned: readonly string[];
  /**
   * Keys to delete, the pruned releases' manifests first: a crash midway leaves orphans the next prune
   * removes, never a listed release with missing files.
   */
  readonly deletes: readonly string[];
}

/**
 * The deletions. Rules, in order, for each object:
 * - a manifest (`_spa-deploy/releases/<id>.json`): deleted when its release is pruned, else kept; anything else
 *   under `_spa-deploy/releases/` is not ours: kept;
 * - under the prefix of a kept release: kept;
 * - under the prefix of a release with a manifest that isn't kept: deleted;
 * - anything else (a hashed asset, a release prefix without a manifest (a failed upload), the bucket-root files
 *   of the layout before releases, the old script's `_spa-deploy/` state): kept when a kept release
 *   references it; deleted when it is older than the newest release this run prunes (it was uploaded for
 *   that release or an older one, or for the layout before releases, none of which is kept); kept otherwise
 *   (it may belong to a deploy still uploading). So the layout before releases goes with the first pruned
 *   release, not before: tabs opened on it keep their chunks through the first N deploys. No root object is
 *   deleted while no release is live: the bucket root is then what visitors get.
 */
export function planPrune(input: PrunePlanInput): PrunePlan {
  if (!Number.isInteger(input.keep) || input.keep < 1) {
    throw new ReleaseError(`keep ${String(input.keep)} is not a whole number of at least 1`);
  }
  const sorted = [...input.manifests].sort(newestFirst);
  const protectedIds = new Set<string>([
    ...sorted.slice(0, input.keep).map((m) => m.id),
    ...[input.live, input.previous, ...(input.pinned ?? [])].filter((id): id is string => id !== undefined),
  ]);
  const keptManifests = sorted.filter((m) => protectedIds.has(m.id));
  const withManifest = new Set(sorted.map((m) => m.id));
  const referenced = new Set(keptManifests.flatMap((m) => m.assets));
  const prunedManifests = sorted.filter((m) => !protectedIds.has(m.id));
  // An object can only be left over from a pruned release (or the layout before releases) if it was written
  // before the newest pruned one was created; a crash between this run's deletes leaves a few such objects
  // for good (storage only: nothing serves them).
  // The manifests' times come from the deploy machine's clock, S3's LastModified from S3's (to the second in
  // listings): the margin keeps a concurrent deploy's fresh, not yet referenced assets out of reach of either skew.
  const threshold = Math.max(-Infinity, ...prunedManifests.map((m) => Date.parse(m.createdAt))) - CLOCK_MARGIN_MS;

  const deletes: string[] = [];
  for (const { key, lastModified } of input.objects) {
    const manifestOf = releaseIdOfManifestKey(key);
    if (manifestOf !== undefined && withManifest.has(manifestOf) && !protectedIds.has(manifestOf)) {
      deletes.push(key);
    }
    if (key.startsWith(MANIFESTS_PREFIX)) {
      continue;
    }
    const id = releaseIdOfKey(key);
    if (id !== undefined && protectedIds.has(id)) {
      continue;
    }
    if (id !== undefined && withManifest.has(id)) {
      deletes.push(key);
      continue;
    }
    if (key.startsWith(RELEASES_PREFIX) && id === undefined) {
      continue; // not a release key we wrote: leave it
    }
    if (!referenced.has(key) && lastModified < threshold && input.live !== undefined) {
      deletes.push(key);
    }
  }
  const pruned = prunedManifests.map((m) => m.id);
  const manifests = new Set(pruned.map(manifestKey));
  return {
    kept: [...protectedIds].sort(),
    pruned,
    deletes: [...deletes.filter((k) => manifests.has(k)), ...deletes.filter((k) => !manifests.has(k))],
  };
}

/** What to prune. */
export interface PruneOptions {
  readonly bucket: string;
  readonly kvsArn: string;
  /** Newest releases kept besides the live, previous and pinned ones; default DEFAULT_KEEP. */
  readonly keep?: number;
  /** Releases never pruned (say a release being checked, or one kept for an investigation). */
  readonly pinned?: readonly string[];
  /** Compute and return the plan without deleting. */
  readonly dryRun?: boolean;
}

/** Reads the bucket and the store, plans and deletes (1,000 keys per DeleteObjects call). */
export async function prune(clients: ReleaseClients, options: PruneOptions): Promise<PrunePlan> {
  const pinned = (options.pinned ?? []).map((id) => checkReleaseId(id, 'pinned release'));
  const [state, objects] = await Promise.all([readLiveState(clients, options.kvsArn), listObjects(clients.s3, options.bucket)]);
  const manifests = await readManifests(clients.s3, options.bucket, manifestIds(objects));
  const plan = planPrune({ objects, manifests, live: state.live, previous: state.previous, pinned, keep: options.keep ?? DEFAULT_KEEP });
  clients.log?.(`prune: keeping ${plan.kept.join(', ') || '(none)'}; pruning ${plan.pruned.join(', ') || '(none)'}; ${plan.deletes.length} objects to delete`);
  if (options.dryRun) {
    return plan;
  }
  for (let start = 0; start < plan.deletes.length; start += 1000) {
    const batch = plan.deletes.slice(start, start + 1000);
    const result = await clients.s3.send(new DeleteObjectsCommand({
      Bucket: options.bucket,
      Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
    }));
    if (result.Errors?.length) {
      throw new ReleaseError(`prune: ${result.Errors.length} deletes failed, e.g. ${result.Errors.slice(0, 3).map((e) => `${e.Key}: ${e.Code} ${e.Message}`).join('; ')}`);
    }
  }
  return plan;
}
