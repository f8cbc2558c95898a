import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Annotations, Arn, ArnFormat, Duration, PhysicalName, Reference, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ComputeMode, PipelineNotificationOptions, PipelineOptions } from './pipeline-options';
import { checkAppPath, checkRepositoryFolder, normalizePath } from './private/app-path';
import { acknowledgeGeneratedWildcards, artifactStoreWildcards, codeBuildWildcards, sourceBucketWildcards } from './private/nag';
import { isLowercaseWords, pascalCase } from './private/naming-rules';
import {
  ArtifactStore, BUILD_IMAGE, checkNodeVersion, checkPipelineName, createArtifactStore, createBuildLogGroup, DEFAULT_NODE_VERSION,
  notifyPipelineEvents, validateNotifications,
  pipelineMetric,
} from './private/pipeline-resources';
import { checkBoolean, checkDuration, checkEnum, checkInstance, checkList, checkObject, checkString, checkStringList, describeValue } from './private/prop-types';
import { DEFAULT_HASHED_PATTERN, ENTRY_FILE, keepsOriginalDeployment, setReleaseRouting } from './private/release-routing';
import { grantBuildEnvironment, validateBuildEnvironment } from './private/spa-build-variables';
import { checkInteger, checkWholeDays, isToken, propError, validated } from './private/validation';
import { CrossAccountDeployTarget, SpaHosting } from './spa-hosting';
import { SpaSource, SpaSourceBinding } from './spa-source';

const CONFIG_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;
/** Longest environment name of a deployment (its stage `Deploy-<Environment>`); EcomPlatform's are shorter still. */
const MAX_STAGE_ENVIRONMENT_NAME = 64;
/** An SSM parameter name: letters, digits and _ . - / (a hierarchy starts with "/"). */
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
// lib/spa-release.js from src/ (ts-node, tests) and from lib/ (the installed package) alike.
const DEPLOY_PROGRAM = path.join(__dirname, '..', 'lib', 'spa-release.js');
const PROGRAM_TARGET = '"${TMPDIR:-/tmp}/spa-release.js"';
const INSTALL_SCRIPT = path.join(__dirname, '..', 'assets', 'spa-install.sh');

/**
 * How a SpaPipeline builds and deploys an app; every option except where the app comes from and goes to and
 * the names of the pipeline's resources (`SpaPipelineProps`). `EcomPlatform` passes these through for each
 * app.
 */
export interface SpaPipelineOptions extends PipelineOptions {
  /**
   * Folder the build writes the site to, relative to `appPath`.
   *
   * @default "dist" (Vite; Create React App uses "build")
   */
  readonly outputDirectory?: string;

  /**
   * Commands that install dependencies, run in `appPath`. The default installs the dependencies of the app's
   * local `file:` and `link:` packages (a monorepo's shared package) before the app's own `npm ci`, or runs
   * one `npm ci` at the root of an npm workspace the app belongs to; keep that with custom commands by
   * starting them with `SpaPipeline.defaultInstallCommands()`.
   *
   * @default SpaPipeline.defaultInstallCommands()
   */
  readonly installCommands?: string[];

  /**
   * Commands that test the app after installing and before building; a failing command stops the pipeline.
   *
   * @default - no tests
   */
  readonly testCommands?: string[];

  /**
   * Commands that build the app into `outputDirectory`, run in `appPath`.
   *
   * @default ["npm run build"]
   */
  readonly buildCommands?: string[];

  /**
   * Node.js major version of the build (`runtime-versions`). Only "22" is offered by the build image and not
   * past its end of life.
   *
   * @default "22"
   */
  readonly nodeVersion?: string;

  /**
   * Plaintext environment variables of the build. Names that look secret (a last word such as `TOKEN`, `KEY`,
   * `SK`, `PASS`, `AUTH`; `SECRET`, `PASSWORD` or `PRIVATE` anywhere) and values in a known secret format
   * (`sk_live_...`, `ghp_...`) are refused: use `parameterStoreVariables` or `secretsManagerVariables`. A key
   * public by design is accepted when its name says so (`VITE_STRIPE_PUBLISHABLE_KEY`). Names the shell,
   * CodeBuild or the AWS CLI own (`PATH`, `HOME`, `CODEBUILD_*`, `AWS_REGION`...) are refused. Values that
   * differ between environments belong in `runtimeConfig`, so one build serves every stage.
   *
   * @default - none
   */
  readonly buildVariables?: Record<string, string>;

  /**
   * Environment variables of the build read from SSM Parameter Store: name -> parameter name (`/e-com67/sentry-dsn`,
   * optionally `:version` or `:label`) or ARN. The build may read exactly these parameters; a name with a wildcard
   * is refused (see `parameterPaths`).
   *
   * @default - none
   */
  readonly parameterStoreVariables?: Record<string, string>;

  /**
   * Environment variables of the build read from Secrets Manager: name -> `secret-id:json-key:version-stage:version-id`
   * (trailing parts optional), the secret-id a name, a partial or complete ARN, or a token standing for a complete
   * ARN (`secret.secretArn`). The build may read exactly these secrets (a name or partial ARN is granted with
   * the 6-character suffix Secrets Manager adds); a wildcard is refused (see `secretNamePrefixes`).
   *
   * @default - none
   */
  readonly secretsManagerVariables?: Record<string, string>;

  /**
   * Secrets Manager name prefixes the build may read besides `secretsManagerVariables`, for build commands that
   * read secrets themselves (`aws secretsmanager get-secret-value`). Each is whole path components ending with
   * "/" (`e-com67/admin/`), granted as `secretsmanager:GetSecretValue` on the secrets whose names start with it.
   * The only way to give the build a wildcard secret grant.
   *
   * @default - the build reads only the secrets of `secretsManagerVariables`
   */
  readonly secretNamePrefixes?: string[];

  /**
   * SSM Parameter Store paths the build may read besides `parameterStoreVariables`, for build commands that
   * read parameters themselves (`aws ssm get-parameters-by-path`). Each ends with "/" (`/e-com67/admin/`),
   * granted as `ssm:GetParameter`, `ssm:GetParameters` and `ssm:GetParametersByPath` on the path and the
   * parameters under it. The only way to give the build a wildcard parameter grant.
   *
   * @default - the build reads only the parameters of `parameterStoreVariables`
   */
  readonly parameterPaths?: string[];

  /**
   * JavaScript regular expression (the source, without slashes or flags) on a file's path in the build output,
   * without a leading slash, that marks it content-hashed. Hashed files are shared by every release, uploaded
   * once and cached for a year; the hosting's routing function embeds the same pattern and never rewrites
   * their paths. CloudFront Functions' regular expressions are ES 5.1 with named groups: no lookbehind.
   *
   * @default - what Vite (`assets/name-<hash>.js`) and Create React App (`static/js/main.<hash>.js`) emit
   */
  readonly hashedAssetPattern?: string;

  /**
   * Values written to the runtime config file at deploy time, such as the API's URL. Values may be tokens
   * (`api.url`): they are resolved by CloudFormation, not baked into the build.
   *
   * @default - no runtime config file is written
   */
  readonly runtimeConfig?: Record<string, string>;

  /**
   * Path of the runtime config file in the site.
   *
   * @default "config.json"
   */
  readonly runtimeConfigPath?: string;

  /**
   * How many of the newest releases stay complete in the bucket besides the live, previous and pinned ones,
   * with every hashed file they use; older releases' files are deleted after a successful deploy. From 1 to 100.
   *
   * @default 10
   */
  readonly keepReleases?: number;

  /**
   * Shell commands run by the deploy after the built-in smoke check (the entry page and every script and
   * stylesheet it references answer 200 with a plausible Content-Type) and before the release goes live; a
   * failing command leaves the previous release live and fails the deploy. Each gets `SPA_RELEASE_URL`,
   * `SPA_RELEASE_ID`, `SPA_RELEASE_HEADER_NAME`, `SPA_RELEASE_TOKEN_HEADER_NAME` and `SPA_RELEASE_TOKEN`: send
   * the two headers to open the release through the real distribution before it is live. They run in the deploy
   * project, with the build output as working directory and the deploy role's permissions.
   *
   * @default - the built-in smoke check only
   */
  readonly smokeCheckCommands?: string[];

