import * as path from 'path';
import { appFolder, fakeEnv } from './fake-env';

const MODE = ['--require-approval', 'never', '--context', 'ecom:backendPipeline=true', '--context', 'ecom:frontendPipelines=true'];

describe('ecom-platform deploy', () => {
  test.each([
    ['backend-pipeline', [['E-Com67-BackendPipelineStack']]],
    ['frontend', [['E-Com67-FrontendStack']]],
    ['frontend-pipelines', [['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack']]],
    ['all', [['E-Com67-BackendPipelineStack'], ['E-Com67-FrontendStack'], ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack']]],
  ])('%s: the app\'s CDK CLI, in the app folder, with exactly these stacks, context and flags', async (target, stacks) => {
    const app = appFolder();
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', target])).toBe(0);
    expect(cli.runs).toEqual(stacks.map((s) => ({
      command: path.join(app, 'node_modules', '.bin', 'cdk'),
      args: ['deploy', ...s, ...MODE],
      options: { cwd: app, env: undefined },
    })));
    expect(cli.stdout()).toContain(`\n==> Step 1/${stacks.length}: `);
    expect(cli.stdout()).toContain(`Summary of deploy ${target}:`);
  });

  test('all: the seed\'s order under step headers, and a summary of every step', async () => {
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all'])).toBe(0);
    const out = cli.stdout();
    const headers = out.split('\n').filter((l) => l.startsWith('==> '));
    expect(headers).toEqual([
      '==> Step 1/3: Backend pipeline (E-Com67-BackendPipelineStack)',
      '==> Step 2/3: Frontend stack (E-Com67-FrontendStack)',
      '==> Step 3/3: Frontend pipelines (E-Com67-AdminPipelineStack, E-Com67-CustomerPipelineStack)',
    ]);
    expect(out).toContain('$ cdk deploy E-Com67-BackendPipelineStack --require-approval never --context ecom:backendPipeline=true --context ecom:frontendPipelines=true\n');
    expect(out.slice(out.indexOf('Summary'))).toBe([
      'Summary of deploy all:',
      'STEP                RESULT  TIME  STACKS',
      'Backend pipeline    ok      42s   E-Com67-BackendPipelineStack',
      'Frontend stack      ok      42s   E-Com67-FrontendStack',
      'Frontend pipelines  ok      42s   E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack',
      '',
    ].join('\n'));
  });

  test('all stops at the first failure, reports the rest as skipped, and exits with its code', async () => {
    const cli = fakeEnv({ cwd: appFolder(), exitCodes: [0, 3] });
    expect(await cli.run(['deploy', 'all'])).toBe(3);
    expect(cli.runs.map((r) => r.args[1])).toEqual(['E-Com67-BackendPipelineStack', 'E-Com67-FrontendStack']);
    const summary = cli.stdout().slice(cli.stdout().indexOf('Summary'));
    expect(summary).toContain('Frontend stack      FAILED (exit 3)');
    expect(summary).toContain('Frontend pipelines  skipped');
  });

  test('--project/--prefix/--apps: names from PlatformNaming, passed on as the context EcomPlatform reads; --profile and --region too', async () => {
    const app = appFolder();
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', 'frontend-pipelines', '--project', 'shop', '--prefix', 'Shop', '--apps', 'storefront,back-office',
      '--profile', 'ops', '--region', 'eu-central-1'])).toBe(0);
    expect(cli.runs).toEqual([{
      command: path.join(app, 'node_modules', '.bin', 'cdk'),
      args: ['deploy', 'Shop-StorefrontPipelineStack', 'Shop-BackPipelineStack', ...MODE,
        '--context', 'ecom:projectName=shop', '--context', 'ecom:stackPrefix=Shop', '--profile', 'ops'],
      options: { cwd: app, env: { AWS_REGION: 'eu-central-1' } },
    }]);
  });

  test('names from cdk.json context (ecom:projectName, ecom:stackPrefix, ecom:apps) are the app\'s own: not passed again', async () => {
    const app = appFolder({ context: { 'ecom:projectName': 'shop', 'ecom:stackPrefix': 'Shop', 'ecom:apps': ['storefront'] } });
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', 'all'])).toBe(0);
    expect(cli.runs.map((r) => r.args)).toEqual([
      ['deploy', 'Shop-BackendPipelineStack', ...MODE],
      ['deploy', 'Shop-FrontendStack', ...MODE],
      ['deploy', 'Shop-StorefrontPipelineStack', ...MODE],
    ]);
  });

  test('the --app folder is where the CDK CLI runs', async () => {
    const app = appFolder();
    const cli = fakeEnv({ cwd: path.dirname(app) });
    expect(await cli.run(['deploy', 'frontend', '--app', path.basename(app)])).toBe(0);
    expect(cli.runs[0].options.cwd).toBe(app);
  });

  test('the CDK CLI on PATH when the app has none', async () => {
    const bin = appFolder({ cdkJson: false });
    const app = appFolder({ cdk: false });
    const cli = fakeEnv({ cwd: app, env: { PATH: `/nonexistent${path.delimiter}${path.join(bin, 'node_modules', '.bin')}` } });
    expect(await cli.run(['deploy', 'frontend'])).toBe(0);
    expect(cli.runs[0].command).toBe(path.join(bin, 'node_modules', '.bin', 'cdk'));
  });

  test.each([
    ['no cdk.json', { cdkJson: false }, /^ecom-platform: no cdk\.json in .*: run ecom-platform in your CDK app's folder or pass --app <folder>\n$/],
    ['no CDK CLI', { cdk: false }, /^ecom-platform: the CDK CLI is not installed: npm install -g aws-cdk \(or npm install --save-dev aws-cdk in the app\)\n$/],
  ])('%s: one line, exit 1, nothing run', async (_, folder, message) => {
    const cli = fakeEnv({ cwd: appFolder(folder) });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.stderr()).toMatch(message);
    expect(cli.runs).toEqual([]);
  });
});
