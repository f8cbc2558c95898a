import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, CfnParameter, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { BackendLanguage, BackendStageOptions, CdkBackendPipeline, CdkBackendPipelineProps } from '../src';
import { BackendStage } from './fixtures/backend/backend-stage';
import { FLAG_CONTEXTS } from './helpers/contexts';

const ENV = { account: '111122223333', region: 'eu-west-1' };

/** The seed's layout: the pipeline in a stack of its own, one Prod stage with Data, Compute and Api. */
function build(context: Record<string, unknown>, props: Partial<CdkBackendPipelineProps> = {},
  options: Partial<BackendStageOptions> = {}, functions = 2) {
  const app = new App({ context });
  const stack = new Stack(app, 'PipelineStack', { env: ENV });
  const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', pipelineName: 'e-com67-backend-pipeline', ...props });
  const stage = new BackendStage(app, 'Prod', { env: ENV, functions });
  pipeline.addStage(stage, { stackOrder: [stage.data, stage.compute, stage.api], ...options });
  pipeline.buildPipeline();
  const template = Template.fromStack(stack);
  return { app, stack, pipeline, stage, template };
}

const stagesOf = (template: Template): any[] =>
  (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties.Stages;
const synthBuildSpec = (template: Template) => {
  const project = Object.values(template.findResources('AWS::CodeBuild::Project'))
    .find((p: any) => String(p.Properties.Description).includes('/Build/Synth')) as any;
  return { project, spec: JSON.parse(project.Properties.Source.BuildSpec) };
};

/** The asset project's buildspec: CDK Pipelines writes it to a file of the cloud assembly. */
function assetBuildSpec(app: App, template: Template) {
  const project = Object.values(template.findResources('AWS::CodeBuild::Project'))
    .find((p: any) => String(p.Properties.Description).includes('/Assets/FileAssets')) as any;
  const file = path.join(app.synth().directory, project.Properties.Source.BuildSpec);
  return { project, file, spec: JSON.parse(fs.readFileSync(file, 'utf-8')) };
}

/** The cdk-assets processes of an asset buildspec: the manifest and the selectors of each. */
function parsePublish(spec: any): Array<{ manifest: string; selectors: string[] }> {
  return (spec.phases.build.commands as string[]).map((command) => {
    const match = /^cdk-assets --path "([^"]+)" --verbose publish((?: "[^"]+")+)$/.exec(command);
    expect(match).not.toBeNull();
    return { manifest: match![1], selectors: [...match![2].matchAll(/"([^"]+)"/g)].map((m) => m[1]) };
  });
}

/** `<asset>:<destination>` of every file asset of an asset manifest of the app's assembly. */
function manifestSelectors(app: App, manifest: string): string[] {
  const files = JSON.parse(fs.readFileSync(path.join(app.synth().directory, manifest), 'utf-8')).files ?? {};
  return Object.entries<any>(files)
    // The stack templates are deployed from the cloud assembly by CloudFormation actions, not published.
    .filter(([, asset]) => !String(asset.source.path).endsWith('.template.json'))
    .flatMap(([id, asset]) => Object.keys(asset.destinations).map((dest) => `${id}:${dest}`));
}

/** The asset manifests of the stages' Compute stacks (the ones with function and layer assets). */
function assetManifests(app: App): string[] {
  const root = app.synth().directory;
  return fs.readdirSync(root).filter((d) => d.startsWith('assembly-'))
    .flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => /Compute[0-9A-F]+\.assets\.json$/.test(f)).map((f) => `${d}/${f}`));
}

/** Stages in several accounts, on CdkBackendPipeline or on a plain pipelines.CodePipeline configured alike. */
type StageEnvs = ReadonlyArray<readonly [string, { account: string; region: string }]>;
function multiAccount(context: Record<string, unknown>, stages: StageEnvs, ours: boolean) {
  const app = new App({ context });
  const stack = new Stack(app, 'PipelineStack', { env: ENV });
  const add = (stage: Stage) => (ours ? backend!.addStage(stage) : plain!.addStage(stage));
  const backend = ours ? new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', crossAccountKeys: true }) : undefined;
  const plain = ours ? undefined : new pipelines.CodePipeline(stack, 'Pipeline', {
    crossAccountKeys: true,
    publishAssetsInParallel: false,
    cdkAssetsCliVersion: '4.7.3',
    synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.gitHub('e-com67/shop', 'main'), commands: ['cdk synth'] }),
  });
  for (const [name, env] of stages) add(new BackendStage(app, name, { env, functions: 3 }));
  if (backend) backend.buildPipeline(); else plain!.buildPipeline();
  return { app, ...assetBuildSpec(app, Template.fromStack(stack)) };
}