  /**
   * CloudWatch alarms (the app's error rate, say) watched for `rollbackWindow` after the release goes live:
   * if one goes into ALARM, the deploy makes the previous release live again (one KeyValueStore write) and
   * fails. The deploy role may describe exactly these alarms. Alarms of the pipeline's region.
   *
   * @default - no automatic rollback
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * How long the deploy watches `rollbackAlarms` after going live. Whole seconds from 1 minute to 1 hour; with the
   * deploy on Lambda compute, it and twice `propagationTimeout` at most 12 minutes together (a Lambda build ends
   * after 15, and the upload, the smoke check and a rollback need the rest): at most 8 minutes with the default
   * `propagationTimeout`.
   *
   * @default Duration.minutes(5), with `rollbackAlarms`
   */
  readonly rollbackWindow?: Duration;

  /**
   * How long the deploy waits for the distribution to serve a release: the pinned one before the smoke check,
   * and the live one after the switch (it reports how long that took). KeyValueStore changes reach the edges in
   * seconds; past this bound the deploy fails, with the new release live in the store but not served. Whole
   * seconds from 1 second to 30 minutes.
   *
   * @default Duration.minutes(2)
   */
  readonly propagationTimeout?: Duration;

  /**
   * Where the deploy project runs. The deploy only runs `node` and talks to AWS, which Lambda compute does
   * with a lower start-up latency and no queue.
   *
   * @default ComputeMode.LAMBDA
   */
  readonly deployCompute?: ComputeMode;

  /**
   * Where the build project runs. Lambda compute starts faster, but has no build cache (npm downloads every
   * package on every build), ends a build after 15 minutes, and runs no Docker.
   *
   * @default ComputeMode.EC2
   */
  readonly buildCompute?: ComputeMode;

  /**
   * Serve the build's source maps (`*.map`) to viewers. By default they are not uploaded, so the original
   * source stays private while the bundles still load (a `sourceMappingURL` comment then answers 404); upload
   * them to your error tracker in `buildCommands`.
   *
   * @default false
   */
  readonly serveSourceMaps?: boolean;

  /**
   * Build the app once per environment instead of once per commit: no shared `Build` stage; each deploy stage runs
   * (after its approval, when asked) a build of the build project with its own output, then deploys that output. Each
   * build gets the environment variable `SPA_ENVIRONMENT` (the environment's name, such as "staging"), so
   * `npm run build -- --mode "$SPA_ENVIRONMENT"` reads Vite's `.env.staging`. For apps that bake values in at build
   * time (`VITE_*`); prod then runs a build that staging never tested (same commit, different bytes): prefer
   * `runtimeConfig`, which one build serves to every environment. Needs an `environmentName` on the first deployment.
   *
   * @default false (one build, deployed to every environment)
   */
  readonly buildPerEnvironment?: boolean;
}

/**
 * Properties of a SpaPipeline: its options, the hosting it deploys to, its source and its names.
 */
export interface SpaPipelineProps extends SpaPipelineOptions, PipelineNotificationOptions {
  /** The hosting the app is deployed to. */
  readonly hosting: SpaHosting;

  /** Where the app's source comes from. */
  readonly source: SpaSource;

  /**
   * Name of the pipeline (E-Com67: `e-com67-admin-dashboard-pipeline`).
   *
   * @default - a name generated by CloudFormation
   */
  readonly pipelineName?: string;

  /**
   * Name of the CodeBuild project that builds the app (E-Com67: `e-com67-admin-dashboard-build`).
   *
   * @default - a name generated by CloudFormation
   */
  readonly buildProjectName?: string;

  /**
   * Name of the CodeBuild project that deploys the app.
   *
   * @default - a name generated by CloudFormation
   */
  readonly deployProjectName?: string;

  /**
   * The environment of the first deployment (to `hosting`), such as "dev": its stage is then `Deploy-<Environment>`
   * (`Deploy-Dev`) instead of `Deploy`. Lowercase words joined by hyphens.
   *
   * @default - the stage is `Deploy`
   */
  readonly environmentName?: string;

  /**
   * Ask for a manual approval before the first deployment (an approval action before the deploy action, in its stage).
   *
   * @default false
   */
  readonly manualApproval?: boolean;

  /**
   * Runtime config values read from SSM Parameter Store at deploy time by the first deployment: config key -> parameter
   * name (`{ apiUrl: '/e-com67-dev/api-url' }`), in the hosting's account and region. The deploy may read exactly
   * these parameters. A key also in `runtimeConfig` takes the value of `runtimeConfig`.
   *
   * @default - none
   */
  readonly runtimeConfigParameters?: Record<string, string>;

  /**
   * Folder of the app inside the repository, for a monorepo (`frontend/admin`). Relative, without `..`.
   * When `cdk synth` runs in a checkout of the repository (the folder holds `cdk.json`), a folder that is
   * missing or has no `package.json` gives a warning; the repository root is that folder unless the context
   * value `ecom:repositoryRoot` names another (relative to it, such as "..").
   *
   * @default "." (the repository root)
   */
  readonly appPath?: string;
}

/**
 * Another deployment of a SpaPipeline's build (`SpaPipeline.addDeployment`): an environment's hosting, deployed in a
 * stage of its own after the previous deployment, with the same build artifact. The other deploy settings (smoke check
 * commands, rollback alarms, `keepReleases`, waits, compute) are the pipeline's.
 */
export interface SpaDeploymentOptions {
  /**
   * The environment's name, such as "staging": the stage is `Deploy-<Environment>` (`Deploy-Staging`). Lowercase words
   * joined by hyphens, once per pipeline.
   */
  readonly environmentName: string;

  /**
   * The hosting to deploy to, in the pipeline's region. In the pipeline's account, the deploy project is granted
   * `grantDeploy()`; in another account (both stacks with a literal `env`), the hosting gets a deploy role only this
   * deployment's project may assume (`SpaHosting.addCrossAccountDeployRole`), which needs a literal `bucketName`.
   */
  readonly hosting: SpaHosting;

  /**
   * Name of this deployment's CodeBuild project (E-Com67: `e-com67-staging-admin-dashboard-deploy`).
   *
   * @default - a name generated by CloudFormation
   */
  readonly deployProjectName?: string;

  /**
   * Ask for a manual approval before this deployment (an approval action before the deploy action, in its stage).
   *
   * @default false
   */
  readonly manualApproval?: boolean;

  /**
   * Values written to the runtime config file (the pipeline's `runtimeConfigPath`) by this deployment. For a hosting
   * in another account, values from that account's stacks can't be referenced: use `runtimeConfigParameters`.
   *
   * @default - none (the pipeline's `runtimeConfig` is the first deployment's only)
   */
  readonly runtimeConfig?: Record<string, string>;

  /**
   * Runtime config values read from SSM Parameter Store at deploy time: config key -> parameter name
   * (`{ apiUrl: '/e-com67/api-url' }`), in the hosting's account and region. The deploy may read exactly these
   * parameters. A key also in `runtimeConfig` takes the value of `runtimeConfig`.
   *
   * @default - none
   */
  readonly runtimeConfigParameters?: Record<string, string>;
}

/** One deployment of the build, as the pipeline creates it (the first from its props, the others from addDeployment). */
interface Deployment {
  readonly environmentName?: string;
  readonly hosting: SpaHosting;
  readonly deployProjectName?: string;
  readonly manualApproval?: boolean;
  readonly runtimeConfig?: Record<string, string>;
  readonly runtimeConfigParameters?: Record<string, string>;
}

/**
 * A CodePipeline (V2) that builds a single-page app once and deploys each build to a `SpaHosting` as a release:
 * hashed assets uploaded once and shared, the other files under the release's own prefix, a smoke check through
 * the real distribution before the release goes live with one KeyValueStore write (no invalidation), an optional
 * rollback on a CloudWatch alarm, and the last releases kept for open tabs and rollbacks.
 *
 * @example
 * new SpaPipeline(this, 'AdminPipeline', {
 *   hosting: admin,
 *   source: SpaSource.codeCommit(repo, 'master'),
 *   appPath: 'frontend/admin-dashboard',
 *   runtimeConfig: { apiUrl: api.url },
 * });
 */
export class SpaPipeline extends Construct {
  /**
   * The commands the deploy project runs, in order: download the deploy program (`lib/spa-release.js`, shipped
   * with this library and uploaded as a file asset) from the S3 URL in `SPA_PROGRAM_URL`, and run it with
   * `node` in the build output. The program reads the other `SPA_*` variables (see docs/spa-pipeline.md).
   */
  public static deployCommands(): string[] {
    return [`aws s3 cp --no-progress "$SPA_PROGRAM_URL" ${PROGRAM_TARGET}`, `node ${PROGRAM_TARGET} deploy`];
  }

