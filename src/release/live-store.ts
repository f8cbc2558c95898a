// The KeyValueStore side: which release is live, the pin token, and the one write that switches releases.
// Every write carries the store's ETag (IfMatch), so two writers can't silently overwrite each other.
import { randomBytes } from 'crypto';
import {
  ConflictException, DescribeKeyValueStoreCommand, GetKeyCommand, PutKeyCommand, ResourceNotFoundException, UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { getText } from './bucket';
import { ReleaseClients } from './clients';
import { KVS_KEYS, ReleaseError, ReleaseManifest, checkReleaseId, manifestKey, parseManifest } from './contract';
import { SmokeCheckResult } from './smoke-check';

/** The store's release keys and its version. */
export interface LiveState {
  readonly live?: string;
  readonly previous?: string;
  /** The store's ETag when the keys were read: the IfMatch of the next write. */
  readonly etag: string;
}

/** What a switch did. */
export interface SwitchResult {
  readonly live: string;
  /** What was live before (undefined: the bucket root, the layout before releases). */
  readonly previous?: string;
  /** False when the release was already live (nothing written). */
  readonly changed: boolean;
  /** ms since the epoch, after the write was accepted. */
  readonly switchedAt: number;
}

/** Conditions of a switch. */
export interface SwitchOptions {
  /**
   * Switch only if this release is live when the store is first read (undefined: only if none is): the
   * automatic rollback must not undo a deploy or rollback that happened after the release it watches.
   */
  readonly expectedLive?: string;
}

/** How many times a switch re-reads the store after an ETag conflict that didn't change the live release. */
const CONFLICT_ATTEMPTS = 3;

/** A key's value, undefined when the key doesn't exist. */
async function getKey(clients: ReleaseClients, kvsArn: string, key: string): Promise<string | undefined> {
  try {
    return (await clients.kvs.send(new GetKeyCommand({ KvsARN: kvsArn, Key: key }))).Value;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

async function describeEtag(clients: ReleaseClients, kvsArn: string): Promise<string> {
  const etag = (await clients.kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: kvsArn }))).ETag;
  if (!etag) {
    throw new ReleaseError(`DescribeKeyValueStore ${kvsArn} returned no ETag`);
  }
  return etag;
}

/**
 * The release keys and the ETag read before them: a write between the two makes the next IfMatch fail (and
 * be retried from a fresh read) rather than pass with stale values. Values that aren't release ids are
 * refused: the function would build an S3 key from them.
 */
export async function readLiveState(clients: ReleaseClients, kvsArn: string): Promise<LiveState> {
  const etag = await describeEtag(clients, kvsArn);
  const [live, previous] = await Promise.all([getKey(clients, kvsArn, KVS_KEYS.live), getKey(clients, kvsArn, KVS_KEYS.previous)]);
  return {
    etag,
    live: live === undefined ? undefined : checkReleaseId(live, `key ${KVS_KEYS.live} of ${kvsArn}`),
    previous: previous === undefined ? undefined : checkReleaseId(previous, `key ${KVS_KEYS.previous} of ${kvsArn}`),
  };
}

/**
 * The pin token, created (32 random bytes, base64url) when the store has none. Created once per store, not
 * per deploy, so a deploy whose check then fails writes nothing to the store when the token already exists.
 */
