import { IConstruct } from 'constructs';
import { isUnresolvedString, showText } from './private/text';

/**
 * Properties of a PlatformNaming.
 */
export interface PlatformNamingProps {
  /**
   * Lowercase name every resource name starts with: buckets, pipelines, CodeBuild projects, the CodeCommit
   * repository and the API URL parameter. Lowercase letters, digits and hyphens, starting with a letter.
   *
   * @default "e-com67"
   */
  readonly projectName?: string;

  /**
   * Prefix of every CloudFormation stack name (`<stackPrefix>-FrontendStack`). Letters, digits and hyphens,
   * starting with a letter.
   *
   * @default "E-Com67"
   */
  readonly stackPrefix?: string;
}

/** Longest suffix this class appends to the stack prefix (`-BackendPipelineStack`). */
const LONGEST_STACK_SUFFIX = '-BackendPipelineStack';
/** Stack names CloudFormation accepts. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const PROJECT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const APP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A literal account ID: 12 digits. */
const ACCOUNT = /^\d{12}$/;
const MAX_BUCKET = 63;
const MAX_PIPELINE = 100;
const MAX_STACK = 128;

/** One reason a name cannot be derived, in the shape every error of this library has. */
interface NamingProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Every name of an E-Com67-style platform, derived from a project name and a stack prefix in one place:
 * stacks, buckets, pipelines, CodeBuild projects, the repository and the API URL parameter. Pure and
 * deterministic (no construct tree, no AWS calls), so scripts and a CLI can compute the same names.
 *
 * The constructor refuses a project name or stack prefix for which some derived name would be invalid.
 *
 * @example
 * const naming = new PlatformNaming(); // E-Com67's names
 * naming.frontendStackName;                             // "E-Com67-FrontendStack"
 * naming.bucketName('admin-dashboard', '111122223333'); // "e-com67-admin-dashboard-111122223333"
 */
export class PlatformNaming {
  /** The default project name. */
  public static readonly DEFAULT_PROJECT_NAME = 'e-com67';

  /** The default stack prefix. */
  public static readonly DEFAULT_STACK_PREFIX = 'E-Com67';

  /** Context key of the project name (`-c ecom:projectName=shop` or cdk.json), read by `fromContext` and the CLI. */
  public static readonly PROJECT_NAME_CONTEXT = 'ecom:projectName';

  /** Context key of the stack prefix (`-c ecom:stackPrefix=Shop` or cdk.json), read by `fromContext` and the CLI. */
  public static readonly STACK_PREFIX_CONTEXT = 'ecom:stackPrefix';

  /**
   * The naming of the context values `ecom:projectName` and `ecom:stackPrefix` (cdk.json's `context` or
   * `cdk synth -c`), with the defaults for those not set: what EcomPlatform uses without `naming`, and what
   * the `ecom-platform` CLI reads from cdk.json.
   *
   * @param scope any construct of the app
   */
  public static fromContext(scope: IConstruct): PlatformNaming {
    const projectName = scope.node.tryGetContext(PlatformNaming.PROJECT_NAME_CONTEXT);
    const stackPrefix = scope.node.tryGetContext(PlatformNaming.STACK_PREFIX_CONTEXT);
    const problem = PlatformNaming._contextProblem(projectName, stackPrefix);
    if (problem) {
      throw namingError(`${scope.node.path || '<app>'}`, problem);
    }
    return new PlatformNaming({ projectName, stackPrefix });
  }

  /**
   * What is wrong with context values for the project name and stack prefix (undefined: not set), with the
   * context key as the prop; undefined when they are valid.
   *
   * @internal
   */
  public static _contextProblem(projectName: unknown, stackPrefix: unknown)
    : { prop: string; value: unknown; problem: string; fix: string } | undefined {
    const keys: Record<string, string> = {
      projectName: `context ${PlatformNaming.PROJECT_NAME_CONTEXT}`,
      stackPrefix: `context ${PlatformNaming.STACK_PREFIX_CONTEXT}`,
    };
    for (const [prop, value] of [['projectName', projectName], ['stackPrefix', stackPrefix]] as const) {
      if (value !== undefined && typeof value !== 'string') {
        return { prop: keys[prop], value, problem: 'it must be a string', fix: `set it to a string, such as "${prop === 'projectName' ? 'e-com67' : 'E-Com67'}"` };
      }
    }
    const problem = namingProblem((projectName as string | undefined) ?? PlatformNaming.DEFAULT_PROJECT_NAME,
      (stackPrefix as string | undefined) ?? PlatformNaming.DEFAULT_STACK_PREFIX);
    return problem && { ...problem, prop: keys[problem.prop] };
  }

