import { App, CfnElement, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ComputeMode, SpaHosting, SpaPipeline, SpaPipelineProps, SpaRouting, SpaSource } from '../src';
import { FLAG_CONTEXTS } from './helpers/contexts';
import { DEFAULT_HASHED_PATTERN, releaseRoutingOf } from '../src/private/release-routing';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** The seed's layout: hosting in the frontend stack, each pipeline in a stack of its own. */
function build(context: Record<string, unknown>, props: (stack: Stack) => Partial<SpaPipelineProps> = () => ({})) {
  const app = new App({ context });
  const frontend = new Stack(app, 'Frontend', { env: ENV });
  const hosting = new SpaHosting(frontend, 'Admin');
  const stack = new Stack(app, 'AdminPipelineStack', { env: ENV });
  const repository = codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67');
  const pipeline = new SpaPipeline(stack, 'AdminPipeline', {
    hosting,
    source: SpaSource.codeCommit(repository, 'master'),
    ...props(stack),
  });
  let template: Template | undefined;
  return { app, stack, frontend, hosting, pipeline, get template() { return template ??= Template.fromStack(stack); } };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.resolve((construct.node.defaultChild as any).logicalId);
const buildSpecOf = (template: Template, projectId: string) =>
  JSON.parse(template.toJSON().Resources[projectId].Properties.Source.BuildSpec);
const statementsOf = (template: Template, roleId: string): any[] => Object.values(template.findResources('AWS::IAM::Policy'))
  .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
  .flatMap((p) => p.Properties.PolicyDocument.Statement);

describe.each(FLAG_CONTEXTS)('SpaPipeline ($name)', ({ context }) => {
  describe('defaults', () => {
    const { template, stack, pipeline, frontend, hosting } = build(context);
    const buildId = logicalId(stack, pipeline.buildProject);
    const deployId = logicalId(stack, pipeline.deployProject);
    const hostingBucketId = frontend.resolve((hosting.bucket.node.defaultChild as any).logicalId);

    test('a V2 pipeline in QUEUED mode: Source -> Build -> Deploy, on its own artifact bucket', () => {
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        PipelineType: 'V2',
        ExecutionMode: 'QUEUED',
        RestartExecutionOnUpdate: false,
        ArtifactStore: { Type: 'S3', Location: { Ref: logicalId(stack, pipeline.artifactBucket) }, EncryptionKey: Match.anyValue() },
        Stages: [
          Match.objectLike({
            Name: 'Source',
            Actions: [Match.objectLike({
              ActionTypeId: Match.objectLike({ Provider: 'CodeCommit' }),
              Configuration: Match.objectLike({ RepositoryName: 'e-com67', BranchName: 'master', PollForSourceChanges: false }),
              Namespace: 'Source_Source_NS',
            })],
          }),
          Match.objectLike({ Name: 'Build', Actions: [Match.objectLike({ Configuration: Match.objectLike({ ProjectName: { Ref: buildId } }) })] }),
          Match.objectLike({
            Name: 'Deploy',
            Actions: [Match.objectLike({
              Configuration: Match.objectLike({
                ProjectName: { Ref: deployId },
                // The program names releases after the source action's commit (the deploy's input is the build
                // output, so CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION is not documented to be it) and the build number.
                EnvironmentVariables: JSON.stringify([{ name: 'SPA_SOURCE_VERSION', type: 'PLAINTEXT', value: '#{Source_Source_NS.CommitId}' }]),
              }),
            })],
          }),
        ],
      });
    });

    test('a push to master starts it through EventBridge', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.codecommit'],
          'detail-type': ['CodeCommit Repository State Change'],
          'detail': { event: ['referenceCreated', 'referenceUpdated'], referenceName: ['master'] },
        },
        Targets: [Match.objectLike({ Arn: Match.anyValue() })],
      });
    });

    test('the build: on EC2, the shipped install script and npm run build on Node 22, npm cache (not node_modules) kept, dist published', () => {
      template.hasResourceProperties('AWS::CodeBuild::Project', {
        Environment: { Image: 'aws/codebuild/standard:7.0', ComputeType: 'BUILD_GENERAL1_SMALL', PrivilegedMode: false, Type: 'LINUX_CONTAINER' },
        EncryptionKey: Match.anyValue(),
        Cache: { Type: 'S3', Location: Match.anyValue() },
        LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: Match.anyValue() } },
      });
      const spec = buildSpecOf(template, buildId);
      expect(spec.phases.install).toEqual({ 'runtime-versions': { nodejs: '22' }, 'commands': ['cd "$CODEBUILD_SRC_DIR/."', ...SpaPipeline.defaultInstallCommands()] });
      expect(SpaPipeline.defaultInstallCommands()[1]).toBe('bash "${TMPDIR:-/tmp}/spa-install.sh"');
      expect(spec.phases.pre_build).toBeUndefined();
      expect(spec.phases.build.commands).toEqual(['cd "$CODEBUILD_SRC_DIR/."', 'npm run build']);
      expect(spec.artifacts).toEqual({ 'base-directory': 'dist', 'files': ['**/*'] });
      expect(spec.cache).toEqual({ paths: ['/root/.npm/**/*'] });
    });

    test('the deploy runs on Lambda compute: it downloads the shipped program and runs it with node, no timeout, no cache', () => {
      const project = template.toJSON().Resources[deployId].Properties;
      expect(project.Environment).toMatchObject({
        Type: 'LINUX_LAMBDA_CONTAINER', ComputeType: 'BUILD_LAMBDA_1GB', Image: 'aws/codebuild/amazonlinux-x86_64-lambda-standard:nodejs22',
      });
      expect(project.TimeoutInMinutes).toBeUndefined();
      expect(project.Cache).toEqual({ Type: 'NO_CACHE' });
      const spec = buildSpecOf(template, deployId);
      expect(spec.phases).toEqual({ build: { commands: SpaPipeline.deployCommands() } });
      expect(SpaPipeline.deployCommands()).toEqual([
        'aws s3 cp --no-progress "$SPA_PROGRAM_URL" "${TMPDIR:-/tmp}/spa-release.js"',
        'node "${TMPDIR:-/tmp}/spa-release.js" deploy',
      ]);
    });

    test('the deploy\'s environment: the program\'s S3 URL, the bucket, the store, the distribution\'s URL and the defaults', () => {
      const variables = Object.fromEntries(template.toJSON().Resources[deployId].Properties.Environment.EnvironmentVariables
        .map((v: any) => [v.Name, v.Value]));
      const asset = stack.resolve(pipeline.deployProgram.s3ObjectUrl);
      expect(variables).toEqual({
        SPA_PROGRAM_URL: asset,
        SPA_BUCKET: { 'Fn::ImportValue': expect.stringMatching(`Frontend:ExportsOutputRef${hostingBucketId}`) },
        SPA_KVS_ARN: { 'Fn::ImportValue': expect.stringMatching(/^Frontend:ExportsOutputFnGetAtt.*Arn/) },
        SPA_SITE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::ImportValue': expect.stringMatching(/Frontend:ExportsOutputFnGetAttAdminDistribution.*DomainName/) }]] },
        SPA_SOURCE_DIR: '.',
        SPA_HASHED_PATTERN: DEFAULT_HASHED_PATTERN,
        SPA_KEEP_RELEASES: '10',
        SPA_SOURCE_MAPS: 'private',
        SPA_PROPAGATION_TIMEOUT_SECONDS: '120',
      });
      expect(asset).toEqual(expect.stringMatching(/^s3:\/\/cdk-.*\/[0-9a-f]{64}\.js$/));
      // The store is the hosting's.
      expect(JSON.stringify(variables.SPA_KVS_ARN)).toContain(frontend.resolve((hosting.keyValueStore!.node.defaultChild as any).logicalId));
    });

    test('the hosting\'s routing function gets the same hashed pattern as the program', () => {
      expect(releaseRoutingOf(hosting)).toEqual({ hashedPattern: DEFAULT_HASHED_PATTERN });
    });

    test('the deploy role: grantDeploy on the hosting, the program\'s one object, no invalidation, no alarms', () => {
      const statements = statementsOf(template, logicalId(stack, pipeline.deployProject.role!));
      const writes = statements.filter((s) => [s.Action].flat().some((a: string) => /^s3:(Put|Delete)/.test(a)));
      expect(writes).toHaveLength(1);
      expect(JSON.stringify(writes[0].Resource)).toMatch(new RegExp(`ExportsOutputFnGetAtt${hostingBucketId}Arn`));
      expect(JSON.stringify(statements)).not.toMatch(/cloudfront:(CreateInvalidation|GetInvalidation)/);
      expect(JSON.stringify(statements)).not.toMatch(/cloudwatch:/);
      const kvs = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('cloudfront-keyvaluestore:')));
      expect(kvs.length).toBeGreaterThan(0);
      // On the hosting's store only.
      const storeId = frontend.resolve((hosting.keyValueStore!.node.defaultChild as any).logicalId);
      for (const statement of kvs) {
        expect([statement.Resource].flat()).toEqual([{ 'Fn::ImportValue': expect.stringMatching(new RegExp(`^Frontend:ExportsOutputFnGetAtt${storeId}Arn`)) }]);
      }
      const program = statements.filter((s) => JSON.stringify(s.Resource).includes(stack.resolve(pipeline.deployProgram.s3ObjectKey)));
      expect(program).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: expect.anything() }]);
      // (the partition is a pseudo parameter without feature flags, a literal with them)
      expect(JSON.stringify(program[0].Resource))
        .toMatch(new RegExp(`:s3:::${stack.resolve(pipeline.deployProgram.s3BucketName).replace(/[${}]/g, '.')}/${stack.resolve(pipeline.deployProgram.s3ObjectKey)}"`));
    });

    test('the build role cannot touch the hosting bucket or the distribution', () => {
      const statements = statementsOf(template, logicalId(stack, pipeline.buildProject.role!));
      expect(statements.length).toBeGreaterThan(0);
      expect(JSON.stringify(statements)).not.toMatch(new RegExp(hostingBucketId));
      expect(JSON.stringify(statements)).not.toMatch(/cloudfront:/);
    });

    test('log groups keep logs three months and are retained', () => {
      const groups = template.findResources('AWS::Logs::LogGroup');
      expect(Object.keys(groups)).toHaveLength(2);
      for (const group of Object.values(groups)) {
        expect(group.Properties.RetentionInDays).toBe(90);
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });

    test('the artifact bucket: KMS-encrypted with a rotated key, private, SSL-only, logged, expiring after 30 days', () => {
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3-access-logs/' },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack, pipeline.artifactBucket) },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
        expect(bucket.DeletionPolicy).toBe('Retain');
      }
    });

    test('every created resource is a public property', () => {
      expect(pipeline.pipeline.node.defaultChild).toBeDefined();
      for (const resource of [pipeline.buildProject, pipeline.deployProject, pipeline.artifactBucket, pipeline.artifactKey,
        pipeline.accessLogBucket, pipeline.buildLogGroup, pipeline.deployLogGroup]) {
        expect(Object.keys(template.toJSON().Resources)).toContain(logicalId(stack, resource));
      }
      expect(pipeline.notificationTopic).toBeUndefined();
    });

    test('no notifications unless asked for', () => {
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::CodeStarNotifications::NotificationRule', 0);
    });
  });

  describe('options', () => {
    test('the seed\'s names are reproducible', () => {
      const { template } = build(context, () => ({
        pipelineName: 'e-com67-admin-dashboard-pipeline',
        buildProjectName: 'e-com67-admin-dashboard-build',
        deployProjectName: 'e-com67-admin-dashboard-deploy',
      }));
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: 'e-com67-admin-dashboard-pipeline' });
      template.hasResourceProperties('AWS::CodeBuild::Project', { Name: 'e-com67-admin-dashboard-build' });
      template.hasResourceProperties('AWS::CodeBuild::Project', { Name: 'e-com67-admin-dashboard-deploy' });
    });

    test('a connection source: V2 trigger on the branch and file paths', () => {
      const { template } = build(context, () => ({
        source: SpaSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN, filePaths: ['frontend/admin/**'] }),
      }));
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        Triggers: [{
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: { SourceActionName: 'Source', Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Includes: ['frontend/admin/**'] } }] },
        }],
        Stages: Match.arrayWith([Match.objectLike({
          Name: 'Source',
          Actions: [Match.objectLike({
            ActionTypeId: Match.objectLike({ Provider: 'CodeStarSourceConnection' }),
            Configuration: Match.objectLike({ ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'e-com67/shop', BranchName: 'main' }),
          })],
        })]),
      });
      template.resourceCountIs('AWS::Events::Rule', 0);
    });

    test('an S3 source', () => {
      const { template } = build(context, (stack) => ({
        source: SpaSource.s3(s3.Bucket.fromBucketName(stack, 'Src', 'e-com67-sources'), 'admin.zip'),
      }));
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        Stages: Match.arrayWith([Match.objectLike({
          Name: 'Source',
          Actions: [Match.objectLike({ ActionTypeId: Match.objectLike({ Provider: 'S3' }), Configuration: Match.objectLike({ S3Bucket: 'e-com67-sources', S3ObjectKey: 'admin.zip' }) })],
        })]),
      });
    });

    test('monorepo app path, CRA output, tests, pinned Node and variables; the role may read exactly those parameters and secrets', () => {
      const { template, stack, pipeline } = build(context, () => ({
        appPath: 'frontend/admin-dashboard/',
        outputDirectory: 'build',
        testCommands: ['npm test -- --watchAll=false'],
        nodeVersion: '22',
        buildVariables: { VITE_APP_NAME: 'Admin' },
        parameterStoreVariables: { SENTRY_DSN: '/e-com67/sentry-dsn' },
        secretsManagerVariables: { NPM_TOKEN: 'e-com67/npm:token' },
        installCommands: ['npm ci --no-audit'],
        buildCommands: ['npm run build:prod'],
      }));
      const spec = buildSpecOf(template, logicalId(stack, pipeline.buildProject));
      const cd = 'cd "$CODEBUILD_SRC_DIR/frontend/admin-dashboard"';
      expect(spec.env).toEqual({
        'shell': 'bash',
        'variables': { VITE_APP_NAME: 'Admin' },
        'parameter-store': { SENTRY_DSN: '/e-com67/sentry-dsn' },
        'secrets-manager': { NPM_TOKEN: 'e-com67/npm:token' },
      });
      expect(spec.phases.install).toEqual({ 'runtime-versions': { nodejs: '22' }, 'commands': [cd, 'npm ci --no-audit'] });
      expect(spec.phases.pre_build.commands).toEqual([cd, 'npm test -- --watchAll=false']);
      expect(spec.phases.build.commands).toEqual([cd, 'npm run build:prod']);
      expect(spec.artifacts['base-directory']).toBe('frontend/admin-dashboard/build');
      const statements = statementsOf(template, logicalId(stack, pipeline.buildProject.role!));
      // (the partition is a pseudo parameter without feature flags, a literal with them)
      const read = (action: string) => statements.filter((st) => st.Action === action).map((st) => JSON.stringify(st.Resource));
      expect(read('ssm:GetParameters')).toEqual([expect.stringMatching(/:ssm:eu-west-1:111122223333:parameter\/e-com67\/sentry-dsn"/)]);
      expect(read('secretsmanager:GetSecretValue')).toEqual([expect.stringMatching(/:secretsmanager:eu-west-1:111122223333:secret:e-com67\/npm-\?{6}"/)]);
    });

    test('on EC2, the deploy installs Node 22 and its timeout leaves room for two propagation waits and the alarm watch', () => {
      const { template, stack, pipeline } = build(context, (st) => ({
        deployCompute: ComputeMode.EC2,
        propagationTimeout: Duration.minutes(30),
        rollbackAlarms: [new cloudwatch.Alarm(st, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 })],
        rollbackWindow: Duration.minutes(60),
      }));
      const project = template.toJSON().Resources[logicalId(stack, pipeline.deployProject)].Properties;
      expect(project.Environment).toMatchObject({ Type: 'LINUX_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', Image: 'aws/codebuild/standard:7.0' });
      expect(project.TimeoutInMinutes).toBe(30 + 2 * 30 + 60);
      expect(buildSpecOf(template, logicalId(stack, pipeline.deployProject)).phases).toEqual({
        install: { 'runtime-versions': { nodejs: '22' } },
        build: { commands: SpaPipeline.deployCommands() },
      });
      const odd = build(context, () => ({ deployCompute: ComputeMode.EC2, propagationTimeout: Duration.seconds(90) }));
      expect(odd.template.toJSON().Resources[logicalId(odd.stack, odd.pipeline.deployProject)].Properties.TimeoutInMinutes).toBe(33);
    });

    test('the build on Lambda compute: the Node 22 image, no runtime-versions, no cache', () => {
      const { template, stack, pipeline } = build(context, () => ({ buildCompute: ComputeMode.LAMBDA }));
      const project = template.toJSON().Resources[logicalId(stack, pipeline.buildProject)].Properties;
      expect(project.Environment).toMatchObject({ Type: 'LINUX_LAMBDA_CONTAINER', ComputeType: 'BUILD_LAMBDA_1GB' });
      expect(project.Cache).toEqual({ Type: 'NO_CACHE' });
      expect(project.TimeoutInMinutes).toBeUndefined();
      const spec = buildSpecOf(template, logicalId(stack, pipeline.buildProject));
      expect(spec.phases.install).toEqual({ commands: ['cd "$CODEBUILD_SRC_DIR/."', ...SpaPipeline.defaultInstallCommands()] });
      expect(spec.cache).toBeUndefined();
    });

    test('smoke check commands, rollback alarms and waits reach the program; the role may describe exactly those alarms', () => {
      const { template, stack, pipeline } = build(context, (st) => ({
        smokeCheckCommands: ['npx playwright test', 'curl -fsS -H "$SPA_RELEASE_HEADER_NAME: $SPA_RELEASE_ID" "$SPA_RELEASE_URL/health"'],
        rollbackAlarms: [
          new cloudwatch.Alarm(st, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 }),
          cloudwatch.Alarm.fromAlarmArn(st, 'Latency', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-latency'),
        ],
        rollbackWindow: Duration.minutes(4),
        propagationTimeout: Duration.seconds(120),
      }));
      const variables = Object.fromEntries(template.toJSON().Resources[logicalId(stack, pipeline.deployProject)]
        .Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
      expect(JSON.parse(variables.SPA_SMOKE_COMMANDS)).toEqual([
        'npx playwright test', 'curl -fsS -H "$SPA_RELEASE_HEADER_NAME: $SPA_RELEASE_ID" "$SPA_RELEASE_URL/health"',
      ]);
      const errorsAlarm = stack.getLogicalId(stack.node.findChild('Errors').node.defaultChild as CfnElement);
      expect(variables.SPA_ROLLBACK_ALARMS).toEqual({ 'Fn::Join': ['', ['["', { Ref: errorsAlarm }, '","admin-latency"]']] });
      expect(variables.SPA_ROLLBACK_WINDOW_SECONDS).toBe('240');
      expect(variables.SPA_PROPAGATION_TIMEOUT_SECONDS).toBe('120');
      const describe = statementsOf(template, logicalId(stack, pipeline.deployProject.role!))
        .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('cloudwatch:')));
      expect(describe[0]?.Resource).toHaveLength(2);
      expect(describe).toEqual([{
        Effect: 'Allow',
        Action: 'cloudwatch:DescribeAlarms',
        // (in either order: the recommended flags sort statement resources)
        Resource: expect.arrayContaining([{ 'Fn::GetAtt': [errorsAlarm, 'Arn'] }, 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-latency']),
      }]);
    });

    test('the rollback window defaults to 5 minutes with alarms', () => {
      const { template, stack, pipeline } = build(context, (st) => ({
        rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(st, 'Latency', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-latency')],
      }));
      expect(template.toJSON().Resources[logicalId(stack, pipeline.deployProject)].Properties.Environment.EnvironmentVariables)
        .toContainEqual({ Name: 'SPA_ROLLBACK_WINDOW_SECONDS', Type: 'PLAINTEXT', Value: '300' });
    });

    test('runtime config with a token is resolved at deploy time, not baked into the build', () => {
      const { template, stack, pipeline, hosting } = build(context, () => ({
        runtimeConfig: { apiUrl: Fn.importValue('ApiUrl'), region: 'eu-west-1' },
        runtimeConfigPath: 'runtime/config.json',
        keepReleases: 5,
        hashedAssetPattern: '^static/.+\\.[0-9a-f]{8}\\.(js|css)$',
      }));
      const variables = Object.fromEntries(template.toJSON().Resources[logicalId(stack, pipeline.deployProject)]
        .Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
      expect(variables).toMatchObject({
        SPA_RUNTIME_CONFIG: { 'Fn::Join': ['', ['{"apiUrl":"', { 'Fn::ImportValue': 'ApiUrl' }, '","region":"eu-west-1"}']] },
        SPA_RUNTIME_CONFIG_PATH: 'runtime/config.json',
        SPA_KEEP_RELEASES: '5',
        SPA_HASHED_PATTERN: '^static/.+\\.[0-9a-f]{8}\\.(js|css)$',
      });
      expect(JSON.stringify(buildSpecOf(template, logicalId(stack, pipeline.buildProject)))).not.toMatch(/ApiUrl/);
      expect(releaseRoutingOf(hosting)?.hashedPattern).toBe('^static/.+\\.[0-9a-f]{8}\\.(js|css)$');
      // The hosting's routing function, rendered at synth, embeds the same pattern the program classifies with.
      const functionCode = JSON.stringify(Template.fromStack(Stack.of(hosting)).findResources('AWS::CloudFront::Function'));
      expect(functionCode).toContain(JSON.stringify(JSON.stringify('^static/.+\\.[0-9a-f]{8}\\.(js|css)$')).slice(1, -1));
      expect(functionCode).not.toContain(JSON.stringify(JSON.stringify(DEFAULT_HASHED_PATTERN)).slice(1, -1));
    });

    test('SUPERSEDED execution mode', () => {
      build(context, () => ({ executionMode: codepipeline.ExecutionMode.SUPERSEDED }))
        .template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ExecutionMode: 'SUPERSEDED' });
    });

    test('notifications to a created, encrypted, SSL-only topic with email subscriptions', () => {
      const { template } = build(context, () => ({ notificationEmails: ['ops@example.com', 'dev@example.com'] }));
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
        EventTypeIds: [
          'codepipeline-pipeline-pipeline-execution-failed',
          'codepipeline-pipeline-pipeline-execution-succeeded',
          'codepipeline-pipeline-manual-approval-needed',
        ],
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'codestar-notifications.amazonaws.com' } })]) },
      });
    });

    test('notifications to a given topic', () => {
      const { template } = build(context, (stack) => ({ notificationTopic: new sns.Topic(stack, 'Ops', { enforceSSL: true }) }));
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.resourceCountIs('AWS::CodeStarNotifications::NotificationRule', 1);
    });
  });
});

