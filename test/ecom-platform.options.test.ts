import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ts from 'typescript';
import { ComputeMode, CspPreset, EcomPlatform, PlatformSource, SpaHostingOptions, SpaPipelineOptions, SpaRouting } from '../src';

// Every SpaHosting and SpaPipeline the platform creates records the props it was given (the real constructs run).
const mockRecorded: { hosting: any[]; pipeline: any[] } = { hosting: [], pipeline: [] };
jest.mock('../src/spa-hosting', () => {
  const actual = jest.requireActual('../src/spa-hosting');
  class SpaHosting extends actual.SpaHosting {
    constructor(scope: any, id: string, props: any) {
      super(scope, id, props);
      mockRecorded.hosting.push(props);
    }
  }
  return { ...actual, SpaHosting };
});
jest.mock('../src/spa-pipeline', () => {
  const actual = jest.requireActual('../src/spa-pipeline');
  class SpaPipeline extends actual.SpaPipeline {
    constructor(scope: any, id: string, props: any) {
      super(scope, id, props);
      mockRecorded.pipeline.push(props);
    }
  }
  return { ...actual, SpaPipeline };
});

/** The members of an interface of src/, inherited ones included, read from the source (so a new one is seen). */
function membersOf(name: string): string[] {
  const interfaces = new Map<string, { members: string[]; bases: string[] }>();
  for (const file of fs.readdirSync(path.join(__dirname, '..', 'src')).filter((f) => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(__dirname, '..', 'src', file), 'utf-8'), ts.ScriptTarget.Latest);
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) {
        interfaces.set(node.name.text, {
          members: node.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text),
          bases: (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source))),
        });
      }
    });
  }
  const flatten = (n: string): string[] => {
    const found = interfaces.get(n);
    if (!found) throw new Error(`interface ${n} not found in src/`);
    return [...found.bases.flatMap(flatten), ...found.members];
  };
  return flatten(name).sort();
}

const ENV = { account: '111122223333', region: 'us-east-1' };
const API_URL_REFERENCE = '{{resolve:ssm:/e-com67/api-url}}';

function platform(hosting: SpaHostingOptions, pipeline: SpaPipelineOptions = {}) {
  mockRecorded.hosting.length = 0;
  mockRecorded.pipeline.length = 0;
  const app = new App();
  const shared = new Stack(app, 'Shared', { env: ENV });
  const built = new EcomPlatform(app, 'Platform', {
    env: ENV,
    frontendPipelines: true,
    source: PlatformSource.codeCommit(),
    frontends: [{ name: 'customer-app', appPath: 'frontends/customer-app', hosting, pipeline }],
  });
  return { app, shared, platform: built, hosting: mockRecorded.hosting[0], pipeline: mockRecorded.pipeline[0] };
}

/** A value for every option, none of them the default, and which options the platform combines with its own. */
function hostingSamples(stack: Stack): Record<keyof SpaHostingOptions, unknown> {
  return {
    encryptionKey: new kms.Key(stack, 'SiteKey'),
    noncurrentVersionsToRetain: 5,
    noncurrentVersionExpiration: Duration.days(30),
    removalPolicy: RemovalPolicy.DESTROY,
    accessLogs: true,
    accessLogsRetention: Duration.days(30),
    spaRouting: SpaRouting.REWRITE_FUNCTION, // the only routing a pipeline deploys releases to
    scriptSources: ['https://js.example.com'],
    styleSources: ['https://fonts.googleapis.com'],
    imgSources: ['https://images.example-cdn.com'],
    fontSources: ['https://fonts.gstatic.com'],
    connectSources: ['wss://chat.example.com'],
    frameSources: ['https://frames.example.com'],
    mediaSources: ['https://media.example.com'],
    workerSources: ['blob:'],
    formActionSources: ['https://pay.example.com'],
    cspPresets: [CspPreset.stripe()],
    allowUnsafeInline: true,
    allowUnsafeEval: true,
    contentSecurityPolicy: "default-src 'self'",
    hstsMaxAge: Duration.days(400),
    hstsPreload: true,
    domainNames: ['shop.example.com'],
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b'),
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/shop/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
    geoAllowList: ['DE'],
    geoDenyList: ['RU'],
    priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
    comment: 'customer shop',
    additionalMetrics: true,
  };
}

