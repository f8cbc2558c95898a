// Reading the bucket: a full listing (the deploy skips hashed assets already there, pruning needs every key and
// its age) and the release manifests.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mapLimit } from './clients';
import { ReleaseManifest, manifestKey, parseManifest, releaseIdOfManifestKey } from './contract';

/** One object of a listing. */
export interface BucketObject {
  readonly key: string;
  readonly size: number;
  /** Milliseconds since the epoch (S3's clock). */
  readonly lastModified: number;
}

/** Every object under `prefix` (the whole bucket by default), following continuation tokens. */
export async function listObjects(s3: S3Client, bucket: string, prefix?: string): Promise<BucketObject[]> {
  const objects: BucketObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined) {
        objects.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** An object's body as text. */
export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) {
    throw new Error(`s3://${bucket}/${key} has no body`);
  }
  return object.Body.transformToString('utf-8');
}

/** The ids of the releases whose manifest a listing contains (`_spa-deploy/releases/<id>.json`). */
export function manifestIds(objects: readonly BucketObject[]): string[] {
  return objects.map((o) => releaseIdOfManifestKey(o.key)).filter((id): id is string => id !== undefined);
}

/** Reads and checks the manifests of `ids`, at most 8 requests at a time. */
export async function readManifests(s3: S3Client, bucket: string, ids: readonly string[]): Promise<ReleaseManifest[]> {
  return mapLimit(ids, 8, async (id) => parseManifest(await getText(s3, bucket, manifestKey(id)), manifestKey(id)));
}

/** Newest first: by creation time, then by build number (two deploys within a clock tick). */
export function newestFirst(a: ReleaseManifest, b: ReleaseManifest): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.buildNumber - a.buildNumber || (a.id < b.id ? 1 : -1);
}
