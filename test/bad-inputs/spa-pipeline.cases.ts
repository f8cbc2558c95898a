// SpaPipeline and SpaSource: the build's environment and grants, paths, the runtime config and hashed pattern,
// branches, durations, props of the wrong type from JavaScript and Python, and where the pipeline deploys.
import { App, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BadInput, ENV, accepted, refused, synth, warned } from './case';
import { ComputeMode, SpaDeploymentOptions, SpaHosting, SpaPipeline, SpaPipelineProps, SpaRouting, SpaSource } from '../../src';

const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111122223333:connection/0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const repo = (stack: Stack) => (stack.node.tryFindChild('Repo') as codecommit.IRepository | undefined)
  ?? codecommit.Repository.fromRepositoryName(stack, 'Repo', 'e-com67');

const alarm = (stack: Stack) => (stack.node.tryFindChild('Alarm') as cloudwatch.IAlarm | undefined)
  ?? cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:admin-5xx');

/** A pipeline in `Stack` deploying to a hosting beside it, from CodeCommit `master`, with `props` over that. */
function pipeline(props: (stack: Stack, app: App) => Partial<SpaPipelineProps>) {
  return synth((stack, app) => {
    new SpaPipeline(stack, 'Pipeline', {
      hosting: new SpaHosting(stack, 'Site'),
      source: SpaSource.codeCommit(repo(stack), 'master'),
      ...props(stack, app),
    });
  });
}

/** A SpaPipeline case: `input` as written down, the expected outcome, and the props it tries. */
const p = (input: string, expect: BadInput['expect'], props: (stack: Stack, app: App) => Partial<SpaPipelineProps>): BadInput =>
  ({ subject: 'SpaPipeline', input, expect, observe: pipeline(props) });
/** A SpaSource case: the source given to a pipeline. */
const src = (input: string, expect: BadInput['expect'], source: (stack: Stack) => SpaSource): BadInput =>
  ({ subject: 'SpaSource', input, expect, observe: pipeline((stack) => ({ source: source(stack) })) });

/** A pipeline (dev, in `Stack`) and a second deployment with `options` over a hosting `Staging` beside it. */
const d = (input: string, expect: BadInput['expect'], options: (stack: Stack, app: App) => Partial<SpaDeploymentOptions>,
  props: (stack: Stack) => Partial<SpaPipelineProps> = () => ({})): BadInput => ({
  subject: 'SpaPipeline.addDeployment',
  input,
  expect,
  observe: synth((stack, app) => {
    const spa = new SpaPipeline(stack, 'Pipeline', {
      hosting: new SpaHosting(stack, 'Dev'),
      environmentName: 'dev',
      source: SpaSource.codeCommit(repo(stack), 'master'),
      buildProjectName: 'admin-build',
      ...props(stack),
    });
    spa.addDeployment({ environmentName: 'staging', hosting: new SpaHosting(stack, 'Staging'), ...options(stack, app) } as SpaDeploymentOptions);
  }),
});
/** A stack in another account (444455556666), same region. */
const prodStack = (app: App) => new Stack(app, 'Prod', { env: { ...ENV, account: '444455556666' } });

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:e-com67/npm-AbCdEf';

