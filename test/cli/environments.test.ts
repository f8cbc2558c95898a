// The CLI on a platform with environments (cdk.json context ecom:environments): dev and staging in the pipeline
// account 111111111111, prod in 222222222222, one region.
import { DescribeStacksCommand, Stack, StackStatus } from '@aws-sdk/client-cloudformation';
import { BatchGetProjectsCommand, CodeBuildClient, EnvironmentVariable } from '@aws-sdk/client-codebuild';
import { GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import {
  ActionExecutionStatus, GetPipelineExecutionCommand, GetPipelineStateCommand, ListActionExecutionsCommand, StageExecutionStatus, StageState,
} from '@aws-sdk/client-codepipeline';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { apiUrlParameter, appFolder, awsError, fakeEnv, mockAws, mockThreePipelines, MONITORING_NOT_DEPLOYED, stackMissing, testClients, THREE_PIPELINES_TABLE } from './fake-env';
import { BASE_URL, BUCKET, KVS_ARN, worldWithReleases } from '../release/harness';

const PIPELINE_ACCOUNT = '111111111111';
const PROD_ACCOUNT = '222222222222';
const ENVIRONMENTS = [
  { name: 'dev', account: PIPELINE_ACCOUNT, region: 'eu-west-1' },
  { name: 'staging', account: PIPELINE_ACCOUNT, region: 'eu-west-1' },
  { name: 'prod', account: PROD_ACCOUNT, region: 'eu-west-1', manualApproval: true },
];
const CONTEXT = { 'ecom:environments': ENVIRONMENTS };
const BOOTSTRAP_COMMAND = `cdk bootstrap --trust ${PIPELINE_ACCOUNT} --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess aws://${PROD_ACCOUNT}/eu-west-1`;

const succeeded = (id: string) => ({ pipelineExecutionId: id, status: 'Succeeded' as StageExecutionStatus });
function stage(stageName: string, latestExecution?: { pipelineExecutionId: string; status: StageExecutionStatus }, at = '2026-11-26T13:00:00Z'): StageState {
  return {
    stageName,
    latestExecution,
    actionStates: [{
      actionName: stageName,
      latestExecution: latestExecution && { status: latestExecution.status as string as ActionExecutionStatus, lastStatusChange: new Date(at) },
    }],
  };
}

/**
 * The pipelines after commit bbbb went to dev and staging and waits for approval before prod, which runs aaaa;
 * admin-dashboard's pipeline took cccc to dev only; customer-app's pipeline is not deployed.
 */
function promotedPipelines() {
  const aws = mockAws();
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-backend-pipeline' }).resolves({
    stageStates: [
      stage('Source', succeeded('exec-b2')), stage('Build', succeeded('exec-b2')), stage('UpdatePipeline', succeeded('exec-b2')),
      stage('Dev', succeeded('exec-b2')), stage('Staging', succeeded('exec-b2')),
      stage('Prod', { pipelineExecutionId: 'exec-b2', status: 'InProgress' as StageExecutionStatus }),
    ],
  });
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-admin-dashboard-pipeline' }).resolves({
    stageStates: [
      stage('Source', succeeded('exec-a2')), stage('Build', succeeded('exec-a2')), stage('Deploy-Dev', succeeded('exec-a2')),
      stage('Deploy-Staging', { pipelineExecutionId: 'exec-a2', status: 'Failed' as StageExecutionStatus }),
      stage('Deploy-Prod', succeeded('exec-a1')),
    ],
  });
  aws.codePipeline.on(GetPipelineStateCommand, { name: 'e-com67-customer-app-pipeline' }).rejects(awsError('PipelineNotFoundException', 'not found'));
  // The executions before: exec-b1 deployed 9999aaaa to prod, exec-a1 aaaaaaaa to staging.
  const detail = (pipelineExecutionId: string, stageName: string, status: string, at: string) =>
    ({ pipelineExecutionId, stageName, actionName: 'Deploy', status: status as ActionExecutionStatus, lastUpdateTime: new Date(at) });
  aws.codePipeline.on(ListActionExecutionsCommand, { pipelineName: 'e-com67-backend-pipeline' }).resolves({
    actionExecutionDetails: [
      detail('exec-b2', 'Prod', 'InProgress', '2026-11-26T13:30:00Z'),
      detail('exec-b2', 'Staging', 'Succeeded', '2026-11-26T13:20:00Z'),
      detail('exec-b1', 'Prod', 'Succeeded', '2026-11-25T10:00:00Z'),
    ],
  });
  aws.codePipeline.on(ListActionExecutionsCommand, { pipelineName: 'e-com67-admin-dashboard-pipeline' }).resolves({
    actionExecutionDetails: [
      detail('exec-a1', 'Deploy-Staging', 'Succeeded', '2026-11-25T10:00:00Z'),
      detail('exec-a2', 'Deploy-Staging', 'Failed', '2026-11-26T13:40:00Z'),
    ],
  });
  const revisions: Record<string, string> = { 'exec-b2': 'bbbbbbbb11112222', 'exec-b1': '9999aaaa77778888', 'exec-a2': 'cccccccc33334444', 'exec-a1': 'aaaaaaaa55556666' };
  aws.codePipeline.on(GetPipelineExecutionCommand).callsFake(async ({ pipelineExecutionId }) => ({
    pipelineExecution: { pipelineExecutionId, artifactRevisions: [{ revisionId: revisions[pipelineExecutionId] }] },
  }));
  return aws;
}

