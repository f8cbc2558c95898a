import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { appFolder, awsError, fakeEnv, mockAws, mockThreePipelines as threePipelines, MONITORING_NOT_DEPLOYED, testClients, THREE_PIPELINES_TABLE } from './fake-env';

describe('ecom-platform status', () => {
  test('the table: each stage\'s status, last change, revision, and the failure message under a failed stage', async () => {
    threePipelines();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status'])).toBe(0);
    expect(cli.stdout()).toBe(THREE_PIPELINES_TABLE + MONITORING_NOT_DEPLOYED);
  });

  test('the monitoring stacks under the pipelines: each one\'s CloudFormation status, the edge stack read in us-east-1', async () => {
    const aws = threePipelines();
    const regions: string[] = [];
    aws.cloudFormation.on(DescribeStacksCommand).callsFake(async (input, getClient) => {
      regions.push(await getClient().config.region());
      if (input.StackName === 'E-Com67-MonitoringStack') {
        return { Stacks: [{ StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0) }] };
      }
      throw awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStacks');
    });
    const clients = (options: { region?: string }) => testClients(options.region ?? 'eu-west-1');
    const cli = fakeEnv({ cwd: appFolder(), clientsFor: clients });
    expect(await cli.run(['status'])).toBe(0);
    const out = cli.stdout();
    const section = out.slice(out.indexOf('\nMonitoring stacks')).split('\n').map((line) => line.replace(/ {2,}/g, ' | '));
    expect(section).toEqual([
      '',
      'Monitoring stacks (dashboard and alarms):',
      'STACK | REGION | STATUS | WHAT',
      'E-Com67-MonitoringStack | eu-west-1 | UPDATE_COMPLETE | dashboard and alarms',
      'E-Com67-EdgeMonitoringStack | us-east-1 | unknown (AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks) | alarms on CloudFront metrics (us-east-1)',
      '',
    ]);
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1']);
    const json = fakeEnv({ cwd: appFolder(), clientsFor: clients });
    expect(await json.run(['status', '--json'])).toBe(0);
    expect(JSON.parse(json.stdout()).monitoring.map((m: any) => [m.stack, m.region, m.status])).toEqual([
      ['E-Com67-MonitoringStack', 'eu-west-1', 'UPDATE_COMPLETE'], ['E-Com67-EdgeMonitoringStack', 'us-east-1', 'Unknown'],
    ]);
  });

  test('in us-east-1 no edge stack is listed; with ecom:monitoring false, no monitoring section at all', async () => {
    threePipelines();
    const east = fakeEnv({ cwd: appFolder(), clients: testClients('us-east-1') });
    expect(await east.run(['status'])).toBe(0);
    expect(east.stdout()).toMatch(/\nE-Com67-MonitoringStack +us-east-1 +not deployed +dashboard and alarms\n/);
    expect(east.stdout()).not.toContain('EdgeMonitoring');
    const off = fakeEnv({ cwd: appFolder({ context: { 'ecom:monitoring': false } }) });
    expect(await off.run(['status'])).toBe(0);
    expect(off.stdout()).toBe(THREE_PIPELINES_TABLE);
  });

  test('--json: the same facts for scripts, with full revisions and execution IDs', async () => {
    threePipelines();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status', '--json'])).toBe(0);
    const json = JSON.parse(cli.stdout());
    expect(json.region).toBe('eu-west-1');
    expect(json.pipelines.map((p: any) => [p.pipeline, p.role, p.deployed])).toEqual([
      ['e-com67-backend-pipeline', 'backend', true],
      ['e-com67-admin-dashboard-pipeline', 'admin-dashboard', true],
      ['e-com67-customer-app-pipeline', 'customer-app', true],
    ]);
    expect(json.pipelines[0].stages[2]).toEqual({
      stage: 'Deploy', status: 'Succeeded', lastChange: '2026-11-26T13:12:30.000Z', revision: '0123456789abcdef0123', executionId: 'exec-b',
    });
    expect(json.pipelines[1].stages[1]).toMatchObject({ stage: 'Build', status: 'InProgress' });
    expect(json.pipelines[1].stages[1].failure).toBeUndefined();
    expect(json.pipelines[2].stages[1]).toMatchObject({ stage: 'Build', status: 'Failed', failure: 'Error calling startBuild: npm ci exited with 1' });
  });

  test('a pipeline that is not deployed is a row, not an error; other AWS errors fail with one line', async () => {
    const aws = mockAws();
    aws.codePipeline.on(GetPipelineStateCommand).rejects(awsError('PipelineNotFoundException', 'not found'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status'])).toBe(0);
    expect(cli.stdout()).toContain('e-com67-backend-pipeline          -      not deployed');

    aws.codePipeline.on(GetPipelineStateCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform codepipeline:GetPipelineState'));
    const denied = fakeEnv({ cwd: appFolder() });
    expect(await denied.run(['status', '--json'])).toBe(1);
    expect(denied.stderr()).toBe('ecom-platform: User is not authorized to perform codepipeline:GetPipelineState\n');
  });

  test('--watch redraws the table every --interval seconds until Ctrl-C (exit 130)', async () => {
    const aws = threePipelines();
    const cli = fakeEnv({ cwd: appFolder(), stopAfterSleeps: 2 });
    expect(await cli.run(['status', '--watch', '--interval', '3'])).toBe(130);
    expect(cli.sleeps).toEqual([3000, 3000]);
    expect(cli.stdout().split('\x1b[H\x1b[2J')).toHaveLength(3);
    expect(cli.stdout()).toContain('every 3s, Ctrl-C to stop');
    expect(aws.codePipeline.commandCalls(GetPipelineStateCommand)).toHaveLength(6);
  });

  test('--apps and --project name the pipelines', async () => {
    const aws = mockAws();
    aws.codePipeline.on(GetPipelineStateCommand).rejects(awsError('PipelineNotFoundException', 'not found'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status', '--json', '--project', 'shop', '--apps', 'storefront'])).toBe(0);
    expect(aws.codePipeline.commandCalls(GetPipelineStateCommand).map((c) => c.args[0].input.name))
      .toEqual(['shop-backend-pipeline', 'shop-storefront-pipeline']);
  });
});

describe('text from AWS is escaped before it reaches the terminal', () => {
  /** A failed stage whose message (from a commit message or a build log) holds escapes, and a hostile revision. */
  function hostilePipeline() {
    const aws = mockAws();
    aws.codePipeline.on(GetPipelineStateCommand).resolves({
      stageStates: [{
        stageName: 'Build\x1b[8m',
        latestExecution: { pipelineExecutionId: 'e1', status: 'Failed' },
        actionStates: [{
          actionName: 'Build',
          currentRevision: { revisionId: '\x1b]0;owned\x07abc', revisionChangeId: 'c1', created: new Date(0) },
          latestExecution: { status: 'Failed', errorDetails: { code: 'JobFailed', message: 'fix: \x1b[2J\x1b[31mclear screen\r\u009b31m\u202eevil' } },
        }],
      }],
    });
    return aws;
  }

  test('the table: ESC, BEL, CR, CSI (U+009B) and bidi overrides are shown as \\u escapes', async () => {
    hostilePipeline();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status', '--apps', 'shop'])).toBe(0);
    const out = cli.stdout();
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain('Build\\u001b[8m');
    expect(out).toContain('! fix: \\u001b[2J\\u001b[31mclear screen \\u009b31m\\u202eevil');
  });

  test('--json stays valid JSON and reads back the same text', async () => {
    hostilePipeline();
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['status', '--json', '--apps', 'shop'])).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(cli.stdout()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    const stage = JSON.parse(cli.stdout()).pipelines[0].stages[0];
    expect(stage.stage).toBe('Build\x1b[8m');
    expect(stage.failure).toBe('fix: \x1b[2J\x1b[31mclear screen\r\u009b31m\u202eevil');
  });
});
