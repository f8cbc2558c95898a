import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';
import { PlatformNaming } from './platform-naming';
import { checkBoolean, checkString } from './private/prop-types';
import { checkBranch, checkCodeCommitRepositoryName, checkConnection, DEFAULT_BRANCH } from './private/source-rules';
import { SpaSource } from './spa-source';

/**
 * Options of `PlatformSource.codeCommit()`.
 */
export interface CodeCommitPlatformSourceOptions {
  /**
   * Name of the CodeCommit repository.
   *
   * @default - the naming's repository name (`e-com67`)
   */
  readonly repositoryName?: string;

  /**
   * Branch the pipelines deploy.
   *
   * @default "master"
   */
  readonly branch?: string;

  /**
   * Whether the platform creates the repository (in the frontend stack, retained when removed) instead of
   * importing an existing one by name.
   *
   * @default false
   */
  readonly createRepository?: boolean;
}

/**
 * Options of `PlatformSource.connection()`.
 */
export interface ConnectionPlatformSourceOptions {
  /** ARN of the CodeConnections connection to GitHub, GitLab or Bitbucket. */
  readonly connectionArn: string;

  /** The repository, as `owner/repo`. */
  readonly repository: string;

  /**
   * Branch the pipelines deploy.
   *
   * @default "master"
   */
  readonly branch?: string;
}

/**
 * Where every pipeline of the platform gets the code: one repository holding the backend and the apps.
 */
export abstract class PlatformSource {
  /** A CodeCommit repository, imported by name or created (E-Com67: `e-com67`, branch `master`). */
  public static codeCommit(options: CodeCommitPlatformSourceOptions = {}): PlatformSource {
    return new CodeCommitPlatformSource(options);
  }

  /**
   * A GitHub, GitLab or Bitbucket repository through a CodeConnections connection; each app's pipeline starts
   * only on pushes that change files under its `appPath`.
   */
  public static connection(options: ConnectionPlatformSourceOptions): PlatformSource {
    return new ConnectionPlatformSource(options);
  }

  /** @internal */
  public abstract _validate(scope: IConstruct): void;

  /** @internal */
  public abstract _createRepository(stack: Stack, naming: PlatformNaming): codecommit.IRepository | undefined;

  /** @internal */
  public abstract _spaSource(stack: Stack, naming: PlatformNaming, appPath: string, created?: codecommit.IRepository,
    packagePaths?: string[]): SpaSource;

  /** @internal */
  public abstract _backendSource(naming: PlatformNaming, created?: codecommit.IRepository)
  : { source?: pipelines.CodePipelineSource; repositoryName?: string; branch?: string };
}

class CodeCommitPlatformSource extends PlatformSource {
  private readonly branch: string;

  private readonly options: CodeCommitPlatformSourceOptions;

  constructor(options: CodeCommitPlatformSourceOptions | undefined) {
    super();
    // From JavaScript, the options may be anything: checked in _validate, with the platform's path.
    this.options = options ?? {};
    this.branch = this.options.branch ?? DEFAULT_BRANCH;
  }

  public _validate(scope: IConstruct): void {
    checkBranch(scope, 'source.branch', this.branch);
    checkString(scope, 'source.repositoryName', this.options.repositoryName, 'e-com67');
    checkCodeCommitRepositoryName(scope, 'source.repositoryName', this.options.repositoryName);
    checkBoolean(scope, 'source.createRepository', this.options.createRepository);
  }

  public _createRepository(stack: Stack, naming: PlatformNaming): codecommit.IRepository | undefined {
    if (!this.options.createRepository) {
      return undefined;
    }
    const repository = new codecommit.Repository(stack, 'Repository', {
      repositoryName: this.options.repositoryName ?? naming.repositoryName,
      description: `Source of ${naming.projectName}: backend and frontend apps`,
    });
    // The code outlives the stacks that build it.
    repository.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return repository;
  }

  public _spaSource(stack: Stack, naming: PlatformNaming, _appPath: string, created?: codecommit.IRepository): SpaSource {
    const repository = created ?? codecommit.Repository.fromRepositoryName(stack, 'Repository', this.options.repositoryName ?? naming.repositoryName);
    return SpaSource.codeCommit(repository, this.branch);
  }

  public _backendSource(naming: PlatformNaming, created?: codecommit.IRepository) {
    if (created) {
      return {
        source: pipelines.CodePipelineSource.codeCommit(created, this.branch, {
          trigger: actions.CodeCommitTrigger.EVENTS,
          codeBuildCloneOutput: false,
        }),
      };
    }
    return { repositoryName: this.options.repositoryName ?? naming.repositoryName, branch: this.branch };
  }
}

class ConnectionPlatformSource extends PlatformSource {
  private readonly branch: string;

  private readonly options: ConnectionPlatformSourceOptions;

  constructor(options: ConnectionPlatformSourceOptions | undefined) {
    super();
    // From JavaScript, the options may be missing: checked in _validate, with the platform's path.
    this.options = options ?? ({} as ConnectionPlatformSourceOptions);
    this.branch = this.options.branch ?? DEFAULT_BRANCH;
  }

  public _validate(scope: IConstruct): void {
    // SpaSource checks them again for each app; checked here so that a backend-only platform fails early too.
    checkBranch(scope, 'source.branch', this.branch);
    checkString(scope, 'source.repository', this.options.repository, 'e-com67/shop');
    checkString(scope, 'source.connectionArn', this.options.connectionArn, 'arn:aws:codeconnections:eu-west-1:111122223333:connection/<id>');
    checkConnection(scope, 'source.repository', this.options.repository, this.options.connectionArn);
  }

  public _createRepository(): codecommit.IRepository | undefined {
    return undefined;
  }

  public _spaSource(_stack: Stack, _naming: PlatformNaming, appPath: string, _created?: codecommit.IRepository,
    packagePaths: string[] = []): SpaSource {
    return SpaSource.connection(this.options.repository, this.branch, {
      connectionArn: this.options.connectionArn,
      // The app changes when its local packages (a shared folder) change.
      filePaths: [appPath, ...packagePaths].map((p) => `${p}/**`),
    });
  }

  public _backendSource() {
    return {
      source: pipelines.CodePipelineSource.connection(this.options.repository, this.branch, {
        connectionArn: this.options.connectionArn,
        codeBuildCloneOutput: false,
      }),
    };
  }
}
