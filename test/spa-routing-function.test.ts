import * as child_process from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { SpaHosting } from '../src';
import { FakeKeyValueStore, functionOf, loadFunction, viewerRequest } from './helpers/cloudfront-function';
import { DEFAULT_HASHED_PATTERN, KVS_KEYS, PIN_HEADERS, setReleaseRouting } from '../src/private/release-routing';
import { releaseIdProblem } from '../src/release/contract';

// The CloudFront Function is executed as CloudFormation receives it: the code of the synthesized template.
function synthesizedCode(hashedPattern?: string): string {
  const stack = new Stack(new App(), 'Fn');
  const hosting = new SpaHosting(stack, 'Site');
  // After the hosting, as a SpaPipeline created later in the app records it.
  if (hashedPattern !== undefined) {
    setReleaseRouting(hosting, { hashedPattern });
  }
  return functionOf(stack).code;
}

const code = synthesizedCode();
const LIVE = 'abc1234-7';
const PINNED = 'def5678-9';
const TOKEN = 'q6P0u1Rk3VZ0nY9a7Tj2Lh8Xe4Wc5Bd6Mf1Ns0Gp3Ko';

function site(values: Record<string, string> = {}, source = code) {
  const store = new FakeKeyValueStore(values);
  const handler = loadFunction(source, store);
  const uriOf = async (uri: string, headers: Record<string, string> = {}) => (await handler(viewerRequest(uri, headers))).uri as string;
  return { store, handler, uriOf };
}
const pin = (id: string, token = TOKEN) => ({ [PIN_HEADERS.release]: id, [PIN_HEADERS.token]: token });

describe('no live release in the store: the layout before releases', () => {
  test.each([
    ['/', '/index.html'],
    ['/orders/42', '/index.html'],
    ['/orders/42/', '/index.html'],
    ['/orders', '/index.html'],
    ['/index.html', '/index.html'],
    ['/assets/app.3f2a1b.js', '/assets/app.3f2a1b.js'],
    ['/assets/index-AbCd1234.js', '/assets/index-AbCd1234.js'],
    ['/assets/missing.css', '/assets/missing.css'],
    ['/favicon.ico', '/favicon.ico'],
    ['/config.json', '/config.json'],
    ['/.well-known/x', '/.well-known/x'],
    ['/.well-known/apple-app-site-association', '/.well-known/apple-app-site-association'],
    ['/robots.txt', '/robots.txt'],
  ])('%s is served from %s', async (uri, expected) => {
    expect(await site().uriOf(uri)).toBe(expected);
  });

  test('a missing key is told from a failing store by exists(), asked only after get() failed', async () => {
    const { store, uriOf } = site();
    await uriOf('/orders/42');
    expect(store.reads).toEqual([KVS_KEYS.live, KVS_KEYS.live]);
  });
});

