// CdkBackendPipeline: its props as a hostile-but-fair reviewer (or a JavaScript caller) would pass them, and
// addStage()'s stages and options. The stages are small (a parameter per stack) to keep each synth fast.
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { BadInput, ENV, Expected, Observed, accepted, refused, synth } from './case';
import { BackendLanguage, BackendStageOptions, CdkBackendPipeline, CdkBackendPipelineProps } from '../../src';

const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** A backend stage of three stacks (Data, Compute, Api), each with one resource. */
class Backend extends Stage {
  public readonly data: Stack;
  public readonly compute: Stack;
  public readonly api: Stack;
  constructor(scope: App | Stage, id: string, env: { account?: string; region?: string } | undefined = ENV) {
    super(scope, id, { env });
    [this.data, this.compute, this.api] = ['Data', 'Compute', 'Api'].map((name) => {
      const stack = new Stack(this, name);
      new ssm.StringParameter(stack, 'Placeholder', { stringValue: name });
      return stack;
    });
  }
}

/** A pipeline of `props` (on a CodeCommit repository unless they say otherwise) deploying one stage. */
type Props = Partial<CdkBackendPipelineProps> | (() => Partial<CdkBackendPipelineProps>);

function pipeline(props: Props, stage?: (app: App) => { stage: Stage; options?: BackendStageOptions }) {
  return synth((stack, app) => {
    const given = typeof props === 'function' ? props() : props;
    const p = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', ...given } as CdkBackendPipelineProps);
    const { stage: s, options } = stage ? stage(app) : { stage: new Backend(app, 'Prod'), options: undefined };
    p.addStage(s, options);
    p.buildPipeline();
  });
}

/** A pipeline whose props are exactly `props` (no default repository), as a JavaScript caller passes them. */
function raw(props: unknown) {
  return synth((stack) => {
    new CdkBackendPipeline(stack, 'Backend', props as CdkBackendPipelineProps);
  });
}

/** The default pipeline adding the Prod stage with `options`, or a stage `make` builds. */
function withStage(options: (stage: Backend, app: App) => BackendStageOptions, make?: (app: App) => Stage) {
  return pipeline({}, (app) => {
    const stage = make ? make(app) : new Backend(app, 'Prod');
    return { stage, options: options(stage as Backend, app) };
  });
}

function observeWithEnv(name: string, value: string, observe: () => Observed): () => Observed {
  return () => {
    const previous = process.env[name];
    process.env[name] = value;
    try {
      return observe();
    } finally {
      if (previous === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = previous;
      }
    }
  };
}

const c = (input: string, expect: Expected, observe: () => Observed): BadInput => ({ subject: 'CdkBackendPipeline', input, expect, observe });

