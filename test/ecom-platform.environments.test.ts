// Environments (issue 15): one platform promoting a commit through dev -> staging -> prod, dev and staging in the
// pipeline account, prod in another. The app is synthesized once; every test reads its cloud assembly as a user
// would read `cdk.out`: stack names and accounts, pipeline stages and actions, project variables, role trust.
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { EcomPlatform, IBackendStageFactory, PlatformEnvironment, PlatformNaming, PlatformSource } from '../src';
import { CfnLintFinding, cfnLint } from './helpers/cfn-lint';
import { NagFinding, nagFindings } from './helpers/nag';

const PIPELINES = '111111111111';
const PROD = '222222222222';
const REGION = 'eu-west-1';
const CONTEXT = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };

/** The backend of one environment: Data, Compute (a function) and Api (writing its URL), named by the environment's naming. */
class BackendStage extends Stage {
  constructor(scope: Construct, id: string, environment: PlatformEnvironment, naming: PlatformNaming) {
    super(scope, id, { env: { account: environment.account, region: environment.region } });
    const data = new Stack(this, 'Data', { stackName: naming.dataStackName });
    new ssm.StringParameter(data, 'TableName', { stringValue: `${naming.projectName}-orders` });
    const compute = new Stack(this, 'Compute', { stackName: naming.computeStackName });
    // Its own role and log group: what a cdk-nag-clean backend has.
    const logGroup = new logs.LogGroup(compute, 'OrdersLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(compute, 'OrdersServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    new lambda.Function(compute, 'Orders', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
      role,
      logGroup,
    });
    const api = new Stack(this, 'Api', { stackName: naming.apiStackName });
    new ssm.StringParameter(api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: `https://api.${environment.name}.example.com/` });
  }
}

/** What a user's factory looks like; it records its calls. */
class BackendFactory implements IBackendStageFactory {
  public readonly calls: Array<{ id: string; environment: string; stackPrefix: string }> = [];
  public createStage(scope: Construct, id: string, environment: PlatformEnvironment, naming: PlatformNaming): Stage {
    this.calls.push({ id, environment: environment.name, stackPrefix: naming.stackPrefix });
    return new BackendStage(scope, id, environment, naming);
  }
}

/** A synthesized stack as `cdk.out` has it. */
interface Synthesized {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: any;
}

const ENVIRONMENTS: PlatformEnvironment[] = [
  { name: 'dev', account: PIPELINES, region: REGION },
  {
    name: 'staging',
    account: PIPELINES,
    region: REGION,
    manualApproval: false,
    backendPost: [new pipelines.ShellStep('IntegrationTests', { commands: ['npm ci', 'npm run test:integration'] })],
  },
  {
    name: 'prod',
    account: PROD,
    region: REGION,
    manualApproval: true,
    hostings: { 'customer-app': { connectSources: ['https://payments.example.com'] } },
  },
];
const APPS = ['admin-dashboard', 'customer-app'];
/** Per environment: its stack prefix, project name and account. */
const NAMES = [
  { env: 'dev', stage: 'Dev', prefix: 'E-Com67-Dev', project: 'e-com67-dev', account: PIPELINES },
  { env: 'staging', stage: 'Staging', prefix: 'E-Com67-Staging', project: 'e-com67-staging', account: PIPELINES },
  { env: 'prod', stage: 'Prod', prefix: 'E-Com67', project: 'e-com67', account: PROD },
];
const PIPELINE_STACKS: Record<string, string> = { 'admin-dashboard': 'E-Com67-AdminPipelineStack', 'customer-app': 'E-Com67-CustomerPipelineStack' };

let factory: BackendFactory;
let stacks: Synthesized[];
let nag: NagFinding[];
let lint: CfnLintFinding[];

beforeAll(() => {
  const app = new App({ context: CONTEXT });
  factory = new BackendFactory();
  const platform = new EcomPlatform(app, 'Platform', {
    env: { account: PIPELINES, region: REGION },
    environments: ENVIRONMENTS,
    backendStageFactory: factory,
    backendPipeline: true,
    frontendPipelines: true,
    source: PlatformSource.codeCommit(),
    crossAccountKeys: true,
  });
  platform.backendPipeline!.buildPipeline();
  // Synthesis before cdk-nag: cdk-nag v2 leaves error annotations behind, which a later synthesis would report.
  const assembly = app.synth();
  stacks = assembly.stacksRecursively.map((s) => ({
    stackName: s.stackName, account: s.environment.account, region: s.environment.region, template: s.template,
  }));
  lint = cfnLint(Object.fromEntries(stacks.map((s) => [s.stackName, s.template])));
  nag = nagFindings(app);
});

