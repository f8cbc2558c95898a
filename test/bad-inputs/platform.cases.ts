// EcomPlatform, PlatformNaming and PlatformSource: the platform's props, names and sources as a hostile-but-fair
// reviewer (or a JavaScript caller) would pass them. Direct mode unless a case needs a pipeline.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { BadInput, ENV, Expected, Observed, accepted, refused, synth, warned } from './case';
import { ChatChannel, ComputeMode, EcomPlatform, EcomPlatformProps, IBackendStageFactory, PlatformEnvironment, PlatformNaming, PlatformNamingProps, PlatformSource, SpaRouting } from '../../src';

const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
/** cdk.json's keys as the test app sets them: no bundling, so no synth runs pip. */
const CONTEXT = { 'aws:cdk:bundling-stacks': [] };

/** A backend stage of three stacks named by `naming`, each with one resource. */
class Backend extends Stage {
  public readonly data: Stack;
  public readonly compute: Stack;
  public readonly api: Stack;
  constructor(scope: Construct, id: string, names = new PlatformNaming(), env: { account?: string; region?: string } = ENV) {
    super(scope, id, { env });
    this.data = new Stack(this, 'Data', { stackName: names.dataStackName });
    this.compute = new Stack(this, 'Compute', { stackName: names.computeStackName });
    this.api = new Stack(this, 'Api', { stackName: names.apiStackName });
    for (const stack of [this.data, this.compute, this.api]) {
      new ssm.StringParameter(stack, 'Placeholder', { stringValue: stack.stackName });
    }
  }
}

/** Builds each environment's backend as a `Backend` in its account and region, named by its naming. */
class BackendFactory implements IBackendStageFactory {
  public createStage(scope: Construct, id: string, environment: PlatformEnvironment, names: PlatformNaming): Stage {
    return new Backend(scope, id, names, { account: environment.account, region: environment.region });
  }
}

/** Returns the same Stage for every environment. */
class SameStageFactory implements IBackendStageFactory {
  private stage?: Stage;
  public createStage(scope: Construct, id: string, environment: PlatformEnvironment, names: PlatformNaming): Stage {
    this.stage = this.stage ?? new Backend(scope, id, names, { account: environment.account, region: environment.region });
    return this.stage;
  }
}

const ACCOUNT_2 = '444455556666';
/** dev and staging in ENV's account, prod in another, all in ENV's region. */
const THREE_ENVIRONMENTS: PlatformEnvironment[] = [
  { name: 'dev', ...ENV },
  { name: 'staging', ...ENV },
  { name: 'prod', account: ACCOUNT_2, region: ENV.region },
];

/** A platform of `props` in a fresh app (the `Stack` the adapter makes is unused: the platform makes its own). */
function platform(props: (app: App) => unknown, context: Record<string, unknown> = CONTEXT) {
  return synth((_stack, app) => {
    new EcomPlatform(app, 'Platform', props(app) as EcomPlatformProps);
  }, context);
}

/** Both pipelines on, from a connection, deploying a backend stage; `extra` last. */
function pipelines(extra: (app: App, backend: Backend) => Partial<EcomPlatformProps> = () => ({})) {
  return platform((app) => {
    const backend = new Backend(app, 'Backend');
    return {
      env: ENV,
      backendStage: backend,
      backendPipeline: true,
      frontendPipelines: true,
      source: PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'e-com67/shop' }),
      ...extra(app, backend),
    };
  });
}

/** Environments in direct mode (no pipeline), ENV's account unless given; `extra` last. */
function environments(list: unknown, extra: Partial<EcomPlatformProps> = {}, context: Record<string, unknown> = CONTEXT) {
  return platform(() => ({ environments: list, ...extra }), context);
}

/** Both pipelines over `list` from ENV, each environment's backend from BackendFactory; `extra` last. */
function promoted(list: unknown, extra: (app: App) => Partial<EcomPlatformProps> = () => ({})) {
  return platform((app) => ({
    env: ENV,
    environments: list,
    backendStageFactory: new BackendFactory(),
    backendPipeline: true,
    frontendPipelines: true,
    source: PlatformSource.codeCommit(),
    crossAccountKeys: true,
    ...extra(app),
  }));
}