describe('status with environments', () => {
  test('a row per environment: the commit each pipeline\'s stage for it runs, and a newer one deploying or failed', async () => {
    promotedPipelines();
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['status'])).toBe(0);
    const out = cli.stdout();
    // The stage table first, as for one environment.
    expect(out).toContain('e-com67-backend-pipeline          Source          Succeeded');
    expect(out.slice(out.indexOf('Commit each environment runs'))).toBe([
      'Commit each environment runs, from its stage in each pipeline (in brackets: a newer commit deploying or failed there):',
      'ENVIRONMENT  ACCOUNT       BACKEND                         ADMIN-DASHBOARD             CUSTOMER-APP',
      'dev          111111111111  bbbbbbbb Succeeded              cccccccc Succeeded          not deployed',
      // staging still runs aaaaaaaa: cccccccc failed there; prod runs 9999aaaa while bbbbbbbb deploys.
      'staging      111111111111  bbbbbbbb Succeeded              aaaaaaaa (cccccccc Failed)  not deployed',
      'prod         222222222222  9999aaaa (bbbbbbbb InProgress)  aaaaaaaa Succeeded          not deployed',
      '',
    ].join('\n') + MONITORING_NOT_DEPLOYED);
  });

  test('--json: environments with each deployment\'s stage, status and full commit', async () => {
    promotedPipelines();
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['status', '--json'])).toBe(0);
    const json = JSON.parse(cli.stdout());
    expect(json.environments.map((e: any) => [e.environment, e.account])).toEqual([['dev', PIPELINE_ACCOUNT], ['staging', PIPELINE_ACCOUNT], ['prod', PROD_ACCOUNT]]);
    expect(json.environments[2].deployments.slice(0, 2)).toEqual([
      {
        pipeline: 'e-com67-backend-pipeline',
        role: 'backend',
        stage: 'Prod',
        status: 'InProgress',
        revision: 'bbbbbbbb11112222',
        lastChange: '2026-11-26T13:00:00.000Z',
        liveRevision: '9999aaaa77778888',
      },
      { pipeline: 'e-com67-admin-dashboard-pipeline', role: 'admin-dashboard', stage: 'Deploy-Prod', status: 'Succeeded', revision: 'aaaaaaaa55556666', lastChange: '2026-11-26T13:00:00.000Z' },
    ]);
  });

  test('--env staging: the pipelines without the other environments\' stages, and staging\'s row only', async () => {
    promotedPipelines();
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['status', '--env', 'staging', '--json'])).toBe(0);
    const json = JSON.parse(cli.stdout());
    expect(json.pipelines[0].stages.map((s: any) => s.stage)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Staging']);
    expect(json.pipelines[1].stages.map((s: any) => s.stage)).toEqual(['Source', 'Build', 'Deploy-Staging']);
    expect(json.environments.map((e: any) => e.environment)).toEqual(['staging']);
  });

  test('one environment: today\'s output exactly; --env names it', async () => {
    mockThreePipelines();
    const context = { 'ecom:environments': [{ name: 'prod', account: PIPELINE_ACCOUNT, region: 'eu-west-1' }] };
    const cli = fakeEnv({ cwd: appFolder({ context }) });
    expect(await cli.run(['status'])).toBe(0);
    expect(cli.stdout()).toBe(THREE_PIPELINES_TABLE + MONITORING_NOT_DEPLOYED);
    const json = fakeEnv({ cwd: appFolder({ context }) });
    expect(await json.run(['status', '--json', '--env', 'prod'])).toBe(0);
    expect(Object.keys(JSON.parse(json.stdout()))).toEqual(['region', 'pipelines', 'monitoring']);
  });

  test.each([
    [['status', '--env', 'stagng'], CONTEXT, /^ecom-platform: unknown environment "stagng" in --env: did you mean staging\? the platform's environments are dev, staging, prod \(context ecom:environments in .*cdk\.json\)\n$/],
    [['doctor', '--env', 'qa'], CONTEXT, /unknown environment "qa" in --env: the platform's environments are dev, staging, prod/],
    [['releases', 'admin-dashboard', '--env', 'dev'], {}, /--env "dev": the platform has no environments \(no context ecom:environments in .*\); leave --env out, or list them in cdk\.json/],
    [['status', '--env', 'Prod'], CONTEXT, /invalid --env "Prod": not an environment name; expected an environment name such as dev, staging or prod/],
    [['destroy-legacy', '--env', 'dev'], CONTEXT, /--env does not apply to destroy-legacy: it is an option of status and deploy and doctor and releases and rollback/],
    [['status'], { 'ecom:environments': [{ name: 'dev', account: '1111', region: 'eu-west-1' }] }, /environment dev's account "1111": an AWS account ID is 12 digits/],
    [['status'], { 'ecom:environments': [ENVIRONMENTS[0], ENVIRONMENTS[0]] }, /lists the environment dev twice/],
  ])('%j: a usage error (exit 2) naming the known environments or the problem', async (argv, context, message) => {
    mockAws();
    const cli = fakeEnv({ cwd: appFolder({ context }) });
    expect(await cli.run(argv)).toBe(2);
    expect(cli.stderr()).toMatch(message);
  });
});

const BOOTSTRAP: Stack = { StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '28' }] };

