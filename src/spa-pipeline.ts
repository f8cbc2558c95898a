import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PipelineNotificationOptions, PipelineOptions } from './pipeline-options';
import { checkAppPath, checkRepositoryFolder, normalizePath } from './private/app-path';
import { acknowledgeGeneratedWildcards, artifactStoreWildcards, codeBuildWildcards, sourceBucketWildcards } from './private/nag';
import {
  ArtifactStore, BUILD_IMAGE, checkNodeVersion, checkPipelineName, createArtifactStore, createBuildLogGroup, DEFAULT_NODE_VERSION,
  notifyPipelineEvents, validateNotifications,
} from './private/pipeline-resources';
import { checkBoolean, checkDuration, checkEnum, checkInstance, checkString, checkStringList, describeValue } from './private/prop-types';
import { grantBuildEnvironment, validateBuildEnvironment } from './private/spa-build-variables';
import { checkInteger, checkWholeDays, isToken, propError, validated } from './private/validation';
import { SpaHosting } from './spa-hosting';
import { SpaSource, SpaSourceBinding } from './spa-source';

const CONFIG_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;
const DEPLOY_SCRIPT = path.join(__dirname, '..', 'assets', 'spa-deploy.sh');
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
   * Extended regular expression on a file's path in the build output that marks it content-hashed (cached
   * for a year, never invalidated).
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
   * How many releases stay complete in the bucket; files only older releases use are deleted after a
   * successful deploy. From 1 to 100.
   *
   * @default 3
   */
  readonly keepReleases?: number;

  /**
   * How long the deploy waits for the CloudFront invalidation to complete (0 = don't wait). At most one hour.
   *
   * @default Duration.minutes(5)
   */
  readonly invalidationTimeout?: Duration;

  /**
   * Serve the build's source maps (`*.map`) to viewers. By default they are not uploaded, so the original
   * source stays private while the bundles still load (a `sourceMappingURL` comment then answers 404); upload
   * them to your error tracker in `buildCommands`.
   *
   * @default false
   */
  readonly serveSourceMaps?: boolean;
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
 * A CodePipeline (V2) that builds a single-page app once and deploys it to a `SpaHosting` without downtime:
 * hashed assets first and immutable, then the other files, the runtime config and `index.html` last, old
 * releases kept for open tabs, and an invalidation of the entry paths only.
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
   * The commands the deploy project runs, in order. The deploy script ships with this library
   * (`assets/spa-deploy.sh`) and is embedded in the buildspec, so the project needs nothing else.
   */
  public static deployCommands(): string[] {
    return embeddedScript(DEPLOY_SCRIPT);
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

  /** The project that deploys the build to the hosting; its role can do only what `grantDeploy` allows. */
  public readonly deployProject: codebuild.PipelineProject;

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

  /** The deploy project's log group. */
  public readonly deployLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: SpaPipelineProps) {
    super(scope, id);
    const sourceOutput = new codepipeline.Artifact('Source');
    const sourceBinding = validated(this, () => {
      // From JavaScript or Python, props may be missing altogether: the error names `hosting`, not a TypeError.
      validate(this, props ?? ({} as SpaPipelineProps));
      return props.source.bind(this, sourceOutput);
    });
    PIPELINES.set(props.hosting, this);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const appPath = normalizePath(props.appPath ?? '.');
    checkAppPath(this, 'SpaPipeline', 'appPath', appPath);
    const outputDirectory = normalizePath(props.outputDirectory ?? 'dist');

    const store = createArtifactStore(this, { artifactRetention: props.artifactRetention ?? Duration.days(30), removalPolicy });
    this.artifactBucket = store.bucket;
    this.artifactKey = store.key;
    this.accessLogBucket = store.logBucket;

    this.buildLogGroup = createBuildLogGroup(this, 'BuildLogs', logRetention, removalPolicy, store.key);
    this.buildProject = this.createBuildProject(props, store, appPath, outputDirectory);
    const environmentWildcards = grantBuildEnvironment(this.buildProject, props);

    this.deployLogGroup = createBuildLogGroup(this, 'DeployLogs', logRetention, removalPolicy, store.key);
    this.deployProject = this.createDeployProject(props, store.key);
    props.hosting.grantDeploy(this.deployProject);

    this.pipeline = this.createPipeline(props, store.bucket, sourceBinding, sourceOutput);

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

  /** The project that installs, tests and builds the app, with npm's download cache in the artifact bucket. */
  private createBuildProject(props: SpaPipelineProps, store: ArtifactStore, appPath: string, outputDirectory: string)
    : codebuild.PipelineProject {
    return new codebuild.PipelineProject(this, 'Build', {
      projectName: props.buildProjectName,
      description: `Builds the single-page app of ${this.node.path}`,
      environment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL },
      encryptionKey: store.key,
      // npm's download cache (not node_modules, which `npm ci` deletes) survives between builds.
      cache: codebuild.Cache.bucket(store.bucket, { prefix: 'build-cache/build' }),
      logging: { cloudWatch: { logGroup: this.buildLogGroup } },
      buildSpec: codebuild.BuildSpec.fromObject(buildSpec(props, appPath, outputDirectory)),
    });
  }

  /** The project that deploys a build to the hosting with the deploy script of this library. */
  private createDeployProject(props: SpaPipelineProps, key: kms.IKey): codebuild.PipelineProject {
    return new codebuild.PipelineProject(this, 'Deploy', {
      projectName: props.deployProjectName,
      description: `Deploys the single-page app of ${this.node.path} to ${props.hosting.node.path}`,
      environment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.SMALL },
      encryptionKey: key,
      // Room for the upload and the longest invalidation wait: a wait that runs out exits 0, a timeout fails.
      timeout: Duration.minutes(30 + Math.ceil((props.invalidationTimeout ?? Duration.minutes(5)).toSeconds() / 60)),
      logging: { cloudWatch: { logGroup: this.deployLogGroup } },
      environmentVariables: deployVariables(this, props),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: { build: { commands: SpaPipeline.deployCommands() } },
      }),
    });
  }

  /** Source, Build and Deploy, one execution at a time. */
  private createPipeline(props: SpaPipelineProps, artifactBucket: s3.IBucket, source: SpaSourceBinding, sourceOutput: codepipeline.Artifact)
    : codepipeline.Pipeline {
    const buildOutput = new codepipeline.Artifact('Site');
    return new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: props.executionMode ?? codepipeline.ExecutionMode.QUEUED,
      artifactBucket,
      restartExecutionOnUpdate: false,
      triggers: source.trigger ? [source.trigger] : undefined,
      stages: [
        { stageName: 'Source', actions: [source.action] },
        {
          stageName: 'Build',
          actions: [new actions.CodeBuildAction({ actionName: 'Build', project: this.buildProject, input: sourceOutput, outputs: [buildOutput] })],
        },
        {
          stageName: 'Deploy',
          actions: [new actions.CodeBuildAction({
            actionName: 'Deploy',
            project: this.deployProject,
            input: buildOutput,
            // A retried execution merges into the same release.
            environmentVariables: { SPA_RELEASE_ID: { value: '#{codepipeline.PipelineExecutionId}' } },
          })],
        },
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

function buildSpec(props: SpaPipelineProps, appPath: string, outputDirectory: string) {
  const cd = `cd "$CODEBUILD_SRC_DIR/${appPath}"`;
  const env: Record<string, unknown> = { shell: 'bash' };
  if (props.buildVariables) env.variables = props.buildVariables;
  if (props.parameterStoreVariables) env['parameter-store'] = props.parameterStoreVariables;
  if (props.secretsManagerVariables) env['secrets-manager'] = props.secretsManagerVariables;
  const phases: Record<string, unknown> = {
    install: {
      'runtime-versions': { nodejs: props.nodeVersion ?? DEFAULT_NODE_VERSION },
      'commands': [cd, ...(props.installCommands ?? SpaPipeline.defaultInstallCommands())],
    },
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
    cache: { paths: ['/root/.npm/**/*'] },
  };
}

function deployVariables(scope: Construct, props: SpaPipelineProps): Record<string, codebuild.BuildEnvironmentVariable> {
  const vars: Record<string, string> = {
    SPA_BUCKET: props.hosting.bucket.bucketName,
    SPA_DISTRIBUTION_ID: props.hosting.distribution.distributionId,
    SPA_SOURCE_DIR: '.',
    SPA_KEEP_RELEASES: String(props.keepReleases ?? 3),
    SPA_INVALIDATION_WAIT_SECONDS: String((props.invalidationTimeout ?? Duration.minutes(5)).toSeconds()),
    SPA_SOURCE_MAPS: props.serveSourceMaps ? 'public' : 'private',
  };
  if (props.hashedAssetPattern) vars.SPA_HASHED_PATTERN = props.hashedAssetPattern;
  if (props.runtimeConfig) {
    vars.SPA_RUNTIME_CONFIG = Stack.of(scope).toJsonString(props.runtimeConfig);
    vars.SPA_RUNTIME_CONFIG_PATH = props.runtimeConfigPath ?? 'config.json';
  }
  return Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { value }]));
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
  checkNodeVersion(scope, props.nodeVersion);
  validateBuildEnvironment(scope, props);
  validateRuntimeConfig(scope, props);
  checkInteger(scope, 'keepReleases', props.keepReleases, 1, 100);
  const wait = durationMillis(scope, 'invalidationTimeout', props.invalidationTimeout, 'Duration.minutes(5)');
  if (wait !== undefined && (wait > 3_600_000 || wait % 1000 !== 0)) {
    throw propError(scope, 'invalidationTimeout', props.invalidationTimeout, 'it is a whole number of seconds up to one hour',
      'use Duration.minutes(5) (the default), Duration.seconds(0) not to wait, or up to Duration.hours(1)');
  }
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
  const here = Stack.of(scope);
  const there = Stack.of(props.hosting);
  // Both environment-agnostic stacks have the same pseudo-parameter tokens, so a plain comparison is right.
  for (const [what, mine, theirs] of [['region', here.region, there.region], ['account', here.account, there.account]] as const) {
    if (mine !== theirs) {
      const name = (value: string) => (isToken(value) ? 'an environment-agnostic stack' : `${what} ${value}`);
      throw propError(scope, 'hosting', props.hosting.node.path, `the hosting is in ${name(theirs)} and the pipeline in ${name(mine)}: `
        + 'the deploy project reads the bucket and distribution through cross-stack references, which CloudFormation keeps within one account and region',
      'create the pipeline in a stack of the hosting\'s account and region (the same `env`)');
    }
  }
  const other = PIPELINES.get(props.hosting);
  if (other !== undefined && other.node.root === scope.node.root) {
    throw propError(scope, 'hosting', props.hosting.node.path, `${other.node.path} already deploys to it: two pipelines deploy into one bucket independently, `
      + 'so their releases interleave and each one\'s pruning (`keepReleases`) deletes files of the other\'s live release',
    'deploy each hosting from one pipeline; for a second app, create a second SpaHosting');
  }
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
  checkBoolean(scope, 'serveSourceMaps', props.serveSourceMaps);
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
const ENTRY_PATHS = ['index.html'];

