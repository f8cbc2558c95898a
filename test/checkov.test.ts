/**
 * checkov (a second, independent scanner: https://www.checkov.io) over every library template the snapshots
 * record (test/helpers/library-apps.ts: each construct's defaults and a rich configuration), over the example
 * platform's stacks (examples/typescript with both pipelines, `cdk init`'s flags: the pipelines', the frontend, the
 * monitoring and its us-east-1 edge stack; its Backend stage is the example's own code, not the library's, and is
 * left out), and over the monitoring with Slack and Microsoft Teams channels of the compliance matrix
 * (`chatMonitoringPlatform`, test/helpers/compliance.ts). A checkov user must see no failed check, and every
 * check the library skips (`skipCheckov`, src/private/checkov.ts: the resource's `Metadata.checkov.skip`) must
 * say why, specifically.
 *
 * One checkov process scans all templates (`--framework cloudformation --skip-download`: no Prisma Cloud
 * download, no external checks). checkov lives in its own virtualenv, .cache/checkov-venv (its pins would
 * downgrade botocore and packaging under the AWS CLI and pytest): `npx projen setup:tools` makes it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { chatMonitoringPlatform } from './helpers/compliance';
import { CLI_CONTEXT, EXAMPLE_ENV, EXAMPLE_MODES, readTemplates, runExample } from './helpers/example-app';
import { LIBRARY_APPS } from './helpers/library-apps';

const CHECKOV = path.resolve(__dirname, '..', '.cache', 'checkov-venv', 'bin', 'checkov');

/** The example's monitoring stacks (its monitoring is on by default; the edge stack holds the 5xx alarms in us-east-1). */
const EXAMPLE_MONITORING_STACKS = ['E-Com67-MonitoringStack', 'E-Com67-EdgeMonitoringStack'];

/** checkov's default comment for a skip that has none. */
const NO_COMMENT = /^no comment provided$/i;
/** Comments that say nothing about the resource. */
const GENERIC = /^(n\/?a|none|skip(ped)?|ignore[d]?|false positive|not (needed|applicable|relevant)|by design|intended|accepted|todo|tbd|-)\.?$/i;

interface CheckResult {
  readonly check_id: string;
  readonly check_name?: string;
  readonly file_path: string;
  readonly resource: string;
  /** A skipped check's comment, from the resource's metadata. */
  readonly check_result?: { readonly suppress_comment?: string };
}

interface Scan {
  /** template file -> its stack's origin (`SpaHosting defaults: Hosting`). */
  readonly templates: Map<string, string>;
  /** template file -> resource logical ID -> type. */
  readonly types: Map<string, Map<string, string>>;
  /** template file -> recorded skips (logical ID, check ID). */
  readonly recorded: Map<string, Array<{ readonly resource: string; readonly id: string; readonly comment: unknown }>>;
  readonly passed: CheckResult[];
  readonly failed: CheckResult[];
  readonly skipped: CheckResult[];
  readonly parseErrors: string[];
  readonly seconds: { readonly synth: number; readonly checkov: number };
}

