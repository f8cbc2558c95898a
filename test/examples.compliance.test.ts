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
 * How the example runs (test/helpers/example-app.ts): as `cdk synth` runs it, with the context the CDK CLI gives
 * an app, the account and region, the mode's `ecom:*` keys and the flags, once per mode and phase: synthesized
 * ("after synthesis") or not ("before synthesis": cdk-nag v2 leaves error annotations, so that app is never
 * synthesized). A canary (an unencrypted bucket added to the unsynthesized app) proves that both cdk-nag
 * versions see the example's tree.
 *
 * examples/python gets the same checks in test/python/test_examples_compliance.py.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cfnLint } from './helpers/cfn-lint';
import { describeCompliance } from './helpers/compliance';
import { CLI_CONTEXT, EXAMPLE_ENV as ENV, EXAMPLE_MODES as MODES, readTemplates, runExample } from './helpers/example-app';
import { NagFinding, nagFindings } from './helpers/nag';

const BACKEND_TEMPLATES = 3;

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
