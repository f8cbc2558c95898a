// End to end: the release module with the real AWS SDK v3 clients over HTTP: S3 is moto_server, the
// KeyValueStore is the stand-in (kvs-standin.ts), and "the distribution" is a small HTTP server routing like
// the hosting's CloudFront Function will (the contract in src/release/README.md): it reads the live release
// and the pin token as an edge sees them (the stand-in's propagation delay) and serves from moto's bucket.
// Three releases go live, a broken one is stopped by the smoke check, a rollback and a roll forward each
// write the store once and S3 never, and pruning keeps what the kept releases (and open tabs) need.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import { AddressInfo, createServer } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  CloudFrontKeyValueStoreClient, ConflictException, DescribeKeyValueStoreCommand, GetKeyCommand, ListKeysCommand, PutKeyCommand,
  ResourceNotFoundException, UpdateKeysCommand, ValidationException,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localhostPreload, programBundle } from './harness';
import { KvsStandin } from './kvs-standin';
import { listObjects } from '../../src/release/bucket';
import { ReleaseClients, SDK_RETRY, defaultReleaseClients } from '../../src/release/clients';
import { ENTRY_FILE, KVS_KEYS, PIN_HEADERS, ReleaseError, ReleaseManifest, manifestKey, releasePrefix } from '../../src/release/contract';
import { DeployResult, deployRelease } from '../../src/release/deploy';
import { discardRelease } from '../../src/release/discard';
import { HashedPaths } from '../../src/release/hashed-paths';
import { ensurePinToken, goLive } from '../../src/release/live-store';
import { prune } from '../../src/release/prune';
import { listReleases, rollback } from '../../src/release/releases';
import { SmokeCheckResult, smokeCheck } from '../../src/release/smoke-check';
import { WaitUntilLiveResult, waitUntilLive } from '../../src/release/wait-live';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const BUCKET = 'site-bucket';
const SPARE_BUCKET = 'spare-bucket';
const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
/** A second store, for the API checks and the pin-token race, so the releases' store only sees the module. */
const SPARE_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/spare-0000-1111-2222-333344445555';
/** How long a store write takes to reach "the edge": real KVS propagation is "within seconds". */
const PROPAGATION_MS = 300;

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
// Without moto_server (pip install 'moto[server]') the suite is skipped locally; in CI its absence fails.
const describeE2e = hasMoto || process.env.CI ? describe : describe.skip;

let moto: { process: ChildProcess; endpoint: string } | undefined;
let standin: KvsStandin;
let distribution: http.Server;
let baseUrl: string;
/** The store and bucket the distribution reads. */
let serving = { arn: KVS_ARN, bucket: BUCKET };
/** Every request the module's S3 client sent (each attempt), as `METHOD /path?query`. */
const s3Requests: string[] = [];
const timings: string[] = [];
const builds: string[] = [];
let clients: ReleaseClients;
/** The distribution's own S3 client (its origin requests aren't the module's). */
let originS3: S3Client;

