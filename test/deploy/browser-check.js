// Loads pages of a deployed SPA in headless Chromium and reports what the browser enforced: CSP violations,
// console errors, what the app recorded in `window.__shop`, the document's status and response headers.
//
//   node test/deploy/browser-check.js <config.json>   -> one JSON report on stdout, exit 0 (even if a page
//                                                        failed: the test judges), exit 2 on a setup error
//
// config: {
//   "pages": [{ "name", "url": "https://shop.example.test/orders/42",
//               "origins": { "https://shop.example.test": "http://127.0.0.1:<edge emulator port>" },
//               "readySelector": "#app-ready", "timeoutMs": 20000, "settleMs": 750 }],
//   "executablePath": "/usr/bin/chromium", "totalTimeoutMs": 120000
// }
//
// Every request of the browser goes through one `context.route()`: a request to a site origin is answered by
// that site's edge emulator (status, headers, body as the emulator sent them), any other http(s) request by a
// fake third party (below): nothing leaves the machine. Routing sits in the network layer, after Blink's CSP
// checks: a request the CSP blocks never reaches it (`routed` in the report lists those that did).
// WebSockets can't be routed that way: Playwright's `routeWebSocket()` replaces the page's `WebSocket` in
// JavaScript, ahead of Blink's connect-src check (measured: a wss:// URL outside connect-src opened). So
// sockets are real: Chromium resolves every host name to a local TLS server (`--host-resolver-rules`), which
// accepts any WebSocket handshake and records it; a socket the CSP blocks never reaches it. The same rule
// keeps anything not routed from leaving the machine.
// One browser process serves every page, each in a fresh context. Every wait is bounded; a watchdog ends the
// process whatever happens.
'use strict';
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

// ------------------------------------------------------------------------------------------ fake vendors
// Each fake does, with the page's CSP in force, what the vendor's real code does that a CSP governs: the
// directives its documentation lists.
const FAKE_STRIPE_JS = `/* fake Stripe.js v3 (browser-check.js) */
(function () {
  function frame(src, hidden) {
    var f = document.createElement('iframe');
    f.src = src; f.title = 'Secure payment frame (fake)'; f.setAttribute('frameborder', '0');
    if (hidden) f.style.display = 'none';
    return f;
  }
  function Stripe(key) {
    if (!(this instanceof Stripe)) return new Stripe(key);
    // Stripe.js creates a hidden controller frame on js.stripe.com as soon as it is initialised.
    document.body.appendChild(frame('https://js.stripe.com/v3/controller-fake.html#apiKey=' + encodeURIComponent(key), true));
    this.elements = function () {
      // Elements fetch their session from api.stripe.com (connect-src).
      fetch('https://api.stripe.com/v1/elements/sessions?key=' + encodeURIComponent(key)).catch(function () {});
      return { create: function (type) { return { mount: function (target) {
        var el = typeof target === 'string' ? document.querySelector(target) : target;
        el.appendChild(frame('https://js.stripe.com/v3/elements-inner-' + type + '-fake.html', false));
      } }; } };
    };
  }
  window.Stripe = Stripe;
})();
`;

const FAKE_FBEVENTS_JS = `/* fake fbevents.js (browser-check.js) */
(function () {
  var fbq = window.fbq;
  if (!fbq) return;
  var pixel = null;
  function call(args) {
    if (args[0] === 'init') {
      pixel = args[1];
      // fbevents.js loads the pixel's configuration as another script from connect.facebook.net.
      var s = document.createElement('script');
      s.src = 'https://connect.facebook.net/signals/config/' + encodeURIComponent(pixel) + '?v=2.9.fake&r=stable';
      document.head.appendChild(s);
    } else if (args[0] === 'track') {
      new Image().src = 'https://www.facebook.com/tr/?id=' + encodeURIComponent(pixel) + '&ev=' + encodeURIComponent(args[1]) + '&fake=1';
    }
  }
  fbq.callMethod = function () { call([].slice.call(arguments)); };
  (fbq.queue || []).splice(0).forEach(call);
})();
`;

function cors(request) {
  const origin = request.headers().origin;
  return origin ? {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': request.headers()['access-control-request-headers'] || '*',
    'vary': 'Origin',
  } : {};
}

