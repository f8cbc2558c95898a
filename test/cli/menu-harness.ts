// The real `ecom-platform` entry point, with the AWS SDK mocked (aws-sdk-client-mock) inside the process, for
// the terminal test (menu.test.ts): it is bundled with esbuild and run in a pseudo-terminal.
import { mockThreePipelines, testClients } from './fake-env';
import { runCli } from '../../src/cli/cli';
import { nodeCliEnv } from '../../src/cli/node-env';

mockThreePipelines();

const cliEnv = nodeCliEnv(() => testClients());
void runCli(process.argv.slice(2), cliEnv).then((code) => {
  cliEnv.close();
  process.exitCode = code;
});