describe('a live release', () => {
  test.each([
    ['/', `/releases/${LIVE}/index.html`],
    ['/orders/42', `/releases/${LIVE}/index.html`],
    ['/orders/42/', `/releases/${LIVE}/index.html`],
    ['/index.html', `/releases/${LIVE}/index.html`],
    ['/config.json', `/releases/${LIVE}/config.json`],
    ['/favicon.ico', `/releases/${LIVE}/favicon.ico`],
    ['/.well-known/x', `/releases/${LIVE}/.well-known/x`],
    ['/.well-known/security.txt', `/releases/${LIVE}/.well-known/security.txt`],
    // Not hashed (no 8-character hash): a release's own file, a real 404 if the release lacks it.
    ['/assets/missing.css', `/releases/${LIVE}/assets/missing.css`],
    // Hashed: shared by every release at the bucket root.
    ['/assets/index-AbCd1234.js', '/assets/index-AbCd1234.js'],
    ['/assets/index-AbCd1234.js.map', '/assets/index-AbCd1234.js.map'],
    ['/static/js/main.3f2a1b9c.chunk.js', '/static/js/main.3f2a1b9c.chunk.js'],
    ['/static/media/logo.0123abcd.svg', '/static/media/logo.0123abcd.svg'],
    // Another release's files are not reachable by path.
    ['/releases/old0000-1/index.html', `/releases/${LIVE}/releases/old0000-1/index.html`],
  ])('%s is served from %s', async (uri, expected) => {
    expect(await site({ [KVS_KEYS.live]: LIVE }).uriOf(uri)).toBe(expected);
  });

  test('one read per request, none for a hashed asset; the query string, method and headers pass through', async () => {
    const { store, handler } = site({ [KVS_KEYS.live]: LIVE, [KVS_KEYS.pinToken]: TOKEN });
    const querystring = { tab: { value: 'items' } };
    const request = await handler(viewerRequest('/orders/42', {}, querystring));
    expect(request).toMatchObject({ uri: `/releases/${LIVE}/index.html`, method: 'GET', querystring, headers: { host: { value: 'd111111abcdef8.cloudfront.net' } } });
    expect(store.reads).toEqual([KVS_KEYS.live]);
    await handler(viewerRequest('/assets/index-AbCd1234.js'));
    expect(store.reads).toEqual([KVS_KEYS.live]);
  });

  test.each([
    ['a path', '../x'],
    ['an empty value', ''],
    ['upper case', 'ABC1234-7'],
    ['a build number with a leading zero', 'abc1234-07'],
    ['a trailing newline', `${LIVE}\n`],
  ])('a live value of the wrong shape (%s) is never part of a path: the function throws (503)', async (_name, value) => {
    const { handler } = site({ [KVS_KEYS.live]: value });
    await expect(handler(viewerRequest('/orders/42'))).rejects.toThrow(/release:live does not hold a release id/);
    await expect(handler(viewerRequest('/config.json'))).rejects.toThrow();
  });

  test('a store that fails (not a missing key) fails the request (503) rather than serving the bucket root', async () => {
    const broken = site({ [KVS_KEYS.live]: LIVE });
    broken.store.failing.add(KVS_KEYS.live);
    await expect(broken.handler(viewerRequest('/orders/42'))).rejects.toThrow(/read of release:live failed/);
    const flaky = site({ [KVS_KEYS.live]: LIVE });
    flaky.store.failingGets.add(KVS_KEYS.live);
    await expect(flaky.handler(viewerRequest('/orders/42'))).rejects.toThrow(/get of release:live failed/);
    // Hashed assets need no read, so they keep loading.
    expect(await broken.uriOf('/assets/index-AbCd1234.js')).toBe('/assets/index-AbCd1234.js');
  });
});

