// Runs a CloudFront Function's code, as the edge emulator (edge.py) reads it from a synthesized template, for
// each event it is sent: one JSON event per stdin line in, one JSON line `{ result }` or `{ error }` out.
//
// Like CloudFront's runtime, the code gets no `require`, no `process`, no network or file system: a fresh vm
// context with `console` only (cloudfront-js-2.0's `crypto`/`querystring` modules and KeyValueStore imports
// are not emulated and fail loudly). Each event is handled in the same context, as an edge worker reuses one.
'use strict';
const fs = require('fs');
const readline = require('readline');
const vm = require('vm');

const MAX_CODE_BYTES = 10 * 1024; // CloudFront Functions quota: function size
const [codeFile, runtime] = process.argv.slice(2);
const code = fs.readFileSync(codeFile, 'utf-8');

function fail(message) {
  process.stdout.write(JSON.stringify({ fatal: message }) + '\n');
  process.exit(1);
}

if (runtime !== 'cloudfront-js-2.0' && runtime !== 'cloudfront-js-1.0') fail(`runtime ${runtime} is not a CloudFront Functions runtime`);
if (Buffer.byteLength(code) > MAX_CODE_BYTES) fail(`function code is ${Buffer.byteLength(code)} bytes, CloudFront allows ${MAX_CODE_BYTES}`);
if (/^\s*import\s/m.test(code) || /\brequire\s*\(/.test(code)) fail('the function imports a module (cloudfront KeyValueStore, crypto...): not emulated');

const logs = [];
const context = vm.createContext({
  console: { log: (...args) => logs.push(args.map(String).join(' ')) },
});
try {
  vm.runInContext(`${code}\n;globalThis.__handler = handler;`, context, { filename: 'cloudfront-function.js', timeout: 1000 });
} catch (error) {
  fail(`the function code does not load: ${error.message}`);
}
if (typeof context.__handler !== 'function') fail('the function code defines no `handler` function');

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  logs.length = 0;
  let answer;
  try {
    context.__event = line;
    // Parse and serialize inside the context, so the handler sees plain objects of its own realm.
    let result = vm.runInContext('__handler(JSON.parse(__event))', context, { timeout: 1000 });
    if (result && typeof result.then === 'function') {
      result = await Promise.race([result, new Promise((_, reject) => setTimeout(() => reject(new Error('handler did not settle in 1s')), 1000))]);
    }
    answer = { result: JSON.parse(JSON.stringify(result === undefined ? null : result)), logs: [...logs] };
  } catch (error) {
    answer = { error: String(error && error.stack || error), logs: [...logs] };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
lines.on('close', () => process.exit(0));