  /**
   * What is wrong with a project name and stack prefix, or with an app name when given; undefined when valid.
   *
   * @internal
   */
  public static _problem(projectName: string, stackPrefix: string, appName?: string)
    : { prop: string; value: unknown; problem: string; fix: string } | undefined {
    return namingProblem(projectName, stackPrefix) ?? (appName === undefined ? undefined : appNameProblem(projectName, appName));
  }

  /** The project name resources are named after. */
  public readonly projectName: string;

  /** The prefix of stack names. */
  public readonly stackPrefix: string;

  constructor(props: PlatformNamingProps = {}) {
    this.projectName = props.projectName ?? PlatformNaming.DEFAULT_PROJECT_NAME;
    this.stackPrefix = props.stackPrefix ?? PlatformNaming.DEFAULT_STACK_PREFIX;
    const problem = namingProblem(this.projectName, this.stackPrefix);
    if (problem) {
      throw namingError('PlatformNaming', problem);
    }
  }

  /** Stack of the hosting of every frontend app (`E-Com67-FrontendStack`). */
  public get frontendStackName(): string {
    return this.stackName('Frontend');
  }

  /** Stack of the backend pipeline (`E-Com67-BackendPipelineStack`). */
  public get backendPipelineStackName(): string {
    return this.stackName('BackendPipeline');
  }

  /** Stack of the backend's data (`E-Com67-DataStack`). */
  public get dataStackName(): string {
    return this.stackName('Data');
  }

  /** Stack of the backend's functions (`E-Com67-ComputeStack`). */
  public get computeStackName(): string {
    return this.stackName('Compute');
  }

  /** Stack of the backend's API (`E-Com67-ApiStack`). */
  public get apiStackName(): string {
    return this.stackName('Api');
  }

  /** Name of the backend pipeline (`e-com67-backend-pipeline`). */
  public get backendPipelineName(): string {
    return `${this.projectName}-backend-pipeline`;
  }

  /** Name of the CodeCommit repository (`e-com67`). */
  public get repositoryName(): string {
    return this.projectName;
  }

  /** Name of the SSM parameter the backend writes its API URL to (`/e-com67/api-url`). */
  public get apiUrlParameterName(): string {
    return `/${this.projectName}/api-url`;
  }

  /**
   * `<stackPrefix>-<part>Stack`, such as `E-Com67-FrontendStack` for "Frontend".
   *
   * @param part PascalCase middle of the name
   */
  public stackName(part: string): string {
    const name = `${this.stackPrefix}-${part}Stack`;
    if (!STACK_NAME.test(name) || name.length > MAX_STACK) {
      throw namingError('PlatformNaming.stackName', {
        prop: 'part',
        value: part,
        problem: `the stack name "${name}" is not letters, digits and hyphens of at most ${MAX_STACK} characters starting with a letter`,
        fix: 'give letters and digits only, such as "Frontend"',
      });
    }
    return name;
  }

  /**
   * Stack of an app's pipeline: `E-Com67-AdminPipelineStack` for "admin-dashboard" (the name's first word,
   * capitalized).
   *
   * @param appName the app's name, such as "admin-dashboard"
   */
  public appPipelineStackName(appName: string): string {
    checkAppName(this.projectName, appName);
    const word = appName.split('-')[0];
    return this.stackName(`${word.charAt(0).toUpperCase()}${word.slice(1)}Pipeline`);
  }

  /**
   * Bucket hosting an app: `e-com67-admin-dashboard-111122223333`.
   *
   * @param appName the app's name, such as "admin-dashboard"
   * @param account the account ID; a token such as `Aws.ACCOUNT_ID` or `stack.account` is kept as is
   */
  public bucketName(appName: string, account: string): string {
    checkAppName(this.projectName, appName);
    if (!isUnresolvedString(account) && !ACCOUNT.test(account)) {
      throw namingError('PlatformNaming.bucketName', {
        prop: 'account',
        value: account,
        problem: 'an AWS account ID is 12 digits',
        fix: 'give the account ID, or a token such as `Aws.ACCOUNT_ID` or `stack.account`',
      });
    }
    return `${this.projectName}-${appName}-${account}`;
  }

  /**
   * Pipeline of an app: `e-com67-admin-dashboard-pipeline`.
   *
   * @param appName the app's name, such as "admin-dashboard"
   */
  public appPipelineName(appName: string): string {
    checkAppName(this.projectName, appName);
    return `${this.projectName}-${appName}-pipeline`;
  }

