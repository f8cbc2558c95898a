import { Fn } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { checkBranch, checkConnection } from './private/source-rules';
import { isToken, propError } from './private/validation';

/**
 * Options for `SpaSource.codeCommit()`.
 */
export interface CodeCommitSpaSourceOptions {
  /**
   * Name of the source action in the pipeline.
   *
   * @default "Source"
   */
  readonly actionName?: string;
}

/**
 * Options for `SpaSource.connection()`.
 */
export interface ConnectionSpaSourceOptions {
  /**
   * ARN of the CodeConnections (formerly CodeStar Connections) connection to GitHub, GitLab or Bitbucket,
   * such as `arn:aws:codeconnections:eu-west-1:111122223333:connection/<uuid>`.
   */
  readonly connectionArn: string;

  /**
   * Only pushes that change files matching these glob patterns start the pipeline (for example
   * `['frontend/admin/**']` in a monorepo).
   *
   * @default - any push to the branch starts the pipeline
   */
  readonly filePaths?: string[];

  /**
   * Name of the source action in the pipeline.
   *
   * @default "Source"
   */
  readonly actionName?: string;
}

/**
 * Options for `SpaSource.s3()`.
 */
export interface S3SpaSourceOptions {
  /**
   * Name of the source action in the pipeline.
   *
   * @default "Source"
   */
  readonly actionName?: string;
}

/** What a source gives the pipeline. */
export interface SpaSourceBinding {
  /** The source action, writing into the output artifact it was given. */
  readonly action: codepipeline.IAction;
  /**
   * A V2 pipeline trigger with Git filters, for connection sources.
   *
   * @default - the source action triggers the pipeline itself (EventBridge)
   */
  readonly trigger?: codepipeline.TriggerProps;

  /**
   * The source revision as a pipeline variable (`#{Source_Source_NS.CommitId}`): the deploy action passes it to the
   * deploy program, which names each release after it. A variable rather than CodeBuild's
   * `CODEBUILD_RESOLVED_SOURCE_VERSION`, which the deploy action (whose input is the build's output, not the
   * source) is not documented to get.
   *
   * @default - the deploy program reads CODEBUILD_RESOLVED_SOURCE_VERSION
   */
  readonly sourceVersion?: string;

  /**
   * A bucket the source action reads (an S3 source), whose read grant's wildcards are acknowledged.
   *
   * @default - the source reads no bucket
   */
  readonly sourceBucket?: s3.IBucket;
}

/**
 * Where an SPA pipeline gets the app's source code.
 */
export abstract class SpaSource {
  /**
   * A CodeCommit repository and branch; a push to the branch starts the pipeline through an EventBridge rule
   * (E-Com67's setup: repository `e-com67`, branch `master`).
   */
  public static codeCommit(repository: codecommit.IRepository, branch: string, options: CodeCommitSpaSourceOptions = {}): SpaSource {
    return new CodeCommitSpaSource(repository, branch, options);
  }

  /**
   * A GitHub, GitLab or Bitbucket repository (`owner/repo`) through a CodeConnections connection, started by
   * a V2 pipeline trigger filtered on the branch and, optionally, file paths (with a trigger, CodePipeline
   * turns the action's own change detection off).
   */
  public static connection(repositoryName: string, branch: string, options: ConnectionSpaSourceOptions): SpaSource {
    return new ConnectionSpaSource(repositoryName, branch, options);
  }

  /**
   * A zip file in a versioned S3 bucket; a new version of the object starts the pipeline through an
   * EventBridge rule on CloudTrail events, so the bucket needs a CloudTrail trail logging its write data events.
   */
  public static s3(bucket: s3.IBucket, key: string, options: S3SpaSourceOptions = {}): SpaSource {
    return new S3SpaSource(bucket, key, options);
  }

  /**
   * Checks the source's settings and creates its pipeline action.
   *
   * @param scope the construct using the source, named in error messages
   * @param output the artifact the source action writes
   */
  public abstract bind(scope: IConstruct, output: codepipeline.Artifact): SpaSourceBinding;
}

class CodeCommitSpaSource extends SpaSource {
  constructor(private readonly repository: codecommit.IRepository, private readonly branch: string,
    private readonly options: CodeCommitSpaSourceOptions) {
    super();
  }

  public bind(scope: IConstruct, output: codepipeline.Artifact): SpaSourceBinding {
    checkResource(scope, 'source.repository', this.repository, 'repositoryArn', 'a CodeCommit repository',
      'give a repository such as codecommit.Repository.fromRepositoryName(this, "Repo", "e-com67")');
    checkBranch(scope, 'source.branch', this.branch);
    checkActionName(scope, this.options);
    const action = new actions.CodeCommitSourceAction({
      actionName: this.options.actionName ?? 'Source',
      repository: this.repository,
      branch: this.branch,
      output,
      trigger: actions.CodeCommitTrigger.EVENTS,
      // The build needs the files, not the git history.
      codeBuildCloneOutput: false,
    });
    return { action, sourceVersion: action.variables.commitId };
  }
}

