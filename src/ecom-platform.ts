import { Annotations, CfnDynamicReference, CfnDynamicReferenceService, Environment, PhysicalName, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { BackendLanguage, CdkBackendPipeline } from './cdk-backend-pipeline';
import { CodeArtifactRepository } from './code-artifact-repository';
import { IBackendStageFactory, PlatformEnvironment } from './platform-environment';
import { ChatChannel, MonitoringAlarmOptions, PlatformMonitoring } from './platform-monitoring';
import { PlatformNaming } from './platform-naming';
import { PlatformSource } from './platform-source';
import { checkAppPath, checkRepositoryFolder, FolderRules, localPackagePaths, normalizePath } from './private/app-path';
import { BACKEND_PIPELINE_CONTEXT, ENVIRONMENTS_CONTEXT, FRONTEND_PIPELINES_CONTEXT, MONITORING_CONTEXT, PIPELINE_ACCOUNT_CONTEXT, PRODUCTION_ENVIRONMENT_CONTEXT } from './private/context-keys';
import { allowCloudWatchAlarms } from './private/edge-alarms';
import { validateMonitoringProps } from './private/monitoring-rules';
import { appNameProblem, chooseNaming, DEFAULT_APPS, environmentNameProblem, environmentNamingProblem, isStackName, pascalCase } from './private/naming-rules';
import { createNotificationTopic, validateNotifications } from './private/pipeline-resources';
import { checkBoolean, checkEnum, checkInstance, checkObject, checkString, checkStringList } from './private/prop-types';
import { keepOriginalDeployment } from './private/release-routing';
import { isToken, propError, validated } from './private/validation';
import { SpaHosting, SpaHostingOptions, SpaRouting } from './spa-hosting';
import { SpaPipeline, SpaPipelineOptions } from './spa-pipeline';


const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
/** An account ID, and a region name (as `env` and each environment give them). */
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

/** The platform's dashboard and alarms. */
export interface PlatformMonitoringOptions {
  /**
   * Whether the platform creates its dashboard and alarms.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Name of the CloudWatch dashboard, the first part of every alarm's name.
   *
   * @default - the project name (`e-com67`)
   */
  readonly dashboardName?: string;

  /**
   * The alarms and their thresholds.
   *
   * @default - the defaults of `MonitoringAlarmOptions`
   */
  readonly alarms?: MonitoringAlarmOptions;

  /**
   * Slack or Microsoft Teams channels that receive the pipelines' notifications and the alarms, through AWS
   * Chatbot (subscribed to the notification topic).
   *
   * @default - none
   */
  readonly chatChannels?: ChatChannel[];
}

/**
 * A single-page app of the platform: its hosting in the frontend stack and, in frontend pipeline mode, its
 * pipeline in a stack of its own.
 */
export interface FrontendAppProps {
  /**
   * Name of the app, part of its bucket, pipeline and project names (`admin-dashboard`): lowercase words of
   * letters and digits joined by hyphens.
   */
  readonly name: string;

  /** Folder of the app in the repository (`frontend/admin-dashboard`), also its pipeline's path filter. */
  readonly appPath: string;

  /**
   * Name of the stack of the app's pipeline.
   *
   * @default - `<stackPrefix>-<First word of the name>PipelineStack` (`E-Com67-AdminPipelineStack`)
   */
  readonly pipelineStackName?: string;

  /**
   * Options of the app's hosting: custom domain, Content-Security-Policy sources and presets, logs... The
   * platform sets the bucket's name (`naming.bucketName`) and, in frontend pipeline mode with
   * `apiUrlInRuntimeConfig`, adds the API URL it writes into `config.json` to `connect-src`.
   *
   * @default - SpaHosting's defaults
   */
  readonly hosting?: SpaHostingOptions;

  /**
   * Options of the app's pipeline (frontend pipeline mode): build commands, build variables from Parameter
   * Store, runtime config besides `apiUrl` (a key given here wins), source maps... The platform sets the
   * hosting, the source, the names and the notifications.
   *
   * @default - SpaPipeline's defaults
   */
  readonly pipeline?: SpaPipelineOptions;
}

/**
 * Properties of an EcomPlatform.
 */
export interface EcomPlatformProps {
  /**
   * The names of every stack and resource. Give either `naming`, or `projectName`/`stackPrefix`.
   *
   * @default - a PlatformNaming of `projectName` and `stackPrefix`; without them, `PlatformNaming.fromContext()`
   * (context values `ecom:projectName` and `ecom:stackPrefix`, which the `ecom-platform` CLI reads too)
   */
  readonly naming?: PlatformNaming;

  /**
   * Project name of the created naming.
   *
   * @default - the context value `ecom:projectName` when neither this nor `stackPrefix` is given, else "e-com67"
   */
  readonly projectName?: string;

  /**
   * Stack prefix of the created naming.
   *
   * @default - the context value `ecom:stackPrefix` when neither this nor `projectName` is given, else "E-Com67"
   */
  readonly stackPrefix?: string;

  /**
   * Account and region of every stack the platform creates; pipelines need both. With `environments`, where
   * the pipelines and the repository are (each environment's stacks go to its own account and region).
   *
   * @default - environment-agnostic stacks (direct mode only); with one environment, its account and region
   */
  readonly env?: Environment;

  /**
   * The environments a commit is promoted through, in order (dev, staging, prod): each gets its own frontend
   * stack and backend stage, and each pipeline deploys to them one after the other, with an approval where one
   * asks for it. The one named `productionEnvironment` keeps the seed's names; the others have their name in
   * theirs (`naming.forEnvironment(name)`). One environment is today's platform, in its account and region.
   *
   * @default - the context value `ecom:environments` (a list of { name, account, region, manualApproval }),
   * else one environment: `env`
   */
  readonly environments?: PlatformEnvironment[];

  /**
   * Name of the environment that keeps the seed's names (`E-Com67-FrontendStack`) among several.
   *
   * @default - the context value `ecom:productionEnvironment`, else "prod"
   */
  readonly productionEnvironment?: string;

  /**
   * Builds the backend Stage of each environment. Required instead of `backendStage` with several
   * environments and a backend.
   *
   * @default - `backendStage`
   */
  readonly backendStageFactory?: IBackendStageFactory;

  /**
   * Whether the backend pipeline's artifact key can be used by other accounts, which deploying the backend to
   * an environment in another account needs (a customer-managed key and a cross-account bucket policy).
   *
   * @default false
   */
  readonly crossAccountKeys?: boolean;

  /**
   * The backend: a Stage whose stacks (Data, Compute, Api...) the backend pipeline deploys. In direct mode the
   * stage is synthesized with the app and deployed with `cdk deploy '<StageId>/*'`.
   *
   * @default - no backend; required when the backend pipeline is on
   */
  readonly backendStage?: Stage;

  /**
   * Stacks of `backendStage` in the order the pipeline deploys them.
   *
   * @default - the stage's stacks in creation order
   */
  readonly backendStackOrder?: Stack[];

  /**
   * Folder of the CDK app (where `cdk.json` is) in the repository, for the backend pipeline's synth.
   *
   * @default "."
   */
  readonly backendAppPath?: string;

  /**
   * Language of the CDK app, for the backend pipeline's install and synth commands.
   *
   * @default BackendLanguage.PYTHON
   */
  readonly backendLanguage?: BackendLanguage;

  /**
   * A private CodeArtifact repository the backend pipeline's synth installs packages from (pip or npm log in to
   * it first), for a cdk-ecom-platform that is not on the public index yet, a fork, or your own packages.
   *
   * @default - the public index (PyPI or npm)
   */
  readonly backendCodeArtifactRepository?: CodeArtifactRepository;

  /**
   * The single-page apps.
   *
   * @default - E-Com67's: `admin-dashboard` in `frontend/admin-dashboard` and `customer-app` in `frontend/customer-app`
   */
  readonly frontends?: FrontendAppProps[];

  /**
   * Whether the backend is deployed by a pipeline (`<stackPrefix>-BackendPipelineStack`).
   *
   * @default - the context value `ecom:backendPipeline` ("true" or "false"), else false
   */
  readonly backendPipeline?: boolean;

  /**
   * Whether each app is deployed by a pipeline in a stack of its own (`<stackPrefix>-AdminPipelineStack`...).
   *
   * @default - the context value `ecom:frontendPipelines` ("true" or "false"), else false
   */
  readonly frontendPipelines?: boolean;

  /**
   * Where the pipelines get the code.
   *
   * @default - none; required when a pipeline is on
   */
  readonly source?: PlatformSource;

  /**
   * Email addresses notified when any pipeline fails, succeeds or waits for approval, through one encrypted
   * topic in the frontend stack.
   *
   * @default - no notifications
   */
  readonly notificationEmails?: string[];

  /**
   * An existing topic every pipeline notifies, instead of one the platform creates. Its policy (and its KMS
   * key's, when encrypted) must let `codestar-notifications.amazonaws.com` publish.
   *
   * @default - a topic in the frontend stack when `notificationEmails` is given
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * The platform's CloudWatch dashboard and alarms: its pipelines, their CodeBuild projects and the
   * distributions of its account, in the stack `naming.monitoringStackName`; alarms on CloudFront metrics in
   * `naming.edgeMonitoringStackName` (us-east-1). Alarms notify the notification topic, which then exists with
   * `notificationEmails` or `monitoring.chatChannels`, pipelines or not.
   *
   * @default - on, with the defaults of `PlatformMonitoringOptions`
   */
  readonly monitoring?: PlatformMonitoringOptions;

  /**
   * SSM parameter holding the API's URL, which the backend writes and each app's `config.json` receives.
   *
   * @default - the naming's `apiUrlParameterName` (`/e-com67/api-url`)
   */
  readonly apiUrlParameterName?: string;

  /**
   * Whether each app's runtime config gets `apiUrl`, the value of `apiUrlParameterName` resolved when its
   * pipeline stack deploys, and each app's Content-Security-Policy allows it in `connect-src` (an SSM
   * dynamic reference resolved when the frontend stack deploys). Applies in frontend pipeline mode. The
   * parameter must exist before either stack deploys; its value should end in `/` (as API Gateway's `url`
   * does), since a CSP source with a path allows only that path or, ending in `/`, everything below it.
   *
   * @default true
   */
  readonly apiUrlInRuntimeConfig?: boolean;
}

/**
 * An E-Com67-style platform in one construct: the hosting of every single-page app in
 * `<stackPrefix>-FrontendStack`, and, depending on the deployment mode, a backend pipeline deploying the
 * backend Stage and a pipeline per app, all named by one PlatformNaming.
 *
 * Deployment modes follow the context keys `ecom:backendPipeline` and `ecom:frontendPipelines` unless the
 * props decide: with both off (direct mode) the app holds the frontend stack and the backend stage, deployed
 * with the CDK CLI.
 *
 * The stacks are created in the App or Stage the platform is in, with their stack names as construct IDs,
 * so `cdk deploy E-Com67-FrontendStack` selects them.
 *
 * @example
 * const app = new App();
 * const naming = new PlatformNaming();
 * const backend = new BackendStage(app, 'Backend', { env, naming });
 * new EcomPlatform(app, 'Platform', { env, backendStage: backend, source: PlatformSource.codeCommit() });
 */
export class EcomPlatform extends Construct {
  /** Context key turning the backend pipeline on ("true") or off ("false"). */
  public static readonly BACKEND_PIPELINE_CONTEXT = BACKEND_PIPELINE_CONTEXT;

  /** Context key turning the frontend pipelines on ("true") or off ("false"). */
  public static readonly FRONTEND_PIPELINES_CONTEXT = FRONTEND_PIPELINES_CONTEXT;

  /** The names of every stack and resource. */
  public readonly naming: PlatformNaming;

  /** Whether the backend pipeline is on. */
  public readonly backendPipelineEnabled: boolean;

  /** Whether the frontend pipelines are on. */
  public readonly frontendPipelinesEnabled: boolean;

  /** The stack hosting every app. */
  public readonly frontendStack: Stack;

  /** The hosting of each app, in the order of `frontends`. */
  public readonly hostings: SpaHosting[];

  /** The backend pipeline's stack, when the backend pipeline is on. */
  public readonly backendPipelineStack?: Stack;

  /** The backend pipeline, when on. */
  public readonly backendPipeline?: CdkBackendPipeline;

  /** The stacks of the apps' pipelines, when the frontend pipelines are on. */
  public readonly appPipelineStacks: Stack[];

  /** The apps' pipelines, when on, in the order of `frontends`. */
  public readonly appPipelines: SpaPipeline[];

  /** The created CodeCommit repository, with `createRepository`. */
  public readonly repository?: codecommit.IRepository;

  /**
   * The topic every pipeline and alarm notifies: the given one, or one created with `notificationEmails` (or
   * chat channels) when a pipeline or the monitoring is on.
   */
  public readonly notificationTopic?: sns.ITopic;

  /** The dashboard and alarms, unless `monitoring.enabled` is false. */
  public readonly monitoring?: PlatformMonitoring;

  /** The stack of the dashboard and the alarms, unless `monitoring.enabled` is false. */
  public readonly monitoringStack?: Stack;

  /** Name of the SSM parameter holding the API's URL (the production environment's, with several). */
  public readonly apiUrlParameterName: string;

  /** The names of the environments, in promotion order (one, unnamed "", without `environments`). */
  public readonly environmentNames: string[];

  /** The frontend stack of each environment, in the order of `environments`. */
  public readonly frontendStacks: Stack[];

  /** The backend Stage of each environment, in order (the given `backendStage`, or none, with one). */
  public readonly backendStages: Stage[];

  private readonly appNames: string[];
  private readonly pipelineEnv?: Environment;
  private readonly environmentHostings: SpaHosting[][];

  constructor(scope: Construct, id: string, props: EcomPlatformProps = {}) {
    super(scope, id);
    const { naming, backendPipeline, frontendPipelines, frontends, environments, pipelineEnv } = validated(this, () => {
      validateTypes(this, props);
      const namingChosen = validateNaming(this, props);
      const checked = {
        naming: namingChosen,
        backendPipeline: props.backendPipeline ?? contextFlag(this, BACKEND_PIPELINE_CONTEXT),
        frontendPipelines: props.frontendPipelines ?? contextFlag(this, FRONTEND_PIPELINES_CONTEXT),
        frontends: props.frontends ?? [...DEFAULT_APPS],
        environments: resolveEnvironments(this, props, namingChosen),
      };
      // The pipelines' account and region: `env`, else the first environment's.
      const withEnv = { ...props, env: pipelinesEnv(this, props, checked.environments.flatMap((e) => (e.given ? [e.given] : []))) };
      validate(this, scope, withEnv, checked.frontends, checked.naming, checked.backendPipeline, checked.frontendPipelines);
      validateEnvironments(this, withEnv, checked.environments, checked.frontends, checked.backendPipeline, checked.frontendPipelines);
      return { ...checked, pipelineEnv: withEnv.env };
    });
    this.naming = naming;
    this.pipelineEnv = pipelineEnv;
    this.backendPipelineEnabled = backendPipeline;
    this.frontendPipelinesEnabled = frontendPipelines;
    const production = environments.find((e) => e.production)!;
    this.apiUrlParameterName = props.apiUrlParameterName ?? production.naming.apiUrlParameterName;
    this.appNames = frontends.map((f) => f.name);
    this.environmentNames = environments.map((e) => e.name);
    const anyPipeline = backendPipeline || frontendPipelines;

    this.frontendStacks = environments.map((e) => this.createStack(scope, e.naming.frontendStackName,
      `hosting of the single-page apps${environments.length > 1 ? ` (${e.name})` : ''}`, e.env));
    this.environmentHostings = environments.map((e, i) => this.createHostings(frontends, props, e, this.frontendStacks[i]));
    const productionIndex = environments.indexOf(production);
    this.frontendStack = this.frontendStacks[productionIndex];
    this.hostings = this.environmentHostings[productionIndex];
    warnAboutEnvironments(this.frontendStack, props, environments);
    // The repository and the topic belong with the pipelines: in the frontend stack of their account and region.
    const home = this.frontendStacks[environments.findIndex((e) => e.home)];
    this.repository = anyPipeline ? props.source!._createRepository(home, naming) : undefined;
    const monitoringOn = props.monitoring?.enabled
      ?? validated(this, () => this.node.tryGetContext(MONITORING_CONTEXT) === undefined || contextFlag(this, MONITORING_CONTEXT));
    this.notificationTopic = this.pipelineNotificationTopic(props, anyPipeline || monitoringOn, home);
    this.backendStages = this.createBackendStages(scope, props, environments);
    if (backendPipeline) {
      this.backendPipelineStack = this.createStack(scope, naming.backendPipelineStackName, 'the backend pipeline', pipelineEnv);
      this.backendPipeline = this.createBackendPipeline(this.backendPipelineStack, props, environments);
    } else if (props.backendStackOrder) {
      // Direct mode: `cdk deploy '<Stage>/*'` deploys in the same order the pipeline would.
      const order = props.backendStackOrder;
      for (let i = 1; i < order.length; i++) {
        order[i].addDependency(order[i - 1], `backendStackOrder of ${this.node.path}`);
      }
    }
    this.appPipelines = frontendPipelines
      ? frontends.map((app, i) => this.createAppPipeline(scope, app, i, props, environments))
      : [];
    this.appPipelineStacks = this.appPipelines.map((pipeline) => Stack.of(pipeline));
    if (!monitoringOn && (props.monitoring?.chatChannels ?? []).length > 0) {
      Annotations.of(this.frontendStack).addWarningV2('cdk-ecom-platform:EcomPlatform.chatWithoutMonitoring',
        `monitoring.chatChannels (${props.monitoring!.chatChannels!.length}) are created with the monitoring, which is off: no channel receives anything. `
        + 'Turn the monitoring on (`monitoring.enabled`, context ecom:monitoring), or remove chatChannels');
    }
    if (monitoringOn) {
      // Cross-region references: the dashboard graphs the distributions of environments in other regions.
      this.monitoringStack = this.createStack(scope, naming.monitoringStackName, 'dashboard and alarms', pipelineEnv, true);
      this.monitoring = this.createMonitoring(this.monitoringStack, props.monitoring ?? {}, environments);
    }
  }

  /** Every stack the platform created (not the backend stages'). */
  public get stacks(): Stack[] {
    const edge = this.monitoring?.edgeStack;
    return [...this.frontendStacks, ...(this.backendPipelineStack ? [this.backendPipelineStack] : []), ...this.appPipelineStacks,
      ...(this.monitoringStack ? [this.monitoringStack] : []), ...(edge && edge !== this.monitoringStack ? [edge] : [])];
  }

  /**
   * The hosting of an app.
   *
   * @param name an app's name, such as "admin-dashboard"
   * @param environment an environment's name, such as "staging"; the production environment's by default
   */
  public hosting(name: string, environment?: string): SpaHosting {
    const index = this.indexOf(name);
    if (environment === undefined) {
      return this.hostings[index];
    }
    const e = this.environmentNames.indexOf(environment);
    if (e < 0) {
      throw propError(this, 'environment', environment, 'the platform has no environment of that name',
        `use one of ${this.environmentNames.map((n) => `"${n}"`).join(', ')}`);
    }
    return this.environmentHostings[e][index];
  }

  /**
   * The pipeline of an app; the frontend pipelines must be on.
   *
   * @param name an app's name, such as "admin-dashboard"
   */
  public appPipeline(name: string): SpaPipeline {
    const index = this.indexOf(name);
    if (!this.frontendPipelinesEnabled) {
      throw propError(this, 'frontendPipelines', false, `the app "${name}" has no pipeline in direct mode`,
        `set \`frontendPipelines: true\` or the context value ${FRONTEND_PIPELINES_CONTEXT}=true`);
    }
    return this.appPipelines[index];
  }

  private indexOf(name: string): number {
    const index = this.appNames.indexOf(name);
    if (index < 0) {
      throw propError(this, 'name', name, 'no app of this platform has that name', `use one of ${this.appNames.map((n) => `"${n}"`).join(', ')}`);
    }
    return index;
  }

  /** A stack of the platform, in the App or Stage that holds it, with its stack name as its ID. */
  private createStack(scope: Construct, stackName: string, what: string, env: Environment | undefined, crossRegionReferences?: boolean): Stack {
    const existing = scope.node.tryFindChild(stackName);
    if (existing) {
      throw propError(this, 'naming', stackName, `${scope.node.path || 'the app'} already has a construct with this stack name (${existing.node.path}), such as another platform of the same naming`,
        'give each platform of the app its own `stackPrefix`, or create one platform');
    }
    return new Stack(scope, stackName, { env, stackName, description: `${this.naming.projectName}: ${what}`, crossRegionReferences });
  }

  /** The hosting of every app of one environment, in its frontend stack. */
  private createHostings(frontends: FrontendAppProps[], props: EcomPlatformProps, environment: ResolvedEnvironment, stack: Stack): SpaHosting[] {
    const naming = environment.naming;
    // The API's URL, as CloudFormation reads it from Parameter Store when the frontend stack deploys: the same
    // value the pipelines write into config.json, so the app may call its API without a reference into the backend.
    const apiOrigin = this.frontendPipelinesEnabled && (props.apiUrlInRuntimeConfig ?? true)
      ? new CfnDynamicReference(CfnDynamicReferenceService.SSM, this.apiUrlParameterOf(environment)).toString()
      : undefined;
    const hostings = frontends.map((app) => {
      const options: SpaHostingOptions = { ...app.hosting, ...environment.hostings[app.name] };
      return new SpaHosting(stack, pascalCase(app.name), {
        comment: `${naming.projectName} ${app.name}`,
        ...options,
        connectSources: apiOrigin && !options.contentSecurityPolicy
          ? [...(options.connectSources ?? []), apiOrigin]
          : options.connectSources,
        bucketName: naming.bucketName(app.name, stack.account),
      });
    });
    // On the app's hosting: a warning outside every stack would never be shown.
    frontends.forEach((app, i) => checkAppPath(hostings[i], 'EcomPlatform', `frontends[${i}].appPath`, normalizePath(app.appPath)));
    return hostings;
  }

  /** The API URL parameter of an environment: `apiUrlParameterName` for the production one, else its naming's. */
  private apiUrlParameterOf(environment: ResolvedEnvironment): string {
    return environment.production ? this.apiUrlParameterName : environment.naming.apiUrlParameterName;
  }

  /**
   * The topic every pipeline and alarm notifies: the given one, or one created for `notificationEmails` (or chat
   * channels) when a pipeline or the monitoring is on.
   */
  private pipelineNotificationTopic(props: EcomPlatformProps, notifying: boolean, home: Stack): sns.ITopic | undefined {
    if (props.notificationTopic) {
      return props.notificationTopic;
    }
    const chat = props.monitoring?.enabled !== false && (props.monitoring?.chatChannels ?? []).length > 0;
    if (notifying && (props.notificationEmails || chat)) {
      return createTopic(home, props.notificationEmails ?? []);
    }
    if (props.notificationEmails && props.notificationEmails.length > 0) {
      // On the frontend stack: a warning on the platform itself, outside every stack, is never shown by `cdk synth`.
      Annotations.of(this.frontendStack).addWarningV2('cdk-ecom-platform:EcomPlatform.notificationsWithoutPipelines',
        `notificationEmails (${props.notificationEmails.join(', ')}) are about pipelines and alarms, and no pipeline is on (direct mode) and the monitoring is off: `
        + `no topic is created. Turn a pipeline on (${BACKEND_PIPELINE_CONTEXT}=true or ${FRONTEND_PIPELINES_CONTEXT}=true) or the monitoring, or remove notificationEmails`);
    }
    return undefined;
  }

  /**
   * The dashboard and alarms of every pipeline and hosting; the alarms on the distributions of other accounts in
   * those accounts (a dashboard and its alarms see one account's metrics).
   */
  private createMonitoring(stack: Stack, options: PlatformMonitoringOptions, environments: ResolvedEnvironment[]): PlatformMonitoring {
    const monitoring = new PlatformMonitoring(stack, 'Monitoring', {
      dashboardName: options.dashboardName ?? this.naming.projectName,
      alarmTopic: this.notificationTopic,
      alarms: options.alarms,
      chatChannels: options.chatChannels,
      edgeStackName: this.naming.edgeMonitoringStackName,
    });
    if (this.backendPipeline) {
      monitoring.monitorBackendPipeline(this.backendPipeline);
    }
    this.appPipelines.forEach((pipeline) => monitoring.monitorSpaPipeline(pipeline));
    // Hostings of other accounts get their alarms in those accounts (in a stack named after the first environment
    // there: E-Com67-Prod-EdgeMonitoringStack), forwarded to the topic.
    environments.forEach((e, i) => {
      const first = environments.find((other) => other.env?.account === e.env?.account) ?? e;
      const edgeStackName = first.name ? this.naming.forEnvironment(first.name).edgeMonitoringStackName : undefined;
      this.environmentHostings[i].forEach((hosting) => monitoring.monitorHosting(hosting, { edgeStackName }));
    });
    return monitoring;
  }

  /** The backend Stage of each environment: the given one, or the factory's, each checked like `backendStage`. */
  private createBackendStages(scope: Construct, props: EcomPlatformProps, environments: ResolvedEnvironment[]): Stage[] {
    const factory = props.backendStageFactory;
    if (!factory) {
      return props.backendStage ? [props.backendStage] : [];
    }
    const stages: Stage[] = [];
    for (const environment of environments) {
      const stage = factory.createStage(scope, pascalCase(environment.name), environment.given!, environment.naming);
      validated(this, () => {
        if (!Stage.isStage(stage)) {
          throw propError(this, 'backendStageFactory', stage, `createStage() returned no Stage for the environment "${environment.name}"`,
            'return the Stage holding the environment\'s backend stacks, created in `scope` with the given `id`');
        }
        checkBackendStacks(this, 'backendStageFactory', stage, environment.env!, this.backendPipelineEnabled);
        if (stages.includes(stage)) {
          throw propError(this, 'backendStageFactory', stage.node.path, 'createStage() returned the same Stage for two environments',
            'create a new Stage in each call');
        }
      });
      stages.push(stage);
    }
    return stages;
  }

  /** The backend pipeline, deploying the backend stage of each environment in order. */
  private createBackendPipeline(stack: Stack, props: EcomPlatformProps, environments: ResolvedEnvironment[]): CdkBackendPipeline {
    const pipeline = new CdkBackendPipeline(stack, 'Pipeline', {
      ...props.source!._backendSource(this.naming, this.repository),
      pipelineName: this.naming.backendPipelineName,
      appPath: props.backendAppPath,
      language: props.backendLanguage,
      codeArtifactRepository: props.backendCodeArtifactRepository,
      notificationTopic: this.notificationTopic,
      crossAccountKeys: props.crossAccountKeys,
    });
    this.backendStages.forEach((stage, i) => {
      const environment = props.backendStageFactory ? environments[i] : environments[0];
      pipeline.addStage(stage, {
        stackOrder: i === 0 && props.backendStackOrder ? props.backendStackOrder : stacksOf(stage),
        manualApproval: environment.given?.manualApproval,
        post: environment.given?.backendPost,
      });
    });
    return pipeline;
  }

  /**
   * An app's pipeline, in a stack of its own: one build, deployed to the app's hosting in each environment in
   * order, each deploy writing that environment's API URL into the runtime config.
   */
  private createAppPipeline(scope: Construct, app: FrontendAppProps, index: number, props: EcomPlatformProps, environments: ResolvedEnvironment[])
    : SpaPipeline {
    const naming = this.naming;
    const stack = this.createStack(scope, app.pipelineStackName ?? naming.appPipelineStackName(app.name), `the pipeline of ${app.name}`, this.pipelineEnv);
    const withApiUrl = props.apiUrlInRuntimeConfig ?? true;
    const appPath = normalizePath(app.appPath);
    const several = environments.length > 1;
    // One environment: the API URL as the pipeline stack's deployment reads it (today's templates). Several: each
    // deploy reads its environment's parameter when it runs, in the environment's account.
    const apiUrl: Record<string, string> = withApiUrl && !several
      ? { apiUrl: ssm.StringParameter.valueForStringParameter(stack, this.apiUrlParameterName) }
      : {};
    const runtimeConfig: Record<string, string> = { ...apiUrl, ...app.pipeline?.runtimeConfig };
    const parametersOf = (e: ResolvedEnvironment) => (withApiUrl && several ? { apiUrl: this.apiUrlParameterOf(e) } : undefined);
    if (several) {
      // Its deploy project keeps the construct ID it had with one environment (the same name in another resource would clash).
      keepOriginalDeployment(this.environmentHostings[environments.findIndex((e) => e.production)][index]);
    }
    const [first, ...others] = environments;
    const pipeline = new SpaPipeline(stack, 'Pipeline', {
      ...app.pipeline,
      hosting: this.environmentHostings[0][index],
      source: props.source!._spaSource(stack, naming, appPath, this.repository, localPackagePaths(this, appPath)),
      pipelineName: naming.appPipelineName(app.name),
      buildProjectName: naming.buildProjectName(app.name),
      deployProjectName: first.naming.deployProjectName(app.name),
      appPath: app.appPath,
      runtimeConfig: Object.keys(runtimeConfig).length > 0 ? runtimeConfig : undefined,
      runtimeConfigParameters: parametersOf(first),
      environmentName: several ? first.name : undefined,
      manualApproval: first.given?.manualApproval,
      notificationTopic: this.notificationTopic,
    });
    others.forEach((e, i) => pipeline.addDeployment({
      environmentName: e.name,
      hosting: this.environmentHostings[i + 1][index],
      deployProjectName: e.naming.deployProjectName(app.name),
      manualApproval: e.given?.manualApproval,
      runtimeConfig: app.pipeline?.runtimeConfig,
      runtimeConfigParameters: parametersOf(e),
    }));
    return pipeline;
  }
}

/** The stage's own stacks (not nested stacks, not those of inner stages), in creation order. */
function stacksOf(stage: Stage): Stack[] {
  return stage.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !c.nested && Stage.of(c) === stage);
}