describe.each(FLAG_CONTEXTS)('CdkBackendPipeline ($name)', ({ context }) => {
  describe('defaults', () => {
    const { app, template, stack, pipeline } = build(context);
    const stages = stagesOf(template);

    test('stages: Source, Build (synth), Assets, then the deploy stage; no self-mutation', () => {
      expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'Assets', 'Prod']);
      expect(stages[1].Actions.map((a: any) => a.Name)).toEqual(['Synth']);
    });

    test('a V2 pipeline in QUEUED mode with a reproducible name, on its own artifact bucket, not restarting itself', () => {
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        Name: 'e-com67-backend-pipeline',
        PipelineType: 'V2',
        ExecutionMode: 'QUEUED',
        RestartExecutionOnUpdate: false,
        ArtifactStore: { Type: 'S3', Location: { Ref: stack.resolve((pipeline.artifactBucket.node.defaultChild as any).logicalId) }, EncryptionKey: Match.anyValue() },
      });
    });

    test('the three stacks deploy in strictly increasing run order Data -> Compute -> Api', () => {
      const runOrder = (name: string) => stages[3].Actions.find((a: any) => a.Name === name).RunOrder;
      expect(runOrder('Data.Prepare')).toBeLessThan(runOrder('Data.Deploy'));
      expect(runOrder('Data.Deploy')).toBeLessThan(runOrder('Compute.Prepare'));
      expect(runOrder('Compute.Deploy')).toBeLessThan(runOrder('Api.Prepare'));
      expect(runOrder('Api.Prepare')).toBeLessThan(runOrder('Api.Deploy'));
    });

    test('one file asset publishing action for every file asset, on one CodeBuild project', () => {
      expect(stages[2].Actions.map((a: any) => a.Name)).toEqual(['FileAssets']);
      const assetProjects = Object.values(template.findResources('AWS::CodeBuild::Project'))
        .filter((p: any) => String(p.Properties.Description).includes('/Assets/'));
      expect(assetProjects).toHaveLength(1);
    });

    test('a push to master starts it through EventBridge; the source action does not poll', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.codecommit'],
          'detail-type': ['CodeCommit Repository State Change'],
          'detail': { event: ['referenceCreated', 'referenceUpdated'], referenceName: ['master'] },
        },
      });
      expect(stages[0].Actions[0].Configuration).toMatchObject({ RepositoryName: 'e-com67', BranchName: 'master', PollForSourceChanges: false });
    });

    test('the Python synth: pinned CLI and runtimes, pip install, cdk synth, pip and npm caches in the artifact bucket', () => {
      const { project, spec } = synthBuildSpec(template);
      expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: '22', python: '3.12' });
      expect(spec.phases.install.commands).toEqual(['npm install -g aws-cdk@2.1148.1', 'pip install -r requirements.txt']);
      expect(spec.phases.build.commands).toEqual(['cdk synth']);
      expect(spec.artifacts['base-directory']).toBe('cdk.out');
      expect(spec.cache.paths).toEqual(['/root/.cache/pip/**/*', '/root/.npm/**/*']);
      expect(project.Properties.Cache.Type).toBe('S3');
      expect(JSON.stringify(project.Properties.Cache.Location)).toContain('build-cache/synth');
    });

    test('no CodeBuild project is privileged, and each is encrypted with the pipeline key and logs with retention', () => {
      const keyId = stack.resolve((pipeline.artifactKey.node.defaultChild as any).logicalId);
      const logsId = stack.resolve((pipeline.buildLogGroup.node.defaultChild as any).logicalId);
      const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as any[];
      expect(projects.length).toBeGreaterThanOrEqual(2);
      for (const p of projects) {
        expect(p.Properties.Environment.PrivilegedMode).toBe(false);
        expect(p.Properties.EncryptionKey).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
        expect(p.Properties.LogsConfig.CloudWatchLogs.GroupName).toEqual({ Ref: logsId });
      }
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });

    test('asset publishing installs a pinned cdk-assets, from npm\'s cache in the artifact bucket when there (its buildspec is a file in the cloud assembly)', () => {
      const { project, spec } = assetBuildSpec(app, template);
      expect(spec.phases.install.commands).toEqual(['npm install -g --prefer-offline --no-audit --no-fund cdk-assets@4.7.3']);
      expect(spec.cache.paths).toEqual(['/root/.npm/**/*']);
      expect(project.Properties.Cache.Type).toBe('S3');
      expect(JSON.stringify(project.Properties.Cache.Location)).toContain('build-cache/assets');
    });

    test('the asset role may write the asset build cache, and nothing else of the artifact bucket', () => {
      const assetPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.includes('AssetsFileRole'))![1] as any;
      const bucketId = stack.resolve((pipeline.artifactBucket.node.defaultChild as any).logicalId);
      const writes = (assetPolicy.Properties.PolicyDocument.Statement as any[])
        .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:Put') || a.startsWith('s3:Delete')))
        .flatMap((st) => [st.Resource].flat()).filter((r) => JSON.stringify(r).includes(bucketId))
        // Object actions apply to object ARNs (<bucket ARN>/<key pattern>) only.
        .filter((r) => r['Fn::Join']);
      expect(writes).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/build-cache/assets/*']] }]);
    });

    test('buildPipeline() is idempotent', () => {
      expect(() => pipeline.buildPipeline()).not.toThrow();
    });
  });

  test('a single file asset publishing action however many assets', () => {
    const { template, stage } = build(context, {}, {}, 6);
    expect(stage.fileAssets).toBe(7);
    expect(stagesOf(template)[2].Actions.map((a: any) => a.Name)).toEqual(['FileAssets']);
  });

  describe('asset publishing: one cdk-assets process per asset manifest', () => {
    test.each([1, 6, 30])('%d functions: one process publishes every file asset of the Compute manifest to its destination', (functions) => {
      const { app, template, stage } = build(context, {}, {}, functions);
      const { spec } = assetBuildSpec(app, template);
      const commands = parsePublish(spec);
      expect(commands).toHaveLength(1);
      expect(commands[0].manifest).toMatch(/^assembly-Prod\/ProdCompute[0-9A-F]+\.assets\.json$/);
      expect(commands[0].selectors).toHaveLength(stage.fileAssets);
      expect(new Set(commands[0].selectors)).toEqual(new Set(manifestSelectors(app, commands[0].manifest)));
    });

    test('the same manifests, assets and destinations as CDK Pipelines generates, in its order, for 3 stages in 2 accounts', () => {
      const stages = [['Dev', ENV], ['Staging', ENV], ['Prod', { account: '444455556666', region: 'eu-west-1' }]] as const;
      const ours = multiAccount(context, stages, true);
      const plain = multiAccount(context, stages, false);
      const before = plain.spec.phases.build.commands as string[];
      expect(before.length).toBeGreaterThan(3);
      const after = parsePublish(ours.spec);
      const pairs = (cs: Array<{ manifest: string; selectors: string[] }>) => cs.flatMap((c) => c.selectors.map((sel) => `${c.manifest} ${sel}`));
      expect(pairs(after)).toEqual(pairs(parsePublish(plain.spec)));
      // One process per manifest, each manifest once; the prod account's assets go to its own destinations.
      expect(new Set(after.map((c) => c.manifest)).size).toBe(after.length);
      expect(after.length).toBeLessThanOrEqual(stages.length);
      const prod = after.find((c) => c.manifest.startsWith('assembly-Prod/'))!;
      expect(prod.selectors.length).toBeGreaterThan(0);
      expect(prod.selectors.every((sel) => sel.includes(':444455556666-eu-west-1'))).toBe(true);
      expect(after.filter((c) => !c.manifest.startsWith('assembly-Prod/')).flatMap((c) => c.selectors).every((sel) => sel.includes(':111122223333-eu-west-1'))).toBe(true);
      // Every asset of every stage's manifests is published to where that stage deploys.
      const published = new Set(after.flatMap((c) => c.selectors));
      for (const manifest of assetManifests(ours.app)) {
        for (const sel of manifestSelectors(ours.app, manifest)) expect(published).toContain(sel);
      }
      expect(ours.spec.phases.install.commands).toEqual(['npm install -g --prefer-offline --no-audit --no-fund cdk-assets@4.7.3']);
    });

    test('a buildspec not in the shape CDK Pipelines generates is left as it is', () => {
      const { app, template } = build(context);
      const { file } = assetBuildSpec(app, template);
      const foreign = JSON.stringify({
        version: '0.2',
        phases: {
          install: { commands: ['npm install -g cdk-assets@4.7.3'] },
          build: { commands: ['cdk-assets --path "a.assets.json" --verbose publish "x:y"', 'cdk-assets --path "a.assets.json" publish --profile other "z:y"'] },
        },
      }, undefined, 2);
      fs.writeFileSync(file, foreign);
      app.synth({ force: true });
      expect(fs.readFileSync(file, 'utf-8')).toBe(foreign);
    });
  });

  describe('options', () => {
    const { template } = build(context, {
      selfMutation: true,
      useChangeSets: false,
      executionMode: codepipeline.ExecutionMode.SUPERSEDED,
      language: BackendLanguage.TYPESCRIPT,
      appPath: 'backend/',
      notificationEmails: ['ops@example.com'],
    }, {
      manualApproval: true,
      confirmPermissionsBroadening: true,
      post: [new pipelines.ShellStep('IntegrationTests', { commands: ['pytest tests/integration'] })],
    });
    const stages = stagesOf(template);

    test('self-mutation adds the UpdatePipeline stage and restarts on update', () => {
      expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Prod']);
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ExecutionMode: 'SUPERSEDED', RestartExecutionOnUpdate: true });
    });

    test('the permissions check, then the manual approval, then the stacks without change sets, then the post step', () => {
      const names = stages[4].Actions.sort((a: any, b: any) => a.RunOrder - b.RunOrder).map((a: any) => a.Name);
      expect(names).toEqual(['CheckPermissions.Check', 'CheckPermissions.Confirm', 'Approve', 'Data.Deploy', 'Compute.Deploy', 'Api.Deploy', 'IntegrationTests']);
      const approve = stages[4].Actions.find((a: any) => a.Name === 'Approve');
      expect(approve.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    });

    test('the TypeScript synth in a monorepo folder: npm ci, npx cdk synth, <appPath>/cdk.out, npm cache only', () => {
      const { spec } = synthBuildSpec(template);
      expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: '22' });
      expect(spec.phases.install.commands).toEqual(['cd "$CODEBUILD_SRC_DIR/backend"', 'npm ci']);
      expect(spec.phases.build.commands).toEqual(['cd "$CODEBUILD_SRC_DIR/backend"', 'npx cdk synth']);
      expect(spec.artifacts['base-directory']).toBe('backend/cdk.out');
      expect(spec.cache.paths).toEqual(['/root/.npm/**/*']);
    });

    test('notifications on the built pipeline', () => {
      template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
        EventTypeIds: Match.arrayWith(['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-manual-approval-needed']),
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });
  });

  test('any CodePipelineSource can be given instead of a repository name', () => {
    const { template } = build(context, {
      repositoryName: undefined,
      source: pipelines.CodePipelineSource.connection('e-com67/shop', 'main', {
        connectionArn: 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      }),
    });
    expect(stagesOf(template)[0].Actions[0].ActionTypeId).toMatchObject({ Provider: 'CodeStarSourceConnection' });
  });

  describe('codeArtifactRepository', () => {
    const LOGIN = 'aws codeartifact login --tool pip --domain e-com67 --domain-owner 111122223333 --repository shop';
    const { template } = build(context, { codeArtifactRepository: { domain: 'e-com67', repository: 'shop' } });

    test('the Python synth logs pip in (owner: the pipeline\'s account) before it installs anything', () => {
      expect(synthBuildSpec(template).spec.phases.install.commands).toEqual([
        LOGIN, 'npm install -g aws-cdk@2.1148.1', 'pip install -r requirements.txt',
      ]);
    });

    test('a policy of its own gives the synth role exactly the login\'s and the downloads\' permissions; no other policy any', () => {
      const arn = (resource: string) => `arn:aws:codeartifact:eu-west-1:111122223333:${resource}`;
      // The partition is a literal under the recommended flags, the pseudo parameter without them.
      const withPartition = (s: any) => {
        const resource = typeof s.Resource === 'string' ? s.Resource
          : s.Resource['Fn::Join'][1].map((part: any) => (part.Ref === 'AWS::Partition' ? 'aws' : part)).join('');
        return { ...s, Resource: resource };
      };
      const isCodeArtifact = (s: any) => [s.Action].flat().some((a: string) => a.startsWith('codeartifact:') || a === 'sts:GetServiceBearerToken');
      const { project } = synthBuildSpec(template);
      const policies = template.findResources('AWS::IAM::Policy');
      const [id, policy] = Object.entries(policies).find(([i]) => i.startsWith('BackendSynthCodeArtifactPolicy')) as [string, any];
      expect(policy.Properties.Roles).toEqual([{ Ref: project.Properties.ServiceRole['Fn::GetAtt'][0] }]);
      expect(policy.Properties.PolicyDocument.Statement.map(withPartition)).toEqual([
        { Effect: 'Allow', Action: 'codeartifact:GetAuthorizationToken', Resource: arn('domain/e-com67') },
        { Effect: 'Allow', Action: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'], Resource: arn('repository/e-com67/shop') },
        {
          Effect: 'Allow',
          Action: 'sts:GetServiceBearerToken',
          Resource: '*',
          Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
        },
      ]);
      const others = Object.entries(policies).filter(([i]) => i !== id).flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
      expect(others.filter(isCodeArtifact)).toEqual([]);
      // The pipeline runs on creation: the synth project waits for its permissions.
      expect(project.DependsOn).toContain(id);
    });

    test('its "*" (sts:GetServiceBearerToken) is acknowledged on that policy only, with its reason', () => {
      const acknowledgements = (t: Template) => Object.fromEntries(Object.entries(t.findResources('AWS::IAM::Policy'))
        .map(([id, p]: [string, any]) => [id, p.Metadata?.cdk_nag?.rules_to_suppress ?? []]));
      const mine = acknowledgements(template);
      const id = Object.keys(mine).find((i) => i.startsWith('BackendSynthCodeArtifactPolicy'))!;
      expect(mine[id]).toEqual([{
        id: 'AwsSolutions-IAM5',
        applies_to: ['Resource::*'],
        reason: expect.stringMatching(/^sts:GetServiceBearerToken has no resource type.*conditioned on sts:AWSServiceName codeartifact\.amazonaws\.com/),
      }]);
      delete mine[id];
      expect(mine).toEqual(acknowledgements(build(context).template));
    });

    test('without buildPipeline(), synthesis attaches the policy too', () => {
      const app = new App({ context });
      const stack = new Stack(app, 'PipelineStack', { env: ENV });
      const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67', repository: 'shop' } });
      pipeline.addStage(new BackendStage(app, 'Prod', { env: ENV }));
      const policy = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
        .find(([i]) => i.startsWith('BackendSynthCodeArtifactPolicy'))?.[1] as any;
      expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^BackendCodePipelineBuildSynthCdkBuildProjectRole/) }]);
    });

    test('TypeScript in a monorepo folder, with your own install commands and a domain in another account: npm is logged in after the cd, before them', () => {
      const ts = build(context, {
        language: BackendLanguage.TYPESCRIPT,
        appPath: 'backend',
        installCommands: ['npm ci --ignore-scripts'],
        codeArtifactRepository: { domain: 'e-com67', domainOwner: '444455556666', repository: 'shop' },
      });
      expect(synthBuildSpec(ts.template).spec.phases.install.commands).toEqual([
        'cd "$CODEBUILD_SRC_DIR/backend"',
        'aws codeartifact login --tool npm --domain e-com67 --domain-owner 444455556666 --repository shop',
        'npm ci --ignore-scripts',
      ]);
      expect(JSON.stringify(ts.template.toJSON())).toContain(':codeartifact:eu-west-1:444455556666:repository/e-com67/shop');
    });
  });

  test('a cross-account stage with crossAccountKeys deploys with the target account\'s bootstrap roles', () => {
    const app = new App({ context });
    const stack = new Stack(app, 'PipelineStack', { env: ENV });
    const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', crossAccountKeys: true });
    pipeline.addStage(new BackendStage(app, 'Prod', { env: { account: '444455556666', region: 'eu-west-1' } }));
    pipeline.buildPipeline();
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(text).toContain('cdk-hnb659fds-deploy-role-444455556666-eu-west-1');
  });
});