function stack(name: string): Synthesized {
  const found = stacks.find((s) => s.stackName === name);
  if (!found) {
    throw new Error(`no stack ${name} among ${stacks.map((s) => s.stackName).join(', ')}`);
  }
  return found;
}

function resources(s: Synthesized, type: string): Array<[string, any]> {
  return Object.entries<any>(s.template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The one pipeline of a stack: its stages as name -> actions. */
function pipelineStages(stackName: string): Array<{ name: string; actions: any[] }> {
  const found = resources(stack(stackName), 'AWS::CodePipeline::Pipeline');
  expect(found).toHaveLength(1);
  return found[0][1].Properties.Stages.map((s: any) => ({ name: s.Name, actions: s.Actions }));
}

/** The CodeBuild project an action runs (its `ProjectName` is a Ref in the same stack). */
function projectOf(s: Synthesized, action: any): any {
  const ref = action.Configuration.ProjectName.Ref;
  return s.template.Resources[ref].Properties;
}

function variables(project: any): Record<string, unknown> {
  return Object.fromEntries((project.Environment.EnvironmentVariables ?? []).map((v: any) => [v.Name, v.Value]));
}

/** The value behind an `Fn::ImportValue` of another stack: the export's Ref, as the resource it names. */
function imported(value: any): { stack: string; resource: any } {
  const name: string = value['Fn::ImportValue'];
  expect(typeof name).toBe('string');
  const exporter = stacks.find((s) => Object.values<any>(s.template.Outputs ?? {}).some((o) => o.Export?.Name === name))!;
  const output = Object.values<any>(exporter.template.Outputs).find((o) => o.Export?.Name === name);
  return { stack: exporter.stackName, resource: exporter.template.Resources[output.Value.Ref] };
}

/** The inline policies attached to a role (by its logical ID) in a template. */
function statementsOf(s: Synthesized, roleLogicalId: string): any[] {
  return resources(s, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleLogicalId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('three environments across two accounts', () => {
  test('the factory builds one backend Stage per environment, named by its naming (prod keeps the seed names)', () => {
    expect(factory.calls).toEqual(NAMES.map((n) => ({ id: n.stage, environment: n.env, stackPrefix: n.prefix })));
  });

  test('every stack: named as the environment says, in its environment\'s account, unique, within CloudFormation limits', () => {
    const expected: Record<string, string> = {
      'E-Com67-BackendPipelineStack': PIPELINES,
      'E-Com67-AdminPipelineStack': PIPELINES,
      'E-Com67-CustomerPipelineStack': PIPELINES,
      // The dashboard and alarms, with the pipelines; the alarms on CloudFront metrics in us-east-1.
      'E-Com67-MonitoringStack': PIPELINES,
      'E-Com67-EdgeMonitoringStack': PIPELINES,
      // The alarms on prod's distributions, in prod's account.
      'E-Com67-Prod-EdgeMonitoringStack': PROD,
    };
    for (const n of NAMES) {
      for (const part of ['Frontend', 'Data', 'Compute', 'Api']) {
        expected[`${n.prefix}-${part}Stack`] = n.account;
      }
    }
    expect(Object.fromEntries(stacks.map((s) => [s.stackName, s.account]))).toEqual(expected);
    expect(Object.fromEntries(stacks.filter((s) => s.region !== REGION).map((s) => [s.stackName, s.region]))).toEqual({ 'E-Com67-EdgeMonitoringStack': 'us-east-1', 'E-Com67-Prod-EdgeMonitoringStack': 'us-east-1' });
    const names = stacks.map((s) => s.stackName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
      expect(name.length).toBeLessThanOrEqual(128);
    }
  });

  test('every named resource: unique where AWS needs it (buckets everywhere, the rest per account) and within its limit', () => {
    const limits: Record<string, { property: string; max: number; pattern: RegExp; global?: boolean }> = {
      'AWS::S3::Bucket': { property: 'BucketName', max: 63, pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, global: true },
      'AWS::IAM::Role': { property: 'RoleName', max: 64, pattern: /^[\w+=,.@-]+$/ },
      'AWS::CodeBuild::Project': { property: 'Name', max: 255, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]+$/ },
      'AWS::CodePipeline::Pipeline': { property: 'Name', max: 100, pattern: /^[A-Za-z0-9.@_-]+$/ },
      'AWS::SSM::Parameter': { property: 'Name', max: 1011, pattern: /^\/[A-Za-z0-9_.\-/]+$/ },
      'AWS::CloudFront::Function': { property: 'Name', max: 64, pattern: /^[A-Za-z0-9_-]+$/ },
    };
    const seen = new Map<string, string>();
    let literal = 0;
    for (const s of stacks) {
      for (const [type, limit] of Object.entries(limits)) {
        for (const [id, r] of resources(s, type)) {
          const name = r.Properties?.[limit.property];
          if (typeof name !== 'string') {
            continue;
          }
          literal += 1;
          expect({ name, ok: limit.pattern.test(name) && name.length <= limit.max }).toEqual({ name, ok: true });
          const key = `${type} ${limit.global ? '' : `${s.account}/${s.region} `}${name}`;
          expect({ key, also: seen.get(key) }).toEqual({ key, also: undefined });
          seen.set(key, `${s.stackName}/${id}`);
        }
      }
    }
    expect(literal).toBeGreaterThan(20);
    const buckets = [...seen.keys()].filter((k) => k.startsWith('AWS::S3::Bucket ')).map((k) => k.split(' ')[1]).sort();
    expect(buckets).toEqual([
      'e-com67-admin-dashboard-222222222222', 'e-com67-customer-app-222222222222',
      'e-com67-dev-admin-dashboard-111111111111', 'e-com67-dev-customer-app-111111111111',
      'e-com67-staging-admin-dashboard-111111111111', 'e-com67-staging-customer-app-111111111111',
    ]);
  });

  test('each environment\'s backend writes its own API URL parameter, in its account', () => {
    for (const n of NAMES) {
      const api = stack(`${n.prefix}-ApiStack`);
      expect(api.account).toBe(n.account);
      expect(resources(api, 'AWS::SSM::Parameter').map(([, r]) => r.Properties.Name)).toEqual([`/${n.project}/api-url`]);
    }
  });

  describe('the backend pipeline', () => {
    test('deploys Dev, Staging, then Prod, each stack with its account\'s deploy role, after Source and Build', () => {
      const stages = pipelineStages('E-Com67-BackendPipelineStack');
      expect(stages.map((s) => s.name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'Staging', 'Prod'].filter((name) => stages.some((s) => s.name === name)));
      expect(stages.slice(-3).map((s) => s.name)).toEqual(['Dev', 'Staging', 'Prod']);
      for (const n of NAMES) {
        const deploys = stages.find((s) => s.name === n.stage)!.actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
        // Prepare and Deploy of Data, Compute, Api, in that order.
        expect(deploys.map((a) => a.Name)).toEqual(['Data', 'Compute', 'Api'].flatMap((part) => [`${n.prefix}-${part}Stack.Prepare`, `${n.prefix}-${part}Stack.Deploy`]));
        for (const a of deploys) {
          expect(JSON.stringify(a.RoleArn)).toContain(`:iam::${n.account}:role/cdk-hnb659fds-deploy-role-${n.account}-${REGION}`);
        }
      }
    });

    test('has a manual approval only in Prod, before its first deploy', () => {
      const stages = pipelineStages('E-Com67-BackendPipelineStack');
      const approvals = stages.flatMap((s) => s.actions.filter((a) => a.ActionTypeId.Category === 'Approval').map((a) => ({ stage: s.name, action: a })));
      expect(approvals.map((a) => a.stage)).toEqual(['Prod']);
      const prod = stages.find((s) => s.name === 'Prod')!;
      const others = prod.actions.filter((a) => a !== approvals[0].action);
      expect(Math.max(approvals[0].action.RunOrder)).toBeLessThan(Math.min(...others.map((a) => a.RunOrder)));
    });

    test('runs staging\'s post step after staging\'s deploys, and only there', () => {
      const stages = pipelineStages('E-Com67-BackendPipelineStack');
      const withTests = stages.filter((s) => s.actions.some((a) => a.Name === 'IntegrationTests'));
      expect(withTests.map((s) => s.name)).toEqual(['Staging']);
      const staging = withTests[0];
      const post = staging.actions.find((a) => a.Name === 'IntegrationTests');
      const deploys = staging.actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      expect(post.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
      expect(JSON.stringify(projectOf(stack('E-Com67-BackendPipelineStack'), post).Source.BuildSpec)).toContain('npm run test:integration');
    });

    test('its artifact key and bucket can be used by the prod account\'s deploy role', () => {
      const pipelineStack = stack('E-Com67-BackendPipelineStack');
      const prodDeployRole = `:iam::${PROD}:role/cdk-hnb659fds-deploy-role-${PROD}-${REGION}`;
      const keys = resources(pipelineStack, 'AWS::KMS::Key');
      expect(keys).toHaveLength(1);
      const keyGrants = keys[0][1].Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal ?? {}).includes(PROD));
      expect(keyGrants).toHaveLength(1);
      expect(keyGrants[0].Effect).toBe('Allow');
      expect(list(keyGrants[0].Action)).toEqual(expect.arrayContaining(['kms:Decrypt']));
      expect(JSON.stringify(keyGrants[0].Principal)).toContain(prodDeployRole);
      const bucketGrants = resources(pipelineStack, 'AWS::S3::BucketPolicy')
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => s.Effect === 'Allow' && JSON.stringify(s.Principal ?? {}).includes(prodDeployRole));
      expect(bucketGrants.flatMap((s: any) => list(s.Action))).toEqual(expect.arrayContaining(['s3:GetObject*']));
    });
  });

  describe.each(APPS)('the pipeline of %s', (appName) => {
    const stackName = PIPELINE_STACKS[appName];

    test('builds once, then deploys that build to Deploy-Dev, Deploy-Staging, Deploy-Prod, with an approval before prod only', () => {
      const stages = pipelineStages(stackName);
      expect(stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy-Dev', 'Deploy-Staging', 'Deploy-Prod']);
      const s = stack(stackName);
      const all = stages.flatMap((st) => st.actions.map((a) => ({ stage: st.name, action: a })));
      const builds = all.filter(({ action }) => action.ActionTypeId.Provider === 'CodeBuild' && projectOf(s, action).Name === `e-com67-${appName}-build`);
      expect(builds.map((b) => b.stage)).toEqual(['Build']);
      const built = builds[0].action.OutputArtifacts.map((o: any) => o.Name);
      expect(built).toHaveLength(1);
      for (const n of NAMES) {
        const stage = stages.find((st) => st.name === `Deploy-${n.stage}`)!;
        const deploys = stage.actions.filter((a) => a.ActionTypeId.Provider === 'CodeBuild');
        expect(deploys).toHaveLength(1);
        expect(projectOf(s, deploys[0]).Name).toBe(`${n.project}-${appName}-deploy`);
        // The same artifact, built once.
        expect(deploys[0].InputArtifacts.map((i: any) => i.Name)).toEqual(built);
        const approvals = stage.actions.filter((a) => a.ActionTypeId.Category === 'Approval');
        expect(approvals).toHaveLength(n.env === 'prod' ? 1 : 0);
        if (approvals.length > 0) {
          expect(approvals[0].RunOrder).toBeLessThan(deploys[0].RunOrder);
        }
      }
      expect(all.filter(({ action }) => action.ActionTypeId.Category === 'Approval').map((a) => a.stage)).toEqual(['Deploy-Prod']);
    });

    test.each(NAMES)('the $env deploy reads $env\'s API URL parameter and deploys to $env\'s bucket', (n) => {
      const s = stack(stackName);
      const stage = pipelineStages(stackName).find((st) => st.name === `Deploy-${n.stage}`)!;
      const project = projectOf(s, stage.actions.find((a) => a.ActionTypeId.Provider === 'CodeBuild'));
      const vars = variables(project);
      expect(JSON.parse(vars.SPA_RUNTIME_CONFIG_PARAMETERS as string)).toEqual({ apiUrl: `/${n.project}/api-url` });
      expect(vars.SPA_RUNTIME_CONFIG_PATH).toBe('config.json');
      // No value of the pipeline account's parameter baked in: each environment's URL is read when its deploy runs.
      expect(vars.SPA_RUNTIME_CONFIG).toBeUndefined();
      const bucket = `${n.project}-${appName}-${n.account}`;
      if (n.account === PIPELINES) {
        const target = imported(vars.SPA_BUCKET);
        expect(target.stack).toBe(`${n.prefix}-FrontendStack`);
        expect(target.resource.Properties.BucketName).toBe(bucket);
        expect(imported(vars.SPA_KVS_ARN).stack).toBe(`${n.prefix}-FrontendStack`);
        expect(vars.SPA_ROLE_ARN).toBeUndefined();
      } else {
        expect(vars.SPA_BUCKET).toBe(bucket);
        expect(vars.SPA_TARGET_PARAMETER).toBe(`/cdk-ecom-platform/${bucket}/deploy-target`);
        expect(vars.SPA_ROLE_ARN).toMatch(new RegExp(`^arn:aws:iam::${PROD}:role/`));
        expect(vars.SPA_KVS_ARN).toBeUndefined();
        expect(vars.SPA_SITE_URL).toBeUndefined();
      }
    });

    test('the cross-account deploy role in prod\'s frontend stack is trusted only by the prod deploy project\'s role', () => {
      const s = stack(stackName);
      const stage = pipelineStages(stackName).find((st) => st.name === 'Deploy-Prod')!;
      const project = projectOf(s, stage.actions.find((a) => a.ActionTypeId.Provider === 'CodeBuild'));
      const projectRoleId = project.ServiceRole['Fn::GetAtt'][0];
      const projectRoleName = s.template.Resources[projectRoleId].Properties.RoleName;
      expect(typeof projectRoleName).toBe('string');
      const roleArn = variables(project).SPA_ROLE_ARN as string;

      const prod = stack('E-Com67-FrontendStack');
      const crossAccount = resources(prod, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(PIPELINES));
      const mine = crossAccount.filter(([, r]) => roleArn === `arn:aws:iam::${PROD}:role/${r.Properties.RoleName}`);
      expect(mine).toHaveLength(1);
      const [roleId, role] = mine[0];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${PIPELINES}:root` },
        Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${PIPELINES}:role/${projectRoleName}` } },
      }]);
      // It reads the target parameter and prod's API URL, in prod's account.
      const reads = statementsOf(prod, roleId).filter((st) => list(st.Action).includes('ssm:GetParameter'));
      const readText = JSON.stringify(reads);
      expect(readText).toContain(`:${PROD}:parameter/cdk-ecom-platform/e-com67-${appName}-${PROD}/deploy-target`);
      expect(readText).toContain(`:${PROD}:parameter/e-com67/api-url`);
      // The deploy project may assume that role, and no other.
      const assumes = statementsOf(s, projectRoleId).filter((st) => list(st.Action).includes('sts:AssumeRole'));
      expect(assumes.flatMap((st) => list(st.Resource))).toEqual([roleArn]);
      // The target parameter names this app's bucket in prod.
      const parameter = resources(prod, 'AWS::SSM::Parameter').find(([, r]) => r.Properties.Name === `/cdk-ecom-platform/e-com67-${appName}-${PROD}/deploy-target`);
      expect(JSON.stringify(parameter![1].Properties.Value)).toMatch(/"bucket\\":\\"",\{"Ref":"[A-Za-z]+Bucket[0-9A-F]{8}"\}/);
    });
  });

  test('dev and staging (the pipeline account) have no role another account may assume', () => {
    for (const name of ['E-Com67-Dev-FrontendStack', 'E-Com67-Staging-FrontendStack']) {
      const trusts = resources(stack(name), 'AWS::IAM::Role').map(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument));
      expect(trusts.filter((t) => t.includes(':root'))).toEqual([]);
    }
  });

  test('each frontend stack\'s Content-Security-Policy allows its own API, and prod\'s customer-app its own override', () => {
    const csp = (stackName: string, app: string) => resources(stack(stackName), 'AWS::CloudFront::ResponseHeadersPolicy')
      .filter(([id]) => id.startsWith(app))
      .map(([, r]) => r.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy as string)[0];
    for (const n of NAMES) {
      expect(csp(`${n.prefix}-FrontendStack`, 'AdminDashboard')).toContain(`connect-src 'self' {{resolve:ssm:/${n.project}/api-url}};`);
    }
    expect(csp('E-Com67-FrontendStack', 'CustomerApp')).toContain('connect-src \'self\' https://payments.example.com {{resolve:ssm:/e-com67/api-url}};');
    expect(csp('E-Com67-Staging-FrontendStack', 'CustomerApp')).not.toContain('payments.example.com');
  });

  test('no unacknowledged cdk-nag v3 or v2 findings', () => {
    expect(nag).toEqual([]);
  });

  test('no cfn-lint errors or unlisted warnings in any template', () => {
    expect(lint).toEqual([]);
  });
});

