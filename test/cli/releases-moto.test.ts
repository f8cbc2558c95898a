// `releases` and `rollback` through the real AWS SDK clients over HTTP, wrapped by the CLI's guard as in
// production: CodeBuild and S3 are moto_server, the KeyValueStore is the stand-in (test/release/kvs-standin.ts,
// propagation 300 ms), and the site is a small server routing like the hosting's function (live release from
// the store as an edge sees it, pin headers with the token) and serving from moto's bucket. Two releases are
// deployed by the release module; the CLI lists them, rolls back and forward, and each rollback is one store
// write and no S3 write.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import { AddressInfo, createServer } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CodeBuildClient, CreateProjectCommand } from '@aws-sdk/client-codebuild';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { appFolder, fakeEnv, testClients } from './fake-env';
import { AwsClients } from '../../src/cli/env';
import {
  ENTRY_FILE, HashedPaths, KVS_KEYS, PIN_HEADERS, ReleaseClients, deployRelease, ensurePinToken, goLive, releasePrefix, smokeCheck,
} from '../../src/release';
import { KvsStandin } from '../release/kvs-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const BUCKET = 'e-com67-customer-app-123456789012';
const KVS_ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const PROJECT = 'e-com67-customer-app-deploy';
const COMMITS = ['1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'];

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
const describeMoto = hasMoto || process.env.CI ? describe : describe.skip;

let moto: ChildProcess | undefined;
let motoUrl: string;
let standin: KvsStandin;
let site: http.Server;
let siteUrl: string;
let origin: S3Client;
const builds: string[] = [];
/** Writes the CLI's S3 client sent (each attempt), as `METHOD /path`. */
const cliS3Writes: string[] = [];

