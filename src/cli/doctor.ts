import * as path from 'path';
import { Stack } from '@aws-sdk/client-cloudformation';
import { GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { GetConnectionCommand } from '@aws-sdk/client-codestar-connections';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { getApiUrl, isAccessDenied, parameterArn } from './api-url';
import { locateCdk } from './cdk-cli';
import { AwsClients, CliEnv, errorName, InterruptedError, messageOf } from './env';
import { NotAwsApiError, UnreachableError } from './guard';
import { hasEdgeMonitoring, Platform, PlatformEnvironment } from './platform';
import { describeStack } from './stacks';
import { FRONTEND_PIPELINES_CONTEXT } from '../private/context-keys';

/** The oldest Node.js the CDK CLI supports. */
export const MIN_NODE_MAJOR = 18;
/** The oldest bootstrap stack version the CDK's default synthesizer deploys with. */
export const MIN_BOOTSTRAP_VERSION = 6;
const BOOTSTRAP_STACK = 'CDKToolkit';

export type FindingLevel = 'ok' | 'info' | 'warn' | 'fail';

/** One thing doctor checked. */
export interface Finding {
  readonly check: string;
  readonly level: FindingLevel;
  readonly detail: string;
  /** What to do about it, for warn and fail. */
  readonly fix?: string;
}

/** Runs every check, in the order a person fixes them; AWS checks stop at missing credentials or region. */
export async function doctor(platform: Platform, cliEnv: CliEnv, clients: AwsClients,
  clientOptions: { region?: string; profile?: string } = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const major = Number(cliEnv.nodeVersion.split('.')[0]);
  findings.push(major >= MIN_NODE_MAJOR
    ? { check: 'Node.js', level: 'ok', detail: `v${cliEnv.nodeVersion}` }
    : { check: 'Node.js', level: 'fail', detail: `v${cliEnv.nodeVersion} is older than ${MIN_NODE_MAJOR}`, fix: `install Node.js ${MIN_NODE_MAJOR} or later` });

  findings.push(platform.cdkJson
    ? { check: 'CDK app', level: 'ok', detail: `${path.join(platform.appDir, 'cdk.json')} (app: ${platform.cdkJson.app ?? '?'})` }
    : { check: 'CDK app', level: 'fail', detail: `no cdk.json in ${platform.appDir}`, fix: 'run ecom-platform in your CDK app\'s folder, or pass --app <folder>' });

  const cdk = locateCdk(platform.appDir, cliEnv.env);
  if (!cdk) {
    findings.push({ check: 'CDK CLI', level: 'fail', detail: 'not found in node_modules/.bin or on PATH', fix: 'npm install -g aws-cdk (or npm install --save-dev aws-cdk in the app)' });
  } else {
    const version = await cliEnv.runner.capture(cdk, ['--version'], { cwd: platform.appDir }).catch((e) => ({ code: 1, output: messageOf(e) }));
    if (cliEnv.signal.aborted) {
      throw new InterruptedError();
    }
    findings.push(version.code === 0
      ? { check: 'CDK CLI', level: 'ok', detail: `${version.output.trim().split('\n')[0]} (${cdk})` }
      : { check: 'CDK CLI', level: 'fail', detail: `${cdk} --version failed: ${version.output.trim().split('\n')[0]}`, fix: 'reinstall it: npm install -g aws-cdk' });
  }

  let account: string | undefined;
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    account = identity.Account;
    findings.push({ check: 'AWS credentials', level: 'ok', detail: `account ${identity.Account} as ${identity.Arn}` });
  } catch (error) {
    rethrowInterrupt(error);
    findings.push(credentialsFinding(error));
  }
  const region = await clients.region();
  findings.push(region
    ? { check: 'Region', level: 'ok', detail: region }
    : { check: 'Region', level: 'fail', detail: 'none configured', fix: 'set AWS_REGION, give --region, or set a region in your AWS profile' });
  if (!account || !region) {
    findings.push({ check: 'AWS resources', level: 'info', detail: 'not checked: credentials and a region come first' });
    return findings;
  }

  const bootstrap = await describeStack(clients, BOOTSTRAP_STACK);
  findings.push(bootstrapFinding(bootstrap, account, region));
  // With several environments: each one's (or --env's) bootstrap in its account and region, read with these
  // credentials when they are that account's.
  const environments = !platform.multiEnvironment ? [] : platform.environment ? [platform.environment] : platform.environments;
  const regional = new Map<string, AwsClients>([[region, clients]]);
  const clientsIn = (r: string) => {
    if (!regional.has(r)) {
      regional.set(r, cliEnv.clients({ ...clientOptions, region: r }));
    }
    return regional.get(r)!;
  };
  for (const environment of environments) {
    findings.push(await environmentFinding(platform, environment, account, clientsIn(environment.region)));
  }
  // Credentials of an environment's account (--profile) that is not the pipelines': the source and the pipeline stacks are not there.
  const elsewhere = platform.multiEnvironment && platform.pipelineAccount !== undefined && platform.pipelineAccount !== account;
  findings.push(elsewhere
    ? { check: 'Source', level: 'info', detail: `in the pipeline account ${platform.pipelineAccount}: not checked with these credentials (account ${account})` }
    : await sourceFinding(platform, clients));

  const stackFindings: Finding[] = [];
  const deployed = new Set<string>();
  for (const { name, role, environment, region: stackRegion, edge } of platform.stacks) {
    if ((environment && platform.environment && environment !== platform.environment) || (edge && !hasEdgeMonitoring(platform, region))) {
      continue;
    }
    if (!environment && elsewhere) {
      stackFindings.push({ check: name, level: 'info', detail: `${role}: in the pipeline account ${platform.pipelineAccount}, not checked with these credentials (account ${account})` });
      continue;
    }
    if (environment && environment.account !== account) {
      stackFindings.push({ check: name, level: 'info', detail: `${role}: in account ${environment.account}, not checked with these credentials (account ${account})` });
      continue;
    }
    const where = stackRegion ?? environment?.region;
    let stack: Stack | undefined;
    try {
      stack = await describeStack(where ? clientsIn(where) : clients, name);
    } catch (error) {
      // One stack that can't be read (not allowed, in a region these credentials can't reach) is a finding, not the end.
      rethrowInterrupt(error);
      const inRegion = where ? ` in ${where}` : '';
      stackFindings.push({
        check: name,
        level: 'warn',
        detail: `${role}: not read${inRegion}: ${errorName(error) || 'error'}: ${messageOf(error)}`,
        fix: `allow cloudformation:DescribeStacks on it${inRegion}`,
      });
      continue;
    }
    const legacy = name === platform.legacyStackName;
    if (!stack) {
      stackFindings.push({ check: name, level: 'info', detail: `${role}: not deployed` });
      continue;
    }
    deployed.add(name);
    if (legacy) {
      stackFindings.push({ check: name, level: 'warn', detail: `${role}: ${stack.StackStatus}`, fix: 'once the new pipelines deploy, remove it with `ecom-platform destroy-legacy`' });
    } else if (/(FAILED|ROLLBACK_COMPLETE)$/.test(stack.StackStatus ?? '')) {
      stackFindings.push({ check: name, level: 'warn', detail: `${role}: ${stack.StackStatus}`, fix: 'see its events in the CloudFormation console, fix, and deploy again' });
    } else {
      stackFindings.push({ check: name, level: 'ok', detail: `${role}: ${stack.StackStatus}` });
    }
  }
  const appPipelinesDeployed = platform.appPipelines.some((p) => deployed.has(p.stackName));
  if (environments.length === 0) {
    findings.push(await apiUrlFinding(platform, clients, account, region, appPipelinesDeployed));
  }
  for (const environment of environments.filter((e) => e.account === account)) {
    findings.push(await apiUrlFinding(platform, clientsIn(environment.region), account, environment.region, appPipelinesDeployed, environment));
  }
  findings.push(...stackFindings);
  return findings;
}