/** An account with a bootstrap stack (`trusted`: its TrustedAccounts), a repository, and `stacks`. */
function account(id: string, options: { trusted?: string; stacks?: Record<string, string>; parameters?: string[] } = {}) {
  const aws = mockAws();
  aws.sts.on(GetCallerIdentityCommand).resolves({ Account: id, Arn: `arn:aws:iam::${id}:user/ops` });
  aws.cloudFormation.on(DescribeStacksCommand).callsFake(async ({ StackName }) => {
    if (StackName === 'CDKToolkit') {
      return { Stacks: [{ ...BOOTSTRAP, Parameters: options.trusted === undefined ? [] : [{ ParameterKey: 'TrustedAccounts', ParameterValue: options.trusted }] }] };
    }
    if (options.stacks && StackName in options.stacks) {
      return { Stacks: [{ StackName, StackStatus: options.stacks[StackName] as StackStatus, CreationTime: new Date(0) }] };
    }
    throw stackMissing(StackName);
  });
  aws.codeCommit.on(GetRepositoryCommand).resolves({ repositoryMetadata: { repositoryName: 'e-com67' } });
  for (const name of options.parameters ?? []) {
    aws.ssm.on(GetParameterCommand, { Name: name }).resolves(apiUrlParameter(name));
  }
  return aws;
}