describeMoto('releases and rollback against moto (CodeBuild, S3) and the KeyValueStore stand-in', () => {
  beforeAll(async () => {
    [motoUrl, standin] = await Promise.all([startMoto(), KvsStandin.start({ propagationMs: 300 })]);
    standin.createStore(KVS_ARN);
    origin = new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: motoUrl, forcePathStyle: true });
    site = http.createServer((req, res) => {
      route(req, res).catch((error) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await origin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await new CodeBuildClient({ region: REGION, credentials: CREDENTIALS, endpoint: motoUrl }).send(new CreateProjectCommand({
      name: PROJECT,
      // moto wants a source location (the pipeline's deploy project has none: CODEPIPELINE); the CLI reads the environment only.
      source: { type: 'S3', location: `${BUCKET}/source.zip` },
      artifacts: { type: 'NO_ARTIFACTS' },
      serviceRole: 'arn:aws:iam::123456789012:role/deploy',
      environment: {
        type: 'LINUX_CONTAINER',
        image: 'aws/codebuild/standard:7.0',
        computeType: 'BUILD_GENERAL1_SMALL',
        environmentVariables: [
          { name: 'SPA_BUCKET', value: BUCKET, type: 'PLAINTEXT' },
          { name: 'SPA_KVS_ARN', value: KVS_ARN, type: 'PLAINTEXT' },
          { name: 'SPA_SITE_URL', value: siteUrl, type: 'PLAINTEXT' },
        ],
      },
    }));
    // Two releases, deployed and made live by the release module as the deploy action does.
    const world = moduleClients();
    for (const [i, commit] of COMMITS.entries()) {
      const { manifest } = await deployRelease(world, { bucket: BUCKET, sourceDir: build(`v${i + 1}`), commit, buildNumber: i + 1 });
      const pinToken = await ensurePinToken(world, KVS_ARN);
      await new Promise((resolve) => setTimeout(resolve, 350)); // the token reaches the edge
      const check = await smokeCheck(world, { baseUrl: siteUrl, releaseId: manifest.id, pinToken });
      await goLive(world, { bucket: BUCKET, kvsArn: KVS_ARN, releaseId: manifest.id, check });
    }
    await new Promise((resolve) => setTimeout(resolve, 350));
  }, 60_000);

  afterAll(async () => {
    // fetch keeps its connections to the site alive: close them, or close() waits for their timeout.
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await standin?.close();
    if (moto?.pid !== undefined && moto.exitCode === null) {
      try {
        process.kill(-moto.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    builds.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  test('releases: the table, read through CodeBuild, S3 and the store', async () => {
    const cli = cliEnv();
    expect(await cli.run(['releases', 'customer-app'])).toBe(0);
    expect(cli.stderr()).toBe('');
    const rows = cli.stdout().split('\n').filter((l) => /^[0-9a-z]+-\d+ /.test(l)).map((l) => l.split(/ {2,}/));
    expect(rows.map((r) => [r[0], r[1], r[4]])).toEqual([
      ['2222222-2', '2222222bbbbb', 'live'],
      ['1111111-1', '1111111aaaaa', 'previous (rollback\'s default)'],
    ]);
  });

  test('rollback, then roll forward: each one store write, no S3 write, served after propagation', async () => {
    for (const [to, version] of [['1111111-1', 'v1'], ['2222222-2', 'v2']]) {
      const writesBefore = standin.writes().length;
      cliS3Writes.length = 0;
      const cli = cliEnv();
      const started = Date.now();
      expect(await cli.run(['rollback', 'customer-app', '--yes'])).toBe(0);
      const wall = Date.now() - started;
      expect(cli.stderr()).toBe('');
      expect(standin.writes().slice(writesBefore).map((w) => [w.op, w.changed])).toEqual([['UpdateKeys', [KVS_KEYS.live, KVS_KEYS.previous]]]);
      expect(cliS3Writes).toEqual([]);
      expect(standin.items(KVS_ARN)[KVS_KEYS.live]).toBe(to);
      expect(await (await fetch(`${siteUrl}/orders/42`)).text()).toContain(`<!-- ${version} -->`);
      const done = /serves (\S+): propagation ([\d.]+)s \((\d+) requests?\); wall time ([\d.]+)s/.exec(cli.stdout());
      expect(done?.[1]).toBe(to);
      // The stand-in's edge lags 300 ms; the first request after the switch can't have seen it, the next (2 s later) does.
      expect(Number(done![2])).toBeGreaterThanOrEqual(0.3);
      expect(Number(done![3])).toBeGreaterThanOrEqual(2);
      console.log(`rollback to ${to}: wall ${wall} ms; ${cli.stdout().trim().split('\n').pop()}`);
    }
  }, 60_000);
});

/** The CLI's environment with real clients (the guard wraps them in runCli), a real clock, sleep and fetch. */
function cliEnv() {
  const clients: AwsClients = {
    ...testClients(REGION, motoUrl),
    codeBuild: new CodeBuildClient({ region: REGION, credentials: CREDENTIALS, endpoint: motoUrl }),
    s3: loggedS3(),
    kvs: new CloudFrontKeyValueStoreClient({ region: REGION, credentials: CREDENTIALS, ...standin.clientConfig() }),
  };
  const cli = fakeEnv({ cwd: appFolder(), clients, fetch: (url, init) => fetch(url, init) });
  Object.assign(cli.cliEnv, { sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)), now: () => new Date() });
  return cli;
}

function loggedS3(): S3Client {
  const s3 = new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: motoUrl, forcePathStyle: true, followRegionRedirects: true });
  s3.middlewareStack.add((next) => async (args) => {
    const request = args.request as { method: string; path: string };
    if (!['GET', 'HEAD'].includes(request.method)) {
      cliS3Writes.push(`${request.method} ${request.path}`);
    }
    return next(args);
  }, { step: 'finalizeRequest', name: 'cliS3WriteLog' });
  return s3;
}

function moduleClients(): ReleaseClients {
  return {
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS, endpoint: motoUrl, forcePathStyle: true }),
    kvs: new CloudFrontKeyValueStoreClient({ region: REGION, credentials: CREDENTIALS, ...standin.clientConfig() }),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

const hashed = new HashedPaths();

/** The routing function's contract: hashed paths unchanged, others under the live (or pinned) release. */
async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let key = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
  if (!hashed.isHashed(key)) {
    if (!(key.split('/').pop() ?? '').includes('.')) {
      key = ENTRY_FILE;
    }
    const token = standin.edgeGet(KVS_ARN, KVS_KEYS.pinToken);
    const pinned = req.headers[PIN_HEADERS.release];
    const release = typeof pinned === 'string' && token !== undefined && req.headers[PIN_HEADERS.token] === token ? pinned : standin.edgeGet(KVS_ARN, KVS_KEYS.live);
    if (release !== undefined) {
      key = `${releasePrefix(release)}${key}`;
    }
  }
  try {
    const object = await origin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    res.writeHead(200, { 'content-type': object.ContentType ?? 'application/octet-stream' });
    res.end(Buffer.from(await object.Body!.transformToByteArray()));
  } catch (error) {
    res.writeHead((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 502, { 'content-type': 'application/xml' });
    res.end('<Error/>');
  }
}

/** A small build: an entry page naming its version, a hashed entry script. */
function build(version: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-release-'));
  builds.push(dir);
  const script = `assets/index-${version === 'v1' ? 'a1b2c3d4' : 'e5f6a7b8'}.js`;
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, script), `console.log(${JSON.stringify(version)});`);
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><script type="module" src="/${script}"></script></head><body><!-- ${version} --></body></html>`);
  return dir;
}

async function startMoto(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const free = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(free));
    });
  });
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) {
        return url;
      }
    } catch {
      // not listening yet
    }
    if (moto.exitCode !== null || Date.now() > deadline) {
      throw new Error(`moto_server did not answer on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