describe('pinning a release', () => {
  const values = { [KVS_KEYS.live]: LIVE, [KVS_KEYS.pinToken]: TOKEN };

  test('with the store\'s token: the pinned release, without reading the live one', async () => {
    const { store, uriOf } = site(values);
    expect(await uriOf('/orders/42', pin(PINNED))).toBe(`/releases/${PINNED}/index.html`);
    expect(await uriOf('/config.json', pin(PINNED))).toBe(`/releases/${PINNED}/config.json`);
    expect(await uriOf('/assets/index-AbCd1234.js', pin(PINNED))).toBe('/assets/index-AbCd1234.js');
    expect(store.reads).toEqual([KVS_KEYS.pinToken, KVS_KEYS.pinToken]);
  });

  test('before any release is live (the first deploy\'s smoke check)', async () => {
    expect(await site({ [KVS_KEYS.pinToken]: TOKEN }).uriOf('/', pin(PINNED))).toBe(`/releases/${PINNED}/index.html`);
    expect(await site({ [KVS_KEYS.pinToken]: TOKEN }).uriOf('/')).toBe('/index.html');
  });

  test.each([
    ['a wrong token', pin(PINNED, `${TOKEN.slice(0, -1)}x`)],
    ['a token one character short', pin(PINNED, TOKEN.slice(0, -1))],
    ['an empty token', pin(PINNED, '')],
    ['no token header', { [PIN_HEADERS.release]: PINNED }],
  ])('%s: the live release', async (_name, headers) => {
    expect(await site(values).uriOf('/orders/42', headers)).toBe(`/releases/${LIVE}/index.html`);
  });

  test.each([
    ['../x'],
    ['../../_spa-deploy/state'],
    [`${'a'.repeat(41)}-1`],
    [`abc1234-${'1'.repeat(13)}`],
    ['ABC1234-1'],
    ['abc1234-01'],
    ['abc1234'],
    ['abc1234-1/../x'],
  ])('a pinned id of the wrong shape (%s) is ignored without reading the token', async (id) => {
    const { store, uriOf } = site(values);
    expect(await uriOf('/orders/42', pin(id))).toBe(`/releases/${LIVE}/index.html`);
    expect(store.reads).toEqual([KVS_KEYS.live]);
  });

  test('no token in the store, a short stored token, or a failing token read: the live release', async () => {
    expect(await site({ [KVS_KEYS.live]: LIVE }).uriOf('/', pin(PINNED))).toBe(`/releases/${LIVE}/index.html`);
    expect(await site({ [KVS_KEYS.live]: LIVE, [KVS_KEYS.pinToken]: 'short' }).uriOf('/', pin(PINNED, 'short'))).toBe(`/releases/${LIVE}/index.html`);
    expect(await site({ [KVS_KEYS.live]: LIVE, [KVS_KEYS.pinToken]: '' }).uriOf('/', pin(PINNED, ''))).toBe(`/releases/${LIVE}/index.html`);
    const failing = site(values);
    failing.store.failing.add(KVS_KEYS.pinToken);
    expect(await failing.uriOf('/', pin(PINNED))).toBe(`/releases/${LIVE}/index.html`);
  });

  test('the function accepts exactly the release ids of the release contract', async () => {
    const ids = ['a-0', 'abc1234-0', 'abc1234-1', `${'z'.repeat(40)}-999999999999`, `${'z'.repeat(41)}-1`, 'abc1234-1000000000000',
      'abc-', '-1', 'a_b-1', 'a.b-1', 'abc1234-1 ', ' abc1234-1', 'abc1234--1', 'ab\u00e91234-1'];
    for (const id of ids) {
      const uri = await site({ [KVS_KEYS.pinToken]: TOKEN }).uriOf('/', pin(id));
      expect([id, uri === `/releases/${id}/index.html`]).toEqual([id, releaseIdProblem(id) === undefined]);
    }
  });
});

describe('the hashed-asset pattern', () => {
  test('the default is the release contract\'s, embedded as a JSON string literal', () => {
    expect(code).toContain(JSON.stringify(DEFAULT_HASHED_PATTERN));
    expect(code).not.toContain('__ROUTING__');
  });

  test('a pattern recorded with setReleaseRouting after the hosting was created is the one routed with', async () => {
    const custom = synthesizedCode('^build/[^/]+\\.[0-9a-f]{20}\\.js$');
    const { uriOf } = site({ [KVS_KEYS.live]: LIVE }, custom);
    expect(await uriOf('/build/app.0123456789abcdef0123.js')).toBe('/build/app.0123456789abcdef0123.js');
    expect(await uriOf('/assets/index-AbCd1234.js')).toBe(`/releases/${LIVE}/assets/index-AbCd1234.js`);
  });

  test('quotes, backslashes, `$&` and `</script>` in a pattern stay inside its string literal', async () => {
    const odd = '^odd/\\$&"\'</script>\\\\\\.js$';
    const custom = synthesizedCode(odd);
    const { uriOf } = site({ [KVS_KEYS.live]: LIVE }, custom);
    expect(await uriOf('/odd/$&"\'</script>\\.js')).toBe('/odd/$&"\'</script>\\.js');
    expect(await uriOf('/odd/x.js')).toBe(`/releases/${LIVE}/odd/x.js`);
  });

  test.each([
    ['not a regular expression', '^assets/(unclosed', /hashedAssetPattern.*not a JavaScript regular expression/],
    ['a token', Lazy.string({ produce: () => 'x' }), /hashedAssetPattern.*must be a literal string/],
    ['too long for the function', `^(${'a'.repeat(7000)})$`, /routing function with it is \d+ bytes, and CloudFront Functions take at most 10240/],
  ])('a pattern that is %s fails synthesis with the library\'s error', (_name, pattern, error) => {
    expect(() => synthesizedCode(pattern)).toThrow(error);
  });
});

