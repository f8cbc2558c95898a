// Migration: a bucket deployed before releases (files at its root, by an S3 sync or the old deploy script)
// becomes release `root-0`, so the first deploy with releases has something to roll back to. Only copies are
// written, server-side; the root itself is never touched: while the store has no live key the routing function
// serves the root, so the site stays up through the migration and until the first release goes live.
import { createHash } from 'crypto';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import { BucketObject, getText, listObjects, manifestIds } from './bucket';
import { ReleaseClients, mapLimit } from './clients';
import {
  ENTRY_CACHE_CONTROL, ENTRY_FILE, MANIFEST_SCHEMA, RELEASES_PREFIX, ReleaseError, STATE_PREFIX,
  ReleaseFile, ReleaseManifest, buildPathProblem, manifestKey, releasePrefix,
} from './contract';
import { contentType } from './deploy';
import { HashedPaths } from './hashed-paths';

/**
 * The id of the release adopted from the bucket root. Build number 0: CodeBuild numbers builds from 1, so a
 * deploy never produces it, and it sorts before any release deployed at the same instant.
 */
export const ROOT_RELEASE_ID = 'root-0';

/**
 * The manifest of the deploy script before releases (`assets/spa-deploy.sh`, since removed): where the adopted
 * release's commit comes from.
 */
const LEGACY_MANIFEST_KEY = `${STATE_PREFIX}releases.json`;

/** CopyObject copies at most 5 GB in one request (larger objects need a multipart copy). */
const COPY_LIMIT_BYTES = 5 * 1024 ** 3;

const COPY_CONCURRENCY = 8;

/** What to adopt. */
export interface AdoptRootOptions {
  readonly bucket: string;
  /** Default: DEFAULT_HASHED_PATTERN. Must be the pattern the routing function embeds and the deploy uses. */
  readonly hashedPattern?: string;
  /**
   * The adopted release's creation time, ms since the epoch; default `clients.now()`. The migration time, not
   * the root's upload time: pruning deletes the root's files once they are older than the newest pruned
   * release, so they go with `root-0` itself, not before.
   */
  readonly now?: number;
}

/**
 * What adoptRootRelease found, and so did: `adopted` (the root copied into `releases/root-0/`, its manifest
 * written to `_spa-deploy/releases/root-0.json`), `already-adopted` (`root-0` has a manifest), `has-releases` (the bucket was deployed with releases
 * from the start) or `empty` (no file at the root: a new site). Only `adopted` writes anything.
 */
export type AdoptOutcome = 'adopted' | 'already-adopted' | 'has-releases' | 'empty';

/** What a migration did. */
export interface AdoptRootResult {
  readonly outcome: AdoptOutcome;
  /** The adopted release's manifest (`adopted` only). */
  readonly manifest?: ReleaseManifest;
  /** Objects copied server-side into the release prefix. */
  readonly copiedObjects: number;
  readonly copiedBytes: number;
  /** Bytes sent from this machine: the manifest only. */
  readonly uploadedBytes: number;
  /** One line for the deploy log. */
  readonly summary: string;
}

/**
 * Makes a bucket deployed before releases (an `index.html` at its root) into the release `root-0`: its
 * un-hashed root files are copied server-side (CopyObject, no bytes through this machine) into
 * `releases/root-0/`, with the release files' Cache-Control, then its manifest is written last, listing the
 * root's hashed files as its assets. From then on it is listed, kept by retention and can be rolled back to.
 *
 * Run before the first deploy with releases; it does nothing when the bucket already has a release. The root
 * is only read. Keys under `releases/` and `_spa-deploy/` (the manifests, the old script's state) are not part of
 * the root release.
 * A crash before the manifest leaves an incomplete prefix that the next run copies over again.
 */