/** The runtime config (keys that round-trip through JSON as property names; string values) and where it goes. */
function validateRuntimeConfig(scope: Construct, props: SpaPipelineProps): void {
  const config: unknown = props.runtimeConfig;
  if (config !== undefined) {
    if (typeof config !== 'object' || config === null || Array.isArray(config) || isToken(config)) {
      throw propError(scope, 'runtimeConfig', describeValue(config), 'it must be a map of keys to values', 'give an object such as { apiUrl: api.url }');
    }
    const keys = Object.keys(config);
    const bad = keys.filter((k) => !CONFIG_KEY.test(k));
    if (bad.length > 0) {
      throw propError(scope, 'runtimeConfig', bad, 'runtime config keys become JavaScript property names read by the app',
        'use identifier-like keys such as "apiUrl" or "userPoolId"');
    }
    // `__proto__` is dropped or sets the prototype when the app parses or merges the file; the others shadow Object's own members.
    const unsafe = keys.filter((k) => ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'].includes(k));
    if (unsafe.length > 0) {
      throw propError(scope, 'runtimeConfig', unsafe, 'these keys are JavaScript object internals: parsed or merged by the app, they are dropped, change the object\'s prototype or shadow its methods',
        'use a plain name such as "apiUrl"');
    }
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string') {
        throw propError(scope, `runtimeConfig.${key}`, value, `a value is a string, and this is ${value === null ? 'null' : `a ${typeof value}`} (undefined would drop the key from the file)`,
          'give the value as a string, such as api.url or "eu-west-1"');
      }
    }
  }
  const configPath = props.runtimeConfigPath;
  if (configPath !== undefined) {
    if (!props.runtimeConfig) {
      throw propError(scope, 'runtimeConfigPath', configPath, 'there is no `runtimeConfig` to write', 'set `runtimeConfig`, or remove `runtimeConfigPath`');
    }
    const components = configPath.split('/');
    if (isToken(configPath) || !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.json$/.test(configPath) || configPath.length > 1024
      || components.some((c) => c === '..' || c === '.') || components[0] === '_spa-deploy') {
      throw propError(scope, 'runtimeConfigPath', configPath, 'it must be a literal relative path of a .json file in the site, without ".." or "." components, '
        + 'outside the reserved `_spa-deploy/`', 'use a path such as "config.json" or "runtime/config.json"');
    }
  }
  const pattern = props.hashedAssetPattern;
  if (pattern !== undefined && !isToken(pattern)) {
    const fix = 'give an extended regular expression on paths in the build output, anchored on the hashed files, such as "^assets/.+-[A-Za-z0-9_-]{8,}\\.(js|css)$"';
    let regex: RegExp | undefined;
    let problem: string | undefined = pattern.trim() === '' ? 'it is empty' : undefined;
    try {
      regex = new RegExp(posixClasses(pattern));
    } catch (e) {
      problem = `it is not a regular expression (${(e as Error).message})`;
    }
    // The deploy script matches with bash's =~ (POSIX extended regular expressions).
    const perlOnly = /\\[dDwWsSbB]|\(\?|\*\?|\+\?/.exec(pattern);
    if (!problem && perlOnly) {
      problem = `"${perlOnly[0]}" is not POSIX extended regular expression syntax, which the deploy script (bash =~) uses`;
    }
    if (problem) {
      throw propError(scope, 'hashedAssetPattern', pattern, problem, fix);
    }
    const probes = [...ENTRY_PATHS, props.runtimeConfigPath ?? 'config.json'];
    const matched = regex!.test('') ? '' : probes.find((p) => regex!.test(p));
    if (matched !== undefined) {
      const what = matched === '' ? 'it matches the empty string, so it matches every path'
        : `it matches "${matched}", which ${matched === 'index.html' ? 'every deploy replaces' : 'is the runtime config, which every deploy rewrites'}`;
      throw propError(scope, 'hashedAssetPattern', pattern, `${what}; files it matches are cached for a year and never invalidated, and the deploy refuses it`, fix);
    }
  }
}

/** A POSIX ERE's bracket classes (`[[:alnum:]]`) in JavaScript's syntax, to test a pattern at synth. */
function posixClasses(pattern: string): string {
  const classes: Record<string, string> = {
    alnum: 'A-Za-z0-9',
    alpha: 'A-Za-z',
    digit: '0-9',
    xdigit: '0-9A-Fa-f',
    lower: 'a-z',
    upper: 'A-Z',
    space: '\\s',
    blank: ' \\t',
    punct: '!-\\/:-@\\[-`{-~',
    word: 'A-Za-z0-9_',
  };
  return pattern.replace(/\[:([a-z]+):\]/g, (whole, name: string) => classes[name] ?? whole);
}
