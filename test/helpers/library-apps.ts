/**
 * The library's apps of test/snapshots.test.ts: for each construct, its defaults and a rich configuration, one
 * app each. The snapshots record their masked templates; test/checkov.test.ts scans the same templates.
 *
 * Defaults are synthesized with the flags `cdk init` sets today, the rich configurations with none (an old
 * app), so both paths of flag-dependent output are covered. PlatformNaming creates no resources and has none.
 */
import { App, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as pipelines from 'aws-cdk-lib/pipelines';
import {
  BackendLanguage, CdkBackendPipeline, ComputeMode, CspPreset, CspSources, EcomPlatform, LayerBuilder, LayerBundling, LayerSource, PlatformNaming,
  PlatformSource, SpaHosting, SpaPipeline, SpaRouting, SpaSource,
} from '../../src';
import { BackendStage } from '../fixtures/backend/backend-stage';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const CERT_ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** `cdk init`'s flags for the defaults, none for the rich configurations; no bundling (no pip, no Docker). */
/**
 * A source in every CSP directive (a token among them), as a real app's third parties need: used by the rich
 * SpaHosting configuration here and by SpaHosting's compliance matrix.
 */
export function thirdPartySources(): CspSources {
  return {
    scriptSources: ['https://js.example.com'],
    styleSources: ['https://fonts.googleapis.com'],
    imgSources: ['https://images.example-cdn.com'],
    fontSources: ['https://fonts.gstatic.com'],
    connectSources: ['wss://chat.example.com', Fn.importValue('ApiUrl')],
    frameSources: ['https://frames.example.com'],
    mediaSources: ['https://media.example.com'],
    workerSources: ['blob:'],
    formActionSources: ['https://pay.example.com'],
  };
}

const RECOMMENDED = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, 'aws:cdk:bundling-stacks': [] };
const NO_FLAGS = { 'aws:cdk:bundling-stacks': [] };

/** One app of a construct: `build` makes a fresh App and returns it with the stacks that show the construct. */
export interface LibraryApp {
  /** The construct: `SpaHosting`, `SpaPipeline`, `LayerBuilder`, `CdkBackendPipeline`, `EcomPlatform`. */
  readonly construct: string;
  /** `defaults` or `rich configuration...`: the snapshot's test name. */
  readonly name: string;
  readonly build: () => { readonly app: App; readonly stacks: Stack[] };
}