export const CASES: BadInput[] = [
  // A build per environment: builds told apart by the environment's name.
  p('buildPerEnvironment: true (no environmentName)', refused('buildPerEnvironment', /nothing to tell the builds apart.*Fix: give the first deployment an `environmentName`/),
    () => ({ buildPerEnvironment: true })),
  p("buildPerEnvironment: 'true' (a string, JavaScript)", refused('buildPerEnvironment', /true or false/),
    () => ({ buildPerEnvironment: 'true' as any, environmentName: 'dev' })),
  p("buildPerEnvironment with buildVariables: { SPA_ENVIRONMENT: 'prod' }", refused('buildVariables.SPA_ENVIRONMENT', /environment's name/),
    () => ({ buildPerEnvironment: true, environmentName: 'dev', buildVariables: { SPA_ENVIRONMENT: 'prod' } })),
  p("buildPerEnvironment with parameterStoreVariables: { SPA_ENVIRONMENT: '/e-com67/env' }", refused('parameterStoreVariables.SPA_ENVIRONMENT'),
    () => ({ buildPerEnvironment: true, environmentName: 'dev', parameterStoreVariables: { SPA_ENVIRONMENT: '/e-com67/env' } })),
  p("buildVariables: { SPA_ENVIRONMENT: 'prod' } (one build)", accepted(), () => ({ buildVariables: { SPA_ENVIRONMENT: 'prod' } })),
  d("buildPerEnvironment: true, addDeployment({ environmentName: 'staging', manualApproval: true })", accepted(), () => ({ manualApproval: true }),
    () => ({ buildPerEnvironment: true })),
  // Secrets and parameters: exact grants, wildcards only through a listed prefix.
  p("secretsManagerVariables: { X: 'arn:...:secret:*' }", refused('secretsManagerVariables.X', /wildcard/),
    () => ({ secretsManagerVariables: { X: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:*' } })),
  p("secretsManagerVariables: { X: '*' }", refused('secretsManagerVariables.X', /secretNamePrefixes/), () => ({ secretsManagerVariables: { X: '*' } })),
  p("secretsManagerVariables: { X: 'e-com67/*' }", refused('secretsManagerVariables.X', /wildcard/), () => ({ secretsManagerVariables: { X: 'e-com67/*' } })),
  p("secretsManagerVariables: { X: 'e-com67/np?' }", refused('secretsManagerVariables.X', /wildcard/), () => ({ secretsManagerVariables: { X: 'e-com67/np?' } })),
  p("secretsManagerVariables: { X: 'arn:...:secret:e-com67/npm' } (partial ARN, granted with -??????)", accepted(),
    () => ({ secretsManagerVariables: { X: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:e-com67/npm:token' } })),
  p('secretsManagerVariables: { X: complete ARN :json-key:version-stage: }', accepted(), () => ({ secretsManagerVariables: { X: `${SECRET}:token:AWSCURRENT:` } })),
  p("secretsManagerVariables: { X: 'e-com67/npm:token::' } (name, key, default stage)", accepted(), () => ({ secretsManagerVariables: { X: 'e-com67/npm:token::' } })),
  p('secretsManagerVariables: { X: secret.secretArn } (token)', accepted(),
    (stack) => ({ secretsManagerVariables: { X: `${new secretsmanager.Secret(stack, 'Npm').secretArn}:token` } })),
  p("secretsManagerVariables: { X: 'a:b:c:d:e' } (five parts)", refused('secretsManagerVariables.X', /more than/), () => ({ secretsManagerVariables: { X: 'a:b:c:d:e' } })),
  p("secretsManagerVariables: { X: ':token' } (no secret)", refused('secretsManagerVariables.X', /empty/), () => ({ secretsManagerVariables: { X: ':token' } })),
  p("secretsManagerVariables: { X: 'my secret' } (space)", refused('secretsManagerVariables.X', /characters/), () => ({ secretsManagerVariables: { X: 'my secret' } })),
  p("secretsManagerVariables: { X: 'arn:aws:s3:::bucket' } (not a secret ARN)", refused('secretsManagerVariables.X', /not a Secrets Manager secret ARN/),
    () => ({ secretsManagerVariables: { X: 'arn:aws:s3:::bucket' } })),
  p("parameterStoreVariables: { X: '*' }", refused('parameterStoreVariables.X', /parameterPaths/), () => ({ parameterStoreVariables: { X: '*' } })),
  p("parameterStoreVariables: { X: '/e-com67/*' }", refused('parameterStoreVariables.X', /wildcard/), () => ({ parameterStoreVariables: { X: '/e-com67/*' } })),
  p("parameterStoreVariables: { X: 'arn:aws:ssm:eu-west-1:111122223333:parameter/*' }", refused('parameterStoreVariables.X', /wildcard/),
    () => ({ parameterStoreVariables: { X: 'arn:aws:ssm:eu-west-1:111122223333:parameter/*' } })),
  p("parameterStoreVariables: { X: '' }", refused('parameterStoreVariables.X', /names no parameter/), () => ({ parameterStoreVariables: { X: '' } })),
  p("parameterStoreVariables: { X: '/e-com67/dsn:3' } (a version)", accepted(), () => ({ parameterStoreVariables: { X: '/e-com67/dsn:3' } })),
  p("parameterStoreVariables: { X: '/aws/service/...' } (a public parameter)", accepted(),
    () => ({ parameterStoreVariables: { X: '/aws/service/global-infrastructure/regions/eu-west-1/longName' } })),
  p("parameterStoreVariables: { X: '/e-com67/a b' }", refused('parameterStoreVariables.X', /parameter name/), () => ({ parameterStoreVariables: { X: '/e-com67/a b' } })),
  p("secretNamePrefixes: ['e-com67/admin/'] (a scoped wildcard, asked for)", accepted(), () => ({ secretNamePrefixes: ['e-com67/admin/'] })),
  p("secretNamePrefixes: ['e-com67/admin'] (no closing /)", refused('secretNamePrefixes', /ending with "\/"/), () => ({ secretNamePrefixes: ['e-com67/admin'] })),
  p("secretNamePrefixes: ['*/']", refused('secretNamePrefixes', /without wildcards/), () => ({ secretNamePrefixes: ['*/'] })),
  p("secretNamePrefixes: ['/']", refused('secretNamePrefixes'), () => ({ secretNamePrefixes: ['/'] })),
  p('secretNamePrefixes: [token]', refused('secretNamePrefixes', /known at synth/), () => ({ secretNamePrefixes: [Fn.importValue('Prefix')] })),
  p('secretNamePrefixes: []', refused('secretNamePrefixes', /non-empty/), () => ({ secretNamePrefixes: [] })),
  p("parameterPaths: ['/e-com67/admin/'] (a scoped wildcard, asked for)", accepted(), () => ({ parameterPaths: ['/e-com67/admin/'] })),
  p("parameterPaths: ['/']", refused('parameterPaths'), () => ({ parameterPaths: ['/'] })),
  p("parameterPaths: ['/a/', '/a/']", refused('parameterPaths', /twice/), () => ({ parameterPaths: ['/a/', '/a/'] })),
  p("parameterPaths: '/a/' (a string, JavaScript)", refused('parameterPaths', /list/), () => ({ parameterPaths: '/a/' as any })),

  // Plaintext build variables: no reserved names, nothing secret.
  p("buildVariables: { PATH: '/opt/bin' }", refused('buildVariables', /own this name/), () => ({ buildVariables: { PATH: '/opt/bin' } })),
  p("buildVariables: { CODEBUILD_SRC_DIR: '/tmp' }", refused('buildVariables', /CODEBUILD_/), () => ({ buildVariables: { CODEBUILD_SRC_DIR: '/tmp' } })),
  p("buildVariables: { HOME: '/tmp' }", refused('buildVariables', /own this name/), () => ({ buildVariables: { HOME: '/tmp' } })),
  p("buildVariables: { BASH_ENV: 'x.sh' }", refused('buildVariables', /own this name/), () => ({ buildVariables: { BASH_ENV: 'x.sh' } })),
  p("buildVariables: { AWS_REGION: 'us-east-1' }", refused('buildVariables', /own this name/), () => ({ buildVariables: { AWS_REGION: 'us-east-1' } })),
  p("parameterStoreVariables: { AWS_ACCESS_KEY_ID: '/x' }", refused('parameterStoreVariables', /own this name/), () => ({ parameterStoreVariables: { AWS_ACCESS_KEY_ID: '/x' } })),
  p("buildVariables: { STRIPE_SK: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { STRIPE_SK: 'x' } })),
  p("buildVariables: { DB_PASS: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { DB_PASS: 'x' } })),
  p("buildVariables: { AUTH: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { AUTH: 'x' } })),
  p("buildVariables: { NPM_TOKEN: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { NPM_TOKEN: 'x' } })),
  p("buildVariables: { SK_LIVE: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { SK_LIVE: 'x' } })),
  p("buildVariables: { VITE_CLIENT_SECRET_VALUE: 'x' }", refused('buildVariables', /looks secret/), () => ({ buildVariables: { VITE_CLIENT_SECRET_VALUE: 'x' } })),
  p("buildVariables: { NEXT_PUBLIC_STRIPE_KEY: 'x' } (the framework prefix hides nothing)", refused('buildVariables', /looks secret/),
    () => ({ buildVariables: { NEXT_PUBLIC_STRIPE_KEY: 'x' } })),
  p("buildVariables: { stripeSecretKey: 'x' } (camelCase)", refused('buildVariables', /looks secret/), () => ({ buildVariables: { stripeSecretKey: 'x' } })),
  p("buildVariables: { VITE_STRIPE: 'sk_live_...' } (a secret value)", refused('buildVariables.VITE_STRIPE', /format of a secret/),
    () => ({ buildVariables: { VITE_STRIPE: 'sk_live_51Habcdefghijklmnop' } })),
  p("buildVariables: { VITE_X: 'AKIA...' } (an access key ID)", refused('buildVariables.VITE_X', /format of a secret/), () => ({ buildVariables: { VITE_X: 'AKIAIOSFODNN7EXAMPLE' } })),
  p("buildVariables: { VITE_STRIPE_PUBLISHABLE_KEY: 'pk_live_...' } (public by design)", accepted(), () => ({ buildVariables: { VITE_STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' } })),
  p("buildVariables: { VITE_RECAPTCHA_SITE_KEY: 'x' }", accepted(), () => ({ buildVariables: { VITE_RECAPTCHA_SITE_KEY: 'x' } })),
  p("buildVariables: { VITE_API_URL: 'https://api.example.com' }", accepted(), () => ({ buildVariables: { VITE_API_URL: 'https://api.example.com' } })),
  p("buildVariables: { VITE_AUTH_DOMAIN: 'auth.example.com' }", accepted(), () => ({ buildVariables: { VITE_AUTH_DOMAIN: 'auth.example.com' } })),
  p("buildVariables: { VITE_KEYCLOAK_URL: 'x' } (KEY inside a word)", accepted(), () => ({ buildVariables: { VITE_KEYCLOAK_URL: 'x' } })),
  p("buildVariables: { NODE_OPTIONS: '--max-old-space-size=4096' }", accepted(), () => ({ buildVariables: { NODE_OPTIONS: '--max-old-space-size=4096' } })),
  p("buildVariables: { X: 'a' }, parameterStoreVariables: { X: '/x' }", refused('parameterStoreVariables', /also set/),
    () => ({ buildVariables: { X: 'a' }, parameterStoreVariables: { X: '/x' } })),
  p("buildVariables: { 'MY-VAR': 'x' }", refused('buildVariables', /environment variable name/), () => ({ buildVariables: { 'MY-VAR': 'x' } })),
  p('buildVariables: { N: 4096 } (a number, Python)', refused('buildVariables.N', /string/), () => ({ buildVariables: { N: 4096 as any } })),
  p("buildVariables: ['A=1'] (a list, JavaScript)", refused('buildVariables', /map/), () => ({ buildVariables: ['A=1'] as any })),

  // Paths spliced into the buildspec.
  p('appPath: Fn.importValue(...) (a token)', refused('appPath', /not a token/), () => ({ appPath: Fn.importValue('AppPath') })),
  p("appPath: '../other'", refused('appPath', /relative path/), () => ({ appPath: '../other' })),
  p("appPath: '/frontend'", refused('appPath', /relative path/), () => ({ appPath: '/frontend' })),
  p("appPath: 'front$(id)'", refused('appPath', /relative path/), () => ({ appPath: 'front$(id)' })),
  p("appPath: 'frontend/admin\\nrm'", refused('appPath', /relative path/), () => ({ appPath: 'frontend/admin\nrm' })),
  p("appPath: ''", refused('appPath', /relative path/), () => ({ appPath: '' })),
  p("appPath: './frontend/admin/'", accepted(), () => ({ appPath: './frontend/admin/' })),
  p("outputDirectory: '.' (the app's folder)", refused('outputDirectory', /sources and node_modules/), () => ({ outputDirectory: '.' })),
  p("outputDirectory: 'dist/../..'", refused('outputDirectory', /relative path/), () => ({ outputDirectory: 'dist/../..' })),

  // The runtime config and the hashed pattern.
  p("hashedAssetPattern: '.*'", refused('hashedAssetPattern', /every path/), () => ({ hashedAssetPattern: '.*' })),
  p("hashedAssetPattern: '\\.json$' (matches config.json)", refused('hashedAssetPattern', /config\.json/), () => ({ hashedAssetPattern: '\\.json$' })),
  p("hashedAssetPattern: 'index'", refused('hashedAssetPattern', /index\.html/), () => ({ hashedAssetPattern: 'index' })),
  p("hashedAssetPattern: '('", refused('hashedAssetPattern', /not a JavaScript regular expression/), () => ({ hashedAssetPattern: '(' })),
  p("hashedAssetPattern: '^assets/.+-\\w{8}\\.js$' (JavaScript classes, as the routing function runs it)", accepted(),
    () => ({ hashedAssetPattern: '^assets/.+-\\w{8}\\.js$' })),
  p("hashedAssetPattern: '(?<=assets/)x' (lookbehind)", refused('hashedAssetPattern', /lookbehind/), () => ({ hashedAssetPattern: '(?<=assets/)x' })),
  p("hashedAssetPattern: '(?<!x)assets/' (negative lookbehind)", refused('hashedAssetPattern', /CloudFront Functions/), () => ({ hashedAssetPattern: '(?<!x)assets/' })),
  p("hashedAssetPattern: '^assets/(?<stem>.+)-[a-z0-9]{8}\\.js$' (a named group)", accepted(),
    () => ({ hashedAssetPattern: '^assets/(?<stem>.+)-[a-z0-9]{8}\\.js$' })),
  p("hashedAssetPattern: '/^assets\\/.+\\.js$/' (a literal with slashes)", refused('hashedAssetPattern', /slashes/), () => ({ hashedAssetPattern: '/^assets\\/.+\\.js$/' })),
  p("hashedAssetPattern: ' ' (blank)", refused('hashedAssetPattern', /empty/), () => ({ hashedAssetPattern: ' ' })),
  p("hashedAssetPattern: ''", refused('hashedAssetPattern', /empty/), () => ({ hashedAssetPattern: '' })),
  p('hashedAssetPattern: a token', refused('hashedAssetPattern', /known then/), () => ({ hashedAssetPattern: Fn.importValue('Pattern') })),
  p('hashedAssetPattern: 1,001 characters', refused('hashedAssetPattern', /10 KB/), () => ({ hashedAssetPattern: `^assets/${'a'.repeat(993)}` })),
  p('hashedAssetPattern: /^assets\// (a RegExp, JavaScript)', refused('hashedAssetPattern', /string/), () => ({ hashedAssetPattern: /^assets\// as any })),
  p("runtimeConfigPath: 'assets/config-12345678.json' with hashedAssetPattern: '^assets/'", refused('hashedAssetPattern', /runtime config/),
    () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: 'assets/config-12345678.json', hashedAssetPattern: '^assets/' })),
  p("runtimeConfigPath: '../config.json'", refused('runtimeConfigPath'), () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '../config.json' })),
  p("runtimeConfigPath: '/config.json'", refused('runtimeConfigPath'), () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '/config.json' })),
  p("runtimeConfigPath: ''", refused('runtimeConfigPath'), () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: '' })),
  p("runtimeConfigPath: 'runtime/./config.json'", refused('runtimeConfigPath'), () => ({ runtimeConfig: { a: 'b' }, runtimeConfigPath: 'runtime/./config.json' })),
  p("runtimeConfig: { __proto__: 'x' } (as Python or JSON.parse passes it)", refused('runtimeConfig', /object internals/),
    () => ({ runtimeConfig: JSON.parse('{"__proto__":"x"}') })),
  p("runtimeConfig: { constructor: 'x' }", refused('runtimeConfig', /object internals/), () => ({ runtimeConfig: JSON.parse('{"constructor":"x"}') })),
  p('runtimeConfig: { apiUrl: undefined } (JavaScript)', refused('runtimeConfig.apiUrl', /drop the key/), () => ({ runtimeConfig: { apiUrl: undefined as any } })),
  p("runtimeConfig: { 'api-url': 'x' }", refused('runtimeConfig', /identifier-like/), () => ({ runtimeConfig: { 'api-url': 'x' } })),
  p("runtimeConfig: { 'clé': 'x' } (non-ASCII key)", refused('runtimeConfig', /identifier-like/), () => ({ runtimeConfig: { clé: 'x' } })),
  p("runtimeConfig: { apiUrl: 'https://ü.example/\\u0000' } (any string value round-trips)", accepted(), () => ({ runtimeConfig: { apiUrl: 'https://ü.example/\u0000' } })),

  // Durations and numbers: the library's words before aws-cdk-lib's.
  p('propagationTimeout: Duration.millis(1500)', refused('propagationTimeout', /whole number of seconds/), () => ({ propagationTimeout: Duration.millis(1500) })),
  p('propagationTimeout: Duration.seconds(NaN)', refused('propagationTimeout', /finite/), () => ({ propagationTimeout: Duration.seconds(NaN) })),
  p('propagationTimeout: Duration.hours(1)', refused('propagationTimeout', /30 minutes/), () => ({ propagationTimeout: Duration.hours(1) })),
  p('propagationTimeout: Duration.seconds(0)', refused('propagationTimeout', /1 second/), () => ({ propagationTimeout: Duration.seconds(0) })),
  p('propagationTimeout: 300 (a number, JavaScript)', refused('propagationTimeout', /must be a Duration/), () => ({ propagationTimeout: 300 as any })),
  p('propagationTimeout: Duration.minutes(6) (on Lambda, no alarms: twice that is the whole budget)', accepted(), () => ({ propagationTimeout: Duration.minutes(6) })),
  p('propagationTimeout: Duration.minutes(7) (on Lambda)', refused('propagationTimeout', /15 minutes/), () => ({ propagationTimeout: Duration.minutes(7) })),
  p('propagationTimeout: Duration.minutes(30) with deployCompute: EC2', accepted(), () => ({ propagationTimeout: Duration.minutes(30), deployCompute: ComputeMode.EC2 })),
  p('invalidationTimeout: Duration.minutes(5) (removed in the release layout, JavaScript)', warned('cdk-ecom-platform:SpaPipeline.invalidationTimeoutRemoved'),
    () => ({ invalidationTimeout: Duration.minutes(5) } as any)),
  p('rollbackWindow: Duration.minutes(5) without rollbackAlarms', refused('rollbackWindow', /no `rollbackAlarms`/), () => ({ rollbackWindow: Duration.minutes(5) })),
  p('rollbackWindow: Duration.seconds(30)', refused('rollbackWindow', /1 minute to 1 hour/), (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.seconds(30) })),
  p('rollbackWindow: Duration.minutes(9) (on Lambda, with twice the 2-minute propagation wait)', refused('rollbackWindow', /15 minutes/),
    (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.minutes(9) })),
  p('rollbackWindow: Duration.minutes(8) (on Lambda, 12 minutes with twice the propagation wait)', accepted(),
    (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.minutes(8) })),
  p('rollbackWindow: Duration.minutes(10), propagationTimeout: Duration.minutes(1) (on Lambda, 12 minutes)', accepted(),
    (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.minutes(10), propagationTimeout: Duration.minutes(1) })),
  p('rollbackWindow: Duration.hours(1) with deployCompute: EC2', accepted(),
    (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.hours(1), deployCompute: ComputeMode.EC2 })),
  p('rollbackWindow: Duration.hours(2) with deployCompute: EC2', refused('rollbackWindow', /1 hour/),
    (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: Duration.hours(2), deployCompute: ComputeMode.EC2 })),
  p("rollbackWindow: '5m' (a string, JavaScript)", refused('rollbackWindow', /must be a Duration/), (stack) => ({ rollbackAlarms: [alarm(stack)], rollbackWindow: '5m' as any })),
  p('rollbackAlarms: []', refused('rollbackAlarms', /watches nothing/), () => ({ rollbackAlarms: [] })),
  p("rollbackAlarms: ['admin-5xx'] (a name, JavaScript)", refused('rollbackAlarms', /list of CloudWatch alarms/), () => ({ rollbackAlarms: ['admin-5xx' as any] })),
  p('rollbackAlarms: an alarm (not a list)', refused('rollbackAlarms', /list/), (stack) => ({ rollbackAlarms: alarm(stack) as any })),
  p('rollbackAlarms: [alarm of us-east-1] (the pipeline is in eu-west-1)', refused('rollbackAlarms', /us-east-1/),
    (stack) => ({ rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'Far', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:x')] })),
  p('rollbackAlarms: [alarm, the same alarm]', refused('rollbackAlarms', /twice/), (stack) => ({ rollbackAlarms: [alarm(stack), alarm(stack)] })),
  p('rollbackAlarms: [a new Alarm in the stack]', accepted(), (stack) => ({
    rollbackAlarms: [new cloudwatch.Alarm(stack, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: '5xx' }), threshold: 1, evaluationPeriods: 1 })],
  })),
  p('smokeCheckCommands: 21 commands', refused('smokeCheckCommands', /at most 20/), () => ({ smokeCheckCommands: Array.from({ length: 21 }, (_, i) => `test ${i}`) })),
  p('rollbackAlarms: 101 alarms', refused('rollbackAlarms', /composite alarm/), (stack) => ({
    rollbackAlarms: Array.from({ length: 101 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a${i}`)),
  })),
  p('smokeCheckCommands: []', refused('smokeCheckCommands', /empty list/), () => ({ smokeCheckCommands: [] })),
  p("smokeCheckCommands: ['']", refused('smokeCheckCommands', /blank/), () => ({ smokeCheckCommands: [''] })),
  p("smokeCheckCommands: 'npx playwright test' (a string, JavaScript)", refused('smokeCheckCommands', /list of strings/),
    () => ({ smokeCheckCommands: 'npx playwright test' as any })),
  p('smokeCheckCommands: [42] (Python)', refused('smokeCheckCommands', /entry 0 is a number/), () => ({ smokeCheckCommands: [42 as any] })),
  p("smokeCheckCommands: ['curl -fsS \"$SPA_RELEASE_URL\"', token]", accepted(), () => ({ smokeCheckCommands: ['curl -fsS "$SPA_RELEASE_URL"', Fn.importValue('Cmd')] })),
  p("deployCompute: 'LAMBDA ' (not a member, JavaScript)", refused('deployCompute', /ComputeMode\.LAMBDA/), () => ({ deployCompute: 'LAMBDA ' as any })),
  p('buildCompute: ComputeMode.LAMBDA', accepted(), () => ({ buildCompute: ComputeMode.LAMBDA })),
  p("buildCompute: 'ec2' (JavaScript)", refused('buildCompute', /ComputeMode\.EC2/), () => ({ buildCompute: 'ec2' as any })),
  p('hosting: spaRouting ERROR_RESPONSES (no routing function)', refused('hosting', /REWRITE_FUNCTION/),
    (stack) => ({ hosting: new SpaHosting(stack, 'Errors', { spaRouting: SpaRouting.ERROR_RESPONSES }) })),
  p('hosting: spaRouting NONE', refused('hosting', /routing function/), (stack) => ({ hosting: new SpaHosting(stack, 'Plain', { spaRouting: SpaRouting.NONE }) })),
  p('artifactRetention: Duration.hours(36)', refused('artifactRetention', /whole number of days/), () => ({ artifactRetention: Duration.hours(36) })),
  p('artifactRetention: Duration.days(NaN)', refused('artifactRetention', /finite/), () => ({ artifactRetention: Duration.days(NaN) })),
  p("artifactRetention: '30 days' (a string, JavaScript)", refused('artifactRetention', /must be a Duration/), () => ({ artifactRetention: '30 days' as any })),
  p('keepReleases: 0', refused('keepReleases'), () => ({ keepReleases: 0 })),
  p('keepReleases: 101', refused('keepReleases', /1 to 100/), () => ({ keepReleases: 101 })),
  p('keepReleases: 100', accepted(), () => ({ keepReleases: 100 })),
  p('keepReleases: 2.5', refused('keepReleases'), () => ({ keepReleases: 2.5 })),
  p("keepReleases: '3' (a string, JavaScript)", refused('keepReleases'), () => ({ keepReleases: '3' as any })),

  // Required props, types and enums from JavaScript and Python.
  p('hosting: undefined (JavaScript)', refused('hosting', /a SpaHosting is required/), () => ({ hosting: undefined as any })),
  p('source: undefined (JavaScript)', refused('source', /a SpaSource is required/), () => ({ source: undefined as any })),
  p('hosting: { bucket, distribution } (a plain object)', refused('hosting', /it must be a SpaHosting, and is an object/), () => ({ hosting: { bucket: {}, distribution: {} } as any })),
  {
    subject: 'SpaPipeline',
    input: 'new SpaPipeline(stack, id) without props (JavaScript)',
    expect: refused('hosting', /a SpaHosting is required/),
    observe: synth((stack) => new (SpaPipeline as any)(stack, 'Pipeline')),
  },
  p("serveSourceMaps: 'false' (a string, JavaScript)", refused('serveSourceMaps', /would count as true/), () => ({ serveSourceMaps: 'false' as any })),
  p("executionMode: 'PARALLEL' (JavaScript string)", refused('executionMode'), () => ({ executionMode: 'PARALLEL' as any })),
  p('executionMode: ExecutionMode.PARALLEL', refused('executionMode', /mix of releases/), () => ({ executionMode: codepipeline.ExecutionMode.PARALLEL })),
  p('logRetention: 42 (not a RetentionDays)', refused('logRetention', /RetentionDays/), () => ({ logRetention: 42 as any })),
  p('logRetention: RetentionDays.INFINITE', accepted(), () => ({ logRetention: logs.RetentionDays.INFINITE })),
  p("removalPolicy: 'delete'", refused('removalPolicy', /RemovalPolicy/), () => ({ removalPolicy: 'delete' as any })),
  p('removalPolicy: RemovalPolicy.DESTROY', accepted(), () => ({ removalPolicy: RemovalPolicy.DESTROY })),
  p("buildCommands: 'npm run build' (a string)", refused('buildCommands', /list of strings/), () => ({ buildCommands: 'npm run build' as any })),
  p("installCommands: ['npm ci', 7]", refused('installCommands', /list of strings/), () => ({ installCommands: ['npm ci', 7 as any] })),
  p('nodeVersion: 22 (a number, Python)', refused('nodeVersion'), () => ({ nodeVersion: 22 as any })),
  p('pipelineName: 42 (a number)', refused('pipelineName', /string/), () => ({ pipelineName: 42 as any })),
  p("notificationEmails: 'ops@example.com' (a string)", refused('notificationEmails', /list of strings/), () => ({ notificationEmails: 'ops@example.com' as any })),

  // Where the pipeline deploys.
  p('hosting in us-east-1, pipeline in eu-west-1', refused('hosting', /region us-east-1/),
    (_stack, app) => ({ hosting: new SpaHosting(new Stack(app, 'UsEast', { env: { ...ENV, region: 'us-east-1' } }), 'Site') })),
  p('hosting in another account, bucket name generated', refused('hosting', /account 444455556666.*bucketName/),
    (_stack, app) => ({ hosting: new SpaHosting(new Stack(app, 'Other', { env: { ...ENV, account: '444455556666' } }), 'Site') })),
  p('hosting in an environment-agnostic stack', refused('hosting', /environment-agnostic/), (_stack, app) => ({ hosting: new SpaHosting(new Stack(app, 'Agnostic'), 'Site') })),
  {
    subject: 'SpaPipeline',
    input: 'two SpaPipelines on one hosting',
    expect: refused('hosting', /already deploys to it/),
    observe: synth((stack) => {
      const hosting = new SpaHosting(stack, 'Site');
      const repository = repo(stack);
      new SpaPipeline(stack, 'Main', { hosting, source: SpaSource.codeCommit(repository, 'master') });
      new SpaPipeline(stack, 'Release', { hosting, source: SpaSource.codeCommit(repository, 'release') });
    }),
  },
  {
    subject: 'SpaPipeline',
    input: 'one SpaPipeline per hosting, hosting in another stack of the same environment',
    expect: accepted(),
    observe: synth((stack, app) => {
      const pipelines = new Stack(app, 'Pipelines', { env: ENV });
      new SpaPipeline(pipelines, 'Admin', { hosting: new SpaHosting(stack, 'Admin'), source: SpaSource.codeCommit(repo(pipelines), 'master') });
      new SpaPipeline(pipelines, 'Shop', { hosting: new SpaHosting(stack, 'Shop'), source: SpaSource.codeCommit(repo(pipelines), 'master') });
    }),
  },

  p("hosting in another account, bucketName 'e-com67-admin-dashboard-444455556666'", accepted(),
    (_stack, app) => ({ hosting: new SpaHosting(prodStack(app), 'Site', { bucketName: 'e-com67-admin-dashboard-444455556666' }) })),
  p("environmentName: 'Dev' (uppercase)", refused('environmentName', /lowercase/), () => ({ environmentName: 'Dev' })),
  p("environmentName: 'dev' (stage Deploy-Dev)", accepted(), () => ({ environmentName: 'dev' })),
  p("manualApproval: 'true' (a string)", refused('manualApproval', /true or false/), () => ({ manualApproval: 'true' as any })),
  p("runtimeConfigParameters: { apiUrl: '/e-com67/api-url' } with runtimeConfigPath, no runtimeConfig", accepted(),
    () => ({ runtimeConfigParameters: { apiUrl: '/e-com67/api-url' }, runtimeConfigPath: 'runtime/config.json' })),
  p("runtimeConfigParameters: { apiUrl: 'arn:aws:ssm:...:parameter/x' } (an ARN)", refused('runtimeConfigParameters.apiUrl', /literal name/),
    () => ({ runtimeConfigParameters: { apiUrl: 'arn:aws:ssm:eu-west-1:111122223333:parameter/x' } })),
  p("runtimeConfigParameters: { apiUrl: '/e-com67/*' }", refused('runtimeConfigParameters.apiUrl', /wildcard/), () => ({ runtimeConfigParameters: { apiUrl: '/e-com67/*' } })),
  p("runtimeConfigParameters: { 'api-url': '/e-com67/api-url' }", refused('runtimeConfigParameters', /property names/),
    () => ({ runtimeConfigParameters: { 'api-url': '/e-com67/api-url' } })),
  p('runtimeConfigParameters: {}', refused('runtimeConfigParameters', /empty/), () => ({ runtimeConfigParameters: {} })),
  p('runtimeConfigParameters: { apiUrl: parameter.parameterName } (a token)', refused('runtimeConfigParameters.apiUrl', /literal/),
    () => ({ runtimeConfigParameters: { apiUrl: Fn.importValue('ApiUrlParameter') } })),

  // Several environments: SpaPipeline.addDeployment.
  d("environmentName: 'staging', a second hosting", accepted(), () => ({})),
  d("environmentName: 'dev' (the first deployment's)", refused('environmentName', /already deploys to this environment/), () => ({ environmentName: 'dev' })),
  d("environmentName: 'dev', first deployment 'x-1' / 'x1' (same stage Deploy-X1)", refused('environmentName', /Deploy-X1/),
    () => ({ environmentName: 'x1' }), () => ({ environmentName: 'x-1' })),
  d("environmentName: 'Staging'", refused('environmentName', /lowercase/), () => ({ environmentName: 'Staging' })),
  d('environmentName: undefined (JavaScript)', refused('environmentName', /string/), () => ({ environmentName: undefined })),
  d("hosting: 'admin' (a string)", refused('hosting', /SpaHosting/), () => ({ hosting: 'admin' as any })),
  d('hosting: the first deployment\'s hosting', refused('hosting', /this pipeline already deploys to it/),
    (stack) => ({ hosting: stack.node.findChild('Dev') as SpaHosting })),
  d('hosting: one another pipeline deploys to', refused('hosting', /already deploys to it/), (stack) => {
    const other = new SpaHosting(stack, 'Other');
    new SpaPipeline(stack, 'OtherPipeline', { hosting: other, source: SpaSource.codeCommit(repo(stack), 'main') });
    return { hosting: other };
  }),
  d('hosting in us-east-1', refused('hosting', /region us-east-1/),
    (_stack, app) => ({ hosting: new SpaHosting(new Stack(app, 'UsEast', { env: { ...ENV, region: 'us-east-1' } }), 'Site') })),
  d('hosting in an environment-agnostic stack', refused('hosting', /environment-agnostic/), (_stack, app) => ({ hosting: new SpaHosting(new Stack(app, 'Agnostic'), 'Site') })),
  d('hosting with spaRouting ERROR_RESPONSES', refused('hosting', /REWRITE_FUNCTION/),
    (stack) => ({ hosting: new SpaHosting(stack, 'Errors', { spaRouting: SpaRouting.ERROR_RESPONSES }) })),
  d('hosting in another account, bucket name generated', refused('hosting', /account 444455556666.*bucketName/),
    (_stack, app) => ({ hosting: new SpaHosting(prodStack(app), 'Site') })),
  d('hosting in another account with a bucketName, manualApproval, runtimeConfigParameters', accepted(), (_stack, app) => ({
    environmentName: 'prod',
    hosting: new SpaHosting(prodStack(app), 'Site', { bucketName: 'e-com67-admin-dashboard-444455556666' }),
    manualApproval: true,
    runtimeConfigParameters: { apiUrl: '/e-com67/api-url' },
  })),
  d('hosting in another account, rollbackAlarms with generated names', refused('rollbackAlarms', /generated/), (_stack, app) => ({
    hosting: new SpaHosting(prodStack(app), 'Site', { bucketName: 'e-com67-admin-dashboard-444455556666' }),
  }), (stack) => ({
    rollbackAlarms: [new cloudwatch.Alarm(stack, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: '5xx' }), threshold: 1, evaluationPeriods: 1 })],
  })),
  d('hosting in another account, runtimeConfig referencing a resource of that account', refused('runtimeConfig.apiUrl', /runtimeConfigParameters/), (_stack, app) => {
    const prod = prodStack(app);
    return {
      hosting: new SpaHosting(prod, 'Site', { bucketName: 'e-com67-admin-dashboard-444455556666' }),
      runtimeConfig: { apiUrl: `https://${new s3.Bucket(prod, 'Api').bucketRegionalDomainName}` },
    };
  }),
  d("deployProjectName: 'admin-build' (the build project's)", refused('deployProjectName', /another project/), () => ({ deployProjectName: 'admin-build' })),
  d("deployProjectName: 'a b'", refused('deployProjectName', /CodeBuild project names/), () => ({ deployProjectName: 'a b' })),
  d("manualApproval: 'yes' (a string)", refused('manualApproval', /true or false/), () => ({ manualApproval: 'yes' as any })),
  d("runtimeConfig: { 'api-url': 'x' }", refused('runtimeConfig', /property names/), () => ({ runtimeConfig: { 'api-url': 'x' } })),
  d("runtimeConfigParameters: { apiUrl: '' }", refused('runtimeConfigParameters.apiUrl'), () => ({ runtimeConfigParameters: { apiUrl: '' } })),
  {
    subject: 'SpaPipeline.addDeployment',
    input: 'addDeployment(undefined) (JavaScript)',
    expect: refused('options', /object/),
    observe: synth((stack) => {
      new SpaPipeline(stack, 'Pipeline', { hosting: new SpaHosting(stack, 'Dev'), source: SpaSource.codeCommit(repo(stack), 'master') })
        .addDeployment(undefined as any);
    }),
  },

  // Sources: branches for every source, repositories, connections, keys.
  src("codeCommit(repo, 'refs/heads/main')", refused('source.branch', /full git ref.*Fix: give "main"/), (s) => SpaSource.codeCommit(repo(s), 'refs/heads/main')),
  src("connection('e-com67/shop', 'refs/heads/main', ...)", refused('source.branch', /full git ref/),
    () => SpaSource.connection('e-com67/shop', 'refs/heads/main', { connectionArn: CONNECTION_ARN })),
  src("codeCommit(repo, 'refs/tags/v1')", refused('source.branch', /full git ref/), (s) => SpaSource.codeCommit(repo(s), 'refs/tags/v1')),
  src("codeCommit(repo, '')", refused('source.branch', /empty/), (s) => SpaSource.codeCommit(repo(s), '')),
  src("codeCommit(repo, ' main')", refused('source.branch', /space/), (s) => SpaSource.codeCommit(repo(s), ' main')),
  src("codeCommit(repo, '*')", refused('source.branch', /"\*"/), (s) => SpaSource.codeCommit(repo(s), '*')),
  src("codeCommit(repo, 'HEAD')", refused('source.branch', /checked out/), (s) => SpaSource.codeCommit(repo(s), 'HEAD')),
  src("codeCommit(repo, 'a..b')", refused('source.branch', /"\.\."/), (s) => SpaSource.codeCommit(repo(s), 'a..b')),
  src("codeCommit(repo, 'main.lock')", refused('source.branch', /\.lock/), (s) => SpaSource.codeCommit(repo(s), 'main.lock')),
  src("codeCommit(repo, 'x'.repeat(256))", refused('source.branch', /at most 255/), (s) => SpaSource.codeCommit(repo(s), 'x'.repeat(256))),
  src('codeCommit(repo, undefined) (JavaScript)', refused('source.branch', /string/), (s) => SpaSource.codeCommit(repo(s), undefined as any)),
  src("codeCommit(repo, 'feature/ünïcode')", accepted(), (s) => SpaSource.codeCommit(repo(s), 'feature/ünïcode')),
  src("codeCommit(repo, 'release/2026-11')", accepted(), (s) => SpaSource.codeCommit(repo(s), 'release/2026-11')),
  src("codeCommit(undefined, 'main') (JavaScript)", refused('source.repository', /required/), () => SpaSource.codeCommit(undefined as any, 'main')),
  src("codeCommit(repo, 'main', { actionName: 'My Source' })", refused('source.actionName'), (s) => SpaSource.codeCommit(repo(s), 'main', { actionName: 'My Source' })),
  src("connection('shop', 'main', ...) (no owner)", refused('source.repositoryName', /owner\/repo/), () => SpaSource.connection('shop', 'main', { connectionArn: CONNECTION_ARN })),
  src("connection('e-com67/shop', 'main', undefined) (JavaScript)", refused('source.connectionArn'), () => SpaSource.connection('e-com67/shop', 'main', undefined as any)),
  src("connection(..., { connectionArn: 'arn:aws:codestar-connections:...:connection/xyz' })", refused('source.connectionArn'),
    () => SpaSource.connection('e-com67/shop', 'main', { connectionArn: 'arn:aws:codeconnections:eu-west-1:111122223333:connection/xyz' })),
  src('connection(..., { filePaths: [] })', refused('source.filePaths', /matches nothing/), () => SpaSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN, filePaths: [] })),
  src("connection(..., { filePaths: 'frontend/**' }) (a string)", refused('source.filePaths', /list/),
    () => SpaSource.connection('e-com67/shop', 'main', { connectionArn: CONNECTION_ARN, filePaths: 'frontend/**' as any })),
  src("s3(bucket, '/admin.zip')", refused('source.key', /leading slash/), (s) => SpaSource.s3(s3.Bucket.fromBucketName(s, 'Src', 'e-com67-sources'), '/admin.zip')),
  src("s3(bucket, '')", refused('source.key'), (s) => SpaSource.s3(s3.Bucket.fromBucketName(s, 'Src', 'e-com67-sources'), '')),
  src('s3(bucket, 42) (JavaScript)', refused('source.key', /string/), (s) => SpaSource.s3(s3.Bucket.fromBucketName(s, 'Src', 'e-com67-sources'), 42 as any)),
  src("s3('e-com67-sources', 'admin.zip') (a bucket name, JavaScript)", refused('source.bucket', /not an S3 bucket/), () => SpaSource.s3('e-com67-sources' as any, 'admin.zip')),
];
