import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { appFolder } from './fake-env';

/**
 * The command as published: package.json's `bin` is the bundled lib/ecom-platform-cli.js (built by
 * `bundle:cli` after compiling), run as a process. Bad inputs give one line on stderr and a non-zero exit.
 */
const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const BIN = path.join(ROOT, PACKAGE.bin['ecom-platform']);

function run(args: string[], cwd = appFolder()) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ECOM_PLATFORM_DEBUG: '' }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('package.json names the bundled command', () => {
  expect(PACKAGE.bin).toEqual({ 'ecom-platform': 'lib/ecom-platform-cli.js' });
  expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('the bundle is self-contained and lean: no aws-cdk-lib inside, well under 1.5 MB', () => {
  const code = fs.readFileSync(BIN, 'utf8');
  const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !builtinModules.includes(m.replace(/^node:/, ''))));
  // Only the SDK's optional SigV4a signer, which it loads inside a try (never used by these services).
  expect([...required]).toEqual(['@aws-sdk/signature-v4-crt']);
  expect(code).not.toContain('aws-cdk-lib');
  expect(fs.statSync(BIN).size).toBeLessThan(1.5 * 1024 * 1024);
});

test('--help prints the usage, exit 0; --version the package version', () => {
  const help = run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: ecom-platform \[command\] \[options\]/);
  expect(help.stdout).toContain('deploy <target>');
  expect(run(['--version']).stdout).toBe(`${PACKAGE.version}\n`);
});

test.each([
  [['status', '--help'], 'Usage: ecom-platform status [--json | --watch [--interval <seconds>]] [options]', 'Options of status:\n  --json '],
  [['deploy', '--help'], 'Usage: ecom-platform deploy <backend-pipeline | frontend | frontend-pipelines | all> [--wait-minutes <minutes>] [--interval <seconds>] [options]', 'Options of deploy:\n  --interval <seconds>'],
  [['help', 'destroy-legacy'], 'Usage: ecom-platform destroy-legacy [--stack <name>] [--backup <file>] [--yes] [options]', '  --yes, -y '],
  [['doctor', '-h', '--colour'], 'Usage: ecom-platform doctor [--connection-arn <arn>] [options]', 'Options of doctor:\n  --connection-arn <arn>'],
  [['releases', '--help'], 'Usage: ecom-platform releases <app> [--json] [options]', 'Options of releases:\n  --json '],
  [['help', 'rollback'], 'Usage: ecom-platform rollback <app> [--to <id>] [--yes] [--no-wait] [options]', 'Options of rollback:\n  --to <id> '],
])('%j prints that command\'s help only, exit 0', (args, first, options) => {
  const result = run(args);
  expect(result.code).toBe(0);
  expect(result.stdout.split('\n')[0]).toBe(first);
  expect(result.stdout).toContain(options);
  expect(result.stdout).not.toContain('Commands:');
  expect(result.stdout).toContain('Exit codes: 0 done;');
});