const ONE = { account: PIPELINES, region: REGION };

/** Today's platform shape: a backend Stage given as is, both pipelines, notifications; `env` or one environment. */
function onePlatform(where: { env?: typeof ONE; environments?: PlatformEnvironment[] }): { app: App; platform: EcomPlatform } {
  const app = new App({ context: CONTEXT });
  const naming = new PlatformNaming();
  const backend = new Stage(app, 'Backend', { env: ONE });
  new ssm.StringParameter(new Stack(backend, 'Data', { stackName: naming.dataStackName }), 'TableName', { stringValue: 'orders' });
  new ssm.StringParameter(new Stack(backend, 'Api', { stackName: naming.apiStackName }), 'ApiUrl', {
    parameterName: naming.apiUrlParameterName, stringValue: 'https://api.example.com/',
  });
  const platform = new EcomPlatform(app, 'Platform', {
    ...where,
    naming,
    backendStage: backend,
    backendPipeline: true,
    frontendPipelines: true,
    source: PlatformSource.codeCommit({ createRepository: true }),
    notificationEmails: ['team@example.com'],
  });
  return { app, platform };
}

/** Every template of the app by stack name, and every warning `cdk synth` shows. */
function synthesized(app: App): { templates: Record<string, unknown>; warnings: string[] } {
  const assembly = app.synth();
  return {
    templates: Object.fromEntries(assembly.stacksRecursively.map((s) => [s.stackName, s.template])),
    warnings: assembly.stacksRecursively.flatMap((s) => s.messages).filter((m) => m.level === 'warning').map((m) => String(m.entry.data)),
  };
}