export async function ensurePinToken(clients: ReleaseClients, kvsArn: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const etag = await describeEtag(clients, kvsArn);
    const token = await getKey(clients, kvsArn, KVS_KEYS.pinToken);
    if (token) {
      return token;
    }
    const fresh = randomBytes(32).toString('base64url');
    try {
      await clients.kvs.send(new PutKeyCommand({ KvsARN: kvsArn, Key: KVS_KEYS.pinToken, Value: fresh, IfMatch: etag }));
      return fresh;
    } catch (error) {
      if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/**
 * Makes `target` live with one UpdateKeys call (the live key, and the previous key set to what was live), with
 * the store's ETag. On an ETag conflict the store is read again: if the live release is still the one read
 * first (another key changed, say the pin token), the write is retried; if another deploy or rollback changed
 * the live release meanwhile, this one stops rather than overwrite it.
 */
export async function switchLive(clients: ReleaseClients, kvsArn: string, target: string, options: SwitchOptions = {}): Promise<SwitchResult> {
  checkReleaseId(target, 'target release');
  let first: LiveState | undefined;
  for (let attempt = 1; ; attempt++) {
    const state = await readLiveState(clients, kvsArn);
    if (!first && 'expectedLive' in options && state.live !== options.expectedLive) {
      throw new ReleaseError(`the live release is ${state.live ?? '(none)'}, not ${options.expectedLive ?? '(none)'}: another deploy or rollback switched it. Nothing was written.`);
    }
    first ??= state;
    if (state.live !== first.live) {
      throw new ReleaseError(`the live release changed from ${first.live ?? '(none)'} to ${state.live ?? '(none)'} while switching to ${target}: another deploy or rollback ran at the same time. Nothing was written; check \`releases\` and try again.`);
    }
    if (state.live === target) {
      return { live: target, previous: state.previous, changed: false, switchedAt: clients.now() };
    }
    const puts: { Key: string; Value: string }[] = [{ Key: KVS_KEYS.live, Value: target }];
    if (state.live !== undefined) {
      puts.push({ Key: KVS_KEYS.previous, Value: state.live });
    }
    try {
      await clients.kvs.send(new UpdateKeysCommand({ KvsARN: kvsArn, IfMatch: state.etag, Puts: puts }));
      clients.log?.(`live: ${state.live ?? '(bucket root)'} -> ${target}`);
      return { live: target, previous: state.live, changed: true, switchedAt: clients.now() };
    } catch (error) {
      if (!isConflict(error)) {
        throw error;
      }
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new ReleaseError(`the store kept changing (ETag conflict ${attempt} times) while switching to ${target}; nothing was written. Try again.`);
      }
      clients.log?.(`store changed while switching (ETag conflict): reading it again (${attempt}/${CONFLICT_ATTEMPTS})`);
    }
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof ConflictException || (error as Error)?.name === 'ConflictException';
}

/** Reads and checks a release's manifest; a release without one is incomplete and can't go live. */
export async function requireManifest(clients: ReleaseClients, bucket: string, id: string): Promise<ReleaseManifest> {
  const key = manifestKey(id);
  let text: string;
  try {
    text = await getText(clients.s3, bucket, key);
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') {
      throw new ReleaseError(`release ${id} has no manifest (s3://${bucket}/${key}): it was never fully uploaded, or it was pruned`);
    }
    throw error;
  }
  return parseManifest(text, key);
}

/** Going live after a deploy. */
export interface GoLiveOptions {
  readonly bucket: string;
  readonly kvsArn: string;
  readonly releaseId: string;
  /** The smoke check's result for this release; a failed one (or one for another release) writes nothing. */
  readonly check: SmokeCheckResult;
}

/**
 * Makes a deployed, checked release live: one store write. Refuses, before touching the store, a failed or
 * mismatched check and a release without a manifest.
 */
export async function goLive(clients: ReleaseClients, options: GoLiveOptions): Promise<SwitchResult> {
  const id = checkReleaseId(options.releaseId, 'goLive releaseId');
  if (!options.check || options.check.releaseId !== id) {
    throw new ReleaseError(`release ${id} was not smoke-checked (the check given is for ${options.check?.releaseId ?? 'nothing'}); the live release is unchanged`);
  }
  if (!options.check.ok) {
    throw new ReleaseError(`release ${id} failed its smoke check; the live release is unchanged:\n  ${options.check.reasons.join('\n  ')}`);
  }
  await requireManifest(clients, options.bucket, id);
  return switchLive(clients, options.kvsArn, id);
}
