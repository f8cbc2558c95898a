import { rmSync } from 'fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BASE_URL, BUCKET, World, viteBuild } from './harness';
import { ENTRY_CACHE_CONTROL, IMMUTABLE_CACHE_CONTROL, KVS_KEYS, MANIFESTS_PREFIX, ReleaseError, manifestKey, parseManifest } from '../../src/release/contract';
import { contentType, deployRelease } from '../../src/release/deploy';

const COMMIT = '3f2a1b9c0d1e2f30415263748596a7b8c9d0e1f2';

describe('deployRelease', () => {
  test('an app\'s own release.json is a release file like any other; the manifest is outside what the site serves', async () => {
    const world = new World();
    const own = '{"version":"2.4.1","channel":"stable"}\n';
    const { manifest } = await deployRelease(world.clients(), {
      bucket: BUCKET, sourceDir: viteBuild('v1', { extra: { 'release.json': own } }), commit: COMMIT, buildNumber: 1,
    });
    expect(world.objects.get('releases/3f2a1b9-1/release.json')?.body.toString()).toBe(own);
    expect(manifest.files.map((f) => f.path)).toContain('release.json');
    expect(parseManifest(world.objects.get(manifestKey(manifest.id))!.body.toString(), manifestKey(manifest.id))).toEqual(manifest);
    // Through the routing, /release.json is the app's file; no URL of the site reaches the manifest.
    world.keys.set(KVS_KEYS.live, manifest.id);
    const served = await world.clients().fetch(`${BASE_URL}/release.json`);
    expect(await served.text()).toBe(own);
    expect((await world.clients().fetch(`${BASE_URL}/${manifestKey(manifest.id)}`)).status).toBe(403);
  });

  test('writes hashed assets first, then the release files under its prefix, then the manifest; never the store', async () => {
    const world = new World();
    const result = await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: COMMIT, buildNumber: 1 });
    const writes = world.writes.map((w) => w.key);
    const phase = (key: string) => (key.startsWith(MANIFESTS_PREFIX) ? 2 : key.startsWith('releases/') ? 1 : 0);
    expect(writes.map(phase)).toEqual([...writes.map(phase)].sort());
    expect(writes[writes.length - 1]).toBe('_spa-deploy/releases/3f2a1b9-1.json');
    expect(world.kvsWrites()).toEqual([]);
    expect(new Set(writes.filter((k) => phase(k) === 1))).toEqual(new Set([
      'releases/3f2a1b9-1/index.html', 'releases/3f2a1b9-1/favicon.svg', 'releases/3f2a1b9-1/robots.txt',
    ]));
    expect(result.manifest.id).toBe('3f2a1b9-1');
    expect(result.manifest.assets).toHaveLength(4); // the .map is private by default
    expect(result.uploadedObjects).toBe(8);
    expect(result.skippedAssets).toBe(0);
  });

  test('cache-control and Content-Type per kind of file', async () => {
    const world = new World();
    await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: COMMIT, buildNumber: 1 });
    for (const w of world.s3Writes()) {
      expect(w.cacheControl).toBe(w.key.startsWith('assets/') ? IMMUTABLE_CACHE_CONTROL : ENTRY_CACHE_CONTROL);
    }
    const types = Object.fromEntries(world.s3Writes().map((w) => [w.key.split('/').pop()!.split('.').slice(1).join('.'), w.contentType]));
    expect(types).toMatchObject({
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      html: 'text/html; charset=utf-8',
      svg: 'image/svg+xml',
      txt: 'text/plain; charset=utf-8',
      json: 'application/json; charset=utf-8',
    });
    expect(contentType('assets/font-ABCDEFGH.woff2')).toBe('font/woff2');
    expect(contentType('manifest.webmanifest')).toBe('application/manifest+json; charset=utf-8');
    expect(contentType('.well-known/apple-app-site-association')).toBe('application/octet-stream');
    expect(contentType('json')).toBe('application/octet-stream');
  });

  test('an unchanged hashed asset is not uploaded again; the next release shares it', async () => {
    const world = new World();
    await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: COMMIT, buildNumber: 1 });
    world.writes.length = 0;
    const second = await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v2'), commit: COMMIT, buildNumber: 2 });
    const keys = world.s3Writes().map((w) => w.key);
    expect(keys).not.toContain('assets/vendor-AAAAAAAA.js');
    expect(second.manifest.assets).toContain('assets/vendor-AAAAAAAA.js');
    expect(second.skippedAssets).toBe(1);
    expect(keys.filter((k) => k.startsWith('assets/'))).toHaveLength(3);
  });

  test('a retry of the same release re-uploads nothing hashed and rewrites its files identically', async () => {
    const world = new World();
    const dir = viteBuild('v1');
    await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: dir, commit: COMMIT, buildNumber: 1 });
    world.writes.length = 0;
    const again = await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: dir, commit: COMMIT, buildNumber: 1 });
    expect(again.skippedAssets).toBe(4);
    expect(world.s3Writes().every((w) => w.key.startsWith('releases/3f2a1b9-1/') || w.key === manifestKey('3f2a1b9-1'))).toBe(true);
  });

  test('the same release id with other files is refused before any write', async () => {
    const world = new World();
    await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: COMMIT, buildNumber: 1 });
    world.writes.length = 0;
    await expect(deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v2'), commit: COMMIT, buildNumber: 1 }))
      .rejects.toThrow(/already exists with other files/);
    expect(world.writes).toEqual([]);
  });

  test('the runtime config replaces the build\'s file; public source maps are uploaded', async () => {
    const world = new World();
    const dir = viteBuild('v1', { extra: { 'config.json': '{"api":"build"}' } });
    const result = await deployRelease(world.clients(), {
      bucket: BUCKET, sourceDir: dir, commit: COMMIT, buildNumber: 3, sourceMaps: 'public', runtimeConfig: { path: 'config.json', json: '{"api":"https://api"}' },
    });
    expect(world.objects.get('releases/3f2a1b9-3/config.json')!.body.toString()).toBe('{"api":"https://api"}\n');
    expect(result.manifest.assets.some((a) => a.endsWith('.map'))).toBe(true);
    const manifest = parseManifest(world.objects.get(manifestKey('3f2a1b9-3'))!.body.toString(), manifestKey('3f2a1b9-3'));
    expect(manifest).toEqual(result.manifest);
  });

  test.each([
    [{ releaseId: 'Bad/Id-1' }, /releaseId/],
    [{ releaseId: '../../x-1' }, /releaseId/],
    [{ commit: 'not-a-commit' }, /not a git commit/],
    [{ concurrency: 0 }, /concurrency/],
    [{ runtimeConfig: { path: 'config.json', json: '[1]' } }, /JSON object/],
    [{ runtimeConfig: { path: '../config.json', json: '{}' } }, /not usable/],
    [{ hashedPattern: '[' }, /not a regular expression/],
  ])('bad options are refused before any write: %j', async (bad, message) => {
    const world = new World();
    await expect(deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1'), commit: COMMIT, buildNumber: 1, ...bad }))
      .rejects.toThrow(message);
    expect(world.writes).toEqual([]);
  });

  test('a build without index.html or with a reserved folder is refused', async () => {
    const world = new World();
    const noEntry = viteBuild('v1');
    rmSync(`${noEntry}/index.html`);
    await expect(deployRelease(world.clients(), { bucket: BUCKET, sourceDir: noEntry, commit: COMMIT, buildNumber: 1 }))
      .rejects.toThrow(/no index.html/);
    const reserved = viteBuild('v1', { extra: { 'releases/x.txt': 'x' } });
    await expect(deployRelease(world.clients(), { bucket: BUCKET, sourceDir: reserved, commit: COMMIT, buildNumber: 1 }))
      .rejects.toThrow(ReleaseError);
    expect(world.writes).toEqual([]);
  });

  test('uploads run in parallel, never more than the bound', async () => {
    const world = new World();
    const extra = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`assets/chunk${i}-ABCDEFGH${i}.js`, `export default ${i};`]));
    let inFlight = 0;
    let peak = 0;
    world.s3Mock.on(PutObjectCommand).callsFake(async (input) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      world.writes.push({ service: 's3', op: 'PutObject', key: input.Key });
      return {};
    });
    await deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild('v1', { extra }), commit: COMMIT, buildNumber: 1, concurrency: 5 });
    expect(peak).toBe(5);
    expect(world.s3Writes()).toHaveLength(44 + 3 + 1);
  });
});
