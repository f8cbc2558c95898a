import { BASE_URL, BUCKET, KVS_ARN, World, viteBuild } from './harness';
import { ENTRY_FILE, KVS_KEYS, PIN_HEADERS, ReleaseManifest, manifestKey } from '../../src/release/contract';
import { DeployResult, deployRelease } from '../../src/release/deploy';
import { ensurePinToken, goLive, switchLive } from '../../src/release/live-store';
import { htmlReferences, smokeCheck } from '../../src/release/smoke-check';
import { probeFor, waitUntilLive } from '../../src/release/wait-live';

const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';
const entryMd5 = (m: ReleaseManifest) => m.files.find((f) => f.path === ENTRY_FILE)!.md5;

async function deployed(world: World, version: string, build: number, extra?: Record<string, string>): Promise<DeployResult> {
  return deployRelease(world.clients(), { bucket: BUCKET, sourceDir: viteBuild(version, { extra }), commit: COMMIT, buildNumber: build });
}

/** deploy -> pin token -> smoke check -> go live -> wait: the deploy program's sequence. */
async function release(world: World, version: string, build: number, extra?: Record<string, string>) {
  const clients = world.clients();
  const { manifest } = await deployed(world, version, build, extra);
  const pinToken = await ensurePinToken(clients, KVS_ARN);
  const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken, entryMd5: entryMd5(manifest) });
  const switched = await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
  const wait = await waitUntilLive(clients, { baseUrl: BASE_URL, entryMd5: entryMd5(manifest), since: switched.switchedAt });
  return { manifest, check, switched, wait };
}