/** The fake answer of a third party; `null`: let the caller decide by resource type. */
function fakeThirdParty(request) {
  const url = new URL(request.url());
  const type = request.resourceType();
  const json = (body, contentType = 'application/json') => ({ status: 200, headers: { 'content-type': contentType, ...cors(request) }, body: JSON.stringify(body) });
  if (request.method() === 'OPTIONS') return { status: 204, headers: cors(request), body: '' };
  if (url.hostname === 'js.stripe.com') {
    if (type === 'script') return { status: 200, headers: { 'content-type': 'text/javascript' }, body: FAKE_STRIPE_JS };
    return { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>stripe frame (fake)</title><p>card</p>' };
  }
  if (url.hostname === 'connect.facebook.net') {
    const body = url.pathname.endsWith('/fbevents.js') ? FAKE_FBEVENTS_JS : '/* fake pixel config */';
    return { status: 200, headers: { 'content-type': 'text/javascript' }, body };
  }
  if (url.hostname === 'api.stripe.com') return json({ object: 'elements_session', fake: true });
  if (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname)) {
    return json({ AuthenticationResult: { AccessToken: 'fake', IdToken: 'fake', ExpiresIn: 3600, TokenType: 'Bearer' } }, 'application/x-amz-json-1.1');
  }
  if (url.pathname.endsWith('/products')) return json([{ id: 'p1', name: 'Fixture product', price: 1999 }]);
  return null;
}

function fakeByType(request) {
  const type = request.resourceType();
  const headers = cors(request);
  if (type === 'image') return { status: 200, headers: { 'content-type': 'image/gif', ...headers }, body: GIF };
  if (type === 'script') return { status: 200, headers: { 'content-type': 'text/javascript' }, body: '/* fake third-party script */' };
  if (type === 'stylesheet') return { status: 200, headers: { 'content-type': 'text/css' }, body: '' };
  if (type === 'document') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>fake</title>' };
  if (type === 'fetch' || type === 'xhr') return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: '{}' };
  return { status: 200, headers, body: '' };
}

