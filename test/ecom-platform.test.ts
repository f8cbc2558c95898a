import { App, CfnParameter, Stack, Stage, StageProps } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EcomPlatform, EcomPlatformProps, PlatformNaming, PlatformSource } from '../src';
import { FLAG_CONTEXTS } from './helpers/contexts';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** A backend with E-Com67's stack names and no assets: Data, Compute, Api (which writes the API URL parameter). */
class Backend extends Stage {
  public readonly data: Stack;
  public readonly compute: Stack;
  public readonly api: Stack;

  constructor(scope: Construct, id: string, naming: PlatformNaming, props: StageProps = {}) {
    super(scope, id, props);
    this.data = new Stack(this, 'Data', { stackName: naming.dataStackName });
    new dynamodb.Table(this.data, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    this.compute = new Stack(this, 'Compute', { stackName: naming.computeStackName });
    new ssm.StringParameter(this.compute, 'Placeholder', { stringValue: 'compute' });
    this.api = new Stack(this, 'Api', { stackName: naming.apiStackName });
    new ssm.StringParameter(this.api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: 'https://api.example.com/prod/' });
  }
}

function build(context: Record<string, unknown>, props: Partial<EcomPlatformProps> = {}, naming = new PlatformNaming()) {
  const app = new App({ context: { ...context } });
  const backend = new Backend(app, 'Backend', naming, { env: ENV });
  const platform = new EcomPlatform(app, 'Platform', {
    naming,
    env: ENV,
    backendStage: backend,
    source: PlatformSource.codeCommit(),
    ...props,
  });
  return { app, backend, platform };
}

const topLevelStackNames = (app: App) => app.synth().stacks.map((s) => s.stackName).sort();
const BACKEND_ON = { 'ecom:backendPipeline': 'true' };
const FRONTEND_ON = { 'ecom:frontendPipelines': 'true' };