/** doctor's `[level] check  detail` lines, by check (checks of up to two words). */
function findings(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').filter((l) => l.startsWith('['))
    .map((l) => { const m = /^\[(\w+)\]\s+(\S+(?: [^\s(]\S*)?(?: \(\S+\))?)\s{2,}(.*)$/.exec(l)!; return [m[2], `${m[1]}: ${m[3]}`]; }));
}

describe('doctor with environments', () => {
  test('with the pipeline account\'s credentials: dev and staging checked; prod\'s exact bootstrap --trust command and the profile to check it', async () => {
    account(PIPELINE_ACCOUNT, { stacks: { 'E-Com67-Dev-FrontendStack': 'CREATE_COMPLETE' }, parameters: ['/e-com67-dev/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['doctor'])).toBe(0);
    const found = findings(cli.stdout());
    expect(found).toMatchObject({
      'Environment dev': 'ok: 111111111111/eu-west-1: CDKToolkit version 28 (UPDATE_COMPLETE)',
      'Environment staging': 'ok: 111111111111/eu-west-1: CDKToolkit version 28 (UPDATE_COMPLETE)',
      'Environment prod': `warn: ${PROD_ACCOUNT}/eu-west-1, another account than the pipelines' (${PIPELINE_ACCOUNT}): its bootstrap and trust are not checked with these credentials (account ${PIPELINE_ACCOUNT})`,
      'E-Com67-Dev-FrontendStack': 'ok: frontend hosting (dev): CREATE_COMPLETE',
      'E-Com67-Staging-DataStack': 'info: backend data (staging): not deployed',
      'E-Com67-FrontendStack': `info: frontend hosting (prod): in account ${PROD_ACCOUNT}, not checked with these credentials (account ${PIPELINE_ACCOUNT})`,
      'E-Com67-BackendPipelineStack': 'info: backend pipeline: not deployed',
      'API URL (dev)': 'ok: /e-com67-dev/api-url = https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
      'API URL (staging)': expect.stringMatching(/^warn: \/e-com67-staging\/api-url does not exist yet/),
    });
    expect(found['API URL']).toBeUndefined();
    expect(cli.stdout()).toContain(`fix: bootstrap it once with credentials of ${PROD_ACCOUNT}, trusting the pipeline account: \`${BOOTSTRAP_COMMAND}\`; `
      + `then check it: \`ecom-platform doctor --env prod --profile <a profile of account ${PROD_ACCOUNT}>\``);
  });

  test('--env prod with prod\'s credentials, not bootstrapped with --trust: a failure with the exact command, keeping accounts it trusts', async () => {
    account(PROD_ACCOUNT, { trusted: '333333333333' });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['doctor', '--env', 'prod', '--profile', 'prod'])).toBe(1);
    const found = findings(cli.stdout());
    expect(found['Environment prod']).toBe(`fail: ${PROD_ACCOUNT}/eu-west-1: CDKToolkit does not trust the pipeline account ${PIPELINE_ACCOUNT} `
      + '(TrustedAccounts: 333333333333), so its pipelines cannot deploy there');
    expect(cli.stdout()).toContain(`fix: run \`cdk bootstrap --trust ${PIPELINE_ACCOUNT} --trust 333333333333 --cloudformation-execution-policies `
      + `arn:aws:iam::aws:policy/AdministratorAccess aws://${PROD_ACCOUNT}/eu-west-1\` with credentials of ${PROD_ACCOUNT}`);
    // Only prod: the pipeline account's source and stacks are not looked for with prod's credentials.
    expect(found['Environment dev']).toBeUndefined();
    expect(found.Source).toBe(`info: in the pipeline account ${PIPELINE_ACCOUNT}: not checked with these credentials (account ${PROD_ACCOUNT})`);
    expect(found['E-Com67-Dev-FrontendStack']).toBeUndefined();
    expect(found['E-Com67-FrontendStack']).toBe('info: frontend hosting (prod): not deployed');
  });

  test('--env prod, bootstrapped trusting the pipeline account: ok', async () => {
    account(PROD_ACCOUNT, { trusted: `${PIPELINE_ACCOUNT},333333333333`, parameters: ['/e-com67/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['doctor', '--env', 'prod'])).toBe(0);
    expect(findings(cli.stdout())['Environment prod']).toBe(`ok: ${PROD_ACCOUNT}/eu-west-1: CDKToolkit version 28 (UPDATE_COMPLETE), trusts the pipeline account ${PIPELINE_ACCOUNT}`);
    expect(findings(cli.stdout())['API URL (prod)']).toMatch(/^ok: \/e-com67\/api-url = /);
  });

  test('--env prod with prod\'s credentials, no bootstrap at all: the --trust command', async () => {
    const aws = account(PROD_ACCOUNT);
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).rejects(stackMissing('CDKToolkit'));
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['doctor', '--env', 'prod'])).toBe(1);
    expect(findings(cli.stdout())['Environment prod']).toBe(`fail: ${PROD_ACCOUNT}/eu-west-1: no CDKToolkit stack in eu-west-1`);
    expect(cli.stdout()).toContain(`fix: run \`${BOOTSTRAP_COMMAND}\``);
  });

  test('ecom:pipelineAccount names the pipelines\' account when the first environment is elsewhere', async () => {
    account(PIPELINE_ACCOUNT);
    const context = { ...CONTEXT, 'ecom:environments': [{ name: 'dev', account: '444444444444', region: 'eu-west-1' }, ENVIRONMENTS[2]], 'ecom:pipelineAccount': PIPELINE_ACCOUNT };
    const cli = fakeEnv({ cwd: appFolder({ context }) });
    expect(await cli.run(['doctor'])).toBe(0);
    expect(cli.stdout()).toContain('`cdk bootstrap --trust 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess aws://444444444444/eu-west-1`');
  });
});

describe('deploy with environments', () => {
  test('deploy frontend --env dev: dev\'s frontend stack, after reading dev\'s API URL parameter', async () => {
    const aws = account(PIPELINE_ACCOUNT, { parameters: ['/e-com67-dev/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'frontend', '--env', 'dev'])).toBe(0);
    expect(cli.runs.map((r) => r.args.slice(0, 2))).toEqual([['deploy', 'E-Com67-Dev-FrontendStack']]);
    expect(cli.runs[0].options.env).toEqual({ AWS_REGION: 'eu-west-1' });
    expect(aws.ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/e-com67-dev/api-url']);
  });

  test('deploy frontend: the frontend stacks whose API URL exists, in order; the others named with the command for later', async () => {
    account(PIPELINE_ACCOUNT, { parameters: ['/e-com67-dev/api-url', '/e-com67-staging/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'frontend'])).toBe(0);
    // Then the us-east-1 edge monitoring stack: it imports the distribution IDs of the pipeline account's environments (prod's are not monitored).
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([
      ['E-Com67-Dev-FrontendStack', 'E-Com67-Staging-FrontendStack'], ['E-Com67-EdgeMonitoringStack'],
    ]);
    expect(cli.stdout()).toContain('Frontend stacks');
    expect(cli.stdout()).toContain(`E-Com67-FrontendStack is not deployed now: it is in account ${PROD_ACCOUNT}, and these credentials are account ${PIPELINE_ACCOUNT}'s. `
      + `Once the backend pipeline has deployed prod: ecom-platform deploy frontend --env prod --profile <a profile of ${PROD_ACCOUNT}>`);
  });

  test('deploy frontend: an environment whose API URL does not exist yet is not deployed (its stack reads it)', async () => {
    account(PIPELINE_ACCOUNT, { parameters: ['/e-com67-dev/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'frontend'])).toBe(0);
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([['E-Com67-Dev-FrontendStack']]);
    expect(cli.stdout()).toContain('E-Com67-Staging-FrontendStack is not deployed now: /e-com67-staging/api-url does not exist yet (the backend pipeline has not deployed staging). '
      + 'Once the backend pipeline has deployed staging: ecom-platform deploy frontend --env staging\n');
    // The edge monitoring stack imports staging's distribution IDs too: it waits (the CDK CLI would deploy staging's stack as its dependency).
    expect(cli.stdout()).toContain('E-Com67-EdgeMonitoringStack: not deployed now, as it depends on E-Com67-Staging-FrontendStack, not deployed now; '
      + 'once the backend pipeline has deployed staging: ecom-platform deploy all.\n');
    // prod's alarms are in prod's account, next to its distributions: with its credentials, after its frontend stack.
    expect(cli.stdout()).toContain('E-Com67-Prod-EdgeMonitoringStack: not deployed now, as it depends on E-Com67-FrontendStack, not deployed now; '
      + `once the backend pipeline has deployed prod: ecom-platform deploy frontend --env prod --profile <a profile of ${PROD_ACCOUNT}>.\n`);
    expect(cli.stdout()).toContain('Edge monitoring  skipped (frontend stacks first)  -     E-Com67-EdgeMonitoringStack E-Com67-Prod-EdgeMonitoringStack\n');
  });

  test('deploy frontend --env prod with the pipeline account\'s credentials: prod\'s parameter is not read, said so', async () => {
    const aws = account(PIPELINE_ACCOUNT);
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'frontend', '--env', 'prod'])).toBe(0);
    // Then prod's edge monitoring stack (in prod's account, us-east-1), not the pipeline account's, which depends on dev's and staging's stacks.
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([['E-Com67-FrontendStack'], ['E-Com67-Prod-EdgeMonitoringStack']]);
    expect(cli.stdout()).toContain('E-Com67-EdgeMonitoringStack: not deployed now, as it depends on the frontend stacks of the pipeline account\'s environments '
      + '(E-Com67-Dev-FrontendStack, E-Com67-Staging-FrontendStack), and --env prod deploys one; ecom-platform deploy all, without --env, deploys them.\n');
    expect(aws.ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(cli.stdout()).toContain(`/e-com67/api-url is in prod's account ${PROD_ACCOUNT}, and these credentials are account ${PIPELINE_ACCOUNT}'s: not checked`);
  });

  test('deploy all, a first deployment: waits for the first environment\'s API URL, then the frontend stacks that can deploy, then the pipelines', async () => {
    const aws = account(PIPELINE_ACCOUNT);
    let checks = 0;
    aws.ssm.on(GetParameterCommand, { Name: '/e-com67-dev/api-url' }).callsFake(async ({ Name }) => {
      if (++checks < 3) {
        throw awsError('ParameterNotFound', 'not found');
      }
      return apiUrlParameter(Name);
    });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'all'])).toBe(0);
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([
      ['E-Com67-BackendPipelineStack'],
      ['E-Com67-Dev-FrontendStack'],
      ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack'],
    ]);
    expect(cli.runs[0].args).toContain('ecom:frontendPipelines=false');
    expect(cli.stdout()).toContain('Step 2/5: Waiting for the backend pipeline\'s first run to write /e-com67-dev/api-url');
    expect(cli.stdout()).toContain('ecom-platform deploy frontend --env staging\n');
    // Not the monitoring stacks: they depend on staging's frontend stack, whose API URL does not exist yet.
    expect(cli.stdout()).toContain('Monitoring          skipped (frontend stacks first)  -     E-Com67-MonitoringStack E-Com67-EdgeMonitoringStack E-Com67-Prod-EdgeMonitoringStack\n');
    expect(new Set(aws.ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name))).toEqual(new Set(['/e-com67-dev/api-url', '/e-com67-staging/api-url']));
  });

  test('deploy all with every environment of the pipeline account ready: the monitoring stacks last, not another account\'s edge stack', async () => {
    account(PIPELINE_ACCOUNT, { parameters: ['/e-com67-dev/api-url', '/e-com67-staging/api-url'] });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', 'all'])).toBe(0);
    expect(cli.runs.map((r) => r.args.slice(1, r.args.indexOf('--require-approval')))).toEqual([
      ['E-Com67-BackendPipelineStack'],
      ['E-Com67-Dev-FrontendStack', 'E-Com67-Staging-FrontendStack'],
      ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack'],
      ['E-Com67-MonitoringStack', 'E-Com67-EdgeMonitoringStack'],
    ]);
    expect(cli.stdout()).toContain('E-Com67-Prod-EdgeMonitoringStack: not deployed now, as it depends on E-Com67-FrontendStack');
  });

  test('doctor --env prod with prod\'s credentials: prod\'s edge monitoring stack, read in us-east-1', async () => {
    const aws = account(PROD_ACCOUNT);
    const regions: string[] = [];
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'E-Com67-Prod-EdgeMonitoringStack' }).callsFake(async (input, getClient) => {
      regions.push(await getClient().config.region());
      return { Stacks: [{ StackName: input.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0) }] };
    });
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }), clientsFor: (options) => testClients(options.region ?? 'eu-west-1') });
    await cli.run(['doctor', '--env', 'prod']);
    expect(cli.stdout()).toMatch(/\[ok\] +E-Com67-Prod-EdgeMonitoringStack +alarms on the CloudFront metrics of account 222222222222 \(us-east-1\): CREATE_COMPLETE\n/);
    expect(regions).toEqual(['us-east-1']);
  });

  test.each(['backend-pipeline', 'frontend-pipelines'])('deploy %s --env dev: refused, one pipeline serves every environment', async (target) => {
    account(PIPELINE_ACCOUNT);
    const cli = fakeEnv({ cwd: appFolder({ context: CONTEXT }) });
    expect(await cli.run(['deploy', target, '--env', 'dev'])).toBe(2);
    expect(cli.stderr()).toMatch(new RegExp(`^ecom-platform: --env dev does not apply to deploy ${target}: the platform has one .* for every environment`));
    expect(cli.runs).toEqual([]);
  });
});