  /**
   * The default install commands, run in the app's folder: the dependencies of the app's local `file:` and
   * `link:` packages first (a monorepo's shared package), then `npm ci`. The script ships with this library
   * (`assets/spa-install.sh`) and is embedded in the buildspec. Put them before your own commands to keep
   * local packages working with custom `installCommands`.
   */
  public static defaultInstallCommands(): string[] {
    return embeddedScript(INSTALL_SCRIPT);
  }

  /** The pipeline. */
  public readonly pipeline: codepipeline.Pipeline;

  /** The project that installs, tests and builds the app. */
  public readonly buildProject: codebuild.PipelineProject;

  /**
   * The project that deploys the build to `hosting` (the first deployment); its role can do what `grantDeploy`
   * allows, read the deploy program and describe the `rollbackAlarms`. Each `addDeployment` has its own (`deployProjects`).
   */
  public readonly deployProject: codebuild.PipelineProject;

  /** The deploy project of every deployment, in order: `deployProject`, then one per `addDeployment`. */
  public readonly deployProjects: codebuild.PipelineProject[] = [];

  /** The deploy program (`lib/spa-release.js`) as a file asset the deploy project downloads. */
  public readonly deployProgram: s3assets.Asset;

  /** The artifact bucket. */
  public readonly artifactBucket: s3.IBucket;

  /** The key encrypting artifacts, build caches, the projects' log groups and the created notification topic. */
  public readonly artifactKey: kms.IKey;

  /** The bucket receiving the artifact bucket's S3 access logs. */
  public readonly accessLogBucket: s3.IBucket;

  /** The notification topic, when notifications are on. */
  public readonly notificationTopic?: sns.ITopic;

  /** The build project's log group. */
  public readonly buildLogGroup: logs.ILogGroup;

  /** The deploy projects' log group (every deployment's). */
  public readonly deployLogGroup: logs.ILogGroup;

  private readonly props: SpaPipelineProps;
  private readonly store: ArtifactStore;
  private readonly hashedPattern: string;
  private readonly buildOutput = new codepipeline.Artifact('Site');
  private readonly sourceOutput = new codepipeline.Artifact('Source');
  private readonly sourceVersion?: string;
  private readonly deployments: Deployment[] = [];

  constructor(scope: Construct, id: string, props: SpaPipelineProps) {
    super(scope, id);
    const sourceOutput = this.sourceOutput;
    const sourceBinding = validated(this, () => {
      // From JavaScript or Python, props may be missing altogether: the error names `hosting`, not a TypeError.
      validate(this, props ?? ({} as SpaPipelineProps));
      return props.source.bind(this, sourceOutput);
    });
    this.props = props;
    this.sourceVersion = sourceBinding.sourceVersion;
    const first: Deployment = {
      environmentName: props.environmentName,
      hosting: props.hosting,
      deployProjectName: props.deployProjectName,
      manualApproval: props.manualApproval,
      runtimeConfig: props.runtimeConfig,
      runtimeConfigParameters: props.runtimeConfigParameters,
    };
    this.deployments.push(first);
    PIPELINES.set(props.hosting, this);
    if ((props as { invalidationTimeout?: unknown }).invalidationTimeout !== undefined) {
      // TypeScript and Python refuse the removed prop; JavaScript would drop it without a word.
      Annotations.of(this).addWarningV2('cdk-ecom-platform:SpaPipeline.invalidationTimeoutRemoved', '`invalidationTimeout` was removed: a deploy '
        + 'switches releases with one KeyValueStore write and creates no invalidation. The wait for the new release to be served is '
        + '`propagationTimeout`. Remove `invalidationTimeout`.');
    }
    // The hosting's routing function embeds the pattern the deploy program classifies files with: one value.
    const hashedPattern = props.hashedAssetPattern ?? DEFAULT_HASHED_PATTERN;
    this.hashedPattern = hashedPattern;
    setReleaseRouting(props.hosting, { hashedPattern });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const appPath = normalizePath(props.appPath ?? '.');
    checkAppPath(this, 'SpaPipeline', 'appPath', appPath);
    const outputDirectory = normalizePath(props.outputDirectory ?? 'dist');

    const store = createArtifactStore(this, { artifactRetention: props.artifactRetention ?? Duration.days(30), removalPolicy });
    this.store = store;
    this.artifactBucket = store.bucket;
    this.artifactKey = store.key;
    this.accessLogBucket = store.logBucket;

    this.buildLogGroup = createBuildLogGroup(this, 'BuildLogs', logRetention, removalPolicy, store.key);
    this.buildProject = this.createBuildProject(props, store, appPath, outputDirectory);
    this.deployProgram = deployProgramAsset(this);
    const environmentWildcards = grantBuildEnvironment(this.buildProject, props);

    this.deployLogGroup = createBuildLogGroup(this, 'DeployLogs', logRetention, removalPolicy, store.key);
    // `Deploy` unless a named first deployment gives way to the one EcomPlatform marks (its production environment's).
    const original = first.environmentName === undefined || keepsOriginalDeployment(first.hosting);
    this.deployProject = this.createDeployment(original ? 'Deploy' : stageName(first.environmentName), first);
    this.deployProjects.push(this.deployProject);

    this.pipeline = this.createPipeline(props, store.bucket, sourceBinding, sourceOutput, this.deployStage(first, this.deployProject));

    this.notificationTopic = notifyPipelineEvents(this, this.pipeline, {
      topic: props.notificationTopic,
      emails: props.notificationEmails,
      key: store.key,
    });

    acknowledgeGeneratedWildcards(this, () => [
      ...artifactStoreWildcards(store),
      ...(sourceBinding.sourceBucket ? sourceBucketWildcards(this, sourceBinding.sourceBucket) : []),
      ...codeBuildWildcards(this.buildProject),
      ...codeBuildWildcards(this.deployProject),
      ...environmentWildcards,
    ]);
  }
  /** Failed executions of the pipeline (`AWS/CodePipeline` `FailedPipelineExecutions`, sum over 5 minutes). */
  public metricFailedExecutions(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return pipelineMetric(this.pipeline, 'FailedPipelineExecutions', cloudwatch.Stats.SUM, props);
  }

  /**
   * Seconds each completed execution took (`AWS/CodePipeline` `PipelineDuration`, average over 5 minutes); its
   * sample count is the number of completed executions.
   */
  public metricExecutionDuration(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return pipelineMetric(this.pipeline, 'PipelineDuration', cloudwatch.Stats.AVERAGE, props);
  }


  /**
   * Deploys the same build to another environment's hosting: a stage `Deploy-<Environment>` after the last deploy
   * stage, with a manual approval first when asked, and a deploy project of its own (its own role, allowed to deploy
   * to this hosting only; the pipeline's deploy program and log group). A hosting in another account is deployed
   * through a deploy role in its stack (`SpaHosting.addCrossAccountDeployRole`).
   *
   * @returns the deployment's deploy project (also in `deployProjects`)
   */
  public addDeployment(options: SpaDeploymentOptions): codebuild.PipelineProject {
    validateDeployment(this, options, this.props, this.deployments);
    const deployment: Deployment = { ...options };
    this.deployments.push(deployment);
    PIPELINES.set(options.hosting, this);
    setReleaseRouting(options.hosting, { hashedPattern: this.hashedPattern });
    const project = this.createDeployment(keepsOriginalDeployment(options.hosting) ? 'Deploy' : stageName(deployment.environmentName), deployment);
    this.pipeline.addStage(this.deployStage(deployment, project));
    // After the stage: binding the action grants the project the artifact bucket.
    acknowledgeGeneratedWildcards(this, () => [...artifactStoreWildcards(this.store), ...codeBuildWildcards(project),
      ...(this.props.buildPerEnvironment ? codeBuildWildcards(this.buildProject) : [])]);
    this.deployProjects.push(project);
    return project;
  }

  /**
   * The project that installs, tests and builds the app; on EC2 with npm's download cache in the artifact
   * bucket (Lambda compute has no build cache).
   */
  private createBuildProject(props: SpaPipelineProps, store: ArtifactStore, appPath: string, outputDirectory: string)
    : codebuild.PipelineProject {
    const lambda = (props.buildCompute ?? ComputeMode.EC2) === ComputeMode.LAMBDA;
    return new codebuild.PipelineProject(this, 'Build', {
      projectName: props.buildProjectName,
      description: `Builds the single-page app of ${this.node.path}`,
      environment: environmentOf(lambda),
      encryptionKey: store.key,
      // npm's download cache (not node_modules, which `npm ci` deletes) survives between builds.
      cache: lambda ? undefined : codebuild.Cache.bucket(store.bucket, { prefix: 'build-cache/build' }),
      logging: { cloudWatch: { logGroup: this.buildLogGroup } },
      buildSpec: codebuild.BuildSpec.fromObject(buildSpec(props, appPath, outputDirectory, lambda)),
    });
  }

