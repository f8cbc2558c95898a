/**
 * examples/typescript is compliant in every deployment mode, under both feature-flag contexts
 * (`describeCompliance`, test/helpers/compliance.ts, registers these checks):
 *
 * - cdk-nag v3 and v2 (test/helpers/nag.ts) report no unacknowledged error or warning (v2: no rule error
 *   either) over the example's construct tree, before synthesis and after it, as `checkCompliance`
 *   (test/helpers/compliance.ts) does for the library's own platform: the library acknowledges some findings in
 *   `Node.addValidation` hooks, which run at synthesis, and CDK Pipelines builds the backend pipeline then;
 * - cfn-lint (test/helpers/cfn-lint.ts) reports no error and no warning outside its allowlist on every template
 *   the synthesis writes, the nested `assembly-Backend` stage included.
 *
 * How the example runs: as `cdk synth` runs it, in its own directory (LayerBuilder and `Code.fromAsset` paths
 * are relative to it), with the context the CDK CLI gives an app (path and asset metadata, version
 * reporting), the account and region, the mode's `ecom:*` keys and the flags, through CDK_CONTEXT_JSON, and a
 * temporary CDK_OUTDIR. The CLI's `--context` would pass every flag as a string ("false" is truthy), so the
 * app file runs in this process instead, once per mode and phase: `App.prototype.synth` is replaced by a spy
 * that records the app and synthesizes it ("after synthesis") or not ("before synthesis": cdk-nag v2 leaves
 * error annotations, so that app is never synthesized).
 *
 * app.ts is transpiled and evaluated with this test file's module registry (its relative imports resolved from
 * the example's directory), not loaded through `jest.isolateModules`: an isolated registry loads a second copy
 * of aws-cdk-lib, whose constructs cdk-nag (loaded here) would not recognise as its `CfnResource`s, and the
 * checks would pass having seen nothing. A canary (an unencrypted bucket added to the unsynthesized app) proves
 * that both cdk-nag versions see the example's tree.
 *
 * examples/python gets the same checks in test/python/test_examples_compliance.py.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ts from 'typescript';
import { cfnLint } from './helpers/cfn-lint';
import { describeCompliance } from './helpers/compliance';
import { NagFinding, nagFindings } from './helpers/nag';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'typescript');
const APP_FILE = path.join(EXAMPLE, 'app.ts');

/** What the CDK CLI puts into an app's context (test/python/conftest.py's CLI_CONTEXT). */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
};
const ENV = { account: '111122223333', region: 'eu-west-1' };

/** The deployment modes and their stacks, as in test/python/test_examples.py. */
const MODES: ReadonlyArray<{ readonly mode: string; readonly context: Record<string, string>; readonly stacks: string[] }> = [
  { mode: 'direct', context: {}, stacks: ['E-Com67-FrontendStack'] },
  {
    mode: 'frontend pipelines',
    context: { 'ecom:frontendPipelines': 'true' },
    stacks: ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-FrontendStack'],
  },
  {
    mode: 'both pipelines',
    context: { 'ecom:backendPipeline': 'true', 'ecom:frontendPipelines': 'true' },
    stacks: ['E-Com67-AdminPipelineStack', 'E-Com67-BackendPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-FrontendStack'],
  },
];
const BACKEND_TEMPLATES = 3;

let compiledApp: string | undefined;

