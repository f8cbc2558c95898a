// The README's main job: synthesize the example app to ./cdk.out and print what it made.
import { App } from 'aws-cdk-lib';
import { buildApp } from './spa-hosting/app';

const outdir = 'cdk.out';
const assembly = buildApp(new App({ outdir })).synth();

console.log(`Synthesized ${assembly.stacks.length} stack(s) to ${assembly.directory}\n`);
for (const stack of assembly.stacks) {
  const resources: Record<string, { Type: string }> = stack.template.Resources ?? {};
  const byType = new Map<string, number>();
  for (const r of Object.values(resources)) {
    byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  }
  console.log(`${stack.stackName}: ${Object.keys(resources).length} resources (${stack.templateFile})`);
  for (const [type, count] of [...byType].sort()) {
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  }
  const outputs = Object.entries<any>(stack.template.Outputs ?? {});
  console.log(`  outputs: ${outputs.map(([name]) => name).join(', ')}`);
  const warnings = stack.messages.filter((m) => m.level !== 'info');
  console.log(`  warnings/errors: ${warnings.length}`);
  for (const m of warnings) {
    console.log(`    ${m.level} ${m.id}: ${String(m.entry.data).split('\n')[0]}`);
  }
}
