// The deploy program (src/release/program.ts) in-process, against the harness's in-memory bucket, store and
// distribution, with CloudWatch behind aws-sdk-client-mock: environment checks and exit codes, the whole
// sequence, a failed check (discarded, store untouched), smoke commands, and the automatic rollback watch.
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { GetKeyCommand, UpdateKeysCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CloudWatchClient, DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { BASE_URL, BUCKET, KVS_ARN, World, viteBuild } from './harness';
import { ReleaseClients } from '../../src/release/clients';
import { KVS_KEYS, PIN_HEADERS, manifestKey, releasePrefix } from '../../src/release/contract';
import { discardRelease } from '../../src/release/discard';
import { switchLive } from '../../src/release/live-store';
import { DeployConfig, EXIT, InputError, ProgramDeps, main, parseEnvironment } from '../../src/release/program';
import { listReleases } from '../../src/release/releases';

const COMMIT = 'c0ffee00112233445566778899aabbccddeeff00';
const scratch: string[] = [];
afterAll(() => scratch.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function env(sourceDir: string, build: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    SPA_BUCKET: BUCKET,
    SPA_KVS_ARN: KVS_ARN,
    SPA_SITE_URL: BASE_URL,
    SPA_SOURCE_DIR: sourceDir,
    CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
    CODEBUILD_BUILD_NUMBER: String(build),
    ...extra,
  };
}

/** CloudWatch with the given alarms; `states` returns each poll's alarms (the poll's number from 1). */
function cloudwatch(states: (poll: number) => MetricAlarm[]) {
  const client = new CloudWatchClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  let poll = 0;
  mock.on(DescribeAlarmsCommand).callsFake((input) => {
    poll++;
    return { MetricAlarms: states(poll).filter((a) => input.AlarmNames.includes(a.AlarmName)) };
  });
  return { client, mock, polls: () => poll };
}

const alarm = (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', at = 0): MetricAlarm =>
  ({ AlarmName: name, StateValue: state, StateTransitionedTimestamp: new Date(at), StateReason: `${state} for a test` });

/** Runs the program; its exit code, what it printed, and the world's writes. */
async function run(world: World, e: NodeJS.ProcessEnv, deps: Partial<ProgramDeps> = {}, clients?: ReleaseClients) {
  let stdout = '';
  let stderr = '';
  const code = await main(['deploy'], e, {
    clients: clients ?? world.clients(),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    runCommand: async () => 0,
    ...deps,
  });
  return { code, stdout, stderr, lastError: stderr.trim().split('\n').pop() ?? '' };
}

/** A world with v1..vN deployed by the program (each run exits 0). */
async function worldWith(n: number): Promise<World> {
  const world = new World();
  for (let i = 1; i <= n; i++) {
    const r = await run(world, env(viteBuild(`v${i}`), i));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }
  world.writes.length = 0;
  world.kvsMock.resetHistory();
  world.s3Mock.resetHistory();
  return world;
}

const id = (n: number) => `c0ffee0-${n}`;

describe('the environment', () => {
  const dir = viteBuild('env');

  test('defaults', () => {
    const { config, warnings } = parseEnvironment(env(dir, 7));
    expect(config).toMatchObject<Partial<DeployConfig>>({
      bucket: BUCKET,
      kvsArn: KVS_ARN,
      siteUrl: BASE_URL,
      keep: 10,
      sourceMaps: 'private',
      smokeCommands: [],
      rollbackAlarms: [],
      rollbackWindowMs: 300_000,
      propagationTimeoutMs: 300_000,
      releaseId: id(7),
      buildNumber: 7,
      commit: COMMIT,
      runtimeConfig: undefined,
    });
    expect(warnings).toEqual([]);
    expect(parseEnvironment({ ...env(dir, 7), SPA_SOURCE_DIR: undefined }).config.sourceDir).toBe('.');
  });

  test('every setting read', () => {
    const { config } = parseEnvironment(env(dir, 8, {
      SPA_KEEP_RELEASES: '3',
      SPA_SOURCE_MAPS: 'public',
      SPA_RUNTIME_CONFIG: '{"api":"x"}',
      SPA_RUNTIME_CONFIG_PATH: 'app/config.json',
      SPA_SMOKE_COMMANDS: '["npx playwright test","curl -f \\"$SPA_RELEASE_URL\\""]',
      SPA_ROLLBACK_ALARMS: '["errors"]',
      SPA_ROLLBACK_WINDOW_SECONDS: '60',
      SPA_PROPAGATION_TIMEOUT_SECONDS: '30',
      SPA_HASHED_PATTERN: '^static/.+\\.[0-9a-f]{8}\\.js$',
      SPA_SITE_URL: 'https://d111111abcdef8.cloudfront.net/',
    }));
    expect(config).toMatchObject({
      keep: 3,
      sourceMaps: 'public',
      runtimeConfig: { path: 'app/config.json', json: '{"api":"x"}' },
      smokeCommands: ['npx playwright test', 'curl -f "$SPA_RELEASE_URL"'],
      rollbackAlarms: ['errors'],
      rollbackWindowMs: 60_000,
      propagationTimeoutMs: 30_000,
      hashedPattern: '^static/.+\\.[0-9a-f]{8}\\.js$',
      siteUrl: 'https://d111111abcdef8.cloudfront.net',
    });
  });

  test('a source version that is not a git commit gets a stable hex tag; the manifest keeps it whole', () => {
    const version = 'Xy3.kLm_9QzA';
    const a = parseEnvironment({ ...env(dir, 5), CODEBUILD_RESOLVED_SOURCE_VERSION: version }).config;
    expect(a.releaseId).toMatch(/^[0-9a-f]{7}-5$/);
    expect(a.commit).toBe(version);
    expect(parseEnvironment({ ...env(dir, 5), CODEBUILD_RESOLVED_SOURCE_VERSION: version }).config.releaseId).toBe(a.releaseId);
  });

  test('the pipeline\'s source revision (SPA_SOURCE_VERSION) names the release; CodeBuild\'s variable is the fallback', () => {
    const fromPipeline = parseEnvironment({ ...env(dir, 5), SPA_SOURCE_VERSION: '1234567890abcdef1234567890abcdef12345678' }).config;
    expect(fromPipeline).toMatchObject({ releaseId: '1234567-5', commit: '1234567890abcdef1234567890abcdef12345678' });
    const { config, warnings } = parseEnvironment({ ...env(dir, 5), SPA_SOURCE_VERSION: '' });
    expect(config.commit).toBe(COMMIT);
    expect(warnings).toEqual([]);
    const noVersion: NodeJS.ProcessEnv = { ...env(dir, 5) };
    delete noVersion.CODEBUILD_RESOLVED_SOURCE_VERSION;
    expect(() => parseEnvironment(noVersion)).toThrow(/CODEBUILD_RESOLVED_SOURCE_VERSION/);
  });

  test('an unknown SPA_ variable (a typo, a setting of the old script) is warned about', () => {
    const { warnings } = parseEnvironment(env(dir, 1, { SPA_KEEP_RELEASE: '3', SPA_DISTRIBUTION_ID: 'E1', SPA_PROGRAM_URL: 's3://assets/spa-release.js' }));
    expect(warnings.map((w) => w.split(' ').slice(0, 2).join(' '))).toEqual([
      'cdk-ecom-platform:deploy.unknownSetting SPA_DISTRIBUTION_ID',
      'cdk-ecom-platform:deploy.unknownSetting SPA_KEEP_RELEASE',
    ]);
  });

  test.each([
    ['SPA_BUCKET', undefined, /required/],
    ['SPA_BUCKET', 's3://site-bucket', /without s3:\/\//],
    ['SPA_BUCKET', 'Site_Bucket', /not an S3 bucket name/],
    ['SPA_KVS_ARN', undefined, /required/],
    ['SPA_KVS_ARN', 'arn:aws:cloudfront::111122223333:distribution/E1', /KeyValueStore ARN/],
    ['SPA_SITE_URL', undefined, /required/],
    ['SPA_SITE_URL', 'd111111abcdef8.cloudfront.net', /not a URL/],
    ['SPA_SITE_URL', 'http://d111111abcdef8.cloudfront.net', /not an https URL/],
    ['SPA_SITE_URL', 'https://example.com/app', /a path/],
    ['SPA_SOURCE_DIR', '/nonexistent/dist', /not a directory/],
    ['SPA_HASHED_PATTERN', '(assets/', /not a regular expression/],
    ['SPA_HASHED_PATTERN', '.*', /matches index.html/],
    ['SPA_KEEP_RELEASES', '0', /1 to 1000/],
    ['SPA_KEEP_RELEASES', ' 3', /whole number/],
    ['SPA_KEEP_RELEASES', '1e3', /whole number/],
    ['SPA_SOURCE_MAPS', 'yes', /"private" or "public"/],
    ['SPA_RUNTIME_CONFIG', '[1]', /JSON object/],
    ['SPA_RUNTIME_CONFIG', '{bad', /not valid JSON/],
    ['SPA_RUNTIME_CONFIG_PATH', '../x.json', /"\.\." segment/],
    ['SPA_RUNTIME_CONFIG_PATH', 'index.html', /entry page/],
    ['SPA_RUNTIME_CONFIG_PATH', 'releases/config.json', /reserved/],
    ['SPA_RUNTIME_CONFIG_PATH', 'assets/config-ABCDEFGH.json', /SPA_HASHED_PATTERN/],
    ['SPA_SMOKE_COMMANDS', 'npx playwright test', /not valid JSON/],
    ['SPA_SMOKE_COMMANDS', '"npx playwright test"', /JSON array/],
    ['SPA_SMOKE_COMMANDS', '[""]', /non-empty string/],
    ['SPA_SMOKE_COMMANDS', '[1]', /non-empty string/],
    ['SPA_ROLLBACK_ALARMS', '["a","a"]', /listed twice/],
    ['SPA_ROLLBACK_ALARMS', JSON.stringify(Array.from({ length: 101 }, (_, i) => `a${i}`)), /at most 100/],
    ['SPA_ROLLBACK_WINDOW_SECONDS', '0', /1 to 3600/],
    ['SPA_PROPAGATION_TIMEOUT_SECONDS', '3601', /1 to 3600/],
    ['CODEBUILD_RESOLVED_SOURCE_VERSION', undefined, /required/],
    ['CODEBUILD_BUILD_NUMBER', undefined, /required/],
    ['CODEBUILD_BUILD_NUMBER', '007', /leading zeros/],
  ])('%s=%j is refused naming the variable, the value and a fix, on one line', (name, value, problem) => {
    const e = { ...env(dir, 1), [name]: value };
    let error: unknown;
    try {
      parseEnvironment(e);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message.startsWith(`${name}=${value === undefined ? '(unset)' : JSON.stringify(value)}: `)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toContain('Fix: ');
    expect(message).not.toContain('\n');
  });

  test('exit 2 with no environment, a wrong command or a bad build output, and no AWS call', async () => {
    const world = new World();
    expect((await run(world, {})).code).toBe(EXIT.badInput);
    expect((await run(world, {})).lastError).toBe('SPA_BUCKET=(unset): required. Fix: set it to the hosting bucket\'s name');
    let stderr = '';
    expect(await main([], env(dir, 1), { clients: world.clients(), stderr: (t) => { stderr += t; } })).toBe(EXIT.badInput);
    expect(await main(['deploy', '--now'], env(dir, 1), { clients: world.clients(), stderr: (t) => { stderr += t; } })).toBe(EXIT.badInput);
    expect(stderr).toMatch(/usage: node spa-release.js deploy/);
    const linked = viteBuild('linked');
    symlinkSync('/etc/passwd', path.join(linked, 'secrets.txt'));
    const r = await run(world, env(linked, 1));
    expect(r.code).toBe(EXIT.badInput);
    expect(r.lastError).toMatch(/^SPA_SOURCE_DIR=".*": build file "secrets.txt" is a symbolic link/);
    expect(world.s3Mock.calls()).toHaveLength(0);
    expect(world.kvsMock.calls()).toHaveLength(0);
    expect(world.fetches).toEqual([]);
  });
});

describe('a deploy', () => {
  test('uploads, checks pinned, goes live with one write, is served, prunes; the summary has the numbers', async () => {
    const world = await worldWith(2);
    const r = await run(world, env(viteBuild('v3'), 3, { SPA_KEEP_RELEASES: '1' }));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: EXIT.live, stderr: '' });
    expect(world.keys.get(KVS_KEYS.live)).toBe(id(3));
    expect(world.keys.get(KVS_KEYS.previous)).toBe(id(2));
    // Order of writes: uploads, then the one store write, then pruning (v1: neither newest, live nor previous).
    const phases = world.writes.map((w) => (w.service === 'kvs' ? 1 : w.op === 'DeleteObjects' ? 2 : 0));
    expect(phases).toEqual([...phases].sort());
    expect(world.kvsWrites().map((w) => w.op)).toEqual(['UpdateKeys', 'UpdateKeys']);
    expect(world.objects.has(manifestKey(id(1)))).toBe(false);
    expect(r.stdout).toMatch(/summary:\n {2}release {14}c0ffee0-3\n {2}uploaded {13}\d+ objects, \d+ bytes\n {2}assets skipped {7}1 \(already in the bucket\)\n {2}smoke check {10}\d+ ms\n {2}last upload to live {2}\d+ ms to the switch, \d+ ms to served\n {2}propagation {10}\d+ ms\n {2}pruned {15}1 releases \(c0ffee0-1\), \d+ objects\n$/);
  });

  test('the first deploy creates the pin token; the check waits (bounded) until the edge honours it', async () => {
    const world = new World();
    const clients = world.clients();
    let tokenSeenAt: number | undefined;
    // The edge learns the token 3 s after it is written: until then it ignores the pin headers (403: no live release).
    const lagging: ReleaseClients = {
      ...clients,
      fetch: async (input, init) => {
        const token = world.keys.get(KVS_KEYS.pinToken);
        tokenSeenAt ??= token === undefined ? undefined : world.time;
        const headers = new Headers(init?.headers);
        if (tokenSeenAt === undefined || world.time < tokenSeenAt + 3_000) {
          headers.delete(PIN_HEADERS.token);
        }
        return clients.fetch(input, { ...init, headers });
      },
    };
    const r = await run(world, env(viteBuild('v1'), 1), {}, lagging);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: EXIT.live, stderr: '' });
    expect(r.stdout).toMatch(/smoke check: \d+ requests, [3-4]\d{3} ms waiting for the pinned release: passed/);
    expect(world.kvsWrites().map((w) => w.op)).toEqual(['PutKey', 'UpdateKeys']);
  });

  test('a pinned release that never answers fails the check after the bound, and is discarded', async () => {
    const world = await worldWith(1);
    const clients = world.clients();
    const ignoringPins: ReleaseClients = { ...clients, fetch: async (input) => clients.fetch(input) };
    const r = await run(world, env(viteBuild('v2'), 2, { SPA_PROPAGATION_TIMEOUT_SECONDS: '20' }), {}, ignoringPins);
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toMatch(/release c0ffee0-2 failed its smoke check and was discarded; the live release is unchanged: entry: the page served is not release c0ffee0-2's index.html/);
    expect(world.kvsWrites()).toEqual([]);
  });

  test('a failed smoke check: exit 1, store untouched, its manifest and own files gone, shared assets kept, not listed', async () => {
    const world = await worldWith(1);
    const dir = viteBuild('v2');
    const entryScript = readFileSync(path.join(dir, 'index.html'), 'utf-8').match(/src="\/(assets\/index-[^"]+\.js)"/)![1];
    world.broken.add(entryScript);
    const keysBefore = new Map(world.keys);
    const r = await run(world, env(dir, 2));
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toBe(`release ${id(2)} failed its smoke check and was discarded; the live release is unchanged: script /${entryScript}: HTTP 403 (expected 200)`);
    expect(world.kvsWrites()).toEqual([]);
    expect(world.keys).toEqual(keysBefore);
    const deletes = world.writes.filter((w) => w.op === 'DeleteObjects').map((w) => w.key);
    expect(deletes[0]).toBe(manifestKey(id(2))); // the manifest first
    expect(deletes.every((k) => k === manifestKey(id(2)) || k.startsWith(releasePrefix(id(2))))).toBe(true);
    expect([...world.objects.keys()].filter((k) => k.startsWith(releasePrefix(id(2))))).toEqual([]);
    expect(world.objects.has('assets/vendor-AAAAAAAA.js')).toBe(true); // shared with v1
    expect(world.objects.has(entryScript)).toBe(true); // its own hashed assets are left to prune's age rule
    expect((await listReleases(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN })).releases.map((x) => x.manifest.id)).toEqual([id(1)]);
    expect(r.stdout).not.toMatch(/last upload to live/);
  });

  test('smoke commands run with bash after the built-in check, with the release URL, id, header names and token', async () => {
    const world = await worldWith(1);
    const scratchDir = mkdtempSync(path.join(tmpdir(), 'smoke-'));
    scratch.push(scratchDir);
    const out = path.join(scratchDir, 'env.txt');
    const commands = [`printf '%s\\n' "$SPA_RELEASE_URL" "$SPA_RELEASE_ID" "$SPA_RELEASE_HEADER_NAME" "$SPA_RELEASE_TOKEN_HEADER_NAME" "$SPA_RELEASE_TOKEN" > ${out}`, 'echo second'];
    const r = await run(world, env(viteBuild('v2'), 2, { SPA_SMOKE_COMMANDS: JSON.stringify(commands) }), { runCommand: undefined });
    expect(r.code).toBe(EXIT.live);
    expect(readFileSync(out, 'utf-8').split('\n')).toEqual([BASE_URL, id(2), 'x-spa-release', 'x-spa-release-token', world.keys.get(KVS_KEYS.pinToken), '']);
    expect(r.stdout).toMatch(/smoke command 2\/2: echo second\nsecond\n/);
  });

  test('a smoke command that exits non-zero fails the check: the next command is not run, nothing goes live', async () => {
    const world = await worldWith(1);
    const ran: string[] = [];
    const r = await run(world, env(viteBuild('v2'), 2, { SPA_SMOKE_COMMANDS: '["exit 3","echo never"]' }), {
      runCommand: async (command) => {
        ran.push(command);
        return command === 'exit 3' ? 3 : 0;
      },
    });
    expect(r.code).toBe(EXIT.failed);
    expect(ran).toEqual(['exit 3']);
    expect(r.lastError).toMatch(/failed its smoke check and was discarded; the live release is unchanged: smoke command 1 \("exit 3"\) exited with 3$/);
    expect(world.keys.get(KVS_KEYS.live)).toBe(id(1));
    expect(world.objects.has(manifestKey(id(2)))).toBe(false);
  });

  test('a retry of a deploy that already went live: exit 0, no store write', async () => {
    const world = await worldWith(2);
    const r = await run(world, env(viteBuild('v2'), 2));
    expect(r.code).toBe(EXIT.live);
    expect(world.kvsWrites()).toEqual([]);
  });

  test('not served within the propagation bound: exit 1 saying so (the store was written)', async () => {
    const world = await worldWith(1);
    const clients = world.clients();
    const stale: ReleaseClients = {
      ...clients,
      fetch: async (input, init) => (new Headers(init?.headers).has(PIN_HEADERS.token) ? clients.fetch(input, init) : new Response('old', { status: 200 })),
    };
    const r = await run(world, env(viteBuild('v2'), 2, { SPA_PROPAGATION_TIMEOUT_SECONDS: '10' }), {}, stale);
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toMatch(/release c0ffee0-2 is live in the store but .* did not serve it within 10 s/);
    expect(world.keys.get(KVS_KEYS.live)).toBe(id(2));
  });

  test('a failed prune is a warning: the release is live, exit 0', async () => {
    const world = await worldWith(2);
    world.s3Mock.on(DeleteObjectsCommand).rejects(new Error('AccessDenied'));
    const r = await run(world, env(viteBuild('v3'), 3, { SPA_KEEP_RELEASES: '1' }));
    expect(r.code).toBe(EXIT.live);
    expect(r.stdout).toMatch(/WARNING: pruning failed \(AccessDenied\)/);
  });

  test('an AWS error before the check: exit 1 with the error, the unchecked release discarded', async () => {
    const world = await worldWith(1);
    const clients = world.clients();
    let describes = 0;
    world.kvsMock.on(GetKeyCommand).callsFake(() => {
      describes++;
      throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    });
    const r = await run(world, env(viteBuild('v2'), 2), {}, clients);
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toBe('deploy failed: AccessDeniedException: User is not authorized');
    expect(describes).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/WARNING: release c0ffee0-2 could not be discarded/);
  });
});

