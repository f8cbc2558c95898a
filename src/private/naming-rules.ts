// The rules of a platform's names, in one place for PlatformNaming, EcomPlatform and the operator CLI. No
// aws-cdk-lib here: the CLI is bundled without it.
import { PROJECT_NAME_CONTEXT, STACK_PREFIX_CONTEXT } from './context-keys';
import { isUnresolvedString } from './text';

/** The default project name: E-Com67's. */
export const DEFAULT_PROJECT_NAME = 'e-com67';

/** The default stack prefix: E-Com67's. */
export const DEFAULT_STACK_PREFIX = 'E-Com67';

/** E-Com67's apps: EcomPlatform's default `frontends`, and the apps the CLI knows unless told others. */
export const DEFAULT_APPS: ReadonlyArray<{ readonly name: string; readonly appPath: string }> = [
  { name: 'admin-dashboard', appPath: 'frontend/admin-dashboard' },
  { name: 'customer-app', appPath: 'frontend/customer-app' },
];

/** Longest suffix PlatformNaming appends to the stack prefix (`-BackendPipelineStack`). */
const LONGEST_STACK_SUFFIX = '-BackendPipelineStack';
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const PROJECT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const APP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_BUCKET = 63;
/** Bucket name prefixes S3 reserves (general purpose bucket naming rules). */
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const MAX_PIPELINE = 100;
const MAX_STACK = 128;

