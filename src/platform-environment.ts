import { Stage } from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { PlatformNaming } from './platform-naming';
import { SpaHostingOptions } from './spa-hosting';

/**
 * One environment of a platform (`dev`, `staging`, `prod`): the account and region its frontend stack and
 * backend stage deploy to, and how the pipelines promote a commit into it.
 */
export interface PlatformEnvironment {
  /**
   * Name of the environment: lowercase words of letters and digits joined by hyphens, at most 16 characters
   * ("dev", "staging", "prod"). Every environment but the production one has it in its stack and resource names.
   */
  readonly name: string;

  /** Account ID the environment's stacks deploy to (12 digits). */
  readonly account: string;

  /** Region the environment's stacks deploy to; with a pipeline on, the pipelines' region. */
  readonly region: string;

  /**
   * Whether each pipeline waits for a person's approval before deploying to this environment.
   *
   * @default false
   */
  readonly manualApproval?: boolean;

  /**
   * Per-app hosting options of this environment, by app name, over the app's own `hosting` (a key given here
   * wins): a custom domain and certificate, Content-Security-Policy sources...
   *
   * @default - each app's `hosting`
   */
  readonly hostings?: { [appName: string]: SpaHostingOptions };

  /**
   * Steps the backend pipeline runs after deploying the backend to this environment, such as integration tests.
   *
   * @default - none
   */
  readonly backendPost?: pipelines.Step[];
}

/**
 * Builds the backend of one environment: a Stage holding its stacks (Data, Compute, Api...), created once per
 * environment by EcomPlatform. Implement it in Python with `@jsii.implements(IBackendStageFactory)`.
 */
export interface IBackendStageFactory {
  /**
   * Creates the backend Stage of `environment`.
   *
   * @param scope where to create the Stage (the platform's App or Stage)
   * @param id the Stage's construct ID (the environment's name in PascalCase, such as "Staging")
   * @param environment the environment, whose account and region every stack of the Stage must have
   * @param naming the environment's names: its stack names (`naming.dataStackName`) and API URL parameter
   */
  createStage(scope: Construct, id: string, environment: PlatformEnvironment, naming: PlatformNaming): Stage;
}
