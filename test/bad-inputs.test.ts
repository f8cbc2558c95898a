// Bad and edge inputs across every construct, the operator CLI's arguments and the SPA deploy program's inputs,
// each with its expected outcome: refused (the error names the prop), warned (a `cdk-ecom-platform:` ID), or
// accepted. The cases live in test/bad-inputs/*.cases.ts, one file per area; a count is printed at the end.
import * as fs from 'fs';
import * as path from 'path';
import { CASES as BACKEND } from './bad-inputs/backend.cases';
import { BadInput, Observed } from './bad-inputs/case';
import { CASES as CLI } from './bad-inputs/cli.cases';
import { CASES as DEPLOY } from './bad-inputs/deploy.cases';
import { CASES as LAYERS } from './bad-inputs/layers.cases';
import { CASES as MONITORING } from './bad-inputs/monitoring.cases';
import { CASES as PLATFORM } from './bad-inputs/platform.cases';
import { CASES as SPA_HOSTING } from './bad-inputs/spa-hosting.cases';
import { CASES as SPA_PIPELINE } from './bad-inputs/spa-pipeline.cases';

const FILES: Record<string, BadInput[]> = {
  'backend.cases.ts': BACKEND,
  'cli.cases.ts': CLI,
  'deploy.cases.ts': DEPLOY,
  'layers.cases.ts': LAYERS,
  'monitoring.cases.ts': MONITORING,
  'platform.cases.ts': PLATFORM,
  'spa-hosting.cases.ts': SPA_HOSTING,
  'spa-pipeline.cases.ts': SPA_PIPELINE,
};
const CASES = Object.values(FILES).flat();

const SUBJECTS = [...new Set(CASES.map((c) => c.subject))];
const tally = new Map<string, { refused: number; warned: number; accepted: number }>();

afterAll(() => {
  const rows = [...tally.entries()].map(([subject, t]) =>
    `${subject.padEnd(20)} ${String(t.refused).padStart(7)} ${String(t.warned).padStart(7)} ${String(t.accepted).padStart(8)}`);
  const total = [...tally.values()].reduce((a, t) => a + t.refused + t.warned + t.accepted, 0);
  console.log([`bad inputs: ${total} cases passed`, `${'subject'.padEnd(20)} refused  warned accepted`, ...rows].join('\n'));
});

test('the table is large enough, has every cases file and lists every input once', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(200);
  expect(fs.readdirSync(path.join(__dirname, 'bad-inputs')).filter((f) => f.endsWith('.cases.ts')).sort()).toEqual(Object.keys(FILES));
  const keys = CASES.map((c) => `${c.subject}: ${c.input}`);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
});

describe.each(SUBJECTS)('%s', (subject) => {
  const cases = CASES.filter((c) => c.subject === subject);
  test.each(cases.map((c) => [c.input, c] as const))('%s', async (_input, c) => {
    const observed: Observed = await c.observe();
    const library = c.libraryError ?? !['CLI', 'deploy'].includes(c.subject);
    const ours = observed.warnings.map(warningId).filter((id) => id.startsWith('cdk-ecom-platform:'));
    switch (c.expect.outcome) {
      case 'refused':
        expect(observed.refusal).toBeDefined();
        expect(observed.refusal).toContain(c.expect.prop);
        if (library) {
          // The library's own words: the construct path, the prop in backticks, the value, a fix.
          expect(observed.refusal).toMatch(new RegExp(`: invalid \`${escape(c.expect.prop)}\``));
          expect(observed.refusal).toContain('Fix: ');
        }
        if (c.expect.also) {
          expect(observed.refusal).toMatch(c.expect.also);
        }
        break;
      case 'warned':
        expect(observed.refusal).toBeUndefined();
        expect(ours).toContain(c.expect.id);
        break;
      case 'accepted':
        expect(observed.refusal).toBeUndefined();
        expect(ours).toEqual([]);
        break;
    }
    const t = tally.get(subject) ?? { refused: 0, warned: 0, accepted: 0 };
    t[c.expect.outcome] += 1;
    tally.set(subject, t);
  });
});

/** A warning's ID: aws-cdk-lib appends `[ack: <id>]` to the message; adapters may also give the bare ID first. */
function warningId(warning: string): string {
  return /\[ack: ([^\]]+)\]\s*$/.exec(warning)?.[1] ?? warning.split(/\s/)[0];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
