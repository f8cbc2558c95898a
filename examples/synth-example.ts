// The README's main job: synthesize examples/typescript with the real AWS CDK CLI (no AWS account needed:
// the environment comes from context) into ./cdk.out, then print the stacks, their resources, the pipelines and
// the fixed monthly cost of what was synthesized (scripts/fixed-cost.ts, docs/cost.md).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assemblyStacks, fixedCostTable } from '../scripts/fixed-cost';

const root = path.resolve(__dirname, '..');
const outdir = path.join(root, 'cdk.out');
const context = {
  'account': '111122223333',
  'region': 'eu-west-1',
  // The seed's USE_BACKEND_PIPELINE=true and USE_FRONTEND_PIPELINES=true.
  'ecom:backendPipeline': 'true',
  'ecom:frontendPipelines': 'true',
};
fs.rmSync(outdir, { recursive: true, force: true });
execFileSync(path.join(root, 'node_modules', '.bin', 'cdk'), [
  'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir,
  ...Object.entries(context).flatMap(([key, value]) => ['--context', `${key}=${value}`]),
], { cwd: path.join(root, 'examples', 'typescript'), stdio: 'inherit', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });

const stacks = assemblyStacks(outdir);
console.log(`\nSynthesized ${stacks.length} stacks to ${path.relative(process.cwd(), outdir)} with the AWS CDK CLI\n`);
for (const { name, template } of stacks) {
  const resources = Object.values<any>(template.Resources ?? {});
  console.log(`${name}: ${resources.length} resources`);
  const byType = new Map<string, number>();
  resources.forEach((r) => byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1));
  for (const [type, count] of [...byType].sort()) {
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  }
  for (const pipeline of resources.filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')) {
    const stages = (pipeline.Properties.Stages ?? []).map((s: any) => `${s.Name} (${s.Actions.length})`);
    console.log(`  pipeline ${JSON.stringify(pipeline.Properties.Name ?? '(generated name)')}: ${stages.join(' -> ')}`);
  }
}

// What the platform costs at rest, before anything runs, from the templates above (nested stage assemblies included).
console.log('\nFixed monthly cost (billed at rest, before anything runs; usage not included):\n');
for (const line of fixedCostTable(stacks)) {
  console.log(line);
}