/** Evaluates app.ts (transpiled once) with this registry; relative imports resolve from the example's directory. */
function evaluateAppFile(): void {
  compiledApp ??= ts.transpileModule(fs.readFileSync(APP_FILE, 'utf-8'), {
    fileName: APP_FILE,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const requireFromExample = (id: string) => jest.requireActual(id.startsWith('.') ? path.resolve(EXAMPLE, id) : id);
  const appModule = { exports: {} };
  new Function('exports', 'require', 'module', '__filename', '__dirname', compiledApp)(
    appModule.exports, requireFromExample, appModule, APP_FILE, EXAMPLE);
}

/**
 * Runs app.ts in the example's directory with CDK_CONTEXT_JSON = `context` and CDK_OUTDIR = `outdir`, and returns
 * the App it built: synthesized when `synthesize`, else with `synth()` skipped.
 */
function runExample(context: Record<string, unknown>, outdir: string, synthesize: boolean): App {
  const apps: App[] = [];
  const synth = App.prototype.synth;
  const spy = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App, options) {
    apps.push(this);
    return synthesize ? synth.call(this, options) : (undefined as any);
  });
  const saved = { cwd: process.cwd(), context: process.env.CDK_CONTEXT_JSON, outdir: process.env.CDK_OUTDIR };
  try {
    process.chdir(EXAMPLE);
    process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
    process.env.CDK_OUTDIR = outdir;
    evaluateAppFile();
  } finally {
    spy.mockRestore();
    process.chdir(saved.cwd);
    restoreEnv('CDK_CONTEXT_JSON', saved.context);
    restoreEnv('CDK_OUTDIR', saved.outdir);
  }
  if (apps.length !== 1) {
    throw new Error(`${APP_FILE} called App.synth() ${apps.length} times; expected once`);
  }
  return apps[0];
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

/** {path under outdir less `.template.json`: template} of every template, nested assemblies included. */
function readTemplates(outdir: string): Record<string, unknown> {
  const templates: Record<string, unknown> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name.startsWith('assembly-')) {
        walk(file);
      } else if (entry.isFile() && entry.name.endsWith('.template.json')) {
        templates[path.relative(outdir, file).slice(0, -'.template.json'.length)] = JSON.parse(fs.readFileSync(file, 'utf-8'));
      }
    }
  };
  walk(outdir);
  return templates;
}

interface ModeResult {
  readonly nagBeforeSynth: NagFinding[];
  readonly nagAfterSynth: NagFinding[];
  readonly canary: NagFinding[];
  readonly templates: Record<string, unknown>;
  readonly seconds: number;
}

/** Both phases of one mode; the canary bucket goes into the unsynthesized app after its own check. */
function checkMode(context: Record<string, unknown>, root: string): ModeResult {
  const started = Date.now();
  const before = runExample(context, path.join(root, 'before'), false);
  const nagBeforeSynth = nagFindings(before);
  const canaryStack = new Stack(before, 'NagCanary', { env: ENV });
  new s3.CfnBucket(canaryStack, 'UnencryptedBucket');
  const canary = nagFindings(canaryStack);

  const outdir = path.join(root, 'cdk.out');
  const after = runExample(context, outdir, true);
  const nagAfterSynth = nagFindings(after);
  return { nagBeforeSynth, nagAfterSynth, canary, templates: readTemplates(outdir), seconds: (Date.now() - started) / 1000 };
}

describeCompliance('examples/typescript', (flags, name) => {
  const results = new Map<string, ModeResult>();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'example-typescript-compliance-'));
  const lintInput: Record<string, unknown> = {};
  try {
    for (const [index, { mode, context }] of MODES.entries()) {
      const result = checkMode({ ...CLI_CONTEXT, ...flags, ...ENV, ...context }, path.join(tmp, `mode-${index}`));
      results.set(mode, result);
      for (const [template, body] of Object.entries(result.templates)) {
        lintInput[`${index}/${template}`] = body;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const started = Date.now();
  // One cfn-lint process for every template of every mode: its start-up is most of its time.
  const lint = cfnLint(lintInput);
  console.log(`examples/typescript (${name}): ${MODES.map(({ mode }) => `${mode} ${results.get(mode)!.seconds.toFixed(1)} s`).join(', ')}; `
    + `cfn-lint ${Object.keys(lintInput).length} templates ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    results,
    cases: MODES.map(({ mode }, index) => ({
      name: mode,
      nagBeforeSynth: results.get(mode)!.nagBeforeSynth,
      nagAfterSynth: results.get(mode)!.nagAfterSynth,
      // cfnLint names each file after its key, with `/` replaced.
      lint: lint.filter((f) => f.template.startsWith(`${index}_`)),
    })),
  };
}, ({ results }) => {
  test.each(MODES)('$mode: synthesizes its stacks and the Backend stage', ({ mode, stacks }) => {
    const templates = Object.keys(results.get(mode)!.templates);
    expect(templates.filter((t) => !t.includes('/')).sort()).toEqual(stacks);
    expect(templates.filter((t) => t.startsWith('assembly-Backend/'))).toHaveLength(BACKEND_TEMPLATES);
  });

  test.each(MODES)('$mode: cdk-nag v3 and v2 see the example\'s tree (a canary bucket is reported)', ({ mode }) => {
    const versions = new Set(results.get(mode)!.canary.filter((f) => f.rule === 'AwsSolutions-S1').map((f) => f.version));
    expect([...versions].sort()).toEqual(['v2', 'v3']);
  });
});