/** One reason a name cannot be derived, in the shape every error of this library has. */
export interface NamingProblem {
  /** The prop as the message names it: `projectName`, or `context ecom:projectName` for a context value. */
  readonly prop: string;
  /** Which input it is, however it was given. */
  readonly field: 'projectName' | 'stackPrefix' | 'name';
  /** Set when the value came from this context key. */
  readonly contextKey?: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** A project name and stack prefix as given: either may be missing. */
export interface NamingInputs {
  readonly projectName?: string;
  readonly stackPrefix?: string;
}

/** True for a name CloudFormation accepts for a stack: letters, digits and hyphens starting with a letter, at most 128. */
export function isStackName(name: string): boolean {
  return STACK_NAME.test(name) && name.length <= MAX_STACK;
}

/**
 * The project name and stack prefix of a platform, chosen the same way by `PlatformNaming.fromContext`,
 * EcomPlatform and the CLI: the given ones when either is given (props, command-line options), else the context
 * values `ecom:projectName` and `ecom:stackPrefix`; the defaults for those not set. A problem is thrown as
 * `fail` renders it.
 */
export function chooseNaming(given: NamingInputs, context: (key: string) => unknown, fail: (problem: NamingProblem) => Error)
  : { projectName: string; stackPrefix: string } {
  const fromContext = given.projectName === undefined && given.stackPrefix === undefined;
  const inputs: { projectName?: unknown; stackPrefix?: unknown } = fromContext
    ? { projectName: context(PROJECT_NAME_CONTEXT), stackPrefix: context(STACK_PREFIX_CONTEXT) }
    : { ...given };
  for (const field of ['projectName', 'stackPrefix'] as const) {
    const value = inputs[field];
    if (fromContext && value !== undefined && typeof value !== 'string') {
      throw fail(inContext(problemOf(field, value, 'it must be a string',
        `set it to a string, such as "${field === 'projectName' ? DEFAULT_PROJECT_NAME : DEFAULT_STACK_PREFIX}"`)));
    }
  }
  const projectName = (inputs.projectName as string | undefined) ?? DEFAULT_PROJECT_NAME;
  const stackPrefix = (inputs.stackPrefix as string | undefined) ?? DEFAULT_STACK_PREFIX;
  const problem = namingProblem(projectName, stackPrefix);
  if (problem) {
    throw fail(fromContext ? inContext(problem) : problem);
  }
  return { projectName, stackPrefix };
}

/** The problem of a context value: named by its key. */
function inContext(problem: NamingProblem): NamingProblem {
  const key = problem.field === 'projectName' ? PROJECT_NAME_CONTEXT : STACK_PREFIX_CONTEXT;
  return { ...problem, prop: `context ${key}`, contextKey: key };
}

function problemOf(field: NamingProblem['field'], value: unknown, problem: string, fix: string): NamingProblem {
  return { prop: field, field, value, problem, fix };
}

/**
 * What is wrong with a project name and stack prefix, judged by every name derived from them alone; undefined
 * when they are valid.
 */
export function namingProblem(projectName: string, stackPrefix: string): NamingProblem | undefined {
  if (typeof projectName !== 'string' || isUnresolvedString(projectName) || !PROJECT_NAME.test(projectName)) {
    return problemOf('projectName', projectName,
      `it starts bucket names (\`${projectName}-<app>-<account>\`), so it must be lowercase letters, digits and hyphens, `
        + 'starting with a letter and not ending with a hyphen, and a literal string',
      'use a name such as "e-com67"');
  }
  const reserved = RESERVED_BUCKET_PREFIXES.find((prefix) => projectName.startsWith(prefix));
  if (reserved) {
    return problemOf('projectName', projectName, `it starts bucket names, and S3 refuses bucket names starting with "${reserved}"`,
      `use a name that doesn't start with "${reserved}", such as "e-com67"`);
  }
  // The shortest bucket name: a one-letter app and a 12-digit account.
  const shortestBucket = `${projectName}-a-111122223333`;
  if (shortestBucket.length > MAX_BUCKET) {
    return problemOf('projectName', projectName,
      `the bucket name "${projectName}-<app>-<account>" would be longer than ${MAX_BUCKET} characters even for a one-letter app`,
      `use at most ${MAX_BUCKET - '-a-111122223333'.length} characters, such as "e-com67"`);
  }
  if (typeof stackPrefix !== 'string' || isUnresolvedString(stackPrefix) || !STACK_NAME.test(stackPrefix) || stackPrefix.endsWith('-')) {
    return problemOf('stackPrefix', stackPrefix,
      `it starts stack names (\`${stackPrefix}-FrontendStack\`), which are letters, digits and hyphens starting with a letter`,
      'use a prefix such as "E-Com67"');
  }
  const longestStack = `${stackPrefix}${LONGEST_STACK_SUFFIX}`;
  if (longestStack.length > MAX_STACK) {
    return problemOf('stackPrefix', stackPrefix,
      `the stack name "${longestStack}" would be longer than ${MAX_STACK} characters`,
      `use at most ${MAX_STACK - LONGEST_STACK_SUFFIX.length} characters, such as "E-Com67"`);
  }
  return undefined;
}

/** Longest environment name: it joins the project name of bucket names, within S3's 63 characters. */
export const MAX_ENVIRONMENT_NAME = 16;

/**
 * What is wrong with an environment name (`dev`, `staging`, `prod`); undefined when it is valid. Its derived
 * names are checked by PlatformNaming (`forEnvironment`).
 */
export function environmentNameProblem(name: string): NamingProblem | undefined {
  if (typeof name !== 'string' || isUnresolvedString(name) || !APP_NAME.test(name) || name.length > MAX_ENVIRONMENT_NAME) {
    return problemOf('name', name,
      `an environment name is part of stack, bucket and project names: lowercase words of letters and digits joined by single hyphens, starting with a letter, at most ${MAX_ENVIRONMENT_NAME} characters`,
      'use a name such as "dev", "staging" or "prod"');
  }
  return undefined;
}

/**
 * What is wrong with the names an environment gets from a platform's (`<projectName>-<environment>`,
 * `<stackPrefix>-<Environment>`); undefined when they are valid.
 */
export function environmentNamingProblem(projectName: string, stackPrefix: string, environmentName: string): NamingProblem | undefined {
  const problem = environmentNameProblem(environmentName);
  if (problem) {
    return problem;
  }
  const derived = namingProblem(`${projectName}-${environmentName}`, `${stackPrefix}-${pascalCase(environmentName)}`);
  return derived && problemOf('name', environmentName,
    `the environment's ${derived.field === 'projectName' ? 'project name' : 'stack prefix'} "${derived.value}" is invalid: ${derived.problem}`,
    'shorten the environment name, or the project name and stack prefix');
}

/** True for lowercase words of letters and digits joined by single hyphens, starting with a letter (app and environment names). */
export function isLowercaseWords(name: string): boolean {
  return APP_NAME.test(name);
}

/** `admin-dashboard` -> `AdminDashboard`: the PascalCase form of an app or environment name. */
export function pascalCase(name: string): string {
  return name.split('-').map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`).join('');
}

/** What is wrong with an app name, judged by the names derived from it; undefined when it is valid. */
export function appNameProblem(projectName: string, appName: string): NamingProblem | undefined {
  if (typeof appName !== 'string' || isUnresolvedString(appName) || !APP_NAME.test(appName)) {
    return problemOf('name', appName,
      'an app name is part of bucket, pipeline and project names: lowercase words of letters and digits joined by single hyphens, starting with a letter',
      'use a name such as "admin-dashboard"');
  }
  const bucket = `${projectName}-${appName}-111122223333`;
  if (bucket.length > MAX_BUCKET) {
    return problemOf('name', appName,
      `the bucket name "${projectName}-${appName}-<account>" would be ${bucket.length} characters, more than ${MAX_BUCKET}`,
      `shorten the app name to at most ${MAX_BUCKET - projectName.length - 14} characters, or the project name`);
  }
  const pipeline = `${projectName}-${appName}-pipeline`;
  if (pipeline.length > MAX_PIPELINE) {
    return problemOf('name', appName,
      `the pipeline name "${pipeline}" would be longer than ${MAX_PIPELINE} characters`,
      'shorten the app name');
  }
  return undefined;
}
