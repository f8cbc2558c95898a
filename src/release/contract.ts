// The contract shared by the deploy program, the operator CLI and the hosting's CloudFront Function: where a
// release's files live in the bucket, what its manifest says, which KeyValueStore keys name the live release,
// and which request headers pin a release before it is live. Changing anything here changes what every
// deployed function and every existing bucket expect: add, don't rename.

// The values the routing function embeds live with the construct library (src/private/release-routing.ts),
// which ships without this module; they are re-exported here.
export { DEFAULT_HASHED_PATTERN, ENTRY_FILE, KVS_KEYS, PIN_HEADERS, RELEASES_PREFIX } from '../private/release-routing';
import { RELEASES_PREFIX } from '../private/release-routing';

/** The manifest format version; a reader refuses versions it doesn't know instead of guessing. */
export const MANIFEST_SCHEMA = 1;

/**
 * The deploy's own state, never served: SpaHosting's bucket policy denies CloudFront reading it, and a build
 * path under it is refused, so nothing here can be fetched through the site or collide with an app's file.
 * It holds the release manifests (MANIFESTS_PREFIX) and, in buckets of the deploy script before releases
 * (`assets/spa-deploy.sh`, since removed), that script's `releases.json`.
 */
export const STATE_PREFIX = '_spa-deploy/';

/**
 * `_spa-deploy/releases/`: a release's manifest is `<id>.json` here, written last, so a release without one is
 * incomplete. Not under the release's own prefix, which the routing function serves at the site root.
 */
export const MANIFESTS_PREFIX = `${STATE_PREFIX}releases/`;

/** Cache-Control of hashed assets: the name changes when the content does. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Cache-Control of a release's un-hashed files. Browsers see them under stable URLs (`/`, `/config.json`), so
 * they must revalidate; the edge caches them under the rewritten, per-release URI.
 */
export const ENTRY_CACHE_CONTROL = 'no-cache';

/**
 * CloudFront KeyValueStore limits (CloudFront Developer Guide, "Quotas" and "File format for key-value pairs"):
 * a key is at most 512 bytes, a value at most 1 KB, a whole store at most 5 MB. Release ids are values of
 * LIVE/PREVIOUS and well under the limit (see RELEASE_ID_MAX_LENGTH).
 */
export const KVS_LIMITS = { keyBytes: 512, valueBytes: 1024, storeBytes: 5 * 1024 * 1024 } as const;

/** A release id's source part: a short commit (7+ hex) or another lower-case alphanumeric source tag. */
const SOURCE_PART = '[a-z0-9]{1,40}';
/** A release id's build number: a decimal without leading zeros (CodeBuild's CODEBUILD_BUILD_NUMBER). */
const BUILD_PART = '(0|[1-9][0-9]{0,11})';
const RELEASE_ID = new RegExp(`^(${SOURCE_PART})-${BUILD_PART}$`);

/** 40 + 1 + 12: far below the KVS value limit (1 KB) and short enough for S3 keys and URIs. */
export const RELEASE_ID_MAX_LENGTH = 53;

/** Thrown for anything a caller or a bucket got wrong; the message says what and how to fix it. */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/**
 * Why a release id is unusable, or undefined when it is fine. Ids become S3 key segments, URI path segments,
 * header values and KVS values, so only `[a-z0-9-]` is allowed: no `/`, `..`, spaces, upper case (S3 keys are
 * case-sensitive, people aren't) or anything a URI or header would need to escape.
 */
export function releaseIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') {
    return `a release id must be a string, got ${typeof id}`;
  }
  if (id.length === 0 || id.length > RELEASE_ID_MAX_LENGTH) {
    return `a release id is 3 to ${RELEASE_ID_MAX_LENGTH} characters, got ${id.length}`;
  }
  if (!RELEASE_ID.test(id)) {
    return `"${id}" is not <source>-<build number> (source: 1-40 of [a-z0-9], such as a short commit; build number: a decimal without leading zeros)`;
  }
  return undefined;
}

/** Returns the id when it is valid, else throws a ReleaseError naming where it came from. */
export function checkReleaseId(id: unknown, where: string): string {
  const problem = releaseIdProblem(id);
  if (problem) {
    throw new ReleaseError(`${where}: ${problem}`);
  }
  return id as string;
}

/**
 * A release id from a commit and a build number: the commit's first 7 characters, lower-cased (git's short
 * form), and the build number.
 */
export function releaseIdFor(commit: string, buildNumber: number): string {
  if (typeof commit !== 'string' || !/^[0-9a-fA-F]{7,64}$/.test(commit)) {
    throw new ReleaseError(`commit "${String(commit)}" is not a git commit hash (7 to 64 hex characters)`);
  }
  if (!Number.isSafeInteger(buildNumber) || buildNumber < 0 || buildNumber > 999_999_999_999) {
    throw new ReleaseError(`build number ${String(buildNumber)} is not a whole number from 0 to 999999999999`);
  }
  return checkReleaseId(`${commit.slice(0, 7).toLowerCase()}-${buildNumber}`, 'release id');
}

