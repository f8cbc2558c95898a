import { Annotations, CfnDynamicReference, CfnDynamicReferenceService, Environment, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BackendLanguage, CdkBackendPipeline } from './cdk-backend-pipeline';
import { CodeArtifactRepository } from './code-artifact-repository';
import { PlatformNaming } from './platform-naming';
import { PlatformSource } from './platform-source';
import { checkAppPath, checkRepositoryFolder, FolderRules, localPackagePaths, normalizePath } from './private/app-path';
import { BACKEND_PIPELINE_CONTEXT, FRONTEND_PIPELINES_CONTEXT } from './private/context-keys';
import { appNameProblem, chooseNaming, DEFAULT_APPS, isStackName } from './private/naming-rules';
import { createNotificationTopic, validateNotifications } from './private/pipeline-resources';
import { checkBoolean, checkEnum, checkInstance, checkObject, checkString, checkStringList } from './private/prop-types';
import { isToken, propError, validated } from './private/validation';
import { SpaHosting, SpaHostingOptions, SpaRouting } from './spa-hosting';
import { SpaPipeline, SpaPipelineOptions } from './spa-pipeline';


const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;

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
   * Account and region of every stack the platform creates; pipelines need both.
   *
   * @default - environment-agnostic stacks (direct mode only)
   */
  readonly env?: Environment;

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

  /** The topic every pipeline notifies, with `notificationEmails` and a pipeline on. */
  public readonly notificationTopic?: sns.ITopic;

  /** Name of the SSM parameter holding the API's URL. */
  public readonly apiUrlParameterName: string;

  private readonly appNames: string[];

  constructor(scope: Construct, id: string, props: EcomPlatformProps = {}) {
    super(scope, id);
    const { naming, backendPipeline, frontendPipelines, frontends } = validated(this, () => {
      validateTypes(this, props);
      const checked = {
        naming: validateNaming(this, props),
        backendPipeline: props.backendPipeline ?? contextFlag(this, BACKEND_PIPELINE_CONTEXT),
        frontendPipelines: props.frontendPipelines ?? contextFlag(this, FRONTEND_PIPELINES_CONTEXT),
        frontends: props.frontends ?? [...DEFAULT_APPS],
      };
      validate(this, scope, props, checked.frontends, checked.naming, checked.backendPipeline, checked.frontendPipelines);
      return checked;
    });
    this.naming = naming;
    this.backendPipelineEnabled = backendPipeline;
    this.frontendPipelinesEnabled = frontendPipelines;
    this.apiUrlParameterName = props.apiUrlParameterName ?? naming.apiUrlParameterName;
    this.appNames = frontends.map((f) => f.name);
    const anyPipeline = backendPipeline || frontendPipelines;

    this.frontendStack = this.createStack(scope, naming.frontendStackName, 'hosting of the single-page apps', props.env);
    this.hostings = this.createHostings(frontends, props);
    this.repository = anyPipeline ? props.source!._createRepository(this.frontendStack, naming) : undefined;
    this.notificationTopic = this.pipelineNotificationTopic(props, anyPipeline);
    if (backendPipeline) {
      this.backendPipelineStack = this.createStack(scope, naming.backendPipelineStackName, 'the backend pipeline', props.env);
      this.backendPipeline = this.createBackendPipeline(this.backendPipelineStack, props);
    } else if (props.backendStackOrder) {
      // Direct mode: `cdk deploy '<Stage>/*'` deploys in the same order the pipeline would.
      const order = props.backendStackOrder;
      for (let i = 1; i < order.length; i++) {
        order[i].addDependency(order[i - 1], `backendStackOrder of ${this.node.path}`);
      }
    }
    this.appPipelines = frontendPipelines
      ? frontends.map((app, i) => this.createAppPipeline(scope, app, this.hostings[i], props))
      : [];
    this.appPipelineStacks = this.appPipelines.map((pipeline) => Stack.of(pipeline));
  }

  /** Every stack the platform created (not the backend stage's). */
  public get stacks(): Stack[] {
    return [this.frontendStack, ...(this.backendPipelineStack ? [this.backendPipelineStack] : []), ...this.appPipelineStacks];
  }

  /**
   * The hosting of an app.
   *
   * @param name an app's name, such as "admin-dashboard"
   */
  public hosting(name: string): SpaHosting {
    return this.hostings[this.indexOf(name)];
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
  private createStack(scope: Construct, stackName: string, what: string, env: Environment | undefined): Stack {
    const existing = scope.node.tryFindChild(stackName);
    if (existing) {
      throw propError(this, 'naming', stackName, `${scope.node.path || 'the app'} already has a construct with this stack name (${existing.node.path}), such as another platform of the same naming`,
        'give each platform of the app its own `stackPrefix`, or create one platform');
    }
    return new Stack(scope, stackName, { env, stackName, description: `${this.naming.projectName}: ${what}` });
  }

  /** The hosting of every app, in the frontend stack. */
  private createHostings(frontends: FrontendAppProps[], props: EcomPlatformProps): SpaHosting[] {
    const naming = this.naming;
    // The API's URL, as CloudFormation reads it from Parameter Store when the frontend stack deploys: the same
    // value the pipelines write into config.json, so the app may call its API without a reference into the backend.
    const apiOrigin = this.frontendPipelinesEnabled && (props.apiUrlInRuntimeConfig ?? true)
      ? new CfnDynamicReference(CfnDynamicReferenceService.SSM, this.apiUrlParameterName).toString()
      : undefined;
    const hostings = frontends.map((app) => new SpaHosting(this.frontendStack, pascalCase(app.name), {
      comment: `${naming.projectName} ${app.name}`,
      ...app.hosting,
      connectSources: apiOrigin && !app.hosting?.contentSecurityPolicy
        ? [...(app.hosting?.connectSources ?? []), apiOrigin]
        : app.hosting?.connectSources,
      bucketName: naming.bucketName(app.name, this.frontendStack.account),
    }));
    // On the app's hosting: a warning outside every stack would never be shown.
    frontends.forEach((app, i) => checkAppPath(hostings[i], 'EcomPlatform', `frontends[${i}].appPath`, normalizePath(app.appPath)));
    return hostings;
  }

  /** The topic every pipeline notifies: the given one, or one created for `notificationEmails` when a pipeline is on. */
  private pipelineNotificationTopic(props: EcomPlatformProps, anyPipeline: boolean): sns.ITopic | undefined {
    if (props.notificationTopic) {
      return props.notificationTopic;
    }
    if (anyPipeline && props.notificationEmails) {
      return createTopic(this.frontendStack, props.notificationEmails);
    }
    if (props.notificationEmails && props.notificationEmails.length > 0) {
      // On the frontend stack: a warning on the platform itself, outside every stack, is never shown by `cdk synth`.
      Annotations.of(this.frontendStack).addWarningV2('cdk-ecom-platform:EcomPlatform.notificationsWithoutPipelines',
        `notificationEmails (${props.notificationEmails.join(', ')}) are about pipelines, and no pipeline is on (direct mode): `
        + `no topic is created. Turn a pipeline on (${BACKEND_PIPELINE_CONTEXT}=true or ${FRONTEND_PIPELINES_CONTEXT}=true), or remove notificationEmails`);
    }
    return undefined;
  }

  /** The backend pipeline, deploying the backend stage. */
  private createBackendPipeline(stack: Stack, props: EcomPlatformProps): CdkBackendPipeline {
    const stage = props.backendStage!;
    const pipeline = new CdkBackendPipeline(stack, 'Pipeline', {
      ...props.source!._backendSource(this.naming, this.repository),
      pipelineName: this.naming.backendPipelineName,
      appPath: props.backendAppPath,
      language: props.backendLanguage,
      codeArtifactRepository: props.backendCodeArtifactRepository,
      notificationTopic: this.notificationTopic,
    });
    pipeline.addStage(stage, { stackOrder: props.backendStackOrder ?? stacksOf(stage) });
    return pipeline;
  }

  /** An app's pipeline, in a stack of its own, deploying to the app's hosting. */
  private createAppPipeline(scope: Construct, app: FrontendAppProps, hosting: SpaHosting, props: EcomPlatformProps): SpaPipeline {
    const naming = this.naming;
    const stack = this.createStack(scope, app.pipelineStackName ?? naming.appPipelineStackName(app.name), `the pipeline of ${app.name}`, props.env);
    const apiUrl: Record<string, string> = props.apiUrlInRuntimeConfig ?? true
      ? { apiUrl: ssm.StringParameter.valueForStringParameter(stack, this.apiUrlParameterName) }
      : {};
    const runtimeConfig: Record<string, string> = { ...apiUrl, ...app.pipeline?.runtimeConfig };
    const appPath = normalizePath(app.appPath);
    return new SpaPipeline(stack, 'Pipeline', {
      ...app.pipeline,
      hosting,
      source: props.source!._spaSource(stack, naming, appPath, this.repository, localPackagePaths(this, appPath)),
      pipelineName: naming.appPipelineName(app.name),
      buildProjectName: naming.buildProjectName(app.name),
      deployProjectName: naming.deployProjectName(app.name),
      appPath: app.appPath,
      runtimeConfig: Object.keys(runtimeConfig).length > 0 ? runtimeConfig : undefined,
      notificationTopic: this.notificationTopic,
    });
  }
}