describe('smoke check, go live, wait', () => {
  test('order of writes: hashed assets, release files, manifest, then the store\'s live key last', async () => {
    const world = new World();
    world.keys.set(KVS_KEYS.pinToken, 'token-already-there');
    const { manifest, check, switched, wait } = await release(world, 'v1', 1);
    expect(check.ok).toBe(true);
    expect(switched).toMatchObject({ live: 'abcdef0-1', previous: undefined, changed: true });
    expect(wait).toMatchObject({ live: true, polls: 1 });
    const phases = world.writes.map((w) => (w.service === 'kvs' ? 3 : w.key === manifestKey(manifest.id) ? 2 : w.key.startsWith('releases/') ? 1 : 0));
    expect(phases).toEqual([...phases].sort());
    expect(world.kvsWrites()).toEqual([{ service: 'kvs', op: 'UpdateKeys', key: KVS_KEYS.live }]);
  });

  test('the check fetched the entry, a deep link and every same-origin script, stylesheet and modulepreload, all pinned', async () => {
    const world = new World();
    const { check } = await release(world, 'v1', 1);
    expect(check.requests.map((r) => r.kind).sort()).toEqual(['deep link', 'entry', 'modulepreload', 'script', 'stylesheet']);
    expect(check.skipped).toEqual(['https://www.googletagmanager.com/gtag/js?id=G-1']);
    const checkFetches = world.fetches.filter((f) => f.pinned);
    expect(checkFetches).toHaveLength(5);
    expect(checkFetches.every((f) => f.pinned === 'abcdef0-1')).toBe(true);
  });

  test('the second release: previous recorded in the same single write, shared asset not uploaded, live switches', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    world.writes.length = 0;
    const { switched, wait } = await release(world, 'v2', 2);
    expect(switched).toMatchObject({ live: 'abcdef0-2', previous: 'abcdef0-1', changed: true });
    expect(world.kvsWrites()).toEqual([
      { service: 'kvs', op: 'UpdateKeys', key: KVS_KEYS.live },
      { service: 'kvs', op: 'UpdateKeys', key: KVS_KEYS.previous },
    ]);
    expect(world.s3Writes().map((w) => w.key)).not.toContain('assets/vendor-AAAAAAAA.js');
    expect(wait.live).toBe(true);
    expect(world.keys.get(KVS_KEYS.live)).toBe('abcdef0-2');
  });

  test('a failed smoke check (the entry script 404s) leaves the store untouched and goLive refuses', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const { manifest } = await deployed(world, 'v2', 2);
    const script = htmlReferences(world.objects.get(`releases/${manifest.id}/index.html`)!.body.toString()).find((r) => r.kind === 'script')!;
    world.broken.add(script.href.slice(1));
    world.writes.length = 0;
    const before = new Map(world.keys);
    const clients = world.clients();
    const pinToken = await ensurePinToken(clients, KVS_ARN);
    const check = await smokeCheck(clients, { baseUrl: BASE_URL, releaseId: manifest.id, pinToken, entryMd5: entryMd5(manifest) });
    expect(check.ok).toBe(false);
    expect(check.reasons).toEqual([`script ${script.href}: HTTP 403 (expected 200)`]);
    await expect(goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check })).rejects.toThrow(/failed its smoke check; the live release is unchanged/);
    expect(world.kvsWrites()).toEqual([]);
    expect(world.keys).toEqual(before);
    expect(world.keys.get(KVS_KEYS.live)).toBe('abcdef0-1');
  });

  test('goLive refuses a check for another release, and a release without a manifest, without writing', async () => {
    const world = new World();
    const { check } = await release(world, 'v1', 1);
    world.writes.length = 0;
    await expect(goLive(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: 'abcdef0-9', check })).rejects.toThrow(/was not smoke-checked/);
    await expect(goLive(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: 'abcdef0-9', check: { ...check, releaseId: 'abcdef0-9' } }))
      .rejects.toThrow(/has no manifest/);
    await expect(goLive(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: 'BAD', check })).rejects.toThrow(/releaseId/);
    expect(world.writes).toEqual([]);
  });

  test('a wrong pin token gets the live release, so the check fails on the entry page', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const { manifest } = await deployed(world, 'v2', 2);
    const check = await smokeCheck(world.clients(), { baseUrl: BASE_URL, releaseId: manifest.id, pinToken: 'guess', entryMd5: entryMd5(manifest) });
    expect(check.ok).toBe(false);
    expect(check.reasons[0]).toMatch(/not release abcdef0-2's index.html/);
  });

  test('a wrong Content-Type fails the check', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const { manifest } = await deployed(world, 'v2', 2);
    const css = manifest.assets.find((a) => a.endsWith('.css'))!;
    world.objects.get(css)!.contentType = 'text/plain';
    const pinToken = await ensurePinToken(world.clients(), KVS_ARN);
    const check = await smokeCheck(world.clients(), { baseUrl: BASE_URL, releaseId: manifest.id, pinToken });
    expect(check.reasons).toEqual([`stylesheet /${css}: Content-Type "text/plain" is not what a browser accepts for a stylesheet`]);
  });

  test('5xx and network errors are retried with back-off; a 4xx is an answer', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const clients = world.clients();
    let calls = 0;
    const flaky = {
      ...clients,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        calls++;
        if (calls === 1) {
          throw new Error('socket hang up');
        }
        if (calls === 2) {
          return new Response('busy', { status: 503 });
        }
        return clients.fetch(input, init);
      },
    };
    const check = await smokeCheck(flaky, { baseUrl: BASE_URL, releaseId: 'abcdef0-1', pinToken: world.keys.get(KVS_KEYS.pinToken)! });
    expect(check.ok).toBe(true);
    expect(calls).toBe(7);
  });

  test('pin headers: the names the routing function reads, both sent', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const seen: Headers[] = [];
    const clients = world.clients();
    await smokeCheck({
      ...clients,
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers));
        return clients.fetch(input, init);
      },
    }, { baseUrl: BASE_URL, releaseId: 'abcdef0-1', pinToken: 't0ken' });
    expect(seen[0].get(PIN_HEADERS.release)).toBe('abcdef0-1');
    expect(seen[0].get(PIN_HEADERS.token)).toBe('t0ken');
  });
});

describe('the pin token', () => {
  test('created once, 32 random bytes, then reused without a write', async () => {
    const world = new World();
    const first = await ensurePinToken(world.clients(), KVS_ARN);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(world.kvsWrites()).toHaveLength(1);
    expect(await ensurePinToken(world.clients(), KVS_ARN)).toBe(first);
    expect(world.kvsWrites()).toHaveLength(1);
  });
});

describe('ETag conflicts', () => {
  test('another key changed meanwhile: read again, write once', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    await deployed(world, 'v2', 2);
    world.writes.length = 0;
    world.conflicts = 1;
    world.onConflict = () => {
      world.keys.set(KVS_KEYS.pinToken, 'rotated');
      world.etag++;
    };
    const log: string[] = [];
    const result = await switchLive(world.clients(log), KVS_ARN, 'abcdef0-2');
    expect(result).toMatchObject({ live: 'abcdef0-2', previous: 'abcdef0-1', changed: true });
    expect(world.kvsWrites().map((w) => w.op)).toEqual(['UpdateKeys', 'UpdateKeys']); // one call, two keys
    expect(log.join('\n')).toMatch(/ETag conflict/);
  });

  test('the live release changed meanwhile: stop, write nothing, say so', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    await deployed(world, 'v2', 2);
    await deployed(world, 'v3', 3);
    world.writes.length = 0;
    world.conflicts = 1;
    world.onConflict = () => {
      world.keys.set(KVS_KEYS.live, 'abcdef0-3');
      world.etag++;
    };
    await expect(switchLive(world.clients(), KVS_ARN, 'abcdef0-2')).rejects.toThrow(/changed from abcdef0-1 to abcdef0-3 while switching/);
    expect(world.kvsWrites()).toEqual([]);
    expect(world.keys.get(KVS_KEYS.live)).toBe('abcdef0-3');
  });

  test('conflicts that never end: bounded, then an error', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    await deployed(world, 'v2', 2);
    world.writes.length = 0;
    world.conflicts = 99;
    await expect(switchLive(world.clients(), KVS_ARN, 'abcdef0-2')).rejects.toThrow(/ETag conflict 3 times/);
    expect(world.kvsWrites()).toEqual([]);
  });
});

