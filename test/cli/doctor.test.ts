import { DescribeStacksCommand, Stack, StackStatus } from '@aws-sdk/client-cloudformation';
import { GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { GetConnectionCommand } from '@aws-sdk/client-codestar-connections';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { API_URL, apiUrlParameter, appFolder, awsError, fakeEnv, mockAws, stackMissing, testClients } from './fake-env';

const IDENTITY = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ops' };
const BOOTSTRAP: Stack = { StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '28' }] };

/** A fully set-up account: credentials, bootstrap, repository, API URL; `stacks` are the platform stacks that exist. */
function healthyAccount(stacks: Record<string, string> = {}) {
  const aws = mockAws();
  aws.sts.on(GetCallerIdentityCommand).resolves(IDENTITY);
  aws.cloudFormation.on(DescribeStacksCommand).callsFake(async ({ StackName }) => {
    if (StackName === 'CDKToolkit') {
      return { Stacks: [BOOTSTRAP] };
    }
    if (StackName in stacks) {
      return { Stacks: [{ StackName, StackStatus: stacks[StackName] as StackStatus, CreationTime: new Date() }] };
    }
    throw stackMissing(StackName);
  });
  aws.codeCommit.on(GetRepositoryCommand, { repositoryName: 'e-com67' })
    .resolves({ repositoryMetadata: { repositoryName: 'e-com67', cloneUrlHttp: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/e-com67' } });
  aws.ssm.on(GetParameterCommand, { Name: '/e-com67/api-url' }).resolves(apiUrlParameter());
  return aws;
}

/** `[level] check  detail` lines of doctor's output, by check. */
function findings(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').filter((l) => l.startsWith('['))
    .map((l) => { const m = /^\[(\w+)\]\s+(\S+(?: \S+)?)\s{2,}(.*)$/.exec(l)!; return [m[2], `${m[1]}: ${m[3]}`]; }));
}

describe('ecom-platform doctor', () => {
  test('a ready account: every check ok, existing stacks with their status, exit 0', async () => {
    healthyAccount({ 'E-Com67-FrontendStack': 'UPDATE_COMPLETE', 'E-Com67-BackendPipelineStack': 'CREATE_COMPLETE' });
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(0);
    const found = findings(cli.stdout());
    expect(found).toMatchObject({
      'Node.js': 'ok: v20.11.1',
      'AWS credentials': 'ok: account 111122223333 as arn:aws:iam::111122223333:user/ops',
      'Region': 'ok: eu-west-1',
      'CDK bootstrap': 'ok: CDKToolkit version 28 (UPDATE_COMPLETE)',
      'API URL': `ok: /e-com67/api-url = ${API_URL}`,
      'E-Com67-FrontendStack': 'ok: frontend hosting: UPDATE_COMPLETE',
      'E-Com67-BackendPipelineStack': 'ok: backend pipeline: CREATE_COMPLETE',
      'E-Com67-AdminPipelineStack': 'info: admin-dashboard pipeline: not deployed',
      'E-Com67-CustomerPipelineStack': 'info: customer-app pipeline: not deployed',
      'E-Com67-DataStack': 'info: backend data: not deployed',
    });
    expect(found['CDK CLI']).toMatch(/^ok: 2\.1148\.1 \(build test\) \(.*node_modules\/\.bin\/cdk\)$/);
    expect(found.Source).toBe('ok: CodeCommit repository e-com67 (https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/e-com67)');
    expect(cli.stdout()).toContain('Ready to deploy.');
  });

  test('the monitoring stacks: the dashboard\'s in the region, the edge stack read in us-east-1; one that can\'t be read is a warning, not the end', async () => {
    const aws = healthyAccount({ 'E-Com67-MonitoringStack': 'CREATE_COMPLETE' });
    const regions: Record<string, string> = {};
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'E-Com67-EdgeMonitoringStack' }).callsFake(async (input, getClient) => {
      regions[input.StackName] = await getClient().config.region();
      throw awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks');
    });
    const cli = fakeEnv({ cwd: appFolder(), clientsFor: (options) => testClients(options.region ?? 'eu-west-1') });
    expect(await cli.run(['doctor'])).toBe(0);
    const found = findings(cli.stdout());
    expect(found['E-Com67-MonitoringStack']).toBe('ok: dashboard and alarms: CREATE_COMPLETE');
    expect(found['E-Com67-EdgeMonitoringStack']).toBe('warn: alarms on CloudFront metrics (us-east-1): not read in us-east-1: AccessDenied: not authorized to perform: cloudformation:DescribeStacks');
    expect(regions).toEqual({ 'E-Com67-EdgeMonitoringStack': 'us-east-1' });
    expect(cli.stdout()).toContain('fix: allow cloudformation:DescribeStacks on it in us-east-1');
    // Later checks still ran.
    expect(found['E-Com67-DataStack']).toBe('info: backend data: not deployed');
  });

  test('in us-east-1 the platform has no edge stack; with ecom:monitoring false, no monitoring stack either', async () => {
    healthyAccount();
    const east = fakeEnv({ cwd: appFolder(), clients: testClients('us-east-1') });
    await east.run(['doctor']);
    expect(findings(east.stdout())['E-Com67-MonitoringStack']).toBe('info: dashboard and alarms: not deployed');
    expect(east.stdout()).not.toContain('EdgeMonitoring');
    const off = fakeEnv({ cwd: appFolder({ context: { 'ecom:monitoring': 'false' } }) });
    await off.run(['doctor']);
    expect(off.stdout()).not.toContain('Monitoring');
    expect(findings(off.stdout())['E-Com67-FrontendStack']).toBe('info: frontend hosting: not deployed');
  });

  test('missing credentials: a failure with the fix, AWS resources not checked, exit 1', async () => {
    const aws = mockAws();
    aws.sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout())['AWS credentials']).toBe('fail: none found');
    expect(cli.stdout()).toContain('fix: run `aws configure` or `aws sso login`, or set AWS_PROFILE');
    expect(findings(cli.stdout())['AWS resources']).toBe('info: not checked: credentials and a region come first');
    expect(aws.cloudFormation.calls()).toHaveLength(0);
    expect(cli.stdout()).toContain('1 problem to fix before deploying.');
  });

  test('expired credentials are told apart from missing ones', async () => {
    mockAws().sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout())['AWS credentials']).toBe('fail: expired');
  });

  test('no region: a failure naming the ways to set one', async () => {
    mockAws().sts.on(GetCallerIdentityCommand).resolves(IDENTITY);
    const cli = fakeEnv({ cwd: appFolder(), clients: testClients(null) });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout()).Region).toBe('fail: none configured');
    expect(cli.stdout()).toContain('fix: set AWS_REGION, give --region, or set a region in your AWS profile');
  });

  test('missing bootstrap: a failure with the exact cdk bootstrap command', async () => {
    const aws = healthyAccount();
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).rejects(stackMissing('CDKToolkit'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout())['CDK bootstrap']).toBe('fail: no CDKToolkit stack in eu-west-1');
    expect(cli.stdout()).toContain('fix: run `cdk bootstrap aws://111122223333/eu-west-1`');
  });

  test('an old bootstrap version fails', async () => {
    const aws = healthyAccount();
    aws.cloudFormation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' })
      .resolves({ Stacks: [{ ...BOOTSTRAP, Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '4' }] }] });
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout())['CDK bootstrap']).toBe('fail: version 4 is older than 6');
  });

  test('a missing repository fails with ways to create it; the old pipeline stack is a warning', async () => {
    const aws = healthyAccount({ 'E-Com67-PipelineStack': 'UPDATE_COMPLETE' });
    aws.codeCommit.on(GetRepositoryCommand).rejects(awsError('RepositoryDoesNotExistException', 'e-com67 does not exist'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    const found = findings(cli.stdout());
    expect(found.Source).toBe('fail: no CodeCommit repository e-com67');
    expect(cli.stdout()).toContain('PlatformSource.codeCommit({ createRepository: true })');
    expect(found['E-Com67-PipelineStack']).toBe('warn: old pipeline (legacy): UPDATE_COMPLETE');
    expect(cli.stdout()).toContain('ecom-platform destroy-legacy');
  });

  test('a pending connection (from cdk.json context) fails; names follow the context naming', async () => {
    const aws = healthyAccount({ 'Shop-FrontendStack': 'CREATE_COMPLETE' });
    const arn = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/abc';
    aws.connections.on(GetConnectionCommand, { ConnectionArn: arn })
      .resolves({ Connection: { ConnectionName: 'github', ProviderType: 'GitHub', ConnectionStatus: 'PENDING' } });
    const cli = fakeEnv({ cwd: appFolder({ context: { 'ecom:projectName': 'shop', 'ecom:stackPrefix': 'Shop', 'ecom:connectionArn': arn } }) });
    expect(await cli.run(['doctor'])).toBe(1);
    const found = findings(cli.stdout());
    expect(found.Source).toBe('fail: connection github is PENDING');
    expect(found['Shop-FrontendStack']).toBe('ok: frontend hosting: CREATE_COMPLETE');
    expect(aws.codeCommit.calls()).toHaveLength(0);
  });

  test('no cdk.json and no CDK CLI: both failures', async () => {
    healthyAccount();
    const cli = fakeEnv({ cwd: appFolder({ cdkJson: false, cdk: false }) });
    expect(await cli.run(['doctor'])).toBe(1);
    const found = findings(cli.stdout());
    expect(found['CDK app']).toMatch(/^fail: no cdk\.json in /);
    expect(found['CDK CLI']).toBe('fail: not found in node_modules/.bin or on PATH');
  });

  test('a missing API URL parameter is a warning saying what deploy all does about it; still ready to deploy', async () => {
    const aws = healthyAccount();
    aws.ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'Parameter /e-com67/api-url not found.'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(0);
    expect(findings(cli.stdout())['API URL']).toBe('warn: /e-com67/api-url does not exist yet: the backend\'s Api stack writes it; the frontend stack and the app pipeline stacks read it');
    expect(cli.stdout()).toContain('fix: ecom-platform deploy all deploys the backend pipeline, waits for its first run to write it, then the rest');
    expect(cli.stdout()).toContain('Ready to deploy.');
  });

  test('a missing API URL parameter is only information when cdk.json turns frontend pipelines off; the name follows the naming', async () => {
    const aws = healthyAccount();
    aws.ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'Parameter /shop/api-url not found.'));
    aws.codeCommit.on(GetRepositoryCommand, { repositoryName: 'shop' }).resolves({ repositoryMetadata: { repositoryName: 'shop' } });
    const cli = fakeEnv({ cwd: appFolder({ context: { 'ecom:frontendPipelines': 'false', 'ecom:projectName': 'shop' } }) });
    expect(await cli.run(['doctor'])).toBe(0);
    expect(findings(cli.stdout())['API URL']).toBe('info: /shop/api-url does not exist; nothing reads it with cdk.json\'s ecom:frontendPipelines=false '
      + '(ecom-platform deploy turns frontend pipelines on, and deploy all waits for it)');
    expect(aws.ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/shop/api-url' });
  });

  test('a missing API URL parameter while an app pipeline stack exists is a warning, whatever cdk.json says', async () => {
    const aws = healthyAccount({ 'E-Com67-AdminPipelineStack': 'CREATE_COMPLETE' });
    aws.ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'Parameter /e-com67/api-url not found.'));
    const cli = fakeEnv({ cwd: appFolder({ context: { 'ecom:frontendPipelines': 'false' } }) });
    expect(await cli.run(['doctor'])).toBe(0);
    expect(findings(cli.stdout())['API URL']).toMatch(/^warn: \/e-com67\/api-url does not exist yet: /);
    expect(cli.stdout()).toContain('fix: deploy the backend (its pipeline, or cdk deploy \'<your backend stage>/*\'), whose Api stack must write it');
    // Before the stacks, after the source.
    const checks = cli.stdout().split('\n').filter((l) => l.startsWith('[')).map((l) => l.slice(7).split(' ')[0]);
    expect(checks.slice(checks.indexOf('Source'), checks.indexOf('Source') + 3)).toEqual(['Source', 'API', 'E-Com67-BackendPipelineStack']);
  });

  test('no permission to read the API URL parameter fails, naming ssm:GetParameter on its ARN', async () => {
    const aws = healthyAccount();
    aws.ssm.on(GetParameterCommand).rejects(awsError('AccessDeniedException',
      'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:111122223333:parameter/e-com67/api-url'));
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['doctor'])).toBe(1);
    expect(findings(cli.stdout())['API URL']).toBe('fail: not allowed to read /e-com67/api-url');
    expect(cli.stdout()).toContain('fix: allow ssm:GetParameter on arn:aws:ssm:eu-west-1:111122223333:parameter/e-com67/api-url');
  });
});