describe('releases and rollback with --env', () => {
  const variables = (vars: Record<string, string>): EnvironmentVariable[] => Object.entries(vars).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }));
  const ROLE = `arn:aws:iam::${PROD_ACCOUNT}:role/E-Com67-FrontendStack-AdminDeployRole`;
  const TARGET = `/cdk-ecom-platform/e-com67-admin-dashboard-${PROD_ACCOUNT}/deploy-target`;

  async function environmentWorld(callerAccount: string, project: EnvironmentVariable[]) {
    const world = await worldWithReleases(2);
    for (const client of [world.s3, world.kvs] as Array<{ send: (...args: unknown[]) => unknown }>) {
      const send = client.send;
      client.send = (...args) => Promise.resolve(send.apply(client, args));
    }
    const aws = mockAws();
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: callerAccount });
    const target = JSON.stringify({ bucket: BUCKET, keyValueStoreArn: KVS_ARN, siteUrl: BASE_URL });
    aws.ssm.on(GetParameterCommand, { Name: TARGET }).resolves({ Parameter: { Name: TARGET, Value: target } });
    const codeBuild = mockClient(CodeBuildClient);
    codeBuild.reset();
    codeBuild.on(BatchGetProjectsCommand)
      .callsFake(async ({ names }) => ({ projects: [{ name: names[0], environment: { environmentVariables: project } }] }));
    const cli = () => fakeEnv({ cwd: appFolder({ context: CONTEXT }), clients: { ...testClients(), s3: world.s3, kvs: world.kvs } });
    return { world, aws, codeBuild, cli };
  }

  test('releases --env dev: dev\'s deploy project', async () => {
    const project = variables({ SPA_BUCKET: BUCKET, SPA_KVS_ARN: KVS_ARN, SPA_SITE_URL: BASE_URL });
    const { codeBuild, cli } = await environmentWorld(PIPELINE_ACCOUNT, project);
    const run = cli();
    expect(await run.run(['releases', 'admin-dashboard', '--env', 'dev'])).toBe(0);
    expect(codeBuild.commandCalls(BatchGetProjectsCommand).map((c) => c.args[0].input.names)).toEqual([['e-com67-dev-admin-dashboard-deploy']]);
    expect(run.stdout()).toContain(`Releases of admin-dashboard in s3://${BUCKET}, newest first (2 kept`);
    expect(run.stdout()).toContain('Roll back: ecom-platform rollback admin-dashboard --env dev [--to <id>]');
  });

  test('releases --env prod with the pipeline account\'s credentials: says which account\'s profile it needs', async () => {
    const { world, codeBuild, cli } = await environmentWorld(PIPELINE_ACCOUNT, variables({ SPA_BUCKET: `e-com67-admin-dashboard-${PROD_ACCOUNT}`, SPA_ROLE_ARN: ROLE, SPA_TARGET_PARAMETER: TARGET }));
    const run = cli();
    expect(await run.run(['releases', 'admin-dashboard', '--env', 'prod'])).toBe(1);
    expect(codeBuild.commandCalls(BatchGetProjectsCommand).map((c) => c.args[0].input.names)).toEqual([['e-com67-admin-dashboard-deploy']]);
    expect(run.stderr()).toBe(`ecom-platform: admin-dashboard in prod is hosted in account ${PROD_ACCOUNT} (e-com67-admin-dashboard-deploy deploys there through the role ${ROLE}), `
      + `and these credentials are account ${PIPELINE_ACCOUNT}'s: run it again with --profile <a profile of account ${PROD_ACCOUNT}> and --env prod; `
      + `they read ${TARGET} there (ssm:GetParameter), then the bucket and the KeyValueStore it names\n`);
    expect(world.s3Mock.calls()).toEqual([]);
    // Without --env: the production environment's, the same answer.
    const prod = cli();
    expect(await prod.run(['releases', 'admin-dashboard'])).toBe(1);
    expect(prod.stderr()).toBe(run.stderr());
  });

  test('releases and rollback --env prod with prod\'s credentials: the deploy target from prod\'s parameter', async () => {
    const { world, aws, codeBuild, cli } = await environmentWorld(PROD_ACCOUNT, []);
    const list = cli();
    expect(await list.run(['releases', 'admin-dashboard', '--env', 'prod', '--profile', 'prod', '--json'])).toBe(0);
    expect(JSON.parse(list.stdout())).toMatchObject({ environment: 'prod', deployProject: 'e-com67-admin-dashboard-deploy', bucket: BUCKET, kvsArn: KVS_ARN, siteUrl: BASE_URL, live: '0123456-2' });
    expect(aws.ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual([TARGET]);
    expect(codeBuild.calls()).toEqual([]);

    const back = cli();
    expect(await back.run(['rollback', 'admin-dashboard', '--env', 'prod', '--yes', '--no-wait'])).toBe(0);
    expect(back.stdout()).toContain('Switched admin-dashboard from 0123456-2 to 0123456-1');
    expect(world.kvsMock.calls().some((c) => c.args[0].constructor.name === 'UpdateKeysCommand')).toBe(true);
  });

  test('the deploy target parameter is missing in prod\'s account: what writes it and what to check', async () => {
    const { aws, cli } = await environmentWorld(PROD_ACCOUNT, []);
    aws.ssm.on(GetParameterCommand, { Name: TARGET }).rejects(awsError('ParameterNotFound', 'not found'));
    const run = cli();
    expect(await run.run(['releases', 'admin-dashboard', '--env', 'prod'])).toBe(1);
    expect(run.stderr()).toBe(`ecom-platform: admin-dashboard's deploy target ${TARGET} does not exist in account ${PROD_ACCOUNT} (eu-west-1): `
      + 'the frontend stack E-Com67-FrontendStack writes it when the environment is in another account than the pipelines. '
      + 'Deploy it (ecom-platform deploy frontend --env prod), or check --env, --profile and --region\n');
  });
});
