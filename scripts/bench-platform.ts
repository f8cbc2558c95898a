/**
 * Benchmark of the complete sample platform (EcomPlatform in pipeline mode: frontend stack, backend pipeline,
 * one pipeline per app, the backend stage) as examples/typescript and examples/python define it. Run by hand,
 * not a test:
 *
 *   npx ts-node --project test/tsconfig.json scripts/bench-platform.ts [--runs 3]
 *
 * Prints (a) the wall time of `cdk synth` (the real CDK CLI, in the example's folder, with
 * `-c ecom:backendPipeline=true -c ecom:frontendPipelines=true`) of each example, median of the runs, and their
 * ratio; (b) template bytes and resources per stack of the TypeScript example, nested assemblies included;
 * (c) the actions of each pipeline, per stage; (d) the npm tarball and wheel sizes.
 *
 * The Python example needs a Python with the built wheel and aws-cdk-lib: the venv test/python/conftest.py
 * creates at .cache/wheel-venv (put first on PATH). Without it the Python column is skipped.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;

const root = path.resolve(__dirname, '..');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const venvBin = path.join(root, '.cache', 'wheel-venv', process.platform === 'win32' ? 'Scripts' : 'bin');
const venvPython = path.join(venvBin, process.platform === 'win32' ? 'python.exe' : 'python');
const context: Record<string, string> = {
  'account': '111122223333',
  'region': 'eu-west-1',
  // The seed's USE_BACKEND_PIPELINE=true and USE_FRONTEND_PIPELINES=true.
  'ecom:backendPipeline': 'true',
  'ecom:frontendPipelines': 'true',
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-platform-'));

type Language = 'typescript' | 'python';

/** Runs `cdk synth` of one example into outdir; returns the wall time in seconds. Throws with the output on failure. */
function synth(language: Language, outdir: string): number {
  fs.rmSync(outdir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
  for (const name of ['CDK_CONTEXT_JSON', 'CDK_OUTDIR', 'PYTHONPATH', 'PYTHONHOME']) {
    delete env[name];
  }
  if (language === 'python') {
    env.PATH = `${venvBin}${path.delimiter}${env.PATH}`;
    env.VIRTUAL_ENV = path.dirname(venvBin);
  }
  const started = process.hrtime.bigint();
  const proc = spawnSync(cdk, [
    'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir,
    ...Object.entries(context).flatMap(([key, value]) => ['--context', `${key}=${value}`]),
  ], { cwd: path.join(root, 'examples', language), env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (proc.status !== 0) {
    throw new Error(`cdk synth of examples/${language} failed (exit ${proc.status ?? proc.signal}):\n${proc.stdout}\n${proc.stderr}`);
  }
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Found { readonly name: string; readonly assembly: string; readonly bytes: number; readonly template: any }

/** Every stack of a cloud assembly, those of nested assemblies (stages) included. */
function stacksOf(dir: string, assembly = '.'): Found[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts ?? {}).flatMap(([id, artifact]) => {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = path.join(dir, artifact.properties.templateFile);
      return [{
        name: artifact.properties.stackName ?? id,
        assembly,
        bytes: fs.statSync(file).size,
        template: JSON.parse(fs.readFileSync(file, 'utf-8')),
      }];
    }
    if (artifact.type === 'cdk:cloud-assembly') {
      const sub = artifact.properties.directoryName;
      return stacksOf(path.join(dir, sub), assembly === '.' ? sub : `${assembly}/${sub}`);
    }
    return [];
  });
}

function table(headers: string[], rows: string[][], right: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const secs = (s: number) => `${s.toFixed(2)} s`;

// --- (a) synth wall time ------------------------------------------------------------------------------------

const haveVenv = fs.existsSync(venvPython);
const languages: Language[] = haveVenv ? ['typescript', 'python'] : ['typescript'];
const times: Record<string, number[]> = { typescript: [], python: [] };
console.log(`cdk synth of the sample platform, ${RUNS} runs each, context ${Object.entries(context).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`(${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; runs alternate between the languages)\n`);
for (let run = 0; run < RUNS; run++) {
  for (const language of languages) {
    times[language].push(synth(language, path.join(work, `${language}.out`)));
  }
}

console.log('(a) Synth wall time (`cdk synth --quiet`, from the CLI starting to it exiting)\n');
const tsMedian = median(times.typescript);
const rowsA: string[][] = [['examples/typescript (ts-node)', secs(tsMedian), times.typescript.map(secs).join(', '), '1.00×']];
if (haveVenv) {
  const pyMedian = median(times.python);
  rowsA.push(['examples/python (wheel venv)', secs(pyMedian), times.python.map(secs).join(', '), `${(pyMedian / tsMedian).toFixed(2)}×`]);
} else {
  rowsA.push(['examples/python', 'skipped', '-', '-']);
}
console.log(table(['Example', 'Median', 'Runs', 'vs TypeScript'], rowsA, [false, true, false, true]));
if (!haveVenv) {
  console.log(`\nPython column skipped: no venv at ${path.relative(root, path.dirname(venvBin))}. Create it (wheel + aws-cdk-lib) with:\n`
    + '  npx projen package:python && python3 -m pytest -q test/python');
}

// --- (b) templates -----------------------------------------------------------------------------------------

const tsStacks = stacksOf(path.join(work, 'typescript.out'));
let pyStacks: Found[] | undefined;
if (haveVenv) {
  pyStacks = stacksOf(path.join(work, 'python.out'));
}
console.log('\n(b) Templates of examples/typescript (assembly "." is the app, others are stages)\n');
const rowsB = tsStacks.map((s) => [s.name, s.assembly, kb(s.bytes), String(Object.keys(s.template.Resources ?? {}).length)]);
const totalBytes = tsStacks.reduce((sum, s) => sum + s.bytes, 0);
const totalResources = tsStacks.reduce((sum, s) => sum + Object.keys(s.template.Resources ?? {}).length, 0);
rowsB.push([`Total (${tsStacks.length} stacks)`, '', kb(totalBytes), String(totalResources)]);
console.log(table(['Stack', 'Assembly', 'Template', 'Resources'], rowsB, [false, false, true, true]));
if (pyStacks) {
  const pyBytes = pyStacks.reduce((sum, s) => sum + s.bytes, 0);
  const pyResources = pyStacks.reduce((sum, s) => sum + Object.keys(s.template.Resources ?? {}).length, 0);
  console.log(`\nexamples/python for comparison: ${pyStacks.length} stacks, ${kb(pyBytes)}, ${pyResources} resources`);
}

// --- (c) pipelines -----------------------------------------------------------------------------------------

console.log('\n(c) Pipeline actions (examples/typescript)\n');
const rowsC: string[][] = [];
for (const stack of tsStacks) {
  for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CodePipeline::Pipeline') {
      continue;
    }
    const stages: any[] = resource.Properties.Stages ?? [];
    const actions = stages.reduce((sum, s) => sum + (s.Actions ?? []).length, 0);
    const name = typeof resource.Properties.Name === 'string' ? resource.Properties.Name : `(${logicalId})`;
    rowsC.push([name, stack.name, String(stages.length), String(actions),
      stages.map((s) => `${s.Name} ${(s.Actions ?? []).length}`).join(' → ')]);
  }
}
console.log(table(['Pipeline', 'Stack', 'Stages', 'Actions', 'Actions per stage'], rowsC, [false, false, true, true, false]));

// --- (d) packages ------------------------------------------------------------------------------------------

console.log('\n(d) Packages\n');
function artifact(dir: string, ext: string): string | undefined {
  const full = path.join(root, dir);
  const files = fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith(ext)).sort() : [];
  return files.length ? path.join(dir, files[files.length - 1]) : undefined;
}
const rowsD: string[][] = [];
for (const [what, dir, ext, task] of [
  ['npm tarball', 'dist/js', '.tgz', 'npx projen package:js'],
  ['Python wheel', 'dist/python', '.whl', 'npx projen package:python'],
]) {
  const file = artifact(dir, ext);
  rowsD.push(file
    ? [what, file, kb(fs.statSync(path.join(root, file)).size)]
    : [what, `none in ${dir}/`, `build with \`${task}\` (after \`npx projen compile\`)`]);
}
console.log(table(['Package', 'File', 'Size'], rowsD, [false, false, false]));

fs.rmSync(work, { recursive: true, force: true });
