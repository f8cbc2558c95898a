import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as net from 'net';
import {
  CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { BASE_URL, BUCKET, KVS_ARN, World, viteBuild } from './harness';
import { SDK_RETRY } from '../../src/release/clients';
import { ENTRY_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, KVS_KEYS, manifestKey, parseManifest } from '../../src/release/contract';
import { contentType, deployRelease } from '../../src/release/deploy';
import { ensurePinToken, goLive } from '../../src/release/live-store';
import { ROOT_RELEASE_ID, adoptRootRelease } from '../../src/release/migrate';
import { prune } from '../../src/release/prune';
import { listReleases, rollback } from '../../src/release/releases';
import { smokeCheck } from '../../src/release/smoke-check';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');

/** Response headers of a stored object that the harness doesn't model (it keeps Cache-Control and Content-Type). */
interface Extra {
  contentEncoding?: string;
  metadata?: Record<string, string>;
  /** A multipart or KMS-encrypted upload: the ETag is not the content's MD5. */
  opaqueEtag?: boolean;
}

/**
 * The harness's world, plus what a migration needs: HeadObject with the response headers, CopyObject inside the
 * bucket (recorded as a write, with its metadata directive) and GetObject with bytes.
 */
class MigrationWorld extends World {
  readonly extra = new Map<string, Extra>();
  /** Copies that fail once, as a crash midway would. */
  readonly failCopies = new Set<string>();

  constructor() {
    super();
    const etagOf = (key: string) => {
      const o = this.objects.get(key)!;
      return this.extra.get(key)?.opaqueEtag ? `"${md5(o.body).slice(0, 30)}ab-2"` : `"${md5(o.body)}"`;
    };
    const missing = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    this.s3Mock.on(HeadObjectCommand).callsFake((input) => {
      const o = this.objects.get(input.Key);
      if (!o) {
        throw missing();
      }
      const x = this.extra.get(input.Key) ?? {};
      return {
        ContentLength: o.body.length,
        ETag: etagOf(input.Key),
        ContentType: o.contentType,
        CacheControl: o.cacheControl,
        ContentEncoding: x.contentEncoding,
        Metadata: x.metadata ?? {},
        ServerSideEncryption: x.opaqueEtag ? 'aws:kms' : 'AES256',
      };
    });
    this.s3Mock.on(GetObjectCommand).callsFake((input) => {
      const o = this.objects.get(input.Key);
      if (!o) {
        throw missing();
      }
      return { Body: { transformToString: async () => o.body.toString('utf-8'), transformToByteArray: async () => new Uint8Array(o.body) } as never };
    });
    this.s3Mock.on(CopyObjectCommand).callsFake((input) => {
      const [bucket, ...rest] = String(input.CopySource).split('/');
      const from = decodeURIComponent(rest.join('/'));
      const o = this.objects.get(from);
      expect(bucket).toBe(BUCKET);
      if (!o) {
        throw missing();
      }
      if (input.CopySourceIfMatch !== undefined && input.CopySourceIfMatch !== etagOf(from)) {
        const message = 'At least one of the pre-conditions you specified did not hold';
        throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', message, $metadata: {} });
      }
      if (this.failCopies.delete(from)) {
        throw new S3ServiceException({ name: 'InternalError', $fault: 'server', message: 'We encountered an internal error.', $metadata: {} });
      }
      const replace = input.MetadataDirective === 'REPLACE';
      this.objects.set(input.Key, {
        body: o.body,
        lastModified: this.time,
        cacheControl: replace ? input.CacheControl : o.cacheControl,
        contentType: replace ? input.ContentType : o.contentType,
      });
      this.extra.set(input.Key, replace ? { contentEncoding: input.ContentEncoding, metadata: input.Metadata } : { ...this.extra.get(from) });
      this.writes.push({ service: 's3', op: 'CopyObject', key: input.Key, cacheControl: input.CacheControl, contentType: input.ContentType });
      return { CopyObjectResult: { ETag: etagOf(from) } };
    });
  }

  /** Puts an object as an earlier deploy did (not recorded as a write). */
  seed(key: string, body: string | Buffer, headers: { cacheControl?: string; contentType?: string } & Extra = {}): void {
    const { cacheControl, contentType: type } = headers;
    this.objects.set(key, { body: Buffer.from(body), lastModified: this.time - 86_400_000, cacheControl, contentType: type });
    this.extra.set(key, { contentEncoding: headers.contentEncoding, metadata: headers.metadata, opaqueEtag: headers.opaqueEtag });
  }

  /** The root's objects and their headers, to show the migration never changes them. */
  rootSnapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.objects].filter(([k]) => !k.startsWith('releases/') && !k.startsWith('_spa-deploy/releases/'))
      .map(([k, o]) => [k, { md5: md5(o.body), cacheControl: o.cacheControl, contentType: o.contentType, lastModified: o.lastModified }]));
  }
}

