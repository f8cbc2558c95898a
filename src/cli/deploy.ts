import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { PlatformNaming } from '../platform-naming';
import { readApiUrl, waitForApiUrl } from './api-url';
import { DeployTarget } from './args';
import { locateCdk } from './cdk-cli';
import { AwsClients, CliEnv, CliError, UsageError } from './env';
import { hasEdgeMonitoring, Platform, PlatformEnvironment } from './platform';
import { describeStack } from './stacks';
import { formatDuration, table } from './table';
import { BACKEND_PIPELINE_CONTEXT, FRONTEND_PIPELINES_CONTEXT } from '../private/context-keys';

/** One step of a deploy target: a `cdk deploy`, or the wait for the API URL parameter. */
export interface DeployStep {
  readonly title: string;
  readonly stacks: string[];
  /** False: synthesized with frontend pipelines off, as the API URL parameter does not exist yet. */
  readonly frontendPipelines: boolean;
  /** Said after the step's title in its header. */
  readonly note?: string;
  /** The parameter this step waits for, instead of running the CDK CLI. */
  readonly waitFor?: string;
  /**
   * Several environments' frontend stacks: each reads its own environment's API URL parameter when it deploys,
   * so only those whose parameter exists (in the account of these credentials) are deployed.
   */
  readonly environments?: PlatformEnvironment[];
  /**
   * A monitoring stack's step: the stacks depend on the frontend stack of every environment in the pipelines'
   * account (their distributions, the topic), so with several environments it runs only when this deploy has
   * deployed them all (else the CDK CLI would deploy one whose API URL parameter does not exist).
   */
  readonly monitoring?: boolean;
}

/**
 * The steps of a target; `all` is the seed's order: backend pipeline, frontend stack, frontend pipelines, then
 * the monitoring stacks (the dashboard and alarms stack references the pipelines' projects and the frontend
 * stack's topic; `cdk deploy` deploys a stack's dependencies, never its dependents, hence last).
 * Without the API URL parameter (`apiUrl: false`), `all` deploys the backend pipeline with frontend pipelines
 * off and waits for its first run to write the parameter; `backend-pipeline` deploys with them off.
 * `frontend` deploys the edge monitoring stack after the frontend stack (it imports the distributions' IDs from
 * it), `frontend-pipelines` the monitoring stacks after the pipelines. `edge`: whether the platform has the edge
 * monitoring stack (`hasEdgeMonitoring`).
 */
export function deploySteps(platform: Platform, target: DeployTarget, apiUrl = true, edge = false): DeployStep[] {
  const parameter = apiUrlParameterOf(platform);
  const backend: DeployStep = apiUrl
    ? { title: 'Backend pipeline', stacks: [platform.backendPipeline.stackName], frontendPipelines: true }
    : {
      title: 'Backend pipeline',
      stacks: [platform.backendPipeline.stackName],
      frontendPipelines: false,
      note: `with frontend pipelines off, as ${parameter} does not exist yet`,
    };
  const wait: DeployStep = { title: 'Wait for API URL', stacks: [], frontendPipelines: true, waitFor: parameter };
  const frontendStacks = platform.multiEnvironment
    ? (platform.environment ? [platform.environment] : platform.environments).map((e) => e.naming.frontendStackName)
    : [platform.naming.frontendStackName];
  const frontend: DeployStep = {
    title: frontendStacks.length > 1 ? 'Frontend stacks' : 'Frontend stack',
    stacks: frontendStacks,
    frontendPipelines: true,
    environments: platform.multiEnvironment && !platform.environment ? platform.environments : undefined,
  };
  const pipelines: DeployStep = { title: 'Frontend pipelines', stacks: platform.appPipelines.map((p) => p.stackName), frontendPipelines: true };
  const accountEdges = platform.accountEdgeStacks.map((s) => s.name);
  const edgeStacks = platform.monitoring && edge ? [platform.edgeMonitoringStackName] : [];
  const monitoring: DeployStep[] = platform.monitoring
    ? [{ title: 'Monitoring', stacks: [platform.monitoringStackName, ...edgeStacks, ...accountEdges], frontendPipelines: true, monitoring: true }]
    : [];
  const edgeMonitoring: DeployStep[] = [...edgeStacks, ...accountEdges].length > 0
    ? [{ title: 'Edge monitoring', stacks: [...edgeStacks, ...accountEdges], frontendPipelines: true, monitoring: true }]
    : [];
  // frontend-pipelines: the pipeline account's monitoring stacks (another account's edge stack follows its frontend stack).
  const pipelineMonitoring = monitoring.map((step) => ({ ...step, stacks: step.stacks.filter((name) => !accountEdges.includes(name)) }));
  switch (target) {
    case 'backend-pipeline': return [backend];
    case 'frontend': return [frontend, ...edgeMonitoring];
    case 'frontend-pipelines': return [pipelines, ...pipelineMonitoring];
    case 'all': return apiUrl ? [backend, frontend, pipelines, ...monitoring] : [backend, wait, frontend, pipelines, ...monitoring];
  }
}

