import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
// A world for the release module's unit tests: an in-memory bucket and KeyValueStore behind aws-sdk-client-mock
// (every write appended to one ordered log), a distribution stand-in that routes like the contract says the
// CloudFront Function will, a fake clock, and build outputs in temp folders.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  CloudFrontKeyValueStoreClient, ConflictException, DeleteKeyCommand, DescribeKeyValueStoreCommand, GetKeyCommand, PutKeyCommand,
  ResourceNotFoundException, UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import {
  CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ReleaseClients } from '../../src/release/clients';
import { ENTRY_FILE, KVS_KEYS, PIN_HEADERS, releasePrefix } from '../../src/release/contract';
import { deployRelease } from '../../src/release/deploy';
import { HashedPaths } from '../../src/release/hashed-paths';
import { ensurePinToken, goLive } from '../../src/release/live-store';
import { smokeCheck } from '../../src/release/smoke-check';

export const BUCKET = 'site-bucket';
export const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
export const BASE_URL = 'https://d111111abcdef8.cloudfront.net';

/** One write to S3 or the store, in the order it happened. */
export interface Write {
  readonly service: 's3' | 'kvs';
  readonly op: string;
  readonly key: string;
  readonly cacheControl?: string;
  readonly contentType?: string;
}

export interface StoredObject {
  body: Buffer;
  lastModified: number;
  cacheControl?: string;
  contentType?: string;
}

/** The in-memory AWS and distribution; `reset()` between tests. */
export class World {
  readonly objects = new Map<string, StoredObject>();
  readonly keys = new Map<string, string>();
  readonly writes: Write[] = [];
  etag = 1;
  time = Date.parse('2025-06-01T12:00:00Z');
  /** Conflicts the next KVS writes answer with, before any succeeds. */
  conflicts = 0;
  /** A change applied to the store (as another writer) when the next conflict is answered. */
  onConflict?: () => void;
  /** Paths (bucket keys) the distribution answers 404 for, as if missing. */
  readonly broken = new Set<string>();
  /** Fetches the distribution saw. */
  readonly fetches: { url: string; pinned?: string }[] = [];

  readonly s3 = new S3Client({ region: 'us-east-1' });
  readonly kvs = new CloudFrontKeyValueStoreClient({ region: 'us-east-1' });
  readonly s3Mock = mockClient(this.s3);
  readonly kvsMock = mockClient(this.kvs);

  constructor() {
    this.install();
  }

  clients(log?: string[]): ReleaseClients {
    return {
      s3: this.s3,
      kvs: this.kvs,
      fetch: (input, init) => this.serve(String(input instanceof URL ? input.href : input), init),
      now: () => this.time,
      sleep: async (ms) => {
        this.time += ms;
      },
      log: log ? (line) => log.push(line) : undefined,
    };
  }

  s3Writes(): Write[] {
    return this.writes.filter((w) => w.service === 's3');
  }

  kvsWrites(): Write[] {
    return this.writes.filter((w) => w.service === 'kvs');
  }

  private tick(): number {
    this.time += 1000;
    return this.time;
  }

