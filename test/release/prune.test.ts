import { BASE_URL, BUCKET, KVS_ARN, World, viteBuild } from './harness';
import { BucketObject, newestFirst } from '../../src/release/bucket';
import {
  KVS_KEYS, MANIFESTS_PREFIX, MANIFEST_SCHEMA, ReleaseManifest, manifestKey, releaseIdOfKey, releaseIdOfManifestKey, releasePrefix,
} from '../../src/release/contract';
import { deployRelease } from '../../src/release/deploy';
import { ensurePinToken, goLive } from '../../src/release/live-store';
import { planPrune, prune } from '../../src/release/prune';
import { smokeCheck } from '../../src/release/smoke-check';

/** A small seeded PRNG (Park-Miller): failures reproduce from the seed in the message. */
function rng(seed: number) {
  let a = (seed % 2147483646) + 1;
  const next = () => {
    a = (a * 48271) % 2147483647;
    return (a - 1) / 2147483646;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const T0 = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** A random bucket: releases sharing assets, failed uploads without a manifest, legacy root files, orphans. */
function randomBucket(seed: number) {
  const r = rng(seed);
  const assetPool = Array.from({ length: 30 }, (_, i) => `assets/chunk${i}-${String(i).padStart(8, 'A')}.js`);
  const manifests: ReleaseManifest[] = [];
  const objects: BucketObject[] = [];
  const releaseCount = r.int(16);
  for (let i = 0; i < releaseCount; i++) {
    const id = `c0ffee${i % 3}-${i + 1}`;
    const createdAt = T0 + i * HOUR + r.int(HOUR / 2);
    const assets = [...new Set(Array.from({ length: 1 + r.int(6) }, () => r.pick(assetPool)))];
    manifests.push({
      schema: MANIFEST_SCHEMA,
      id,
      commit: 'c0ffee',
      buildNumber: i + 1,
      createdAt: new Date(createdAt).toISOString(),
      files: [{ path: 'index.html', size: 1, md5: 'x' }, { path: 'favicon.svg', size: 1, md5: 'y' }],
      assets,
    });
    for (const key of [`${releasePrefix(id)}index.html`, `${releasePrefix(id)}favicon.svg`, manifestKey(id)]) {
      objects.push({ key, size: 1, lastModified: createdAt + r.int(60_000) });
    }
    for (const key of assets) {
      if (!objects.some((o) => o.key === key)) {
        objects.push({ key, size: 1, lastModified: createdAt + r.int(60_000) });
      }
    }
  }
  // A failed upload (files, no manifest), legacy root files, an orphan hashed asset, foreign keys under releases/
  // and beside the manifests.
  const someTime = () => T0 + r.int((releaseCount + 1) * HOUR) - HOUR;
  if (r.next() < 0.5) {
    objects.push({ key: 'releases/deadbee-99/index.html', size: 1, lastModified: someTime() });
  }
  for (const key of ['index.html', 'config.json', '_spa-deploy/releases.json', 'assets/legacy-LEGACY00.js', 'releases/README',
    `${MANIFESTS_PREFIX}README`, `${MANIFESTS_PREFIX}deadbee-99.json.tmp`]) {
    if (r.next() < 0.5) {
      objects.push({ key, size: 1, lastModified: someTime() });
    }
  }
  const ids = manifests.map((m) => m.id);
  const maybeId = () => (r.next() < 0.2 ? undefined : r.next() < 0.1 ? 'feedbee-77' : r.pick(ids));
  return {
    objects,
    manifests,
    live: ids.length ? maybeId() : undefined,
    previous: ids.length ? maybeId() : undefined,
    pinned: ids.length && r.next() < 0.5 ? [r.pick(ids)] : [],
    keep: 1 + r.int(12),
  };
}

describe('planPrune: properties over random buckets', () => {
  test('never deletes a kept release\'s file or an asset a kept release references; deletes every pruned release fully', () => {
    // Plain checks collected into one list: 800 buckets through jest's expect would take seconds.
    const failures: string[] = [];
    for (let seed = 1; seed <= 800; seed++) {
      const input = randomBucket(seed);
      const plan = planPrune(input);
      const fail = (what: string) => failures.push(`seed ${seed}: ${what}`);
      const deleted = new Set(plan.deletes);
      const newest = [...input.manifests].sort(newestFirst).slice(0, input.keep).map((m) => m.id);
      const mustKeep = new Set([...newest, ...input.pinned, input.live, input.previous].filter((x): x is string => !!x));
      const keptManifests = input.manifests.filter((m) => mustKeep.has(m.id));
      const prunedTimes = input.manifests.filter((m) => !mustKeep.has(m.id)).map((m) => Date.parse(m.createdAt));

      [...mustKeep].filter((id) => !plan.kept.includes(id)).forEach((id) => fail(`${id} must be kept`));
      for (const key of deleted) {
        const id = releaseIdOfKey(key) ?? releaseIdOfManifestKey(key);
        if (id !== undefined && mustKeep.has(id)) {
          fail(`deleted ${key} of kept release ${id}`);
        }
        if (keptManifests.some((m) => m.assets.includes(key))) {
          fail(`deleted ${key}, referenced by a kept release`);
        }
        if (key === 'releases/README' || (key.startsWith(MANIFESTS_PREFIX) && releaseIdOfManifestKey(key) === undefined)) {
          fail(`deleted ${key}, not a release's file or manifest`);
        }
        if (id === undefined || !input.manifests.some((m) => m.id === id)) {
          // Not a pruned release's file: only while a release is live, and only if older than a pruned release.
          if (input.live === undefined) {
            fail(`deleted ${key} while no release is live`);
          }
          if (!(input.objects.find((o) => o.key === key)!.lastModified < Math.max(-Infinity, ...prunedTimes))) {
            fail(`deleted ${key}, not older than the newest pruned release`);
          }
        }
      }
      for (const id of plan.pruned) {
        if (mustKeep.has(id)) {
          fail(`pruned kept release ${id}`);
        }
        input.objects.filter((o) => (o.key.startsWith(releasePrefix(id)) || o.key === manifestKey(id)) && !deleted.has(o.key))
          .forEach((o) => fail(`left ${o.key} of pruned ${id}`));
      }
      // Pruned releases' manifests go first: a crash midway leaves orphans, never a listed, broken release.
      const firstOther = plan.deletes.findIndex((k) => !k.startsWith(MANIFESTS_PREFIX));
      const lastManifest = plan.deletes.map((k) => k.startsWith(MANIFESTS_PREFIX)).lastIndexOf(true);
      if (firstOther >= 0 && lastManifest > firstOther) {
        fail('a manifest deleted after another file');
      }
    }
    expect(failures).toEqual([]);
  });

  test('keep is a whole number of at least 1', () => {
    for (const keep of [0, -1, 1.5, Number.NaN]) {
      expect(() => planPrune({ objects: [], manifests: [], keep })).toThrow(/keep/);
    }
  });
});

describe('prune against the bucket', () => {
  const COMMIT = 'feedface0123456789abcdef0123456789abcdef';

  async function releaseN(world: World, n: number, start = 1) {
    const clients = world.clients();
    for (let i = start; i < start + n; i++) {
      const { manifest } = await deployRelease(clients, { bucket: BUCKET, sourceDir: viteBuild(`v${i}`), commit: COMMIT, buildNumber: i });
      const pinToken = await ensurePinToken(clients, KVS_ARN);
      const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken });
      await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
      world.time += HOUR;
    }
  }

  test('keeps the newest N (default 10), the live and previous ones; the shared asset stays; older files go', async () => {
    const world = new World();
    await releaseN(world, 14);
    await releaseN(world, 0);
    // Roll back far: release 2 is live, 14 previous.
    world.keys.set(KVS_KEYS.live, 'feedfac-2');
    world.keys.set(KVS_KEYS.previous, 'feedfac-14');
    world.writes.length = 0;
    const plan = await prune(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    expect([...plan.pruned].sort()).toEqual(['feedfac-1', 'feedfac-3', 'feedfac-4']);
    expect([...world.objects.keys()].filter((k) => k.startsWith('releases/feedfac-1/') || k.startsWith('releases/feedfac-3/'))).toEqual([]);
    expect(world.objects.has('releases/feedfac-2/index.html')).toBe(true);
    expect(['feedfac-1', 'feedfac-2', 'feedfac-3'].map((id) => world.objects.has(manifestKey(id)))).toEqual([false, true, false]);
    expect(world.objects.has('assets/vendor-AAAAAAAA.js')).toBe(true);
    expect(world.kvsWrites()).toEqual([]);
    // Nothing the kept releases reference was deleted: every one still passes its smoke check.
    const pinToken = world.keys.get(KVS_KEYS.pinToken)!;
    for (const id of plan.kept) {
      const check = await smokeCheck(world.clients(), { baseUrl: BASE_URL, releaseId: id, pinToken });
      expect([id, check.reasons]).toEqual([id, []]);
    }
  });

  test('pinned releases and a dry run', async () => {
    const world = new World();
    await releaseN(world, 5);
    const dry = await prune(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, keep: 1, pinned: ['feedfac-1'], dryRun: true });
    expect(dry.kept).toEqual(['feedfac-1', 'feedfac-4', 'feedfac-5']);
    expect(world.writes.filter((w) => w.op.startsWith('Delete'))).toEqual([]);
    await expect(prune(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, pinned: ['nope'] })).rejects.toThrow(/pinned release/);
  });

  test('migration: the layout before releases stays until it falls out of the kept window, then goes', async () => {
    const world = new World();
    // What assets/spa-deploy.sh left: the release at the root, and its state file.
    for (const key of ['index.html', 'config.json', 'favicon.svg', 'assets/index-OLDOLD00.js', '_spa-deploy/releases.json']) {
      world.objects.set(key, { body: Buffer.from(key), lastModified: world.time - 24 * HOUR });
    }
    world.time += HOUR;
    await releaseN(world, 3);
    let plan = await prune(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, keep: 3 });
    expect(plan.deletes).toEqual([]);
    expect(world.objects.has('assets/index-OLDOLD00.js')).toBe(true); // tabs opened before the switch keep their chunks
    await releaseN(world, 1, 4);
    plan = await prune(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, keep: 3 });
    expect(plan.pruned).toEqual(['feedfac-1']);
    for (const key of ['index.html', 'config.json', 'favicon.svg', 'assets/index-OLDOLD00.js', '_spa-deploy/releases.json']) {
      expect([key, world.objects.has(key)]).toEqual([key, false]);
    }
  });

  test('no live release: the bucket root is what visitors get, so no root object is deleted', async () => {
    const world = new World();
    world.objects.set('index.html', { body: Buffer.from('legacy'), lastModified: world.time - HOUR });
    world.objects.set('assets/index-OLDOLD00.js', { body: Buffer.from('x'), lastModified: world.time - HOUR });
    const clients = world.clients();
    for (let i = 1; i <= 3; i++) {
      await deployRelease(clients, { bucket: BUCKET, sourceDir: viteBuild(`v${i}`), commit: COMMIT, buildNumber: i });
      world.time += HOUR;
    }
    const plan = await prune(clients, { bucket: BUCKET, kvsArn: KVS_ARN, keep: 1 });
    expect(plan.deletes.filter((k) => !k.startsWith('releases/') && !k.startsWith(MANIFESTS_PREFIX))).toEqual([]);
    expect(world.objects.has('index.html')).toBe(true);
  });
});