/** Prints findings one a line: `[ok]   Node.js          v20.11.0`, with the fix under warn and fail. */
export function renderFindings(findings: Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length));
  return findings.map((f) => {
    const line = `${`[${f.level}]`.padEnd(7)}${f.check.padEnd(width)}  ${f.detail}`;
    return f.fix ? `${line}\n${' '.repeat(7 + width + 2)}fix: ${f.fix}` : line;
  }).join('\n') + '\n';
}

/** Ctrl-C is not a finding: the command ends. */
function rethrowInterrupt(error: unknown): void {
  if (error instanceof InterruptedError) {
    throw error;
  }
}

function credentialsFinding(error: unknown): Finding {
  const name = errorName(error);
  if (error instanceof NotAwsApiError || error instanceof UnreachableError) {
    return { check: 'AWS credentials', level: 'fail', detail: error.what, fix: error.hint };
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(messageOf(error))) {
    return { check: 'AWS credentials', level: 'fail', detail: 'none found', fix: 'run `aws configure` or `aws sso login`, or set AWS_PROFILE' };
  }
  if (/Expired/.test(name)) {
    return { check: 'AWS credentials', level: 'fail', detail: 'expired', fix: 'refresh them (`aws sso login`) and try again' };
  }
  return { check: 'AWS credentials', level: 'fail', detail: `${name || 'error'}: ${messageOf(error)}`, fix: 'check your AWS profile and network' };
}

