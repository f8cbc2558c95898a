import * as fs from 'fs';
import * as path from 'path';
import { PlatformNaming } from '../platform-naming';
import { Args, closest, REGION, showValue } from './args';
import { UsageError } from './env';
import { ENVIRONMENTS_CONTEXT, MONITORING_CONTEXT, PIPELINE_ACCOUNT_CONTEXT, PRODUCTION_ENVIRONMENT_CONTEXT } from '../private/context-keys';
import { appNameProblem, chooseNaming, DEFAULT_APPS, environmentNameProblem, pascalCase } from '../private/naming-rules';
import { terminalSafe } from '../private/text';

/** Context key of the frontend app names, read by the CLI only (EcomPlatform's `frontends` are code). */
export const APPS_CONTEXT = 'ecom:apps';
/** Context key of a CodeConnections connection ARN, for `doctor`. */
export const CONNECTION_CONTEXT = 'ecom:connectionArn';

// The environments (a JSON list of {name, account, region, manualApproval?}) and the one keeping the seed's names:
// the context EcomPlatform reads.
// The pipelines' account (default: the first environment's), which EcomPlatform reads too when it has no `env`.
export { ENVIRONMENTS_CONTEXT, PIPELINE_ACCOUNT_CONTEXT, PRODUCTION_ENVIRONMENT_CONTEXT };
// Whether EcomPlatform has its monitoring stacks (default true), as EcomPlatform reads it when its code gives no
// `monitoring.enabled`.
export { MONITORING_CONTEXT };
/** The region of CloudFront's metrics, where the edge monitoring stack lives. */
export const EDGE_REGION = 'us-east-1';
/** The default production environment's name. */
export const DEFAULT_PRODUCTION_ENVIRONMENT = 'prod';

/** One environment of the platform, with its names. */
export interface PlatformEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly manualApproval: boolean;
  /** Whether it keeps the seed's names (the production environment). */
  readonly production: boolean;
  /** Its names: the platform's naming for the production environment, else `naming.forEnvironment(name)`. */
  readonly naming: PlatformNaming;
  /** The backend pipeline's stage deploying it: its stage id, the PascalCase name (`Dev`). */
  readonly backendStage: string;
  /** Each app pipeline's stage deploying it: `Deploy-Dev` (`Deploy` when the platform has one environment). */
  readonly appStage: string;
  /** Whether its account is another than the pipelines' (cross-account: bootstrap trust, deploy roles). */
  readonly crossAccount: boolean;
}

/** One pipeline of the platform. */
export interface PlatformPipeline {
  /** "backend" or the app's name. */
  readonly role: string;
  readonly pipelineName: string;
  readonly stackName: string;
}

/** What the CLI knows of the platform it operates: all names from one PlatformNaming. */
export interface Platform {
  readonly appDir: string;
  /** cdk.json, when the folder has one. */
  readonly cdkJson?: { app?: string; context?: Record<string, unknown> };
  readonly naming: PlatformNaming;
  /** Whether the naming came from --project/--prefix (then passed on to the CDK CLI as context). */
  readonly namingFromOptions: boolean;
  readonly apps: string[];
  readonly backendPipeline: PlatformPipeline;
  readonly appPipelines: PlatformPipeline[];
  readonly legacyStackName: string;
  readonly connectionArn?: string;
  /**
   * Every stack the platform can have, in deployment order, with what it is (and the account of an environment's);
   * `region` for a stack in a region of its own (the edge monitoring stack, in us-east-1), `edge` for that stack,
   * which exists only when the monitoring stack is in another region (see `hasEdgeMonitoring`).
   */
  readonly stacks: Array<{ name: string; role: string; environment?: PlatformEnvironment; region?: string; edge?: boolean; monitoring?: boolean }>;
  /**
   * With several environments, the stack in us-east-1 of each other account than the pipelines' holding the alarms
   * on its distributions (`E-Com67-Prod-EdgeMonitoringStack`, named after the account's first environment), with
   * the environments whose frontend stacks it depends on. Empty with the monitoring off.
   */
  readonly accountEdgeStacks: Array<{ name: string; account: string; environments: PlatformEnvironment[] }>;
  /** Whether EcomPlatform creates its monitoring stacks: context ecom:monitoring in cdk.json, default true. */
  readonly monitoring: boolean;
  /** The dashboard and alarms stack (`E-Com67-MonitoringStack`), in the pipelines' account and region. */
  readonly monitoringStackName: string;
  /** The stack of the alarms on CloudFront metrics, in us-east-1 (`E-Com67-EdgeMonitoringStack`). */
  readonly edgeMonitoringStackName: string;
  /**
   * The region of the pipelines and the monitoring stack when cdk.json says it (the first environment's, with
   * environments); else undefined: the app's region, which the CLI takes to be the credentials' (--region).
   */
  readonly monitoringRegion?: string;
  /** The environments of cdk.json's context ecom:environments, in order ([] when none is configured). */
  readonly environments: PlatformEnvironment[];
  /** The environment chosen with --env. */
  readonly environment?: PlatformEnvironment;
  /** The account of the pipelines (context ecom:pipelineAccount, else the first environment's); with environments only. */
  readonly pipelineAccount?: string;
  /** Whether several environments are configured: one or none is the single-environment platform. */
  readonly multiEnvironment: boolean;
}