class ConnectionSpaSource extends SpaSource {
  constructor(private readonly repositoryName: string, private readonly branch: string,
    private readonly options: ConnectionSpaSourceOptions) {
    super();
  }

  public bind(scope: IConstruct, output: codepipeline.Artifact): SpaSourceBinding {
    checkBranch(scope, 'source.branch', this.branch);
    checkConnection(scope, 'source.repositoryName', this.repositoryName, this.options?.connectionArn);
    checkActionName(scope, this.options);
    const filePaths: unknown = this.options.filePaths;
    if (filePaths !== undefined && (!Array.isArray(filePaths) || filePaths.some((p) => typeof p !== 'string'))) {
      throw propError(scope, 'source.filePaths', filePaths, 'it must be a list of glob patterns', 'give patterns such as ["frontend/admin/**"]');
    }
    if (filePaths !== undefined && (filePaths.length === 0 || filePaths.some((p) => !isToken(p) && p.trim() === ''))) {
      throw propError(scope, 'source.filePaths', filePaths, 'an empty list or an empty pattern matches nothing',
        'remove `filePaths` to build on every push, or give glob patterns such as "frontend/admin/**"');
    }
    const [owner, repo] = isToken(this.repositoryName)
      ? [Fn.select(0, Fn.split('/', this.repositoryName)), Fn.select(1, Fn.split('/', this.repositoryName))]
      : this.repositoryName.split('/');
    const action = new actions.CodeStarConnectionsSourceAction({
      actionName: this.options.actionName ?? 'Source',
      connectionArn: this.options.connectionArn,
      owner,
      repo,
      branch: this.branch,
      output,
    });
    return {
      action,
      sourceVersion: action.variables.commitId,
      trigger: {
        providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
        gitConfiguration: {
          sourceAction: action,
          pushFilter: [{ branchesIncludes: [this.branch], filePathsIncludes: filePaths }],
        },
      },
    };
  }
}

class S3SpaSource extends SpaSource {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly options: S3SpaSourceOptions) {
    super();
  }

  public bind(scope: IConstruct, output: codepipeline.Artifact): SpaSourceBinding {
    checkResource(scope, 'source.bucket', this.bucket, 'bucketArn', 'an S3 bucket', 'give a bucket such as s3.Bucket.fromBucketName(this, "Sources", "e-com67-sources")');
    checkActionName(scope, this.options);
    if (typeof this.key !== 'string') {
      throw propError(scope, 'source.key', this.key, `an S3 object key is a string, not ${this.key === null ? 'null' : typeof this.key}`,
        'give the key of the zip file, such as "sources/admin.zip"');
    }
    if (!isToken(this.key) && (this.key.length === 0 || this.key.startsWith('/') || this.key.length > 1024)) {
      throw propError(scope, 'source.key', this.key, 'an S3 object key is 1-1024 characters with no leading slash',
        'give the key of the zip file, such as "sources/admin.zip"');
    }
    const action = new actions.S3SourceAction({
      actionName: this.options.actionName ?? 'Source',
      bucket: this.bucket,
      bucketKey: this.key,
      output,
      trigger: actions.S3Trigger.EVENTS,
    });
    return { action, sourceVersion: action.variables.versionId, sourceBucket: this.bucket };
  }
}

/** Refuses a missing resource, or an object that is not one (JavaScript and Python callers may pass anything). */
function checkResource(scope: IConstruct, prop: string, value: unknown, member: string, what: string, fix: string): void {
  if (value === null || typeof value !== 'object' || !(member in value)) {
    throw propError(scope, prop, value === null || typeof value !== 'object' ? value : 'an object', value === undefined ? `${what} is required` : `it is not ${what}`, fix);
  }
}

/** CodePipeline's action names: 1-100 letters, digits and . @ _ -. */
const ACTION_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

/** Checks a source's options object and its `actionName`, when given. */
function checkActionName(scope: IConstruct, options: { readonly actionName?: string } | undefined): void {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw propError(scope, 'source.options', options, 'the options are an object', 'give the options as an object, such as { actionName: "Source" }');
  }
  const name: unknown = options.actionName;
  if (name !== undefined && (typeof name !== 'string' || (!isToken(name) && !ACTION_NAME.test(name)))) {
    throw propError(scope, 'source.actionName', name, 'pipeline action names are 1-100 letters, digits and . @ _ -', 'use a name such as "Source" or "GitHub"');
  }
}
