// The SPA deploy program's inputs (src/release/program.ts, run as `node spa-release.js deploy`): its SPA_* and
// CODEBUILD_* settings and the build output it uploads. Each case runs the program, bundled as the build bundles
// it, in a child process whose working folder is the build output, with every AWS endpoint (S3, the
// KeyValueStore, CloudWatch, any other) and the site URL pointed at a local server that records each request.
// A refusal is exit 2 with one line on stderr naming the setting; for a refusal the server must have seen no
// request at all (every input is checked before the first AWS call; an unknown alarm name, which only
// CloudWatch can tell, after DescribeAlarms and nothing else). An accepted case must get past the checks and
// upload what it says: the server stores nothing and refuses the KeyValueStore, so the program then stops
// with exit 1 on that refusal, after its uploads.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { BadInput, Expected, Observed, accepted, refused, warned } from './case';
import { localhostPreload, programBundle } from '../release/harness';

const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';
/** The release id of every case's run: the commit's short form and build number 1. */
const RELEASE = 'releases/abcdef0-1/';
/** Where the release's manifest goes: the deploy's own state, which the site never serves. */
const MANIFEST = '_spa-deploy/releases/abcdef0-1.json';
const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

/** One request the local server saw. */
interface Seen {
  readonly service: 's3' | 'kvs' | 'cloudwatch' | 'ssm' | 'site' | 'other';
  readonly method: string;
  readonly path: string;
  /** For an S3 PutObject: the key. */
  readonly key?: string;
}

/**
 * The recording server. S3 (path-style, `/site-bucket/...`): an empty bucket that accepts every upload.
 * CloudWatch (JSON 1.0): knows no alarm. SSM (JSON 1.1): knows no parameter. The KeyValueStore (`<account>.localhost`) and the site: access denied.
 */
