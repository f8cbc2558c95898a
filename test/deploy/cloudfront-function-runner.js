// Runs a CloudFront Function's code, as the edge emulator (edge.py) reads it from a synthesized template, for
// each event it is sent: one JSON event per stdin line in, one JSON line `{ result }` or `{ error }` out
// (`{ fatal }`, then exit 1, when the code can't run at all).
//
//   node cloudfront-function-runner.js <code file> <runtime> [--kvs-url <prefix>]
//
// Like CloudFront's runtime, the code gets no `require`, no `process`, no network or file system: a fresh vm
// context with `console` only. Each event is handled in the same context, as an edge worker reuses one.
//
// The one module emulated is cloudfront-js-2.0's `cloudfront` (`import cf from 'cloudfront'`): `cf.kvs()`
// reads the associated KeyValueStore from the stand-in at `--kvs-url` (test/release/kvs-standin.ts):
// `get(key)` and `exists(key)` send GET <prefix>/<encodeURIComponent(key)>; 200 is the value (the body),
// 404 a missing key (get() rejects, as CloudFront's does), anything else or no answer a failing read. Without
// `--kvs-url` the store is empty. Any other module (`crypto`, `querystring`, `require(...)`) fails loudly.
'use strict';
const fs = require('fs');
const readline = require('readline');
const vm = require('vm');

const MAX_CODE_BYTES = 10 * 1024; // CloudFront Functions quota: function size
const CLOUDFRONT_IMPORT = /^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+['"]cloudfront['"];?\s*$/m;
const [codeFile, runtime, ...options] = process.argv.slice(2);
const code = fs.readFileSync(codeFile, 'utf-8');

function fail(message) {
  process.stdout.write(JSON.stringify({ fatal: message }) + '\n');
  process.exit(1);
}

let kvsUrl;
for (let i = 0; i < options.length; i += 2) {
  if (options[i] !== '--kvs-url' || !options[i + 1]) fail(`unknown or incomplete option ${options[i]} (only --kvs-url <prefix>)`);
  kvsUrl = options[i + 1].replace(/\/+$/, '');
}

if (runtime !== 'cloudfront-js-2.0' && runtime !== 'cloudfront-js-1.0') fail(`runtime ${runtime} is not a CloudFront Functions runtime`);
if (Buffer.byteLength(code) > MAX_CODE_BYTES) fail(`function code is ${Buffer.byteLength(code)} bytes, CloudFront allows ${MAX_CODE_BYTES}`);
const imports = code.match(/^\s*import\s.*$/gm) || [];
const cloudfrontImport = CLOUDFRONT_IMPORT.exec(code);
if (imports.length !== (cloudfrontImport ? 1 : 0) || /\brequire\s*\(/.test(code)) {
  fail(`the function imports a module other than cloudfront, which is not emulated: ${imports.join(' | ') || 'require(...)'}`);
}
if (cloudfrontImport && runtime !== 'cloudfront-js-2.0') fail('the cloudfront module (KeyValueStore) needs the cloudfront-js-2.0 runtime');

/** The value of `key`, or undefined when the store has no such key. */
async function readKey(key) {
  if (kvsUrl === undefined) return undefined;
  let response;
  try {
    response = await fetch(`${kvsUrl}/${encodeURIComponent(key)}`);
  } catch (error) {
    throw new Error(`KeyValueStore stand-in ${kvsUrl} did not answer for ${key}: ${error.cause ? error.cause.message : error.message}`);
  }
  const body = await response.text();
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`KeyValueStore stand-in ${kvsUrl} answered ${response.status} for ${key}: ${body}`);
  return body;
}

const cloudfront = {
  // A function has at most one store; CloudFront's kvs() takes its id optionally.
  kvs(id) {
    if (id !== undefined && typeof id !== 'string') throw new TypeError('cf.kvs() takes the key value store id as a string');
    return {
      async get(key, options) {
        const value = await readKey(key);
        if (value === undefined) throw new Error(`KeyValueStore key not found: ${key}`);
        const format = (options && options.format) || 'string';
        if (format === 'string') return value;
        if (format === 'json') return JSON.parse(value);
        throw new Error(`kvs.get() format ${format} is not emulated`);
      },
      async exists(key) {
        return (await readKey(key)) !== undefined;
      },
      async meta() {
        throw new Error('kvs.meta() is not emulated');
      },
    };
  },
};

const logs = [];
const context = vm.createContext({
  console: { log: (...args) => logs.push(args.map(String).join(' ')) },
  __cloudfront: cloudfront,
});
const source = cloudfrontImport ? code.replace(CLOUDFRONT_IMPORT, `var ${cloudfrontImport[1]} = __cloudfront;`) : code;
try {
  vm.runInContext(`${source}\n;globalThis.__handler = handler;`, context, { filename: 'cloudfront-function.js', timeout: 1000 });
} catch (error) {
  fail(`the function code does not load: ${error.message}`);
}
if (typeof context.__handler !== 'function') fail('the function code defines no `handler` function');

// One event at a time, in order: a KeyValueStore read makes a handler asynchronous.
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  queue = queue.then(() => handle(line));
});
lines.on('close', () => queue.then(() => process.exit(0)));

async function handle(line) {
  logs.length = 0;
  let answer;
  try {
    context.__event = line;
    // Parse and serialize inside the context, so the handler sees plain objects of its own realm.
    let result = vm.runInContext('__handler(JSON.parse(__event))', context, { timeout: 1000 });
    if (result && typeof result.then === 'function') {
      let timer;
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('handler did not settle in 1s')), 1000); });
      try {
        result = await Promise.race([result, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    answer = { result: JSON.parse(JSON.stringify(result === undefined ? null : result)), logs: [...logs] };
  } catch (error) {
    answer = { error: String(error && error.stack || error), logs: [...logs] };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
