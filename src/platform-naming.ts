import { IConstruct } from 'constructs';
import { PROJECT_NAME_CONTEXT, STACK_PREFIX_CONTEXT } from './private/context-keys';
import {
  appNameProblem, chooseNaming, DEFAULT_PROJECT_NAME, DEFAULT_STACK_PREFIX, environmentNamingProblem, isStackName, NamingProblem, namingProblem,
  pascalCase,
} from './private/naming-rules';
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

/** A literal account ID: 12 digits. */
const ACCOUNT = /^\d{12}$/;

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
  public static readonly DEFAULT_PROJECT_NAME = DEFAULT_PROJECT_NAME;

  /** The default stack prefix. */
  public static readonly DEFAULT_STACK_PREFIX = DEFAULT_STACK_PREFIX;

  /** Context key of the project name (`-c ecom:projectName=shop` or cdk.json), read by `fromContext` and the CLI. */
  public static readonly PROJECT_NAME_CONTEXT = PROJECT_NAME_CONTEXT;

  /** Context key of the stack prefix (`-c ecom:stackPrefix=Shop` or cdk.json), read by `fromContext` and the CLI. */
  public static readonly STACK_PREFIX_CONTEXT = STACK_PREFIX_CONTEXT;

  /**
   * The naming of the context values `ecom:projectName` and `ecom:stackPrefix` (cdk.json's `context` or
   * `cdk synth -c`), with the defaults for those not set: what EcomPlatform uses without `naming`, and what
   * the `ecom-platform` CLI reads from cdk.json.
   *
   * @param scope any construct of the app
   */
  public static fromContext(scope: IConstruct): PlatformNaming {
    return new PlatformNaming(chooseNaming({}, (key) => scope.node.tryGetContext(key),
      (problem) => namingError(scope.node.path || '<app>', problem)));
  }

  /** The project name resources are named after. */
  public readonly projectName: string;

  /** The prefix of stack names. */
  public readonly stackPrefix: string;

  constructor(props: PlatformNamingProps = {}) {
    this.projectName = props?.projectName ?? PlatformNaming.DEFAULT_PROJECT_NAME;
    this.stackPrefix = props?.stackPrefix ?? PlatformNaming.DEFAULT_STACK_PREFIX;
    const problem = namingProblem(this.projectName, this.stackPrefix);
    if (problem) {
      throw namingError('PlatformNaming', problem);
    }
  }

  /**
   * The names of one environment of a platform with several, other than the one keeping these names: the
   * environment's name joins the project name and, in PascalCase, the stack prefix. For "dev":
   * `E-Com67-Dev-FrontendStack`, `e-com67-dev-admin-dashboard-<account>`, `/e-com67-dev/api-url`. The pipelines
   * and the repository keep this naming's names (one of each for every environment).
   *
   * Throws when a derived name would break an AWS limit.
   *
   * @param environmentName lowercase words joined by hyphens, such as "dev" or "staging"
   */
  public forEnvironment(environmentName: string): PlatformNaming {
    const problem = environmentNamingProblem(this.projectName, this.stackPrefix, environmentName);
    if (problem) {
      throw namingError('PlatformNaming.forEnvironment', { ...problem, prop: 'environmentName' });
    }
    return new PlatformNaming({ projectName: `${this.projectName}-${environmentName}`, stackPrefix: `${this.stackPrefix}-${pascalCase(environmentName)}` });
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

  /** Stack of the dashboard and alarms (`E-Com67-MonitoringStack`). */
  public get monitoringStackName(): string {
    return this.stackName('Monitoring');
  }

  /** Stack of the alarms on CloudFront metrics, in us-east-1 (`E-Com67-EdgeMonitoringStack`). */
  public get edgeMonitoringStackName(): string {
    return this.stackName('EdgeMonitoring');
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
    if (typeof part !== 'string' || !isStackName(name)) {
      throw namingError('PlatformNaming.stackName', {
        prop: 'part',
        value: part,
        problem: `the stack name "${name}" is not letters, digits and hyphens of at most 128 characters starting with a letter`,
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
    if (typeof account !== 'string' || (!isUnresolvedString(account) && !ACCOUNT.test(account))) {
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

function checkAppName(projectName: string, appName: string): void {
  const problem = appNameProblem(projectName, appName);
  if (problem) {
    throw namingError('PlatformNaming', { ...problem, prop: 'appName' });
  }
}

/** The error of a naming problem, where there is no construct: the same shape as `propError`. */
function namingError(where: string, problem: Pick<NamingProblem, 'prop' | 'value' | 'problem' | 'fix'>): Error {
  return new Error(`${where}: invalid \`${problem.prop}\` ${showText(problem.value)}: ${problem.problem}. Fix: ${problem.fix}`);
}