async function recorder(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const host = String(req.headers.host ?? '');
      const url = new URL(req.url ?? '/', 'http://recorder');
      const target = String(req.headers['x-amz-target'] ?? '');
      if (host.startsWith('111122223333.')) {
        seen.push({ service: 'kvs', method: req.method!, path: url.pathname });
        res.writeHead(403, { 'x-amzn-ErrorType': 'AccessDeniedException', 'content-type': 'application/json' });
        res.end('{"Message":"recorder: access denied"}');
      } else if (target.startsWith('GraniteServiceVersion20100801.')) {
        seen.push({ service: 'cloudwatch', method: req.method!, path: target });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{"MetricAlarms":[],"CompositeAlarms":[]}');
      } else if (target.startsWith('AmazonSSM.')) {
        seen.push({ service: 'ssm', method: req.method!, path: target });
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end('{"__type":"ParameterNotFound","message":"recorder: no parameter"}');
      } else if (url.pathname.startsWith('/site-bucket')) {
        const key = decodeURIComponent(url.pathname.slice('/site-bucket/'.length));
        seen.push({ service: 's3', method: req.method!, path: url.pathname, key: req.method === 'PUT' ? key : undefined });
        res.writeHead(200, { 'content-type': 'application/xml', 'etag': '"0"' });
        res.end(req.method === 'GET'
          ? '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>site-bucket</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>'
          : '');
      } else {
        seen.push({ service: host.startsWith('127.0.0.1') && !target ? 'site' : 'other', method: req.method!, path: url.pathname });
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('recorder: no');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A build output: files by path (string content, or null for a folder). */
type Files = Record<string, string | null>;
const APP: Files = { 'index.html': '<!doctype html><script src="/assets/index-Ab3_-xYz.js"></script>', 'assets/index-Ab3_-xYz.js': 'console.log(1)' };

interface Run {
  /** Settings on top of the required ones (SPA_BUCKET, SPA_KVS_ARN, SPA_SITE_URL, CODEBUILD_*); undefined removes one. */
  readonly env?: Record<string, string | undefined>;
  /** The build output (default: an index.html and one hashed script). */
  readonly files?: Files;
  /** Anything else to make in the case's folder (links, pipes, odd names); `dist` is the build output. */
  readonly setup?: (dist: string, root: string) => void;
  /** The program's arguments; default `deploy`. */
  readonly argv?: string[];
  /** Keys an accepted run must have uploaded. */
  readonly uploads?: string[];
  /** AWS calls a refusal may come after (an unknown alarm: CloudWatch's DescribeAlarms). */
  readonly refusedAfter?: Seen['service'];
}

function deploy(run: Run): () => Promise<Observed> {
  return async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spa-deploy-case-'));
    const server = await recorder();
    try {
      const dist = path.join(root, 'dist');
      fs.mkdirSync(dist, { recursive: true });
      for (const [file, content] of Object.entries(run.files ?? APP)) {
        const target = path.join(dist, file);
        if (content === null) {
          fs.mkdirSync(target, { recursive: true });
        } else {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, content);
        }
      }
      run.setup?.(dist, root);
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: root,
        LANG: 'C.UTF-8',
        NODE_OPTIONS: `--require ${localhostPreload()}`,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        AWS_ENDPOINT_URL: server.url,
        AWS_ENDPOINT_URL_S3: server.url,
        AWS_ENDPOINT_URL_CLOUDWATCH: server.url,
        AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: server.url.replace('127.0.0.1', 'localhost'),
        SPA_BUCKET: 'site-bucket',
        SPA_KVS_ARN: KVS_ARN,
        SPA_SITE_URL: server.url,
        CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
        CODEBUILD_BUILD_NUMBER: '1',
      };
      for (const [name, value] of Object.entries(run.env ?? {})) {
        if (value === undefined) {
          delete env[name];
        } else {
          env[name] = value;
        }
      }
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [programBundle(), ...(run.argv ?? ['deploy'])], { cwd: dist, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf-8'); });
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf-8'); });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
      const seen = server.seen;
      const warnings = result.stdout.split('\n').filter((l) => l.startsWith('WARNING: cdk-ecom-platform:')).map((l) => l.slice('WARNING: '.length));
      const lines = result.stderr.trim().split('\n');
      const last = lines[lines.length - 1];
      if (result.status === 2) {
        const early = seen.filter((s) => s.service !== run.refusedAfter);
        if (early.length > 0) {
          throw new Error(`exit 2 after ${early.length} requests (${early.map((s) => `${s.service} ${s.method} ${s.path}`).join(', ')}):\n${result.stderr}`);
        }
        if (lines.length !== 1) {
          throw new Error(`exit 2 with ${lines.length} lines on stderr (one expected):\n${result.stderr}`);
        }
        return { refusal: last, warnings };
      }
      if (result.status !== 1 || !/AccessDeniedException: recorder: access denied$/.test(last)) {
        throw new Error(`exit ${result.status}, expected 2 (refused) or 1 at the KeyValueStore (accepted):\n${result.stdout}${result.stderr}`);
      }
      const uploaded = seen.filter((s) => s.key !== undefined).map((s) => s.key!);
      const missing = (run.uploads ?? []).filter((key) => !uploaded.includes(key));
      if (missing.length > 0 || !uploaded.includes(MANIFEST)) {
        throw new Error(`accepted, but did not upload ${missing.join(', ') || 'its manifest'} (uploaded: ${uploaded.join(', ')})\n${result.stdout}${result.stderr}`);
      }
      return { warnings };
    } finally {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}

function symlink(target: string, link: string): (dist: string) => void {
  return (dist) => fs.symlinkSync(target, path.join(dist, link));
}

function c(input: string, expect: Expected, run: Run): BadInput {
  return { subject: 'deploy', input, expect, observe: deploy(run), libraryError: false };
}

const CONFIG = { SPA_RUNTIME_CONFIG: '{"apiUrl":"https://api.example.com"}' };
const setting = (name: string, value: string | undefined, expect: Expected, extra: Record<string, string> = {}) =>
  c(`${name}=${value === undefined ? '(unset)' : JSON.stringify(value)}`, expect, { env: { [name]: value, ...extra } });
/** A problem of the build output: refused as SPA_SOURCE_DIR's, naming the file. */
const build = (also: RegExp) => refused('SPA_SOURCE_DIR', also);

export const CASES: BadInput[] = [
  // ---------------------------------------------------------------- the command
  c('no command (`node spa-release.js`)', refused('deploy', /usage/), { argv: [] }),
  c('an unknown command (`node spa-release.js rollback`)', refused('deploy', /usage/), { argv: ['rollback'] }),

  // ---------------------------------------------------------------- the runtime config path
  c('SPA_RUNTIME_CONFIG_PATH="../../outside.json" (with SPA_RUNTIME_CONFIG)', refused('SPA_RUNTIME_CONFIG_PATH', /"\.\." segment/),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: '../../outside.json' } }),
  c('SPA_RUNTIME_CONFIG_PATH="app/../../../x.json"', refused('SPA_RUNTIME_CONFIG_PATH'),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: 'app/../../../x.json' } }),
  c('SPA_RUNTIME_CONFIG_PATH=".." (without SPA_RUNTIME_CONFIG)', refused('SPA_RUNTIME_CONFIG_PATH'),
    { env: { SPA_RUNTIME_CONFIG_PATH: '..' } }),
  c('SPA_RUNTIME_CONFIG_PATH="/etc/app/config.json" (absolute)', refused('SPA_RUNTIME_CONFIG_PATH', /absolute/),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: '/etc/app/config.json' } }),
  setting('SPA_RUNTIME_CONFIG_PATH', './config.json', refused('SPA_RUNTIME_CONFIG_PATH', /"\." /)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'app//config.json', refused('SPA_RUNTIME_CONFIG_PATH', /empty/)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'config.json\n', refused('SPA_RUNTIME_CONFIG_PATH', /control character/), CONFIG),
  setting('SPA_RUNTIME_CONFIG_PATH', '_spa-deploy/config.json', refused('SPA_RUNTIME_CONFIG_PATH', /reserved/)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'releases/config.json', refused('SPA_RUNTIME_CONFIG_PATH', /reserved/)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'index.html', refused('SPA_RUNTIME_CONFIG_PATH', /entry page/)),
  setting('SPA_RUNTIME_CONFIG_PATH', 'assets/config-Ab3_-xYz.json', refused('SPA_RUNTIME_CONFIG_PATH', /SPA_HASHED_PATTERN/)),
  c('SPA_RUNTIME_CONFIG_PATH="app/config.json" (a nested config)', accepted(),
    { env: { ...CONFIG, SPA_RUNTIME_CONFIG_PATH: 'app/config.json' }, uploads: [`${RELEASE}app/config.json`, `${RELEASE}index.html`] }),
  c('SPA_RUNTIME_CONFIG replacing a config.json of the build output', accepted(),
    { env: CONFIG, files: { ...APP, 'config.json': '{"apiUrl":"http://localhost"}' }, uploads: [`${RELEASE}config.json`] }),
  setting('SPA_RUNTIME_CONFIG', '[1, 2]', refused('SPA_RUNTIME_CONFIG', /JSON object/)),
  setting('SPA_RUNTIME_CONFIG', '{bad', refused('SPA_RUNTIME_CONFIG', /not valid JSON/)),
  setting('SPA_RUNTIME_CONFIG', 'null', refused('SPA_RUNTIME_CONFIG', /JSON object/)),

  // ---------------------------------------------------------------- links and other non-regular files
  c('index.html is a symbolic link to a built file', build(/"index.html" is a symbolic link/),
    { files: { 'build/index.html': '<!doctype html>', 'assets/index-Ab3_-xYz.js': '1' }, setup: symlink('build/index.html', 'index.html') }),
  c('a symbolic link to a file outside the build ("secrets.txt" -> /etc/passwd)', build(/"secrets.txt" is a symbolic link/),
    { setup: symlink('/etc/passwd', 'secrets.txt') }),
  c('a symbolic link to a folder ("media" -> ../shared-media)', build(/"media" is a symbolic link/),
    { setup: (dist, root) => { fs.mkdirSync(path.join(root, 'shared-media')); fs.symlinkSync('../shared-media', path.join(dist, 'media')); } }),
  c('a broken symbolic link ("favicon.ico" -> missing.ico)', build(/"favicon.ico" is a symbolic link/),
    { setup: symlink('missing.ico', 'favicon.ico') }),
  c('a named pipe in the build output ("events")', build(/"events" is a named pipe/),
    { setup: (dist) => { spawnSync('mkfifo', [path.join(dist, 'events')]); } }),

  // ---------------------------------------------------------------- file names
  c('a file named "assets/a\\nb.js" (a newline in the name)', build(/"assets\/a\\nb.js": has a control character/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'assets', 'a\nb.js'), 'x') }),
  c('a file named "assets/tab\\t.js" (a tab in the name)', build(/"assets\/tab\\t.js": has a control character/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'assets', 'tab\t.js'), 'x') }),
  c('a folder named "img\\r" (a carriage return)', build(/"img\\r\/a.png": has a control character/),
    { setup: (dist) => { fs.mkdirSync(path.join(dist, 'img\r')); fs.writeFileSync(path.join(dist, 'img\r', 'a.png'), 'x'); } }),
  c('a file name that is not UTF-8 (byte 0xff)', build(/not UTF-8/),
    { setup: (dist) => fs.writeFileSync(Buffer.concat([Buffer.from(`${dist}/`), Buffer.from([0xff]), Buffer.from('.js')]), 'x') }),
  c('a file name with a backslash ("a\\\\b.css")', build(/backslash/),
    { setup: (dist) => fs.writeFileSync(path.join(dist, 'a\\b.css'), 'x') }),
  c('a path over S3\'s 1024-byte key limit (with the release prefix)', build(/too long for an S3 key/),
    {
      setup: (dist) => {
        const deep = path.join(dist, ...Array.from({ length: 5 }, (_, i) => `${i}`.repeat(200)));
        fs.mkdirSync(deep, { recursive: true });
        fs.writeFileSync(path.join(deep, 'a.js'), 'x');
      },
    }),
  c('a "_spa-deploy/releases.json" in the build output (the old script\'s state)', build(/reserved/),
    { files: { ...APP, '_spa-deploy/releases.json': '{"releases":[]}' } }),
  c('a "releases/" folder in the build output', build(/reserved/),
    { files: { ...APP, 'releases/notes.txt': 'v1' } }),
  c('the app\'s own "release.json" at the root: a release file like any other, the manifest is elsewhere', accepted(),
    { files: { ...APP, 'release.json': '{"version":"2.4.1"}' }, uploads: [`${RELEASE}release.json`, MANIFEST] }),
  c('file names with spaces, unicode, a leading dash, "#", "%" and "+"', accepted(),
    {
      files: { ...APP, 'assets/my file.js': '1', 'ünïcødé-日本.txt': '2', '-rf': '3', 'a#b.txt': '4', '100%.txt': '5', 'c++.txt': '6' },
      uploads: ['assets/my file.js', 'ünïcødé-日本.txt', '-rf', 'a#b.txt', '100%.txt', 'c++.txt'].map((f) => `${RELEASE}${f}`),
    }),
  c('a dot folder (".well-known/security.txt")', accepted(),
    { files: { ...APP, '.well-known/security.txt': 'Contact: mailto:security@example.com' }, uploads: [`${RELEASE}.well-known/security.txt`] }),
  c('a hashed asset is uploaded at the bucket root, shared by releases', accepted(),
    { uploads: ['assets/index-Ab3_-xYz.js', `${RELEASE}index.html`] }),
  c('a large file (64 MiB, sparse)', accepted(),
    {
      setup: (dist) => { fs.writeFileSync(path.join(dist, 'video.mp4'), ''); fs.truncateSync(path.join(dist, 'video.mp4'), 64 * 1024 * 1024); },
      uploads: [`${RELEASE}video.mp4`],
    }),

  // ---------------------------------------------------------------- the build output folder
  c('an empty build folder', build(/has no index.html/), { files: {} }),
  c('a build without index.html', build(/has no index.html/), { files: { 'assets/index-Ab3_-xYz.js': '1' } }),
  c('an index.html that is a folder', build(/has no index.html/), { files: { 'index.html/x': '1' } }),
  c('an empty (0-byte) index.html', build(/index.html is empty/), { files: { ...APP, 'index.html': '' } }),
  setting('SPA_SOURCE_DIR', '/nonexistent/dist', refused('SPA_SOURCE_DIR', /not a directory/)),
  setting('SPA_SOURCE_DIR', 'index.html', refused('SPA_SOURCE_DIR', /not a directory/)),
  setting('SPA_SOURCE_DIR', '', accepted()), // empty is unset: the working folder, the build artifact's root

  // ---------------------------------------------------------------- where to deploy
  setting('SPA_BUCKET', undefined, refused('SPA_BUCKET', /required/)),
  setting('SPA_BUCKET', '', refused('SPA_BUCKET', /required/)),
  setting('SPA_BUCKET', 's3://site-bucket', refused('SPA_BUCKET', /without s3:\/\//)),
  setting('SPA_BUCKET', 'site bucket/prefix', refused('SPA_BUCKET', /not an S3 bucket name/)),
  setting('SPA_BUCKET', '192.168.1.1', refused('SPA_BUCKET', /not an S3 bucket name/)),
  setting('SPA_KVS_ARN', undefined, refused('SPA_KVS_ARN', /required/)),
  setting('SPA_KVS_ARN', 'E2QWRUHAPOMQZL', refused('SPA_KVS_ARN', /KeyValueStore ARN/)),
  setting('SPA_KVS_ARN', 'arn:aws:cloudfront::111122223333:function/spa-routing', refused('SPA_KVS_ARN', /KeyValueStore ARN/)),
  setting('SPA_SITE_URL', undefined, refused('SPA_SITE_URL', /required/)),
  setting('SPA_SITE_URL', 'd111111abcdef8.cloudfront.net', refused('SPA_SITE_URL', /not a URL/)),
  setting('SPA_SITE_URL', 'http://d111111abcdef8.cloudfront.net', refused('SPA_SITE_URL', /not an https URL/)),
  setting('SPA_SITE_URL', 'https://user:pw@d111111abcdef8.cloudfront.net', refused('SPA_SITE_URL', /credentials/)),
  setting('SPA_SITE_URL', 'https://d111111abcdef8.cloudfront.net/app/', refused('SPA_SITE_URL', /a path/)),
  setting('CODEBUILD_RESOLVED_SOURCE_VERSION', undefined, refused('CODEBUILD_RESOLVED_SOURCE_VERSION', /required/)),
  setting('CODEBUILD_BUILD_NUMBER', undefined, refused('CODEBUILD_BUILD_NUMBER', /required/)),
  setting('CODEBUILD_BUILD_NUMBER', '007', refused('CODEBUILD_BUILD_NUMBER', /leading zeros/)),
  setting('CODEBUILD_BUILD_NUMBER', '1e3', refused('CODEBUILD_BUILD_NUMBER')),

  // ---------------------------------------------------------------- the other settings
  setting('SPA_KEEP_RELEASES', '0', refused('SPA_KEEP_RELEASES', /1 to 1000/)),
  setting('SPA_KEEP_RELEASES', ' 3', refused('SPA_KEEP_RELEASES')),
  setting('SPA_KEEP_RELEASES', '1e3', refused('SPA_KEEP_RELEASES')),
  setting('SPA_KEEP_RELEASES', '08', accepted()), // decimal 8, not a bad octal number as bash arithmetic read it
  setting('SPA_PROPAGATION_TIMEOUT_SECONDS', 'soon', refused('SPA_PROPAGATION_TIMEOUT_SECONDS')),
  setting('SPA_PROPAGATION_TIMEOUT_SECONDS', '-5', refused('SPA_PROPAGATION_TIMEOUT_SECONDS')),
  setting('SPA_PROPAGATION_TIMEOUT_SECONDS', '3601', refused('SPA_PROPAGATION_TIMEOUT_SECONDS', /1 to 3600/)),
  setting('SPA_PROPAGATION_TIMEOUT_SECONDS', '99999999999999999999', refused('SPA_PROPAGATION_TIMEOUT_SECONDS')),
  setting('SPA_PROPAGATION_TIMEOUT_SECONDS', '', accepted()),
  setting('SPA_HASHED_PATTERN', '(assets/', refused('SPA_HASHED_PATTERN', /not a regular expression/)),
  setting('SPA_HASHED_PATTERN', '.*', refused('SPA_HASHED_PATTERN', /matches index.html/)),
  setting('SPA_HASHED_PATTERN', '^assets/.+-\\w{8}\\.js$', accepted()), // JavaScript syntax: \w is fine now
  setting('SPA_SOURCE_MAPS', 'yes', refused('SPA_SOURCE_MAPS', /"private" or "public"/)),
  setting('SPA_SMOKE_COMMANDS', 'npx playwright test', refused('SPA_SMOKE_COMMANDS', /not valid JSON/)),
  setting('SPA_SMOKE_COMMANDS', '{"run":"npx playwright test"}', refused('SPA_SMOKE_COMMANDS', /JSON array/)),
  setting('SPA_SMOKE_COMMANDS', '["  "]', refused('SPA_SMOKE_COMMANDS', /non-empty string/)),
  setting('SPA_ROLLBACK_ALARMS', '"app-errors"', refused('SPA_ROLLBACK_ALARMS', /JSON array/)),
  setting('SPA_ROLLBACK_ALARMS', '["app-errors","app-errors"]', refused('SPA_ROLLBACK_ALARMS', /listed twice/)),
  setting('SPA_ROLLBACK_ALARMS', JSON.stringify(['x'.repeat(256)]), refused('SPA_ROLLBACK_ALARMS', /at most 255/)),
  c('SPA_ROLLBACK_ALARMS=["no-such-alarm"] (CloudWatch has none by that name)', refused('SPA_ROLLBACK_ALARMS', /no CloudWatch alarm named "no-such-alarm"/),
    { env: { SPA_ROLLBACK_ALARMS: '["no-such-alarm"]' }, refusedAfter: 'cloudwatch' }),
  setting('SPA_ROLLBACK_WINDOW_SECONDS', '0', refused('SPA_ROLLBACK_WINDOW_SECONDS', /1 to 3600/)),
  setting('SPA_ROLLBACK_WINDOW_SECONDS', '5m', refused('SPA_ROLLBACK_WINDOW_SECONDS')),

  // ---------------------------------------------------------------- another account's target, config from SSM (issue 15)
  setting('SPA_ROLE_ARN', 'e-com67-admin-dashboard-deploy', refused('SPA_ROLE_ARN', /not an IAM role ARN/)),
  setting('SPA_ROLE_ARN', 'arn:aws:iam::222222222222:user/deployer', refused('SPA_ROLE_ARN', /not an IAM role ARN/)),
  setting('SPA_ROLE_ARN', 'arn:aws:iam::2222:role/deploy', refused('SPA_ROLE_ARN', /12-digit account/)),
  setting('SPA_TARGET_PARAMETER', 'cdk-ecom-platform/site-bucket/deploy-target', refused('SPA_TARGET_PARAMETER', /starts with "\/"/)),
  setting('SPA_TARGET_PARAMETER', '/cdk-ecom-platform/site bucket/deploy-target', refused('SPA_TARGET_PARAMETER', /not an SSM parameter name/)),
  c('SPA_TARGET_PARAMETER="/no/such-target" (SSM has none by that name)', refused('SPA_TARGET_PARAMETER', /no such SSM parameter/),
    { env: { SPA_TARGET_PARAMETER: '/no/such-target', SPA_KVS_ARN: undefined, SPA_SITE_URL: undefined }, refusedAfter: 'ssm' }),
  c('SPA_TARGET_PARAMETER with SPA_BUCKET="s3://site-bucket" (still checked when the parameter gives it)', refused('SPA_BUCKET', /without s3:\/\//),
    { env: { SPA_TARGET_PARAMETER: '/cdk-ecom-platform/site-bucket/deploy-target', SPA_BUCKET: 's3://site-bucket' } }),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '/e-com67/api-url', refused('SPA_RUNTIME_CONFIG_PARAMETERS', /not valid JSON/)),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '["/e-com67/api-url"]', refused('SPA_RUNTIME_CONFIG_PARAMETERS', /not a JSON object/)),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '{"apiUrl": 7}', refused('SPA_RUNTIME_CONFIG_PARAMETERS', /not a parameter name/)),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '{"apiUrl": "e-com67/api-url"}', refused('SPA_RUNTIME_CONFIG_PARAMETERS', /starts with "\/"/)),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '{"apiUrl": "/e-com67/api-url"}', refused('SPA_RUNTIME_CONFIG_PATH', /reserved/),
    { SPA_RUNTIME_CONFIG_PATH: 'releases/config.json' }),
  c('SPA_RUNTIME_CONFIG_PARAMETERS={"apiUrl":"/no/such-api-url"} (SSM has none by that name)',
    refused('SPA_RUNTIME_CONFIG_PARAMETERS', /no SSM parameter named "\/no\/such-api-url"/),
    { env: { SPA_RUNTIME_CONFIG_PARAMETERS: '{"apiUrl":"/no/such-api-url"}' }, refusedAfter: 'ssm' }),
  setting('SPA_RUNTIME_CONFIG_PARAMETERS', '{}', accepted()), // no parameter to read: as if unset

  // The old deploy script's settings, and typos: warned about (the program would silently ignore them otherwise).
  setting('SPA_DISTRIBUTION_ID', 'E2QWRUHAPOMQZL', warned('cdk-ecom-platform:deploy.unknownSetting')),
  setting('SPA_RELEASE_ID', 'release-1', warned('cdk-ecom-platform:deploy.unknownSetting')),
  setting('SPA_KEEP_RELEASE', '3', warned('cdk-ecom-platform:deploy.unknownSetting')),
];
