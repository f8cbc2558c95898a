import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { appFolder } from './fake-env';

/**
 * The published bundle as a process, with every AWS SDK client pointed (AWS_ENDPOINT_URL) at a local server:
 * one that never answers (a slow request, for Ctrl-C) or one that answers HTML (a wrong endpoint).
 */
const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin['ecom-platform']);

let server: http.Server;
let endpoint: string;
/** Requests received and not answered yet. */
let waiting: http.ServerResponse[] = [];
let mode: 'hang' | 'html' = 'hang';

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><head><title>Router login</title></head></html>');
      return;
    }
    waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  waiting.forEach((res) => res.destroy());
  waiting = [];
});
afterAll(() => new Promise((resolve) => {
  server.closeAllConnections();
  server.close(resolve);
}));

/** Starts the command with fake credentials in a region, every client at the local server. */
function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: appFolder(),
    env: {
      PATH: process.env.PATH,
      HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ecom-home-')),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(predicate: () => boolean, what: string) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > 15_000) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('one Ctrl-C (SIGINT) during a slow AWS request ends the command at once, exit 130', () => {
  test.each([
    [['status']],
    [['status', '--watch', '--interval', '5']],
    [['status', '--json']],
    [['doctor']],
  ])('%j', async (args) => {
    mode = 'hang';
    const run = start(args);
    await until(() => waiting.length > 0, 'the first AWS request');
    const sent = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(run.stderr()).toBe('ecom-platform: stopped (Ctrl-C)\n');
  });
});

test('status against an endpoint that answers HTML: one line naming it and AWS_ENDPOINT_URL, exit 1', async () => {
  mode = 'html';
  const run = start(['status']);
  expect(await run.exited).toBe(1);
  expect(run.stderr()).toBe(`ecom-platform: ${endpoint} answered with an HTML page (HTTP 200, "Router login"), not an AWS API: `
    + `AWS_ENDPOINT_URL is set to "${endpoint}": unset it to reach AWS, or point it at an AWS API (or an emulator such as moto)\n`);
});