const SEED_INDEX = '<!doctype html><html><head><script defer="defer" src="/static/js/main.1a2b3c4d.js"></script>'
  + '<link href="/static/css/main.5e6f7a8b.css" rel="stylesheet"></head><body><div id="root"></div><!-- seed --></body></html>';

/**
 * The seed's frontend: a Create React App build copied to the bucket root by the pipeline's S3 deploy action
 * (as `aws s3 sync` would): Content-Type guessed or left generic, no Cache-Control.
 */
function seedLayout(world: MigrationWorld): void {
  world.seed('index.html', SEED_INDEX, { contentType: 'text/html' });
  world.seed('static/js/main.1a2b3c4d.js', 'console.log("seed")', { contentType: 'application/javascript' });
  world.seed('static/js/787.8e9f0a1b.chunk.js', 'export default 1', { contentType: 'application/javascript' });
  world.seed('static/js/main.1a2b3c4d.js.LICENSE.txt', '/* MIT */', { contentType: 'text/plain' });
  world.seed('static/css/main.5e6f7a8b.css', 'body{}', { contentType: 'text/css' });
  world.seed('static/media/logo.6ce24c58023cc2f8fd88.svg', '<svg/>', { contentType: 'image/svg+xml' });
  world.seed('favicon.ico', Buffer.from([0, 0, 1, 0, 1, 0, 255]), { contentType: 'binary/octet-stream' });
  world.seed('manifest.json', '{"short_name":"Shop"}', { contentType: 'application/json' });
  world.seed('asset-manifest.json', '{"files":{}}', { contentType: 'application/json' });
  world.seed('robots.txt', 'User-agent: *\n', { contentType: 'text/plain' });
  world.seed('images/hero banner+1.png', Buffer.from([137, 80, 78, 71]), { contentType: 'image/png' });
}

const OLD_INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-BBBBBBBB.js"></script></head><body><!-- old --></body></html>';

/**
 * What the deploy script before releases (`assets/spa-deploy.sh`, since removed) leaves: its state under
 * `_spa-deploy/`, the last 3 releases' hashed assets, un-hashed files with `public, max-age=300`, config.json
 * and index.html with `no-cache`.
 */