export async function adoptRootRelease(clients: ReleaseClients, options: AdoptRootOptions): Promise<AdoptRootResult> {
  const log = clients.log ?? (() => undefined);
  const hashed = new HashedPaths(options.hashedPattern);
  if (hashed.isHashed(ENTRY_FILE)) {
    throw new ReleaseError(`the hashed-file pattern ${JSON.stringify(hashed.source)} matches ${ENTRY_FILE}, which must never be cached as immutable: anchor it on your hashed files (like ^assets/)`);
  }
  const nothing = (outcome: AdoptOutcome, summary: string): AdoptRootResult => {
    log(`migration: ${summary}`);
    return { outcome, copiedObjects: 0, copiedBytes: 0, uploadedBytes: 0, summary };
  };

  const objects = await listObjects(clients.s3, options.bucket);
  const ids = manifestIds(objects);
  if (ids.includes(ROOT_RELEASE_ID)) {
    return nothing('already-adopted', `the bucket root was adopted as release ${ROOT_RELEASE_ID} before; nothing to do`);
  }
  if (ids.length > 0) {
    return nothing('has-releases', `the bucket already has ${ids.length} release(s); nothing to adopt`);
  }
  // Zero-byte keys ending in `/` are the folders the S3 console creates: nothing a browser could get.
  const root = objects.filter((o) => !o.key.startsWith(RELEASES_PREFIX) && !o.key.startsWith(STATE_PREFIX)
    && !(o.key.endsWith('/') && o.size === 0));
  if (root.length === 0) {
    return nothing('empty', 'no file at the bucket root; the first release starts the history');
  }
  refuseUnknownRoot(options.bucket, root, hashed);

  const own = root.filter((o) => !hashed.isHashed(o.key));
  const assets = root.filter((o) => hashed.isHashed(o.key)).map((o) => o.key).sort();
  const createdAt = new Date(options.now ?? clients.now()).toISOString();
  log(`migration: adopting the bucket root as release ${ROOT_RELEASE_ID}: copying ${own.length} files server-side, ${assets.length} hashed assets stay where they are`);

  const files = await mapLimit(own, COPY_CONCURRENCY, (o) => copyIntoRelease(clients, options.bucket, o.key));
  const manifest: ReleaseManifest = {
    schema: MANIFEST_SCHEMA,
    id: ROOT_RELEASE_ID,
    commit: await legacyCommit(clients, options.bucket, objects),
    buildNumber: 0,
    createdAt,
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    assets,
  };
  const body = Buffer.from(`${JSON.stringify(manifest, undefined, 1)}\n`);
  // Last: a release is listed, can go live and is protected from pruning only once its manifest exists.
  await clients.s3.send(new PutObjectCommand({
    Bucket: options.bucket,
    Key: manifestKey(ROOT_RELEASE_ID),
    Body: body,
    CacheControl: ENTRY_CACHE_CONTROL,
    ContentType: 'application/json; charset=utf-8',
  }));
  const copiedBytes = files.reduce((n, f) => n + f.size, 0);
  const summary = `adopted the bucket root as release ${ROOT_RELEASE_ID}: ${files.length} files copied server-side (${copiedBytes} bytes), ${assets.length} hashed assets referenced; the root still serves until a release goes live`;
  log(`migration: ${summary}`);
  return { outcome: 'adopted', manifest, copiedObjects: files.length, copiedBytes, uploadedBytes: body.length, summary };
}

/**
 * Refuses a root that isn't a deployed site: without an `index.html` the root may be something else sharing
 * the bucket (a site under a folder, uploads), which the releases layout would stop serving and retention
 * would later delete. Also refuses keys that can't be release paths.
 */
function refuseUnknownRoot(bucket: string, root: readonly BucketObject[], hashed: HashedPaths): void {
  if (!root.some((o) => o.key === ENTRY_FILE)) {
    const sample = root.slice(0, 5).map((o) => o.key).join(', ');
    throw new ReleaseError(`s3://${bucket} has ${root.length} object(s) at its root (${sample}${root.length > 5 ? ', ...' : ''}) but no ${ENTRY_FILE}: `
      + 'it does not look like a site deployed at the root, so it can\'t become the first release. Once releases are live, the root is no longer '
      + 'served and retention deletes its old files: deploy to an empty bucket, or move these objects elsewhere and deploy again.');
  }
  const problems: string[] = [];
  for (const o of root) {
    // Hashed files stay at the root, but the manifest lists them: a reader refuses a manifest with an unsafe path.
    const problem = buildPathProblem(o.key);
    if (problem) {
      problems.push(`${JSON.stringify(o.key)}: ${problem}`);
    } else if (hashed.isHashed(o.key)) {
      continue;
    } else if (o.size > COPY_LIMIT_BYTES) {
      problems.push(`${JSON.stringify(o.key)}: ${o.size} bytes, over CopyObject's 5 GB`);
    }
  }
  if (problems.length > 0) {
    throw new ReleaseError(`s3://${bucket}: ${problems.length} root file(s) can't be part of release ${ROOT_RELEASE_ID} (nothing was written): `
      + `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; ...' : ''}. Rename or remove them at the root, then deploy again.`);
  }
}