describe('PlatformNaming', () => {
  test('E-Com67\'s names by default', () => {
    const naming = new PlatformNaming();
    expect([naming.frontendStackName, naming.backendPipelineStackName, naming.dataStackName, naming.computeStackName, naming.apiStackName]).toEqual([
      'E-Com67-FrontendStack', 'E-Com67-BackendPipelineStack', 'E-Com67-DataStack', 'E-Com67-ComputeStack', 'E-Com67-ApiStack',
    ]);
    expect(naming.appPipelineStackName('admin-dashboard')).toBe('E-Com67-AdminPipelineStack');
    expect(naming.appPipelineStackName('customer-app')).toBe('E-Com67-CustomerPipelineStack');
    expect(naming.bucketName('admin-dashboard', '111122223333')).toBe('e-com67-admin-dashboard-111122223333');
    expect(naming.bucketName('customer-app', '111122223333')).toBe('e-com67-customer-app-111122223333');
    expect(naming.backendPipelineName).toBe('e-com67-backend-pipeline');
    expect(naming.appPipelineName('admin-dashboard')).toBe('e-com67-admin-dashboard-pipeline');
    expect(naming.appPipelineName('customer-app')).toBe('e-com67-customer-app-pipeline');
    expect(naming.buildProjectName('admin-dashboard')).toBe('e-com67-admin-dashboard-build');
    expect(naming.deployProjectName('customer-app')).toBe('e-com67-customer-app-deploy');
    expect(naming.repositoryName).toBe('e-com67');
    expect(naming.apiUrlParameterName).toBe('/e-com67/api-url');
  });

  test('another project', () => {
    const naming = new PlatformNaming({ projectName: 'shop', stackPrefix: 'Shop' });
    expect(naming.frontendStackName).toBe('Shop-FrontendStack');
    expect(naming.appPipelineStackName('store-front')).toBe('Shop-StorePipelineStack');
    expect(naming.bucketName('store-front', '444455556666')).toBe('shop-store-front-444455556666');
    expect(naming.backendPipelineName).toBe('shop-backend-pipeline');
    expect(naming.repositoryName).toBe('shop');
    expect(naming.apiUrlParameterName).toBe('/shop/api-url');
  });

  test('an account token is kept', () => {
    const stack = new Stack(new App(), 'S');
    const name = new PlatformNaming().bucketName('admin-dashboard', stack.account);
    expect(stack.resolve(name)).toEqual({ 'Fn::Join': ['', ['e-com67-admin-dashboard-', { Ref: 'AWS::AccountId' }]] });
  });

  test('deterministic', () => {
    expect(new PlatformNaming({ projectName: 'a-b' }).bucketName('c', '111122223333')).toBe(new PlatformNaming({ projectName: 'a-b' }).bucketName('c', '111122223333'));
  });

  test.each([
    ['projectName', { projectName: 'E-Com67' }, /invalid `projectName` \("E-Com67"\): .*lowercase.*Fix: use a name such as "e-com67"/],
    ['projectName', { projectName: 'shop-' }, /invalid `projectName`/],
    ['projectName', { projectName: 'xn--shop' }, /invalid `projectName` \("xn--shop"\): .*S3 refuses bucket names starting with "xn--"/],
    ['projectName', { projectName: 'sthree-shop' }, /invalid `projectName` \("sthree-shop"\): .*starting with "sthree-"/],
    ['projectName', { projectName: 'amzn-s3-demo-shop' }, /starting with "amzn-s3-demo-"/],
    ['projectName', { projectName: 67 as any }, /invalid `projectName` \(67\)/],
    ['stackPrefix', { stackPrefix: ['Shop'] as any }, /invalid `stackPrefix` \(\["Shop"\]\)/],
    ['projectName', { projectName: 'a'.repeat(49) }, /would be longer than 63 characters.*at most 48/],
    ['stackPrefix', { stackPrefix: '1Shop' }, /invalid `stackPrefix` \("1Shop"\): .*starting with a letter/],
    ['stackPrefix', { stackPrefix: 'Shop_' }, /invalid `stackPrefix`/],
    ['stackPrefix', { stackPrefix: 'S'.repeat(108) }, /BackendPipelineStack" would be longer than 128.*at most 107/],
  ])('refuses an invalid %s', (_prop, props, message) => {
    expect(() => new PlatformNaming(props)).toThrow(message);
  });

  test('the longest valid names are accepted', () => {
    expect(new PlatformNaming({ projectName: 'a'.repeat(48) }).bucketName('b', '111122223333')).toHaveLength(63);
    expect(new PlatformNaming({ stackPrefix: 'S'.repeat(107) }).backendPipelineStackName).toHaveLength(128);
  });

  test('refuses app names and accounts that break a derived name', () => {
    const naming = new PlatformNaming();
    expect(() => naming.bucketName('Admin', '111122223333')).toThrow(/invalid `appName` \("Admin"\)/);
    expect(() => naming.bucketName('a'.repeat(43), '111122223333')).toThrow(/bucket name "e-com67-a+-<account>" would be 64 characters.*at most 42/);
    expect(naming.bucketName('a'.repeat(42), '111122223333')).toHaveLength(63);
    expect(() => naming.bucketName('admin', '1234')).toThrow(/invalid `account` \("1234"\): an AWS account ID is 12 digits/);
    expect(() => naming.stackName('Front end')).toThrow(/invalid `part`/);
  });
});

describe.each(FLAG_CONTEXTS)('EcomPlatform ($name)', ({ context }) => {
  describe('direct mode (the default)', () => {
    const { app, platform } = build(context);

    test('the frontend stack only, and the backend stage\'s stacks in its own assembly', () => {
      expect(topLevelStackNames(app)).toEqual(['E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack']);
      const stage = app.synth().getNestedAssembly('assembly-Backend');
      expect(stage.stacks.map((s) => s.stackName).sort()).toEqual(['E-Com67-ApiStack', 'E-Com67-ComputeStack', 'E-Com67-DataStack']);
      expect(platform.backendPipelineEnabled).toBe(false);
      expect(platform.frontendPipelinesEnabled).toBe(false);
      expect(platform.stacks).toEqual([platform.frontendStack, platform.monitoringStack, platform.monitoring!.edgeStack]);
      expect(() => platform.appPipeline('admin-dashboard')).toThrow(/invalid `frontendPipelines` \(false\): the app "admin-dashboard" has no pipeline in direct mode/);
    });

    test('a bucket and a distribution per app, named after the project and account', () => {
      const template = Template.fromStack(platform.frontendStack);
      template.resourceCountIs('AWS::CloudFront::Distribution', 2);
      for (const name of ['e-com67-admin-dashboard-111122223333', 'e-com67-customer-app-111122223333']) {
        template.hasResourceProperties('AWS::S3::Bucket', { BucketName: name });
      }
      template.resourceCountIs('AWS::CodePipeline::Pipeline', 0);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      expect(platform.hosting('customer-app').node.path).toBe('E-Com67-FrontendStack/CustomerApp');
    });
  });

  describe('backend pipeline mode (context)', () => {
    const { app, platform, backend } = build({ ...context, ...BACKEND_ON });

    test('the frontend and backend pipeline stacks', () => {
      expect(topLevelStackNames(app)).toEqual(['E-Com67-BackendPipelineStack', 'E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack']);
      expect(platform.backendPipelineEnabled).toBe(true);
      expect(platform.frontendPipelinesEnabled).toBe(false);
    });

    test('the pipeline is named, reads e-com67 and deploys Data, Compute, Api in order', () => {
      const template = Template.fromStack(platform.backendPipelineStack!);
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        Name: 'e-com67-backend-pipeline',
        Stages: Match.arrayWith([Match.objectLike({
          Name: 'Source',
          Actions: [Match.objectLike({ Configuration: Match.objectLike({ RepositoryName: 'e-com67', BranchName: 'master' }) })],
        })]),
      });
      const stages = template.findResources('AWS::CodePipeline::Pipeline');
      const deploy = (Object.values(stages)[0] as any).Properties.Stages.find((s: any) => s.Name === 'Backend');
      const order = (name: string) => deploy.Actions.find((a: any) => a.Name === `E-Com67-${name}Stack.Deploy`).RunOrder;
      expect(order('Data')).toBeLessThan(order('Compute'));
      expect(order('Compute')).toBeLessThan(order('Api'));
      expect(backend.compute.dependencies).toContain(backend.data);
      expect(backend.api.dependencies).toContain(backend.compute);
    });
  });

  describe('frontend pipeline mode (context)', () => {
    const { app, platform } = build({ ...context, ...FRONTEND_ON });

    test('a pipeline stack per app', () => {
      expect(topLevelStackNames(app)).toEqual(['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack']);
      expect(platform.appPipelines).toHaveLength(2);
      expect(platform.appPipeline('customer-app').node.path).toBe('E-Com67-CustomerPipelineStack/Pipeline');
    });

    test.each([['admin-dashboard', 0], ['customer-app', 1]])('%s: pipeline and projects named, the API URL read from SSM at deploy time', (name, i) => {
      const stack = platform.appPipelineStacks[i];
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: `e-com67-${name}-pipeline` });
      template.hasResourceProperties('AWS::CodeBuild::Project', { Name: `e-com67-${name}-build` });
      template.hasResourceProperties('AWS::CodeBuild::Project', { Name: `e-com67-${name}-deploy` });
      const parameters = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/e-com67/api-url' });
      const [parameterId] = Object.keys(parameters);
      expect(parameterId).toBeDefined();
      const config = template.findResources('AWS::CodeBuild::Project', { Properties: { Name: `e-com67-${name}-deploy` } });
      const variables = (Object.values(config)[0] as any).Properties.Environment.EnvironmentVariables;
      const runtimeConfig = variables.find((v: any) => v.Name === 'SPA_RUNTIME_CONFIG');
      expect(JSON.stringify(runtimeConfig.Value)).toContain(`{"Ref":"${parameterId}"}`);
      expect(JSON.stringify(runtimeConfig.Value)).toContain('apiUrl');
    });
  });

  describe('both pipelines', () => {
    const { app, platform } = build({ ...context, ...BACKEND_ON, ...FRONTEND_ON }, { notificationEmails: ['team@example.com'] });

    test('every stack', () => {
      expect(topLevelStackNames(app)).toEqual([
        'E-Com67-AdminPipelineStack', 'E-Com67-BackendPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-EdgeMonitoringStack',
        'E-Com67-FrontendStack', 'E-Com67-MonitoringStack',
      ]);
      expect(platform.stacks).toHaveLength(6);
    });

    test('one encrypted topic notifies about every pipeline', () => {
      const frontend = Template.fromStack(platform.frontendStack);
      frontend.resourceCountIs('AWS::SNS::Topic', 1);
      frontend.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com' });
      frontend.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      for (const stack of [platform.backendPipelineStack!, ...platform.appPipelineStacks]) {
        const template = Template.fromStack(stack);
        template.resourceCountIs('AWS::SNS::Topic', 0);
        template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
          Targets: [{ TargetType: 'SNS', TargetAddress: { 'Fn::ImportValue': Match.anyValue() } }],
        });
      }
    });
  });

  test('deployment dependencies (what the deployment guide says): app pipelines always need the frontend stack, the backend pipeline only for its topic', () => {
    const { app: notifiedApp, platform: notified } = build({ ...context, ...BACKEND_ON, ...FRONTEND_ON }, { notificationEmails: ['team@example.com'] });
    notifiedApp.synth();
    for (const stack of [notified.backendPipelineStack!, ...notified.appPipelineStacks]) {
      expect(stack.dependencies).toContain(notified.frontendStack);
    }
    const { app: quietApp, platform: quiet } = build({ ...context, ...BACKEND_ON, ...FRONTEND_ON });
    quietApp.synth();
    expect(quiet.backendPipelineStack!.dependencies).not.toContain(quiet.frontendStack);
    for (const stack of quiet.appPipelineStacks) {
      expect(stack.dependencies).toContain(quiet.frontendStack);
    }
  });

  test('notificationEmails in direct mode: a topic for the alarms', () => {
    const { platform } = build(context, { notificationEmails: ['team@example.com'] });
    expect(platform.monitoring!.alarmTopic).toBe(platform.notificationTopic);
    Template.fromStack(platform.frontendStack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com' });
  });

  test('notificationEmails in direct mode with the monitoring off: a warning, no topic', () => {
    const { app, platform } = build(context, { notificationEmails: ['team@example.com'], monitoring: { enabled: false } });
    // What `cdk synth` shows: the messages of the synthesized stacks.
    const messages = app.synth().stacks.flatMap((stack) => stack.messages).filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(messages).toEqual([expect.stringMatching(/^notificationEmails \(team@example.com\) are about pipelines and alarms, and no pipeline is on \(direct mode\) and the monitoring is off: no topic is created.* \[ack: cdk-ecom-platform:EcomPlatform.notificationsWithoutPipelines\]$/)]);
    expect(platform.notificationTopic).toBeUndefined();
    Template.fromStack(platform.frontendStack).resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('a given notification topic is used by every pipeline; none is created', () => {
    const a = new App({ context: { ...context, ...BACKEND_ON, ...FRONTEND_ON } });
    const naming = new PlatformNaming();
    const ops = new Stack(a, 'Ops', { env: ENV });
    const topic = new sns.Topic(ops, 'OpsTopic');
    const { platform } = (() => {
      const backend = new Backend(a, 'Backend', naming, { env: ENV });
      return { platform: new EcomPlatform(a, 'Platform', { naming, env: ENV, backendStage: backend, source: PlatformSource.codeCommit(), notificationTopic: topic }) };
    })();
    expect(platform.notificationTopic).toBe(topic);
    Template.fromStack(platform.frontendStack).resourceCountIs('AWS::SNS::Topic', 0);
    for (const stack of [platform.backendPipelineStack!, ...platform.appPipelineStacks]) {
      Template.fromStack(stack).hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
        Targets: [{ TargetType: 'SNS', TargetAddress: { 'Fn::ImportValue': Match.stringLikeRegexp('^Ops:') } }],
      });
    }
  });

  test('backendCodeArtifactRepository reaches the backend pipeline\'s synth', () => {
    const { platform } = build({ ...context, ...BACKEND_ON }, { backendCodeArtifactRepository: { domain: 'e-com67', repository: 'shop' } });
    platform.backendPipeline!.buildPipeline();
    const projects = JSON.stringify(Template.fromStack(platform.backendPipelineStack!).findResources('AWS::CodeBuild::Project'));
    expect(projects).toContain('aws codeartifact login --tool pip --domain e-com67 --domain-owner 111122223333 --repository shop');
  });

  test('per-app install, test and build commands reach the app\'s build', () => {
    const { platform } = build({ ...context, ...FRONTEND_ON }, {
      frontends: [
        { name: 'admin-dashboard', appPath: 'frontend/admin-dashboard', pipeline: { installCommands: ['pnpm install --frozen-lockfile'], testCommands: ['pnpm test'], buildCommands: ['pnpm build'] } },
        { name: 'customer-app', appPath: 'frontend/customer-app' },
      ],
    });
    const buildspec = (i: number) => JSON.stringify(Template.fromStack(platform.appPipelineStacks[i]).findResources('AWS::CodeBuild::Project'));
    expect(buildspec(0)).toContain('pnpm install --frozen-lockfile');
    expect(buildspec(0)).toContain('pnpm test');
    expect(buildspec(0)).toContain('pnpm build');
    expect(buildspec(1)).toContain('spa-install.sh');
    expect(buildspec(1)).not.toContain('pnpm');
  });

  test('the longest accepted project name and prefix keep every name within AWS limits; no role is named after them', () => {
    const naming = new PlatformNaming({ projectName: 'p'.repeat(48), stackPrefix: 'S'.repeat(107) });
    const { app } = build({ ...context, ...BACKEND_ON, ...FRONTEND_ON }, {
      notificationEmails: ['team@example.com'],
      frontends: [{ name: 'a', appPath: 'web/a', pipelineStackName: 'S'.repeat(100) + '-APipe' }],
    }, naming);
    const assembly = app.synth();
    const names: Record<string, string[]> = { bucket: [], pipeline: [], project: [], role: [] };
    for (const stack of assembly.stacks) {
      expect(stack.stackName.length).toBeLessThanOrEqual(128);
      for (const resource of Object.values<any>(stack.template.Resources)) {
        const p = resource.Properties ?? {};
        if (resource.Type === 'AWS::S3::Bucket' && typeof p.BucketName === 'string') names.bucket.push(p.BucketName);
        if (resource.Type === 'AWS::CodePipeline::Pipeline' && typeof p.Name === 'string') names.pipeline.push(p.Name);
        if (resource.Type === 'AWS::CodeBuild::Project' && typeof p.Name === 'string') names.project.push(p.Name);
        if (resource.Type === 'AWS::IAM::Role' && p.RoleName !== undefined) names.role.push(p.RoleName);
      }
    }
    expect(names.pipeline).toEqual(expect.arrayContaining([`${'p'.repeat(48)}-backend-pipeline`, `${'p'.repeat(48)}-a-pipeline`]));
    expect(Math.max(...names.pipeline.map((n) => n.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...names.project.map((n) => n.length))).toBeLessThanOrEqual(255);
    expect(names.role).toEqual([]);
    expect(names.bucket).toContain(`${'p'.repeat(48)}-a-111122223333`);
    expect(Math.max(...names.bucket.map((n) => n.length))).toBe(63);
  });

  test('props decide over the context', () => {
    const { app } = build({ ...context, ...BACKEND_ON, ...FRONTEND_ON },
      { backendPipeline: false, frontendPipelines: false, monitoring: { enabled: false } });
    expect(topLevelStackNames(app)).toEqual(['E-Com67-FrontendStack']);
  });

  test('the context ecom:monitoring=false turns the monitoring off; monitoring.enabled decides over it', () => {
    const { app, platform } = build({ ...context, 'ecom:monitoring': 'false' });
    expect(platform.monitoring).toBeUndefined();
    expect(topLevelStackNames(app)).toEqual(['E-Com67-FrontendStack']);
    const { platform: on } = build({ ...context, 'ecom:monitoring': 'false' }, { monitoring: { enabled: true } });
    expect(on.monitoringStack?.stackName).toBe('E-Com67-MonitoringStack');
  });

  test('booleans in the context (cdk.json) work too', () => {
    const { platform } = build({ ...context, 'ecom:frontendPipelines': true });
    expect(platform.frontendPipelinesEnabled).toBe(true);
  });

  test('another project name names everything', () => {
    const { app, platform } = build(context, {
      naming: undefined,
      projectName: 'shop',
      stackPrefix: 'Shop',
      frontendPipelines: true,
      frontends: [{ name: 'store-front', appPath: 'web/store' }],
    }, new PlatformNaming({ projectName: 'shop', stackPrefix: 'Shop' }));
    expect(topLevelStackNames(app)).toEqual(['Shop-EdgeMonitoringStack', 'Shop-FrontendStack', 'Shop-MonitoringStack', 'Shop-StorePipelineStack']);
    expect(platform.naming.projectName).toBe('shop');
    Template.fromStack(platform.frontendStack).hasResourceProperties('AWS::S3::Bucket', { BucketName: 'shop-store-front-111122223333' });
    const template = Template.fromStack(platform.appPipelineStacks[0]);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'shop-store-front-pipeline',
      Stages: Match.arrayWith([Match.objectLike({ Actions: [Match.objectLike({ Configuration: Match.objectLike({ RepositoryName: 'shop' }) })] })]),
    });
    template.hasParameter('*', { Default: '/shop/api-url' });
  });

  test('a connection source: each app\'s pipeline starts on changes under its folder', () => {
    const { platform } = build(context, {
      frontendPipelines: true,
      backendPipeline: true,
      source: PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'e-com67/shop', branch: 'main' }),
    });
    Template.fromStack(platform.appPipelineStacks[0]).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Triggers: [{
        ProviderType: 'CodeStarSourceConnection',
        GitConfiguration: Match.objectLike({ Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Includes: ['frontend/admin-dashboard/**'] } }] }),
      }],
    });
    Template.fromStack(platform.backendPipelineStack!).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Source',
        Actions: [Match.objectLike({ Configuration: Match.objectLike({ FullRepositoryId: 'e-com67/shop', BranchName: 'main', ConnectionArn: CONNECTION_ARN }) })],
      })]),
    });
  });

  test('a created repository lives (retained) in the frontend stack and feeds every pipeline', () => {
    const { platform } = build(context, {
      frontendPipelines: true, backendPipeline: true, source: PlatformSource.codeCommit({ createRepository: true }),
    });
    Template.fromStack(platform.frontendStack).hasResource('AWS::CodeCommit::Repository', {
      Properties: { RepositoryName: 'e-com67' },
      DeletionPolicy: 'Retain',
    });
    expect(platform.repository).toBeDefined();
  });

  test('apiUrlInRuntimeConfig: false leaves the app\'s own runtime config', () => {
    const { platform } = build(context, {
      frontendPipelines: true,
      apiUrlInRuntimeConfig: false,
      frontends: [{ name: 'admin-dashboard', appPath: 'frontend/admin-dashboard', pipeline: { runtimeConfig: { region: 'eu-west-1' } } }],
    });
    const template = Template.fromStack(platform.appPipelineStacks[0]);
    expect(Object.keys(template.findParameters('*', { Default: '/e-com67/api-url' }))).toHaveLength(0);
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({ EnvironmentVariables: Match.arrayWith([{ Name: 'SPA_RUNTIME_CONFIG', Type: 'PLAINTEXT', Value: '{"region":"eu-west-1"}' }]) }),
    });
  });
});

