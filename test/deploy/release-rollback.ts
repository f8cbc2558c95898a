// The release module's rollback (src/release/releases.ts, what `ecom-platform rollback` runs) as a process, for
// the release benchmark (bench_spa_deploy.py): production clients (defaultReleaseClients) pointed at the
// emulators by the environment (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE, with
// local-endpoints.js preloaded for `<account>.localhost`).
//
//   node -r ts-node/register/transpile-only test/deploy/release-rollback.ts <bucket> <KvsARN> [<release id>]
//
// Prints one JSON line: the switch (live, previous, changed) and `ms`, the wall time of rollback() alone
// (the process's start-up is not the rollback's).
import { defaultReleaseClients } from '../../src/release/clients';
import { rollback } from '../../src/release/releases';

async function main(argv: readonly string[]): Promise<void> {
  const [bucket, kvsArn, to] = argv;
  if (!bucket || !kvsArn) {
    throw new Error('usage: release-rollback.ts <bucket> <KvsARN> [<release id>]');
  }
  const clients = defaultReleaseClients({ region: process.env.AWS_REGION });
  const started = Date.now();
  const result = await rollback(clients, { bucket, kvsArn, to });
  const ms = Date.now() - started;
  clients.s3.destroy();
  clients.kvs.destroy();
  process.stdout.write(`${JSON.stringify({ live: result.live, previous: result.previous, changed: result.changed, ms })}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