function contextFlag(scope: Construct, key: string): boolean {
  const value = scope.node.tryGetContext(key);
  if (value === undefined || value === true || value === false) {
    return value ?? false;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw propError(scope, key, value, 'the context value turns a deployment mode on or off',
    `pass -c ${key}=true or -c ${key}=false, or set it in cdk.json`);
}

function validateNaming(scope: Construct, props: EcomPlatformProps): PlatformNaming {
  if (props.naming) {
    for (const prop of ['projectName', 'stackPrefix'] as const) {
      if (props[prop] !== undefined) {
        throw propError(scope, prop, props[prop], 'a `naming` was given too, which has its own',
          'give either `naming`, or `projectName`/`stackPrefix`');
      }
    }
    return props.naming;
  }
  // The CLI reads the same context values from cdk.json.
  return new PlatformNaming(chooseNaming({ projectName: props.projectName, stackPrefix: props.stackPrefix }, (key) => scope.node.tryGetContext(key),
    (problem) => propError(scope, problem.prop, problem.value, problem.problem, problem.fix)));
}

/** An app's folder: relative to the repository root, and not the root, which holds every app and the backend. */
const APP_FOLDER: FolderRules = {
  example: 'frontend/admin-dashboard',
  notItself: {
    why: 'the repository root holds every app and the backend, so as an app\'s folder it would rebuild the app on every change',
    fix: 'put the app in a folder of its own, such as "frontend/admin-dashboard"',
  },
};

function validate(scope: Construct, parent: Construct, props: EcomPlatformProps, frontends: FrontendAppProps[], naming: PlatformNaming,
  backendPipeline: boolean, frontendPipelines: boolean): void {
  if (!Stage.isStage(parent)) {
    throw propError(scope, 'scope', parent.node.path, 'the platform creates stacks, so it belongs directly in an App or a Stage',
      'create it with the App (or a Stage) as its scope: new EcomPlatform(app, \'Platform\', { ... })');
  }
  if (frontends.length === 0) {
    throw propError(scope, 'frontends', frontends, 'an empty list hosts nothing', 'remove `frontends` for E-Com67\'s two apps, or list your apps');
  }
  const stackNames = new Set([naming.frontendStackName, naming.backendPipelineStackName]);
  // Shapes first, for every app: the checks below compare each app with the others.
  frontends.forEach((app, i) => {
    checkObject(scope, `frontends[${i}]`, app, 'give each app as { name: \'admin-dashboard\', appPath: \'frontend/admin-dashboard\' }');
    checkString(scope, `frontends[${i}].name`, app.name, 'admin-dashboard');
    if (app.name === undefined) {
      throw propError(scope, `frontends[${i}].name`, app.name, 'every app needs a name', 'give a name such as "admin-dashboard"');
    }
    checkRepositoryFolder(scope, `frontends[${i}].appPath`, app.appPath, APP_FOLDER);
  });
  frontends.forEach((app, i) => {
    checkString(scope, `frontends[${i}].pipelineStackName`, app.pipelineStackName, 'E-Com67-AdminPipelineStack');
    for (const field of ['hosting', 'pipeline'] as const) {
      if (app[field] !== undefined) {
        checkObject(scope, `frontends[${i}].${field}`, app[field], `give { ... } of ${field === 'hosting' ? 'SpaHostingOptions' : 'SpaPipelineOptions'}, or nothing`);
      }
    }
    // Checked here so that the error names the app's option, not the hosting SpaPipeline would refuse later.
    const routing = app.hosting?.spaRouting;
    if (frontendPipelines && routing !== undefined && routing !== SpaRouting.REWRITE_FUNCTION) {
      throw propError(scope, `frontends[${i}].hosting.spaRouting`, routing, 'the app\'s pipeline deploys releases, which the hosting\'s routing function '
        + 'serves from its KeyValueStore, and this routing has no such function',
      'remove `spaRouting` for SpaRouting.REWRITE_FUNCTION (the default), or turn the frontend pipelines off');
    }
    const problem = appNameProblem(naming.projectName, app.name);
    if (problem) {
      throw propError(scope, `frontends[${i}].name`, problem.value, problem.problem, problem.fix);
    }
    if (frontends.findIndex((other) => other.name === app.name) !== i) {
      throw propError(scope, `frontends[${i}].name`, app.name, 'another app has the same name, so they would share a bucket and pipeline names',
        'give every app its own name');
    }
    if (frontends.findIndex((other) => normalizePath(other.appPath) === normalizePath(app.appPath)) !== i) {
      throw propError(scope, `frontends[${i}].appPath`, app.appPath, 'another app has the same folder, so one pipeline would deploy the other\'s build',
        'give every app its own folder');
    }
    const stackName = app.pipelineStackName ?? naming.appPipelineStackName(app.name);
    if (!isStackName(stackName)) {
      throw propError(scope, `frontends[${i}].pipelineStackName`, stackName, 'stack names are letters, digits and hyphens, starting with a letter, at most 128',
        'give a name such as "E-Com67-AdminPipelineStack"');
    }
    if (stackNames.has(stackName)) {
      throw propError(scope, `frontends[${i}].pipelineStackName`, stackName, 'another stack of the platform has this name (apps whose names start with the same word do)',
        `set \`pipelineStackName\` of "${app.name}" to a name of its own`);
    }
    stackNames.add(stackName);
  });
  if (props.backendStage) {
    for (const stack of stacksOf(props.backendStage)) {
      if (!isToken(stack.stackName) && stackNames.has(stack.stackName)) {
        throw propError(scope, 'backendStage', stack.node.path, `its stack is named "${stack.stackName}", like a stack of the platform, and both would deploy to the same account`,
          `give that stack another \`stackName\`, such as naming.dataStackName ("${naming.dataStackName}")`);
      }
    }
  }
  if (backendPipeline && !props.backendStage && !props.backendStageFactory) {
    throw propError(scope, 'backendStage', undefined, 'the backend pipeline is on and has no stage to deploy',
      `give the Stage holding the backend's stacks (\`backendStageFactory\` with several environments), or turn the backend pipeline off (\`backendPipeline: false\`, context ${BACKEND_PIPELINE_CONTEXT}=false)`);
  }
  if (props.backendStackOrder && !props.backendStage) {
    throw propError(scope, 'backendStackOrder', props.backendStackOrder.map((s) => s.node.path), 'there is no `backendStage`',
      'give `backendStage`, or remove `backendStackOrder`');
  }
  if (props.backendAppPath !== undefined) {
    checkRepositoryFolder(scope, 'backendAppPath', props.backendAppPath, { example: 'backend' });
  }
  if (props.backendStage && (props.backendStage === parent || props.backendStage.node.scopes.includes(scope))) {
    throw propError(scope, 'backendStage', props.backendStage.node.path, 'the backend stage must be a Stage of its own, not the one holding the platform',
      'create the backend as new BackendStage(app, \'Backend\', ...)');
  }
  if ((backendPipeline || frontendPipelines) && !props.source) {
    throw propError(scope, 'source', undefined, `the ${backendPipeline ? 'backend pipeline' : 'frontend pipelines'} need a source`,
      'give `source: PlatformSource.codeCommit()` (repository named after the project) or `PlatformSource.connection({ ... })`');
  }
  props.source?._validate(scope);
  validateNotifications(scope, undefined, props.notificationEmails);
  if (props.monitoring && props.monitoring.enabled !== false) {
    validateMonitoringProps(scope, { ...props.monitoring, dashboardName: props.monitoring.dashboardName ?? naming.projectName }, 'monitoring.', { chatNeedsTopic: false });
  }
  if (props.notificationTopic && props.notificationEmails) {
    throw propError(scope, 'notificationEmails', props.notificationEmails, 'a `notificationTopic` was given too, and the platform subscribes nobody to a topic it did not create',
      'subscribe the addresses to your topic, or remove `notificationTopic` to get a topic with these subscriptions');
  }
  const env = props.env;
  if (backendPipeline && (!env?.account || !env?.region || Token.isUnresolved(env.account) || Token.isUnresolved(env.region))) {
    throw propError(scope, 'env', props.env ?? undefined, 'the backend pipeline needs to know the account and region it deploys to',
      'give env: { account: \'111122223333\', region: \'eu-west-1\' } (also to the backend stage)');
  }
  if (props.backendStage) {
    validateBackendStage(scope, props, backendPipeline);
  }
  const parameter = props.apiUrlParameterName;
  if (parameter !== undefined && !isToken(parameter) && !PARAMETER_NAME.test(parameter)) {
    throw propError(scope, 'apiUrlParameterName', parameter, 'SSM parameter names here are paths of letters, digits and _ . - /',
      `give a name such as "${naming.apiUrlParameterName}"`);
  }
}

/** Types first, as JavaScript and Python callers may pass anything: each later check may then trust them. */
function validateTypes(scope: Construct, props: EcomPlatformProps): void {
  checkObject(scope, 'props', props, 'give { env, backendStage, source, ... }, or nothing');
  if (props.naming !== undefined) {
    checkInstance(scope, 'naming', props.naming, props.naming instanceof PlatformNaming, 'a PlatformNaming', 'give new PlatformNaming({ projectName, stackPrefix })');
  }
  if (props.source !== undefined) {
    checkInstance(scope, 'source', props.source, props.source instanceof PlatformSource, 'a PlatformSource',
      'give PlatformSource.codeCommit() or PlatformSource.connection({ connectionArn, repository })');
  }
  if (props.backendStage !== undefined) {
    checkInstance(scope, 'backendStage', props.backendStage, Stage.isStage(props.backendStage), 'a Stage', 'give the Stage holding the backend\'s stacks');
  }
  for (const prop of ['backendPipeline', 'frontendPipelines', 'apiUrlInRuntimeConfig'] as const) {
    checkBoolean(scope, prop, props[prop]);
  }
  for (const [prop, example] of [['projectName', 'e-com67'], ['stackPrefix', 'E-Com67'], ['apiUrlParameterName', '/e-com67/api-url']] as const) {
    checkString(scope, prop, props[prop], example);
  }
  checkStringList(scope, 'notificationEmails', props.notificationEmails, '"team@example.com"');
  if (props.monitoring !== undefined) {
    checkObject(scope, 'monitoring', props.monitoring, 'give { alarms, chatChannels, ... }, or { enabled: false } for no dashboard and alarms');
    checkBoolean(scope, 'monitoring.enabled', props.monitoring.enabled);
    checkString(scope, 'monitoring.dashboardName', props.monitoring.dashboardName, 'e-com67');
  }
  checkEnum(scope, 'backendLanguage', props.backendLanguage, BackendLanguage, 'BackendLanguage');
  if (props.frontends !== undefined && !Array.isArray(props.frontends)) {
    throw propError(scope, 'frontends', props.frontends, 'it must be a list of apps', 'give [{ name: \'admin-dashboard\', appPath: \'frontend/admin-dashboard\' }]');
  }
  if (props.backendStackOrder !== undefined && (!Array.isArray(props.backendStackOrder) || !props.backendStackOrder.every((s) => Stack.isStack(s)))) {
    throw propError(scope, 'backendStackOrder', props.backendStackOrder, 'it must be a list of the backend stage\'s stacks', 'give [data, compute, api]');
  }
  const env = props.env;
  if (env !== undefined) {
    checkObject(scope, 'env', env, 'give env: { account: \'111122223333\', region: \'eu-west-1\' }');
    checkString(scope, 'env.account', env.account, '111122223333');
    checkString(scope, 'env.region', env.region, 'eu-west-1');
    if (env.account !== undefined && !isToken(env.account) && !ACCOUNT.test(env.account)) {
      throw propError(scope, 'env.account', env.account, 'an AWS account ID is 12 digits', 'give the account ID, such as "111122223333"');
    }
    if (env.region !== undefined && !isToken(env.region) && !REGION.test(env.region)) {
      throw propError(scope, 'env.region', env.region, 'it is not an AWS region name', 'give a region such as "eu-west-1"');
    }
  }
}

/** The backend stage and its order, checked here so that errors name the platform's props, not the pipeline's. */
function validateBackendStage(scope: Construct, props: EcomPlatformProps, backendPipeline: boolean): void {
  const stage = props.backendStage!;
  const stacks = stacksOf(stage);
  if (stacks.length === 0) {
    throw propError(scope, 'backendStage', stage.node.path, 'it has no stacks, so there is no backend to deploy', 'create the backend\'s stacks in the stage before the platform');
  }
  const order = props.backendStackOrder;
  if (order !== undefined) {
    if (order.length === 0) {
      throw propError(scope, 'backendStackOrder', order, 'an empty list orders nothing', `remove it for the stage's stacks in creation order, or list them: ${stacks.map((s) => s.node.path).join(', ')}`);
    }
    order.forEach((stack, i) => {
      if (!stacks.includes(stack)) {
        throw propError(scope, 'backendStackOrder', stack.node.path, `the stack is not in \`backendStage\` (${stage.node.path})`,
          `list only stacks of the stage: ${stacks.map((s) => s.node.path).join(', ')}`);
      }
      if (order.indexOf(stack) !== i) {
        throw propError(scope, 'backendStackOrder', stack.node.path, 'the stack is listed twice', 'list each stack once, in deployment order');
      }
    });
  }
  if (props.env) {
    checkBackendStacks(scope, 'backendStage', stage, props.env, backendPipeline);
  }
}

/**
 * With the backend pipeline on, every stack of a backend Stage has a literal account and region, in the
 * pipelines' region; a factory's Stage also in its environment's account.
 */
function checkBackendStacks(scope: Construct, prop: string, stage: Stage, env: Environment, backendPipeline: boolean): void {
  const stacks = stacksOf(stage);
  if (prop !== 'backendStage' && stacks.length === 0) {
    throw propError(scope, prop, stage.node.path, 'it has no stacks, so there is no backend to deploy', 'create the backend\'s stacks in the Stage createStage() returns');
  }
  if (!backendPipeline) {
    return;
  }
  for (const stack of stacks) {
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      throw propError(scope, prop, stack.node.path, 'the stack is environment-agnostic, and the backend pipeline deploys to an explicit account and region',
        prop === 'backendStage' ? 'give the backend stage the platform\'s env: new BackendStage(app, \'Backend\', { env })'
          : 'create the Stage with the environment\'s account and region: new BackendStage(scope, id, { env: { account: environment.account, region: environment.region } })');
    }
    if (stack.region !== env.region) {
      throw propError(scope, prop, `${stack.node.path} (${stack.region})`, `the backend pipeline is in ${env.region} and deploys to its own region only`,
        `give the backend stage the platform's region, ${env.region}`);
    }
    if (prop !== 'backendStage' && stack.account !== env.account) {
      throw propError(scope, prop, `${stack.node.path} (${stack.account})`, `the environment's account is ${env.account}`,
        'create the Stage with the environment\'s account and region: new BackendStage(scope, id, { env: { account: environment.account, region: environment.region } })');
    }
  }
}