describeE2e('releases end to end: moto S3, the KeyValueStore stand-in, the real SDK clients', () => {
  beforeAll(async () => {
    const started = Date.now();
    [moto, standin] = await Promise.all([startMoto(), KvsStandin.start({ propagationMs: PROPAGATION_MS })]);
    standin.createStore(KVS_ARN);
    standin.createStore(SPARE_ARN);
    distribution = http.createServer((req, res) => {
      route(req, res).catch((error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => distribution.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(distribution.address() as AddressInfo).port}`;
    clients = releaseClients();
    originS3 = new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: moto!.endpoint, forcePathStyle: true });
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await clients.s3.send(new CreateBucketCommand({ Bucket: SPARE_BUCKET }));
    timings.push(`servers up: ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    distribution?.closeAllConnections();
    await new Promise<void>((resolve) => (distribution ? distribution.close(() => resolve()) : resolve()));
    await standin?.close();
    clients?.s3.destroy();
    originS3?.destroy();
    cloudwatchClient?.destroy();
    stopMoto();
    for (const dir of builds) {
      rmSync(dir, { recursive: true, force: true });
    }
    // eslint-disable-next-line no-console
    console.log(`release e2e timings:\n  ${timings.join('\n  ')}`);
  });

  test('the stand-in speaks the KeyValueStore API to the real client: SigV4A, ETags, the modeled errors', async () => {
    const kvs = clients.kvs;
    const { ETag: etag } = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: SPARE_ARN }));
    const put = await kvs.send(new PutKeyCommand({ KvsARN: SPARE_ARN, Key: 'a', Value: '1', IfMatch: etag }));
    expect(put.ETag).not.toEqual(etag);
    await expect(kvs.send(new PutKeyCommand({ KvsARN: SPARE_ARN, Key: 'b', Value: '2', IfMatch: etag }))).rejects.toBeInstanceOf(ConflictException);
    await expect(kvs.send(new GetKeyCommand({ KvsARN: SPARE_ARN, Key: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: SPARE_ARN.replace('spare', 'gone0') })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(kvs.send(new PutKeyCommand({ KvsARN: SPARE_ARN, Key: 'k'.repeat(513), Value: '1', IfMatch: put.ETag })))
      .rejects.toBeInstanceOf(ValidationException);
    await expect(kvs.send(new PutKeyCommand({ KvsARN: SPARE_ARN, Key: 'k', Value: 'v'.repeat(1025), IfMatch: put.ETag })))
      .rejects.toBeInstanceOf(ValidationException);
    // All or nothing: one bad item and nothing of the request is applied.
    await expect(kvs.send(new UpdateKeysCommand({
      KvsARN: SPARE_ARN, IfMatch: put.ETag, Puts: [{ Key: 'c', Value: '3' }, { Key: 'd', Value: 'v'.repeat(1025) }],
    }))).rejects.toBeInstanceOf(ValidationException);
    await kvs.send(new UpdateKeysCommand({ KvsARN: SPARE_ARN, IfMatch: put.ETag, Puts: [{ Key: 'k'.repeat(512), Value: 'v'.repeat(1024) }, { Key: 'e', Value: '' }], Deletes: [{ Key: 'a' }] }));
    const first = await kvs.send(new ListKeysCommand({ KvsARN: SPARE_ARN, MaxResults: 1 }));
    const second = await kvs.send(new ListKeysCommand({ KvsARN: SPARE_ARN, MaxResults: 1, NextToken: first.NextToken }));
    expect([...first.Items!, ...second.Items!].map((i) => i.Key)).toEqual(['e', 'k'.repeat(512)]);
    expect(second.NextToken).toBeUndefined();
    expect(standin.items(SPARE_ARN)).toEqual({ e: '', ['k'.repeat(512)]: 'v'.repeat(1024) });
    const spare = standin.requests.filter((r) => r.arn === SPARE_ARN);
    expect(new Set(spare.map((r) => r.signature))).toEqual(new Set(['AWS4-ECDSA-P256-SHA256']));
    expect(new Set(spare.map((r) => r.regionSet))).toEqual(new Set(['*']));
  });

  // The pin token is created by the first deploy; the check then pins through the edge, which only knows the
  // token once the write has propagated. The check keeps asking (bounded) until the pinned release answers.
  test('a check right after the pin token is created waits until the token reaches the edge, then passes', async () => {
    serving = { arn: SPARE_ARN, bucket: SPARE_BUCKET };
    standin.propagationMs = 1_500; // far longer than one round of the check takes, even on a slow machine
    try {
      const build = fixtureBuild(9);
      const deployed = await deployRelease(clients, { bucket: SPARE_BUCKET, sourceDir: build.dir, commit: commitOf(9), buildNumber: 9 });
      const pinToken = await ensurePinToken(clients, SPARE_ARN);
      expect(standin.edgeGet(SPARE_ARN, KVS_KEYS.pinToken)).toBeUndefined();
      const check = await smokeCheck(clients, {
        baseUrl, releaseId: deployed.manifest.id, pinToken, entryMd5: entryMd5(deployed.manifest), retries: 0, pinIntervalMs: 100,
      });
      expect(check).toMatchObject({ ok: true, reasons: [] });
      expect(check.pinWaitMs).toBeGreaterThanOrEqual(1_000);
      expect(check.requests.filter((r) => r.kind === 'entry')).toHaveLength(1); // only the answer judged is recorded
      // Without the wait (pinWaitMs 0) a token the edge doesn't know yet fails the check: what the deploy did before.
      standin.propagationMs = 60_000;
      const early = await smokeCheck(clients, {
        baseUrl, releaseId: deployed.manifest.id, pinToken, entryMd5: entryMd5(deployed.manifest), pinWaitMs: 0,
      });
      expect(early.ok).toBe(false);
      expect(early.reasons.join('\n')).toMatch(/entry \/: HTTP 404|not release/);
    } finally {
      serving = { arn: KVS_ARN, bucket: BUCKET };
      standin.propagationMs = PROPAGATION_MS;
    }
  });

  let r1: Shipped;
  let r2: Shipped;
  let r3: Shipped;
  let tabOnRelease1: Tab;

  test('release 1 on an empty bucket and store: uploaded, checked pinned, live with one store write, served', async () => {
    r1 = await ship(1);
    expect(r1.check).toMatchObject({ ok: true, reasons: [] });
    expect(r1.check.requests.map((r) => r.kind).sort()).toEqual(['deep link', 'entry', 'modulepreload', 'script']);
    expect(r1.deployed).toMatchObject({ uploadedObjects: 7, skippedAssets: 0 }); // 3 assets, 3 release files, the manifest
    expect(r1.storeWrites.map((w) => w.op)).toEqual(['PutKey', 'UpdateKeys']); // the pin token (first deploy only), the switch
    expect(r1.wait).toMatchObject({ live: true });
    expect(r1.wait.propagationMs).toBeGreaterThanOrEqual(PROPAGATION_MS - 50);
    expect(r1.wait.polls).toBeGreaterThan(1);
    await expectServed(1);
    tabOnRelease1 = await openTab();
    expect(tabOnRelease1.release).toBe(1);
  });

  test('release 2: the shared vendor chunk is not uploaded again; a throttled switch is retried by the SDK', async () => {
    standin.inject('UpdateKeys', 'ThrottlingException', 400);
    r2 = await ship(2);
    expect(r2.check.ok).toBe(true);
    expect(r2.deployed).toMatchObject({ uploadedObjects: 6, skippedAssets: 1 });
    expect(r2.s3Writes.some((w) => w.includes('/assets/vendor-'))).toBe(false);
    expect(r2.storeWrites.map((w) => w.op)).toEqual(['UpdateKeys']);
    expect(standin.requests.filter((r) => r.op === 'UpdateKeys' && r.error === 'ThrottlingException')).toHaveLength(1);
    expect(standin.items(KVS_ARN)).toMatchObject({ [KVS_KEYS.live]: r2.id, [KVS_KEYS.previous]: r1.id });
    await expectServed(2);
  });

  test('release 3 live: a tab opened on release 1 still loads its lazy chunk', async () => {
    r3 = await ship(3);
    expect(r3.wait.live).toBe(true);
    await expectServed(3);
    expect(await tabOnRelease1.loadLazy()).toEqual({ status: 200, text: 'export default "lazy chunk of release 1";\n' });
  });

  test('a broken release (its entry script is missing) fails the check and never goes live; the store is untouched', async () => {
    const before = { items: standin.items(KVS_ARN), etag: standin.etag(KVS_ARN), writes: standin.writes().length };
    const build = fixtureBuild(4, { omitEntry: true });
    const deployed = await deployRelease(clients, { bucket: BUCKET, sourceDir: build.dir, commit: commitOf(4), buildNumber: 4 });
    const pinToken = await ensurePinToken(clients, KVS_ARN);
    const check = await smokeCheck(clients, { baseUrl, releaseId: deployed.manifest.id, pinToken, entryMd5: entryMd5(deployed.manifest) });
    expect(check.ok).toBe(false);
    expect(check.reasons).toEqual([`script /${build.entry}: HTTP 404 (expected 200)`]);
    await expect(goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: deployed.manifest.id, check }))
      .rejects.toThrow(new ReleaseError(`release ${deployed.manifest.id} failed its smoke check; the live release is unchanged:\n  ${check.reasons[0]}`));
    const discarded = await discardRelease(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: deployed.manifest.id });
    expect(discarded.deleted[0]).toBe(manifestKey(deployed.manifest.id));
    expect({ items: standin.items(KVS_ARN), etag: standin.etag(KVS_ARN), writes: standin.writes().length }).toEqual(before);
    const keys = new Set((await listObjects(clients.s3, BUCKET)).map((o) => o.key));
    expect([...keys].filter((k) => k.startsWith(releasePrefix(deployed.manifest.id)))).toEqual([]);
    expect(r3.manifest.assets.every((a) => keys.has(a))).toBe(true);
    expect((await listReleases(clients, { bucket: BUCKET, kvsArn: KVS_ARN })).releases.map((r) => r.manifest.id)).not.toContain(deployed.manifest.id);
    await expectServed(3);
  });

  // Rollbacks run as the CLI runs them: a new process, so new clients (the deploy's KVS client still slows
  // itself down after release 2's throttling: the adaptive retry mode's client-side rate limit).
  test('rollback to release 1: one store write, no S3 write, served after propagation', async () => {
    const cli = releaseClients();
    const { result, s3Writes: s3Written, storeWrites, ms } = await measured(() => rollback(cli, { bucket: BUCKET, kvsArn: KVS_ARN, to: r1.id }));
    expect(result).toMatchObject({ live: r1.id, previous: r3.id, changed: true });
    expect(s3Written).toEqual([]);
    expect(storeWrites).toEqual([expect.objectContaining({ op: 'UpdateKeys', changed: [KVS_KEYS.live, KVS_KEYS.previous] })]);
    const wait = await waitUntilServed(r1.manifest, result.switchedAt);
    expect(wait.live).toBe(true);
    timings.push(`rollback to ${r1.id}: switch ${ms} ms, served after ${wait.propagationMs} ms more (${wait.polls} polls)`);
    cli.s3.destroy();
    await expectServed(1);
  });

  test('roll forward (rollback to the previous release, release 3): one store write, no S3 write', async () => {
    const cli = releaseClients();
    const { result, s3Writes: s3Written, storeWrites, ms } = await measured(() => rollback(cli, { bucket: BUCKET, kvsArn: KVS_ARN }));
    expect(result).toMatchObject({ live: r3.id, previous: r1.id, changed: true });
    expect(s3Written).toEqual([]);
    expect(storeWrites).toHaveLength(1);
    const wait = await waitUntilServed(r3.manifest, result.switchedAt);
    expect(wait.live).toBe(true);
    timings.push(`roll forward to ${r3.id}: switch ${ms} ms, served after ${wait.propagationMs} ms more (${wait.polls} polls)`);
    cli.s3.destroy();
    await expectServed(3);
  });

  test('pruning to 1 release keeps live, previous and newest with every file they need; open tabs keep working', async () => {
    const started = Date.now();
    const plan = await prune(clients, { bucket: BUCKET, kvsArn: KVS_ARN, keep: 1 });
    timings.push(`prune: ${Date.now() - started} ms, ${plan.deletes.length} objects deleted`);
    expect(plan.kept).toEqual([r1.id, r3.id].sort()); // previous and live (r3 is also the newest: the broken one was discarded)
    expect(plan.pruned).toEqual([r2.id]);
    const keys = new Set((await listObjects(clients.s3, BUCKET)).map((o) => o.key));
    expect([...keys].filter((k) => k.startsWith(releasePrefix(r2.id)))).toEqual([]);
    const { releases } = await listReleases(clients, { bucket: BUCKET, kvsArn: KVS_ARN });
    expect(releases.map((r) => [r.manifest.id, r.live, r.previous])).toEqual([[r3.id, true, false], [r1.id, false, true]]);
    for (const { manifest } of releases) {
      const missing = [...manifest.files.map((f) => `${releasePrefix(manifest.id)}${f.path}`), ...manifest.assets].filter((k) => !keys.has(k));
      expect({ id: manifest.id, missing }).toEqual({ id: manifest.id, missing: [] });
    }
    await expectServed(3);
    expect(await tabOnRelease1.loadLazy()).toMatchObject({ status: 200 });
    // Release 1 is still whole: pinned, it passes the check again.
    const pinToken = standin.items(KVS_ARN)[KVS_KEYS.pinToken];
    expect(await smokeCheck(clients, { baseUrl, releaseId: r1.id, pinToken, entryMd5: entryMd5(r1.manifest) })).toMatchObject({ ok: true });
  });

  // The program as the pipeline runs it: the bundle in a child process, configured by the environment only,
  // its SDK clients finding moto and the stand-in through the standard AWS_ENDPOINT_URL_* variables.
  test('the deploy program ships release 5 (the bundle in a child process): exit 0, one store write, served, summary', async () => {
    await cloudwatch().send(new PutMetricAlarmCommand({
      AlarmName: 'app-errors',
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    }));
    const before = { kvs: standin.writes().length };
    const started = Date.now();
    const run = await runProgram(fixtureBuild(5).dir, 5, { SPA_ROLLBACK_ALARMS: '["app-errors"]', SPA_ROLLBACK_WINDOW_SECONDS: '1' });
    timings.push(`program, release 5: ${Date.now() - started} ms wall`);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(standin.writes().slice(before.kvs).map((w) => w.op)).toEqual(['UpdateKeys']);
    expect(run.stdout).toMatch(/summary:\n {2}release {14}[0-9a-f]{7}-5\n {2}uploaded {13}\d+ objects, \d+ bytes\n {2}assets skipped {7}1 /);
    expect(run.stdout).toMatch(/ {2}propagation {10}\d+ ms\n {2}pruned {15}0 releases, \d+ objects\n$/);
    expect(standin.requests.filter((r) => r.signature !== 'AWS4-ECDSA-P256-SHA256')).toEqual([]);
    await expectServed(5);
  });

  test('release 6 trips an alarm after going live: the program rolls back to release 5 with one store write and exits 1', async () => {
    const before = standin.writes().length;
    const started = Date.now();
    const child = runProgram(fixtureBuild(6).dir, 6, { SPA_ROLLBACK_ALARMS: '["app-errors"]', SPA_ROLLBACK_WINDOW_SECONDS: '1' });
    // The error rate climbs as soon as release 6 is live (before the program's first look at the alarm, which
    // comes once the release is served).
    await until(() => standin.writes().length > before, 60_000);
    await cloudwatch().send(new SetAlarmStateCommand({ AlarmName: 'app-errors', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 5xx 12%' }));
    const run = await child;
    timings.push(`program, release 6 rolled back: ${Date.now() - started} ms wall`);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').pop()).toMatch(/^alarm "app-errors" went into ALARM \d+ ms after release [0-9a-f]{7}-6 went live: rolled back to [0-9a-f]{7}-5 \(served after \d+ ms\)$/);
    expect(standin.writes().slice(before).map((w) => [w.op, w.changed])).toEqual([
      ['UpdateKeys', [KVS_KEYS.live, KVS_KEYS.previous]], ['UpdateKeys', [KVS_KEYS.live, KVS_KEYS.previous]],
    ]);
    await expectServed(5);
  });

  test('the program refuses a bad environment with exit 2 before any request', async () => {
    const requests = { kvs: standin.requests.length, s3: s3Requests.length };
    const run = await runProgram(fixtureBuild(7).dir, 7, { SPA_KEEP_RELEASES: 'ten' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('SPA_KEEP_RELEASES="ten": not a whole number from 1 to 1000. Fix: set a decimal number from 1 to 1000, or leave it unset for 10\n');
    expect(standin.requests.length).toBe(requests.kvs);
  });
});

/** What one deploy did, from upload to served. */
interface Shipped {
  readonly id: string;
  readonly manifest: ReleaseManifest;
  readonly deployed: DeployResult;
  readonly check: SmokeCheckResult;
  readonly wait: WaitUntilLiveResult;
  readonly s3Writes: string[];
  readonly storeWrites: ReturnType<KvsStandin['writes']>;
}

/**
 * The deploy program's sequence: upload, pin token, smoke check through the distribution (which waits until
 * the edge knows a new pin token), go live, wait until served.
 */
async function ship(n: number): Promise<Shipped> {
  const build = fixtureBuild(n);
  const s3Before = s3Writes().length;
  const kvsBefore = standin.writes().length;
  const t0 = Date.now();
  const deployed = await deployRelease(clients, { bucket: BUCKET, sourceDir: build.dir, commit: commitOf(n), buildNumber: n });
  const t1 = Date.now();
  const pinToken = await ensurePinToken(clients, KVS_ARN);
  const id = deployed.manifest.id;
  const check = await smokeCheck(clients, { baseUrl, releaseId: id, pinToken, entryMd5: entryMd5(deployed.manifest), pinIntervalMs: 50 });
  const t2 = Date.now();
  const switched = await goLive(clients, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: id, check });
  const wait = await waitUntilServed(deployed.manifest, switched.switchedAt);
  timings.push(`release ${id}: upload ${t1 - t0} ms (${deployed.uploadedObjects} objects, ${deployed.uploadedBytes} bytes, ${deployed.skippedAssets} skipped), `
    + `check ${t2 - t1} ms, switch ${switched.switchedAt - t2} ms, served ${wait.propagationMs} ms after the switch (${wait.polls} polls)`);
  return {
    id,
    manifest: deployed.manifest,
    deployed,
    check,
    wait,
    s3Writes: s3Writes().slice(s3Before),
    storeWrites: standin.writes().slice(kvsBefore),
  };
}

/** waitUntilLive polling every 25 ms for at most 5 s. */
function waitUntilServed(manifest: ReleaseManifest, since: number): Promise<WaitUntilLiveResult> {
  return waitUntilLive(clients, { baseUrl, entryMd5: entryMd5(manifest), since, intervalMs: 25, timeoutMs: 5_000 });
}

/** Runs a step and returns what it wrote to S3 and the store, and its wall time. */
async function measured<T>(step: () => Promise<T>) {
  const s3Before = s3Writes().length;
  const kvsBefore = standin.writes().length;
  const started = Date.now();
  const result = await step();
  return { result, ms: Date.now() - started, s3Writes: s3Writes().slice(s3Before), storeWrites: standin.writes().slice(kvsBefore) };
}

/** The live site serves release `n`: the entry, a deep link, its entry script and its runtime config. */
async function expectServed(n: number): Promise<void> {
  const entry = await get('/');
  expect({ status: entry.status, type: entry.type, release: releaseOfPage(entry.text) }).toEqual({ status: 200, type: 'text/html; charset=utf-8', release: n });
  const deep = await get('/account/orders/42');
  expect({ status: deep.status, release: releaseOfPage(deep.text) }).toEqual({ status: 200, release: n });
  const script = await get(`/${scriptOf(entry.text)}`);
  expect({ status: script.status, type: script.type }).toEqual({ status: 200, type: 'text/javascript; charset=utf-8' });
  expect(script.text).toContain(`window.release = ${n};`);
  const config = await get('/config.json');
  expect({ status: config.status, json: JSON.parse(config.text) }).toEqual({ status: 200, json: { apiUrl: 'https://api.example.com/', release: n } });
  const icon = await get('/favicon.ico');
  expect({ status: icon.status, type: icon.type }).toEqual({ status: 200, type: 'image/vnd.microsoft.icon' });
}

/** A browser tab: the page and entry script it loaded, and the lazy chunk it will import later. */
interface Tab {
  readonly release: number;
  loadLazy(): Promise<{ status: number; text: string }>;
}

async function openTab(): Promise<Tab> {
  const page = await get('/');
  const scriptPath = `/${scriptOf(page.text)}`;
  const script = await get(scriptPath);
  const lazy = /import\("\.\/([^"]+)"\)/.exec(script.text)![1];
  const lazyUrl = new URL(lazy, new URL(scriptPath, baseUrl)).pathname;
  return {
    release: releaseOfPage(page.text),
    loadLazy: async () => {
      const r = await get(lazyUrl);
      return { status: r.status, text: r.text };
    },
  };
}

async function get(pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(pathname, baseUrl), { headers });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

const releaseOfPage = (html: string) => Number(/data-release="(\d+)"/.exec(html)?.[1] ?? NaN);
const scriptOf = (html: string) => /<script type="module" crossorigin src="\/([^"]+)"/.exec(html)![1];
const entryMd5 = (m: ReleaseManifest) => m.files.find((f) => f.path === ENTRY_FILE)!.md5;
const commitOf = (n: number) => createHash('sha1').update(`commit ${n}`).digest('hex');