  /**
   * The project that downloads the deploy program of this library and runs it on the build output, allowed to deploy
   * to the deployment's hosting: directly in the pipeline's account, or through the hosting's cross-account deploy
   * role (the project's role then has a generated name, which the role's trust policy names).
   */
  private createDeployment(id: string, deployment: Deployment): codebuild.PipelineProject {
    const props = this.props;
    const lambda = (props.deployCompute ?? ComputeMode.LAMBDA) === ComputeMode.LAMBDA;
    const waits = deployWaits(props);
    const install = lambda ? {} : { install: { 'runtime-versions': { nodejs: DEFAULT_NODE_VERSION } } };
    const parameterNames = Object.values(deployment.runtimeConfigParameters ?? {});
    const alarms = props.rollbackAlarms ?? [];
    let role: iam.Role | undefined;
    let target: CrossAccountDeployTarget | undefined;
    if (isCrossAccount(this, deployment.hosting)) {
      role = new iam.Role(this, `${id}Role`, { roleName: PhysicalName.GENERATE_IF_NEEDED, assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
      target = deployment.hosting.addCrossAccountDeployRole({ deployer: role, parameterNames, alarmNames: alarms.map((alarm) => alarm.alarmName) });
    }
    const project = new codebuild.PipelineProject(this, id, {
      projectName: deployment.deployProjectName,
      description: `Deploys the single-page app of ${this.node.path} to ${deployment.hosting.node.path}`,
      role,
      environment: environmentOf(lambda),
      encryptionKey: this.store.key,
      // Lambda compute ends every build after 15 minutes and takes no timeout (the waits are bounded to fit it).
      // On EC2: room for the upload and the smoke check, plus the longest waits the program may do.
      timeout: lambda ? undefined : Duration.minutes(30 + Math.ceil(waits.total / 60)),
      logging: { cloudWatch: { logGroup: this.deployLogGroup } },
      environmentVariables: deployVariables(this, props, deployment, this.deployProgram, this.hashedPattern, target),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: { ...install, build: { commands: SpaPipeline.deployCommands() } },
      }),
    });
    if (!target) {
      deployment.hosting.grantDeploy(project);
    }
    // The one object of the deploy program, not the asset bucket's wildcard that `Asset.grantRead` gives.
    const program = this.deployProgram;
    project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [Stack.of(this).formatArn({
        service: 's3', region: '', account: '', resource: program.s3BucketName, resourceName: program.s3ObjectKey,
      })],
    }));
    if (target) {
      // Everything else (the bucket, the store, the parameters, the alarms) through the hosting's deploy role.
      project.addToRolePolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [target.role.roleArn] }));
      return project;
    }
    if (alarms.length > 0) {
      project.addToRolePolicy(new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: alarms.map((alarm) => alarm.alarmArn),
      }));
    }
    if (parameterNames.length > 0) {
      project.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: parameterNames.map((name) => Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') })),
      }));
    }
    return project;
  }

  /**
   * A deployment's stage: its deploy action, after a manual approval when asked; with `buildPerEnvironment`, after
   * (the approval and) a build of its own, whose output it deploys.
   */
  private deployStage(deployment: Deployment, project: codebuild.IProject): codepipeline.StageProps {
    const approval = deployment.manualApproval ?? false;
    const build = this.props.buildPerEnvironment ? this.environmentBuild(deployment, approval ? 2 : 1) : undefined;
    const deploy = new actions.CodeBuildAction({
      actionName: 'Deploy',
      project,
      input: build?.actionProperties.outputs![0] ?? this.buildOutput,
      environmentVariables: this.sourceVersion ? { SPA_SOURCE_VERSION: { value: this.sourceVersion } } : undefined,
      runOrder: build ? build.actionProperties.runOrder! + 1 : approval ? 2 : undefined,
    });
    const deploying = build ? [build, deploy] : [deploy];
    if (!approval) {
      return { stageName: stageName(deployment.environmentName), actions: deploying };
    }
    const approve = new actions.ManualApprovalAction({
      actionName: 'Approve',
      runOrder: 1,
      additionalInformation: `Deploy this build to ${deployment.environmentName ?? deployment.hosting.node.path}`,
    });
    return { stageName: stageName(deployment.environmentName), actions: [approve, ...deploying] };
  }

  /**
   * With `buildPerEnvironment`: the build of one environment, by the pipeline's build project, from the source, into
   * an artifact of its own (`Site<Environment>`). Its one action-level variable is the environment's name, which
   * is validated and not secret.
   */
  private environmentBuild(deployment: Deployment, runOrder: number): actions.CodeBuildAction {
    const environmentName = deployment.environmentName!;
    return new actions.CodeBuildAction({
      actionName: 'Build',
      project: this.buildProject,
      input: this.sourceOutput,
      outputs: [new codepipeline.Artifact(`Site${pascalCase(environmentName)}`)],
      environmentVariables: { SPA_ENVIRONMENT: { value: environmentName } },
      runOrder,
    });
  }

  /** Source, Build (unless each environment builds its own) and the first deployment, one execution at a time. */
  private createPipeline(props: SpaPipelineProps, artifactBucket: s3.IBucket, source: SpaSourceBinding, sourceOutput: codepipeline.Artifact,
    deployStage: codepipeline.StageProps): codepipeline.Pipeline {
    return new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: props.executionMode ?? codepipeline.ExecutionMode.QUEUED,
      artifactBucket,
      restartExecutionOnUpdate: false,
      triggers: source.trigger ? [source.trigger] : undefined,
      stages: [
        { stageName: 'Source', actions: [source.action] },
        ...(props.buildPerEnvironment ? [] : [{
          stageName: 'Build',
          actions: [new actions.CodeBuildAction({ actionName: 'Build', project: this.buildProject, input: sourceOutput, outputs: [this.buildOutput] })],
        }]),
        deployStage,
      ],
    });
  }
}

/** Commands that write a script of `assets/` (gzipped, base64) to a temporary file and run it with bash. */
function embeddedScript(file: string): string[] {
  const embedded = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).toString('base64');
  const target = `"\${TMPDIR:-/tmp}/${path.basename(file)}"`;
  return [`echo "${embedded}" | base64 -d | gunzip > ${target}`, `bash ${target}`];
}

/** A project's image and size: Node.js 22 on Lambda compute (1 GB), or the standard EC2 image, small. */
function environmentOf(lambda: boolean): codebuild.BuildEnvironment {
  return lambda
    ? { buildImage: codebuild.LinuxLambdaBuildImage.AMAZON_LINUX_2023_NODE_22, computeType: codebuild.ComputeType.LAMBDA_1GB }
    : { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL };
}

/** The deploy program as a file asset; a clear error when the package was built without it. */
function deployProgramAsset(scope: Construct): s3assets.Asset {
  if (!fs.existsSync(DEPLOY_PROGRAM)) {
    throw new Error(`${scope.node.path}: the deploy program ${DEPLOY_PROGRAM} is missing, so the deploy project would have nothing to run. `
      + 'Fix: in a checkout of cdk-ecom-platform, build it with `npx projen bundle:release` (or `npx projen compile`); '
      + 'an installed package ships it, so reinstall cdk-ecom-platform');
  }
  return new s3assets.Asset(scope, 'DeployProgram', { path: DEPLOY_PROGRAM });
}

/**
 * The program's bounded waits in seconds: the propagation bound, the alarm watch (0 without alarms), and the most
 * they take before the last switch: the program waits up to the propagation bound twice before the watch ends (for
 * the pinned release to answer before the smoke check, and for the live one after the switch).
 */
function deployWaits(props: SpaPipelineProps): { propagation: number; rollbackWindow: number; total: number } {
  const watching = (props.rollbackAlarms ?? []).length > 0;
  const propagation = (props.propagationTimeout ?? DEFAULT_PROPAGATION_TIMEOUT).toSeconds();
  const rollbackWindow = watching ? (props.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW).toSeconds() : 0;
  return { propagation, rollbackWindow, total: 2 * propagation + rollbackWindow };
}