/** `releases/<id>/`: the prefix of a release's un-hashed files. */
export function releasePrefix(id: string): string {
  return `${RELEASES_PREFIX}${checkReleaseId(id, 'release prefix')}/`;
}

/** `_spa-deploy/releases/<id>.json`. */
export function manifestKey(id: string): string {
  return `${MANIFESTS_PREFIX}${checkReleaseId(id, 'manifest key')}.json`;
}

/** The release id a manifest key (`_spa-deploy/releases/<id>.json`) names, or undefined for any other key. */
export function releaseIdOfManifestKey(key: string): string | undefined {
  if (!key.startsWith(MANIFESTS_PREFIX) || !key.endsWith('.json')) {
    return undefined;
  }
  const id = key.slice(MANIFESTS_PREFIX.length, -'.json'.length);
  return releaseIdProblem(id) === undefined ? id : undefined;
}

/** The release id a `releases/<id>/...` key belongs to, or undefined for any other key. */
export function releaseIdOfKey(key: string): string | undefined {
  if (!key.startsWith(RELEASES_PREFIX)) {
    return undefined;
  }
  const id = key.slice(RELEASES_PREFIX.length).split('/')[0];
  return releaseIdProblem(id) === undefined && key.length > RELEASES_PREFIX.length + id.length ? id : undefined;
}

/** One un-hashed file of a release, relative to the release prefix. */
export interface ReleaseFile {
  /** Build path, e.g. `index.html`; the object is `releases/<id>/<path>`. */
  readonly path: string;
  readonly size: number;
  /** Hex MD5 of the content: lets `waitUntilLive` recognise the entry page the edge serves. */
  readonly md5: string;
}

/** What `_spa-deploy/releases/<id>.json` holds. */
export interface ReleaseManifest {
  readonly schema: number;
  readonly id: string;
  /** The full source commit (or other source version) the release was built from. */
  readonly commit: string;
  readonly buildNumber: number;
  /** ISO 8601 UTC time the deploy started (before its first upload); releases sort by it, newest first. */
  readonly createdAt: string;
  /** Its un-hashed files, under its prefix. */
  readonly files: readonly ReleaseFile[];
  /** Every hashed asset (bucket-root key) its build contains, lazy chunks included: pruning keeps all of them. */
  readonly assets: readonly string[];
}

/**
 * Parses and checks a manifest read from `key`. A manifest that doesn't match its key, or has paths that could
 * escape the release prefix, is refused rather than trusted: pruning and rollback act on what it says.
 */
export function parseManifest(text: string, key: string): ReleaseManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReleaseError(`${key}: not JSON (${(error as Error).message})`);
  }
  const m = data as Partial<Record<keyof ReleaseManifest, unknown>>;
  const bad = (what: string) => new ReleaseError(`${key}: ${what}`);
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw bad('not a JSON object');
  }
  if (m.schema !== MANIFEST_SCHEMA) {
    throw bad(`schema ${String(m.schema)} is not ${MANIFEST_SCHEMA} (written by a newer deploy program?)`);
  }
  const id = checkReleaseId(m.id, key);
  if (manifestKey(id) !== key) {
    throw bad(`its id "${id}" doesn't match its key`);
  }
  if (typeof m.commit !== 'string' || typeof m.buildNumber !== 'number' || typeof m.createdAt !== 'string'
    || Number.isNaN(Date.parse(m.createdAt))) {
    throw bad('commit, buildNumber or createdAt missing or of the wrong type');
  }
  if (!Array.isArray(m.files) || !Array.isArray(m.assets)) {
    throw bad('files or assets is not a list');
  }
  for (const f of m.files as ReleaseFile[]) {
    if (typeof f !== 'object' || f === null || buildPathProblem(f.path) || typeof f.size !== 'number' || typeof f.md5 !== 'string') {
      throw bad(`file entry ${JSON.stringify(f)} is not {path, size, md5} with a safe path`);
    }
  }
  for (const a of m.assets as string[]) {
    if (buildPathProblem(a) || a.startsWith(RELEASES_PREFIX) || a.startsWith(STATE_PREFIX)) {
      throw bad(`asset ${JSON.stringify(a)} is not a safe bucket-root key`);
    }
  }
  return m as ReleaseManifest;
}

/**
 * Why a build-relative path can't be stored, or undefined. The path becomes an S3 key and a URI: it must be
 * relative, without `.`/`..` segments, empty segments or backslashes, and short enough for S3 (1,024 bytes)
 * once a release prefix is added.
 */
export function buildPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) {
    return 'empty or not a string';
  }
  if (path.startsWith('/') || path.includes('\\') || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return 'absolute, or has an empty, "." or ".." segment, or a backslash';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    return 'has a control character';
  }
  if (Buffer.byteLength(path) > 1024 - RELEASES_PREFIX.length - RELEASE_ID_MAX_LENGTH - 1) {
    return 'too long for an S3 key under a release prefix';
  }
  return undefined;
}