describe('waitUntilLive', () => {
  test('bounded: gives up after the timeout and says what it saw', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const result = await waitUntilLive(world.clients(), { baseUrl: BASE_URL, entryMd5: '0'.repeat(32), since: world.time, timeoutMs: 10_000, intervalMs: 2_000 });
    expect(result).toMatchObject({ live: false, polls: 6, last: 'the previous release\'s entry page' });
    expect(result.propagationMs).toBeLessThanOrEqual(10_000);
  });

  test('reports the propagation time once the edge serves the release', async () => {
    const world = new World();
    await release(world, 'v1', 1);
    const { manifest } = await deployed(world, 'v2', 2);
    const since = world.time;
    const clients = world.clients();
    let polls = 0;
    const lagging = {
      ...clients,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        if (++polls === 3) {
          world.keys.set(KVS_KEYS.live, manifest.id); // the edge sees the switch between the 2nd and 3rd poll
        }
        return clients.fetch(input, init);
      },
    };
    const result = await waitUntilLive(lagging, { baseUrl: BASE_URL, entryMd5: entryMd5(manifest), since, intervalMs: 1_000 });
    expect(result).toEqual({ live: true, polls: 3, propagationMs: 2_000 });
  });
});

describe('probeFor: the file that tells a release apart from the one it replaces', () => {
  const manifest = (id: string, files: Record<string, string>): ReleaseManifest => ({
    schema: 1,
    id,
    commit: id.split('-')[0],
    buildNumber: 1,
    createdAt: '2026-11-30T00:00:00.000Z',
    assets: [],
    files: Object.entries(files).map(([p, md5]) => ({ path: p, size: 1, md5 })),
  });
  const v1 = manifest('aaaaaaa-1', { 'index.html': 'e1', 'config.json': 'c1', 'favicon.svg': 'f' });

  test('the entry page when it differs, or when the root (no manifest) is replaced', () => {
    expect(probeFor(manifest('bbbbbbb-2', { 'index.html': 'e2', 'config.json': 'c1' }), v1)).toEqual({ path: '/', md5: 'e2' });
    expect(probeFor(v1, undefined)).toEqual({ path: '/', md5: 'e1' });
  });

  test('an identical entry page: the first other file that differs or is new, as a URL path', () => {
    expect(probeFor(manifest('bbbbbbb-2', { 'index.html': 'e1', 'config.json': 'c2', 'favicon.svg': 'f' }), v1))
      .toEqual({ path: '/config.json', md5: 'c2' });
    expect(probeFor(manifest('bbbbbbb-2', { 'index.html': 'e1', 'config.json': 'c1', 'favicon.svg': 'f', 'runtime/a b.json': 'n' }), v1))
      .toEqual({ path: '/runtime/a%20b.json', md5: 'n' });
  });

  test('every file identical: nothing to wait for', () => {
    expect(probeFor(manifest('bbbbbbb-2', { 'index.html': 'e1', 'config.json': 'c1', 'favicon.svg': 'f' }), v1)).toBeUndefined();
  });

  test('waitUntilLive polls that file: a switch that changed only config.json is not reported served before the edge serves it', async () => {
    const world = new World();
    const first = await release(world, 'same', 1, { 'config.json': '{"api":"v1"}' });
    const { manifest: next } = await deployed(world, 'same', 2, { 'config.json': '{"api":"v2"}' });
    const probe = probeFor(next, first.manifest)!;
    expect(probe.path).toBe('/config.json');
    const clients = world.clients();
    let polls = 0;
    const lagging = {
      ...clients,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        if (++polls === 3) world.keys.set(KVS_KEYS.live, next.id);
        return clients.fetch(input, init);
      },
    };
    const result = await waitUntilLive(lagging, { baseUrl: BASE_URL, path: probe.path, entryMd5: probe.md5, since: world.time, intervalMs: 1_000 });
    expect(result).toEqual({ live: true, polls: 3, propagationMs: 2_000 });
  });
});
