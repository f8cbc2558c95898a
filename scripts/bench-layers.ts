/**
 * Benchmark of LayerBuilder with E-Com67's five layers (Powertools, Utils, Stripe, OpenSearch, Strands), built
 * for real from PyPI without Docker. Run by hand, not a test:
 *
 *   npx ts-node --project test/tsconfig.json scripts/bench-layers.ts [--runs 5] [--arm64] [--keep]
 *
 * Prints, per layer: the cold build (a synth of a stack with only that layer into an empty cdk.out), the warm
 * synth (the same again), the unzipped size and the file count; then a backend stack of five functions synthesized
 * with all five layers unchanged (warm) against the same stack without layers. Synths run in this process,
 * with CDK's in-process asset cache cleared before each, so only what is in cdk.out is reused (as in a new
 * `cdk synth`); pip runs are counted with a `python3` wrapper on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LayerBuilder, LayerSource, LayerSpec } from '../src';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const ARCHITECTURE = args.includes('--arm64') ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
const KEEP = args.includes('--keep');

const SEED: Array<LayerSpec & { what: string }> = [
  { name: 'powertools', what: 'managed (AWS)', source: LayerSource.powertools() },
  { name: 'utils', what: 'local package', source: LayerSource.fromDirectory('test/fixtures/layers/utils') },
  { name: 'stripe', what: 'stripe==16.1.0', source: LayerSource.fromRequirements(['stripe==16.1.0']) },
  { name: 'opensearch', what: 'opensearch-py==3.2.0', source: LayerSource.fromRequirements(['opensearch-py==3.2.0']) },
  { name: 'strands', what: 'strands-agents==1.62.0', source: LayerSource.fromRequirements(['strands-agents==1.62.0']) },
];
/** For comparison only: Powertools built instead of the managed layer; not part of the five. */
const BUILT_POWERTOOLS: LayerSpec & { what: string } = {
  name: 'powertools-built', what: 'aws-lambda-powertools==3.37.0', source: LayerSource.fromRequirements(['aws-lambda-powertools==3.37.0']),
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-layers-'));
const outdir = path.join(work, 'cdk.out');
const pipLog = path.join(work, 'pip.log');
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
const realPython = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf-8' }).stdout.trim();
fs.writeFileSync(path.join(bin, 'python3'),
  `#!/bin/sh\nif [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo run >> '${pipLog}'; fi\nexec '${realPython}' "$@"\n`, { mode: 0o755 });
process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
const pipRuns = () => (fs.existsSync(pipLog) ? fs.readFileSync(pipLog, 'utf-8').trim().split('\n').length : 0);

/** Seconds taken by one synth of a backend stack: five functions, with the given layers (or none). */
function synth(layers: LayerSpec[] | undefined): { seconds: number; builder?: LayerBuilder; staged: (name: string) => string } {
  AssetStaging.clearAssetHashCache();
  const started = process.hrtime.bigint();
  const app = new App({ outdir });
  const stack = new Stack(app, 'Backend', { env: { account: '111122223333', region: 'eu-west-1' } });
  const builder = layers ? new LayerBuilder(stack, 'Layers', { architecture: ARCHITECTURE, layers }) : undefined;
  for (const fn of ['Products', 'Cart', 'Orders', 'Payments', 'Chat']) {
    new lambda.Function(stack, fn, {
      runtime: lambda.Runtime.PYTHON_3_12,
      architecture: ARCHITECTURE,
      handler: 'index.handler',
      code: lambda.Code.fromInline('def handler(event, context):\n    return {"statusCode": 200}\n'),
      layers: builder ? builder.layerNames.map((n) => builder.layer(n)) : undefined,
    });
  }
  const assembly = app.synth();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const template = assembly.getStackByName('Backend').template;
  const keys = Object.fromEntries(Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::Lambda::LayerVersion')
    .map((r) => [r.Properties.LayerName, path.join(outdir, `asset.${String(r.Properties.Content.S3Key).replace(/\.zip$/, '')}`)]));
  return { seconds, builder, staged: (name) => keys[name] };
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: string[][] = [];
const f = (s: number) => s.toFixed(2);
const ms = (s: number) => (s * 1000).toFixed(0);
try {
  // The first synth of a process pays for loading and compiling aws-cdk-lib: not any layer's cost.
  synth(undefined);
  for (const layer of [...SEED, BUILT_POWERTOOLS]) {
    const pipBefore = pipRuns();
    const cold = synth([layer]);
    const coldPip = pipRuns() - pipBefore;
    const warm = median(Array.from({ length: RUNS }, () => synth([layer]).seconds));
    const bytes = cold.builder!.unzippedSize(layer.name);
    rows.push([
      layer.name === BUILT_POWERTOOLS.name ? `(${layer.name})` : layer.name,
      layer.what,
      `${f(cold.seconds)} (${coldPip} pip)`,
      ms(warm),
      bytes === undefined ? '-' : (bytes / 1_048_576).toFixed(1),
      bytes === undefined ? '-' : String(countFiles(cold.staged(layer.name))),
    ]);
  }

  // Warm-up of the code paths, then the medians.
  synth(SEED);
  synth(undefined);
  const pipBefore = pipRuns();
  const withLayers = median(Array.from({ length: RUNS }, () => synth(SEED).seconds));
  const warmPip = pipRuns() - pipBefore;
  const without = median(Array.from({ length: RUNS }, () => synth(undefined).seconds));

  const header = ['layer', 'source', 'cold build s', 'warm synth ms', 'unzipped MB', 'files'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\nLayerBuilder benchmark: python3.12 ${ARCHITECTURE.name}, ${os.cpus().length} CPUs, median of ${RUNS} warm runs, pip ${
    spawnSync(realPython, ['-m', 'pip', '--version'], { encoding: 'utf-8' }).stdout.split(' ')[1]}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  console.log(`\nBackend stack (5 functions), synth without layers:           ${ms(without)} ms`);
  console.log(`Backend stack (5 functions), warm synth with the five layers: ${ms(withLayers)} ms (${warmPip} pip runs)`);
  console.log(`Ratio warm-with-layers / without:                            ${(withLayers / without).toFixed(2)}`);
} finally {
  if (KEEP) {
    console.log(`\ncdk.out kept in ${outdir}`);
  } else {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