/**
 * The environment whose API URL parameter deploy checks and waits for, with several environments: --env's, else
 * the first (the backend pipeline deploys it first).
 */
function apiUrlEnvironment(platform: Platform): PlatformEnvironment | undefined {
  return platform.multiEnvironment ? platform.environment ?? platform.environments[0] : undefined;
}

function apiUrlParameterOf(platform: Platform): string {
  return (apiUrlEnvironment(platform)?.naming ?? platform.naming).apiUrlParameterName;
}

/**
 * The CDK CLI arguments of a step. Every step synthesizes the app in pipeline mode (both context switches
 * on), so the frontend stack is the same whichever step deploys it, except a step deploying the backend
 * pipeline before the API URL parameter exists: frontend pipelines off, so that a frontend stack deployed as
 * its dependency (the topic, a created repository) does not read the parameter. A naming given with
 * --project/--prefix reaches the app as the context EcomPlatform reads.
 */
export function cdkDeployArgs(platform: Platform, step: DeployStep, profile?: string): string[] {
  const args = ['deploy', ...step.stacks, '--require-approval', 'never',
    '--context', `${BACKEND_PIPELINE_CONTEXT}=true`, '--context', `${FRONTEND_PIPELINES_CONTEXT}=${step.frontendPipelines}`];
  if (platform.namingFromOptions) {
    args.push('--context', `${PlatformNaming.PROJECT_NAME_CONTEXT}=${platform.naming.projectName}`,
      '--context', `${PlatformNaming.STACK_PREFIX_CONTEXT}=${platform.naming.stackPrefix}`);
  }
  if (profile) {
    args.push('--profile', profile);
  }
  return args;
}

/** deploy's options from the command line. */
export interface DeployOptions {
  readonly region?: string;
  readonly profile?: string;
  /** How long `all` waits for the backend pipeline to write the API URL parameter. */
  readonly waitMinutes: number;
  /** How often it checks. */
  readonly intervalSeconds: number;
}

/**
 * Reads the API URL parameter, then runs the steps of a target in order, each under a header, and prints a
 * summary; stops at the first step that fails. Without the parameter, `frontend` and `frontend-pipelines`
 * are refused before anything runs. Resolves to the exit code: 0, or 1 when a step failed (the CDK CLI's own code
 * is in the summary and the error line).
 */