describe('SpaPipeline rejects bad input at synth', () => {
  const PATH = 'AdminPipelineStack/AdminPipeline';
  function attempt(props: (stack: Stack) => Partial<SpaPipelineProps>) {
    try {
      const { stack } = build({}, props);
      return { error: undefined, stack };
    } catch (e) {
      return { error: e as Error };
    }
  }
  const repo = (stack: Stack) => codecommit.Repository.fromRepositoryName(stack, 'Repo2', 'e-com67');
  const alarm = (stack: Stack) => (stack.node.tryFindChild('Alarm') as cloudwatch.IAlarm | undefined)
    ?? cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-5xx');
  const branch = (name: string) => (stack: Stack) => ({ source: SpaSource.codeCommit(repo(stack), name) });

  const CASES: Array<[string, (stack: Stack) => Partial<SpaPipelineProps>, string, RegExp]> = [
    ['empty branch', branch(''), 'source.branch', /empty/],
    ['branch with a space', branch('my branch'), 'source.branch', /space/],
    ['branch with ..', branch('a..b'), 'source.branch', /"\.\."/],
    ['branch with ~', branch('a~1'), 'source.branch', /"~"/],
    ['branch with ^', branch('a^'), 'source.branch', /"\^"/],
    ['branch with :', branch('a:b'), 'source.branch', /":"/],
    ['branch with ?', branch('a?'), 'source.branch', /"\?"/],
    ['branch with *', branch('feat/*'), 'source.branch', /"\*"/],
    ['branch with [', branch('a[1]'), 'source.branch', /"\["/],
    ['branch with \\', branch('a\\b'), 'source.branch', /"\\"/],
    ['branch starting with -', branch('-main'), 'source.branch', /starts with "-"/],
    ['branch starting with /', branch('/main'), 'source.branch', /"\/"/],
    ['branch ending with /', branch('main/'), 'source.branch', /"\/"/],
    ['branch ending with .lock', branch('main.lock'), 'source.branch', /\.lock/],
    ['branch ending with .', branch('main.'), 'source.branch', /ends with "\."/],
    ['branch with @{', branch('main@{1}'), 'source.branch', /"@\{"/],
    ['full ref refs/heads/main', branch('refs/heads/main'), 'source.branch', /full git ref.*Fix: give "main"/],
    ['tag ref', branch('refs/tags/v1'), 'source.branch', /full git ref/],
    ['HEAD', branch('HEAD'), 'source.branch', /checked out/],
    ['branch over 255 characters', branch('b'.repeat(256)), 'source.branch', /at most 255/],
    ['branch not a string (JavaScript)', branch(42 as any), 'source.branch', /is a string, not number/],
    ['branch missing (JavaScript)', branch(undefined as any), 'source.branch', /is a string, not undefined/],
    ['connection branch as a full ref', () => ({ source: SpaSource.connection('e-com67/shop', 'refs/heads/main', { connectionArn: CONNECTION_ARN }) }), 'source.branch', /full git ref/],
    ['repository not owner/repo', () => ({ source: SpaSource.connection('shop', 'main', { connectionArn: CONNECTION_ARN }) }), 'source.repositoryName', /owner\/repo/],
    ['repository with two slashes', () => ({ source: SpaSource.connection('a/b/c', 'main', { connectionArn: CONNECTION_ARN }) }), 'source.repositoryName', /owner\/repo/],
    ['malformed connection ARN', () => ({ source: SpaSource.connection('e-com67/shop', 'main', { connectionArn: 'arn:aws:codeconnections:eu-west-1:111122223333:connection/xyz' }) }), 'source.connectionArn', /not a CodeConnections connection ARN/],
    ['absolute appPath', () => ({ appPath: '/frontend' }), 'appPath', /relative path/],
    ['appPath with ..', () => ({ appPath: 'frontend/../../etc' }), 'appPath', /relative path/],
    ['outputDirectory with ..', () => ({ outputDirectory: '../dist' }), 'outputDirectory', /relative path/],
    ['absolute outputDirectory', () => ({ outputDirectory: '/tmp/dist' }), 'outputDirectory', /relative path/],
    ['empty install commands', () => ({ installCommands: [] }), 'installCommands', /cannot be built/],
    ['blank build command', () => ({ buildCommands: [' '] }), 'buildCommands', /cannot be built/],
    ['Node 18', () => ({ nodeVersion: '18' }), 'nodeVersion', /not reached end of life are 22/],
    ['Node 20 (end of life)', () => ({ nodeVersion: '20' }), 'nodeVersion', /not reached end of life/],
    ['Node lts', () => ({ nodeVersion: 'lts' }), 'nodeVersion', /22/],
    ['secret-looking plaintext variable', () => ({ buildVariables: { NPM_TOKEN: 'abc' } }), 'buildVariables', /Parameter Store/],
    ['password variable', () => ({ buildVariables: { DB_PASSWORD: 'x' } }), 'buildVariables', /looks secret/],
    ['API key variable', () => ({ buildVariables: { STRIPE_API_KEY: 'x' } }), 'buildVariables', /looks secret/],
    ['invalid variable name', () => ({ buildVariables: { '1X': 'x' } }), 'buildVariables', /environment variable name/],
    ['Stripe secret key by its short name', () => ({ buildVariables: { STRIPE_SK: 'x' } }), 'buildVariables', /looks secret/],
    ['a PASS suffix', () => ({ buildVariables: { DB_PASS: 'x' } }), 'buildVariables', /looks secret/],
    ['AUTH alone', () => ({ buildVariables: { AUTH: 'x' } }), 'buildVariables', /looks secret/],
    ['a camelCase secret', () => ({ buildVariables: { stripeSecretKey: 'x' } }), 'buildVariables', /looks secret/],
    ['a framework prefix hides nothing', () => ({ buildVariables: { NEXT_PUBLIC_STRIPE_KEY: 'x' } }), 'buildVariables', /looks secret/],
    ['a value in a secret format', () => ({ buildVariables: { VITE_STRIPE: 'sk_live_abcdef' } }), 'buildVariables.VITE_STRIPE', /format of a secret/],
    ['PATH', () => ({ buildVariables: { PATH: '/opt/bin' } }), 'buildVariables', /own this name/],
    ['a CODEBUILD_ name', () => ({ buildVariables: { CODEBUILD_SRC_DIR: '/tmp' } }), 'buildVariables', /own this name/],
    ['AWS_REGION from a parameter', () => ({ parameterStoreVariables: { AWS_REGION: '/x' } }), 'parameterStoreVariables', /own this name/],
    ['one name in two maps', () => ({ buildVariables: { X: 'a' }, parameterStoreVariables: { X: '/x' } }), 'parameterStoreVariables', /also set in `buildVariables`/],
    ['a number value (JavaScript)', () => ({ buildVariables: { N: 4096 as any } }), 'buildVariables.N', /string, not number/],
    ['variables not a map (JavaScript)', () => ({ buildVariables: 'A=1' as any }), 'buildVariables', /map of environment variable names/],
    ['every secret', () => ({ secretsManagerVariables: { X: '*' } }), 'secretsManagerVariables.X', /wildcard.*Fix: .*secretNamePrefixes/],
    ['every secret by ARN', () => ({ secretsManagerVariables: { X: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:*' } }), 'secretsManagerVariables.X', /wildcard/],
    ['a secret ARN of another service', () => ({ secretsManagerVariables: { X: 'arn:aws:ssm:eu-west-1:111122223333:secret:x' } }), 'secretsManagerVariables.X', /not a Secrets Manager secret ARN/],
    ['an empty secret name', () => ({ secretsManagerVariables: { X: ':key' } }), 'secretsManagerVariables.X', /name is empty/],
    ['a secret reference with five parts', () => ({ secretsManagerVariables: { X: 'a:b:c:d:e' } }), 'secretsManagerVariables.X', /more than/],
    ['every parameter', () => ({ parameterStoreVariables: { X: '*' } }), 'parameterStoreVariables.X', /wildcard.*Fix: .*parameterPaths/],
    ['parameters under a path by wildcard', () => ({ parameterStoreVariables: { X: '/e-com67/*' } }), 'parameterStoreVariables.X', /wildcard/],
    ['a parameter name with a space', () => ({ parameterStoreVariables: { X: '/e-com67/my key' } }), 'parameterStoreVariables.X', /parameter name is/],
    ['an empty parameter name', () => ({ parameterStoreVariables: { X: '' } }), 'parameterStoreVariables.X', /names no parameter/],
    ['a secret prefix without its closing /', () => ({ secretNamePrefixes: ['e-com67/admin'] }), 'secretNamePrefixes', /ending with "\/"/],
    ['a secret prefix of everything', () => ({ secretNamePrefixes: ['/'] }), 'secretNamePrefixes', /ending with/],
    ['a wildcard secret prefix', () => ({ secretNamePrefixes: ['e-com67/*/'] }), 'secretNamePrefixes', /without wildcards/],
    ['a token secret prefix', () => ({ secretNamePrefixes: [Fn.importValue('Prefix')] }), 'secretNamePrefixes', /known at synth/],
    ['an empty list of parameter paths', () => ({ parameterPaths: [] }), 'parameterPaths', /non-empty list/],
    ['the root parameter path', () => ({ parameterPaths: ['/'] }), 'parameterPaths', /ending with/],
    ['a parameter path listed twice', () => ({ parameterPaths: ['/a/', '/a/'] }), 'parameterPaths', /twice/],
    ['pipeline name with a space', () => ({ pipelineName: 'my pipeline' }), 'pipelineName', /1-100/],
    ['pipeline name too long', () => ({ pipelineName: 'p'.repeat(101) }), 'pipelineName', /1-100/],
    ['project name with a dot', () => ({ buildProjectName: 'e-com67.build' }), 'buildProjectName', /2-255/],
    ['project name starting with -', () => ({ deployProjectName: '-deploy' }), 'deployProjectName', /starting with a letter or digit/],
    ['same project names', () => ({ buildProjectName: 'x-build', deployProjectName: 'x-build' }), 'deployProjectName', /same as `buildProjectName`/],
    ['PARALLEL', () => ({ executionMode: codepipeline.ExecutionMode.PARALLEL }), 'executionMode', /mix of releases/],
    ['runtime config key with a dash', () => ({ runtimeConfig: { 'api-url': 'x' } }), 'runtimeConfig', /identifier-like/],
    ['runtime config path outside the site', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '../config.json' }), 'runtimeConfigPath', /\.json file in the site/],
    ['runtime config path without config', () => ({ runtimeConfigPath: 'config.json' }), 'runtimeConfigPath', /no `runtimeConfig`/],
    ['malformed email', () => ({ notificationEmails: ['ops@'] }), 'notificationEmails', /not an email address/],
    ['emails with a given topic', (s) => ({ notificationTopic: new sns.Topic(s, 'T'), notificationEmails: ['ops@example.com'] }), 'notificationEmails', /was given/],
    ['zero releases kept', () => ({ keepReleases: 0 }), 'keepReleases', /1 to 100/],
    ['rollback window over an hour (EC2)', (st) => ({ deployCompute: ComputeMode.EC2, rollbackAlarms: [alarm(st)], rollbackWindow: Duration.hours(2) }),
      'rollbackWindow', /1 minute to 1 hour/],
    ['twice the propagation wait and the rollback window over 12 minutes on Lambda', (st) => ({ rollbackAlarms: [alarm(st)], rollbackWindow: Duration.minutes(9) }),
      'rollbackWindow', /15 minutes.*\(120 s\) twice.*\(540 s\) ends: 780 s/],
    ['propagation over 12 minutes on Lambda with alarms', (st) => ({ rollbackAlarms: [alarm(st)], propagationTimeout: Duration.minutes(8) }),
      'propagationTimeout', /ComputeMode\.EC2/],
    ['rollback window without alarms', () => ({ rollbackWindow: Duration.minutes(5) }), 'rollbackWindow', /no `rollbackAlarms`/],
    ['empty rollback alarms', () => ({ rollbackAlarms: [] }), 'rollbackAlarms', /watches nothing/],
    ['rollback alarm of another region', (st) => ({ rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(st, 'A', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:x')] }),
      'rollbackAlarms', /in us-east-1 and the deploy.*in eu-west-1/],
    ['rollback alarm listed twice', (st) => ({ rollbackAlarms: [alarm(st), alarm(st)] }), 'rollbackAlarms', /twice/],
    ['rollback alarm a name (JavaScript)', () => ({ rollbackAlarms: ['admin-5xx' as any] }), 'rollbackAlarms', /list of CloudWatch alarms/],
    ['propagation timeout of 0', () => ({ propagationTimeout: Duration.seconds(0) }), 'propagationTimeout', /1 second to 30 minutes/],
    ['smoke check commands empty', () => ({ smokeCheckCommands: [] }), 'smokeCheckCommands', /empty list/],
    ['smoke check command blank', () => ({ smokeCheckCommands: ['npx playwright test', ' '] }), 'smokeCheckCommands', /blank/],
    ['smoke check commands a string (JavaScript)', () => ({ smokeCheckCommands: 'npx playwright test' as any }), 'smokeCheckCommands', /list of strings/],
    ['deploy compute a string (JavaScript)', () => ({ deployCompute: 'lambda' as any }), 'deployCompute', /ComputeMode\.LAMBDA/],
    ['hosting without the routing function', (st) => ({ hosting: new SpaHosting(st, 'Errors', { spaRouting: SpaRouting.ERROR_RESPONSES }) }),
      'hosting', /REWRITE_FUNCTION/],
    ['invalid hashed pattern', () => ({ hashedAssetPattern: '(' }), 'hashedAssetPattern', /not a JavaScript regular expression/],
    ['hashed pattern with lookbehind', () => ({ hashedAssetPattern: '(?<=assets/).+-[a-z0-9]{8}\\.js$' }), 'hashedAssetPattern', /lookbehind/],
    ['hashed pattern written with slashes', () => ({ hashedAssetPattern: '/^assets\\/.+\\.js$/i' }), 'hashedAssetPattern', /slashes/],
    ['hashed pattern as a token', () => ({ hashedAssetPattern: Fn.importValue('Pattern') }), 'hashedAssetPattern', /known then/],
    ['hashed pattern over 1000 characters', () => ({ hashedAssetPattern: `^assets/(${'a|'.repeat(600)}b)-[0-9a-f]{8}\\.js$` }), 'hashedAssetPattern', /10 KB/],
    ['runtime config key __proto__ (as Python passes it)', () => ({ runtimeConfig: JSON.parse('{"__proto__":"x"}') }), 'runtimeConfig', /object internals/],
    ['runtime config key constructor', () => ({ runtimeConfig: { constructor: 'x' } as any }), 'runtimeConfig', /object internals/],
    ['runtime config value undefined (JavaScript)', () => ({ runtimeConfig: { apiUrl: undefined as any } }), 'runtimeConfig.apiUrl', /drop the key/],
    ['runtime config value a number (Python)', () => ({ runtimeConfig: { retries: 3 as any } }), 'runtimeConfig.retries', /a number/],
    ['runtime config path with a . component', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: './config.json' }), 'runtimeConfigPath', /"\." components/],
    ['absolute runtime config path', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '/config.json' }), 'runtimeConfigPath', /relative path/],
    ['empty runtime config path', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '' }), 'runtimeConfigPath', /relative path/],
    ['hashed pattern .*', () => ({ hashedAssetPattern: '.*' }), 'hashedAssetPattern', /matches the empty string/],
    ['hashed pattern matching index.html', () => ({ hashedAssetPattern: '\\.html$' }), 'hashedAssetPattern', /matches "index\.html"/],
    ['hashed pattern matching config.json', () => ({ hashedAssetPattern: '\\.json$' }), 'hashedAssetPattern', /matches "config\.json"/],
    ['hashed pattern matching the runtime config path', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: 'assets/config-12345678.json', hashedAssetPattern: '^assets/' }),
      'hashedAssetPattern', /matches "assets\/config-12345678\.json"/],
    ['appPath as a token', () => ({ appPath: Fn.importValue('AppPath') }), 'appPath', /not a token/],
    ['appPath with a shell character', () => ({ appPath: 'front;rm -rf' }), 'appPath', /relative path/],
    ['appPath with a . component', () => ({ appPath: 'frontend/./admin' }), 'appPath', /an empty or "\." component/],
    ['appPath a number (JavaScript)', () => ({ appPath: 7 as any }), 'appPath', /a number/],
    ['outputDirectory the app folder', () => ({ outputDirectory: '.' }), 'outputDirectory', /sources and node_modules/],
    ['propagation timeout 1.5 s', () => ({ propagationTimeout: Duration.millis(1500) }), 'propagationTimeout', /whole number of seconds/],
    ['propagation timeout NaN', () => ({ propagationTimeout: Duration.seconds(NaN) }), 'propagationTimeout', /not a finite/],
    ['rollback window a number (JavaScript)', () => ({ rollbackWindow: 300 as any }), 'rollbackWindow', /must be a Duration/],
    ['artifact retention a number (JavaScript)', () => ({ artifactRetention: 30 as any }), 'artifactRetention', /must be a Duration.*Duration\.days\(30\)/],
    ['no hosting (JavaScript)', () => ({ hosting: undefined as any }), 'hosting', /a SpaHosting is required/],
    ['no source (JavaScript)', () => ({ source: undefined as any }), 'source', /a SpaSource is required/],
    ['a plain object as the source (JavaScript)', () => ({ source: { bind: () => ({}) } as any }), 'source', /it must be a SpaSource, and is an object/],
    ['hosting in another region', (s) => ({ hosting: new SpaHosting(new Stack(s.node.root as App, 'UsEast', { env: { ...ENV, region: 'us-east-1' } }), 'H') }),
      'hosting', /region us-east-1.*region eu-west-1/],
    ['hosting in an environment-agnostic stack', (s) => ({ hosting: new SpaHosting(new Stack(s.node.root as App, 'Agnostic'), 'H') }), 'hosting', /environment-agnostic/],
    ['serveSourceMaps "false" (JavaScript)', () => ({ serveSourceMaps: 'false' as any }), 'serveSourceMaps', /would count as true/],
    ['executionMode not a member (JavaScript)', () => ({ executionMode: 'FAST' as any }), 'executionMode', /not a value of codepipeline\.ExecutionMode/],
    ['logRetention not a member', () => ({ logRetention: 42 as any }), 'logRetention', /not a value of logs\.RetentionDays/],
    ['removalPolicy not a member', () => ({ removalPolicy: 'keep' as any }), 'removalPolicy', /not a value of RemovalPolicy/],
    ['buildCommands a string (JavaScript)', () => ({ buildCommands: 'npm run build' as any }), 'buildCommands', /list of strings/],
    ['pipelineName a number (JavaScript)', () => ({ pipelineName: 42 as any }), 'pipelineName', /must be a string/],
    ['runtime config path in the reserved prefix', () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '_spa-deploy/config.json' }), 'runtimeConfigPath', /reserved/],
  ];

  test.each(CASES)('%s', (_name, props, prop, problem) => {
    const { error } = attempt(props);
    expect(error).toBeDefined();
    expect(error!.message.startsWith(`${PATH}: invalid \`${prop}\` (`)).toBe(true);
    expect(error!.message).toMatch(problem);
    expect(error!.message).toMatch(/\. Fix: \S/);
  });

  test('a rejected pipeline leaves nothing behind', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const hosting = new SpaHosting(stack, 'H');
    expect(() => new SpaPipeline(stack, 'P', { hosting, source: SpaSource.codeCommit(repo(stack), 'bad branch') })).toThrow();
    expect(stack.node.tryFindChild('P')).toBeUndefined();
  });

  test('public build-time names pass: URLs, domains, keys public by design, Node options', () => {
    const names = ['VITE_API_URL', 'VITE_STRIPE_PUBLISHABLE_KEY', 'VITE_RECAPTCHA_SITE_KEY', 'VITE_AUTH_DOMAIN', 'VITE_KEYCLOAK_URL',
      'VITE_COGNITO_CLIENT_ID', 'NODE_OPTIONS', 'GENERATE_SOURCEMAP', 'VITE_SENTRY_DSN', 'VITE_TOKEN_ENDPOINT_URL', 'VITE_PASSWORDLESS'];
    for (const name of names) {
      expect([name, attempt(() => ({ buildVariables: { [name]: 'x' } })).error]).toEqual([name, undefined]);
    }
  });

  test('a second pipeline on one hosting is refused, naming the first', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const hosting = new SpaHosting(stack, 'H');
    const repository = repo(stack);
    new SpaPipeline(stack, 'First', { hosting, source: SpaSource.codeCommit(repository, 'main') });
    expect(() => new SpaPipeline(stack, 'Second', { hosting, source: SpaSource.codeCommit(repository, 'release') }))
      .toThrow(/^S\/Second: invalid `hosting` \("S\/H"\): S\/First already deploys to it.*Fix: /);
    expect(stack.node.tryFindChild('Second')).toBeUndefined();
  });

  test('a pipeline rejected for its source can be made again for the same hosting', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const hosting = new SpaHosting(stack, 'H');
    const repository = repo(stack);
    expect(() => new SpaPipeline(stack, 'P', { hosting, source: SpaSource.codeCommit(repository, 'refs/heads/main') })).toThrow(/full git ref/);
    expect(() => new SpaPipeline(stack, 'P', { hosting, source: SpaSource.codeCommit(repository, 'main') })).not.toThrow();
  });

  test('JavaScript classes and named groups in the hashed pattern pass (the routing function runs them)', () => {
    expect(attempt(() => ({ hashedAssetPattern: '^assets/(?<name>[\\w-]+)-\\w{8}\\.(?:js|css)$' })).error).toBeUndefined();
  });

  test('on EC2, the deploy may wait longer than a Lambda build lasts', () => {
    const ec2 = attempt((st) => ({ deployCompute: ComputeMode.EC2, rollbackAlarms: [alarm(st)], rollbackWindow: Duration.minutes(30) }));
    expect(ec2.error).toBeUndefined();
  });

  test('valid git branch names pass', () => {
    for (const name of ['master', 'release/2026-11', 'feature/JIRA-1_x', 'v1.2.3', 'a.b/c-d']) {
      expect(attempt(branch(name)).error).toBeUndefined();
    }
  });

  test('tokens are not validated as literals', () => {
    expect(attempt(() => ({
      source: SpaSource.connection(Fn.importValue('Repo'), Fn.importValue('Branch'), { connectionArn: Fn.importValue('Conn') }),
      pipelineName: Fn.importValue('Name'),
    })).error).toBeUndefined();
  });
});