function s3Writes(): string[] {
  return s3Requests.filter((r) => /^(PUT|POST|DELETE) /.test(r));
}

/**
 * The distribution: what the contract says the routing function does. Hashed paths go to the bucket root
 * unchanged; other paths to the live release's prefix, or to the pinned one when the pin token matches;
 * paths without an extension are the entry page. The store is read as an edge sees it (propagation).
 */
const hashed = new HashedPaths();
async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  let key = decodeURIComponent(url.pathname).slice(1);
  if (!hashed.isHashed(key)) {
    if (!(key.split('/').pop() ?? '').includes('.')) {
      key = ENTRY_FILE;
    }
    const token = standin.edgeGet(serving.arn, KVS_KEYS.pinToken);
    const pinned = req.headers[PIN_HEADERS.release];
    const release = typeof pinned === 'string' && token !== undefined && req.headers[PIN_HEADERS.token] === token
      ? pinned : standin.edgeGet(serving.arn, KVS_KEYS.live);
    if (release !== undefined) {
      key = `${releasePrefix(release)}${key}`;
    }
  }
  // The origin request is signed, as CloudFront's origin access control signs it (moto refuses anonymous reads).
  let status = 200;
  let contentType = 'application/octet-stream';
  let body: Buffer;
  try {
    const object = await originS3.send(new GetObjectCommand({ Bucket: serving.bucket, Key: key }));
    contentType = object.ContentType ?? contentType;
    body = Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 502;
    contentType = 'application/xml';
    body = Buffer.from(`<Error><Code>${(error as Error).name}</Code></Error>`);
  }
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