function scan(): Scan {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-'));
  const templates = new Map<string, string>();
  const bodies = new Map<string, any>();
  const add = (file: string, origin: string, template: unknown) => {
    templates.set(file, origin);
    bodies.set(file, template);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(template, undefined, 1));
  };
  const started = Date.now();
  try {
    for (const { construct, name, build } of LIBRARY_APPS) {
      const { app, stacks } = build();
      const assembly = app.synth();
      const config = name.startsWith('defaults') ? 'defaults' : 'rich';
      for (const stack of stacks) {
        add(`${construct}.${config}.${stack.artifactId}.template.json`, `${construct} ${config}: ${stack.artifactId}`,
          assembly.getStackArtifact(stack.artifactId).template);
      }
    }
    const chatApp = new App({ context: { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } });
    const chatStacks = chatMonitoringPlatform(chatApp, EXAMPLE_ENV);
    const chatAssembly = chatApp.synth();
    for (const stack of chatStacks) {
      add(`chat-monitoring.${stack.artifactId}.template.json`, `EcomPlatform chat channels: ${stack.artifactId}`, chatAssembly.getStackArtifact(stack.artifactId).template);
    }
    const mode = EXAMPLE_MODES.find((m) => m.mode === 'both pipelines')!;
    const outdir = path.join(dir, 'example.out');
    // No bundling: the Backend stage's layers are the example's, not scanned here.
    runExample({ ...CLI_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, ...EXAMPLE_ENV, ...mode.context, 'aws:cdk:bundling-stacks': [] }, outdir, true);
    const example = readTemplates(outdir);
    for (const stack of new Set([...mode.stacks, ...EXAMPLE_MONITORING_STACKS])) {
      if (example[stack] === undefined) {
        throw new Error(`examples/typescript wrote no ${stack} template (it wrote ${Object.keys(example).join(', ')})`);
      }
      add(`example.${stack}.template.json`, `examples/typescript: ${stack}`, example[stack]);
    }
    fs.rmSync(outdir, { recursive: true, force: true });
    const synthSeconds = (Date.now() - started) / 1000;

    if (!fs.existsSync(CHECKOV)) {
      throw new Error(`checkov is not installed at ${CHECKOV}: run "npx projen setup:tools" (or bash scripts/setup-tools.sh)`);
    }
    const checkovStarted = Date.now();
    const run = spawnSync(CHECKOV, ['-d', dir, '--framework', 'cloudformation', '--skip-download', '--output', 'json', '--compact'], {
      encoding: 'utf-8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, BC_API_KEY: '', PRISMA_API_URL: '', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'WARNING' },
    });
    if (run.error) throw new Error(`checkov could not run: ${run.error.message}`);
    let output: any;
    try {
      output = JSON.parse(run.stdout);
    } catch {
      throw new Error(`checkov printed no JSON (exit ${run.status}): ${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
    }
    // One framework: an object; several (never here): a list.
    const report = Array.isArray(output) ? output.find((r) => r.check_type === 'cloudformation') : output;
    if (!report?.results) {
      throw new Error(`checkov reported no cloudformation results (exit ${run.status}): ${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
    }
    const file = (r: CheckResult) => ({ ...r, file_path: path.basename(r.file_path) });
    const types = new Map<string, Map<string, string>>();
    const recorded: Scan['recorded'] = new Map();
    for (const [name, body] of bodies) {
      const resources = Object.entries<any>(body.Resources ?? {});
      types.set(name, new Map(resources.map(([id, r]) => [id, r.Type])));
      recorded.set(name, resources.flatMap(([id, r]) =>
        ((r.Metadata?.checkov?.skip ?? []) as any[]).map((s) => ({ resource: id, id: s.id, comment: s.comment }))));
    }
    return {
      templates,
      types,
      recorded,
      passed: (report.results.passed_checks ?? []).map(file),
      failed: (report.results.failed_checks ?? []).map(file),
      skipped: (report.results.skipped_checks ?? []).map(file),
      parseErrors: report.results.parsing_errors ?? [],
      seconds: { synth: synthSeconds, checkov: (Date.now() - checkovStarted) / 1000 },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `Type.LogicalId` of a checkov result (its `resource`), as `Type`. */
function typeOf(s: Scan, r: CheckResult): string {
  const id = r.resource.split('.').slice(1).join('.');
  return s.types.get(r.file_path)?.get(id) ?? r.resource.split('.')[0];
}

describe('checkov over the library templates and the example platform', () => {
  let s: Scan;

  beforeAll(() => {
    s = scan();
    const count = (list: CheckResult[], file: string) => list.filter((r) => r.file_path === file).length;
    const width = Math.max(...[...s.templates.values()].map((o) => o.length));
    const rows = [...s.templates].map(([file, origin]) =>
      `${origin.padEnd(width)} ${String(count(s.passed, file)).padStart(6)} ${String(count(s.skipped, file)).padStart(7)} ${String(count(s.failed, file)).padStart(6)}`);
    const lines = [
      `checkov: ${s.templates.size} templates, synthesized in ${s.seconds.synth.toFixed(1)} s, scanned in ${s.seconds.checkov.toFixed(1)} s`,
      `${'template'.padEnd(width)} passed skipped failed`,
      ...rows,
      `${'total'.padEnd(width)} ${String(s.passed.length).padStart(6)} ${String(s.skipped.length).padStart(7)} ${String(s.failed.length).padStart(6)}`,
    ];
    if (s.failed.length > 0) {
      // Grouped by resource type and check, for whoever fixes them.
      const groups = new Map<string, string[]>();
      for (const r of s.failed) {
        const key = `${typeOf(s, r)} ${r.check_id}`;
        groups.set(key, [...(groups.get(key) ?? []), `${s.templates.get(r.file_path)} ${r.resource.split('.').slice(1).join('.')}`]);
      }
      lines.push('failed checks (resource type, check: where):');
      for (const [key, where] of [...groups].sort()) {
        const name = s.failed.find((r) => `${typeOf(s, r)} ${r.check_id}` === key)?.check_name ?? '';
        lines.push(`  ${key} x${where.length} (${name})`, ...where.map((w) => `    ${w}`));
      }
    }
    console.log(lines.join('\n'));
  }, 600_000); // about 30 s of synthesis and 30 s of checkov on an idle 2-core machine; four times that when busy

  test('every template was parsed, and scanned when it has a resource of a type checkov checks', () => {
    expect(s.parseErrors).toEqual([]);
    const results = [...s.passed, ...s.failed, ...s.skipped];
    const seen = new Set(results.map((r) => r.file_path));
    const checkedTypes = new Set(results.map((r) => typeOf(s, r)));
    // LayerBuilder's templates, not bundled here, hold only layer versions: no check applies to them.
    const unscanned = [...s.templates.keys()].filter((f) => !seen.has(f) && [...s.types.get(f)!.values()].some((t) => checkedTypes.has(t)));
    expect(unscanned).toEqual([]);
  });

  test('no failed check', () => {
    expect(s.failed.map((r) => `${s.templates.get(r.file_path)}: ${r.resource} (${typeOf(s, r)}) ${r.check_id} ${r.check_name ?? ''}`)).toEqual([]);
  });

  test('every skipped check has a specific reason', () => {
    const vague = s.skipped.filter((r) => {
      const comment = (r.check_result?.suppress_comment ?? '').trim();
      return comment.length < 20 || NO_COMMENT.test(comment) || GENERIC.test(comment);
    });
    expect(vague.map((r) => `${s.templates.get(r.file_path)}: ${r.resource} ${r.check_id}: ${JSON.stringify(r.check_result?.suppress_comment)}`)).toEqual([]);
  });

  test('every recorded skip is of a check checkov runs on that resource (no stale reason)', () => {
    const used = new Set(s.skipped.map((r) => `${r.file_path} ${r.resource.split('.').slice(1).join('.')} ${r.check_id}`));
    const stale = [...s.recorded].flatMap(([file, skips]) => skips
      .filter((k) => !used.has(`${file} ${k.resource} ${k.id}`))
      .map((k) => `${s.templates.get(file)}: ${k.resource} ${k.id}`));
    expect(stale).toEqual([]);
  });
});
