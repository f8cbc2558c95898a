// One build deployed to several environments (SpaPipeline.addDeployment): dev and staging in the pipeline's
// account, prod in another, one region. Stage order, one build, one deploy per environment, approvals, each deploy's
// own target and grants, the cross-account deploy role's trust, and cdk-nag v3/v2 and cfn-lint on the whole app.
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { Construct } from 'constructs';
import { SpaHosting, SpaPipeline, SpaPipelineOptions, SpaSource } from '../src';
import { appCases, checkCompliance, describeCompliance } from './helpers/compliance';
import { FLAG_CONTEXTS } from './helpers/contexts';

const PIPELINE_ACCOUNT = '111111111111';
const PROD_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const PROD_BUCKET = `e-com67-admin-dashboard-${PROD_ACCOUNT}`;
const PROD_TARGET_PARAMETER = `/cdk-ecom-platform/${PROD_BUCKET}/deploy-target`;

/** The layout: a frontend stack per environment, the app's pipeline in the pipeline account; `options` over it. */
function build(app: App, options: SpaPipelineOptions = {}) {
  const env = (account: string) => ({ account, region: REGION });
  const dev = new Stack(app, 'E-Com67-Dev-FrontendStack', { env: env(PIPELINE_ACCOUNT) });
  const staging = new Stack(app, 'E-Com67-Staging-FrontendStack', { env: env(PIPELINE_ACCOUNT) });
  const prod = new Stack(app, 'E-Com67-FrontendStack', { env: env(PROD_ACCOUNT) });
  const pipelineStack = new Stack(app, 'E-Com67-AdminPipelineStack', { env: env(PIPELINE_ACCOUNT) });
  const hostings = {
    dev: new SpaHosting(dev, 'Admin', { bucketName: `e-com67-dev-admin-dashboard-${PIPELINE_ACCOUNT}` }),
    staging: new SpaHosting(staging, 'Admin', { bucketName: `e-com67-staging-admin-dashboard-${PIPELINE_ACCOUNT}` }),
    prod: new SpaHosting(prod, 'Admin', { bucketName: PROD_BUCKET }),
  };
  const pipeline = new SpaPipeline(pipelineStack, 'AdminPipeline', {
    hosting: hostings.dev,
    environmentName: 'dev',
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(pipelineStack, 'Repo', 'e-com67'), 'master'),
    buildProjectName: 'e-com67-admin-dashboard-build',
    deployProjectName: 'e-com67-dev-admin-dashboard-deploy',
    runtimeConfig: { apiUrl: 'https://dev-api.example.com' },
    ...options,
  });
  pipeline.addDeployment({
    environmentName: 'staging',
    hosting: hostings.staging,
    deployProjectName: 'e-com67-staging-admin-dashboard-deploy',
    runtimeConfigParameters: { apiUrl: '/e-com67-staging/api-url' },
  });
  pipeline.addDeployment({
    environmentName: 'prod',
    hosting: hostings.prod,
    deployProjectName: 'e-com67-admin-dashboard-deploy',
    manualApproval: true,
    runtimeConfig: { stage: 'prod' },
    runtimeConfigParameters: { apiUrl: '/e-com67/api-url' },
  });
  return { stacks: { pipeline: pipelineStack, dev, staging, prod }, hostings, pipeline };
}

