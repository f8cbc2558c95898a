// One headless Chromium kept open for a whole test file, driven over stdin/stdout, so a tab opened on one
// release can act again after later releases went live (test_releases_browser.py).
//
//   node test/deploy/release-browser-check.js <config.json>
//     config: { "executablePath": "/usr/bin/chromium",
//               "origins": { "https://shop.example.test": "https://127.0.0.1:<edge emulator port>" },
//               "edgeCa": "<the edge emulator's certificate (PEM)>" }
//   first line out: {"ready": true, "browser": "<version>"} (or {"error"} and exit 2)
//   then one JSON command per line in, one JSON answer per line out:
//     {"op": "open", "tab": "t1", "url": "https://shop.example.test/orders/42", "readySelector": "#app-ready"}
//        -> a new tab in a fresh context (a new visitor: empty cache); the document's status, the page's texts,
//           what the app recorded (window.__app), the requests it made
//     {"op": "details", "tab": "t1"}  -> clicks "Show details" (the lazy chunk) and waits for its outcome
//     {"op": "close", "tab": "t1"}
//   stdin closed: the browser closes and the process exits.
//
// Every request of a page goes through `context.route()`: one for a site origin is sent to that site's edge
// emulator (over https, trusting only its certificate) and answered with what it sent; anything else is
// aborted and recorded. Chromium resolves every host name to nowhere, so nothing leaves the machine.
'use strict';
const fs = require('fs');
const https = require('https');
const readline = require('readline');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'];
const OP_TIMEOUT_MS = 20000;

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const edgeCa = config.edgeCa ? fs.readFileSync(config.edgeCa) : undefined;
const tabs = new Map();
let browser;

function write(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The request as the viewer sent it, to the edge emulator: same path, headers and Host. */
function viaEdge(request, target) {
  const url = new URL(request.url());
  const edge = new URL(target);
  const headers = { ...request.headers(), host: url.host };
  const body = request.postDataBuffer();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: edge.hostname, port: edge.port, method: request.method(), path: url.pathname + url.search, headers,
      // The certificate is the emulator's (127.0.0.1, localhost), not the site's: without a servername Node
      // would check it against the Host header. SNI takes no IP address, hence localhost.
      ca: edgeCa, servername: edge.hostname === '127.0.0.1' ? 'localhost' : edge.hostname, timeout: OP_TIMEOUT_MS,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const out = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i].toLowerCase();
          out[name] = out[name] === undefined ? res.rawHeaders[i + 1] : `${out[name]}, ${res.rawHeaders[i + 1]}`;
        }
        resolve({ status: res.statusCode, headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`edge emulator ${target} did not answer in ${OP_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function open(command) {
  if (tabs.has(command.tab)) throw new Error(`tab ${command.tab} is already open`);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  context.setDefaultTimeout(OP_TIMEOUT_MS);
  const tab = { context, page: null, requests: [], console: [], pageErrors: [], failed: [], violations: [] };
  tabs.set(command.tab, tab);
  await context.exposeBinding('__cspViolation', (_source, v) => tab.violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation({ blockedURI: e.blockedURI, directive: e.effectiveDirective }), true);
  });
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const entry = { method: request.method(), path: url.pathname + url.search, type: request.resourceType(), origin: url.origin };
    tab.requests.push(entry);
    const target = config.origins[url.origin];
    if (!target) {
      entry.status = 'aborted: not a site origin';
      await route.abort('blockedbyclient');
      return;
    }
    try {
      const answer = await viaEdge(request, target);
      entry.status = answer.status;
      entry.cacheControl = answer.headers['cache-control'];
      await route.fulfill(answer);
    } catch (error) {
      entry.status = `error: ${error.message}`;
      await route.abort('failed').catch(() => {});
    }
  });
  tab.page = await context.newPage();
  tab.page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') tab.console.push(m.text()); });
  tab.page.on('pageerror', (e) => tab.pageErrors.push(String(e && e.message || e)));
  tab.page.on('requestfailed', (r) => tab.failed.push({ url: r.url(), error: r.failure() && r.failure().errorText }));
  const response = await tab.page.goto(command.url, { waitUntil: 'domcontentloaded' });
  const out = { status: response ? response.status() : null, ready: false };
  try {
    await tab.page.waitForSelector(command.readySelector || '#app-ready', { state: 'attached' });
    out.ready = true;
  } catch (error) {
    out.notes = [`${command.readySelector || '#app-ready'} not shown: ${error.message.split('\n')[0]}`];
  }
  return { ...out, ...(await snapshot(tab)) };
}

async function details(command) {
  const tab = tabOf(command);
  const before = tab.requests.length;
  await tab.page.click('#load-details');
  await tab.page.waitForSelector('#details[data-state="loaded"], #details[data-state="failed"]', { state: 'attached' });
  const state = await tab.page.getAttribute('#details', 'data-state');
  return { state, ...(await snapshot(tab)), newRequests: tab.requests.slice(before) };
}

/** What the page shows and what happened so far. */
async function snapshot(tab) {
  const text = async (selector) => (await tab.page.$(selector)) ? tab.page.textContent(selector) : null;
  return {
    url: tab.page.url(),
    release: await text('#release'),
    api: await text('#api'),
    order: await text('#order'),
    details: await text('#details'),
    app: await tab.page.evaluate(() => (window.__app ? JSON.parse(JSON.stringify(window.__app)) : null)),
    requests: tab.requests,
    console: tab.console,
    pageErrors: tab.pageErrors,
    failed: tab.failed,
    violations: tab.violations,
  };
}

function tabOf(command) {
  const tab = tabs.get(command.tab);
  if (!tab) throw new Error(`no tab ${command.tab}`);
  return tab;
}

async function close(command) {
  const tab = tabOf(command);
  tabs.delete(command.tab);
  await tab.context.close();
  return { closed: command.tab };
}

const OPS = { open, details, close };

async function main() {
  if (!fs.existsSync(config.executablePath)) {
    write({ error: `Chromium not found at ${config.executablePath}: install it (apt-get install -y chromium); this check never downloads a browser` });
    process.exit(2);
  }
  browser = await chromium.launch({ executablePath: config.executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  write({ ready: true, browser: browser.version() });
  // One command at a time, in order: the test is a sequence of steps.
  let queue = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      let command;
      try {
        command = JSON.parse(line);
        const op = OPS[command.op];
        if (!op) throw new Error(`unknown op ${command.op}`);
        const result = await Promise.race([op(command), new Promise((_, reject) => setTimeout(
          () => reject(new Error(`${command.op} did not finish in ${2 * OP_TIMEOUT_MS} ms`)), 2 * OP_TIMEOUT_MS))]);
        write({ ok: true, ...result });
      } catch (error) {
        const tab = command && tabs.get(command.tab);
        write({ ok: false, error: String(error && error.stack || error), requests: tab ? tab.requests : [] });
      }
    });
  });
  lines.on('close', () => {
    queue.then(() => Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10000))])).then(() => process.exit(0));
  });
}

main().catch((error) => {
  write({ error: String(error && error.stack || error) });
  process.exit(2);
});
