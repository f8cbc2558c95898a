import * as path from 'path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetPipelineStateCommand, GetPipelineStateOutput, StageExecutionStatus } from '@aws-sdk/client-codepipeline';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { API_URL, apiUrlParameter, appFolder, awsError, fakeEnv, mockAws, parameterMissing, testClients } from './fake-env';

const MODE = ['--require-approval', 'never', '--context', 'ecom:backendPipeline=true', '--context', 'ecom:frontendPipelines=true'];
/** The backend pipeline step before the API URL parameter exists. */
const FIRST_MODE = ['--require-approval', 'never', '--context', 'ecom:backendPipeline=true', '--context', 'ecom:frontendPipelines=false'];
const APP_PIPELINES = ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack'];
/** The monitoring stacks, by default (context ecom:monitoring unset), in eu-west-1: the dashboard's and the us-east-1 edge stack. */
const MONITORING = ['E-Com67-MonitoringStack', 'E-Com67-EdgeMonitoringStack'];
const MONITORING_ROW = 'Monitoring          ok      42s   E-Com67-MonitoringStack E-Com67-EdgeMonitoringStack';

describe('ecom-platform deploy', () => {
  beforeEach(() => {
    mockAws().ssm.on(GetParameterCommand).resolves(apiUrlParameter());
  });

  test.each([
    ['backend-pipeline', [['E-Com67-BackendPipelineStack']]],
    ['frontend', [['E-Com67-FrontendStack'], ['E-Com67-EdgeMonitoringStack']]],
    ['frontend-pipelines', [['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack'], MONITORING]],
    ['all', [['E-Com67-BackendPipelineStack'], ['E-Com67-FrontendStack'], ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack'], MONITORING]],
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
      '==> Step 1/4: Backend pipeline (E-Com67-BackendPipelineStack)',
      '==> Step 2/4: Frontend stack (E-Com67-FrontendStack)',
      '==> Step 3/4: Frontend pipelines (E-Com67-AdminPipelineStack, E-Com67-CustomerPipelineStack)',
      '==> Step 4/4: Monitoring (E-Com67-MonitoringStack, E-Com67-EdgeMonitoringStack)',
    ]);
    expect(out).toContain('$ cdk deploy E-Com67-BackendPipelineStack --require-approval never --context ecom:backendPipeline=true --context ecom:frontendPipelines=true\n');
    expect(out.slice(out.indexOf('Summary'))).toBe([
      'Summary of deploy all:',
      'STEP                RESULT  TIME  STACKS',
      'Backend pipeline    ok      42s   E-Com67-BackendPipelineStack',
      'Frontend stack      ok      42s   E-Com67-FrontendStack',
      'Frontend pipelines  ok      42s   E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack',
      MONITORING_ROW,
      '',
    ].join('\n'));
  });

  test('all stops at the first failure, reports the rest as skipped, and exits 1 (as documented), naming the CDK CLI\'s code', async () => {
    const cli = fakeEnv({ cwd: appFolder(), exitCodes: [0, 3] });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.stderr()).toBe('ecom-platform: cdk deploy E-Com67-FrontendStack failed with exit code 3: see the CDK CLI\'s output above; the steps after it did not run\n');
    expect(cli.runs.map((r) => r.args[1])).toEqual(['E-Com67-BackendPipelineStack', 'E-Com67-FrontendStack']);
    const summary = cli.stdout().slice(cli.stdout().indexOf('Summary'));
    expect(summary).toContain('Frontend stack      FAILED (exit 3)');
    expect(summary).toContain('Frontend pipelines  skipped');
    expect(summary).toContain('Monitoring          skipped');
  });

  test('--project/--prefix/--apps: names from PlatformNaming, passed on as the context EcomPlatform reads; --profile and --region too', async () => {
    const app = appFolder();
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', 'frontend-pipelines', '--project', 'shop', '--prefix', 'Shop', '--apps', 'storefront,back-office',
      '--profile', 'ops', '--region', 'eu-central-1'])).toBe(0);
    const options = ['--context', 'ecom:projectName=shop', '--context', 'ecom:stackPrefix=Shop', '--profile', 'ops'];
    expect(cli.runs).toEqual([{
      command: path.join(app, 'node_modules', '.bin', 'cdk'),
      args: ['deploy', 'Shop-StorefrontPipelineStack', 'Shop-BackPipelineStack', ...MODE, ...options],
      options: { cwd: app, env: { AWS_REGION: 'eu-central-1' } },
    }, {
      command: path.join(app, 'node_modules', '.bin', 'cdk'),
      args: ['deploy', 'Shop-MonitoringStack', 'Shop-EdgeMonitoringStack', ...MODE, ...options],
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
      ['deploy', 'Shop-MonitoringStack', 'Shop-EdgeMonitoringStack', ...MODE],
    ]);
  });

  test('the monitoring stacks: last in all (after the pipelines whose projects and the frontend stack whose topic they reference); '
    + 'frontend deploys the us-east-1 edge stack after the frontend stack, whose distribution IDs it imports', async () => {
    const all = fakeEnv({ cwd: appFolder() });
    expect(await all.run(['deploy', 'all'])).toBe(0);
    const order = all.runs.flatMap((r) => r.args.slice(1, r.args.indexOf('--require-approval')));
    expect(order.indexOf('E-Com67-MonitoringStack')).toBeGreaterThan(Math.max(...APP_PIPELINES.map((p) => order.indexOf(p)), order.indexOf('E-Com67-FrontendStack')));
    expect(order.indexOf('E-Com67-EdgeMonitoringStack')).toBeGreaterThan(order.indexOf('E-Com67-FrontendStack'));
    const frontend = fakeEnv({ cwd: appFolder() });
    expect(await frontend.run(['deploy', 'frontend'])).toBe(0);
    expect(frontend.stdout().split('\n').filter((l) => l.startsWith('==> '))).toEqual([
      '==> Step 1/2: Frontend stack (E-Com67-FrontendStack)',
      '==> Step 2/2: Edge monitoring (E-Com67-EdgeMonitoringStack)',
    ]);
  });

  test('the frontend in us-east-1: no edge stack (the monitoring stack holds the 5xx alarms), so deploy names none', async () => {
    const all = fakeEnv({ cwd: appFolder(), clients: testClients('us-east-1') });
    expect(await all.run(['deploy', 'all'])).toBe(0);
    expect(all.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([
      ['E-Com67-BackendPipelineStack'], ['E-Com67-FrontendStack'], APP_PIPELINES, ['E-Com67-MonitoringStack'],
    ]);
    const frontend = fakeEnv({ cwd: appFolder(), clients: testClients('us-east-1') });
    expect(await frontend.run(['deploy', 'frontend'])).toBe(0);
    expect(frontend.runs.map((r) => r.args[1])).toEqual(['E-Com67-FrontendStack']);
  });

  test.each([false, 'false'])('context ecom:monitoring %j in cdk.json: no monitoring stacks, the seed\'s steps', async (off) => {
    const cli = fakeEnv({ cwd: appFolder({ context: { 'ecom:monitoring': off } }) });
    expect(await cli.run(['deploy', 'all'])).toBe(0);
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([
      ['E-Com67-BackendPipelineStack'], ['E-Com67-FrontendStack'], APP_PIPELINES,
    ]);
    const frontend = fakeEnv({ cwd: appFolder({ context: { 'ecom:monitoring': off } }) });
    expect(await frontend.run(['deploy', 'frontend'])).toBe(0);
    expect(frontend.runs).toHaveLength(1);
  });

  test('an invalid ecom:monitoring in cdk.json: one line naming it, nothing run', async () => {
    const app = appFolder({ context: { 'ecom:monitoring': 'yes' } });
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', 'all'])).toBe(2);
    expect(cli.runs).toEqual([]);
    expect(cli.stderr()).toBe(`ecom-platform: invalid context ecom:monitoring "yes" in ${path.join(app, 'cdk.json')}: give true (the dashboard and alarms stacks, the default) or false (none)\n`);
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

/** The backend pipeline's state: each stage's status in execution `id` (later stages not reached yet). */
function backendRun(id: string, stages: Array<[string, string, string?]>): GetPipelineStateOutput {
  const all = ['Source', 'Build', 'UpdatePipeline', 'Assets', 'Deploy'];
  return {
    pipelineName: 'e-com67-backend-pipeline',
    stageStates: all.map((stageName) => {
      const reached = stages.find(([name]) => name === stageName);
      return reached
        ? {
          stageName,
          latestExecution: { pipelineExecutionId: id, status: reached[1] as StageExecutionStatus },
          actionStates: [{ actionName: stageName, latestExecution: { status: reached[1] as any, errorDetails: reached[2] ? { code: 'JobFailed', message: reached[2] } : undefined } }],
        }
        : { stageName, actionStates: [{ actionName: stageName }] };
    }),
  };
}

describe('ecom-platform deploy on a first deployment: the API URL parameter does not exist yet', () => {
  /** The parameter is missing for the first `missing` GetParameter calls (the first is deploy's own check). */
  function parameterAfter(missing: number) {
    const aws = mockAws();
    let calls = 0;
    aws.ssm.on(GetParameterCommand).callsFake(async () => {
      calls++;
      if (calls <= missing) {
        throw parameterMissing();
      }
      return apiUrlParameter();
    });
    return aws;
  }

  test('all: the backend pipeline with frontend pipelines off, a wait until its first run writes the parameter (4th poll), then the rest as usual', async () => {
    const aws = parameterAfter(4);
    const states = [
      { pipelineName: 'e-com67-backend-pipeline', stageStates: [{ stageName: 'Source' }, { stageName: 'Build' }] },
      backendRun('0f1e2d3c4b5a', [['Source', 'Succeeded'], ['Build', 'InProgress']]),
      backendRun('0f1e2d3c4b5a', [['Source', 'Succeeded'], ['Build', 'Succeeded'], ['UpdatePipeline', 'Succeeded'], ['Assets', 'Succeeded'], ['Deploy', 'InProgress']]),
    ];
    aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-backend-pipeline' }).callsFake(async () => states.shift() ?? states[states.length - 1]);
    const app = appFolder();
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['deploy', 'all'])).toBe(0);

    expect(cli.runs.map((r) => r.args)).toEqual([
      ['deploy', 'E-Com67-BackendPipelineStack', ...FIRST_MODE],
      ['deploy', 'E-Com67-FrontendStack', ...MODE],
      ['deploy', ...APP_PIPELINES, ...MODE],
      ['deploy', ...MONITORING, ...MODE],
    ]);
    expect(cli.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(aws.ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual(Array(5).fill({ Name: '/e-com67/api-url' }));
    const out = cli.stdout();
    expect(out.split('\n').filter((l) => l.startsWith('==> '))).toEqual([
      '==> Step 1/5: Backend pipeline (E-Com67-BackendPipelineStack), with frontend pipelines off, as /e-com67/api-url does not exist yet',
      '==> Step 2/5: Waiting for the backend pipeline\'s first run to write /e-com67/api-url',
      '==> Step 3/5: Frontend stack (E-Com67-FrontendStack)',
      '==> Step 4/5: Frontend pipelines (E-Com67-AdminPipelineStack, E-Com67-CustomerPipelineStack)',
      '==> Step 5/5: Monitoring (E-Com67-MonitoringStack, E-Com67-EdgeMonitoringStack)',
    ]);
    expect(out).toContain('$ cdk deploy E-Com67-BackendPipelineStack --require-approval never --context ecom:backendPipeline=true --context ecom:frontendPipelines=false\n');
    const wait = out.slice(out.indexOf('==> Step 2/5'), out.indexOf('==> Step 3/5'));
    expect(wait).toBe([
      '==> Step 2/5: Waiting for the backend pipeline\'s first run to write /e-com67/api-url',
      'e-com67-backend-pipeline starts its first run when it is created; it deploys the backend, whose Api stack writes /e-com67/api-url.',
      'Checking every 10s for up to 30 minutes; Ctrl-C to stop.',
      '  0s       /e-com67/api-url not there yet; e-com67-backend-pipeline: no execution yet',
      '  10s      /e-com67/api-url not there yet; e-com67-backend-pipeline: execution 0f1e2d3c Build InProgress',
      '  20s      /e-com67/api-url not there yet; e-com67-backend-pipeline: execution 0f1e2d3c Deploy InProgress',
      `  30s      /e-com67/api-url = ${API_URL}`,
      '',
      '',
    ].join('\n'));
    expect(out.slice(out.indexOf('Summary'))).toBe([
      'Summary of deploy all:',
      'STEP                RESULT  TIME  STACKS',
      'Backend pipeline    ok      42s   E-Com67-BackendPipelineStack',
      'Wait for API URL    ok      30s   /e-com67/api-url',
      'Frontend stack      ok      42s   E-Com67-FrontendStack',
      'Frontend pipelines  ok      42s   E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack',
      MONITORING_ROW,
      '',
    ].join('\n'));
    expect(cli.stderr()).toBe('');
  });

  test('all: a progress line when the pipeline moves on, else once a minute', async () => {
    const aws = parameterAfter(14);
    aws.codePipeline.on(GetPipelineStateCommand).resolves(backendRun('0f1e2d3c4b5a', [['Source', 'Succeeded'], ['Build', 'InProgress']]));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all', '--interval', '10'])).toBe(0);
    expect(cli.sleeps).toHaveLength(13);
    // Elapsed time of each progress line: the last one is the parameter's value.
    expect(cli.stdout().split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2, 9).trim()))
      .toEqual(['0s', '1m 00s', '2m 00s', '2m 10s']);
  });

  test('all: no parameter within --wait-minutes: exit 1 with what to do, the rest skipped', async () => {
    const aws = parameterAfter(Infinity);
    aws.codePipeline.on(GetPipelineStateCommand).resolves(backendRun('0f1e2d3c4b5a', [['Source', 'Succeeded'], ['Build', 'InProgress']]));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all', '--wait-minutes', '1', '--interval', '25'])).toBe(1);
    expect(cli.runs.map((r) => r.args[1])).toEqual(['E-Com67-BackendPipelineStack']);
    // 0s, 25s, 50s, then the last poll at the deadline.
    expect(cli.sleeps).toEqual([25_000, 25_000, 10_000]);
    const out = cli.stdout();
    expect(out.slice(out.indexOf('Summary'))).toBe([
      'Summary of deploy all:',
      'STEP                RESULT                  TIME    STACKS',
      'Backend pipeline    ok                      42s     E-Com67-BackendPipelineStack',
      'Wait for API URL    FAILED (timed out, 1m)  1m 00s  /e-com67/api-url',
      'Frontend stack      skipped                 -       E-Com67-FrontendStack',
      'Frontend pipelines  skipped                 -       E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack',
      'Monitoring          skipped                 -       E-Com67-MonitoringStack E-Com67-EdgeMonitoringStack',
      '',
    ].join('\n'));
    expect(cli.stderr()).toBe('ecom-platform: /e-com67/api-url still does not exist in eu-west-1 after 1 minute: see ecom-platform status for e-com67-backend-pipeline; '
      + 'once its execution has deployed the backend, run ecom-platform deploy all again (or wait longer with --wait-minutes)\n');
  });

  test('all: the backend pipeline\'s execution failed: exit 1 at once with its failure message', async () => {
    const aws = parameterAfter(Infinity);
    aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-backend-pipeline' }).resolves(backendRun('0f1e2d3c4b5a',
      [['Source', 'Succeeded'], ['Build', 'Failed', 'Build terminated with state: FAILED. pip install -r requirements.txt exited with 1']]));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.runs).toHaveLength(1);
    expect(cli.sleeps).toEqual([]);
    expect(cli.stdout()).toContain('Wait for API URL    FAILED (pipeline failed)  0s');
    expect(cli.stderr()).toBe('ecom-platform: e-com67-backend-pipeline\'s execution 0f1e2d3c4b5a failed in stage Build: '
      + 'Build terminated with state: FAILED. pip install -r requirements.txt exited with 1; so /e-com67/api-url was not written: '
      + 'fix it and push (or release a change in the console), then run ecom-platform deploy all again\n');
  });

  test('all: the execution succeeded and still no parameter: the Api stack writes another name', async () => {
    const aws = parameterAfter(Infinity);
    aws.codePipeline.on(GetPipelineStateCommand).resolves(backendRun('0f1e2d3c4b5a',
      ['Source', 'Build', 'UpdatePipeline', 'Assets', 'Deploy'].map((stage) => [stage, 'Succeeded'] as [string, string])));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.stderr()).toMatch(/^ecom-platform: e-com67-backend-pipeline's execution 0f1e2d3c4b5a succeeded, yet \/e-com67\/api-url does not exist in eu-west-1: the backend's Api stack must write it/);
  });

  test('all: Ctrl-C stops the wait, exit 130; the pipeline state is optional', async () => {
    const aws = parameterAfter(Infinity);
    aws.codePipeline.on(GetPipelineStateCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform codepipeline:GetPipelineState'));
    const cli = fakeEnv({ cwd: appFolder(), stopAfterSleeps: 2 });
    expect(await cli.run(['deploy', 'all'])).toBe(130);
    expect(cli.sleeps).toHaveLength(2);
    expect(cli.stdout()).toContain('  0s       /e-com67/api-url not there yet; e-com67-backend-pipeline: state unknown (not authorized to perform codepipeline:GetPipelineState)\n');
    expect(cli.stdout()).toContain('Wait for API URL    stopped (Ctrl-C)  20s');
    expect(cli.stderr()).toBe('ecom-platform: stopped waiting for /e-com67/api-url (Ctrl-C): once e-com67-backend-pipeline has deployed the backend, run ecom-platform deploy all again\n');
  });

  test.each([
    ['frontend', 'the frontend stack reads it (the API in each app\'s connect-src)'],
    ['frontend-pipelines', 'the app pipeline stacks read it (config.json), and so does the frontend stack they depend on (connect-src)'],
  ])('%s is refused before the CDK CLI runs: one line, exit 1', async (target, readers) => {
    mockAws();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', target])).toBe(1);
    expect(cli.runs).toEqual([]);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(`ecom-platform: the API URL parameter /e-com67/api-url does not exist in eu-west-1: ${readers}, and the backend's Api stack writes it. `
      + 'Run ecom-platform deploy all (it waits for the backend pipeline\'s first run), or deploy the backend first: '
      + 'the backend pipeline\'s first run, or cdk deploy \'<your backend stage>/*\'\n');
  });

  test('backend-pipeline: deployed with frontend pipelines off, saying why', async () => {
    mockAws();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'backend-pipeline'])).toBe(0);
    expect(cli.runs.map((r) => r.args)).toEqual([['deploy', 'E-Com67-BackendPipelineStack', ...FIRST_MODE]]);
    expect(cli.stdout()).toMatch(/^\/e-com67\/api-url does not exist yet \(the backend's Api stack writes it\), so this deploy turns frontend pipelines off: /);
    expect(cli.stdout()).toContain('==> Step 1/1: Backend pipeline (E-Com67-BackendPipelineStack), with frontend pipelines off, as /e-com67/api-url does not exist yet\n');
  });

  test.each(['all', 'backend-pipeline'])('%s: no parameter while app pipeline stacks exist is refused: not a first deployment', async (target) => {
    const aws = mockAws();
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'E-Com67-CustomerPipelineStack' })
      .resolves({ Stacks: [{ StackName: 'E-Com67-CustomerPipelineStack', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0) }] });
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', target])).toBe(1);
    expect(cli.runs).toEqual([]);
    expect(cli.stderr()).toBe('ecom-platform: the API URL parameter /e-com67/api-url does not exist in eu-west-1, yet E-Com67-CustomerPipelineStack do: '
      + 'this is not a first deployment. Deploy the backend again so its Api stack writes the parameter (or, if the platform sets apiUrlParameterName, '
      + 'create that name), then run deploy again\n');
  });

  test('no permission to read the parameter: one line naming ssm:GetParameter on it, nothing run', async () => {
    mockAws().ssm.on(GetParameterCommand).rejects(awsError('AccessDeniedException',
      'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:111122223333:parameter/e-com67/api-url'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.runs).toEqual([]);
    expect(cli.stderr()).toMatch(/^ecom-platform: not allowed to read the API URL parameter \/e-com67\/api-url: deploy reads it to know whether the backend has been deployed; allow ssm:GetParameter on arn:aws:ssm:eu-west-1:<account>:parameter\/e-com67\/api-url \(User: .*\)\n$/);
  });

  test('no region: one line, nothing run', async () => {
    mockAws();
    const cli = fakeEnv({ cwd: appFolder(), clients: testClients(null) });
    expect(await cli.run(['deploy', 'all'])).toBe(1);
    expect(cli.runs).toEqual([]);
    expect(cli.stderr()).toBe('ecom-platform: no AWS region configured, and deploy first reads the API URL parameter /e-com67/api-url there: '
      + 'set AWS_REGION, give --region, or set a region in your AWS profile\n');
  });
});
