/**
 * Runs examples/typescript/app.ts in this process, as `cdk synth` runs it: in its own directory (LayerBuilder
 * and `Code.fromAsset` paths are relative to it), with the context the CDK CLI gives an app through
 * CDK_CONTEXT_JSON and a CDK_OUTDIR. The CLI's `--context` would pass every flag as a string ("false" is
 * truthy), hence in-process. `App.prototype.synth` is replaced by a spy that records the app and synthesizes it
 * or not (cdk-nag v2 leaves error annotations on an app checked before synthesis, so that one is never
 * synthesized).
 *
 * app.ts is transpiled and evaluated with the calling test file's module registry (its relative imports resolved
 * from the example's directory), not loaded through `jest.isolateModules`: an isolated registry loads a second
 * copy of aws-cdk-lib, whose constructs cdk-nag (loaded by the test) would not recognise as its `CfnResource`s.
 *
 * Used by test/examples.compliance.test.ts (cdk-nag, cfn-lint) and test/checkov.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ts from 'typescript';

export const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'typescript');
const APP_FILE = path.join(EXAMPLE, 'app.ts');

/** What the CDK CLI puts into an app's context (test/python/conftest.py's CLI_CONTEXT). */
export const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
};
export const EXAMPLE_ENV = { account: '111122223333', region: 'eu-west-1' };

/** The deployment modes and their stacks, as in test/python/test_examples.py. */
export const EXAMPLE_MODES: ReadonlyArray<{ readonly mode: string; readonly context: Record<string, string>; readonly stacks: string[] }> = [
  { mode: 'direct', context: {}, stacks: ['E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack'] },
  {
    mode: 'frontend pipelines',
    context: { 'ecom:frontendPipelines': 'true' },
    stacks: ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack'],
  },
  {
    mode: 'both pipelines',
    context: { 'ecom:backendPipeline': 'true', 'ecom:frontendPipelines': 'true' },
    stacks: ['E-Com67-AdminPipelineStack', 'E-Com67-BackendPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-EdgeMonitoringStack',
      'E-Com67-FrontendStack', 'E-Com67-MonitoringStack'],
  },
];

let compiledApp: string | undefined;

/** Evaluates app.ts (transpiled once) with the caller's registry; relative imports resolve from the example's directory. */
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
export function runExample(context: Record<string, unknown>, outdir: string, synthesize: boolean): App {
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
export function readTemplates(outdir: string): Record<string, unknown> {
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
