import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import allowlist from './cfn-lint-allowlist.json';

/**
 * cfn-lint warnings this project accepts, each with the reason. Errors are never allowed. The list is
 * cfn-lint-allowlist.json (`message` is a regular expression), which the Python tests read too.
 */
const ALLOWED_WARNINGS: ReadonlyArray<{ rule: string; message: RegExp; why: string }> = allowlist.map((a) => ({
  rule: a.rule,
  message: new RegExp(a.message),
  why: a.why,
}));

export interface CfnLintFinding {
  readonly template: string;
  readonly rule: string;
  readonly level: string;
  readonly message: string;
  readonly path: string;
}

/** The file a template is linted as (`CfnLintFinding.template`): its name with `/`, spaces... as `_`. */
export function cfnLintFileName(name: string): string {
  return `${name.replace(/[^\w.-]/g, '_')}.template.json`;
}

/**
 * Runs cfn-lint (one process for all templates) on synthesized templates and returns its errors and the
 * warnings that are not on the allowlist. Throws when cfn-lint can't run: a missing linter is a failure,
 * never a pass.
 *
 * @param templates name -> CloudFormation template (the object from `Template.toJSON()` or cdk.out)
 */
export function cfnLint(templates: Record<string, unknown>): CfnLintFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  const files = Object.entries(templates).map(([name, template]) => {
    const file = path.join(dir, cfnLintFileName(name));
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    return file;
  });
  const run = spawnSync('cfn-lint', ['--format', 'json', '--regions', 'us-east-1', '--', ...files], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (run.error) {
    throw new Error(`cfn-lint could not run (${run.error.message}); install it with "pip install cfn-lint"`);
  }
  let matches: any[];
  try {
    matches = JSON.parse(run.stdout || '[]');
  } catch {
    throw new Error(`cfn-lint printed no JSON (exit ${run.status}): ${run.stdout}\n${run.stderr}`);
  }
  if (run.status !== 0 && matches.length === 0) {
    throw new Error(`cfn-lint failed (exit ${run.status}) without findings: ${run.stderr}`);
  }
  return matches
    .filter((m) => m.Level === 'Error'
      || (m.Level === 'Warning' && !ALLOWED_WARNINGS.some((a) => a.rule === m.Rule.Id && a.message.test(m.Message))))
    .map((m) => ({
      template: path.basename(m.Filename),
      rule: m.Rule.Id,
      level: m.Level,
      message: m.Message,
      path: (m.Location?.Path ?? []).join('/'),
    }));
}