/** `admin-dashboard` -> `AdminDashboard`. */
function pascalCase(name: string): string {
  return name.split('-').map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`).join('');
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
  if (backendPipeline && !props.backendStage) {
    throw propError(scope, 'backendStage', undefined, 'the backend pipeline is on and has no stage to deploy',
      `give the Stage holding the backend's stacks, or turn the backend pipeline off (\`backendPipeline: false\`, context ${BACKEND_PIPELINE_CONTEXT}=false)`);
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
    if (env.account !== undefined && !isToken(env.account) && !/^\d{12}$/.test(env.account)) {
      throw propError(scope, 'env.account', env.account, 'an AWS account ID is 12 digits', 'give the account ID, such as "111122223333"');
    }
    if (env.region !== undefined && !isToken(env.region) && !/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(env.region)) {
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
  if (!backendPipeline || !props.env) {
    return;
  }
  for (const stack of stacks) {
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      throw propError(scope, 'backendStage', stack.node.path, 'the stack is environment-agnostic, and the backend pipeline deploys to an explicit account and region',
        'give the backend stage the platform\'s env: new BackendStage(app, \'Backend\', { env })');
    }
    if (stack.region !== props.env.region) {
      throw propError(scope, 'backendStage', `${stack.node.path} (${stack.region})`, `the backend pipeline is in ${props.env.region} and deploys to its own region only`,
        `give the backend stage the platform's region, ${props.env.region}`);
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
  return createNotificationTopic(stack, 'PipelineNotifications', key, emails);
}