/** One encrypted topic for every pipeline, in the frontend stack (which every mode has). */
function createTopic(stack: Stack, emails: string[]): sns.ITopic {
  const key = new kms.Key(stack, 'NotificationsKey', {
    enableKeyRotation: true,
    description: 'Encrypts the pipeline notification topic',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  allowCloudWatchAlarms(key);
  // Named only if a stack of another account names it (the alarm forwarder of an environment there).
  return createNotificationTopic(stack, 'PipelineNotifications', key, emails, PhysicalName.GENERATE_IF_NEEDED);
}

/** An environment as the platform builds it: its names, account and region, and whether it keeps the seed's names. */
interface ResolvedEnvironment {
  /** "" for the one environment of a platform without `environments`. */
  readonly name: string;
  /** As given, when given. */
  readonly given?: PlatformEnvironment;
  readonly naming: PlatformNaming;
  readonly env?: Environment;
  /** Whether it keeps the seed's names (the production environment, or the only one). */
  readonly production: boolean;
  /** Whether the repository and the notification topic go in its frontend stack (the pipelines' account and region). */
  readonly home: boolean;
  readonly hostings: { [appName: string]: SpaHostingOptions };
}

const DEFAULT_PRODUCTION_ENVIRONMENT = 'prod';

/** `environments` (or the context's), checked one by one, with the names each gets; one unnamed environment without them. */
function resolveEnvironments(scope: Construct, props: EcomPlatformProps, naming: PlatformNaming): ResolvedEnvironment[] {
  const fromContext = props.environments === undefined;
  const prop = fromContext ? `context ${ENVIRONMENTS_CONTEXT}` : 'environments';
  const given = fromContext ? environmentsFromContext(scope) : props.environments;
  if (given === undefined) {
    return [{ name: '', naming, env: props.env, production: true, home: true, hostings: {} }];
  }
  if (!Array.isArray(given) || given.length === 0) {
    throw propError(scope, prop, given, 'it must be a list of at least one environment',
      'give [{ name: \'dev\', account: \'111111111111\', region: \'eu-west-1\' }, ...], or nothing for one environment (`env`)');
  }
  given.forEach((e, i) => checkEnvironment(scope, `${prop}[${i}]`, e));
  given.forEach((e, i) => {
    const first = given.findIndex((other) => other.name === e.name);
    if (first !== i) {
      throw propError(scope, `${prop}[${i}].name`, e.name, `environments[${first}] has the same name, and each environment needs its own stacks and names`,
        'give every environment its own name, such as "dev", "staging" and "prod"');
    }
  });
  const productionName = productionEnvironmentName(scope, props);
  const named = given.findIndex((e) => e.name === productionName);
  // With one environment, it keeps the seed's names whatever its name; without one named so, the last does.
  const production = given.length === 1 ? 0 : (named >= 0 ? named : given.length - 1);
  const pipelineEnv = pipelinesEnv(scope, props, given)!;
  const resolved = given.map((e, i) => ({
    name: e.name,
    given: e,
    naming: i === production ? naming : environmentNaming(scope, `${prop}[${i}].name`, naming, e.name),
    env: { account: e.account, region: e.region },
    production: i === production,
    home: false,
    hostings: e.hostings ?? {},
  }));
  // The production environment's stack when it is with the pipelines: where a one-environment platform had them.
  const withPipelines = (e: ResolvedEnvironment) => e.env!.account === pipelineEnv.account && e.env!.region === pipelineEnv.region;
  const home = withPipelines(resolved[production]) ? production : resolved.findIndex(withPipelines);
  return resolved.map((e, i) => ({ ...e, home: i === (home >= 0 ? home : production) }));
}

/**
 * Where the pipelines and the repository are: `env`; with environments and no `env`, the account of the context value
 * `ecom:pipelineAccount` (which the CLI reads too), else the first environment's, in the first environment's region.
 */
function pipelinesEnv(scope: Construct, props: EcomPlatformProps, given: PlatformEnvironment[]): Environment | undefined {
  const account = scope.node.tryGetContext(PIPELINE_ACCOUNT_CONTEXT);
  if (account !== undefined && (typeof account !== 'string' || !ACCOUNT.test(account))) {
    throw propError(scope, `context ${PIPELINE_ACCOUNT_CONTEXT}`, account, 'an AWS account ID is 12 digits, as a string', 'set it to the pipelines\' account, such as "111111111111"');
  }
  if (props.env?.account !== undefined && account !== undefined && !isToken(props.env.account) && props.env.account !== account) {
    throw propError(scope, 'env.account', props.env.account, `the context value ${PIPELINE_ACCOUNT_CONTEXT} (${account}), which the ecom-platform CLI reads, names another account for the pipelines`,
      `give both the same account, or remove ${PIPELINE_ACCOUNT_CONTEXT} from cdk.json`);
  }
  if (props.env || given.length === 0) {
    return props.env;
  }
  return { account: account ?? given[0].account, region: given[0].region };
}

/** The context value `ecom:environments`: a list, or its JSON (`-c` passes strings). */
function environmentsFromContext(scope: Construct): PlatformEnvironment[] | undefined {
  const value = scope.node.tryGetContext(ENVIRONMENTS_CONTEXT);
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    throw propError(scope, `context ${ENVIRONMENTS_CONTEXT}`, value, 'it is not JSON',
      'give a JSON list such as [{"name":"dev","account":"111111111111","region":"eu-west-1"}]');
  }
}

function productionEnvironmentName(scope: Construct, props: EcomPlatformProps): string {
  const fromContext = props.productionEnvironment === undefined;
  const value = props.productionEnvironment ?? scope.node.tryGetContext(PRODUCTION_ENVIRONMENT_CONTEXT) ?? DEFAULT_PRODUCTION_ENVIRONMENT;
  const problem = environmentNameProblem(value);
  if (problem) {
    throw propError(scope, fromContext ? `context ${PRODUCTION_ENVIRONMENT_CONTEXT}` : 'productionEnvironment', value, problem.problem, problem.fix);
  }
  return value;
}

function environmentNaming(scope: Construct, prop: string, naming: PlatformNaming, name: string): PlatformNaming {
  const problem = environmentNamingProblem(naming.projectName, naming.stackPrefix, name);
  if (problem) {
    throw propError(scope, prop, name, problem.problem, problem.fix);
  }
  return naming.forEnvironment(name);
}

/** One environment's fields, as JavaScript, Python and cdk.json may give anything. */
function checkEnvironment(scope: Construct, prop: string, e: PlatformEnvironment): void {
  checkObject(scope, prop, e, 'give { name: \'dev\', account: \'111111111111\', region: \'eu-west-1\' }');
  checkString(scope, `${prop}.name`, e.name, 'dev', { required: true });
  const problem = environmentNameProblem(e.name);
  if (problem) {
    throw propError(scope, `${prop}.name`, e.name, problem.problem, problem.fix);
  }
  checkString(scope, `${prop}.account`, e.account, '111111111111', { required: true });
  if (isToken(e.account) || !ACCOUNT.test(e.account)) {
    throw propError(scope, `${prop}.account`, e.account, 'an AWS account ID is 12 digits (a literal: the pipelines and names need it at synth)',
      'give the account ID, such as "111111111111"');
  }
  checkString(scope, `${prop}.region`, e.region, 'eu-west-1', { required: true });
  if (isToken(e.region) || !REGION.test(e.region)) {
    throw propError(scope, `${prop}.region`, e.region, 'it is not an AWS region name (a literal)', 'give a region such as "eu-west-1"');
  }
  checkBoolean(scope, `${prop}.manualApproval`, e.manualApproval);
  if (e.hostings !== undefined) {
    checkObject(scope, `${prop}.hostings`, e.hostings, 'give { \'customer-app\': { domainNames: [...], certificate } }');
    for (const [app, options] of Object.entries(e.hostings)) {
      checkObject(scope, `${prop}.hostings.${app}`, options, 'give SpaHostingOptions, such as { domainNames: [...], certificate }');
    }
  }
  if (e.backendPost !== undefined && (!Array.isArray(e.backendPost) || !e.backendPost.every((step) => step instanceof pipelines.Step))) {
    throw propError(scope, `${prop}.backendPost`, e.backendPost, 'it must be a list of pipeline steps',
      'give [new pipelines.ShellStep(\'IntegrationTests\', { commands: [...] })]');
  }
}

/** The environments together: what the platform's other props and pipelines need of them, and names that stay apart. */
function validateEnvironments(scope: Construct, props: EcomPlatformProps, environments: ResolvedEnvironment[], frontends: FrontendAppProps[],
  backendPipeline: boolean, frontendPipelines: boolean): void {
  const given = environments.filter((e) => e.given);
  const prop = props.environments === undefined ? `context ${ENVIRONMENTS_CONTEXT}` : 'environments';
  if (props.backendStageFactory !== undefined) {
    checkInstance(scope, 'backendStageFactory', props.backendStageFactory, typeof (props.backendStageFactory as any)?.createStage === 'function',
      'an IBackendStageFactory', 'give an object with a createStage(scope, id, environment, naming) method that returns a Stage');
    if (props.backendStage) {
      throw propError(scope, 'backendStageFactory', 'IBackendStageFactory', 'a `backendStage` was given too', 'give one of them: the factory with several environments');
    }
    if (given.length === 0) {
      throw propError(scope, 'backendStageFactory', 'IBackendStageFactory', 'there are no `environments` to build stages for',
        'give `environments`, or give the one stage as `backendStage`');
    }
  }
  given.forEach((e, i) => {
    for (const app of Object.keys(e.hostings)) {
      if (!frontends.some((f) => f.name === app)) {
        throw propError(scope, `${prop}[${i}].hostings`, app, 'no app of the platform has that name',
          `use the names of \`frontends\`: ${frontends.map((f) => `"${f.name}"`).join(', ')}`);
      }
    }
  });
  if (given.length < 2) {
    return;
  }
  if (props.backendStage || props.backendStackOrder) {
    throw propError(scope, props.backendStage ? 'backendStage' : 'backendStackOrder', (props.backendStage ?? props.backendStackOrder![0]).node.path,
      'with several environments each needs a backend Stage of its own',
      'give `backendStageFactory`, whose createStage(scope, id, environment, naming) builds the Stage of each environment');
  }
  const pipelinesOn = backendPipeline || frontendPipelines;
  const pipelineEnv = props.env!;
  environments.forEach((e, i) => {
    if (pipelinesOn && e.env!.region !== pipelineEnv.region) {
      throw propError(scope, `${prop}[${i}].region`, e.env!.region, `the pipelines are in ${pipelineEnv.region} and deploy to their own region only`,
        `put every environment in ${pipelineEnv.region}, or give \`env\` the region of the environments`);
    }
    if (backendPipeline && e.env!.account !== pipelineEnv.account && !props.crossAccountKeys) {
      throw propError(scope, `${prop}[${i}].account`, e.env!.account, `the backend pipeline is in account ${pipelineEnv.account}, and deploying to another account needs an artifact key that account can use`,
        `set \`crossAccountKeys: true\`, and bootstrap ${e.env!.account} with \`cdk bootstrap --trust ${pipelineEnv.account} aws://${e.env!.account}/${e.env!.region}\``);
    }
  });
  if (pipelinesOn && !environments.some((e) => e.env!.account === pipelineEnv.account && e.env!.region === pipelineEnv.region)) {
    throw propError(scope, 'env', pipelineEnv, 'no environment is in the pipelines\' account and region, where the repository and the notification topic go',
      `give \`env\` the account and region of one environment, such as "${environments[0].name}": { account: '${environments[0].env!.account}', region: '${environments[0].env!.region}' }`);
  }
  // Each app's names with an environment's longer project name (`e-com67-staging-<app>-<account>`) too.
  environments.forEach((e) => frontends.forEach((app, j) => {
    const problem = e.production ? undefined : appNameProblem(e.naming.projectName, app.name);
    if (problem) {
      throw propError(scope, `frontends[${j}].name`, app.name, `in the environment "${e.name}", ${problem.problem}`,
        `${problem.fix.replace(/, or the project name$/, '')}, or the environment name`);
    }
  }));
  checkNamesApart(scope, prop, environments, frontends, frontendPipelines);
}

/** Every name two environments could share (stacks and parameters per account, buckets everywhere, deploy projects in the pipelines' account). */
function checkNamesApart(scope: Construct, prop: string, environments: ResolvedEnvironment[], frontends: FrontendAppProps[],
  frontendPipelines: boolean): void {
  const owners = new Map<string, number>();
  environments.forEach((e, i) => {
    const where = `${e.given!.account}/${e.given!.region}`;
    const names = [
      // In every account: the stack name is also its construct ID in the app (and what `cdk deploy` selects).
      `stack ${e.naming.frontendStackName}`,
      `parameter ${where}/${e.naming.apiUrlParameterName}`,
      ...frontends.map((app) => `bucket ${e.naming.bucketName(app.name, e.given!.account)}`),
      ...(frontendPipelines ? frontends.map((app) => `CodeBuild project ${e.naming.deployProjectName(app.name)}`) : []),
    ];
    for (const name of names) {
      const other = owners.get(name);
      if (other !== undefined) {
        throw propError(scope, `${prop}[${i}].name`, e.name, `environment "${environments[other].name}" gets the same ${name.replace(/ \d{12}\/[a-z0-9-]+\//, ' ')}`,
          'give the environments names that stay apart in stack and resource names (not "qa-1" and "qa1", nor an app\'s first word)');
      }
      owners.set(name, i);
    }
  });
}

/** Warnings about the environments, on the production frontend stack (where `cdk synth` shows them). */
function warnAboutEnvironments(stack: Stack, props: EcomPlatformProps, environments: ResolvedEnvironment[]): void {
  const given = environments.filter((e) => e.given);
  if (given.length === 1 && given[0].given!.manualApproval) {
    Annotations.of(stack).addWarningV2('cdk-ecom-platform:EcomPlatform.approvalWithOneEnvironment',
      `environment "${given[0].name}" asks for a manual approval, and it is the only environment: every push waits for a person before it deploys. `
      + 'Remove `manualApproval`, or add the environments before it (such as dev and staging) that promote a commit to it');
  }
  const productionName = productionEnvironmentName(stack, props);
  if (given.length > 1 && !given.some((e) => e.name === productionName)) {
    const production = environments.find((e) => e.production)!;
    Annotations.of(stack).addWarningV2('cdk-ecom-platform:EcomPlatform.noProductionEnvironment',
      `no environment is named "${productionName}": the last, "${production.name}", keeps the seed's names (${production.naming.frontendStackName}), `
      + `the others have their name in theirs. Name the production environment "${productionName}", or set \`productionEnvironment\` to its name`);
  }
}