export async function deploy(platform: Platform, target: DeployTarget, cliEnv: CliEnv, options: DeployOptions): Promise<number> {
  if (!platform.cdkJson) {
    throw new CliError(`no cdk.json in ${platform.appDir}: run ecom-platform in your CDK app's folder or pass --app <folder>`);
  }
  const cdk = locateCdk(platform.appDir, cliEnv.env);
  if (!cdk) {
    throw new CliError('the CDK CLI is not installed: npm install -g aws-cdk (or npm install --save-dev aws-cdk in the app)');
  }
  if (platform.environment && platform.multiEnvironment && (target === 'backend-pipeline' || target === 'frontend-pipelines')) {
    throw new UsageError(`--env ${platform.environment.name} does not apply to deploy ${target}: the platform has one ${target === 'backend-pipeline' ? 'backend pipeline' : 'pipeline per app'} `
      + 'for every environment, in the pipeline account; leave --env out (deploy frontend --env and deploy all --env deploy one environment\'s frontend stack)');
  }
  const environment = apiUrlEnvironment(platform);
  const clients = cliEnv.clients({ region: options.region ?? environment?.region, profile: options.profile });
  const parameter = apiUrlParameterOf(platform);
  let apiUrl: boolean;
  const caller = environment ? (await clients.sts.send(new GetCallerIdentityCommand({}))).Account : undefined;
  if (environment && caller !== environment.account) {
    // Another account's parameter: these credentials cannot tell whether it exists.
    cliEnv.out.write(`${parameter} is in ${environment.name}'s account ${environment.account}, and these credentials are account ${caller}'s: not checked `
      + `(the backend pipeline's first run writes it; ecom-platform doctor --env ${environment.name} --profile <a profile of ${environment.account}> checks it).\n`);
    apiUrl = true;
  } else {
    apiUrl = await readApiUrl(platform, clients, parameter) !== undefined;
  }
  if (!apiUrl && (target === 'frontend' || target === 'frontend-pipelines')) {
    const readers = target === 'frontend'
      ? 'the frontend stack reads it (the API in each app\'s connect-src)'
      : 'the app pipeline stacks read it (config.json), and so does the frontend stack they depend on (connect-src)';
    throw new CliError(`the API URL parameter ${parameter} does not exist in ${await clients.region()}: ${readers}, and the backend's Api stack writes it. `
      + 'Run ecom-platform deploy all (it waits for the backend pipeline\'s first run), or deploy the backend first: '
      + 'the backend pipeline\'s first run, or cdk deploy \'<your backend stage>/*\'');
  }
  if (!apiUrl && (target === 'all' || target === 'backend-pipeline')) {
    // Deploying with frontend pipelines off is for a first deployment only: app pipeline stacks that exist import
    // the frontend stack's exports, which that deploy would remove (CloudFormation refuses).
    const existing: string[] = [];
    for (const pipeline of platform.appPipelines) {
      if (await describeStack(clients, pipeline.stackName)) {
        existing.push(pipeline.stackName);
      }
    }
    if (existing.length > 0) {
      throw new CliError(`the API URL parameter ${parameter} does not exist in ${await clients.region()}, yet ${existing.join(', ')} do: this is not a first deployment. `
        + 'Deploy the backend again so its Api stack writes the parameter (or, if the platform sets apiUrlParameterName, create that name), then run deploy again');
    }
  }
  if (!apiUrl && target === 'backend-pipeline') {
    cliEnv.out.write(`${parameter} does not exist yet (the backend's Api stack writes it), so this deploy turns frontend pipelines off: `
      + 'a frontend stack deployed as a dependency then does not read it. Once the backend pipeline has deployed the backend, deploy frontend and frontend-pipelines.\n');
  }

  const steps = deploySteps(platform, target, apiUrl, hasEdgeMonitoring(platform, await clients.region()));
  const results: Array<{ step: DeployStep; result: string; ms?: number }> = [];
  let exitCode = 0;
  let failure: string | undefined;
  /** Environments whose frontend stack this deploy left out (no API URL parameter yet, or another account). */
  const notDeployed: PlatformEnvironment[] = [];
  for (let [i, step] of steps.entries()) {
    if (exitCode !== 0 || cliEnv.signal.aborted) {
      results.push({ step, result: 'skipped' });
      continue;
    }
    if (step.monitoring) {
      const waiting = step.stacks.map((name) => ({ name, why: monitoringWaits(platform, name, notDeployed) })).filter((w) => w.why);
      for (const { name, why } of waiting) {
        cliEnv.out.write(`${name}: not deployed now, as it depends on ${why}.\n`);
      }
      if (waiting.length === step.stacks.length) {
        results.push({ step, result: 'skipped (frontend stacks first)' });
        continue;
      }
      step = { ...step, stacks: step.stacks.filter((name) => !waiting.some((w) => w.name === name)) };
    }
    const started = cliEnv.now().getTime();
    if (step.waitFor) {
      cliEnv.out.write(`\n==> Step ${i + 1}/${steps.length}: Waiting for the backend pipeline's first run to write ${step.waitFor}\n`);
      const waited = await waitForApiUrl(platform, clients, cliEnv,
        { waitMinutes: options.waitMinutes, intervalSeconds: options.intervalSeconds, name: parameter });
      results.push({ step, result: waited.result, ms: cliEnv.now().getTime() - started });
      exitCode = waited.ok ? 0 : 1;
      failure = waited.message;
      continue;
    }
    const ready = step.environments ? await readyEnvironments(step.environments, clients, cliEnv, caller, platform) : undefined;
    if (ready && ready.length === 0) {
      results.push({ step, result: 'skipped (no API URL yet)' });
      continue;
    }
    if (ready) {
      notDeployed.push(...step.environments!.filter((e) => !ready.includes(e)));
      step = { ...step, stacks: ready.map((e) => e.naming.frontendStackName) };
    }
    const args = cdkDeployArgs(platform, step, options.profile);
    cliEnv.out.write(`\n==> Step ${i + 1}/${steps.length}: ${step.title} (${step.stacks.join(', ')})${step.note ? `, ${step.note}` : ''}\n$ cdk ${args.join(' ')}\n\n`);
    const region = options.region ?? platform.environment?.region;
    const code = await cliEnv.runner.run(cdk, args, { cwd: platform.appDir, env: region ? { AWS_REGION: region } : undefined });
    const ms = cliEnv.now().getTime() - started;
    results.push({ step, result: code === 0 ? 'ok' : `FAILED (exit ${code})`, ms });
    if (code !== 0) {
      exitCode = 1;
      failure = `cdk deploy ${step.stacks.join(' ')} failed with exit code ${code}: see the CDK CLI's output above`
        + `${i + 1 < steps.length ? `; the step${i + 2 < steps.length ? 's' : ''} after it did not run` : ''}`;
    }
  }
  cliEnv.out.write(`\nSummary of deploy ${target}:\n`);
  cliEnv.out.write(table(['STEP', 'RESULT', 'TIME', 'STACKS'],
    results.map(({ step, result, ms }) => [step.title, result, ms === undefined ? '-' : formatDuration(ms), step.waitFor ?? step.stacks.join(' ')])));
  if (failure) {
    cliEnv.err.write(`ecom-platform: ${failure}\n`);
  }
  return exitCode;
}

