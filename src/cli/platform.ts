import * as fs from 'fs';
import * as path from 'path';
import { PlatformNaming } from '../platform-naming';
import { Args, showValue } from './args';
import { UsageError } from './env';
import { appNameProblem, chooseNaming, DEFAULT_APPS } from '../private/naming-rules';
import { terminalSafe } from '../private/text';

/** Context key of the frontend app names, read by the CLI only (EcomPlatform's `frontends` are code). */
export const APPS_CONTEXT = 'ecom:apps';
/** Context key of a CodeConnections connection ARN, for `doctor`. */
export const CONNECTION_CONTEXT = 'ecom:connectionArn';

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
  /** Every stack the platform can have, in deployment order, with what it is. */
  readonly stacks: Array<{ name: string; role: string }>;
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
    stacks: [
      { name: naming.backendPipelineStackName, role: 'backend pipeline' },
      { name: naming.frontendStackName, role: 'frontend hosting' },
      ...appPipelines.map((p) => ({ name: p.stackName, role: `${p.role} pipeline` })),
      { name: naming.dataStackName, role: 'backend data' },
      { name: naming.computeStackName, role: 'backend compute' },
      { name: naming.apiStackName, role: 'backend API' },
      { name: legacyStackName, role: 'old pipeline (legacy)' },
    ],
  };
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