// KeyValueStore changes reach the edges in seconds; past this bound the deploy fails.
const DEFAULT_PROPAGATION_TIMEOUT = Duration.minutes(2);
const DEFAULT_ROLLBACK_WINDOW = Duration.minutes(5);
/** A Lambda build ends after 15 minutes; the upload, smoke check and pruning get at least 3 of them. */
const LAMBDA_WAIT_BUDGET_SECONDS = 12 * 60;

function buildSpec(props: SpaPipelineProps, appPath: string, outputDirectory: string, lambda: boolean) {
  const cd = `cd "$CODEBUILD_SRC_DIR/${appPath}"`;
  const env: Record<string, unknown> = { shell: 'bash' };
  if (props.buildVariables) env.variables = props.buildVariables;
  if (props.parameterStoreVariables) env['parameter-store'] = props.parameterStoreVariables;
  if (props.secretsManagerVariables) env['secrets-manager'] = props.secretsManagerVariables;
  const commands = [cd, ...(props.installCommands ?? SpaPipeline.defaultInstallCommands())];
  // The Lambda image is Node.js 22 itself; runtime-versions is for the EC2 image's several runtimes.
  const phases: Record<string, unknown> = {
    install: lambda ? { commands } : { 'runtime-versions': { nodejs: props.nodeVersion ?? DEFAULT_NODE_VERSION }, commands },
  };
  if (props.testCommands && props.testCommands.length > 0) {
    phases.pre_build = { commands: [cd, ...props.testCommands] };
  }
  phases.build = { commands: [cd, ...(props.buildCommands ?? ['npm run build'])] };
  return {
    version: '0.2',
    env,
    phases,
    artifacts: { 'base-directory': path.posix.join(appPath, outputDirectory), 'files': ['**/*'] },
    ...(lambda ? {} : { cache: { paths: ['/root/.npm/**/*'] } }),
  };
}

/**
 * The deploy program's environment (its contract: src/release/README.md and docs/spa-pipeline.md). A hosting in
 * another account is named by its literal bucket name, its deploy role and its deploy target parameter (which holds
 * the store's ARN and the site's URL, generated in that account).
 */
function deployVariables(scope: Construct, props: SpaPipelineProps, deployment: Deployment, program: s3assets.Asset, hashedPattern: string,
  target: CrossAccountDeployTarget | undefined): Record<string, codebuild.BuildEnvironmentVariable> {
  const stack = Stack.of(scope);
  const { propagation, rollbackWindow } = deployWaits(props);
  const hosting = deployment.hosting;
  const where: Record<string, string> = target
    ? { SPA_BUCKET: target.bucketName, SPA_ROLE_ARN: target.role.roleArn, SPA_TARGET_PARAMETER: target.targetParameterName }
    : {
      SPA_BUCKET: hosting.bucket.bucketName,
      SPA_KVS_ARN: keyValueStoreOf(hosting).keyValueStoreArn,
      // The smoke check and the propagation wait go through the real distribution, not a custom domain's DNS.
      SPA_SITE_URL: `https://${hosting.distribution.distributionDomainName}`,
    };
  const vars: Record<string, string> = {
    SPA_PROGRAM_URL: program.s3ObjectUrl,
    ...where,
    SPA_SOURCE_DIR: '.',
    SPA_HASHED_PATTERN: hashedPattern,
    SPA_KEEP_RELEASES: String(props.keepReleases ?? 10),
    SPA_SOURCE_MAPS: props.serveSourceMaps ? 'public' : 'private',
    SPA_PROPAGATION_TIMEOUT_SECONDS: String(propagation),
  };
  if (deployment.runtimeConfig) {
    vars.SPA_RUNTIME_CONFIG = stack.toJsonString(deployment.runtimeConfig);
  }
  if (deployment.runtimeConfig || deployment.runtimeConfigParameters) {
    vars.SPA_RUNTIME_CONFIG_PATH = props.runtimeConfigPath ?? 'config.json';
  }
  if (deployment.runtimeConfigParameters) {
    vars.SPA_RUNTIME_CONFIG_PARAMETERS = JSON.stringify(deployment.runtimeConfigParameters);
  }
  if (props.smokeCheckCommands) {
    vars.SPA_SMOKE_COMMANDS = stack.toJsonString(props.smokeCheckCommands);
  }
  const alarms = props.rollbackAlarms ?? [];
  if (alarms.length > 0) {
    vars.SPA_ROLLBACK_ALARMS = stack.toJsonString(alarms.map((alarm) => alarm.alarmName));
    vars.SPA_ROLLBACK_WINDOW_SECONDS = String(rollbackWindow);
  }
  return Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { value }]));
}

/** The hosting's KeyValueStore, which its routing function reads the live release from (checked in validateTargets). */
function keyValueStoreOf(hosting: SpaHosting): cloudfront.IKeyValueStore {
  if (hosting.keyValueStore === undefined) {
    throw propError(hosting, 'spaRouting', undefined, 'this hosting has no release store (`keyValueStore`), which SpaPipeline deploys releases to',
      'create the hosting with `spaRouting: SpaRouting.REWRITE_FUNCTION` (the default)');
  }
  return hosting.keyValueStore;
}

function validate(scope: Construct, props: SpaPipelineProps): void {
  validateTargets(scope, props);
  validateTypes(scope, props);
  checkPipelineName(scope, props.pipelineName, 'e-com67-admin-dashboard-pipeline');
  for (const prop of ['buildProjectName', 'deployProjectName'] as const) {
    const name = props[prop];
    if (name !== undefined && !isToken(name) && !PROJECT_NAME.test(name)) {
      throw propError(scope, prop, name, 'CodeBuild project names are 2-255 letters, digits, _ and -, starting with a letter or digit',
        'use a name such as "e-com67-admin-dashboard-build"');
    }
  }
  if (props.buildProjectName !== undefined && props.buildProjectName === props.deployProjectName) {
    throw propError(scope, 'deployProjectName', props.deployProjectName, 'it is the same as `buildProjectName`', 'give the two projects different names');
  }
  checkRepositoryFolder(scope, 'appPath', props.appPath ?? '.', { example: 'frontend/admin-dashboard' });
  checkRepositoryFolder(scope, 'outputDirectory', props.outputDirectory ?? 'dist', {
    example: 'dist',
    relativeTo: 'the app\'s folder (`appPath`)',
    notItself: {
      why: 'it is the app\'s own folder, which holds its sources and node_modules: the deploy would publish them',
      fix: 'give the folder the build writes the site to, such as "dist"',
    },
  });
  for (const prop of ['installCommands', 'buildCommands'] as const) {
    const commands = props[prop];
    if (commands !== undefined && (commands.length === 0 || commands.some((c) => !isToken(c) && c.trim() === ''))) {
      throw propError(scope, prop, commands, 'the app cannot be built without them', `remove \`${prop}\` for the default, or give the commands`);
    }
  }
  if (props.testCommands?.some((c) => !isToken(c) && c.trim() === '')) {
    throw propError(scope, 'testCommands', props.testCommands, 'an empty command tests nothing', 'remove the empty entries');
  }
  checkEnvironmentName(scope, props.environmentName, false, []);
  validateBuildPerEnvironment(scope, props);
  checkNodeVersion(scope, props.nodeVersion);
  validateBuildEnvironment(scope, props);
  validateRuntimeConfig(scope, props);
  checkInteger(scope, 'keepReleases', props.keepReleases, 1, 100);
  validateSmokeCheck(scope, props);
  validateWaits(scope, props);
  durationMillis(scope, 'artifactRetention', props.artifactRetention, 'Duration.days(30)');
  checkWholeDays(scope, 'artifactRetention', props.artifactRetention, 1, 3650);
  if (props.executionMode === codepipeline.ExecutionMode.PARALLEL) {
    throw propError(scope, 'executionMode', props.executionMode, 'two deploys into one bucket at once can leave a mix of releases live',
      'use ExecutionMode.QUEUED (the default) or ExecutionMode.SUPERSEDED');
  }
  validateNotifications(scope, props.notificationTopic, props.notificationEmails);
}

/** The hosting and the source: given (JavaScript and Python callers may omit them), and reachable from here. */
function validateTargets(scope: Construct, props: SpaPipelineProps): void {
  checkInstance(scope, 'hosting', props.hosting, props.hosting instanceof SpaHosting, 'a SpaHosting',
    'give the SpaHosting the app is served from, such as `hosting: admin`');
  checkInstance(scope, 'source', props.source, props.source instanceof SpaSource, 'a SpaSource',
    'give one of SpaSource.codeCommit(), SpaSource.connection() or SpaSource.s3()');
  validateHosting(scope, props.hosting, props);
}

