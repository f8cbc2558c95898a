// Uploading a release: hashed assets the bucket doesn't have yet, then the release's own files under its
// prefix, then its manifest (`_spa-deploy/releases/<id>.json`, which the site never serves). Nothing here makes
// the release live: that is goLive, after the smoke check.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import * as mime from 'mime-types';
import { getText, listObjects } from './bucket';
import { BuildFile, readBuildOutput } from './build-output';
import { ReleaseClients, mapLimit } from './clients';
import {
  ENTRY_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, MANIFEST_SCHEMA, ReleaseError, ReleaseManifest, checkReleaseId,
  manifestKey, parseManifest, releaseIdFor, releasePrefix,
} from './contract';
import { HashedPaths } from './hashed-paths';

/** What to deploy where. */
export interface DeployOptions {
  readonly bucket: string;
  /** The build output directory. */
  readonly sourceDir: string;
  /** The source commit (CODEBUILD_RESOLVED_SOURCE_VERSION). */
  readonly commit: string;
  /** The build number (CODEBUILD_BUILD_NUMBER). */
  readonly buildNumber: number;
  /** Default: `<first 7 of commit>-<buildNumber>`. */
  readonly releaseId?: string;
  /** Default: DEFAULT_HASHED_PATTERN. Must be the pattern the routing function embeds. */
  readonly hashedPattern?: string;
  /** Uploads in flight at once; default 16 (S3 takes thousands of writes per second per prefix). */
  readonly concurrency?: number;
  readonly sourceMaps?: 'private' | 'public';
  readonly runtimeConfig?: { readonly path: string; readonly json: string };
  /**
   * The build output already read with readBuildOutput (the deploy program reads and checks it before any AWS
   * call); read from `sourceDir` with the options above when undefined.
   */
  readonly files?: readonly BuildFile[];
}

/** What a deploy did. */
export interface DeployResult {
  readonly manifest: ReleaseManifest;
  readonly uploadedObjects: number;
  readonly uploadedBytes: number;
  /** Hashed assets already in the bucket, not uploaded again. */
  readonly skippedAssets: number;
  /** When the manifest (the last upload) was written, ms since the epoch. */
  readonly uploadedAt: number;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * Uploads a release. Safe to run again with the same id and the same build (a retry): what is there is
 * skipped or rewritten identically. The same id with different un-hashed files is refused: a release's files
 * must never change under it (the edge caches them under the release's URIs).
 */
export async function deployRelease(clients: ReleaseClients, options: DeployOptions): Promise<DeployResult> {
  const log = clients.log ?? (() => undefined);
  const id = checkReleaseId(options.releaseId ?? releaseIdFor(options.commit, options.buildNumber), 'releaseId');
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new ReleaseError(`concurrency ${String(concurrency)} is not a whole number from 1 to 256`);
  }
  const createdAt = new Date(clients.now()).toISOString();
  const files = options.files ?? await readBuildOutput({
    sourceDir: options.sourceDir,
    hashed: new HashedPaths(options.hashedPattern),
    sourceMaps: options.sourceMaps,
    runtimeConfig: options.runtimeConfig,
  });
  const own = files.filter((f) => !f.hashed);
  const assets = files.filter((f) => f.hashed);

  // One listing instead of a HeadObject per asset: one request per 1,000 keys, and pruning reads it the same way.
  const existing = new Map((await listObjects(clients.s3, options.bucket)).map((o) => [o.key, o]));
  const manifestAt = manifestKey(id);
  if (existing.has(manifestAt)) {
    const previous = parseManifest(await getText(clients.s3, options.bucket, manifestAt), manifestAt);
    const same = (a: readonly { path: string; md5: string }[], b: readonly { path: string; md5: string }[]) =>
      a.length === b.length && a.every((f, i) => f.path === b[i].path && f.md5 === b[i].md5);
    if (!same(previous.files, own)) {
      throw new ReleaseError(`release ${id} already exists with other files: a release never changes once written. Deploy under a new build number.`);
    }
  }

  const missing = assets.filter((a) => {
    const there = existing.get(a.path);
    if (there && there.size !== a.size) {
      log(`WARNING: ${a.path} is in the bucket with another size (${there.size} vs ${a.size}): overwriting a file named as immutable (does the hashed-file pattern match an un-hashed name?)`);
    }
    return !there || there.size !== a.size;
  });
  log(`release ${id}: ${assets.length} hashed assets (${assets.length - missing.length} already in the bucket), ${own.length} release files`);

  const put = (key: string, f: BuildFile, cacheControl: string) => clients.s3.send(new PutObjectCommand({
    Bucket: options.bucket,
    Key: key,
    Body: f.body,
    CacheControl: cacheControl,
    ContentType: contentType(f.path),
  }));
  // Phases, not one pool: every hashed asset is in place before any file that references it, and the manifest
  // (which makes the release visible to listReleases and goLive) only after all of them.
  await mapLimit(missing, concurrency, (f) => put(f.path, f, IMMUTABLE_CACHE_CONTROL));
  await mapLimit(own, concurrency, (f) => put(`${releasePrefix(id)}${f.path}`, f, ENTRY_CACHE_CONTROL));

  const manifest: ReleaseManifest = {
    schema: MANIFEST_SCHEMA,
    id,
    commit: options.commit,
    buildNumber: options.buildNumber,
    createdAt,
    files: own.map((f) => ({ path: f.path, size: f.size, md5: f.md5 })),
    assets: assets.map((f) => f.path),
  };
  const manifestBody = Buffer.from(`${JSON.stringify(manifest, undefined, 1)}\n`);
  await clients.s3.send(new PutObjectCommand({
    Bucket: options.bucket,
    Key: manifestAt,
    Body: manifestBody,
    CacheControl: ENTRY_CACHE_CONTROL,
    ContentType: 'application/json; charset=utf-8',
  }));
  const uploadedAt = clients.now();
  const uploaded = [...missing, ...own];
  return {
    manifest,
    uploadedObjects: uploaded.length + 1,
    uploadedBytes: uploaded.reduce((n, f) => n + f.size, 0) + manifestBody.length,
    skippedAssets: assets.length - missing.length,
    uploadedAt,
  };
}

/**
 * Content-Type from mime-db (through mime-types), with a charset for text types; unknown extensions get
 * application/octet-stream, which browsers download rather than sniff.
 */
export function contentType(filePath: string): string {
  const name = filePath.split('/').pop() ?? '';
  // mime-types reads a bare word as an extension: a file named `json` is not JSON.
  return (name.includes('.') && mime.contentType(name)) || 'application/octet-stream';
}
