// The KeyValueStore stand-in (kvs-standin.ts) as a process, for end-to-end tests outside jest (the Python
// ones in test/deploy): the deploy program's SDK client writes to it over HTTP and the emulated CloudFront
// Function reads it through its edge path.
//
//   node -r ts-node/register/transpile-only test/release/kvs-standin-server.ts \
//     [--propagation-ms <ms>] [--store <KvsARN>]...
//
// Prints one JSON line once listening, `{"endpoint": "http://localhost:<port>", "port": <port>}`, then
// serves until stdin closes or SIGTERM: the parent owning the pipe is enough to stop it.
import { KvsStandin } from './kvs-standin';

async function main(argv: readonly string[]): Promise<void> {
  let propagationMs = 0;
  const stores: string[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) {
      throw new Error(`${flag} needs a value`);
    }
    if (flag === '--propagation-ms' && /^[0-9]+$/.test(value)) {
      propagationMs = Number(value);
    } else if (flag === '--store') {
      stores.push(value);
    } else {
      throw new Error(`unknown argument ${flag} ${value} (--propagation-ms <ms>, --store <KvsARN>)`);
    }
  }
  const standin = await KvsStandin.start({ propagationMs });
  for (const arn of stores) {
    standin.createStore(arn);
  }
  let closing = false;
  const stop = () => {
    if (!closing) {
      closing = true;
      void standin.close().then(() => process.exit(0));
      // Keep-alive connections of clients that are gone would hold close() open.
      setTimeout(() => process.exit(0), 2_000).unref();
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  const port = Number(new URL(standin.endpoint).port);
  process.stdout.write(`${JSON.stringify({ endpoint: standin.endpoint, port })}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