/**
 * Where a deployment goes: the pipeline's region; its account, or another literal account with a bucket named at
 * synth; a hosting with the routing function releases need, deployed by no other pipeline and once by this one.
 */
function validateHosting(scope: Construct, hosting: SpaHosting, props: SpaPipelineProps): void {
  const here = Stack.of(scope);
  const there = Stack.of(hosting);
  const name = (what: string, value: string) => (isToken(value) ? 'an environment-agnostic stack' : `${what} ${value}`);
  // Both environment-agnostic stacks have the same pseudo-parameter tokens, so a plain comparison is right.
  if (here.region !== there.region) {
    throw propError(scope, 'hosting', hosting.node.path, `the hosting is in ${name('region', there.region)} and the pipeline in ${name('region', here.region)}: `
      + 'the deploy project reads the bucket and distribution through cross-stack references, which CloudFormation keeps within one region, '
      + 'and watches alarms of its own region',
    'create the pipeline and every hosting it deploys to in stacks of one region (an `env` with the same region)');
  }
  if (here.account !== there.account) {
    if (isToken(here.account) || isToken(there.account)) {
      throw propError(scope, 'hosting', hosting.node.path, `the hosting is in ${name('account', there.account)} and the pipeline in ${name('account', here.account)}: `
        + 'the deploy project reads the bucket and distribution through cross-stack references, which CloudFormation keeps within one account and region',
      'create the pipeline in a stack of the hosting\'s account and region (the same `env`), or give both stacks an `env` with their accounts');
    }
    if (hosting.literalBucketName === undefined) {
      throw propError(scope, 'hosting', hosting.node.path, `the hosting is in account ${there.account} and the pipeline in account ${here.account}: `
        + 'a deployment to another account names the bucket and its deploy target parameter at synth, and CloudFormation would generate this bucket\'s name',
      'give the hosting a literal `bucketName`, such as "e-com67-admin-dashboard-' + there.account + '"');
    }
    const generated = (Array.isArray(props.rollbackAlarms) ? props.rollbackAlarms : []).filter((alarm) => isToken(alarm?.alarmName));
    if (generated.length > 0) {
      throw propError(scope, 'rollbackAlarms', generated.map((alarm) => alarm.node.path),
        `the deployment to account ${there.account} reads the alarms by name in that account, with its deploy role, and these names are generated by CloudFormation`,
        'give alarms with literal names (`alarmName`, or cloudwatch.Alarm.fromAlarmName) that exist in every account the pipeline deploys to');
    }
  }
  if (hosting.routingFunction === undefined) {
    throw propError(scope, 'hosting', `${hosting.node.path} (spaRouting other than REWRITE_FUNCTION)`,
      'releases are served by the hosting\'s routing function, which reads the live release from its KeyValueStore; this hosting has none',
      'create the hosting with `spaRouting: SpaRouting.REWRITE_FUNCTION` (the default)');
  }
  keyValueStoreOf(hosting);
  const other = PIPELINES.get(hosting);
  if (other === scope) {
    throw propError(scope, 'hosting', hosting.node.path, 'this pipeline already deploys to it: two deployments of one pipeline into one bucket',
      'give each environment a SpaHosting of its own');
  }
  if (other !== undefined && other.node.root === scope.node.root) {
    throw propError(scope, 'hosting', hosting.node.path, `${other.node.path} already deploys to it: two pipelines deploy into one bucket independently, `
      + 'so their releases interleave and each one\'s pruning (`keepReleases`) deletes files of the other\'s live release',
    'deploy each hosting from one pipeline; for a second app, create a second SpaHosting');
  }
}

/** True when the hosting is in another (literal) account than the pipeline: checked by validateHosting. */
function isCrossAccount(scope: Construct, hosting: SpaHosting): boolean {
  return Stack.of(scope).account !== Stack.of(hosting).account;
}

/** `Deploy`, or `Deploy-<Environment>` for a deployment with an environment name (`Deploy-Staging`). */
function stageName(environmentName: string | undefined): string {
  return environmentName === undefined ? 'Deploy' : `Deploy-${pascalCase(environmentName)}`;
}

/** An environment name: its stage is `Deploy-<Environment>`, unique in the pipeline. */
function checkEnvironmentName(scope: Construct, value: unknown, required: boolean, deployments: Deployment[]): void {
  checkString(scope, 'environmentName', value, 'staging', { required });
  if (value === undefined) {
    return;
  }
  const environmentName = value as string;
  if (isToken(environmentName) || !isLowercaseWords(environmentName) || environmentName.length > MAX_STAGE_ENVIRONMENT_NAME) {
    throw propError(scope, 'environmentName', environmentName, 'it names the deploy stage (`Deploy-<Environment>`): lowercase words of letters and digits '
      + `joined by single hyphens, starting with a letter, at most ${MAX_STAGE_ENVIRONMENT_NAME} characters`, 'use a name such as "dev", "staging" or "prod"');
  }
  const stage = stageName(environmentName);
  const twice = deployments.find((d) => stageName(d.environmentName) === stage);
  if (twice !== undefined) {
    throw propError(scope, 'environmentName', environmentName, `the pipeline already deploys to ${twice.environmentName === environmentName ? 'this environment'
      : `"${twice.environmentName}"`} (stage ${stage}, hosting ${twice.hosting.node.path})`, 'give each environment its own name, once');
  }
}

/** The name each environment's build gets (`SPA_ENVIRONMENT`). */
const ENVIRONMENT_VARIABLE = 'SPA_ENVIRONMENT';

/**
 * `buildPerEnvironment`: the builds are told apart by their environment's name, so the first deployment needs one, and
 * the build's own variables must not define the variable each build gets (the action's value would win silently).
 */
function validateBuildPerEnvironment(scope: Construct, props: SpaPipelineProps): void {
  if (!props.buildPerEnvironment) {
    return;
  }
  if (props.environmentName === undefined) {
    throw propError(scope, 'buildPerEnvironment', true, 'the first deployment has no `environmentName`, and each build is told its environment by name '
      + `(\`${ENVIRONMENT_VARIABLE}\`, for \`--mode "$${ENVIRONMENT_VARIABLE}"\`): there is nothing to tell the builds apart`,
    'give the first deployment an `environmentName` such as "dev" (with EcomPlatform: give several `environments`), '
      + 'or remove `buildPerEnvironment` and read what differs per environment from `runtimeConfig`');
  }
  for (const prop of ['buildVariables', 'parameterStoreVariables', 'secretsManagerVariables'] as const) {
    const variables = props[prop];
    if (variables !== undefined && variables !== null && typeof variables === 'object' && Object.keys(variables).includes(ENVIRONMENT_VARIABLE)) {
      throw propError(scope, `${prop}.${ENVIRONMENT_VARIABLE}`, variables[ENVIRONMENT_VARIABLE], `with \`buildPerEnvironment\`, each build's \`${ENVIRONMENT_VARIABLE}\` `
        + 'is its environment\'s name, which would replace this value without a word', `remove \`${ENVIRONMENT_VARIABLE}\` from \`${prop}\`, or give it another name`);
    }
  }
}

/** A deploy project name: CodeBuild's rules, and none of the pipeline's other project names. */
function checkDeployProjectName(scope: Construct, name: string | undefined, taken: Array<string | undefined>): void {
  if (name === undefined || isToken(name)) {
    return;
  }
  if (!PROJECT_NAME.test(name)) {
    throw propError(scope, 'deployProjectName', name, 'CodeBuild project names are 2-255 letters, digits, _ and -, starting with a letter or digit',
      'use a name such as "e-com67-staging-admin-dashboard-deploy"');
  }
  if (taken.includes(name)) {
    throw propError(scope, 'deployProjectName', name, 'another project of this pipeline has this name', 'give every project of the pipeline its own name');
  }
}