function bootstrapFinding(stack: Stack | undefined, account: string, region: string): Finding {
  const fix = `run \`cdk bootstrap aws://${account}/${region}\``;
  if (!stack) {
    return { check: 'CDK bootstrap', level: 'fail', detail: `no ${BOOTSTRAP_STACK} stack in ${region}`, fix };
  }
  const version = Number(stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue);
  if (!Number.isFinite(version)) {
    return { check: 'CDK bootstrap', level: 'fail', detail: `${BOOTSTRAP_STACK} has no BootstrapVersion output (legacy bootstrap)`, fix };
  }
  if (version < MIN_BOOTSTRAP_VERSION) {
    return { check: 'CDK bootstrap', level: 'fail', detail: `version ${version} is older than ${MIN_BOOTSTRAP_VERSION}`, fix };
  }
  if (!/_COMPLETE$/.test(stack.StackStatus ?? '') || /ROLLBACK/.test(stack.StackStatus ?? '')) {
    return { check: 'CDK bootstrap', level: 'warn', detail: `${BOOTSTRAP_STACK} is ${stack.StackStatus}, version ${version}`, fix };
  }
  return { check: 'CDK bootstrap', level: 'ok', detail: `${BOOTSTRAP_STACK} version ${version} (${stack.StackStatus})` };
}

/** The AWS partition of a region, for policy ARNs. */
function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/**
 * The command bootstrapping an environment: in another account than the pipelines', trusting the pipeline account
 * (whose pipelines deploy there through the bootstrap roles) with the policy CloudFormation deploys with.
 */
export function bootstrapCommand(environment: PlatformEnvironment, pipelineAccount: string | undefined, alsoTrusted: string[] = []): string {
  const target = `aws://${environment.account}/${environment.region}`;
  // --trust replaces the accounts trusted before: those are given again.
  const trust = [...new Set([pipelineAccount, ...alsoTrusted])].map((a) => `--trust ${a}`).join(' ');
  return environment.crossAccount && pipelineAccount
    ? `cdk bootstrap ${trust} --cloudformation-execution-policies arn:${partitionOf(environment.region)}:iam::aws:policy/AdministratorAccess ${target}`
    : `cdk bootstrap ${target}`;
}

/**
 * One environment's bootstrap: read when these credentials are its account's (and then, for another account than
 * the pipelines', whether its TrustedAccounts holds the pipeline account); otherwise what to run, and with which
 * profile to check it.
 */
async function environmentFinding(platform: Platform, environment: PlatformEnvironment, account: string, clients: AwsClients): Promise<Finding> {
  const check = `Environment ${environment.name}`;
  const where = `${environment.account}/${environment.region}`;
  const pipelineAccount = platform.pipelineAccount;
  const command = bootstrapCommand(environment, pipelineAccount);
  const withProfile = `ecom-platform doctor --env ${environment.name} --profile <a profile of account ${environment.account}>`;
  if (environment.account !== account) {
    return environment.crossAccount
      ? {
        check,
        level: 'warn',
        detail: `${where}, another account than the pipelines' (${pipelineAccount}): its bootstrap and trust are not checked with these credentials (account ${account})`,
        fix: `bootstrap it once with credentials of ${environment.account}, trusting the pipeline account: \`${command}\`; then check it: \`${withProfile}\``,
      }
      : { check, level: 'info', detail: `${where}, the pipelines' account: not checked with these credentials (account ${account}); \`${withProfile}\` checks it` };
  }
  let stack: Stack | undefined;
  try {
    stack = await describeStack(clients, BOOTSTRAP_STACK);
  } catch (error) {
    rethrowInterrupt(error);
    return { check, level: 'warn', detail: `${where}: could not read ${BOOTSTRAP_STACK}: ${messageOf(error)}`, fix: `check with \`${withProfile}\`` };
  }
  const bootstrap = bootstrapFinding(stack, environment.account, environment.region);
  if (bootstrap.level !== 'ok') {
    return { check, level: bootstrap.level, detail: `${where}: ${bootstrap.detail}`, fix: `run \`${command}\`` };
  }
  if (!environment.crossAccount) {
    return { check, level: 'ok', detail: `${where}: ${bootstrap.detail}` };
  }
  const parameter = (key: string) => stack?.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue ?? '';
  const trusted = parameter('TrustedAccounts').split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  if (!pipelineAccount || !trusted.includes(pipelineAccount)) {
    return {
      check,
      level: 'fail',
      detail: `${where}: ${BOOTSTRAP_STACK} does not trust the pipeline account ${pipelineAccount} (TrustedAccounts: ${trusted.join(', ') || 'none'}), so its pipelines cannot deploy there`,
      fix: `run \`${bootstrapCommand(environment, pipelineAccount, trusted)}\` with credentials of ${environment.account}`,
    };
  }
  return { check, level: 'ok', detail: `${where}: ${bootstrap.detail}, trusts the pipeline account ${pipelineAccount}` };
}