  /**
   * CodeBuild project building an app: `e-com67-admin-dashboard-build`.
   *
   * @param appName the app's name, such as "admin-dashboard"
   */
  public buildProjectName(appName: string): string {
    checkAppName(this.projectName, appName);
    return `${this.projectName}-${appName}-build`;
  }

  /**
   * CodeBuild project deploying an app: `e-com67-admin-dashboard-deploy`.
   *
   * @param appName the app's name, such as "admin-dashboard"
   */
  public deployProjectName(appName: string): string {
    checkAppName(this.projectName, appName);
    return `${this.projectName}-${appName}-deploy`;
  }
}

/**
 * What is wrong with a project name and stack prefix, judged by every name derived from them alone; undefined
 * when they are valid.
 */
function namingProblem(projectName: string, stackPrefix: string): NamingProblem | undefined {
  if (isUnresolvedString(projectName) || !PROJECT_NAME.test(projectName) || projectName.startsWith('xn--')) {
    return {
      prop: 'projectName',
      value: projectName,
      problem: `it starts bucket names (\`${projectName}-<app>-<account>\`), so it must be lowercase letters, digits and hyphens, `
        + 'starting with a letter and not ending with a hyphen, and a literal string',
      fix: 'use a name such as "e-com67"',
    };
  }
  // The shortest bucket name: a one-letter app and a 12-digit account.
  const shortestBucket = `${projectName}-a-111122223333`;
  if (shortestBucket.length > MAX_BUCKET) {
    return {
      prop: 'projectName',
      value: projectName,
      problem: `the bucket name "${projectName}-<app>-<account>" would be longer than ${MAX_BUCKET} characters even for a one-letter app`,
      fix: `use at most ${MAX_BUCKET - '-a-111122223333'.length} characters, such as "e-com67"`,
    };
  }
  if (isUnresolvedString(stackPrefix) || !STACK_NAME.test(stackPrefix) || stackPrefix.endsWith('-')) {
    return {
      prop: 'stackPrefix',
      value: stackPrefix,
      problem: `it starts stack names (\`${stackPrefix}-FrontendStack\`), which are letters, digits and hyphens starting with a letter`,
      fix: 'use a prefix such as "E-Com67"',
    };
  }
  const longestStack = `${stackPrefix}${LONGEST_STACK_SUFFIX}`;
  if (longestStack.length > MAX_STACK) {
    return {
      prop: 'stackPrefix',
      value: stackPrefix,
      problem: `the stack name "${longestStack}" would be longer than ${MAX_STACK} characters`,
      fix: `use at most ${MAX_STACK - LONGEST_STACK_SUFFIX.length} characters, such as "E-Com67"`,
    };
  }
  return undefined;
}

/** What is wrong with an app name, judged by the names derived from it; undefined when it is valid. */
function appNameProblem(projectName: string, appName: string): NamingProblem | undefined {
  if (isUnresolvedString(appName) || !APP_NAME.test(appName)) {
    return {
      prop: 'name',
      value: appName,
      problem: 'an app name is part of bucket, pipeline and project names: lowercase words of letters and digits joined by single hyphens, starting with a letter',
      fix: 'use a name such as "admin-dashboard"',
    };
  }
  const bucket = `${projectName}-${appName}-111122223333`;
  if (bucket.length > MAX_BUCKET) {
    return {
      prop: 'name',
      value: appName,
      problem: `the bucket name "${projectName}-${appName}-<account>" would be ${bucket.length} characters, more than ${MAX_BUCKET}`,
      fix: `shorten the app name to at most ${MAX_BUCKET - projectName.length - 14} characters, or the project name`,
    };
  }
  const pipeline = `${projectName}-${appName}-pipeline`;
  if (pipeline.length > MAX_PIPELINE) {
    return {
      prop: 'name',
      value: appName,
      problem: `the pipeline name "${pipeline}" would be longer than ${MAX_PIPELINE} characters`,
      fix: 'shorten the app name',
    };
  }
  return undefined;
}

function checkAppName(projectName: string, appName: string): void {
  const problem = appNameProblem(projectName, appName);
  if (problem) {
    throw namingError('PlatformNaming', { ...problem, prop: 'appName' });
  }
}

/** The error of a naming problem, where there is no construct: the same shape as `propError`. */
function namingError(where: string, problem: NamingProblem): Error {
  return new Error(`${where}: invalid \`${problem.prop}\` ${showText(problem.value)}: ${problem.problem}. Fix: ${problem.fix}`);
}