/** A literal ARN either way CDK renders it: with the partition a reference (no feature flags) or "aws". */
function plain(value: any): any {
  const parts = value?.['Fn::Join']?.[1];
  if (Array.isArray(parts) && parts.every((p: any) => typeof p === 'string' || p?.Ref === 'AWS::Partition')) {
    return parts.map((p: any) => (typeof p === 'string' ? p : 'aws')).join('');
  }
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (typeof value === 'object' && value !== null && !value['Fn::Join']) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const resourcesOf = (template: any, type: string): Array<[string, any]> =>
  Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe.each(FLAG_CONTEXTS)('SpaPipeline environments ($name)', ({ context }) => {
  const app = new App({ context });
  const { stacks, hostings, pipeline } = build(app);
  const templates = Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, Template.fromStack(stack).toJSON()]));
  const pipelineTemplate = templates.pipeline;
  const [, pipelineResource] = resourcesOf(pipelineTemplate, 'AWS::CodePipeline::Pipeline')[0];
  const stages: any[] = pipelineResource.Properties.Stages;
  const projectNamed = (name: string) => {
    const found = resourcesOf(pipelineTemplate, 'AWS::CodeBuild::Project').find(([, r]) => r.Properties.Name === name);
    expect(found).toBeDefined();
    return { id: found![0], properties: found![1].Properties };
  };
  const variablesOf = (name: string): Record<string, unknown> => Object.fromEntries(
    projectNamed(name).properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
  /** Every statement of the policies attached to the project's role. */
  const statementsOf = (template: any, roleId: string): any[] => resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const roleIdOf = (projectName: string) => projectNamed(projectName).properties.ServiceRole['Fn::GetAtt'][0];
  const resolveIn = (stack: Stack, value: unknown) => stack.resolve(value);
  const prodRole = resourcesOf(templates.prod, 'AWS::IAM::Role')
    .find(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(`:iam::${PIPELINE_ACCOUNT}:root`));

  test('stages in order: Source, Build, then one deploy stage per environment', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'Deploy-Dev', 'Deploy-Staging', 'Deploy-Prod']);
  });

  test('deployProject is the first deployment\'s; deployProjects has every deployment\'s, in order', () => {
    const idOf = (project: Construct) => stacks.pipeline.getLogicalId(project.node.defaultChild as CfnElement);
    const names = pipeline.deployProjects.map((project) => pipelineTemplate.Resources[idOf(project)].Properties.Name);
    expect(names).toEqual(['e-com67-dev-admin-dashboard-deploy', 'e-com67-staging-admin-dashboard-deploy', 'e-com67-admin-dashboard-deploy']);
    expect(pipeline.deployProjects[0]).toBe(pipeline.deployProject);
  });

  test('the app is built once, and every deploy takes that same build output', () => {
    const buildActions = stages.flatMap((s) => s.Actions).filter((a) => a.ActionTypeId.Category === 'Build'
      && JSON.stringify(a.Configuration.ProjectName) === JSON.stringify({ Ref: projectNamed('e-com67-admin-dashboard-build').id }));
    expect(buildActions).toHaveLength(1);
    expect(buildActions[0].OutputArtifacts).toEqual([{ Name: 'Site' }]);
    for (const stage of stages.slice(2)) {
      const deploys = stage.Actions.filter((a: any) => a.ActionTypeId.Category === 'Build');
      expect(deploys).toHaveLength(1);
      expect(deploys[0].InputArtifacts).toEqual([{ Name: 'Site' }]);
      expect(deploys[0].Configuration.EnvironmentVariables).toBe(JSON.stringify([{ name: 'SPA_SOURCE_VERSION', type: 'PLAINTEXT', value: '#{Source_Source_NS.CommitId}' }]));
    }
    const projects = stages.slice(2).map((s) => s.Actions.find((a: any) => a.ActionTypeId.Category === 'Build').Configuration.ProjectName.Ref);
    expect(projects).toEqual(['e-com67-dev-admin-dashboard-deploy', 'e-com67-staging-admin-dashboard-deploy', 'e-com67-admin-dashboard-deploy']
      .map((name) => projectNamed(name).id));
  });

  test('a manual approval only where asked (prod), before its deploy action', () => {
    const approvals = (stage: any) => stage.Actions.filter((a: any) => a.ActionTypeId.Category === 'Approval');
    expect(stages.map((s) => approvals(s).length)).toEqual([0, 0, 0, 0, 1]);
    const prod = stages[4];
    expect(prod.Actions.map((a: any) => [a.Name, a.ActionTypeId.Category, a.RunOrder])).toEqual([['Approve', 'Approval', 1], ['Deploy', 'Build', 2]]);
    expect(stages[2].Actions.map((a: any) => a.RunOrder)).toEqual([1]);
  });

  test('same-account deploys name their own bucket, store and distribution; every deploy logs to the pipeline\'s deploy log group', () => {
    for (const [projectName, hosting] of [['e-com67-dev-admin-dashboard-deploy', hostings.dev], ['e-com67-staging-admin-dashboard-deploy', hostings.staging]] as const) {
      const variables = variablesOf(projectName);
      expect(variables.SPA_BUCKET).toEqual(resolveIn(stacks.pipeline, hosting.bucket.bucketName));
      expect(variables.SPA_KVS_ARN).toEqual(resolveIn(stacks.pipeline, hosting.keyValueStore!.keyValueStoreArn));
      const domain = resolveIn(stacks.pipeline, hosting.distribution.distributionDomainName);
      expect(JSON.stringify(variables.SPA_SITE_URL)).toContain(JSON.stringify(domain));
      expect(variables.SPA_ROLE_ARN).toBeUndefined();
      expect(variables.SPA_TARGET_PARAMETER).toBeUndefined();
    }
    expect(variablesOf('e-com67-dev-admin-dashboard-deploy').SPA_BUCKET).not.toEqual(variablesOf('e-com67-staging-admin-dashboard-deploy').SPA_BUCKET);
    const groups = ['e-com67-dev-admin-dashboard-deploy', 'e-com67-staging-admin-dashboard-deploy', 'e-com67-admin-dashboard-deploy']
      .map((name) => JSON.stringify(projectNamed(name).properties.LogsConfig));
    expect(new Set(groups).size).toBe(1);
  });

  test('the cross-account deploy names its bucket, the deploy role and the target parameter, all literal; the parameter holds the rest', () => {
    const variables = variablesOf('e-com67-admin-dashboard-deploy');
    expect(variables.SPA_BUCKET).toBe(PROD_BUCKET);
    expect(variables.SPA_TARGET_PARAMETER).toBe(PROD_TARGET_PARAMETER);
    expect(variables.SPA_KVS_ARN).toBeUndefined();
    expect(variables.SPA_SITE_URL).toBeUndefined();
    expect(prodRole).toBeDefined();
    const roleName = prodRole![1].Properties.RoleName;
    expect(typeof roleName).toBe('string');
    expect(plain(variables.SPA_ROLE_ARN)).toBe(`arn:aws:iam::${PROD_ACCOUNT}:role/${roleName}`);
    // Nothing crosses the accounts as a CloudFormation reference.
    expect(JSON.stringify(pipelineTemplate)).not.toContain('Fn::ImportValue":"E-Com67-FrontendStack');
    expect(JSON.stringify(templates.prod)).not.toContain('Fn::ImportValue');

    const [, parameter] = resourcesOf(templates.prod, 'AWS::SSM::Parameter')[0];
    expect(parameter.Properties).toMatchObject({ Name: PROD_TARGET_PARAMETER, Type: 'String' });
    const value = JSON.stringify(parameter.Properties.Value);
    const prod = hostings.prod;
    for (const part of [prod.bucket.bucketName, prod.keyValueStore!.keyValueStoreArn, prod.distribution.distributionDomainName]) {
      expect(value).toContain(JSON.stringify(resolveIn(stacks.prod, part)));
    }
    expect(value).toContain('\\"siteUrl\\":\\"https://');
  });

  test('each deploy\'s runtime config: its own values and its own parameter names', () => {
    const dev = variablesOf('e-com67-dev-admin-dashboard-deploy');
    expect(dev.SPA_RUNTIME_CONFIG).toBe('{"apiUrl":"https://dev-api.example.com"}');
    expect(dev.SPA_RUNTIME_CONFIG_PATH).toBe('config.json');
    expect(dev.SPA_RUNTIME_CONFIG_PARAMETERS).toBeUndefined();
    const staging = variablesOf('e-com67-staging-admin-dashboard-deploy');
    expect(staging.SPA_RUNTIME_CONFIG).toBeUndefined();
    expect(staging.SPA_RUNTIME_CONFIG_PATH).toBe('config.json');
    expect(JSON.parse(staging.SPA_RUNTIME_CONFIG_PARAMETERS as string)).toEqual({ apiUrl: '/e-com67-staging/api-url' });
    const prod = variablesOf('e-com67-admin-dashboard-deploy');
    expect(prod.SPA_RUNTIME_CONFIG).toBe('{"stage":"prod"}');
    expect(JSON.parse(prod.SPA_RUNTIME_CONFIG_PARAMETERS as string)).toEqual({ apiUrl: '/e-com67/api-url' });
  });

  test('the prod deploy role trusts the pipeline account only for the prod deploy project\'s role', () => {
    const prodProjectRoleId = roleIdOf('e-com67-admin-dashboard-deploy');
    const projectRoleName = pipelineTemplate.Resources[prodProjectRoleId].Properties.RoleName;
    expect(typeof projectRoleName).toBe('string');
    expect(plain(prodRole![1].Properties.AssumeRolePolicyDocument.Statement)).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PIPELINE_ACCOUNT}:root` },
      Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${PIPELINE_ACCOUNT}:role/${projectRoleName}` } },
    }]);
  });

  test('least privilege: each deploy writes its own bucket only; prod\'s project only assumes its role, which reads exactly its parameters', () => {
    const writes = (template: any, roleId: string) => statementsOf(template, roleId)
      .filter((s) => [s.Action].flat().includes('s3:PutObject')).flatMap((s) => [s.Resource].flat());
    const objectsOf = (stack: Stack, hosting: SpaHosting) => [resolveIn(stack, hosting.bucket.arnForObjects('*'))];
    expect(writes(pipelineTemplate, roleIdOf('e-com67-dev-admin-dashboard-deploy'))).toEqual(objectsOf(stacks.pipeline, hostings.dev));
    expect(writes(pipelineTemplate, roleIdOf('e-com67-staging-admin-dashboard-deploy'))).toEqual(objectsOf(stacks.pipeline, hostings.staging));
    expect(writes(pipelineTemplate, roleIdOf('e-com67-admin-dashboard-deploy'))).toEqual([]);
    expect(writes(templates.prod, prodRole![0])).toEqual(objectsOf(stacks.prod, hostings.prod));

    const prodProject = statementsOf(pipelineTemplate, roleIdOf('e-com67-admin-dashboard-deploy'));
    expect(prodProject.filter((s) => s.Action === 'sts:AssumeRole')).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Resource: variablesOf('e-com67-admin-dashboard-deploy').SPA_ROLE_ARN,
    }]);
    expect(JSON.stringify(prodProject)).not.toMatch(/cloudfront-keyvaluestore|ssm:/);
    const parameterArn = (name: string) => `arn:aws:ssm:${REGION}:${PROD_ACCOUNT}:parameter${name}`;
    expect(plain(statementsOf(templates.prod, prodRole![0]).filter((s) => s.Action === 'ssm:GetParameter'))).toEqual([{
      Action: 'ssm:GetParameter', Effect: 'Allow', Resource: [parameterArn(PROD_TARGET_PARAMETER), parameterArn('/e-com67/api-url')],
    }]);
    const stagingParameters = statementsOf(pipelineTemplate, roleIdOf('e-com67-staging-admin-dashboard-deploy')).filter((s) => s.Action === 'ssm:GetParameter');
    expect(plain(stagingParameters)).toEqual([{
      Action: 'ssm:GetParameter', Effect: 'Allow', Resource: `arn:aws:ssm:${REGION}:${PIPELINE_ACCOUNT}:parameter/e-com67-staging/api-url`,
    }]);
    // The dev deploy reads no parameter, and grants nothing on the other environments' stores.
    const dev = JSON.stringify(statementsOf(pipelineTemplate, roleIdOf('e-com67-dev-admin-dashboard-deploy')));
    expect(dev).not.toContain('ssm:GetParameter');
    expect(dev).not.toContain(JSON.stringify(resolveIn(stacks.pipeline, hostings.staging.keyValueStore!.keyValueStoreArn)));
  });

  test('the two-account app synthesizes into a cloud assembly', () => {
    const assembly = new App({ context });
    build(assembly);
    const accounts = assembly.synth().stacks.map((s) => s.environment.account).sort();
    expect(accounts).toEqual([PIPELINE_ACCOUNT, PIPELINE_ACCOUNT, PIPELINE_ACCOUNT, PROD_ACCOUNT]);
  });
});