const PIPELINE_SAMPLES: Record<keyof SpaPipelineOptions, unknown> = {
  executionMode: codepipeline.ExecutionMode.SUPERSEDED,
  buildPerEnvironment: false,
  logRetention: logs.RetentionDays.ONE_MONTH,
  artifactRetention: Duration.days(10),
  removalPolicy: RemovalPolicy.DESTROY,
  outputDirectory: 'build',
  installCommands: ['pnpm install --frozen-lockfile'],
  testCommands: ['pnpm test'],
  buildCommands: ['pnpm build'],
  nodeVersion: '22',
  buildVariables: { VITE_APP_NAME: 'Shop' },
  parameterStoreVariables: { VITE_STRIPE_PUBLISHABLE_KEY: '/e-com67/stripe-publishable-key' },
  secretsManagerVariables: { SENTRY_AUTH: 'sentry-upload:token' },
  secretNamePrefixes: ['e-com67/admin/'],
  parameterPaths: ['/e-com67/admin/'],
  hashedAssetPattern: '^assets/.+-[A-Za-z0-9_-]{8,}\\.(js|css)$',
  runtimeConfig: { region: 'eu-west-1' },
  runtimeConfigPath: 'runtime/config.json',
  keepReleases: 5,
  smokeCheckCommands: ['npx playwright test'],
  rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(new Stack(), 'Errors', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:shop-5xx')],
  rollbackWindow: Duration.minutes(3),
  propagationTimeout: Duration.minutes(2),
  deployCompute: ComputeMode.EC2,
  buildCompute: ComputeMode.LAMBDA,
  serveSourceMaps: true,
};

/** Options that can't be set together: each group is passed in a platform of its own. */
const EXCLUSIVE_HOSTING_OPTIONS: Array<keyof SpaHostingOptions> = ['contentSecurityPolicy', 'geoDenyList'];

describe('EcomPlatform passes every option through', () => {
  test('the option lists are the ones this test knows (a new option needs a sample here)', () => {
    expect(membersOf('SpaHostingOptions')).toEqual(Object.keys(hostingSamples(new Stack())).sort());
    expect(membersOf('SpaPipelineOptions')).toEqual(Object.keys(PIPELINE_SAMPLES).sort());
  });

  test('every SpaHostingOptions field reaches the app\'s SpaHosting', () => {
    const app = new App();
    const samples = hostingSamples(new Stack(app, 'Samples', { env: ENV }));
    const first = Object.fromEntries(Object.entries(samples).filter(([k]) => !EXCLUSIVE_HOSTING_OPTIONS.includes(k as any)));
    const second = Object.fromEntries(EXCLUSIVE_HOSTING_OPTIONS.map((k) => [k, samples[k]]));
    for (const options of [first, second]) {
      const { hosting } = platform(options as SpaHostingOptions);
      for (const [field, value] of Object.entries(options)) {
        if (field === 'connectSources') {
          // The platform adds the API URL it writes into config.json.
          expect(hosting.connectSources).toEqual([...(value as string[]), expect.stringContaining('Token')]);
        } else {
          expect({ field, value: hosting[field] }).toEqual({ field, value });
        }
      }
    }
  });

  test('every SpaPipelineOptions field reaches the app\'s SpaPipeline', () => {
    const { pipeline } = platform({}, PIPELINE_SAMPLES as SpaPipelineOptions);
    for (const [field, value] of Object.entries(PIPELINE_SAMPLES)) {
      if (field === 'runtimeConfig') {
        // The platform adds apiUrl; the app's keys are kept (and would win).
        expect(pipeline.runtimeConfig).toEqual({ apiUrl: expect.stringContaining('Token'), ...(value as object) });
      } else {
        expect({ field, value: pipeline[field] }).toEqual({ field, value });
      }
    }
  });

  test('the platform\'s wiring is not overridable by options', () => {
    const { pipeline, hosting } = platform({ comment: 'mine' }, {});
    expect(hosting.bucketName).toMatch(/^e-com67-customer-app-/);
    expect(pipeline.pipelineName).toBe('e-com67-customer-app-pipeline');
    expect(pipeline.appPath).toBe('frontends/customer-app');
  });
});

describe('EcomPlatform and the Content-Security-Policy', () => {
  const policyOf = (stack: Stack) => JSON.stringify(Object.values(Template.fromStack(stack)
    .findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);

  test('with frontend pipelines, each app may connect to the API URL the platform writes into config.json', () => {
    const { platform: built } = platform({ cspPresets: [CspPreset.stripe()], connectSources: ['wss://chat.example.com'] });
    const policy = policyOf(built.frontendStack);
    expect(policy).toContain(`connect-src 'self' wss://chat.example.com ${API_URL_REFERENCE} https://api.stripe.com`);
    expect(policy).toContain('script-src \'self\' https://js.stripe.com https://*.js.stripe.com');
  });

  test('in direct mode, or with apiUrlInRuntimeConfig off, no API URL is added', () => {
    for (const props of [{ frontendPipelines: false }, { frontendPipelines: true, apiUrlInRuntimeConfig: false }]) {
      const app = new App();
      const built = new EcomPlatform(app, 'Platform', { env: ENV, source: PlatformSource.codeCommit(), ...props });
      expect(policyOf(built.frontendStack)).not.toContain('resolve:ssm');
      expect(policyOf(built.frontendStack)).toContain("connect-src 'self';");
    }
  });

  test('an app with its own full policy gets no API URL added', () => {
    const { platform: built } = platform({ contentSecurityPolicy: "default-src 'self'" });
    expect(policyOf(built.frontendStack)).toBe(JSON.stringify({ ContentSecurityPolicy: "default-src 'self'", Override: true }));
  });

  test('a bad source through the platform names the app\'s hosting', () => {
    expect(() => platform({ scriptSources: ['*'] })).toThrow(/^E-Com67-FrontendStack\/CustomerApp: invalid `scriptSources`/);
  });
});
