import { BASE_URL, BUCKET, KVS_ARN, RELEASED_COMMIT, World, worldWithReleases } from './harness';
import { ENTRY_FILE, KVS_KEYS } from '../../src/release/contract';
import { listReleases, rollback } from '../../src/release/releases';

const COMMIT = RELEASED_COMMIT;

const servedVersion = async (world: World, path = '/orders/42') =>
  /<!-- (v\d+) -->/.exec(await (await world.clients().fetch(`${BASE_URL}${path}`)).text())?.[1];

describe('listReleases', () => {
  test('newest first, with the live and previous markers, from the manifests', async () => {
    const world = await worldWithReleases(3);
    const list = await listReleases(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(list.releases.map((r) => [r.manifest.id, r.live, r.previous])).toEqual([
      ['0123456-3', true, false],
      ['0123456-2', false, true],
      ['0123456-1', false, false],
    ]);
    expect(list.releases[0].manifest).toMatchObject({ commit: COMMIT, buildNumber: 3 });
    expect(world.writes).toEqual([]);
  });
});

describe('rollback', () => {
  test('is exactly one store write and no S3 write; the previous release is served', async () => {
    const world = await worldWithReleases(3);
    expect(await servedVersion(world)).toBe('v3');
    const result = await rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(result).toMatchObject({ live: '0123456-2', previous: '0123456-3', changed: true });
    expect(world.s3Writes()).toEqual([]);
    expect(world.kvsMock.calls().filter((c) => /Put|Update|Delete/.test(c.args[0].constructor.name))).toHaveLength(1);
    expect(world.s3Mock.calls().filter((c) => /Put|Delete|Copy/.test(c.args[0].constructor.name))).toHaveLength(0);
    expect(await servedVersion(world)).toBe('v2');
  });

  test('--to an earlier kept release; a second rollback without a target undoes the first', async () => {
    const world = await worldWithReleases(3);
    await rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, to: '0123456-1' });
    expect(await servedVersion(world)).toBe('v1');
    await rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(await servedVersion(world)).toBe('v3');
    expect(world.s3Writes()).toEqual([]);
  });

  test('without a previous key: the newest kept release older than the live one', async () => {
    const world = await worldWithReleases(3);
    world.keys.delete(KVS_KEYS.previous);
    const result = await rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(result.live).toBe('0123456-2');
  });

  test.each([
    ['an unknown release', { to: '0123456-9' }, /has no manifest/],
    ['the live release', { to: '0123456-3' }, /already live/],
    ['a bad id', { to: '../0123456-1' }, /rollback --to/],
    ['an id of the wrong type', { to: 3 as unknown as string }, /must be a string/],
  ])('%s is refused without a write', async (_what, options, message) => {
    const world = await worldWithReleases(3);
    await expect(rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, ...options })).rejects.toThrow(message);
    expect(world.writes).toEqual([]);
  });

  test('nothing older to go to', async () => {
    const world = await worldWithReleases(1);
    await expect(rollback(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN })).rejects.toThrow(/oldest kept release/);
    expect(world.writes).toEqual([]);
  });

  test('an open tab on release 1 still loads its lazy chunk after release 3 is live (hashed assets are shared, not per release)', async () => {
    const world = await worldWithReleases(3);
    const { releases } = await listReleases(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN });
    const lazyOfV1 = releases[2].manifest.assets.find((a) => a.includes('lazy-'))!;
    const response = await world.clients().fetch(`${BASE_URL}/${lazyOfV1}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"v1"');
    expect(releases[2].manifest.files.map((f) => f.path)).toContain(ENTRY_FILE);
  });
});