describe('EcomPlatform errors', () => {
  const app = () => new App();

  test('a backend stack named like a platform stack', () => {
    const a = app();
    const naming = new PlatformNaming();
    const backend = new Backend(a, 'Backend', naming, { env: ENV });
    new Stack(backend, 'Clash', { stackName: 'E-Com67-FrontendStack' });
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend }))
      .toThrow(/^Platform: invalid `backendStage` \("Backend\/Clash"\): its stack is named "E-Com67-FrontendStack", like a stack of the platform.*Fix: give that stack another `stackName`/);
    expect(a.node.tryFindChild('Platform')).toBeUndefined();
  });

  test('notificationTopic and notificationEmails together', () => {
    const a = app();
    const topic = sns.Topic.fromTopicArn(new Stack(a, 'Ops'), 'T', 'arn:aws:sns:eu-west-1:111122223333:ops');
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, notificationTopic: topic, notificationEmails: ['a@example.com'] }))
      .toThrow(/invalid `notificationEmails` \(\["a@example.com"\]\): a `notificationTopic` was given too/);
  });

  test('not under an App or a Stage', () => {
    const stack = new Stack(app(), 'S');
    expect(() => new EcomPlatform(stack, 'Platform')).toThrow(/S\/Platform: invalid `scope` \("S"\): the platform creates stacks.*Fix: create it with the App/);
    expect(stack.node.tryFindChild('Platform')).toBeUndefined();
  });

  test('the backend pipeline without a backend stage', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { env: ENV, backendPipeline: true, source: PlatformSource.codeCommit() }))
      .toThrow(/Platform: invalid `backendStage` \(undefined\): the backend pipeline is on and has no stage to deploy/);
    const withContext = new App({ context: BACKEND_ON });
    expect(() => new EcomPlatform(withContext, 'Platform', { env: ENV, source: PlatformSource.codeCommit() })).toThrow(/invalid `backendStage`/);
  });

  test('a pipeline without a source', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { env: ENV, frontendPipelines: true }))
      .toThrow(/invalid `source` \(undefined\): the frontend pipelines need a source.*PlatformSource.codeCommit/);
  });

  test('the backend pipeline without an env', () => {
    const a = app();
    expect(() => new EcomPlatform(a, 'Platform', { backendPipeline: true, backendStage: new Stage(a, 'B'), source: PlatformSource.codeCommit() }))
      .toThrow(/invalid `env`.*needs to know the account and region/);
  });

  test('duplicate app names and folders', () => {
    expect(() => new EcomPlatform(app(), 'Platform', {
      frontends: [{ name: 'admin', appPath: 'a' }, { name: 'admin', appPath: 'b' }],
    })).toThrow(/invalid `frontends\[1\].name` \("admin"\): another app has the same name/);
    expect(() => new EcomPlatform(app(), 'Platform', {
      frontends: [{ name: 'admin', appPath: 'web/a' }, { name: 'shop', appPath: 'web/a/' }],
    })).toThrow(/invalid `frontends\[1\].appPath` \("web\/a\/"\): another app has the same folder/);
  });

  test('two apps whose pipeline stacks would share a name', () => {
    expect(() => new EcomPlatform(app(), 'Platform', {
      frontends: [{ name: 'admin-dashboard', appPath: 'a' }, { name: 'admin-reports', appPath: 'b' }],
    })).toThrow(/invalid `frontends\[1\].pipelineStackName` \("E-Com67-AdminPipelineStack"\).*Fix: set `pipelineStackName` of "admin-reports"/);
    expect(() => new EcomPlatform(app(), 'Platform', {
      frontends: [{ name: 'admin-dashboard', appPath: 'a' }, { name: 'admin-reports', appPath: 'b', pipelineStackName: 'E-Com67-ReportsPipelineStack' }],
    })).not.toThrow();
  });

  test('invalid names, with the construct path', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { projectName: 'E-Com67' })).toThrow(/^Platform: invalid `projectName` \("E-Com67"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { stackPrefix: 'e_com' })).toThrow(/^Platform: invalid `stackPrefix`/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: [{ name: 'Admin', appPath: 'a' }] })).toThrow(/invalid `frontends\[0\].name` \("Admin"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: [{ name: 'admin', appPath: '../a' }] })).toThrow(/invalid `frontends\[0\].appPath`/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: [] })).toThrow(/invalid `frontends` \(\[\]\): an empty list hosts nothing/);
    expect(() => new EcomPlatform(app(), 'Platform', { apiUrlParameterName: 'api-url' })).toThrow(/invalid `apiUrlParameterName` \("api-url"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { naming: new PlatformNaming(), projectName: 'shop' }))
      .toThrow(/invalid `projectName` \("shop"\): a `naming` was given too/);
  });

  test('invalid sources', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.codeCommit({ branch: 'a..b' }) })).toThrow(/invalid `source.branch`/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.connection({ connectionArn: 'arn', repository: 'shop' }) }))
      .toThrow(/invalid `source.repository` \("shop"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.connection({ connectionArn: 'arn', repository: 'a/shop' }) }))
      .toThrow(/invalid `source.connectionArn` \("arn"\)/);
  });

  test('sources as JavaScript may pass them', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.connection(undefined as any) }))
      .toThrow(/invalid `source.repository` \(undefined\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.codeCommit({ createRepository: 'yes' as any }) }))
      .toThrow(/invalid `source.createRepository` \("yes"\): it must be true or false/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.codeCommit({ repositoryName: 67 as any }) }))
      .toThrow(/invalid `source.repositoryName` \(67\): it must be a string/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: PlatformSource.codeCommit({ branch: 'refs/heads/main' }) }))
      .toThrow(/invalid `source.branch` \("refs\/heads\/main"\): it is a full git ref.*Fix: give "main"/);
  });

  test('an invalid context value', () => {
    expect(() => new EcomPlatform(new App({ context: { 'ecom:frontendPipelines': 'yes' } }), 'Platform'))
      .toThrow(/invalid `ecom:frontendPipelines` \("yes"\).*-c ecom:frontendPipelines=true/);
  });

  test('app folders: the root, "." components, globs and tokens are refused; ./web/a/ is web/a', () => {
    const folder = (appPath: unknown) => () => new EcomPlatform(app(), 'Platform', { frontends: [{ name: 'admin', appPath: appPath as string }] });
    expect(folder('.')).toThrow(/invalid `frontends\[0\].appPath` \("\."\): the repository root holds every app and the backend/);
    expect(folder('./')).toThrow(/invalid `frontends\[0\].appPath` \("\.\/"\): the repository root/);
    expect(folder('web/./a')).toThrow(/invalid `frontends\[0\].appPath` \("web\/\.\/a"\): it has an empty or "\." component/);
    expect(folder('web//a')).toThrow(/it has an empty or "\." component/);
    expect(folder('web/*')).toThrow(/the component "\*" has characters/);
    expect(folder('/web/a')).toThrow(/it must be a relative path/);
    expect(folder(undefined)).toThrow(/invalid `frontends\[0\].appPath` \(undefined\): the folder is required/);
    expect(folder(7)).toThrow(/invalid `frontends\[0\].appPath` \(7\): it must be a string/);
    expect(folder(new CfnParameter(new Stack(app(), 'Params'), 'P').valueAsString)).toThrow(/must be a literal, not a token/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: [{ name: 'admin', appPath: 'web/a', pipeline: 'x' as any }] }))
      .toThrow(/invalid `frontends\[0\].pipeline` \("x"\): it must be an object, and is a string/);
    const platform = new EcomPlatform(app(), 'Platform', {
      env: ENV,
      frontendPipelines: true,
      source: PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'a/shop' }),
      frontends: [{ name: 'admin', appPath: './web/a/' }],
    });
    expect(JSON.stringify(Template.fromStack(platform.appPipelineStacks[0]).toJSON())).toContain('"FilePaths":{"Includes":["web/a/**"]}');
  });

  test('props as JavaScript may pass them', () => {
    expect(() => new EcomPlatform(app(), 'Platform', { frontendPipelines: 'false' as any })).toThrow(/invalid `frontendPipelines` \("false"\): it must be true or false/);
    expect(() => new EcomPlatform(app(), 'Platform', { source: {} as any, frontendPipelines: true })).toThrow(/invalid `source` \("an object"\): it must be a PlatformSource, and is an object/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: { name: 'admin' } as any })).toThrow(/invalid `frontends`.*it must be a list of apps/);
    expect(() => new EcomPlatform(app(), 'Platform', { frontends: [{ appPath: 'web/a' } as any] })).toThrow(/invalid `frontends\[0\].name` \(undefined\): every app needs a name/);
    expect(() => new EcomPlatform(app(), 'Platform', { env: { account: '1111-2222-3333', region: 'eu-west-1' } })).toThrow(/invalid `env.account` \("1111-2222-3333"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { env: { account: '111122223333', region: 'Ireland' } })).toThrow(/invalid `env.region` \("Ireland"\)/);
    expect(() => new EcomPlatform(app(), 'Platform', { backendLanguage: 'python' as any })).toThrow(/invalid `backendLanguage` \("python"\)/);
  });

  test('backend stage and order', () => {
    const a = app();
    const backend = new Backend(a, 'Backend', new PlatformNaming(), { env: ENV });
    const other = new Backend(a, 'Other', new PlatformNaming({ stackPrefix: 'Other' }), { env: ENV });
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend, backendStackOrder: [] }))
      .toThrow(/invalid `backendStackOrder` \(\[\]\): an empty list orders nothing/);
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend, backendStackOrder: [backend.data, other.data] }))
      .toThrow(/invalid `backendStackOrder` \("Other\/Data"\): the stack is not in `backendStage`/);
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend, backendStackOrder: [backend.data, backend.data] }))
      .toThrow(/invalid `backendStackOrder` \("Backend\/Data"\): the stack is listed twice/);
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: new Stage(a, 'Empty'), backendPipeline: false }))
      .toThrow(/invalid `backendStage` \("Empty"\): it has no stacks/);
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: new Backend(a, 'Agnostic', new PlatformNaming({ stackPrefix: 'Ag' })), backendPipeline: true, source: PlatformSource.codeCommit() }))
      .toThrow(/invalid `backendStage` \("Agnostic\/Data"\): the stack is environment-agnostic/);
    expect(() => new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend, backendAppPath: '$(id)' }))
      .toThrow(/invalid `backendAppPath` \("\$\(id\)"\)/);
  });

  test('in direct mode, backendStackOrder orders `cdk deploy` too', () => {
    const a = app();
    const backend = new Backend(a, 'Backend', new PlatformNaming(), { env: ENV });
    new EcomPlatform(a, 'Platform', { env: ENV, backendStage: backend, backendStackOrder: [backend.data, backend.compute] });
    expect(backend.compute.dependencies).toContain(backend.data);
  });

  test('two platforms of one naming in one app', () => {
    const a = app();
    new EcomPlatform(a, 'Platform', { env: ENV });
    expect(() => new EcomPlatform(a, 'Platform2', { env: ENV }))
      .toThrow(/^Platform2: invalid `naming` \("E-Com67-FrontendStack"\): the app already has a construct with this stack name/);
  });

  test('unknown app names', () => {
    const platform = new EcomPlatform(app(), 'Platform');
    expect(() => platform.hosting('shop')).toThrow(/invalid `name` \("shop"\): no app of this platform has that name. Fix: use one of "admin-dashboard", "customer-app"/);
  });
});