function oldScriptLayout(world: MigrationWorld): void {
  world.seed('_spa-deploy/releases.json', JSON.stringify({
    version: 1,
    releases: [
      { id: 'c0ffee1234567890c0ffee1234567890c0ffee12', status: 'live', deployedAt: '2025-05-30T10:00:00Z', files: {} },
      { id: '0ld0ld0ld', status: 'live', deployedAt: '2025-05-29T10:00:00Z', files: {} },
    ],
  }), { contentType: 'application/json', cacheControl: 'no-cache' });
  world.seed('index.html', OLD_INDEX, { contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
  world.seed('config.json', '{"apiUrl":"https://api.example.com/prod/"}', { contentType: 'application/json', cacheControl: 'no-cache' });
  world.seed('favicon.svg', '<svg/>', { contentType: 'image/svg+xml', cacheControl: 'public, max-age=300' });
  world.seed('robots.txt', 'User-agent: *\n', { contentType: 'text/plain; charset=utf-8', cacheControl: 'public, max-age=300' });
  world.seed('.well-known/apple-app-site-association', '{}', { cacheControl: 'public, max-age=300', metadata: { owner: 'mobile' } });
  world.seed('legal/terms.html', 'x'.repeat(2000), { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=300', contentEncoding: 'gzip', opaqueEtag: true });
  world.seed('assets/index-BBBBBBBB.js', 'console.log("old")', { contentType: 'text/javascript; charset=utf-8', cacheControl: IMMUTABLE_CACHE_CONTROL });
  world.seed('assets/index-AAAAAAAA.js', 'console.log("older")', { contentType: 'text/javascript; charset=utf-8', cacheControl: IMMUTABLE_CACHE_CONTROL });
}

const served = async (world: World, path: string, headers?: Record<string, string>) => {
  const response = await world.clients().fetch(`${BASE_URL}${path}`, { headers });
  return { status: response.status, body: await response.text() };
};

describe('adoptRootRelease', () => {
  test('seed layout: un-hashed root files copied server-side into releases/root-0/, manifest last, root untouched', async () => {
    const world = new MigrationWorld();
    seedLayout(world);
    const before = world.rootSnapshot();
    const result = await adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW });

    expect(result.outcome).toBe('adopted');
    const writes = world.s3Writes();
    // Nothing but copies, then the manifest: no byte of a site file left this machine.
    expect(writes.slice(0, -1).every((w) => w.op === 'CopyObject')).toBe(true);
    expect(writes[writes.length - 1]).toMatchObject({ op: 'PutObject', key: manifestKey(ROOT_RELEASE_ID) });
    expect(writes.map((w) => w.key).sort()).toEqual([
      '_spa-deploy/releases/root-0.json', 'releases/root-0/asset-manifest.json', 'releases/root-0/favicon.ico',
      'releases/root-0/images/hero banner+1.png', 'releases/root-0/index.html', 'releases/root-0/manifest.json', 'releases/root-0/robots.txt',
    ]);
    expect(world.kvsWrites()).toEqual([]);
    expect(world.rootSnapshot()).toEqual(before);

    const manifest = parseManifest(world.objects.get(manifestKey(ROOT_RELEASE_ID))!.body.toString(), manifestKey(ROOT_RELEASE_ID));
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({ id: ROOT_RELEASE_ID, buildNumber: 0, commit: 'bucket-root', createdAt: '2025-06-01T12:00:00.000Z' });
    expect(manifest.assets).toEqual([
      'static/css/main.5e6f7a8b.css', 'static/js/787.8e9f0a1b.chunk.js', 'static/js/main.1a2b3c4d.js',
      'static/js/main.1a2b3c4d.js.LICENSE.txt', 'static/media/logo.6ce24c58023cc2f8fd88.svg',
    ]);
    expect(manifest.files.find((f) => f.path === 'index.html')).toEqual({ path: 'index.html', size: SEED_INDEX.length, md5: md5(Buffer.from(SEED_INDEX)) });
    expect(result).toMatchObject({ copiedObjects: 6, uploadedBytes: world.objects.get(manifestKey(ROOT_RELEASE_ID))!.body.length });

    // Release files revalidate; a Content-Type the sync left generic is replaced, a real one kept.
    const copy = (path: string) => world.objects.get(`releases/root-0/${path}`)!;
    for (const w of writes) {
      expect(world.objects.get(w.key)!.cacheControl).toBe(ENTRY_CACHE_CONTROL);
    }
    expect(copy('favicon.ico').contentType).toBe(contentType('favicon.ico'));
    expect(copy('favicon.ico').contentType).not.toMatch(/octet-stream/);
    expect(copy('index.html').contentType).toBe('text/html');
    expect(copy('images/hero banner+1.png').body).toEqual(Buffer.from([137, 80, 78, 71]));
  });

  test('seed layout: the root serves until a release is live; then root-0 is listed and can be rolled back to', async () => {
    const world = new MigrationWorld();
    seedLayout(world);
    const clients = world.clients();
    await adoptRootRelease(clients, { bucket: BUCKET, now: NOW });
    expect(await served(world, '/orders/42')).toEqual({ status: 200, body: SEED_INDEX });

    // The first deploy with releases, as the deploy program runs it.
    world.time = NOW + 60_000;
    const { manifest } = await deployRelease(clients, { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: 'abcdef0123456789', buildNumber: 1 });
    const pinToken = await ensurePinToken(clients, KVS_ARN);
    const pinned = await served(world, '/orders/42', { 'x-spa-release': ROOT_RELEASE_ID, 'x-spa-release-token': pinToken });
    expect(pinned).toEqual({ status: 200, body: SEED_INDEX });
    const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken });
    await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
    expect((await served(world, '/orders/42')).body).toContain('<!-- v1 -->');

    const list = await listReleases(clients, { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(list.releases.map((r) => [r.manifest.id, r.live])).toEqual([[manifest.id, true], [ROOT_RELEASE_ID, false]]);

    // No previous key after the first switch (nothing was live): rollback falls back to the next older release.
    await rollback(clients, { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(world.keys.get(KVS_KEYS.live)).toBe(ROOT_RELEASE_ID);
    expect(await served(world, '/orders/42')).toEqual({ status: 200, body: SEED_INDEX });
    expect((await served(world, '/static/js/787.8e9f0a1b.chunk.js')).status).toBe(200);
    expect(await served(world, '/manifest.json')).toEqual({ status: 200, body: '{"short_name":"Shop"}' });
  });

  test('retention keeps root-0 and its assets with the newest releases, then deletes it with the root', async () => {
    const world = new MigrationWorld();
    seedLayout(world);
    const clients = world.clients();
    await adoptRootRelease(clients, { bucket: BUCKET, now: NOW });
    const deployLive = async (n: number) => {
      world.time += 3_600_000;
      const { manifest } = await deployRelease(clients, { bucket: BUCKET, sourceDir: viteBuild(`v${n}`), commit: 'abcdef0123456789', buildNumber: n });
      const pinToken = await ensurePinToken(clients, KVS_ARN);
      const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken });
      await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
      return prune(clients, { bucket: BUCKET, kvsArn: KVS_ARN, keep: 2 });
    };
    const first = await deployLive(1);
    expect(first.kept).toContain(ROOT_RELEASE_ID);
    expect(world.objects.has('static/js/787.8e9f0a1b.chunk.js')).toBe(true);
    expect(world.objects.has('index.html')).toBe(true);

    const second = await deployLive(2);
    expect(second.pruned).toEqual([ROOT_RELEASE_ID]);
    expect([...world.objects.keys()].filter((k) => k.startsWith('static/') || k.startsWith('releases/root-0/') || k === 'index.html')).toEqual([]);
  });

  test('old script layout: _spa-deploy/ left out, release Cache-Control, metadata carried over, commit from its record', async () => {
    const world = new MigrationWorld();
    oldScriptLayout(world);
    const before = world.rootSnapshot();
    const log: string[] = [];
    const result = await adoptRootRelease(world.clients(log), { bucket: BUCKET, now: NOW });

    expect(result.outcome).toBe('adopted');
    expect(world.rootSnapshot()).toEqual(before);
    const keys = world.s3Writes().map((w) => w.key);
    expect(keys.filter((k) => k.includes('_spa-deploy'))).toEqual([manifestKey(ROOT_RELEASE_ID)]);
    expect(keys.filter((k) => k.startsWith('releases/root-0/assets/'))).toEqual([]);
    expect(result.manifest).toMatchObject({
      commit: 'c0ffee1234567890c0ffee1234567890c0ffee12',
      assets: ['assets/index-AAAAAAAA.js', 'assets/index-BBBBBBBB.js'],
    });
    expect(result.manifest!.files.map((f) => f.path)).toEqual(['.well-known/apple-app-site-association', 'config.json', 'favicon.svg', 'index.html', 'legal/terms.html', 'robots.txt']);

    const copy = (path: string) => world.objects.get(`releases/root-0/${path}`)!;
    expect(copy('favicon.svg').cacheControl).toBe(ENTRY_CACHE_CONTROL);
    expect(copy('config.json').cacheControl).toBe(ENTRY_CACHE_CONTROL);
    expect(world.extra.get('releases/root-0/.well-known/apple-app-site-association')!.metadata).toEqual({ owner: 'mobile' });
    expect(copy('.well-known/apple-app-site-association').contentType).toBe('application/octet-stream');
    expect(world.extra.get('releases/root-0/legal/terms.html')!.contentEncoding).toBe('gzip');
    // Its ETag is not an MD5 (KMS, multipart): the object was read and hashed instead.
    expect(result.manifest!.files.find((f) => f.path === 'legal/terms.html')!.md5).toBe(md5(Buffer.from('x'.repeat(2000))));
    expect(world.s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual(expect.arrayContaining(['legal/terms.html', '_spa-deploy/releases.json']));
    expect(world.s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).not.toContain('index.html');
    expect(log.join('\n')).toMatch(/adopted the bucket root as release root-0: 6 files copied server-side/);
  });

  test('already migrated, or deployed with releases from the start: nothing written', async () => {
    const world = new MigrationWorld();
    oldScriptLayout(world);
    await adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW });
    world.writes.length = 0;
    world.s3Mock.resetHistory();
    const again = await adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW + 1000 });
    expect(again).toMatchObject({ outcome: 'already-adopted', copiedObjects: 0, uploadedBytes: 0 });
    expect(world.writes).toEqual([]);
    expect(world.s3Mock.commandCalls(HeadObjectCommand)).toEqual([]);

    const fresh = new MigrationWorld();
    await deployRelease(fresh.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: 'abcdef0123456789', buildNumber: 1 });
    fresh.seed('index.html', OLD_INDEX); // even with a root entry page: releases exist, the root is not the site
    fresh.writes.length = 0;
    expect((await adoptRootRelease(fresh.clients(), { bucket: BUCKET })).outcome).toBe('has-releases');
    expect(fresh.writes).toEqual([]);
  });

  test('a crash before the manifest leaves no release; the next run completes it', async () => {
    const world = new MigrationWorld();
    oldScriptLayout(world);
    world.failCopies.add('robots.txt');
    await expect(adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW })).rejects.toThrow(/internal error/);
    expect(world.objects.has(manifestKey(ROOT_RELEASE_ID))).toBe(false);
    expect((await listReleases(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN })).releases).toEqual([]);

    const result = await adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW });
    expect(result.outcome).toBe('adopted');
    expect(world.objects.get('releases/root-0/robots.txt')!.body.toString()).toBe('User-agent: *\n');
  });

  test('a root changed between reading and copying fails the copy instead of mixing versions', async () => {
    const world = new MigrationWorld();
    oldScriptLayout(world);
    world.s3Mock.on(HeadObjectCommand, { Key: 'index.html' }).callsFake(() => {
      const result = { ContentLength: OLD_INDEX.length, ETag: `"${md5(Buffer.from(OLD_INDEX))}"`, ContentType: 'text/html' };
      world.seed('index.html', `${OLD_INDEX}<!-- deployed meanwhile -->`);
      return result;
    });
    await expect(adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW })).rejects.toThrow(/pre-conditions/);
    expect(world.objects.has(manifestKey(ROOT_RELEASE_ID))).toBe(false);
  });

  test('an empty bucket (or only the old script\'s state and console folders): nothing to adopt, nothing written', async () => {
    const world = new MigrationWorld();
    expect(await adoptRootRelease(world.clients(), { bucket: BUCKET })).toMatchObject({ outcome: 'empty', copiedObjects: 0 });
    world.seed('_spa-deploy/releases.json', '{"version":1,"releases":[]}');
    world.seed('images/', '');
    expect((await adoptRootRelease(world.clients(), { bucket: BUCKET })).outcome).toBe('empty');
    expect(world.writes).toEqual([]);
  });

  test('root files without an index.html are refused, naming them; nothing written', async () => {
    const world = new MigrationWorld();
    world.seed('shop/index.html', OLD_INDEX);
    world.seed('uploads/report.pdf', '%PDF');
    await expect(adoptRootRelease(world.clients(), { bucket: BUCKET })).rejects.toThrow(
      /s3:\/\/site-bucket has 2 object\(s\) at its root \(shop\/index.html, uploads\/report.pdf\) but no index.html: .*deploy to an empty bucket/);
    expect(world.writes).toEqual([]);
  });

  test('a root release.json is the app\'s own file: copied into root-0 like any other, the manifest written elsewhere', async () => {
    const world = new MigrationWorld();
    seedLayout(world);
    world.seed('release.json', '{"version":"1.9.0"}', { contentType: 'application/json' });
    const result = await adoptRootRelease(world.clients(), { bucket: BUCKET, now: NOW });
    expect(result.outcome).toBe('adopted');
    expect(world.objects.get('releases/root-0/release.json')?.body.toString()).toBe('{"version":"1.9.0"}');
    expect(result.manifest!.files.map((f) => f.path)).toContain('release.json');
    expect(parseManifest(world.objects.get(manifestKey(ROOT_RELEASE_ID))!.body.toString(), manifestKey(ROOT_RELEASE_ID))).toEqual(result.manifest);
  });

  test('root files that can\'t be release files, and a pattern that matches index.html, are refused before any write', async () => {
    const world = new MigrationWorld();
    seedLayout(world);
    world.seed('docs//guide.txt', 'x');
    world.seed('assets/tab\tname-ABCDEFGH.js', 'x'); // hashed, but the manifest lists it
    await expect(adoptRootRelease(world.clients(), { bucket: BUCKET })).rejects.toThrow(
      /2 root file\(s\) can't be part of release root-0 \(nothing was written\): "assets\/tab\\tname-ABCDEFGH.js": has a control character; "docs\/\/guide.txt": absolute, or has an empty/);
    expect(world.writes).toEqual([]);

    const other = new MigrationWorld();
    seedLayout(other);
    await expect(adoptRootRelease(other.clients(), { bucket: BUCKET, hashedPattern: '\\.(html|js)$' })).rejects.toThrow(/matches index.html/);
    expect(other.s3Mock.calls()).toEqual([]);
  });
});