/** The options of `addDeployment`, before anything is created. */
function validateDeployment(scope: Construct, options: SpaDeploymentOptions, props: SpaPipelineProps, deployments: Deployment[]): void {
  checkObject(scope, 'options', options, 'pass { environmentName: "staging", hosting: stagingHosting }');
  checkEnvironmentName(scope, options.environmentName, true, deployments);
  checkInstance(scope, 'hosting', options.hosting, options.hosting instanceof SpaHosting, 'a SpaHosting',
    'give the SpaHosting of the environment, such as `hosting: stagingAdmin`');
  checkString(scope, 'deployProjectName', options.deployProjectName);
  checkBoolean(scope, 'manualApproval', options.manualApproval);
  checkDeployProjectName(scope, options.deployProjectName, [props.buildProjectName, ...deployments.map((d) => d.deployProjectName)]);
  validateHosting(scope, options.hosting, props);
  checkRuntimeConfig(scope, options.runtimeConfig);
  checkRuntimeConfigParameters(scope, options.runtimeConfigParameters);
}

/** Pipelines by the hosting they deploy to: one each. */
const PIPELINES = new WeakMap<SpaHosting, SpaPipeline>();

/** Props JavaScript and Python callers may give with another type, checked before anything reads them. */
function validateTypes(scope: Construct, props: SpaPipelineProps): void {
  for (const prop of ['pipelineName', 'buildProjectName', 'deployProjectName', 'nodeVersion', 'hashedAssetPattern', 'runtimeConfigPath'] as const) {
    checkString(scope, prop, props[prop]);
  }
  for (const [prop, example] of [['installCommands', '"npm ci"'], ['testCommands', '"npm test"'], ['buildCommands', '"npm run build"'],
    ['notificationEmails', '"team@example.com"']] as const) {
    checkStringList(scope, prop, props[prop], example);
  }
  checkStringList(scope, 'smokeCheckCommands', props.smokeCheckCommands, '"npx playwright test"');
  checkList(scope, 'rollbackAlarms', props.rollbackAlarms, isAlarm, 'CloudWatch alarms', 'cloudwatch.Alarm.fromAlarmName(this, \'Errors\', \'admin-5xx\')');
  checkBoolean(scope, 'serveSourceMaps', props.serveSourceMaps);
  checkBoolean(scope, 'buildPerEnvironment', props.buildPerEnvironment);
  checkBoolean(scope, 'manualApproval', props.manualApproval);
  checkEnum(scope, 'deployCompute', props.deployCompute, ComputeMode, 'ComputeMode');
  checkEnum(scope, 'buildCompute', props.buildCompute, ComputeMode, 'ComputeMode');
  checkEnum(scope, 'executionMode', props.executionMode, codepipeline.ExecutionMode, 'codepipeline.ExecutionMode');
  checkEnum(scope, 'logRetention', props.logRetention, logs.RetentionDays, 'logs.RetentionDays');
  checkEnum(scope, 'removalPolicy', props.removalPolicy, RemovalPolicy, 'RemovalPolicy');
}

/**
 * A Duration's milliseconds, or the library's error when the value is not a Duration or not a finite amount
 * (aws-cdk-lib's conversions would throw their own error). Tokens give undefined.
 */
function durationMillis(scope: Construct, prop: string, value: unknown, example: string): number | undefined {
  checkDuration(scope, prop, value, example);
  const duration = value as Duration | undefined;
  if (duration === undefined || duration.isUnresolved()) {
    return undefined;
  }
  let millis: number;
  try {
    millis = duration.toMilliseconds({ integral: false });
  } catch {
    millis = NaN;
  }
  if (!Number.isFinite(millis) || millis < 0) {
    throw propError(scope, prop, duration.toHumanString() === '' ? 'NaN' : duration, 'it is not a finite amount of time', `give a Duration such as ${example}`);
  }
  return millis;
}

/** Probe paths a hashed pattern must not match: they are replaced by every deploy, so they must never be immutable. */
const ENTRY_PATHS = [ENTRY_FILE];

/** The first deployment's runtime config and parameters, and where the file goes. */
function validateRuntimeConfig(scope: Construct, props: SpaPipelineProps): void {
  checkRuntimeConfig(scope, props.runtimeConfig);
  checkRuntimeConfigParameters(scope, props.runtimeConfigParameters);
  const configPath = props.runtimeConfigPath;
  if (configPath !== undefined) {
    if (!props.runtimeConfig && !props.runtimeConfigParameters) {
      throw propError(scope, 'runtimeConfigPath', configPath, 'there is no `runtimeConfig` to write',
        'set `runtimeConfig` (or `runtimeConfigParameters`), or remove `runtimeConfigPath`');
    }
    const components = configPath.split('/');
    if (isToken(configPath) || !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.json$/.test(configPath) || configPath.length > 1024
      || components.some((c) => c === '..' || c === '.') || components[0] === '_spa-deploy') {
      throw propError(scope, 'runtimeConfigPath', configPath, 'it must be a literal relative path of a .json file in the site, without ".." or "." components, '
        + 'outside the reserved `_spa-deploy/`', 'use a path such as "config.json" or "runtime/config.json"');
    }
  }
  validateHashedPattern(scope, props);
}

/** Runtime config keys: they round-trip through JSON as property names the app reads. */
function checkConfigKeys(scope: Construct, prop: string, keys: string[]): void {
  const bad = keys.filter((k) => !CONFIG_KEY.test(k));
  if (bad.length > 0) {
    throw propError(scope, prop, bad, 'runtime config keys become JavaScript property names read by the app',
      'use identifier-like keys such as "apiUrl" or "userPoolId"');
  }
  // `__proto__` is dropped or sets the prototype when the app parses or merges the file; the others shadow Object's own members.
  const unsafe = keys.filter((k) => ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'].includes(k));
  if (unsafe.length > 0) {
    throw propError(scope, prop, unsafe, 'these keys are JavaScript object internals: parsed or merged by the app, they are dropped, change the object\'s prototype or shadow its methods',
      'use a plain name such as "apiUrl"');
  }
}

/** A runtime config: string values under keys that round-trip, none referencing a stack of another account. */
function checkRuntimeConfig(scope: Construct, config: unknown): void {
  if (config === undefined) {
    return;
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config) || isToken(config)) {
    throw propError(scope, 'runtimeConfig', describeValue(config), 'it must be a map of keys to values', 'give an object such as { apiUrl: api.url }');
  }
  checkConfigKeys(scope, 'runtimeConfig', Object.keys(config));
  const account = Stack.of(scope).account;
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      throw propError(scope, `runtimeConfig.${key}`, value, `a value is a string, and this is ${value === null ? 'null' : `a ${typeof value}`} (undefined would drop the key from the file)`,
        'give the value as a string, such as api.url or "eu-west-1"');
    }
    const elsewhere = Tokenization.reverseString(value).tokens
      .map((token) => (Reference.isReference(token) ? Stack.of(token.target) : undefined))
      .find((stack) => stack !== undefined && !isToken(stack.account) && !isToken(account) && stack.account !== account);
    if (elsewhere) {
      throw propError(scope, `runtimeConfig.${key}`, value, `it references ${elsewhere.node.path} in account ${elsewhere.account}, and the deploy project's `
        + `template (account ${account}) can't reference another account's resources`,
      `write the value to an SSM parameter in account ${elsewhere.account} and give its name in \`runtimeConfigParameters\` ({ ${key}: "/e-com67/${key}" })`);
    }
  }
}

/** Runtime config keys -> literal SSM parameter names, which the deploy is granted exactly. */
function checkRuntimeConfigParameters(scope: Construct, parameters: unknown): void {
  if (parameters === undefined) {
    return;
  }
  const example = '{ apiUrl: "/e-com67/api-url" }';
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters) || isToken(parameters)) {
    throw propError(scope, 'runtimeConfigParameters', describeValue(parameters), 'it must be a map of config keys to SSM parameter names', `give an object such as ${example}`);
  }
  const entries = Object.entries(parameters);
  if (entries.length === 0) {
    throw propError(scope, 'runtimeConfigParameters', parameters, 'an empty map reads nothing', `remove \`runtimeConfigParameters\`, or give ${example}`);
  }
  checkConfigKeys(scope, 'runtimeConfigParameters', entries.map(([key]) => key));
  for (const [key, name] of entries) {
    if (typeof name !== 'string' || isToken(name) || !PARAMETER_NAME.test(name) || name.length > 2048) {
      throw propError(scope, `runtimeConfigParameters.${key}`, describeValue(name), 'it must be the literal name of an SSM parameter of the hosting\'s account and region '
        + '(letters, digits and _ . - /, a hierarchy starting with "/"; no ARN, version, label or wildcard): the deploy is granted exactly it at synth',
      `give a name such as ${example}`);
    }
  }
}

/**
 * The hashed pattern is a JavaScript regular expression both the deploy program (Node.js) and the routing
 * function (CloudFront Functions, whose regular expressions are ES 5.1 plus named groups) run, so it must
 * compile in both and never match a file every release replaces.
 */