  private install(): void {
    const s3 = this.s3Mock;
    s3.on(PutObjectCommand).callsFake((input) => {
      const body = Buffer.isBuffer(input.Body) ? input.Body : Buffer.from(String(input.Body));
      this.objects.set(input.Key, { body, lastModified: this.tick(), cacheControl: input.CacheControl, contentType: input.ContentType });
      this.writes.push({ service: 's3', op: 'PutObject', key: input.Key, cacheControl: input.CacheControl, contentType: input.ContentType });
      return { ETag: '"x"' };
    });
    s3.on(ListObjectsV2Command).callsFake((input) => {
      const all = [...this.objects.keys()].filter((k) => !input.Prefix || k.startsWith(input.Prefix)).sort();
      // Pages of 2 keys, so continuation is exercised.
      const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
      const page = all.slice(start, start + 2);
      const more = start + 2 < all.length;
      return {
        Contents: page.map((Key) => ({ Key, Size: this.objects.get(Key)!.body.length, LastModified: new Date(this.objects.get(Key)!.lastModified) })),
        IsTruncated: more,
        NextContinuationToken: more ? String(start + 2) : undefined,
      };
    });
    s3.on(GetObjectCommand).callsFake((input) => {
      const o = this.objects.get(input.Key);
      if (!o) {
        throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
      }
      return { Body: { transformToString: async () => o.body.toString('utf-8') } as never };
    });
    s3.on(HeadObjectCommand).callsFake((input) => {
      const o = this.objects.get(input.Key);
      if (!o) {
        throw new NoSuchKey({ message: 'Not Found', $metadata: {} });
      }
      return { ContentLength: o.body.length, ContentType: o.contentType, ETag: `"${createHash('md5').update(o.body).digest('hex')}"` };
    });
    // Same-bucket copies with new metadata (MetadataDirective REPLACE), as the migration makes them.
    s3.on(CopyObjectCommand).callsFake((input) => {
      const from = this.objects.get(decodeURIComponent(String(input.CopySource).split('/').slice(1).join('/')));
      if (!from) {
        throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
      }
      this.objects.set(input.Key, { body: from.body, lastModified: this.tick(), cacheControl: input.CacheControl, contentType: input.ContentType });
      this.writes.push({ service: 's3', op: 'CopyObject', key: input.Key, cacheControl: input.CacheControl, contentType: input.ContentType });
      return { CopyObjectResult: { ETag: '"x"' } };
    });
    s3.on(DeleteObjectsCommand).callsFake((input) => {
      for (const { Key } of input.Delete.Objects) {
        this.objects.delete(Key);
        this.writes.push({ service: 's3', op: 'DeleteObjects', key: Key });
      }
      return {};
    });
    s3.on(DeleteObjectCommand).callsFake((input) => {
      this.objects.delete(input.Key);
      this.writes.push({ service: 's3', op: 'DeleteObject', key: input.Key });
      return {};
    });

    const kvs = this.kvsMock;
    const etag = () => `E${this.etag}`;
    const write = (ifMatch: string, op: string, apply: () => string[]) => {
      if (this.conflicts > 0 || ifMatch !== etag()) {
        if (this.conflicts > 0) {
          this.conflicts--;
          this.onConflict?.();
          this.onConflict = undefined;
        }
        throw new ConflictException({ message: 'ETag mismatch', $metadata: {} });
      }
      for (const key of apply()) {
        this.writes.push({ service: 'kvs', op, key });
      }
      this.etag++;
      return { ETag: etag(), ItemCount: this.keys.size, TotalSizeInBytes: 0 };
    };
    kvs.on(DescribeKeyValueStoreCommand).callsFake(() => ({ ETag: etag(), KvsARN: KVS_ARN, ItemCount: this.keys.size }));
    kvs.on(GetKeyCommand).callsFake((input) => {
      if (!this.keys.has(input.Key)) {
        throw new ResourceNotFoundException({ message: 'Key not found', $metadata: {} });
      }
      return { Key: input.Key, Value: this.keys.get(input.Key) };
    });
    kvs.on(PutKeyCommand).callsFake((input) => write(input.IfMatch, 'PutKey', () => {
      this.keys.set(input.Key, input.Value);
      return [input.Key];
    }));
    kvs.on(UpdateKeysCommand).callsFake((input) => write(input.IfMatch, 'UpdateKeys', () => {
      for (const p of input.Puts ?? []) {
        this.keys.set(p.Key, p.Value);
      }
      return (input.Puts ?? []).map((p: { Key: string }) => p.Key);
    }));
    kvs.on(DeleteKeyCommand).callsFake((input) => write(input.IfMatch, 'DeleteKey', () => {
      this.keys.delete(input.Key);
      return [input.Key];
    }));
  }

  /**
   * The distribution: what the contract says the routing function does. Hashed paths go to the bucket root;
   * other paths to the live release's prefix (or the pinned one, with the right token); paths without an
   * extension are the entry page. No live key: the bucket root (the layout before releases).
   */
  private async serve(url: string, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    const pinned = headers.get(PIN_HEADERS.release) ?? undefined;
    this.fetches.push({ url, pinned });
    let uri = new URL(url).pathname.slice(1);
    const hashed = new HashedPaths();
    if (!hashed.isHashed(uri)) {
      const last = uri.split('/').pop() ?? '';
      if (!last.includes('.')) {
        uri = ENTRY_FILE;
      }
      const token = this.keys.get(KVS_KEYS.pinToken);
      const release = pinned && token && headers.get(PIN_HEADERS.token) === token ? pinned : this.keys.get(KVS_KEYS.live);
      if (release) {
        uri = `${releasePrefix(release)}${uri}`;
      }
    }
    const o = this.objects.get(uri);
    if (!o || this.broken.has(uri)) {
      return new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403, headers: { 'content-type': 'application/xml' } });
    }
    return new Response(o.body, { status: 200, headers: { 'content-type': o.contentType ?? 'binary/octet-stream' } });
  }
}