// The same migration against moto's S3 through the real SDK client: CopySource encoding (spaces, '+', non-ASCII),
// the REPLACE metadata directive, CopySourceIfMatch and ETags as S3 computes them, not as the mock above does.
const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
(hasMoto || process.env.CI ? describe : describe.skip)('adoptRootRelease against moto S3', () => {
  let moto: ChildProcess | undefined;
  let s3: S3Client;

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) {
          break;
        }
      } catch {
        // not listening yet
      }
      if (moto.exitCode !== null || Date.now() > deadline) {
        throw new Error(`moto_server did not answer on ${endpoint}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials, ...SDK_RETRY });
  }, 40_000);

  afterAll(async () => {
    s3?.destroy();
    const child = moto;
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  test('copies keep bytes, get the release headers, and the manifest lists what a rollback needs', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (Key: string, Body: string, extra: { CacheControl?: string; ContentType?: string; Metadata?: Record<string, string> } = {}) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...extra }));
    await put('_spa-deploy/releases.json', '{"version":1,"releases":[{"id":"c0ffee1","status":"live","files":{}}]}');
    await put('index.html', OLD_INDEX, { CacheControl: 'no-cache', ContentType: 'text/html; charset=utf-8' });
    await put('assets/index-BBBBBBBB.js', 'console.log(1)', { CacheControl: IMMUTABLE_CACHE_CONTROL, ContentType: 'text/javascript' });
    await put('images/hero banner+1 é.png', 'png', { CacheControl: 'public, max-age=300', ContentType: 'image/png', Metadata: { owner: 'shop' } });
    await put('favicon.ico', 'ico');
    const clients = { ...new World().clients(), s3 };

    const result = await adoptRootRelease(clients, { bucket: BUCKET, now: NOW });
    expect(result.manifest).toMatchObject({ commit: 'c0ffee1', assets: ['assets/index-BBBBBBBB.js'] });
    expect(result.manifest!.files.map((f) => f.path)).toEqual(['favicon.ico', 'images/hero banner+1 é.png', 'index.html']);
    const image = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'releases/root-0/images/hero banner+1 é.png' }));
    expect(await image.Body!.transformToString()).toBe('png');
    expect(image).toMatchObject({ CacheControl: ENTRY_CACHE_CONTROL, ContentType: 'image/png', Metadata: { owner: 'shop' } });
    const entry = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'releases/root-0/index.html' }));
    expect(md5(Buffer.from(await entry.Body!.transformToByteArray()))).toBe(result.manifest!.files.find((f) => f.path === 'index.html')!.md5);
    const root = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/hero banner+1 é.png' }));
    expect(root.CacheControl).toBe('public, max-age=300');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'releases/root-0/favicon.ico' }))).ContentType).toBe(contentType('favicon.ico'));

    expect((await adoptRootRelease(clients, { bucket: BUCKET, now: NOW })).outcome).toBe('already-adopted');
  }, 30_000);
});