async function sourceFinding(platform: Platform, clients: AwsClients): Promise<Finding> {
  if (platform.connectionArn) {
    try {
      const { Connection } = await clients.connections.send(new GetConnectionCommand({ ConnectionArn: platform.connectionArn }));
      return Connection?.ConnectionStatus === 'AVAILABLE'
        ? { check: 'Source', level: 'ok', detail: `connection ${Connection.ConnectionName} (${Connection.ProviderType}) is AVAILABLE` }
        : {
          check: 'Source',
          level: 'fail',
          detail: `connection ${Connection?.ConnectionName ?? platform.connectionArn} is ${Connection?.ConnectionStatus}`,
          fix: 'complete the connection\'s handshake in the console (Developer Tools > Settings > Connections)',
        };
    } catch (error) {
      rethrowInterrupt(error);
      return { check: 'Source', level: 'fail', detail: `connection ${platform.connectionArn}: ${messageOf(error)}`, fix: 'check the ARN and the region' };
    }
  }
  const repositoryName = platform.naming.repositoryName;
  try {
    const { repositoryMetadata } = await clients.codeCommit.send(new GetRepositoryCommand({ repositoryName }));
    return { check: 'Source', level: 'ok', detail: `CodeCommit repository ${repositoryName} (${repositoryMetadata?.cloneUrlHttp ?? 'found'})` };
  } catch (error) {
    rethrowInterrupt(error);
    if (errorName(error) === 'RepositoryDoesNotExistException') {
      return {
        check: 'Source',
        level: 'fail',
        detail: `no CodeCommit repository ${repositoryName}`,
        fix: `create it (aws codecommit create-repository --repository-name ${repositoryName}), use PlatformSource.codeCommit({ createRepository: true }), or pass --connection-arn`,
      };
    }
    return { check: 'Source', level: 'fail', detail: `CodeCommit repository ${repositoryName}: ${messageOf(error)}`, fix: 'check your permissions and region' };
  }
}

/**
 * The API URL parameter, which the frontend stack and the app pipeline stacks read in frontend pipeline mode.
 * Missing is a warning when frontend pipelines are in use: an app pipeline stack exists, or cdk.json does not
 * turn them off (`ecom-platform deploy` turns them on whatever cdk.json says).
 */
async function apiUrlFinding(platform: Platform, clients: AwsClients, account: string, region: string,
  appPipelinesDeployed: boolean, environment?: PlatformEnvironment): Promise<Finding> {
  const name = (environment?.naming ?? platform.naming).apiUrlParameterName;
  const check = environment ? `API URL (${environment.name})` : 'API URL';
  try {
    const value = await getApiUrl(clients, name);
    if (value !== undefined) {
      return { check, level: 'ok', detail: `${name} = ${value}` };
    }
  } catch (error) {
    rethrowInterrupt(error);
    return isAccessDenied(error)
      ? { check, level: 'fail', detail: `not allowed to read ${name}`, fix: `allow ssm:GetParameter on ${parameterArn(name, region, account)}` }
      : { check, level: 'fail', detail: `${name}: ${messageOf(error)}`, fix: 'check your permissions and region' };
  }
  const mode = platform.cdkJson?.context?.[FRONTEND_PIPELINES_CONTEXT];
  if ((mode === false || mode === 'false') && !appPipelinesDeployed) {
    return {
      check,
      level: 'info',
      detail: `${name} does not exist; nothing reads it with cdk.json's ${FRONTEND_PIPELINES_CONTEXT}=false (ecom-platform deploy turns frontend pipelines on, and deploy all waits for it)`,
    };
  }
  return {
    check,
    level: 'warn',
    detail: `${name} does not exist yet: the backend's Api stack writes it; the frontend stack and the app pipeline stacks read it`,
    fix: appPipelinesDeployed
      ? 'deploy the backend (its pipeline, or cdk deploy \'<your backend stage>/*\'), whose Api stack must write it, before deploying the frontend or app pipeline stacks again'
      : 'ecom-platform deploy all deploys the backend pipeline, waits for its first run to write it, then the rest; '
        + 'deploy frontend and deploy frontend-pipelines refuse until it exists',
  };
}