function validateHashedPattern(scope: Construct, props: SpaPipelineProps): void {
  const pattern = props.hashedAssetPattern;
  if (pattern === undefined) {
    return;
  }
  const fix = 'give the source of a JavaScript regular expression (no slashes, no flags) on paths in the build output, anchored on the hashed files, '
    + 'such as "^assets/[^/]+-[A-Za-z0-9_-]{8,}\\.(js|css)$"';
  if (isToken(pattern)) {
    throw propError(scope, 'hashedAssetPattern', pattern, 'the routing function embeds the pattern in its code at synth, so it must be known then', fix);
  }
  let regex: RegExp | undefined;
  let problem: string | undefined;
  try {
    regex = new RegExp(pattern);
  } catch (e) {
    problem = `it is not a JavaScript regular expression (${(e as Error).message})`;
  }
  const lookbehind = /\(\?<[=!]/.exec(pattern);
  const delimited = /^\/.*\/[dgimsuvy]*$/s.test(pattern);
  if (problem) {
    // reported below
  } else if (pattern.trim() === '') {
    problem = 'it is empty';
  } else if (delimited) {
    problem = 'it is written as a literal with slashes: the slashes would be part of the pattern, which then matches no path (paths have no leading slash)';
  } else if (lookbehind) {
    problem = `"${lookbehind[0]}" (lookbehind) is not in CloudFront Functions' regular expressions (ES 5.1 and named groups), so the routing function would fail`;
  } else if (pattern.length > MAX_PATTERN_LENGTH) {
    problem = `it is ${pattern.length} characters, and the routing function embeds it within CloudFront Functions' 10 KB code limit (at most ${MAX_PATTERN_LENGTH})`;
  }
  if (problem) {
    throw propError(scope, 'hashedAssetPattern', pattern, problem, fix);
  }
  const probes = [...ENTRY_PATHS, props.runtimeConfigPath ?? 'config.json'];
  const matched = regex!.test('') ? '' : probes.find((p) => regex!.test(p));
  if (matched !== undefined) {
    const what = matched === '' ? 'it matches the empty string, so it matches every path'
      : `it matches "${matched}", which ${matched === ENTRY_FILE ? 'every release has its own of' : 'is the runtime config, which every deploy rewrites'}`;
    throw propError(scope, 'hashedAssetPattern', pattern,
      `${what}; files it matches are shared by all releases, cached for a year and never routed to a release`, fix);
  }
}

const MAX_PATTERN_LENGTH = 1000;
/** The deploy program's own bounds (src/release/program.ts). */
const MAX_SMOKE_COMMANDS = 20;
const MAX_ROLLBACK_ALARMS = 100;

/** Smoke check commands: shell commands, none blank. */
function validateSmokeCheck(scope: Construct, props: SpaPipelineProps): void {
  const commands = props.smokeCheckCommands;
  if (commands === undefined || isToken(commands)) {
    return;
  }
  if (commands.length === 0) {
    throw propError(scope, 'smokeCheckCommands', commands, 'an empty list checks nothing more than the built-in smoke check',
      'remove `smokeCheckCommands`, or give commands such as ["npx playwright test"]');
  }
  if (commands.length > MAX_SMOKE_COMMANDS) {
    throw propError(scope, 'smokeCheckCommands', `${commands.length} commands`, `the deploy program runs at most ${MAX_SMOKE_COMMANDS}`,
      'put the checks in a script of the build output and run that, such as ["bash smoke/run-all.sh"]');
  }
  if (commands.some((c) => !isToken(c) && c.trim() === '')) {
    throw propError(scope, 'smokeCheckCommands', commands, 'a blank command checks nothing', 'remove the blank entries');
  }
}

/**
 * The alarms and the program's two waits. On Lambda compute a build ends after 15 minutes whatever it does, so
 * the waits must leave the upload, the smoke check and the pruning room in it.
 */
function validateWaits(scope: Construct, props: SpaPipelineProps): void {
  const alarms = props.rollbackAlarms;
  if (alarms !== undefined && !isToken(alarms)) {
    if (alarms.length === 0) {
      throw propError(scope, 'rollbackAlarms', alarms, 'an empty list watches nothing', 'remove `rollbackAlarms`, or give the alarms to watch');
    }
    if (alarms.length > MAX_ROLLBACK_ALARMS) {
      throw propError(scope, 'rollbackAlarms', `${alarms.length} alarms`, `the deploy program watches at most ${MAX_ROLLBACK_ALARMS}`,
        'combine them in a composite alarm (cloudwatch.CompositeAlarm) and give that');
    }
    const region = Stack.of(scope).region;
    for (const alarm of alarms) {
      // An imported alarm's region is in its ARN (its `env` is the importing stack's).
      const theirs = isToken(alarm.alarmArn) ? alarm.env.region : Arn.split(alarm.alarmArn, ArnFormat.COLON_RESOURCE_NAME).region;
      if (!isToken(theirs) && !isToken(region) && theirs !== region) {
        throw propError(scope, 'rollbackAlarms', alarm.alarmArn, `the alarm is in ${theirs} and the deploy, which reads it, in ${region}`,
          `give alarms of ${region}; CloudWatch alarms can watch metrics of other regions through cross-region dashboards only`);
      }
    }
    const names = alarms.map((a) => a.alarmName).filter((n) => !isToken(n));
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) {
      throw propError(scope, 'rollbackAlarms', twice, 'the alarm is listed twice', 'list each alarm once');
    }
  }
  const window = durationMillis(scope, 'rollbackWindow', props.rollbackWindow, 'Duration.minutes(5)');
  if (props.rollbackWindow !== undefined && (alarms === undefined || alarms.length === 0)) {
    throw propError(scope, 'rollbackWindow', props.rollbackWindow, 'there are no `rollbackAlarms` to watch', 'give `rollbackAlarms`, or remove `rollbackWindow`');
  }
  if (window !== undefined && (window % 1000 !== 0 || window < 60_000 || window > 3_600_000)) {
    throw propError(scope, 'rollbackWindow', props.rollbackWindow, 'it is a whole number of seconds from 1 minute to 1 hour',
      'use Duration.minutes(5) (the default) or another whole number of seconds from Duration.minutes(1) to Duration.hours(1)');
  }
  const propagation = durationMillis(scope, 'propagationTimeout', props.propagationTimeout, 'Duration.minutes(5)');
  if (propagation !== undefined && (propagation % 1000 !== 0 || propagation < 1000 || propagation > 1_800_000)) {
    throw propError(scope, 'propagationTimeout', props.propagationTimeout, 'it is a whole number of seconds from 1 second to 30 minutes',
      'use Duration.minutes(5) (the default) or another whole number of seconds up to Duration.minutes(30)');
  }
  if ((props.deployCompute ?? ComputeMode.LAMBDA) !== ComputeMode.LAMBDA
    || (props.rollbackWindow?.isUnresolved() ?? false) || (props.propagationTimeout?.isUnresolved() ?? false)) {
    return;
  }
  const waits = deployWaits(props);
  if (waits.total > LAMBDA_WAIT_BUDGET_SECONDS) {
    const prop = props.rollbackWindow !== undefined || props.propagationTimeout === undefined ? 'rollbackWindow' : 'propagationTimeout';
    throw propError(scope, prop, prop === 'rollbackWindow' ? (props.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW) : props.propagationTimeout,
      `the deploy runs on Lambda compute, which ends a build after 15 minutes, and may wait \`propagationTimeout\` (${waits.propagation} s) twice `
      + `(for the pinned release, then the live one) before \`rollbackWindow\` (${waits.rollbackWindow} s) ends: ${waits.total} s, more than `
      + `${LAMBDA_WAIT_BUDGET_SECONDS} s, so the upload, the smoke check and a rollback would not fit`,
      'keep twice `propagationTimeout` plus `rollbackWindow` at most 12 minutes, or run the deploy on EC2 (`deployCompute: ComputeMode.EC2`), '
      + 'where the project\'s timeout grows with them');
  }
}

/** An IAlarm from any copy of aws-cdk-lib: what the deploy reads of it. */
function isAlarm(value: unknown): boolean {
  const alarm = value as cloudwatch.IAlarm | null | undefined;
  return typeof alarm === 'object' && alarm !== null && typeof alarm.alarmArn === 'string' && typeof alarm.alarmName === 'string'
    && typeof alarm.env === 'object';
}