describe('SpaPipeline grants the build exactly the secrets and parameters it names', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:e-com67/npm-AbCdEf';
  const { template, stack, pipeline } = build({}, (s) => ({
    secretsManagerVariables: {
      BY_NAME: 'e-com67/npm:token',
      COMPLETE: `${SECRET_ARN}:token:AWSCURRENT:`,
      PARTIAL: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:e-com67/sentry:token',
      FROM_TOKEN: `${new secretsmanager.Secret(s, 'Npm').secretArn}:token::`,
    },
    parameterStoreVariables: { DSN: '/e-com67/sentry-dsn:3', AMI: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' },
    secretNamePrefixes: ['e-com67/admin/'],
    parameterPaths: ['/e-com67/admin/'],
  }));
  const statements = statementsOf(template, logicalId(stack, pipeline.buildProject.role!));
  const resources = (action: string) => statements.filter((st) => [st.Action].flat().includes(action))
    .flatMap((st) => [st.Resource].flat()).map((r) => stack.resolve(r)).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));

  test('a name and a partial ARN with the 6-character suffix; a complete ARN as given (and suffixed, as names can look complete); a token as the ARN', () => {
    const secrets = resources('secretsmanager:GetSecretValue');
    expect(secrets).toEqual(expect.arrayContaining([
      expect.stringMatching(/:secret:e-com67\/npm-\?{6}"?\]?\]?}?$/),
      SECRET_ARN,
      `${SECRET_ARN}-??????`,
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:e-com67/sentry-??????',
      expect.stringMatching(/"Ref":"Npm/),
      expect.stringMatching(/:secret:e-com67\/admin\/\*/),
    ]));
    expect(secrets).toHaveLength(6);
    expect(secrets.filter((r) => r.includes('*'))).toEqual([expect.stringMatching(/secret:e-com67\/admin\/\*/)]);
  });

  test('a parameter without its version; a public AWS parameter without an account; a listed path and what is under it', () => {
    const parameters = resources('ssm:GetParameters');
    expect(parameters).toEqual(expect.arrayContaining([
      expect.stringMatching(/:111122223333:parameter\/e-com67\/sentry-dsn"/),
      expect.stringMatching(/:ssm:eu-west-1::parameter\/aws\/service\/ami-amazon-linux-latest/),
      expect.stringMatching(/:111122223333:parameter\/e-com67\/admin"/),
      expect.stringMatching(/:111122223333:parameter\/e-com67\/admin\/\*"/),
    ]));
    expect(parameters).toHaveLength(4);
    expect(resources('ssm:GetParametersByPath')).toHaveLength(2);
  });

  test('the prefix wildcards are acknowledged for cdk-nag with their prefix named, and nothing else is', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(stack, pipeline.buildProject.role!)))!;
    const reasons = (policy.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: any) => `${r.applies_to} ${r.reason}`);
    expect(reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/secret:e-com67\/admin\/\*.*`secretNamePrefixes` lists that prefix/),
      expect.stringMatching(/parameter\/e-com67\/admin\/\*.*`parameterPaths` lists that path/),
    ]));
  });
});