/** One app with the folder `appPath`, in frontend pipeline mode (its folder is its pipeline's path filter). */
function appFolder(appPath: unknown) {
  return platform(() => ({
    env: ENV,
    frontendPipelines: true,
    source: PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'e-com67/shop' }),
    frontends: [{ name: 'admin-dashboard', appPath }],
  }));
}

/** A naming (no construct): its error has the library's shape with `PlatformNaming` where a path would be. */
function naming(props: unknown): () => Observed {
  return () => {
    try {
      new PlatformNaming(props as PlatformNamingProps);
      return { warnings: [] };
    } catch (error) {
      return { refusal: (error as Error).message, warnings: [] };
    }
  };
}

function namingCall(call: (n: PlatformNaming) => unknown): () => Observed {
  return () => {
    try {
      call(new PlatformNaming());
      return { warnings: [] };
    } catch (error) {
      return { refusal: (error as Error).message, warnings: [] };
    }
  };
}

/** A platform with this source and the frontend pipelines on. */
function source(make: () => PlatformSource) {
  return platform(() => ({ env: ENV, frontendPipelines: true, source: make() }));
}

/** The repository roots made below, removed after the table has run. */
const roots: string[] = [];
afterAll(() => roots.splice(0).forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

/** A repository root on disk (context ecom:repositoryRoot) holding only `frontend/customer-app/package.json`. */
function repositoryRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-inputs-repo-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'frontend', 'customer-app'), { recursive: true });
  fs.writeFileSync(path.join(root, 'frontend', 'customer-app', 'package.json'), '{}');
  return root;
}

const p = (input: string, expect: Expected, observe: () => Observed): BadInput => ({ subject: 'EcomPlatform', input, expect, observe });
const n = (input: string, expect: Expected, observe: () => Observed): BadInput => ({ subject: 'PlatformNaming', input, expect, observe });
const s = (input: string, expect: Expected, observe: () => Observed): BadInput => ({ subject: 'PlatformSource', input, expect, observe });