export const CASES: BadInput[] = [
  // The "Why": stackOrder calls no deprecated aws-cdk-lib API.
  c('stackOrder: [data, compute, api] under JSII_DEPRECATED=fail', accepted(),
    observeWithEnv('JSII_DEPRECATED', 'fail', withStage((s) => ({ stackOrder: [s.data, s.compute, s.api] })))),
  c("branch: 'refs/heads/main'", refused('branch', /full git ref/), pipeline({ branch: 'refs/heads/main' })),
  c("branch: 'HEAD'", refused('branch'), pipeline({ branch: 'HEAD' })),
  c("branch: ''", refused('branch'), pipeline({ branch: '' })),
  c("branch: 'release/2026-11'", accepted(), pipeline({ branch: 'release/2026-11' })),

  // Sources.
  c('no source and no repositoryName (JavaScript: props omitted)', refused('source'), raw(undefined)),
  c('props: null (JavaScript)', refused('props'), raw(null)),
  c("repositoryName: 'e-com67' with a source", refused('repositoryName'),
    raw({ repositoryName: 'e-com67', source: pipelines.CodePipelineSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN }) })),
  c("source: 'e-com67/shop' (a string)", refused('source', /CodePipelineSource/), raw({ source: 'e-com67/shop' })),
  c('repositoryName: 67 (a number)', refused('repositoryName', /must be a string/), raw({ repositoryName: 67 })),
  c("repositoryName: 'e-com67/backend'", refused('repositoryName'), raw({ repositoryName: 'e-com67/backend' })),
  c("repositoryName: 'r'.repeat(101)", refused('repositoryName'), raw({ repositoryName: 'r'.repeat(101) })),
  c('branch with a connection source', refused('branch', /applies to `repositoryName` only/),
    raw({ source: pipelines.CodePipelineSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN }), branch: 'main' })),
  c('a connection source on branch main', accepted(),
    pipeline({ repositoryName: undefined, source: pipelines.CodePipelineSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN }) })),

  // appPath: written into the synth's `cd "$CODEBUILD_SRC_DIR/<appPath>"` and its output directory.
  c('appPath: a token', refused('appPath', /token/), pipeline(() => ({ appPath: new CfnParameter(new Stack(), 'P').valueAsString }))),
  c("appPath: '../backend'", refused('appPath'), pipeline({ appPath: '../backend' })),
  c("appPath: '/backend'", refused('appPath'), pipeline({ appPath: '/backend' })),
  c("appPath: 'backend/$(id)'", refused('appPath'), pipeline({ appPath: 'backend/$(id)' })),
  c("appPath: 'backend\"; rm -rf /; \"'", refused('appPath'), pipeline({ appPath: 'backend"; rm -rf /; "' })),
  c("appPath: 'backend/*'", refused('appPath'), pipeline({ appPath: 'backend/*' })),
  c("appPath: 'backend/./app'", refused('appPath'), pipeline({ appPath: 'backend/./app' })),
  c("appPath: 'back\\nend'", refused('appPath'), pipeline({ appPath: 'back\nend' })),
  c("appPath: 'C:\\\\backend'", refused('appPath'), pipeline({ appPath: 'C:\\backend' })),
  c("appPath: ' '", refused('appPath'), pipeline({ appPath: ' ' })),
  c("appPath: './backend/'", accepted(), pipeline({ appPath: './backend/' })),
  c("appPath: '.'", accepted(), pipeline({ appPath: '.' })),

  // Types from JavaScript and unknown enum values.
  c("selfMutation: 'false' (a string)", refused('selfMutation'), pipeline({ selfMutation: 'false' as any })),
  c("useChangeSets: 'no'", refused('useChangeSets'), pipeline({ useChangeSets: 'no' as any })),
  c('crossAccountKeys: 1', refused('crossAccountKeys'), pipeline({ crossAccountKeys: 1 as any })),
  c("installCommands: 'npm ci' (a string)", refused('installCommands', /must be a list/), pipeline({ installCommands: 'npm ci' as any })),
  c('installCommands: [42]', refused('installCommands'), pipeline({ installCommands: [42] as any })),
  c('synthCommands: []', refused('synthCommands'), pipeline({ synthCommands: [] })),
  c("language: 'python' (lowercase)", refused('language'), pipeline({ language: 'python' as any })),
  c("executionMode: 'FAST'", refused('executionMode'), pipeline({ executionMode: 'FAST' as any })),
  c('executionMode: PARALLEL', refused('executionMode'), pipeline({ executionMode: codepipeline.ExecutionMode.PARALLEL })),
  c('logRetention: 45', refused('logRetention'), pipeline({ logRetention: 45 as any })),
  c("removalPolicy: 'keep'", refused('removalPolicy'), pipeline({ removalPolicy: 'keep' as any })),
  c('artifactRetention: 30 (a number)', refused('artifactRetention', /Duration/), pipeline({ artifactRetention: 30 as any })),
  c('artifactRetention: Duration.millis(1500)', refused('artifactRetention'), pipeline({ artifactRetention: Duration.millis(1500) })),
  c('artifactRetention: Duration.hours(36)', refused('artifactRetention'), pipeline({ artifactRetention: Duration.hours(36) })),
  c('artifactRetention: Duration.days(3650)', accepted(), pipeline({ artifactRetention: Duration.days(3650) })),
  c("pythonVersion: '3.8'", refused('pythonVersion'), pipeline({ pythonVersion: '3.8' })),
  c('pythonVersion: 3.12 (a number)', refused('pythonVersion'), pipeline({ pythonVersion: 3.12 as any })),
  c('pythonVersion with language TYPESCRIPT', refused('pythonVersion'), pipeline({ language: BackendLanguage.TYPESCRIPT, pythonVersion: '3.12' })),
  c("nodeVersion: '20'", refused('nodeVersion'), pipeline({ nodeVersion: '20' })),
  c("cdkCliVersion: 'latest'", refused('cdkCliVersion'), pipeline({ cdkCliVersion: 'latest' })),
  c("cdkAssetsVersion: '^4'", refused('cdkAssetsVersion'), pipeline({ cdkAssetsVersion: '^4' })),
  c("pipelineName: 'p'.repeat(101)", refused('pipelineName'), pipeline({ pipelineName: 'p'.repeat(101) })),
  c("pipelineName: 'e-com67 backend'", refused('pipelineName'), pipeline({ pipelineName: 'e-com67 backend' })),
  c("notificationEmails: 'ops@example.com' (a string)", refused('notificationEmails', /must be a list/), pipeline({ notificationEmails: 'ops@example.com' as any })),
  c('notificationEmails: []', refused('notificationEmails'), pipeline({ notificationEmails: [] })),
  c("notificationEmails: ['ops']", refused('notificationEmails'), pipeline({ notificationEmails: ['ops'] })),
  c("codeArtifactRepository: { repository: 'shop' } (no domain)", refused('codeArtifactRepository.domain'),
    pipeline({ codeArtifactRepository: { repository: 'shop' } as any })),
  c("codeArtifactRepository.domainOwner: '1111-2222-3333'", refused('codeArtifactRepository.domainOwner'),
    pipeline({ codeArtifactRepository: { domain: 'e-com67', domainOwner: '1111-2222-3333', repository: 'shop' } })),
  c("codeArtifactRepository.domain: 'E-Com67'", refused('codeArtifactRepository.domain'),
    pipeline({ codeArtifactRepository: { domain: 'E-Com67', repository: 'shop' } })),
  c('an environment-agnostic pipeline stack', refused('env'), synth((_stack, app) => {
    new CdkBackendPipeline(new Stack(app, 'Agnostic'), 'Backend', { repositoryName: 'e-com67' });
  })),

  // addStage().
  c('addStage(undefined) (JavaScript)', refused('stage'), withStage(() => ({}), () => undefined as any)),
  c('addStage of a stage without stacks', refused('stage', /no stacks/), withStage(() => ({}), (app) => new Stage(app, 'Empty', { env: ENV }))),
  c('addStage of an environment-agnostic stage', refused('stage', /environment-agnostic/), withStage(() => ({}), (app) => new Backend(app, 'Prod', {}))),
  c('addStage of a stage in us-east-1 (pipeline in eu-west-1)', refused('stage', /region/),
    withStage(() => ({}), (app) => new Backend(app, 'Prod', { ...ENV, region: 'us-east-1' }))),
  c('addStage of a stage in another account without crossAccountKeys', refused('stage', /crossAccountKeys/),
    withStage(() => ({}), (app) => new Backend(app, 'Prod', { ...ENV, account: '444455556666' }))),
  c('addStage of a stage in another account with crossAccountKeys', accepted(), pipeline({ crossAccountKeys: true }, (app) => ({ stage: new Backend(app, 'Prod', { ...ENV, account: '444455556666' }) }))),
  c('addStage of the same stage twice', refused('stage', /already in the pipeline/), synth((stack, app) => {
    const p = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
    const prod = new Backend(app, 'Prod');
    p.addStage(prod);
    p.addStage(prod);
  })),
  c('addStage after buildPipeline()', refused('stage', /already built/), synth((stack, app) => {
    const p = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
    p.addStage(new Backend(app, 'Prod'));
    p.buildPipeline();
    p.addStage(new Backend(app, 'Staging'));
  })),
  c('stackOrder: []', refused('stackOrder', /empty list/), withStage(() => ({ stackOrder: [] }))),
  c('stackOrder naming a stack of another stage', refused('stackOrder', /not in the stage/),
    withStage((s, app) => ({ stackOrder: [s.data, new Backend(app, 'Other').compute] }))),
  c('stackOrder: [data, compute, data]', refused('stackOrder', /listed twice/), withStage((s) => ({ stackOrder: [s.data, s.compute, s.data] }))),
  c("stackOrder: ['Data', 'Compute'] (strings)", refused('stackOrder', /must be a Stack/), withStage(() => ({ stackOrder: ['Data', 'Compute'] as any }))),
  c('stackOrder: [api, data] where api already depends on data', refused('stackOrder', /already depends on/), withStage((s) => {
    s.api.addDependency(s.data);
    return { stackOrder: [s.api, s.data] };
  })),
  c('stackOrder: [data] (one stack of three)', accepted(), withStage((s) => ({ stackOrder: [s.data] }))),
  c("manualApproval: 'yes'", refused('manualApproval'), withStage(() => ({ manualApproval: 'yes' as any }))),
  c("pre: ['echo hi'] (not Steps)", refused('pre', /pipelines.Step/), withStage(() => ({ pre: ['echo hi'] as any }))),
  c('post: a ShellStep (not in a list)', refused('post'), withStage(() => ({ post: new pipelines.ShellStep('T', { commands: ['true'] }) as any }))),
  c('manualApproval and confirmPermissionsBroadening with a post step', accepted(), withStage(() => ({
    manualApproval: true, confirmPermissionsBroadening: true, post: [new pipelines.ShellStep('IntegrationTests', { commands: ['pytest'] })],
  }))),
  c('removalPolicy: RemovalPolicy.DESTROY', accepted(), pipeline({ removalPolicy: RemovalPolicy.DESTROY, logRetention: logs.RetentionDays.ONE_WEEK })),
];