/**
 * Copies one root file into the release, server-side. The metadata is replaced, not copied: a release file
 * must revalidate (`no-cache`) whatever the root had (the old script gave `public, max-age=300` to most of
 * them, an S3 sync none). Everything else that shapes the response is carried over; a missing or generic
 * Content-Type is replaced with the deploy's own.
 */
async function copyIntoRelease(clients: ReleaseClients, bucket: string, key: string): Promise<ReleaseFile> {
  const head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const type = head.ContentType && !/^(binary|application)\/octet-stream$/i.test(head.ContentType) ? head.ContentType : contentType(key);
  await clients.s3.send(new CopyObjectCommand({
    Bucket: bucket,
    Key: `${releasePrefix(ROOT_RELEASE_ID)}${key}`,
    CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
    // What was read is what is copied: a deploy to the root in between fails this copy instead of mixing versions.
    CopySourceIfMatch: head.ETag,
    MetadataDirective: 'REPLACE',
    CacheControl: ENTRY_CACHE_CONTROL,
    ContentType: type,
    ContentEncoding: head.ContentEncoding,
    ContentLanguage: head.ContentLanguage,
    ContentDisposition: head.ContentDisposition,
    Metadata: head.Metadata,
  }));
  return { path: key, size: head.ContentLength ?? 0, md5: await md5Of(clients, bucket, key, head) };
}

/**
 * The content's MD5, which the smoke check and the propagation wait compare the served entry page with. S3's
 * ETag is it for a single-part upload without KMS or customer-key encryption; otherwise the object is read.
 */
async function md5Of(clients: ReleaseClients, bucket: string, key: string, head: HeadObjectCommandOutput): Promise<string> {
  const etag = head.ETag?.replace(/"/g, '').toLowerCase();
  const plain = !head.SSECustomerAlgorithm && !(head.ServerSideEncryption ?? '').startsWith('aws:kms');
  if (etag && plain && /^[0-9a-f]{32}$/.test(etag)) {
    return etag;
  }
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: head.ETag }));
  if (!object.Body) {
    throw new ReleaseError(`s3://${bucket}/${key} has no body`);
  }
  return createHash('md5').update(await object.Body.transformToByteArray()).digest('hex');
}

/**
 * The source version the old deploy script recorded for its newest live release (its release id was
 * CODEBUILD_RESOLVED_SOURCE_VERSION), so `releases` shows what the root was built from; 'bucket-root' when
 * there is no such record. Only informative: an unreadable record is not a reason to refuse.
 */
async function legacyCommit(clients: ReleaseClients, bucket: string, objects: readonly BucketObject[]): Promise<string> {
  if (objects.some((o) => o.key === LEGACY_MANIFEST_KEY)) {
    try {
      const data = JSON.parse(await getText(clients.s3, bucket, LEGACY_MANIFEST_KEY)) as { releases?: { id?: unknown; status?: unknown }[] };
      const id = data.releases?.find((r) => r?.status === 'live')?.id;
      if (typeof id === 'string' && /^[A-Za-z0-9._:@+=/-]{1,128}$/.test(id)) {
        return id;
      }
    } catch (error) {
      clients.log?.(`migration: ${LEGACY_MANIFEST_KEY} unreadable (${(error as Error).message}); the adopted release's commit stays unknown`);
    }
  }
  return 'bucket-root';
}