/**
 * Reads the app folder's cdk.json and derives every name with PlatformNaming, as EcomPlatform does.
 * Throws UsageError for a missing folder, an unreadable cdk.json or an invalid name.
 */
export function loadPlatform(args: Args, cwd: string): Platform {
  const appDir = path.resolve(cwd, args.app ?? '.');
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    const what = fs.existsSync(appDir) ? 'is not a folder' : 'does not exist';
    throw new UsageError(args.app === undefined
      ? `the current folder ${appDir} ${what}: run ecom-platform in your CDK app's folder or pass --app <folder>`
      : `invalid --app ${showValue(args.app)}: the folder ${appDir} ${what}; run ecom-platform in your CDK app's folder or pass --app <folder>`);
  }
  const cdkJsonFile = path.join(appDir, 'cdk.json');
  let cdkJson: Platform['cdkJson'];
  if (fs.existsSync(cdkJsonFile)) {
    try {
      cdkJson = JSON.parse(fs.readFileSync(cdkJsonFile, 'utf8'));
    } catch (error) {
      throw new UsageError(`${cdkJsonFile} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const context = cdkJson?.context ?? {};

  const namingFromOptions = args.project !== undefined || args.prefix !== undefined;
  const naming = new PlatformNaming(chooseNaming({ projectName: args.project, stackPrefix: args.prefix }, (key) => context[key],
    (problem) => new UsageError(problem.contextKey
      ? `invalid ${problem.prop} ${JSON.stringify(problem.value)} in ${cdkJsonFile}: ${problem.problem}`
      : `invalid ${problem.field === 'projectName' ? '--project' : '--prefix'} "${problem.value}": ${problem.problem}`)));

  const apps = args.apps ?? appsFromContext(context[APPS_CONTEXT], cdkJsonFile) ?? DEFAULT_APPS.map((app) => app.name);
  const appsFrom = args.apps ? '--apps' : `context ${APPS_CONTEXT} in ${cdkJsonFile}`;
  if (apps.length === 0) {
    throw new UsageError(`${appsFrom} lists no app: give names such as admin-dashboard,customer-app`);
  }
  for (const app of apps) {
    const problem = appNameProblem(naming.projectName, app);
    if (problem) {
      throw new UsageError(`invalid app name ${showValue(app)} in ${appsFrom}: ${problem.problem}`);
    }
  }
  const twice = apps.find((a, i) => apps.indexOf(a) !== i);
  if (twice) {
    throw new UsageError(`${appsFrom} lists ${showValue(twice)} twice: give each app once`);
  }
  const backendPipeline = { role: 'backend', pipelineName: naming.backendPipelineName, stackName: naming.backendPipelineStackName };
  const appPipelines = apps.map((app) => ({ role: app, pipelineName: naming.appPipelineName(app), stackName: naming.appPipelineStackName(app) }));
  const legacyStackName = args.stack ?? naming.stackName('Pipeline');
  const connectionArn = args.connectionArn ?? connectionFromContext(context[CONNECTION_CONTEXT], cdkJsonFile);
  const environments = environmentsFromContext(context, cdkJsonFile, naming);
  const multiEnvironment = environments.length > 1;
  const pipelineAccount = environments.length === 0 ? undefined
    : pipelineAccountFromContext(context[PIPELINE_ACCOUNT_CONTEXT], cdkJsonFile) ?? environments[0].account;
  const described = environments.map((e) => ({ ...e, crossAccount: e.account !== pipelineAccount }));
  let environment: PlatformEnvironment | undefined;
  if (args.env !== undefined) {
    if (environments.length === 0) {
      throw new UsageError(`--env ${showValue(args.env)}: the platform has no environments (no context ${ENVIRONMENTS_CONTEXT} in ${cdkJsonFile}); `
        + 'leave --env out, or list them in cdk.json');
    }
    environment = described.find((e) => e.name === args.env);
    if (!environment) {
      const names = described.map((e) => e.name);
      const guess = closest(args.env, names);
      throw new UsageError(`unknown environment ${showValue(args.env)} in --env: ${guess ? `did you mean ${guess}? ` : ''}the platform's environments are ${names.join(', ')} `
        + `(context ${ENVIRONMENTS_CONTEXT} in ${cdkJsonFile})`);
    }
  }
  const backendStacks = (n: PlatformNaming, e?: PlatformEnvironment) => {
    const of = e && multiEnvironment ? ` (${e.name})` : '';
    return [
      { name: n.dataStackName, role: `backend data${of}`, environment: e },
      { name: n.computeStackName, role: `backend compute${of}`, environment: e },
      { name: n.apiStackName, role: `backend API${of}`, environment: e },
    ];
  };
  const envStacks = multiEnvironment ? described : [];
  const monitoring = monitoringFromContext(context[MONITORING_CONTEXT], cdkJsonFile);
  const accountEdgeStacks = monitoring ? [...new Set(envStacks.filter((e) => e.crossAccount).map((e) => e.account))].map((account) => {
    const ofAccount = envStacks.filter((e) => e.account === account);
    return { name: naming.forEnvironment(ofAccount[0].name).edgeMonitoringStackName, account, environments: ofAccount };
  }) : [];
  const monitoringStacks = monitoring ? [
    { name: naming.monitoringStackName, role: 'dashboard and alarms', monitoring: true },
    { name: naming.edgeMonitoringStackName, role: `alarms on CloudFront metrics (${EDGE_REGION})`, region: EDGE_REGION, edge: true, monitoring: true },
    ...accountEdgeStacks.map((s) => ({
      name: s.name, role: `alarms on the CloudFront metrics of account ${s.account} (${EDGE_REGION})`, environment: s.environments[0], region: EDGE_REGION, monitoring: true,
    })),
  ] : [];
  return {
    appDir,
    cdkJson,
    naming,
    namingFromOptions,
    apps,
    backendPipeline,
    appPipelines,
    legacyStackName,
    connectionArn,
    stacks: multiEnvironment ? [
      { name: naming.backendPipelineStackName, role: 'backend pipeline' },
      ...envStacks.map((e) => ({ name: e.naming.frontendStackName, role: `frontend hosting (${e.name})`, environment: e })),
      ...appPipelines.map((p) => ({ name: p.stackName, role: `${p.role} pipeline` })),
      ...monitoringStacks,
      ...envStacks.flatMap((e) => backendStacks(e.naming, e)),
      { name: legacyStackName, role: 'old pipeline (legacy)' },
    ] : [
      { name: naming.backendPipelineStackName, role: 'backend pipeline' },
      { name: naming.frontendStackName, role: 'frontend hosting' },
      ...appPipelines.map((p) => ({ name: p.stackName, role: `${p.role} pipeline` })),
      ...monitoringStacks,
      ...backendStacks(naming),
      { name: legacyStackName, role: 'old pipeline (legacy)' },
    ],
    monitoring,
    accountEdgeStacks,
    monitoringStackName: naming.monitoringStackName,
    edgeMonitoringStackName: naming.edgeMonitoringStackName,
    monitoringRegion: described[0]?.region,
    environments: described,
    environment,
    pipelineAccount,
    multiEnvironment,
  };
}