describe('discardRelease', () => {
  test('never deletes the live or previous release (a retried deploy of a release that went live)', async () => {
    const world = await worldWith(2);
    for (const n of [1, 2]) {
      expect(await discardRelease(world.clients(), { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: id(n) }))
        .toMatchObject({ discarded: false, keptBecause: `the store names it ${n === 2 ? 'live' : 'previous'}` });
    }
    expect(world.writes).toEqual([]);
  });
});

describe('automatic rollback', () => {
  const WINDOW = { SPA_ROLLBACK_ALARMS: '["app-errors","app-latency"]', SPA_ROLLBACK_WINDOW_SECONDS: '120' };

  test('an unknown alarm name: exit 2 before anything is uploaded', async () => {
    const world = await worldWith(1);
    const cw = cloudwatch(() => [alarm('app-errors', 'OK')]);
    const r = await run(world, env(viteBuild('v2'), 2, WINDOW), { cloudwatch: cw.client });
    expect(r.code).toBe(EXIT.badInput);
    expect(r.lastError).toMatch(/^SPA_ROLLBACK_ALARMS=.*no CloudWatch alarm named "app-latency"/);
    expect(world.writes).toEqual([]);
  });

  test('no alarm within the window: polled every 15 s over it, then pruned, exit 0', async () => {
    const world = await worldWith(1);
    const cw = cloudwatch(() => [alarm('app-errors', 'OK'), alarm('app-latency', 'INSUFFICIENT_DATA')]);
    const r = await run(world, env(viteBuild('v2'), 2, WINDOW), { cloudwatch: cw.client });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: EXIT.live, stderr: '' });
    // existence check, baseline, then the watch: 120 s from the switch at 15 s intervals (the first poll comes
    // a few fake seconds after the switch, once the release is served).
    expect(cw.polls() - 2).toBeGreaterThanOrEqual(8);
    expect(cw.polls() - 2).toBeLessThanOrEqual(9);
    expect(r.stdout).toMatch(/no alarm went into ALARM within 120 s/);
  });

  test('an alarm goes into ALARM: one store write back to the previous release, served, exit 1 naming both', async () => {
    const world = await worldWith(1);
    const cw = cloudwatch((poll) => [alarm('app-errors', poll >= 5 ? 'ALARM' : 'OK', poll >= 5 ? world.time : 0), alarm('app-latency', 'OK')]);
    const r = await run(world, env(viteBuild('v2'), 2, WINDOW), { cloudwatch: cw.client });
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toMatch(/^alarm "app-errors" went into ALARM \d+ ms after release c0ffee0-2 went live: rolled back to c0ffee0-1 \(served after \d+ ms\)$/);
    expect(world.kvsWrites().map((w) => [w.op, w.key])).toEqual([
      ['UpdateKeys', KVS_KEYS.live], ['UpdateKeys', KVS_KEYS.previous], // going live
      ['UpdateKeys', KVS_KEYS.live], ['UpdateKeys', KVS_KEYS.previous], // rolling back: one call
    ]);
    expect(world.kvsMock.commandCalls(UpdateKeysCommand)).toHaveLength(2);
    expect(world.keys.get(KVS_KEYS.live)).toBe(id(1));
    expect(/<!-- (v\d) -->/.exec(await (await world.clients().fetch(`${BASE_URL}/orders`)).text())?.[1]).toBe('v1');
    expect(r.stdout).toMatch(/rolled back to {7}c0ffee0-1/);
    expect(world.writes.some((w) => w.op === 'DeleteObjects')).toBe(false); // no prune after a rollback
  });

  test('an alarm already in ALARM before going live does not block the deploy or trigger alone; a new transition does', async () => {
    const world = await worldWith(1);
    const quiet = cloudwatch(() => [alarm('app-errors', 'ALARM', 1000), alarm('app-latency', 'OK')]);
    const r = await run(world, env(viteBuild('v2'), 2, WINDOW), { cloudwatch: quiet.client });
    expect(r.code).toBe(EXIT.live);
    expect(r.stdout).toMatch(/WARNING: cdk-ecom-platform:deploy.alarmBeforeLive alarm "app-errors" is already in ALARM before going live/);

    const again = cloudwatch((poll) => [alarm('app-errors', 'ALARM', poll >= 4 ? world.time : 1000), alarm('app-latency', 'OK')]);
    const r3 = await run(world, env(viteBuild('v3'), 3, WINDOW), { cloudwatch: again.client });
    expect(r3.code).toBe(EXIT.failed);
    expect(r3.lastError).toMatch(/rolled back to c0ffee0-2/);
  });

  test('nothing to roll back to (the first release): exit 1, it stays live', async () => {
    const world = new World();
    const cw = cloudwatch((poll) => [alarm('app-errors', poll >= 3 ? 'ALARM' : 'OK', poll), alarm('app-latency', 'OK')]);
    const r = await run(world, env(viteBuild('v1'), 1, WINDOW), { cloudwatch: cw.client });
    expect(r.code).toBe(EXIT.failed);
    expect(r.lastError).toMatch(/no earlier release to roll back to: c0ffee0-1 stays live/);
    expect(world.keys.get(KVS_KEYS.live)).toBe(id(1));
  });

  test('a bucket deployed before releases: the root is adopted as root-0 first; an alarm rolls back to it', async () => {
    const world = new World();
    world.objects.set('index.html', { body: Buffer.from('<!doctype html><script src="/assets/app-OLD00000.js"></script><!-- v0 -->'), lastModified: 0, contentType: 'text/html' });
    world.objects.set('assets/app-OLD00000.js', { body: Buffer.from('old()'), lastModified: 0, contentType: 'text/javascript' });
    const cw = cloudwatch((poll) => [alarm('app-errors', poll >= 3 ? 'ALARM' : 'OK', poll), alarm('app-latency', 'OK')]);
    const r = await run(world, env(viteBuild('v1'), 1, WINDOW), { cloudwatch: cw.client });
    expect(r.code).toBe(EXIT.failed);
    expect(r.stdout).toMatch(/ {2}adopted the root as  root-0 \(1 objects copied server-side\)/);
    expect(r.lastError).toMatch(/rolled back to root-0 \(served after \d+ ms\)$/);
    expect(world.keys.get(KVS_KEYS.live)).toBe('root-0');
    expect(/<!-- (v\d) -->/.exec(await (await world.clients().fetch(`${BASE_URL}/orders`)).text())?.[1]).toBe('v0');
    expect(world.objects.has('index.html')).toBe(true); // the root itself is only read
  });

  test('switchLive with expectedLive writes nothing when another switch came first', async () => {
    const world = await worldWith(3);
    await expect(switchLive(world.clients(), KVS_ARN, id(1), { expectedLive: id(2) })).rejects.toThrow(/the live release is c0ffee0-3, not c0ffee0-2/);
    expect(world.writes).toEqual([]);
  });
});