describeCompliance('SpaPipeline environments', (context) => {
  const result = checkCompliance(context, (app) => build(app).stacks);
  return { ...result, cases: appCases(result) };
});

describe.each(FLAG_CONTEXTS)('SpaPipeline environments, a build per environment ($name)', ({ context }) => {
  const app = new App({ context });
  const { stacks } = build(app, { buildPerEnvironment: true, buildCommands: ['npm run build -- --mode "$SPA_ENVIRONMENT"'] });
  const template = Template.fromStack(stacks.pipeline).toJSON();
  const [, pipelineResource] = resourcesOf(template, 'AWS::CodePipeline::Pipeline')[0];
  const stages: any[] = pipelineResource.Properties.Stages;
  const projects = resourcesOf(template, 'AWS::CodeBuild::Project');
  const buildProjectId = projects.find(([, r]) => r.Properties.Name === 'e-com67-admin-dashboard-build')![0];
  const actionsNamed = (name: string) => stages.slice(1).map((stage) => stage.Actions.find((a: any) => a.Name === name));

  test('no shared Build stage: each environment\'s stage runs [Approve], Build, then Deploy, in that order', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Deploy-Dev', 'Deploy-Staging', 'Deploy-Prod']);
    expect(stages.slice(1).map((s) => s.Actions.map((a: any) => [a.Name, a.ActionTypeId.Category, a.RunOrder]))).toEqual([
      [['Build', 'Build', 1], ['Deploy', 'Build', 2]],
      [['Build', 'Build', 1], ['Deploy', 'Build', 2]],
      [['Approve', 'Approval', 1], ['Build', 'Build', 2], ['Deploy', 'Build', 3]],
    ]);
  });

  test('an unapproved prod is not even built: its build runs after its approval', () => {
    const prod = stages[3].Actions;
    const runOrder = (name: string) => prod.find((a: any) => a.Name === name).RunOrder;
    expect(runOrder('Approve')).toBeLessThan(runOrder('Build'));
    expect(runOrder('Build')).toBeLessThan(runOrder('Deploy'));
  });

  test('one build project, run by every environment\'s build action on the source; each deploy takes its own build\'s output', () => {
    const builds = actionsNamed('Build');
    expect(builds.map((a) => a.Configuration.ProjectName)).toEqual([1, 2, 3].map(() => ({ Ref: buildProjectId })));
    expect(builds.map((a) => a.InputArtifacts)).toEqual([1, 2, 3].map(() => [{ Name: 'Source' }]));
    const outputs = builds.map((a) => a.OutputArtifacts);
    expect(outputs).toEqual([[{ Name: 'SiteDev' }], [{ Name: 'SiteStaging' }], [{ Name: 'SiteProd' }]]);
    expect(actionsNamed('Deploy').map((a) => a.InputArtifacts)).toEqual(outputs);
    // One build project and a deploy project per environment: no project per build.
    expect(projects).toHaveLength(4);
    const buildSpec = JSON.parse(projects.find(([id]) => id === buildProjectId)![1].Properties.Source.BuildSpec);
    expect(buildSpec.phases.build.commands).toContain('npm run build -- --mode "$SPA_ENVIRONMENT"');
  });

  test('each build is told its environment (SPA_ENVIRONMENT, plaintext) and nothing else; deploys keep their source version', () => {
    expect(actionsNamed('Build').map((a) => JSON.parse(a.Configuration.EnvironmentVariables))).toEqual(['dev', 'staging', 'prod']
      .map((value) => [{ name: 'SPA_ENVIRONMENT', type: 'PLAINTEXT', value }]));
    expect(actionsNamed('Deploy').map((a) => a.Configuration.EnvironmentVariables)).toEqual([1, 2, 3]
      .map(() => JSON.stringify([{ name: 'SPA_SOURCE_VERSION', type: 'PLAINTEXT', value: '#{Source_Source_NS.CommitId}' }])));
  });
});

describeCompliance('SpaPipeline environments, a build per environment', (context) => {
  const result = checkCompliance(context, (app) => build(app, { buildPerEnvironment: true }).stacks);
  return { ...result, cases: appCases(result) };
});