export const CASES: BadInput[] = [
  // The "Why": the repository root as an app's folder made the trigger filter `./**`.
  p("frontends[0].appPath: '.'", refused('frontends[0].appPath', /repository root/), appFolder('.')),
  p("frontends[0].appPath: './'", refused('frontends[0].appPath', /repository root/), appFolder('./')),
  p("frontends[0].appPath: '../admin'", refused('frontends[0].appPath'), appFolder('../admin')),
  p("frontends[0].appPath: '/srv/admin'", refused('frontends[0].appPath'), appFolder('/srv/admin')),
  p('frontends[0].appPath: a token', refused('frontends[0].appPath', /token/), appFolder(new CfnParameter(new Stack(), 'P').valueAsString)),
  p("frontends[0].appPath: 'frontend/$(id)'", refused('frontends[0].appPath'), appFolder('frontend/$(id)')),
  p("frontends[0].appPath: 'frontend/a b'", refused('frontends[0].appPath'), appFolder('frontend/a b')),
  p("frontends[0].appPath: 'frontend/*'", refused('frontends[0].appPath'), appFolder('frontend/*')),
  p("frontends[0].appPath: 'frontend/./admin'", refused('frontends[0].appPath'), appFolder('frontend/./admin')),
  p("frontends[0].appPath: 'frontend//admin'", refused('frontends[0].appPath'), appFolder('frontend//admin')),
  p("frontends[0].appPath: 'frontend/adm\\u00efn' (non-ASCII)", refused('frontends[0].appPath'), appFolder('frontend/admïn')),
  p('frontends[0].appPath missing (JavaScript)', refused('frontends[0].appPath', /required/), appFolder(undefined)),
  p('frontends[0].appPath: 42', refused('frontends[0].appPath', /must be a string/), appFolder(42)),
  p("frontends[0].appPath: './frontend/admin/'", accepted(), appFolder('./frontend/admin/')),
  p('frontends[0].appPath not in the repository on disk', warned('cdk-ecom-platform:EcomPlatform.appPathNotFound'),
    platform(() => ({ env: ENV, frontends: [{ name: 'admin-dashboard', appPath: 'frontend/admin' }] }), { ...CONTEXT, 'ecom:repositoryRoot': repositoryRoot() })),

  // Apps.
  p('frontends: []', refused('frontends', /empty list/), platform(() => ({ frontends: [] }))),
  p("frontends: { name: 'admin' } (not a list)", refused('frontends', /list/), platform(() => ({ frontends: { name: 'admin', appPath: 'a' } }))),
  p('frontends: [null]', refused('frontends[0]'), platform(() => ({ frontends: [null] }))),
  p('frontends[0].name missing', refused('frontends[0].name', /needs a name/), platform(() => ({ frontends: [{ appPath: 'web/a' }] }))),
  p('frontends: [an app, null]', refused('frontends[1]'), platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a' }, null] }))),
  p('frontends[1].appPath missing after a valid app', refused('frontends[1].appPath', /required/),
    platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a' }, { name: 'shop' }] }))),
  p("frontends[0].name: 'Admin'", refused('frontends[0].name'), platform(() => ({ frontends: [{ name: 'Admin', appPath: 'web/a' }] }))),
  p("frontends[0].name: 'admin--app'", refused('frontends[0].name'), platform(() => ({ frontends: [{ name: 'admin--app', appPath: 'web/a' }] }))),
  p("frontends[0].name: 'a'.repeat(43) (bucket over 63)", refused('frontends[0].name', /63/), platform(() => ({ frontends: [{ name: 'a'.repeat(43), appPath: 'web/a' }] }))),
  p('two apps named admin', refused('frontends[1].name', /same name/),
    platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a' }, { name: 'admin', appPath: 'web/b' }] }))),
  p("two apps in 'web/a' and 'web/a/'", refused('frontends[1].appPath', /same folder/),
    platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a' }, { name: 'shop', appPath: 'web/a/' }] }))),
  p('apps admin-dashboard and admin-reports (one pipeline stack name)', refused('frontends[1].pipelineStackName'),
    platform(() => ({ frontends: [{ name: 'admin-dashboard', appPath: 'web/a' }, { name: 'admin-reports', appPath: 'web/b' }] }))),
  p("frontends[0].pipelineStackName: 'Admin_Pipeline'", refused('frontends[0].pipelineStackName'),
    platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a', pipelineStackName: 'Admin_Pipeline' }] }))),
  p("frontends[0].pipeline: 'fast' (not an object)", refused('frontends[0].pipeline'),
    platform(() => ({ frontends: [{ name: 'admin', appPath: 'web/a', pipeline: 'fast' }] }))),
  // Releases through the platform: the hosting's routing and the pipeline's new options, per app.
  p('frontends[0].hosting.spaRouting: ERROR_RESPONSES with the frontend pipelines on', refused('frontends[0].hosting.spaRouting', /REWRITE_FUNCTION/),
    pipelines(() => ({ frontends: [{ name: 'admin', appPath: 'web/a', hosting: { spaRouting: SpaRouting.ERROR_RESPONSES } }] }))),
  p('frontends[0].hosting.spaRouting: ERROR_RESPONSES in direct mode (no pipeline)', accepted(),
    platform(() => ({ env: ENV, frontends: [{ name: 'admin', appPath: 'web/a', hosting: { spaRouting: SpaRouting.ERROR_RESPONSES } }] }))),
  p('no env: the monitoring has no region for the alarms on CloudFront metrics', warned('cdk-ecom-platform:PlatformMonitoring.edgeAlarmsNeedRegion'),
    platform(() => ({}))),
  p('frontends[0].pipeline.rollbackWindow without rollbackAlarms', refused('rollbackWindow', /no `rollbackAlarms`/),
    pipelines(() => ({ frontends: [{ name: 'admin', appPath: 'web/a', pipeline: { rollbackWindow: Duration.minutes(5) } }] }))),
  p('frontends[0].pipeline: smoke check, rollback alarm and window, EC2 deploy', accepted(), pipelines(() => ({
    frontends: [{
      name: 'admin',
      appPath: 'web/a',
      pipeline: {
        smokeCheckCommands: ['npx playwright test'],
        rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(new Stack(), 'Errors', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-5xx')],
        rollbackWindow: Duration.minutes(30),
        deployCompute: ComputeMode.EC2,
      },
    }],
  }))),
  p('frontends[0].pipeline.invalidationTimeout (removed, JavaScript)', warned('cdk-ecom-platform:SpaPipeline.invalidationTimeoutRemoved'),
    pipelines(() => ({ frontends: [{ name: 'admin', appPath: 'web/a', pipeline: { invalidationTimeout: Duration.minutes(5) } as any }] }))),

  // Modes, types and the environment.
  p("frontendPipelines: 'false' (a string)", refused('frontendPipelines', /true or false/), platform(() => ({ frontendPipelines: 'false' }))),
  p("backendPipeline: 'true' (a string)", refused('backendPipeline'), platform(() => ({ backendPipeline: 'true' }))),
  p("context ecom:frontendPipelines: 'yes'", refused('ecom:frontendPipelines'), platform(() => ({}), { ...CONTEXT, 'ecom:frontendPipelines': 'yes' })),
  p('apiUrlInRuntimeConfig: 0', refused('apiUrlInRuntimeConfig'), platform(() => ({ apiUrlInRuntimeConfig: 0 }))),
  p('props: null (JavaScript)', refused('props'), platform(() => null)),
  p("source: { repository: 'e-com67/shop' } (a plain object)", refused('source', /PlatformSource/),
    platform(() => ({ frontendPipelines: true, env: ENV, source: { repository: 'e-com67/shop' } }))),
  p('naming: { projectName: shop } (a plain object)', refused('naming', /PlatformNaming/), platform(() => ({ naming: { projectName: 'shop' } }))),
  p('naming with projectName', refused('projectName'), platform(() => ({ naming: new PlatformNaming(), projectName: 'shop' }))),
  p("backendLanguage: 'python'", refused('backendLanguage'), platform(() => ({ backendLanguage: 'python' }))),
  p("env.account: '1111-2222-3333'", refused('env.account'), platform(() => ({ env: { account: '1111-2222-3333', region: 'eu-west-1' } }))),
  p("env.region: 'Ireland'", refused('env.region'), platform(() => ({ env: { account: '111122223333', region: 'Ireland' } }))),
  p("env.region: 'eusc-de-east-1'", accepted(), platform(() => ({ env: { account: '111122223333', region: 'eusc-de-east-1' } }))),
  p('env.account: 111122223333 (a number)', refused('env.account'), platform(() => ({ env: { account: 111122223333, region: 'eu-west-1' } }))),
  p('the backend pipeline without env', refused('env'), platform((app) => ({
    backendPipeline: true, backendStage: new Backend(app, 'Backend'), source: PlatformSource.codeCommit(),
  }))),
  p('a pipeline without source', refused('source'), platform(() => ({ env: ENV, frontendPipelines: true }))),
  p("apiUrlParameterName: 'api-url'", refused('apiUrlParameterName'), platform(() => ({ apiUrlParameterName: 'api-url' }))),
  p("notificationEmails: ['ops'] ", refused('notificationEmails'), pipelines(() => ({ notificationEmails: ['ops'] }))),
  p('notificationEmails with notificationTopic', refused('notificationEmails'), platform((app) => ({
    env: ENV,
    notificationEmails: ['ops@example.com'],
    notificationTopic: sns.Topic.fromTopicArn(new Stack(app, 'Ops', { env: ENV }), 'T', 'arn:aws:sns:eu-west-1:111122223333:ops'),
  }))),
  p('notificationEmails in direct mode with the monitoring off', warned('cdk-ecom-platform:EcomPlatform.notificationsWithoutPipelines'),
    platform(() => ({ env: ENV, notificationEmails: ['ops@example.com'], monitoring: { enabled: false } }))),
  p('notificationEmails in direct mode: the topic of the alarms', accepted(), platform(() => ({ env: ENV, notificationEmails: ['ops@example.com'] }))),
  p('monitoring.chatChannels with the monitoring off', warned('cdk-ecom-platform:EcomPlatform.chatWithoutMonitoring'), platform(() => ({
    env: ENV, monitoring: { enabled: false, chatChannels: [ChatChannel.slack({ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' })] },
  }))),
  p('monitoring.dashboardName with a space', refused('monitoring.dashboardName', /CloudWatch dashboard names/),
    platform(() => ({ env: ENV, monitoring: { dashboardName: 'e com67' } }))),
  p('monitoring.alarms.errorRateMinutes 0', refused('monitoring.alarms.errorRateMinutes'), platform(() => ({ env: ENV, monitoring: { alarms: { errorRateMinutes: 0 } } }))),
  p('context ecom:monitoring "yes"', refused('ecom:monitoring', /turns a deployment mode on or off/),
    platform(() => ({ env: ENV }), { ...CONTEXT, 'ecom:monitoring': 'yes' })),
  p('context ecom:monitoring "false": no monitoring', accepted(), platform(() => ({ env: ENV }), { ...CONTEXT, 'ecom:monitoring': 'false' })),
  p('monitoring not an object', refused('monitoring'), platform(() => ({ env: ENV, monitoring: true as any }))),
  p('monitoring.enabled not a boolean', refused('monitoring.enabled'), platform(() => ({ env: ENV, monitoring: { enabled: 'no' as any } }))),
  p('a second platform of the same naming in the app', refused('naming', /already has a construct/), synth((_stack, app) => {
    new EcomPlatform(app, 'Platform', { env: ENV });
    new EcomPlatform(app, 'Platform2', { env: ENV });
  }, CONTEXT)),
  p('the platform inside a Stack', refused('scope'), synth((stack) => {
    new EcomPlatform(stack, 'Platform', { env: ENV });
  }, CONTEXT)),

  // The backend stage and its order.
  p('the backend pipeline without backendStage', refused('backendStage'), platform(() => ({ env: ENV, backendPipeline: true, source: PlatformSource.codeCommit() }))),
  p('backendStage: a Stack (not a Stage)', refused('backendStage', /Stage/), platform((app) => ({ env: ENV, backendStage: new Stack(app, 'Data', { env: ENV }) }))),
  p('backendStage without stacks', refused('backendStage', /no stacks/), platform((app) => ({ env: ENV, backendStage: new Stage(app, 'Empty') }))),
  p('backendStage environment-agnostic with the backend pipeline', refused('backendStage', /environment-agnostic/),
    pipelines((app) => ({ backendStage: new Backend(app, 'Agnostic', new PlatformNaming({ stackPrefix: 'Ag' }), {}) }))),
  p('backendStage in us-east-1, env in eu-west-1', refused('backendStage', /region/),
    pipelines((app) => ({ backendStage: new Backend(app, 'East', new PlatformNaming({ stackPrefix: 'East' }), { ...ENV, region: 'us-east-1' }) }))),
  p('a backend stack named E-Com67-FrontendStack', refused('backendStage', /like a stack of the platform/), platform((app) => {
    const backend = new Backend(app, 'Backend');
    new Stack(backend, 'Clash', { stackName: 'E-Com67-FrontendStack' });
    return { env: ENV, backendStage: backend };
  })),
  p('backendStackOrder: []', refused('backendStackOrder', /empty list/), platform((app) => ({ env: ENV, backendStage: new Backend(app, 'Backend'), backendStackOrder: [] }))),
  p('backendStackOrder with a stack of another stage', refused('backendStackOrder', /not in `backendStage`/), platform((app) => {
    const other = new Backend(app, 'Other', new PlatformNaming({ stackPrefix: 'Other' }));
    return { env: ENV, backendStage: new Backend(app, 'Backend'), backendStackOrder: [other.data] };
  })),
  p('backendStackOrder: [data, data]', refused('backendStackOrder', /twice/), platform((app) => {
    const backend = new Backend(app, 'Backend');
    return { env: ENV, backendStage: backend, backendStackOrder: [backend.data, backend.data] };
  })),
  p("backendStackOrder: ['Data'] (strings)", refused('backendStackOrder'), platform((app) => ({ env: ENV, backendStage: new Backend(app, 'Backend'), backendStackOrder: ['Data'] }))),
  p('backendStackOrder without backendStage', refused('backendStackOrder'), platform((app) => ({ env: ENV, backendStackOrder: [new Stack(app, 'Data')] }))),
  p("backendAppPath: '../backend'", refused('backendAppPath'), platform((app) => ({ env: ENV, backendStage: new Backend(app, 'Backend'), backendAppPath: '../backend' }))),
  p("backendAppPath: 'backend;ls'", refused('backendAppPath'), pipelines(() => ({ backendAppPath: 'backend;ls' }))),
  p('both pipelines, backendStackOrder and backendAppPath: backend', accepted(), pipelines((_app, backend) => ({
    backendStackOrder: [backend.data, backend.compute, backend.api], backendAppPath: 'backend',
  }))),

  // Environments (issue 15).
  p('environments: dev, staging, prod across two accounts, both pipelines', accepted(), promoted(THREE_ENVIRONMENTS)),
  p('environments: [] (empty list)', refused('environments', /at least one/), environments([])),
  p("environments: { name: 'dev' } (not a list)", refused('environments', /list/), environments({ name: 'dev', ...ENV })),
  p('environments: [null]', refused('environments[0]'), environments([null])),
  p('two environments named staging', refused('environments[1].name', /same name/),
    environments([{ name: 'staging', ...ENV }, { name: 'staging', ...ENV }, { name: 'prod', ...ENV }])),
  p("environments[0].name: 'Dev'", refused('environments[0].name', /lowercase/), environments([{ name: 'Dev', ...ENV }])),
  p("environments[0].name: 'a'.repeat(17)", refused('environments[0].name', /16/), environments([{ name: 'a'.repeat(17), ...ENV }])),
  p('environments[0].name missing', refused('environments[0].name'), environments([{ ...ENV }])),
  p("environments[0].account: '1111-2222-3333'", refused('environments[0].account', /12 digits/),
    environments([{ name: 'prod', account: '1111-2222-3333', region: ENV.region }])),
  p("environments[1].account: '12345678901' (11 digits)", refused('environments[1].account', /12 digits/),
    environments([{ name: 'dev', ...ENV }, { name: 'prod', account: '12345678901', region: ENV.region }])),
  p('environments[0].account: 111122223333 (a number)', refused('environments[0].account'),
    environments([{ name: 'prod', account: 111122223333, region: ENV.region }])),
  p("environments[0].region: 'Ireland'", refused('environments[0].region', /region/), environments([{ name: 'prod', account: ENV.account, region: 'Ireland' }])),
  p("environments[0].manualApproval: 'yes'", refused('environments[0].manualApproval'), environments([{ name: 'prod', ...ENV, manualApproval: 'yes' }])),
  p("frontends[0].name: 'a'.repeat(40) with a staging environment (its bucket over 63)", refused('frontends[0].name', /"staging".*63/),
    environments([{ name: 'staging', ...ENV }, { name: 'prod', ...ENV }], { frontends: [{ name: 'a'.repeat(40), appPath: 'web/a' }] })),
  p('environments qa-1 and qa1 in one account (both E-Com67-Qa1-...)', refused('environments[1].name', /qa-1/),
    environments([{ name: 'qa-1', ...ENV }, { name: 'qa1', ...ENV }, { name: 'prod', ...ENV }])),
  p('environments qa-1 and qa1 in two accounts (one construct ID and stage name)', refused('environments[1].name', /same stack E-Com67-Qa1-FrontendStack/),
    environments([{ name: 'qa-1', ...ENV }, { name: 'qa1', account: ACCOUNT_2, region: ENV.region }, { name: 'prod', ...ENV }])),
  p('environment admin beside apps admin-dashboard and dashboard (one bucket)', refused('environments[1].name', /"admin" gets the same bucket/),
    environments([{ name: 'admin', ...ENV }, { name: 'prod', ...ENV }], {
      frontends: [{ name: 'admin-dashboard', appPath: 'web/a' }, { name: 'dashboard', appPath: 'web/b' }],
    })),
  p('prod in another account without crossAccountKeys (backend pipeline)', refused('environments[2].account', /crossAccountKeys/),
    promoted(THREE_ENVIRONMENTS, () => ({ crossAccountKeys: false }))),
  p('prod in another account without crossAccountKeys (frontend pipelines only)', accepted(), platform(() => ({
    env: ENV, environments: THREE_ENVIRONMENTS, frontendPipelines: true, source: PlatformSource.codeCommit(),
  }))),
  p('backendStage with several environments', refused('backendStage', /several environments/),
    promoted(THREE_ENVIRONMENTS, (app) => ({ backendStage: new Backend(app, 'Backend'), backendStageFactory: undefined }))),
  p('backendStage and backendStageFactory', refused('backendStageFactory', /`backendStage`/),
    promoted(THREE_ENVIRONMENTS, (app) => ({ backendStage: new Backend(app, 'Backend') }))),
  p('backendStageFactory without environments', refused('backendStageFactory', /no `environments`/),
    platform(() => ({ env: ENV, backendStageFactory: new BackendFactory() }))),
  p('backendStageFactory: { build() } (no createStage)', refused('backendStageFactory', /createStage/),
    promoted(THREE_ENVIRONMENTS, () => ({ backendStageFactory: { build: () => undefined } as any }))),
  p('backendStageFactory returning one Stage for every environment', refused('backendStageFactory', /same Stage/),
    promoted(THREE_ENVIRONMENTS, () => ({ backendStageFactory: new SameStageFactory() }))),
  p('staging in us-east-1, the pipelines in eu-west-1', refused('environments[1].region', /eu-west-1/),
    promoted([{ name: 'dev', ...ENV }, { name: 'staging', account: ENV.account, region: 'us-east-1' }, { name: 'prod', ...ENV }])),
  p('no environment in the pipelines\' account', refused('env', /pipelines' account/),
    promoted([{ name: 'staging', account: ACCOUNT_2, region: ENV.region }, { name: 'prod', account: ACCOUNT_2, region: ENV.region }])),
  p("environments[0].hostings: { 'admin-app': ... } (no such app)", refused('environments[0].hostings', /no app/),
    environments([{ name: 'prod', ...ENV, hostings: { 'admin-app': { hstsPreload: true } } }])),
  p("environments[0].hostings.customer-app: 'custom' (not an object)", refused('environments[0].hostings.customer-app'),
    environments([{ name: 'prod', ...ENV, hostings: { 'customer-app': 'custom' } }])),
  p("environments[1].backendPost: ['npm test'] (not steps)", refused('environments[1].backendPost', /steps/),
    environments([{ name: 'dev', ...ENV }, { name: 'prod', ...ENV, backendPost: ['npm test'] }])),
  p('environments[1].backendPost: a ShellStep', accepted(), promoted([
    { name: 'dev', ...ENV }, { name: 'prod', ...ENV, backendPost: [new ShellStep('Smoke', { commands: ['npm test'] })] },
  ])),
  p("productionEnvironment: 'Prod'", refused('productionEnvironment'), environments(THREE_ENVIRONMENTS, { productionEnvironment: 'Prod' })),
  p("context ecom:environments: '[{name: dev}]' (not JSON)", refused('context ecom:environments', /not JSON/),
    platform(() => ({}), { ...CONTEXT, 'ecom:environments': '[{name: dev}]' })),
  p('context ecom:environments: the JSON of three environments', accepted(),
    platform(() => ({}), { ...CONTEXT, 'ecom:environments': JSON.stringify(THREE_ENVIRONMENTS) })),
  p("context ecom:environments: [{ name: 'dev', account: '1' }]", refused('context ecom:environments[0].account'),
    platform(() => ({}), { ...CONTEXT, 'ecom:environments': [{ name: 'dev', account: '1', region: 'eu-west-1' }] })),
  p("context ecom:pipelineAccount: '1'", refused('context ecom:pipelineAccount', /12 digits/),
    environments(THREE_ENVIRONMENTS, {}, { ...CONTEXT, 'ecom:pipelineAccount': '1' })),
  p('context ecom:pipelineAccount other than env.account', refused('env.account', /ecom:pipelineAccount/),
    environments(THREE_ENVIRONMENTS, { env: ENV }, { ...CONTEXT, 'ecom:pipelineAccount': ACCOUNT_2 })),
  p('context ecom:pipelineAccount, no env: the pipelines in that account', accepted(),
    environments(THREE_ENVIRONMENTS, {}, { ...CONTEXT, 'ecom:pipelineAccount': ENV.account })),
  p('manualApproval on the only environment', warned('cdk-ecom-platform:EcomPlatform.approvalWithOneEnvironment'),
    environments([{ name: 'prod', ...ENV, manualApproval: true }])),
  p('one environment without manualApproval', accepted(), environments([{ name: 'prod', ...ENV }])),
  p('several environments, none named prod', warned('cdk-ecom-platform:EcomPlatform.noProductionEnvironment'),
    environments([{ name: 'dev', ...ENV }, { name: 'live', ...ENV }])),
  p("several environments, none named prod, productionEnvironment: 'live'", accepted(),
    environments([{ name: 'dev', ...ENV }, { name: 'live', ...ENV }], { productionEnvironment: 'live' })),

  // PlatformNaming.
  n("projectName: 'E-Com67'", refused('projectName'), naming({ projectName: 'E-Com67' })),
  n("projectName: 'xn--shop'", refused('projectName', /xn--/), naming({ projectName: 'xn--shop' })),
  n("projectName: 'sthree-shop'", refused('projectName', /sthree-/), naming({ projectName: 'sthree-shop' })),
  n("projectName: 'shop-'", refused('projectName'), naming({ projectName: 'shop-' })),
  n("projectName: 'a'.repeat(49)", refused('projectName', /63/), naming({ projectName: 'a'.repeat(49) })),
  n("projectName: 'a'.repeat(48)", accepted(), naming({ projectName: 'a'.repeat(48) })),
  n('projectName: 67', refused('projectName'), naming({ projectName: 67 })),
  n("projectName: '\\u0435-com67' (Cyrillic e)", refused('projectName'), naming({ projectName: 'е-com67' })),
  n("stackPrefix: 'E_Com67'", refused('stackPrefix'), naming({ stackPrefix: 'E_Com67' })),
  n("stackPrefix: 'S'.repeat(108)", refused('stackPrefix', /128/), naming({ stackPrefix: 'S'.repeat(108) })),
  n('props: null (JavaScript)', accepted(), naming(null)),
  n("bucketName('admin-dashboard', '1234')", refused('account'), namingCall((x) => x.bucketName('admin-dashboard', '1234'))),
  n("bucketName('Admin', '111122223333')", refused('appName'), namingCall((x) => x.bucketName('Admin', '111122223333'))),
  n("stackName('Front end')", refused('part'), namingCall((x) => x.stackName('Front end'))),
  n('stackName(42)', refused('part'), namingCall((x) => x.stackName(42 as any))),

  // PlatformSource, through a platform with the frontend pipelines on.
  s("codeCommit({ branch: 'refs/heads/main' })", refused('source.branch', /full git ref/), source(() => PlatformSource.codeCommit({ branch: 'refs/heads/main' }))),
  s("connection({ branch: 'refs/heads/main' })", refused('source.branch', /full git ref/),
    source(() => PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'e-com67/shop', branch: 'refs/heads/main' }))),
  s("codeCommit({ branch: '' })", refused('source.branch'), source(() => PlatformSource.codeCommit({ branch: '' }))),
  s("codeCommit({ branch: 'HEAD' })", refused('source.branch'), source(() => PlatformSource.codeCommit({ branch: 'HEAD' }))),
  s("codeCommit({ branch: 'feature/x y' })", refused('source.branch'), source(() => PlatformSource.codeCommit({ branch: 'feature/x y' }))),
  s('codeCommit({ branch: 7 })', refused('source.branch'), source(() => PlatformSource.codeCommit({ branch: 7 as any }))),
  s("codeCommit({ repositoryName: 'e com67' })", refused('source.repositoryName'), source(() => PlatformSource.codeCommit({ repositoryName: 'e com67' }))),
  s("codeCommit({ createRepository: 'yes' })", refused('source.createRepository'), source(() => PlatformSource.codeCommit({ createRepository: 'yes' as any }))),
  s('connection() without options (JavaScript)', refused('source.repository'), source(() => PlatformSource.connection(undefined as any))),
  s("connection({ repository: 'shop' })", refused('source.repository', /owner\/repo/),
    source(() => PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop' }))),
  s("connection({ connectionArn: 'arn:aws:codestar-connections:eu-west-1:111122223333:connection/x' })", refused('source.connectionArn'),
    source(() => PlatformSource.connection({ connectionArn: 'arn:aws:codestar-connections:eu-west-1:111122223333:connection/x', repository: 'e-com67/shop' }))),
  s("codeCommit({ branch: 'release/2026-11', createRepository: true })", accepted(),
    source(() => PlatformSource.codeCommit({ branch: 'release/2026-11', createRepository: true }))),
];