/** The module's clients as production builds them (SDK_RETRY, SigV4A), pointed at moto and the stand-in. */
function releaseClients(): ReleaseClients {
  const s3 = new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: moto!.endpoint, forcePathStyle: true, ...SDK_RETRY });
  s3.middlewareStack.add((next) => async (args) => {
    const request = args.request as { method: string; path: string; query?: Record<string, unknown> };
    const query = Object.keys(request.query ?? {}).join('&');
    s3Requests.push(`${request.method} ${request.path}${query ? `?${query}` : ''}`);
    return next(args);
  }, { step: 'finalizeRequest', name: 'e2eS3RequestLog' });
  const kvs = new CloudFrontKeyValueStoreClient({ region: REGION, credentials: CREDENTIALS, ...standin.clientConfig(), ...SDK_RETRY });
  return { ...defaultReleaseClients({ region: REGION }), s3, kvs };
}

/**
 * A small Vite-like build: index.html referencing a hashed entry script and a shared vendor chunk (module
 * preload), the entry importing a lazy chunk, a runtime config and a favicon. `omitEntry`: the page references
 * an entry script the build doesn't contain (a broken release).
 */
function fixtureBuild(n: number, options: { omitEntry?: boolean } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'release-e2e-'));
  builds.push(dir);
  const named = (stem: string, text: string) => `assets/${stem}-${createHash('md5').update(text).digest('hex').slice(0, 8)}.js`;
  const vendorText = 'export const vendor = "shared by every release";\n';
  const vendor = named('vendor', vendorText);
  const lazyText = `export default "lazy chunk of release ${n}";\n`;
  const lazy = named('lazy', lazyText);
  const entryText = `import { vendor } from "./${path.basename(vendor)}";\nwindow.release = ${n};\nexport const page = () => import("./${path.basename(lazy)}").then((m) => [vendor, m.default]);\n`;
  const entry = named('index', entryText);
  const files: Record<string, string | Buffer> = {
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>Release ${n}</title><link rel="icon" href="/favicon.ico">
<script type="module" crossorigin src="/${entry}"></script>
<link rel="modulepreload" crossorigin href="/${vendor}">
</head><body><div id="app" data-release="${n}"></div></body></html>\n`,
    [vendor]: vendorText,
    [lazy]: lazyText,
    'config.json': `${JSON.stringify({ apiUrl: 'https://api.example.com/', release: n })}\n`,
    'favicon.ico': Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]),
  };
  if (!options.omitEntry) {
    files[entry] = entryText;
  }
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return { dir, entry, lazy };
}

let cloudwatchClient: CloudWatchClient | undefined;
function cloudwatch(): CloudWatchClient {
  cloudwatchClient ??= new CloudWatchClient({ region: REGION, credentials: CREDENTIALS, endpoint: moto!.endpoint });
  return cloudwatchClient;
}

interface ProgramRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled deploy program in the build folder with the pipeline's environment; its exit code and output. */
function runProgram(dir: string, build: number, extra: Record<string, string> = {}): Promise<ProgramRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_OPTIONS: `--require ${localhostPreload()}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: moto!.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: moto!.endpoint,
    AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: standin.endpoint,
    SPA_BUCKET: BUCKET,
    SPA_KVS_ARN: KVS_ARN,
    SPA_SITE_URL: baseUrl,
    CODEBUILD_RESOLVED_SOURCE_VERSION: commitOf(build),
    CODEBUILD_BUILD_NUMBER: String(build),
    ...extra,
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [programBundle(), 'deploy'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf-8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf-8');
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** moto_server on a free loopback port, in its own process group (stopMoto ends that group). */
async function startMoto(): Promise<{ process: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const server = { process: child, endpoint };
  moto = server;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) {
        return server;
      }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      stopMoto();
      throw new Error(`moto_server did not answer on ${endpoint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopMoto(): void {
  const pid = moto?.process.pid;
  if (pid !== undefined && moto?.process.exitCode === null) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  moto = undefined;
}