export const LIBRARY_APPS: LibraryApp[] = [
  {
    construct: 'SpaHosting',
    name: 'defaults',
    build: () => {
      const app = new App({ context: RECOMMENDED });
      const stack = new Stack(app, 'Hosting', { env: ENV });
      new SpaHosting(stack, 'Site');
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'SpaHosting',
    name: 'rich configuration',
    build: () => {
      const app = new App({ context: NO_FLAGS });
      const stack = new Stack(app, 'Hosting', { env: ENV });
      new SpaHosting(stack, 'Site', {
        bucketName: 'e-com67-admin-dashboard-111122223333',
        encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        noncurrentVersionsToRetain: 5,
        noncurrentVersionExpiration: Duration.days(60),
        removalPolicy: RemovalPolicy.DESTROY,
        accessLogsRetention: Duration.days(400),
        spaRouting: SpaRouting.ERROR_RESPONSES,
        cspPresets: [CspPreset.stripe(), CspPreset.cognito(stack.region), CspPreset.sentry('https://o1.ingest.sentry.io')],
        ...thirdPartySources(),
        allowUnsafeInline: true,
        hstsMaxAge: Duration.days(365),
        hstsPreload: true,
        domainNames: ['admin.example.com', 'www.admin.example.com'],
        certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
        webAclArn: WEB_ACL_ARN,
        geoAllowList: ['DE', 'AT', 'CH'],
        priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
        comment: 'E-Com67 admin dashboard',
      });
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'SpaPipeline',
    name: 'defaults',
    build: () => {
      const app = new App({ context: RECOMMENDED });
      const stack = new Stack(app, 'Pipeline', { env: ENV });
      new SpaPipeline(stack, 'Pipeline', {
        hosting: new SpaHosting(stack, 'Site'),
        source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67'), 'master'),
      });
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'SpaPipeline',
    name: 'rich configuration: hosting in another stack, a connection source, every option',
    build: () => {
      const app = new App({ context: NO_FLAGS });
      const frontend = new Stack(app, 'Frontend', { env: ENV });
      const hosting = new SpaHosting(frontend, 'Admin');
      const stack = new Stack(app, 'Pipeline', { env: ENV });
      new SpaPipeline(stack, 'Pipeline', {
        hosting,
        source: SpaSource.connection('e-com67/shop', 'main', {
          connectionArn: CONNECTION_ARN, filePaths: ['frontend/admin-dashboard/**'], actionName: 'GitHub',
        }),
        pipelineName: 'e-com67-admin-dashboard-pipeline',
        buildProjectName: 'e-com67-admin-dashboard-build',
        deployProjectName: 'e-com67-admin-dashboard-deploy',
        appPath: 'frontend/admin-dashboard/',
        outputDirectory: 'build',
        installCommands: ['npm ci --no-audit'],
        testCommands: ['npm test -- --watchAll=false'],
        buildCommands: ['npm run build:prod'],
        nodeVersion: '22',
        buildVariables: { VITE_APP_NAME: 'Admin' },
        parameterStoreVariables: { SENTRY_DSN: '/e-com67/sentry-dsn' },
        secretsManagerVariables: { NPM_TOKEN: 'e-com67/npm:token' },
        hashedAssetPattern: '^static/.+\\.[0-9a-f]{8}\\.(js|css)$',
        runtimeConfig: { apiUrl: 'https://api.example.com/prod/', region: 'eu-west-1' },
        runtimeConfigPath: 'runtime/config.json',
        keepReleases: 5,
        smokeCheckCommands: ['npx playwright test'],
        rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'Errors', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-5xx')],
        rollbackWindow: Duration.minutes(20),
        propagationTimeout: Duration.minutes(2),
        deployCompute: ComputeMode.EC2,
        buildCompute: ComputeMode.LAMBDA,
        serveSourceMaps: true,
        executionMode: codepipeline.ExecutionMode.SUPERSEDED,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        artifactRetention: Duration.days(14),
        removalPolicy: RemovalPolicy.DESTROY,
        notificationEmails: ['ops@example.com'],
      });
      return { app, stacks: [frontend, stack] };
    },
  },
  {
    construct: 'LayerBuilder',
    name: 'defaults',
    build: () => {
      const app = new App({ context: RECOMMENDED });
      const stack = new Stack(app, 'Layers', { env: ENV });
      new LayerBuilder(stack, 'Layers', { layers: [{ name: 'utils', source: LayerSource.fromDirectory('test/fixtures/layers/utils') }] });
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'LayerBuilder',
    name: 'rich configuration: arm64, python3.13, Docker, every kind of source (not bundled)',
    build: () => {
      const app = new App({ context: NO_FLAGS });
      const stack = new Stack(app, 'Layers', { env: ENV });
      const builder = new LayerBuilder(stack, 'Layers', {
        runtime: lambda.Runtime.PYTHON_3_13,
        architecture: lambda.Architecture.ARM_64,
        bundling: LayerBundling.DOCKER,
        pipIndexUrl: 'https://pypi.example.com/simple',
        removalPolicy: RemovalPolicy.DESTROY,
        layers: [
          { name: 'powertools', source: LayerSource.powertools({ version: 20 }) },
          { name: 'utils', source: LayerSource.fromDirectory('test/fixtures/layers/utils', { packageName: 'e_com67_utils' }), description: 'E-Com67 shared helpers' },
          { name: 'stripe', source: LayerSource.fromRequirements(['stripe==11.1.0']), importCheck: ['stripe'] },
          { name: 'libs', source: LayerSource.fromRequirementsFile('test/fixtures/layers/requirements.txt') },
        ],
      });
      // A managed layer is no resource: its ARN (account, name, version) shows through an output.
      new CfnOutput(stack, 'PowertoolsLayerArn', { value: builder.layer('powertools').layerVersionArn });
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'CdkBackendPipeline',
    name: 'defaults',
    build: () => {
      const app = new App({ context: RECOMMENDED });
      const stack = new Stack(app, 'PipelineStack', { env: ENV });
      const pipeline = new CdkBackendPipeline(stack, 'Backend', { repositoryName: 'e-com67' });
      const stage = new BackendStage(app, 'Prod', { env: ENV });
      pipeline.addStage(stage);
      pipeline.buildPipeline();
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'CdkBackendPipeline',
    name: 'rich configuration: TypeScript in a folder, CodeArtifact, self-mutation, approval, two stages',
    build: () => {
      const app = new App({ context: NO_FLAGS });
      const stack = new Stack(app, 'PipelineStack', { env: ENV });
      const pipeline = new CdkBackendPipeline(stack, 'Backend', {
        source: pipelines.CodePipelineSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN }),
        pipelineName: 'e-com67-backend-pipeline',
        language: BackendLanguage.TYPESCRIPT,
        appPath: 'backend/',
        installCommands: ['npm ci --no-audit'],
        synthCommands: ['npx cdk synth --quiet'],
        codeArtifactRepository: { domain: 'e-com67', domainOwner: '444455556666', repository: 'shop' },
        cdkCliVersion: '2.1148.1',
        cdkAssetsVersion: '4.7.3',
        nodeVersion: '22',
        selfMutation: true,
        useChangeSets: false,
        crossAccountKeys: true,
        executionMode: codepipeline.ExecutionMode.SUPERSEDED,
        logRetention: logs.RetentionDays.SIX_MONTHS,
        artifactRetention: Duration.days(30),
        removalPolicy: RemovalPolicy.DESTROY,
        notificationEmails: ['ops@example.com'],
      });
      const staging = new BackendStage(app, 'Staging', { env: ENV, functions: 1 });
      pipeline.addStage(staging, { stackOrder: [staging.data, staging.compute, staging.api] });
      const prod = new BackendStage(app, 'Prod', { env: ENV });
      pipeline.addStage(prod, {
        stackOrder: [prod.data, prod.compute, prod.api],
        manualApproval: true,
        confirmPermissionsBroadening: true,
        pre: [new pipelines.ShellStep('Smoke', { commands: ['echo checking staging'] })],
        post: [new pipelines.ShellStep('IntegrationTests', { commands: ['pytest tests/integration'] })],
      });
      pipeline.buildPipeline();
      return { app, stacks: [stack] };
    },
  },
  {
    construct: 'EcomPlatform',
    name: 'defaults (direct mode: the frontend stack only)',
    build: () => {
      const app = new App({ context: RECOMMENDED });
      const platform = new EcomPlatform(app, 'Platform', { env: ENV });
      return { app, stacks: platform.stacks };
    },
  },
  {
    construct: 'EcomPlatform',
    name: 'rich configuration: both pipelines, a connection, custom apps and naming, notifications',
    build: () => {
      const app = new App({ context: NO_FLAGS });
      const naming = new PlatformNaming({ projectName: 'shop', stackPrefix: 'Shop' });
      const backend = new Stage(app, 'Backend', { env: ENV });
      const data = new Stack(backend, 'Data', { stackName: naming.dataStackName });
      const api = new Stack(backend, 'Api', { stackName: naming.apiStackName });
      new ssm.StringParameter(api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: 'https://api.example.com/prod/' });
      new ssm.StringParameter(data, 'Placeholder', { stringValue: 'data' });
      const platform = new EcomPlatform(app, 'Platform', {
        naming,
        env: ENV,
        backendStage: backend,
        backendStackOrder: [data, api],
        backendAppPath: 'backend',
        backendLanguage: BackendLanguage.PYTHON,
        backendCodeArtifactRepository: { domain: 'shop', repository: 'python' },
        backendPipeline: true,
        frontendPipelines: true,
        source: PlatformSource.connection({ connectionArn: CONNECTION_ARN, repository: 'shop/monorepo', branch: 'main' }),
        notificationEmails: ['team@example.com'],
        apiUrlParameterName: '/shop/api-url',
        frontends: [
          {
            name: 'admin-dashboard',
            appPath: 'frontends/admin-dashboard',
            hosting: { geoAllowList: ['DE'], cspPresets: [CspPreset.stripe()], priceClass: cloudfront.PriceClass.PRICE_CLASS_100 },
            pipeline: { nodeVersion: '22', testCommands: ['npm test'], runtimeConfig: { stage: 'prod' }, keepReleases: 3 },
          },
          { name: 'storefront', appPath: 'frontends/storefront', pipelineStackName: 'Shop-StorefrontPipeline' },
        ],
      });
      platform.backendPipeline!.buildPipeline();
      return { app, stacks: platform.stacks };
    },
  },
];
