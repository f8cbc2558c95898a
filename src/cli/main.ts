#!/usr/bin/env node
// The `ecom-platform` command: bundled with its AWS SDK clients into lib/ecom-platform-cli.js (bundle:cli).
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from './cli';
import { nodeCliEnv } from './node-env';

// doctor checks the Node.js version itself; the SDK's own notice about it would only be noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function packageVersion(): string {
  try {
    // lib/ecom-platform-cli.js -> the package's package.json.
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

const cliEnv = nodeCliEnv();
void runCli(process.argv.slice(2), cliEnv, { version: packageVersion() }).then((code) => {
  cliEnv.close();
  process.exitCode = code;
});