describe('bad inputs: one line on stderr, exit 2, no stack trace', () => {
  test.each([
    ['an unknown subcommand', ['frobnicate'], 'ecom-platform: unknown command "frobnicate": use one of doctor, deploy, status, destroy-legacy, releases, rollback, help'],
    ['an unknown deploy target', ['deploy', 'everything'], 'ecom-platform: unknown deploy target "everything": use one of backend-pipeline, frontend, frontend-pipelines, all'],
    ['deploy without a target', ['deploy'], 'ecom-platform: deploy needs a target: backend-pipeline | frontend | frontend-pipelines | all'],
    ['an invalid project name', ['status', '--project', 'E_Com'],
      'ecom-platform: invalid --project "E_Com": it starts bucket names (`E_Com-<app>-<account>`), so it must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, and a literal string'],
    ['a project name too long for bucket names', ['status', '--project', `p${'x'.repeat(60)}`],
      `ecom-platform: invalid --project "p${'x'.repeat(60)}": the bucket name "p${'x'.repeat(60)}-<app>-<account>" would be longer than 63 characters even for a one-letter app`],
    ['an invalid prefix', ['status', '--prefix', 'E-Com67-'],
      'ecom-platform: invalid --prefix "E-Com67-": it starts stack names (`E-Com67--FrontendStack`), which are letters, digits and hyphens starting with a letter'],
    ['an invalid app name', ['status', '--apps', 'Admin'], 'ecom-platform: invalid app name "Admin" in --apps: an app name is part of bucket, pipeline and project names: lowercase words of letters and digits joined by single hyphens, starting with a letter'],
    ['--watch with --json', ['status', '--watch', '--json'], 'ecom-platform: --watch redraws a table for people and --json prints once for scripts: use one of them'],
    ['an unknown option', ['status', '--colour'], 'ecom-platform: unknown option --colour (see ecom-platform status --help)'],
    ['an option of another command', ['deploy', 'all', '--yes'], 'ecom-platform: --yes does not apply to deploy: it is an option of destroy-legacy and rollback (see ecom-platform deploy --help)'],
    ['an option without its value', ['status', '--project'], 'ecom-platform: --project needs a value: a project name such as e-com67'],
    ['a negative interval: the value, not "needs a value"', ['status', '--watch', '--interval', '-5'], 'ecom-platform: invalid --interval "-5": expected a whole number of seconds from 1 to 3600'],
    ['a bad interval', ['status', '--watch', '--interval', '0'], 'ecom-platform: invalid --interval "0": expected a whole number of seconds from 1 to 3600'],
    ['a bad wait', ['deploy', 'all', '--wait-minutes', '0'], 'ecom-platform: invalid --wait-minutes "0": expected a whole number of minutes from 1 to 1440'],
    ['--wait-minutes for status', ['status', '--wait-minutes', '5'], 'ecom-platform: --wait-minutes does not apply to status: it is an option of deploy (see ecom-platform status --help)'],
    ['control characters in an argument are escaped, never echoed raw', ['destroy-legacy', '--stack', '\x1b[31mred\x07'],
      'ecom-platform: invalid --stack "\\u001b[31mred\\u0007": it holds control characters; expected a CloudFormation stack name: letters, digits and hyphens starting with a letter, at most 128'],
    ['rollback without an app', ['rollback'], 'ecom-platform: rollback needs an app: ecom-platform rollback <app>, such as rollback admin-dashboard (see ecom-platform rollback --help)'],
    ['rollback --to without its value', ['rollback', 'admin-dashboard', '--to'], 'ecom-platform: --to needs a value: a release id such as 0123456-42 (ecom-platform releases <app> lists them)'],
    ['rollback --to a path', ['rollback', 'admin-dashboard', '--to', '../0123456-1'],
      'ecom-platform: invalid --to "../0123456-1": not a release id; expected a release id such as 0123456-42 (ecom-platform releases <app> lists them)'],
    ['an app that is not one of the platform\'s', ['releases', 'storefront'],
      'ecom-platform: unknown app "storefront": the platform\'s apps are admin-dashboard, customer-app; another app needs --apps or cdk.json\'s context ecom:apps'],
    ['no command, not on a terminal', [], 'ecom-platform: no command given and not on a terminal: use doctor, deploy <target>, status, destroy-legacy, releases <app> or rollback <app> (see --help)'],
  ])('%s', (_, args, message) => {
    const result = run(args);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  test('a missing app folder', () => {
    const result = run(['status', '--app', 'no/such/folder']);
    expect(result.stderr).toMatch(/^ecom-platform: invalid --app "no\/such\/folder": the folder \/.*\/no\/such\/folder does not exist; run ecom-platform in your CDK app's folder or pass --app <folder>\n$/);
    expect(result.code).toBe(2);
  });

  test('an invalid naming in cdk.json', () => {
    const result = run(['status'], appFolder({ context: { 'ecom:projectName': 42 } }));
    expect(result.stderr).toMatch(/^ecom-platform: invalid context ecom:projectName 42 in \/.*cdk\.json: it must be a string\n$/);
    expect(result.code).toBe(2);
  });
});