describe('SpaPipeline notification policies', () => {
  const { template } = build({}, () => ({ notificationEmails: ['ops@example.com'] }));
  const codestar = (statement: any) => JSON.stringify(statement.Principal ?? '').includes('codestar-notifications');

  test('CodeStar Notifications may publish to the topic for rules of this account only', () => {
    const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement).filter(codestar);
    expect(statements).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111122223333' },
      },
    })]);
  });

  test('the key has one CodeStar Notifications statement, through SNS only, and the rule waits for the topic policy', () => {
    const statements = Object.values(template.findResources('AWS::KMS::Key')).flatMap((k) => k.Properties.KeyPolicy.Statement).filter(codestar);
    expect(statements).toEqual([expect.objectContaining({ Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } } })]);
    const [rule] = Object.values(template.findResources('AWS::CodeStarNotifications::NotificationRule'));
    expect(rule.DependsOn).toEqual([expect.stringMatching(/NotificationsPolicy/)]);
  });
});

describe('SpaPipeline log groups and artifact bucket', () => {
  const { template, stack, pipeline } = build({});
  test('both log groups are encrypted with the artifact key, which CloudWatch Logs may use for this account\'s log groups only', () => {
    const keyId = logicalId(stack, pipeline.artifactKey as any);
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map((g) => g.Properties.KmsKeyId)).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }, { 'Fn::GetAtt': [keyId, 'Arn'] }]);
    const statement = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'CloudWatchLogsOfThisAccount');
    expect(statement.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(JSON.stringify(statement.Condition)).toContain(':logs:eu-west-1:111122223333:log-group:*');
  });

  test('checkov: the artifact bucket\'s versioning skip says why', () => {
    const bucket = template.toJSON().Resources[logicalId(stack, pipeline.artifactBucket as any)];
    expect(bucket.Metadata.checkov.skip).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'CKV_AWS_21', comment: expect.stringMatching(/unique to each execution/) })]));
  });
});