/**
 * The environments of context ecom:environments (a list, or its JSON text as `-c` gives it), each with its names:
 * the one named like ecom:productionEnvironment (default "prod") keeps the platform's names, as does the last one
 * when none is (EcomPlatform warns about that); one environment keeps them whatever its name.
 */
function environmentsFromContext(context: Record<string, unknown>, file: string, naming: PlatformNaming): Array<Omit<PlatformEnvironment, 'crossAccount'>> {
  let value = context[ENVIRONMENTS_CONTEXT];
  if (value === undefined) {
    return [];
  }
  const bad = (problem: string) => new UsageError(`invalid context ${ENVIRONMENTS_CONTEXT} in ${file}: ${problem}`);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw bad(`${terminalSafe(JSON.stringify(value))} is not JSON; give a list such as [{"name": "dev", "account": "111111111111", "region": "eu-west-1"}]`);
    }
  }
  if (!Array.isArray(value)) {
    throw bad(`${terminalSafe(JSON.stringify(value) ?? String(value))} is not a list; give a list such as [{"name": "dev", "account": "111111111111", "region": "eu-west-1"}]`);
  }
  const production = context[PRODUCTION_ENVIRONMENT_CONTEXT] ?? DEFAULT_PRODUCTION_ENVIRONMENT;
  if (typeof production !== 'string' || environmentNameProblem(production)) {
    throw new UsageError(`invalid context ${PRODUCTION_ENVIRONMENT_CONTEXT} ${terminalSafe(JSON.stringify(production) ?? String(production))} in ${file}: `
      + 'give the name of one of the environments, such as "prod"');
  }
  const parsed = value.map((entry: unknown, i: number) => {
    const where = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw bad(`${where} is not an object {name, account, region, manualApproval?}`);
    }
    const { name, account, region, manualApproval } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || environmentNameProblem(name)) {
      throw bad(`${where}'s name ${terminalSafe(JSON.stringify(name) ?? 'is missing')}: ${environmentNameProblem(name as string)?.problem ?? 'not a string'}`);
    }
    if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
      throw bad(`environment ${name}'s account ${terminalSafe(JSON.stringify(account) ?? 'is missing')}: an AWS account ID is 12 digits, as a string`);
    }
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw bad(`environment ${name}'s region ${terminalSafe(JSON.stringify(region) ?? 'is missing')}: expected a region name such as eu-west-1`);
    }
    if (manualApproval !== undefined && typeof manualApproval !== 'boolean') {
      throw bad(`environment ${name}'s manualApproval ${terminalSafe(JSON.stringify(manualApproval))}: expected true or false`);
    }
    return { name, account, region, manualApproval: manualApproval ?? false };
  });
  const twice = parsed.find((e, i) => parsed.findIndex((o) => o.name === e.name) !== i);
  if (twice) {
    throw bad(`it lists the environment ${twice.name} twice: give each once`);
  }
  const several = parsed.length > 1;
  const productionIndex = several ? (parsed.findIndex((e) => e.name === production) + parsed.length) % parsed.length
    // Not found: -1 + length, the last one.
    : 0;
  return parsed.map((e, i) => {
    let envNaming: PlatformNaming;
    try {
      envNaming = i === productionIndex ? naming : naming.forEnvironment(e.name);
    } catch (error) {
      throw bad(`environment ${e.name}: ${(error as Error).message}`);
    }
    return {
      ...e,
      production: i === productionIndex,
      naming: envNaming,
      backendStage: pascalCase(e.name),
      appStage: several ? `Deploy-${pascalCase(e.name)}` : 'Deploy',
    };
  });
}