describe('CloudFront Functions limits', () => {
  /**
   * The longest pattern a SpaPipeline may record (1,000 characters), made of the characters JSON lengthens
   * most without being refused as control characters: each of them is 3 bytes in UTF-8.
   */
  const LONGEST_PATTERN = `^${'\u20ac'.repeat(998)}$`;

  test('the code is at most 10,240 bytes with the longest pattern a pipeline may record, and has no require', () => {
    const longest = synthesizedCode(LONGEST_PATTERN);
    const bytes = { default: Buffer.byteLength(code), longest: Buffer.byteLength(longest) };
    process.stdout.write(`routing function: ${bytes.default} bytes with the default pattern, ${bytes.longest} with the longest\n`);
    expect(bytes.longest).toBeLessThanOrEqual(10_240);
    // The sizes docs/spa-hosting.md states ("Release routing", "Benchmark") are these.
    const docs = fs.readFileSync(path.join(__dirname, '..', 'docs', 'spa-hosting.md'), 'utf-8');
    expect(docs).toContain(`${bytes.default.toLocaleString('en-US')} bytes with the default pattern; ${bytes.longest.toLocaleString('en-US')} with a 1,000-character pattern`);
    expect(docs).toContain(`(${bytes.default.toLocaleString('en-US')} bytes, 10,240 allowed)`);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code.match(/^\s*import\s.*$/gm)).toEqual(["import cf from 'cloudfront';"]);
  });
});

describe('test/deploy/cloudfront-function-runner.js (the edge emulator\'s runner)', () => {
  const RUNNER = path.join(__dirname, 'deploy', 'cloudfront-function-runner.js');
  let server: http.Server;
  let storeUrl: string;
  const values: Record<string, string> = {};
  const requested: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const key = decodeURIComponent((req.url ?? '').replace(/^\/kvs\//, ''));
      requested.push(key);
      if (Object.prototype.hasOwnProperty.call(values, key)) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(values[key]);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    storeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kvs`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Starts the runner on `source` and sends it events, one answer line each. */
  function runner(source: string, args: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-runner-'));
    const file = path.join(dir, 'function.js');
    fs.writeFileSync(file, source);
    const child = child_process.spawn('node', [RUNNER, file, 'cloudfront-js-2.0', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return {
      send: async (event: unknown) => {
        child.stdin.write(JSON.stringify(event) + '\n');
        return JSON.parse((await lines.next()).value);
      },
      close: () => {
        child.stdin.end();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  test('kvs() reads the store over HTTP: 200 is the value, 404 a missing key', async () => {
    const run = runner(code, ['--kvs-url', storeUrl]);
    try {
      expect((await run.send(viewerRequest('/orders/42'))).result.uri).toBe('/index.html');
      values[KVS_KEYS.live] = LIVE;
      expect((await run.send(viewerRequest('/orders/42'))).result.uri).toBe(`/releases/${LIVE}/index.html`);
      values[KVS_KEYS.pinToken] = TOKEN;
      expect((await run.send(viewerRequest('/', pin(PINNED)))).result.uri).toBe(`/releases/${PINNED}/index.html`);
      values[KVS_KEYS.live] = '../x';
      expect((await run.send(viewerRequest('/'))).error).toMatch(/does not hold a release id/);
      expect(requested).toContain(KVS_KEYS.pinToken);
    } finally {
      run.close();
    }
  });

  test('a store that answers neither 200 nor 404 is a failing read', async () => {
    const run = runner(code, ['--kvs-url', 'http://127.0.0.1:9/unreachable']);
    try {
      expect((await run.send(viewerRequest('/orders/42'))).error).toMatch(/KeyValueStore/);
    } finally {
      run.close();
    }
  });

  test('any other module is refused loudly', async () => {
    const run = runner("import crypto from 'crypto';\nfunction handler(event) { return event.request; }\n", []);
    try {
      expect((await run.send(viewerRequest('/'))).fatal).toMatch(/imports a module other than cloudfront.*crypto/);
    } finally {
      run.close();
    }
  });
});