describe('CdkBackendPipeline rejects bad input', () => {
  const cases: Array<[string, (app: App, stack: Stack) => void, RegExp]> = [
    ['an env-agnostic pipeline stack', (app) => new CdkBackendPipeline(new Stack(app, 'Agnostic'), 'Backend', { repositoryName: 'e-com67' }),
      /^Agnostic\/Backend: invalid `env`.*environment-agnostic.*Fix: give the stack/],
    ['an env-agnostic stage', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(new BackendStage(app, 'Prod')),
      /^PipelineStack\/Backend: invalid `stage` \("Prod\/Data"\): the stack is environment-agnostic.*Fix: give the stage/],
    ['another region', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' })
      .addStage(new BackendStage(app, 'Prod', { env: { ...ENV, region: 'us-east-1' } })), /invalid `stage` \("Prod\/Data \(us-east-1\)"\).*Fix: deploy the stage to eu-west-1/],
    ['another account with crossAccountKeys off', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' })
      .addStage(new BackendStage(app, 'Prod', { env: { ...ENV, account: '444455556666' } })), /`crossAccountKeys` is off\. Fix: set `crossAccountKeys: true`/],
    ['a stack order naming a stack not in the stage', (app, stack) => {
      const other = new BackendStage(app, 'Other', { env: ENV });
      const prod = new BackendStage(app, 'Prod', { env: ENV });
      new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(prod, { stackOrder: [prod.data, other.compute] });
    }, /invalid `stackOrder` \("Other\/Compute"\): the stack is not in the stage `Prod`/],
    ['a stack listed twice', (app, stack) => {
      const prod = new BackendStage(app, 'Prod', { env: ENV });
      new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(prod, { stackOrder: [prod.data, prod.compute, prod.data] });
    }, /invalid `stackOrder` \("Prod\/Data"\): the stack is listed twice/],
    ['an empty stage', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(new Stage(app, 'Empty', { env: ENV })),
      /invalid `stage` \("Empty"\): it has no stacks/],
    ['a stage added after buildPipeline()', (app, stack) => {
      const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
      pipeline.addStage(new BackendStage(app, 'Prod', { env: ENV }));
      pipeline.buildPipeline();
      pipeline.addStage(new BackendStage(app, 'Prod2', { env: ENV }));
    }, /the pipeline is already built/],
    ['empty synth commands', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', synthCommands: [] }),
      /invalid `synthCommands` \(\[\]\): the app cannot be synthesized without them/],
    ['a blank install command', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', installCommands: [' '] }),
      /invalid `installCommands`/],
    ['an invalid pipeline name', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', pipelineName: 'e-com67 backend' }),
      /invalid `pipelineName` \("e-com67 backend"\)/],
    ['an unsupported language', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', language: 'JAVA' as BackendLanguage }),
      /invalid `language` \("JAVA"\).*BackendLanguage\.PYTHON, BackendLanguage\.TYPESCRIPT/],
    ['an unsupported Python version', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', pythonVersion: '3.8' }),
      /invalid `pythonVersion` \("3\.8"\)/],
    ['a Python version for a TypeScript app', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', language: BackendLanguage.TYPESCRIPT, pythonVersion: '3.12' }),
      /invalid `pythonVersion`.*the app is TypeScript/],
    ['an unsupported Node.js version', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', nodeVersion: '16' }),
      /invalid `nodeVersion` \("16"\)/],
    ['a CLI version that moves', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', cdkCliVersion: 'latest' }),
      /invalid `cdkCliVersion` \("latest"\)/],
    ['both source and repositoryName', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', source: pipelines.CodePipelineSource.gitHub('e-com67/shop', 'main'),
    }), /invalid `repositoryName` \("e-com67"\): a `source` was given too/],
    ['neither source nor repositoryName', (_app, stack) => new CdkBackendPipeline(stack, 'Backend'), /invalid `source` \(undefined\): the pipeline needs a source/],
    ['a branch without repositoryName', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      source: pipelines.CodePipelineSource.gitHub('e-com67/shop', 'main'), branch: 'main',
    }), /invalid `branch` \("main"\): it applies to `repositoryName` only/],
    ['an invalid branch', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', branch: 'feature..x' }),
      /invalid `branch` \("feature\.\.x"\): it is not a valid git branch name: it has "\.\."/],
    ['an invalid repository name', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67/backend' }),
      /invalid `repositoryName`/],
    ['an appPath outside the repository', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', appPath: '../backend' }),
      /invalid `appPath` \("\.\.\/backend"\)/],
    ['a CodeArtifact domain with capitals', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain: 'E-Com67', repository: 'shop' },
    }), /^PipelineStack\/Backend: invalid `codeArtifactRepository\.domain` \("E-Com67"\): CodeArtifact domain names are 2-50 lowercase.*Fix: give the domain's name/],
    ['a CodeArtifact domain ending with -', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67-', repository: 'shop' },
    }), /invalid `codeArtifactRepository\.domain` \("e-com67-"\)/],
    ['a one-character CodeArtifact repository', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67', repository: 's' },
    }), /invalid `codeArtifactRepository\.repository` \("s"\): CodeArtifact repository names are 2-100/],
    ['a CodeArtifact repository with a slash', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67', repository: 'shop/python' },
    }), /invalid `codeArtifactRepository\.repository` \("shop\/python"\)/],
    ['a domain owner that is not an account ID', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain: 'e-com67', domainOwner: '1111-2222-3333', repository: 'shop' },
    }), /invalid `codeArtifactRepository\.domainOwner` \("1111-2222-3333"\): it is not a 12-digit AWS account ID\. Fix: give the account/],
    ['PARALLEL execution', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', executionMode: codepipeline.ExecutionMode.PARALLEL }),
      /invalid `executionMode` \("PARALLEL"\)/],
    // As JavaScript or Python callers may pass them: the library's words, never a TypeError.
    ['selfMutation as the string "false"', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', selfMutation: 'false' as any }),
      /invalid `selfMutation` \("false"\): it must be true or false, and is a string/],
    ['installCommands as a string', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', installCommands: 'npm ci' as any }),
      /invalid `installCommands` \("npm ci"\): it must be a list/],
    ['a repository name that is a number', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 67 as any }),
      /invalid `repositoryName` \(67\): it must be a string/],
    ['a source that is a string', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { source: 'e-com67/shop' as any }),
      /invalid `source` \("e-com67\/shop"\): it must be a pipelines.CodePipelineSource/],
    ['an unknown log retention', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', logRetention: 45 as any }),
      /invalid `logRetention` \(45\): it is not a value of logs.RetentionDays/],
    ['an unknown removal policy', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', removalPolicy: 'keep' as any }),
      /invalid `removalPolicy` \("keep"\): it is not a value of RemovalPolicy/],
    ['a CodeArtifact repository without its domain', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { repository: 'shop' } as any,
    }), /invalid `codeArtifactRepository.domain` \(undefined\): the domain is required/],
    ['an appPath that is a token', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', appPath: new CfnParameter(stack, 'Path').valueAsString,
    }), /invalid `appPath` .*must be a literal, not a token/],
    ['an appPath with a "." component', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', appPath: 'backend/./app' }),
      /invalid `appPath` \("backend\/\.\/app"\): it has an empty or "\." component/],
    ['an appPath with a glob', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', appPath: 'backend/*' }),
      /invalid `appPath` \("backend\/\*"\): the component "\*" has characters/],
    ['an appPath with a newline', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', appPath: 'backend\nrm' }),
      /invalid `appPath`/],
    ['an absolute appPath', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', appPath: '/backend' }),
      /invalid `appPath` \("\/backend"\): it must be a relative path/],
    ['addStage without a stage (JavaScript)', (_app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(undefined as any),
      /invalid `stage` \(undefined\): a Stage is required/],
    ['the same stage twice', (app, stack) => {
      const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
      const prod = new BackendStage(app, 'Prod', { env: ENV });
      pipeline.addStage(prod);
      pipeline.addStage(prod);
    }, /invalid `stage` \("Prod"\): the stage is already in the pipeline/],
    ['an empty stack order', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' })
      .addStage(new BackendStage(app, 'Prod', { env: ENV }), { stackOrder: [] }), /invalid `stackOrder` \(\[\]\): an empty list orders nothing/],
    ['a stack order against a declared dependency', (app, stack) => {
      const prod = new BackendStage(app, 'Prod', { env: ENV });
      prod.api.addDependency(prod.data);
      new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' }).addStage(prod, { stackOrder: [prod.api, prod.data] });
    }, /invalid `stackOrder`.*Prod\/Api already depends on Prod\/Data/],
    ['a pre step that is not a Step', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' })
      .addStage(new BackendStage(app, 'Prod', { env: ENV }), { pre: ['echo hi'] as any }), /invalid `pre` \(\["echo hi"\]\): it must be a list of pipelines.Step/],
    ['manualApproval as a string', (app, stack) => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' })
      .addStage(new BackendStage(app, 'Prod', { env: ENV }), { manualApproval: 'yes' as any }), /invalid `manualApproval` \("yes"\)/],
  ];

  test.each(cases)('%s', (_name, act, message) => {
    const app = new App();
    const stack = new Stack(app, 'PipelineStack', { env: ENV });
    expect(() => act(app, stack)).toThrow(message);
  });

  test('CodeArtifact names that are tokens are not checked', () => {
    const app = new App();
    const stack = new Stack(app, 'PipelineStack', { env: ENV });
    const domain = new CfnParameter(stack, 'Domain').valueAsString;
    expect(() => new CdkBackendPipeline(stack, 'Backend', {
      repositoryName: 'e-com67', codeArtifactRepository: { domain, domainOwner: Aws.ACCOUNT_ID, repository: 'shop' },
    })).not.toThrow();
  });

  test('an appPath of "./backend/" is the folder backend', () => {
    const { template } = build({}, { appPath: './backend/' });
    expect(JSON.stringify(synthBuildSpec(template).spec)).toContain('cd \\"$CODEBUILD_SRC_DIR/backend\\"');
  });

  test('a rejected pipeline leaves nothing half-created in the tree', () => {
    const app = new App();
    const stack = new Stack(app, 'PipelineStack', { env: ENV });
    expect(() => new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67', synthCommands: [] })).toThrow();
    expect(stack.node.tryFindChild('Backend')).toBeUndefined();
  });
});

describe('CdkBackendPipeline IAM', () => {
  test('the asset publishing role has no CodeBuild permission on "*"; the pipeline starts the asset project through its action role, on the project only', () => {
    for (const { context } of FLAG_CONTEXTS) {
      const { template, stack, pipeline } = build(context);
      const assetPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.includes('AssetsFileRole'))![1] as any;
      const statements: any[] = assetPolicy.Properties.PolicyDocument.Statement;
      expect(statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('codebuild:Start') || a.startsWith('codebuild:Stop')))).toEqual([]);
      expect(statements.some((s) => s.Resource === '*')).toBe(false);
      // The role still publishes: it assumes the bootstrap file-publishing role and reads the artifacts.
      expect(JSON.stringify(statements)).toContain('cdk-hnb659fds-file-publishing-role');
      const assetProject = pipeline.pipeline.node.findChild('Assets').node.findChild('FileAsset').node.defaultChild as any;
      const actionPolicy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.includes('CodeBuildActionRole'))![1] as any;
      const started = (actionPolicy.Properties.PolicyDocument.Statement as any[])
        .filter((s) => [s.Action].flat().includes('codebuild:StartBuild')).flatMap((s) => [s.Resource].flat());
      expect(started).toContainEqual({ 'Fn::GetAtt': [stack.resolve(assetProject.logicalId), 'Arn'] });
    }
  });

  test('a statement added to the asset role later is kept', () => {
    const app = new App();
    const stack = new Stack(app, 'PipelineStack', { env: ENV });
    const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
    pipeline.addStage(new BackendStage(app, 'Prod', { env: ENV }));
    pipeline.buildPipeline();
    const role = pipeline.pipeline.node.findChild('Assets').node.findChild('FileRole') as iam.Role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::extra/*'] }));
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('arn:aws:s3:::extra/*');
  });

  test('stackOrder uses no deprecated aws-cdk-lib API (JSII_DEPRECATED=fail)', () => {
    const previous = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'fail';
    try {
      const { stage } = build({});
      expect(stage.compute.dependencies).toContain(stage.data);
      expect(stage.api.dependencies).toContain(stage.compute);
    } finally {
      if (previous === undefined) {
        delete process.env.JSII_DEPRECATED;
      } else {
        process.env.JSII_DEPRECATED = previous;
      }
    }
  });

  test('the generated auto-approve function records why checkov\'s Lambda checks do not apply', () => {
    const { template } = build({}, {}, { confirmPermissionsBroadening: true });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
    expect(fn.Metadata.checkov.skip.map((s: any) => s.id).sort()).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
  });
});