/** Warnings on the construct tree, without synthesizing it. */
function warningsOf(platform: EcomPlatform): string[] {
  return platform.node.scope!.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}

/** Today's platform (`env`, no environments), synthesized once for the comparisons below. */
let todays: ReturnType<typeof synthesized> | undefined;
const today = () => (todays ??= synthesized(onePlatform({ env: ONE }).app));

describe('one environment', () => {
  let one: ReturnType<typeof synthesized>;

  beforeAll(() => {
    one = synthesized(onePlatform({ environments: [{ name: 'prod', ...ONE }] }).app);
  });

  test('environments: [prod] gives the same templates as env without environments', () => {
    expect(Object.keys(one.templates).sort()).toEqual(Object.keys(today().templates).sort());
    expect(Object.keys(today().templates)).toContain('E-Com67-FrontendStack');
    for (const name of Object.keys(today().templates)) {
      expect({ name, template: one.templates[name] }).toEqual({ name, template: today().templates[name] });
    }
  });

  test('and the same warnings: none about environments', () => {
    expect(one.warnings).toEqual(today().warnings);
    expect(one.warnings.filter((w) => w.includes('EcomPlatform.'))).toEqual([]);
  });

  test('with manualApproval on the only environment: a warning that every push waits for a person', () => {
    const { platform } = onePlatform({ environments: [{ name: 'prod', ...ONE, manualApproval: true }] });
    const warnings = warningsOf(platform).filter((w) => w.includes('cdk-ecom-platform:EcomPlatform.approvalWithOneEnvironment'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('environment "prod" asks for a manual approval, and it is the only environment');
  });
});

describe('the environment keeping the seed names', () => {
  const direct = (environments: PlatformEnvironment[], productionEnvironment?: string) => {
    const app = new App({ context: CONTEXT });
    return new EcomPlatform(app, 'Platform', { environments, productionEnvironment });
  };
  const THREE = ['dev', 'staging', 'live'].map((name, i) => ({ name, account: i < 2 ? PIPELINES : PROD, region: REGION }));

  test('without one named prod: the last keeps them, and a warning names it', () => {
    const platform = direct(THREE);
    expect(platform.frontendStacks.map((s) => s.stackName)).toEqual(['E-Com67-Dev-FrontendStack', 'E-Com67-Staging-FrontendStack', 'E-Com67-FrontendStack']);
    expect(platform.frontendStack.account).toBe(PROD);
    const warnings = warningsOf(platform).filter((w) => w.includes('cdk-ecom-platform:EcomPlatform.noProductionEnvironment'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no environment is named "prod": the last, "live", keeps the seed\'s names (E-Com67-FrontendStack)');
    expect(warnings[0]).toContain('set `productionEnvironment` to its name');
  });

  test('productionEnvironment names another one: it keeps them, without a warning', () => {
    const platform = direct(THREE, 'staging');
    expect(platform.frontendStacks.map((s) => s.stackName)).toEqual(['E-Com67-Dev-FrontendStack', 'E-Com67-FrontendStack', 'E-Com67-Live-FrontendStack']);
    expect(platform.hosting('admin-dashboard').literalBucketName).toBe(`e-com67-admin-dashboard-${PIPELINES}`);
    expect(warningsOf(platform).filter((w) => w.includes('EcomPlatform.'))).toEqual([]);
  });
});

describe('adding environments to a one-environment platform', () => {
  /** The logical ID and name of every CodeBuild project and the repository and topic of `stackName`. */
  const named = (templates: Record<string, any>, stackName: string, type: string, nameProperty: string) =>
    Object.entries(templates[stackName]?.Resources ?? {}).filter(([, r]: [string, any]) => r.Type === type)
      .map(([id, r]: [string, any]) => `${id} ${JSON.stringify(r.Properties?.[nameProperty])}`).sort();

  let before: Record<string, any>;
  let after: Record<string, any>;
  beforeAll(() => {
    before = today().templates;
    const app = new App({ context: CONTEXT });
    new EcomPlatform(app, 'Platform', {
      env: ONE,
      environments: ['dev', 'staging', 'prod'].map((name) => ({ name, ...ONE })),
      frontendPipelines: true,
      source: PlatformSource.codeCommit({ createRepository: true }),
      notificationEmails: ['team@example.com'],
    });
    after = synthesized(app).templates;
  });

  test('the production deploy project keeps its logical ID and name (no create-before-delete clash); the others are new', () => {
    const prodProjects = named(before, 'E-Com67-AdminPipelineStack', 'AWS::CodeBuild::Project', 'Name');
    const projects = named(after, 'E-Com67-AdminPipelineStack', 'AWS::CodeBuild::Project', 'Name');
    expect(projects).toEqual(expect.arrayContaining(prodProjects));
    expect(projects.filter((p) => !prodProjects.includes(p)).map((p) => p.split(' ')[1]))
      .toEqual(['"e-com67-dev-admin-dashboard-deploy"', '"e-com67-staging-admin-dashboard-deploy"']);
  });

  test('the repository and the topic stay in E-Com67-FrontendStack with their logical IDs', () => {
    for (const [type, property] of [['AWS::CodeCommit::Repository', 'RepositoryName'], ['AWS::SNS::Topic', 'KmsMasterKeyId']]) {
      const kept = named(before, 'E-Com67-FrontendStack', type, property);
      expect(kept).toHaveLength(1);
      expect(named(after, 'E-Com67-FrontendStack', type, property)).toEqual(kept);
      expect(named(after, 'E-Com67-Dev-FrontendStack', type, property)).toEqual([]);
    }
  });
});

describe('context ecom:pipelineAccount (read by the CLI too)', () => {
  test('without env: the pipelines and the repository are in that account, in the first environment\'s region', () => {
    const app = new App({ context: { ...CONTEXT, 'ecom:pipelineAccount': PROD } });
    const platform = new EcomPlatform(app, 'Platform', {
      environments: [{ name: 'dev', account: PIPELINES, region: REGION }, { name: 'prod', account: PROD, region: REGION }],
      frontendPipelines: true,
      source: PlatformSource.codeCommit({ createRepository: true }),
    });
    expect(platform.appPipelineStacks.map((s) => [s.account, s.region])).toEqual([[PROD, REGION], [PROD, REGION]]);
    expect(Stack.of(platform.repository!).stackName).toBe('E-Com67-FrontendStack');
    expect(Stack.of(platform.repository!).account).toBe(PROD);
  });
});
