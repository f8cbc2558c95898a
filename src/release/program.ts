// The deploy program run by SpaPipeline's deploy action: `node spa-release.js deploy`, configured by the
// environment. Exit codes: 0 live, 1 failed, 2 bad input (before any AWS call).

/** Runs the program; resolves to its exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] !== 'deploy') {
    process.stderr.write(`usage: spa-release deploy (got ${argv[0] === undefined ? 'no command' : JSON.stringify(argv[0])})\n`);
    return 2;
  }
  if (!env.SPA_BUCKET) {
    process.stderr.write('SPA_BUCKET is not set: set it to the hosting bucket\'s name\n');
    return 2;
  }
  process.stderr.write('the deploy program is not complete yet\n');
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => { process.exitCode = code; }, (error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