/** The build folders made by viteBuild in this test file, removed after it. */
const builds: string[] = [];
afterAll(() => builds.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A Vite-like build output in a temp folder; `version` changes the entry chunk and the page. */
export function viteBuild(version: string, options: { sharedVendor?: string; extra?: Record<string, string> } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'release-build-'));
  builds.push(dir);
  const vendor = options.sharedVendor ?? 'vendor-AAAAAAAA';
  const entry = `index-${hash8(version)}`;
  const files: Record<string, string> = {
    'index.html': `<!doctype html><html><head>
<script type="module" crossorigin src="/assets/${entry}.js"></script>
<link rel="modulepreload" crossorigin href="/assets/${vendor}.js">
<link rel="stylesheet" crossorigin href="/assets/${entry}.css">
<!-- <script src="/assets/commented-out.js"></script> -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
</head><body><div id="root"></div><!-- ${version} --></body></html>`,
    [`assets/${entry}.js`]: `import "./${vendor}.js"; console.log(${JSON.stringify(version)});`,
    [`assets/${entry}.css`]: `body{--v:"${version}"}`,
    [`assets/${vendor}.js`]: 'export const react = 1;',
    [`assets/lazy-${hash8(`lazy${version}`)}.js`]: `export default ${JSON.stringify(version)};`,
    [`assets/${entry}.js.map`]: '{"version":3}',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'robots.txt': 'User-agent: *\n',
    ...options.extra,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function hash8(text: string): string {
  return createHash('md5').update(text).digest('hex').slice(0, 8).toUpperCase();
}

const REPO_ROOT = path.join(__dirname, '..', '..');
let bundled: string | undefined;

/**
 * The deploy program bundled by the project's own `bundle:release` command (read from .projen/tasks.json, only
 * the output file changed), into a temp folder: a test runs the current source as the pipeline runs
 * lib/spa-release.js, not whatever lib/ a last build left.
 */
export function programBundle(): string {
  if (bundled) {
    return bundled;
  }
  const tasks = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'tasks.json'), 'utf-8'));
  const exec: string = tasks.tasks['bundle:release'].steps[0].exec;
  const dir = mkdtempSync(path.join(tmpdir(), 'spa-release-'));
  builds.push(dir);
  const outfile = path.join(dir, 'spa-release.js');
  const command = exec.replace(/--outfile=\S+/, `--outfile=${outfile}`);
  if (command === exec) {
    throw new Error(`bundle:release has no --outfile: ${exec}`);
  }
  const result = spawnSync('sh', ['-c', command], {
    cwd: REPO_ROOT, encoding: 'utf-8', env: { ...process.env, PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
  });
  if (result.status !== 0) {
    throw new Error(`bundling the deploy program failed: ${result.stderr}`);
  }
  bundled = outfile;
  return outfile;
}

let preload: string | undefined;

/**
 * A `node --require` preload (tests only) that resolves `*.localhost` to 127.0.0.1. The KeyValueStore client's
 * endpoint rules put the ARN's account in front of a custom endpoint's host (`111122223333.localhost`), which
 * this machine's resolver doesn't know; in-process tests give the client an HTTP agent instead
 * (KvsStandin.clientConfig()), a program run in a child process gets this.
 */
export function localhostPreload(): string {
  if (preload) {
    return preload;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'localhost-preload-'));
  builds.push(dir);
  preload = path.join(dir, 'localhost.js');
  writeFileSync(preload, `const dns = require('dns');
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof hostname === 'string' && hostname.endsWith('.localhost')) {
    const all = typeof options === 'object' && options !== null && options.all;
    return process.nextTick(() => (all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)));
  }
  return lookup.call(this, hostname, options, callback);
};
`);
  return preload;
}

/** The commit of the releases worldWithReleases deploys. */
export const RELEASED_COMMIT = '0123456789abcdef0123456789abcdef01234567';

/**
 * A world with releases v1..vN (viteBuild) deployed and made live in turn through the release module, as the
 * deploy program does it (upload, pin token, smoke check, go live); its recorded writes and calls cleared.
 */
export async function worldWithReleases(n: number): Promise<World> {
  const world = new World();
  const clients = world.clients();
  for (let i = 1; i <= n; i++) {
    const { manifest } = await deployRelease(clients, { bucket: BUCKET, sourceDir: viteBuild(`v${i}`), commit: RELEASED_COMMIT, buildNumber: i });
    const pinToken = await ensurePinToken(clients, KVS_ARN);
    const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken });
    await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
  }
  world.writes.length = 0;
  world.kvsMock.resetHistory();
  world.s3Mock.resetHistory();
  return world;
}