/**
 * Why a monitoring step waits, with several environments: its stacks depend on the frontend stack of every
 * environment in the pipelines' account, which --env or an environment this deploy left out did not deploy.
 */
function monitoringWaits(platform: Platform, stackName: string, notDeployed: PlatformEnvironment[]): string | undefined {
  if (!platform.multiEnvironment) {
    return undefined;
  }
  const other = platform.accountEdgeStacks.find((s) => s.name === stackName);
  const monitored = other?.environments ?? platform.environments.filter((e) => !e.crossAccount);
  const names = monitored.map((e) => e.naming.frontendStackName).join(', ');
  const chosen = platform.environment;
  if (chosen && monitored.some((e) => e !== chosen)) {
    return `the frontend stacks of ${other ? `account ${other.account}` : 'the pipeline account'}'s environments (${names}), and --env ${chosen.name} deploys one; `
      + `ecom-platform deploy ${other ? 'frontend' : 'all'}, without --env, deploys them`;
  }
  if (chosen && !monitored.includes(chosen)) {
    return `the frontend stacks of another account's environments (${names}), which --env ${chosen.name} does not deploy`;
  }
  const missing = monitored.filter((e) => notDeployed.includes(e));
  return missing.length === 0 ? undefined
    : `${missing.map((e) => e.naming.frontendStackName).join(', ')}, not deployed now; once the backend pipeline has deployed `
      + `${missing.map((e) => e.name).join(', ')}: ecom-platform deploy ${other ? `frontend${other.environments.length === 1 ? ` --env ${other.environments[0].name}` : ''} `
        + `--profile <a profile of ${other.account}>` : 'all'}`;
}

/**
 * The environments whose frontend stack can deploy now: their API URL parameter exists, read with these credentials.
 * The others are named, with the command that deploys them once the backend pipeline has reached them (an
 * environment behind an approval, or in another account).
 */
async function readyEnvironments(environments: PlatformEnvironment[], clients: AwsClients, cliEnv: CliEnv, caller: string | undefined,
  platform: Platform): Promise<PlatformEnvironment[]> {
  const account = caller ?? (await clients.sts.send(new GetCallerIdentityCommand({}))).Account;
  const ready: PlatformEnvironment[] = [];
  for (const e of environments) {
    const parameter = e.naming.apiUrlParameterName;
    const why = e.account !== account
      ? `it is in account ${e.account}, and these credentials are account ${account}'s`
      : (await readApiUrl(platform, clients, parameter) === undefined ? `${parameter} does not exist yet (the backend pipeline has not deployed ${e.name})` : undefined);
    if (why) {
      cliEnv.out.write(`${e.naming.frontendStackName} is not deployed now: ${why}. Once the backend pipeline has deployed ${e.name}: `
        + `ecom-platform deploy frontend --env ${e.name}${e.account !== account ? ` --profile <a profile of ${e.account}>` : ''}\n`);
    } else {
      ready.push(e);
    }
  }
  return ready;
}