/**
 * Whether the platform has the edge monitoring stack: with the monitoring on, when the monitoring stack's region
 * (cdk.json's, else `region`, the credentials') is known and is not us-east-1 (there, its own stack holds those
 * alarms; without a region, EcomPlatform's stacks are environment-agnostic and have no such alarm).
 */
export function hasEdgeMonitoring(platform: Platform, region: string | undefined): boolean {
  const where = platform.monitoringRegion ?? region;
  return platform.monitoring && where !== undefined && where !== EDGE_REGION;
}

function monitoringFromContext(value: unknown, file: string): boolean {
  if (value === undefined || value === true || value === false) {
    return value ?? true;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new UsageError(`invalid context ${MONITORING_CONTEXT} ${terminalSafe(JSON.stringify(value) ?? String(value))} in ${file}: `
    + 'give true (the dashboard and alarms stacks, the default) or false (none)');
}

function pipelineAccountFromContext(value: unknown, file: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) {
    throw new UsageError(`invalid context ${PIPELINE_ACCOUNT_CONTEXT} ${terminalSafe(JSON.stringify(value) ?? String(value))} in ${file}: an AWS account ID is 12 digits, as a string`);
  }
  return value;
}

function connectionFromContext(value: unknown, file: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new UsageError(`invalid context ${CONNECTION_CONTEXT} ${terminalSafe(JSON.stringify(value) ?? String(value))} in ${file}: `
      + 'expected a CodeConnections connection ARN, arn:aws:codeconnections:<region>:<account>:connection/<id>');
  }
  return value;
}

function appsFromContext(value: unknown, file: string): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  }
  if (Array.isArray(value) && value.every((a) => typeof a === 'string')) {
    return value;
  }
  throw new UsageError(`invalid context ${APPS_CONTEXT} ${terminalSafe(JSON.stringify(value) ?? String(value))} in ${file}: give a list of app names`);
}