// ------------------------------------------------------------------------------------------ site origins
/** Forwards a request for a site origin to its edge emulator, as the viewer's https request. */
function viaEdge(request, target, timeoutMs) {
  const url = new URL(request.url());
  const edge = new URL(target);
  const headers = { ...request.headers(), 'host': url.host, 'x-forwarded-proto': url.protocol.replace(':', '') };
  const body = request.postDataBuffer();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: edge.hostname, port: edge.port, method: request.method(), path: url.pathname + url.search, headers, timeout: timeoutMs }, (res) => {
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
    req.on('timeout', () => req.destroy(new Error(`edge emulator ${target} did not answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// Installed in every frame before any of its scripts: the page's own record of what the CSP refused.
const VIOLATION_LISTENER = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({
      blockedURI: e.blockedURI, violatedDirective: e.violatedDirective, effectiveDirective: e.effectiveDirective,
      disposition: e.disposition, sourceFile: e.sourceFile, documentURI: e.documentURI,
    });
  }, true);
};

async function checkPage(browser, page, report) {
  const origins = page.origins || {};
  const timeoutMs = page.timeoutMs || 20000;
  // ignoreHTTPSErrors: the local socket server's self-signed certificate (only sockets reach it, see main()).
  const context = await browser.newContext({ serviceWorkers: 'block', ignoreHTTPSErrors: true });
  try {
    context.setDefaultTimeout(timeoutMs);
    await context.addInitScript(VIOLATION_LISTENER);
    await context.route('**/*', async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const entry = { method: request.method(), url: request.url(), type: request.resourceType() };
      try {
        if (origins[url.origin]) {
          const answer = await viaEdge(request, origins[url.origin], timeoutMs);
          entry.status = answer.status;
          entry.via = 'edge';
          report.routed.push(entry);
          await route.fulfill(answer);
          return;
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          await route.continue();
          return;
        }
        const answer = fakeThirdParty(request) || fakeByType(request);
        entry.status = answer.status;
        entry.via = 'fake';
        report.routed.push(entry);
        await route.fulfill(answer);
      } catch (error) {
        entry.error = String(error && error.message || error);
        report.routed.push(entry);
        await route.abort('failed').catch(() => {});
      }
    });
    const tab = await context.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') report.console.push({ type: message.type(), text: message.text() });
    });
    tab.on('pageerror', (error) => report.pageErrors.push(String(error && error.message || error)));
    tab.on('websocket', (ws) => {
      const entry = { url: ws.url(), events: [] };
      report.websockets.push(entry);
      ws.on('framereceived', (frame) => entry.events.push(`received ${String(frame.payload).slice(0, 80)}`));
      ws.on('socketerror', (error) => entry.events.push(`error ${error}`));
      ws.on('close', () => entry.events.push('close'));
    });
    tab.on('requestfailed', (request) => report.failedRequests.push({ url: request.url(), error: request.failure() && request.failure().errorText }));

    const response = await tab.goto(page.url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    report.status = response ? response.status() : null;
    report.headers = response ? await response.allHeaders() : {};
    if (page.readySelector) {
      try {
        const ready = await tab.waitForSelector(page.readySelector, { timeout: timeoutMs, state: 'attached' });
        report.ready = true;
        report.readyText = (await ready.textContent()) || '';
      } catch (error) {
        report.ready = false;
        report.notes.push(`${page.readySelector} not shown in ${timeoutMs} ms`);
      }
    }
    await tab.waitForTimeout(page.settleMs ?? 750); // late beacons and frames
    report.finalUrl = tab.url();
    report.violations = await tab.evaluate(() => window.__cspViolations || []).catch((e) => [{ error: String(e) }]);
    report.frameViolations = [];
    for (const frame of tab.frames()) {
      if (frame === tab.mainFrame()) continue;
      const found = await frame.evaluate(() => window.__cspViolations || []).catch(() => []);
      report.frameViolations.push(...found.map((v) => ({ frame: frame.url(), ...v })));
    }
    report.shop = await tab.evaluate(() => (window.__shop ? JSON.parse(JSON.stringify(window.__shop)) : null)).catch(() => null);
    report.title = await tab.title().catch(() => null);
  } finally {
    await Promise.race([context.close(), new Promise((r) => setTimeout(r, 5000))]);
  }
}

// ------------------------------------------------------------------------------------------ sockets
/** A TLS server on 127.0.0.1 that completes every WebSocket handshake and answers other requests 502. */
async function socketServer(log) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-check-'));
  try {
    childProcess.execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=browser-check.invalid', '-days', '1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 30000 });
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
      log({ kind: 'http', host: req.headers.host, path: req.url });
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('not routed: browser-check.js answers every http(s) request through context.route()');
    });
    const sockets = new Set();
    server.on('upgrade', (req, socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      log({ kind: 'websocket', host: req.headers.host, path: req.url, origin: req.headers.origin });
      const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      const payload = Buffer.from('{"type":"welcome","fake":true}');
      socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload])); // one unmasked text frame
    });
    await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
    server.closeAll = () => { for (const s of sockets) s.destroy(); server.close(); };
    return server;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
  const reports = [];
  const output = { browser: null, playwright: require('playwright-core/package.json').version, pages: reports, network: [] };
  const emit = () => process.stdout.write(JSON.stringify(output, null, 1) + '\n');
  const watchdog = setTimeout(() => {
    output.error = `watchdog: the check did not finish in ${config.totalTimeoutMs || 120000} ms`;
    emit();
    process.exit(3);
  }, config.totalTimeoutMs || 120000);
  watchdog.unref();

  const executablePath = config.executablePath || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    output.error = `Chromium not found at ${executablePath}: install it (apt-get install -y chromium); this check never downloads a browser`;
    emit();
    process.exit(2);
  }
  let browser;
  let sockets;
  let current = null;
  try {
    sockets = await socketServer((entry) => (current ? current.network : output.network).push(entry));
    // Every host name resolves to the socket server: what is not routed can't leave the machine.
    // Local Network Access would refuse a public origin's connection to 127.0.0.1, where that rule sends it.
    const networkArgs = [`--host-resolver-rules=MAP * 127.0.0.1:${sockets.address().port}`,
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'];
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...networkArgs], timeout: 60000 });
    output.browser = browser.version();
    for (const page of config.pages) {
      const report = { name: page.name, url: page.url, status: null, headers: {}, ready: null, violations: [], console: [], pageErrors: [],
        failedRequests: [], routed: [], websockets: [], network: [], notes: [] };
      reports.push(report);
      current = report;
      try {
        await checkPage(browser, page, report);
      } catch (error) {
        report.error = String(error && error.stack || error);
      }
    }
  } catch (error) {
    output.error = String(error && error.stack || error);
    emit();
    process.exitCode = 2;
    return;
  } finally {
    if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10000))]);
    if (sockets) sockets.closeAll();
  }
  emit();
  process.exit(0);
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String(error && error.stack || error) }) + '\n');
  process.exit(2);
});
