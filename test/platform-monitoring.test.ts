// Issue 16: the platform's dashboard and alarms, read from synthesized templates as a user would check them in
// `cdk.out`. Every intrinsic is resolved first (imports and cross-region references to the resource they name,
// `Fn::Join` to a string), so a dashboard widget or an alarm is checked against the very pipeline, CodeBuild
// project or distribution it must watch. Few synths: one app per describe, shared by its tests.
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cxapi from 'aws-cdk-lib/cx-api';
import {
  BuildDurationAlarm, ChatChannel, EcomPlatform, EcomPlatformProps, PlatformMonitoring, PlatformMonitoringProps, PlatformNaming, PlatformSource,
  SpaHosting, SpaPipeline, SpaSource,
} from '../src';

const ACCOUNT = '111122223333';
const ENV = { account: ACCOUNT, region: 'eu-west-1' };
const CONTEXT = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };

// ---------------------------------------------------------------------------------------------------------------
// Reading a cloud assembly with its references resolved.

/** The synthesized stacks of an app by stack name: template, region, warnings. */
interface Synthesized {
  readonly [stackName: string]: { readonly template: any; readonly region: string; readonly account: string; readonly warnings: string[] };
}

function synthesize(app: App): Synthesized {
  return Object.fromEntries(app.synth().stacksRecursively.map((s) => [s.stackName, {
    template: s.template,
    region: s.environment.region,
    account: s.environment.account,
    warnings: s.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data)),
  }]));
}

/**
 * A stack's template with every reference replaced by the resource it names: `Ref` and `Fn::ImportValue` by
 * `<stack>/<logical ID>`, `Fn::GetAtt` by `<stack>/<logical ID>.<attribute>`, a value read by CDK's
 * cross-region export reader by what the writer in the other stack exports, pseudo parameters by their value,
 * `Fn::Join` by its string.
 */
function resolved(stacks: Synthesized, stackName: string): any {
  const exports = new Map<string, { stack: string; value: unknown }>();
  const crossRegion = new Map<string, { stack: string; value: unknown }>();
  for (const [name, s] of Object.entries(stacks)) {
    for (const output of Object.values<any>(s.template.Outputs ?? {})) {
      if (typeof output.Export?.Name === 'string') {
        exports.set(output.Export.Name, { stack: name, value: output.Value });
      }
    }
    for (const r of Object.values<any>(s.template.Resources ?? {})) {
      if (r.Type === 'Custom::CrossRegionExportWriter') {
        for (const [key, value] of Object.entries(r.Properties.WriterProps.exports)) {
          crossRegion.set(key, { stack: name, value });
        }
      }
    }
  }
  const resolve = (stack: string, value: any): any => {
    if (Array.isArray(value)) {
      return value.map((v) => resolve(stack, v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = value[key];
      const { region, account } = stacks[stack];
      switch (key) {
        case 'Ref':
          return ({ 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' } as any)[arg]
            ?? `${stack}/${arg}`;
        case 'Fn::GetAtt': {
          const [id, attribute] = arg;
          const reader = stacks[stack].template.Resources[id];
          if (reader?.Type === 'Custom::CrossRegionExportReader') {
            const written = crossRegion.get(attribute);
            if (!written) {
              throw new Error(`no cross-region export ${attribute}`);
            }
            return resolve(written.stack, written.value);
          }
          return `${stack}/${id}.${attribute}`;
        }
        case 'Fn::ImportValue': {
          const exported = exports.get(arg);
          if (!exported) {
            throw new Error(`no export ${arg}`);
          }
          return resolve(exported.stack, exported.value);
        }
        case 'Fn::Join': {
          const parts = resolve(stack, arg[1]);
          if (parts.some((p: unknown) => typeof p !== 'string')) {
            throw new Error(`unresolved part in ${JSON.stringify(value)}`);
          }
          return parts.join(arg[0]);
        }
      }
    }
    return Object.fromEntries(keys.map((k) => [k, resolve(stack, value[k])]));
  };
  return resolve(stackName, stacks[stackName].template);
}

/** A stack's resolved template, for `Template` assertions. */
function template(stacks: Synthesized, stackName: string): Template {
  if (!stacks[stackName]) {
    throw new Error(`no stack ${stackName} among ${Object.keys(stacks).join(', ')}`);
  }
  return Template.fromJSON(resolved(stacks, stackName));
}

/** `<stack>/<logical ID>` of every resource of `type` in the given stacks, as resolved references name them. */
function resourcesOf(stacks: Synthesized, type: string, stackNames: string[] = Object.keys(stacks)): string[] {
  return stackNames.flatMap((name) => Object.entries<any>(stacks[name].template.Resources ?? {})
    .filter(([, r]) => r.Type === type).map(([id]) => `${name}/${id}`));
}

/** One metric line of a dashboard widget: `[namespace, name, dim, value, ..., options]`. */
interface DashboardMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly options: Record<string, unknown>;
}

/** The dashboard of a stack: its body (resolved, parsed) and every metric its widgets graph. */
function dashboard(stacks: Synthesized, stackName: string): { body: any; metrics: DashboardMetric[] } {
  const dashboards = Object.values<any>(resolved(stacks, stackName).Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  const body = JSON.parse(dashboards[0].Properties.DashboardBody);
  const metrics = body.widgets.filter((w: any) => w.type === 'metric').flatMap((w: any) => w.properties.metrics.map((line: any[]) => {
    const options = typeof line[line.length - 1] === 'object' ? line[line.length - 1] : {};
    const pairs = line.slice(2, typeof line[line.length - 1] === 'object' ? -1 : undefined);
    const dimensions: Record<string, string> = {};
    for (let i = 0; i < pairs.length; i += 2) {
      dimensions[pairs[i]] = pairs[i + 1];
    }
    return { widget: w.properties.title, namespace: line[0], metricName: line[1], dimensions, options };
  }));
  return { body, metrics };
}

/** The alarms of a resolved template, by name. */
function alarms(t: Template): Record<string, any> {
  return Object.fromEntries(Object.values<any>(t.findResources('AWS::CloudWatch::Alarm')).map((r) => [r.Properties.AlarmName, r.Properties]));
}

const ids = (warnings: string[]) => warnings.map((w) => /\[ack: ([^\]]+)\]\s*$/.exec(w)?.[1]);

// ---------------------------------------------------------------------------------------------------------------
// Apps.

/** Today's platform: a backend Stage with E-Com67's stack names, both pipelines, notifications; `props` last. */
function platformApp(props: Partial<EcomPlatformProps> = {}): { app: App; platform: EcomPlatform } {
  const app = new App({ context: CONTEXT });
  const naming = new PlatformNaming();
  const backend = new Stage(app, 'Backend', { env: ENV });
  new ssm.StringParameter(new Stack(backend, 'Data', { stackName: naming.dataStackName }), 'TableName', { stringValue: 'orders' });
  new ssm.StringParameter(new Stack(backend, 'Api', { stackName: naming.apiStackName }), 'ApiUrl', {
    parameterName: naming.apiUrlParameterName, stringValue: 'https://api.example.com/',
  });
  const platform = new EcomPlatform(app, 'Platform', {
    env: ENV,
    naming,
    backendStage: backend,
    backendPipeline: true,
    frontendPipelines: true,
    source: PlatformSource.codeCommit({ createRepository: true }),
    notificationEmails: ['team@example.com'],
    ...props,
  });
  return { app, platform };
}

/** A hosting and its pipeline in the stack `Site` (ENV), for PlatformMonitoring on its own. */
function site(app: App): { hosting: SpaHosting; pipeline: SpaPipeline } {
  const stack = new Stack(app, 'Site', { env: ENV });
  const hosting = new SpaHosting(stack, 'Shop');
  const pipeline = new SpaPipeline(stack, 'Pipeline', {
    hosting,
    source: SpaSource.codeCommit(codecommit.Repository.fromRepositoryName(stack, 'Repo', 'shop'), 'main'),
    pipelineName: 'shop-pipeline',
    buildProjectName: 'shop-build',
    deployProjectName: 'shop-deploy',
  });
  return { hosting, pipeline };
}

// ---------------------------------------------------------------------------------------------------------------

describe('EcomPlatform with both pipelines: the default monitoring', () => {
  const PIPELINE_STACKS = ['E-Com67-AdminPipelineStack', 'E-Com67-CustomerPipelineStack', 'E-Com67-BackendPipelineStack'];
  let platform: EcomPlatform;
  let stacks: Synthesized;
  let monitoring: Template;
  let edge: Template;
  let frontend: Template;
  let metrics: DashboardMetric[];
  let body: any;
  let topic: string;
  beforeAll(() => {
    const built = platformApp();
    platform = built.platform;
    stacks = synthesize(built.app);
    monitoring = template(stacks, 'E-Com67-MonitoringStack');
    edge = template(stacks, 'E-Com67-EdgeMonitoringStack');
    frontend = template(stacks, 'E-Com67-FrontendStack');
    ({ metrics, body } = dashboard(stacks, 'E-Com67-MonitoringStack'));
    const topics = resourcesOf(stacks, 'AWS::SNS::Topic', ['E-Com67-FrontendStack']);
    expect(topics).toHaveLength(1);
    topic = topics[0];
  });

  test('the monitoring stack is in the pipelines\' account and region, the edge stack in us-east-1; platform.stacks lists both', () => {
    expect(platform.monitoringStack?.stackName).toBe('E-Com67-MonitoringStack');
    expect(stacks['E-Com67-MonitoringStack']).toMatchObject({ account: ACCOUNT, region: 'eu-west-1' });
    expect(stacks['E-Com67-EdgeMonitoringStack']).toMatchObject({ account: ACCOUNT, region: 'us-east-1' });
    expect(platform.monitoring?.edgeStack?.stackName).toBe('E-Com67-EdgeMonitoringStack');
    expect(platform.stacks.map((s) => s.stackName)).toEqual(expect.arrayContaining(['E-Com67-MonitoringStack', 'E-Com67-EdgeMonitoringStack']));
    monitoring.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'e-com67' });
    expect(Object.values(stacks).flatMap((s) => s.warnings)).toEqual([]);
  });

  test('the dashboard graphs each of the 3 pipelines: executions (completed, failed) and duration', () => {
    const pipelines = resourcesOf(stacks, 'AWS::CodePipeline::Pipeline');
    expect(pipelines).toHaveLength(3);
    const graphed = metrics.filter((m) => m.namespace === 'AWS/CodePipeline');
    expect([...new Set(graphed.map((m) => m.dimensions.PipelineName))].sort()).toEqual(pipelines.sort());
    for (const pipeline of pipelines) {
      const of = graphed.filter((m) => m.dimensions.PipelineName === pipeline).map((m) => `${m.widget}: ${m.metricName} ${m.options.stat ?? 'Average'}`);
      expect(of.sort()).toEqual([
        'Execution duration: PipelineDuration Average',
        'Execution duration: PipelineDuration Maximum',
        'Executions: FailedPipelineExecutions Sum',
        'Executions: PipelineDuration SampleCount',
      ]);
    }
    const headings = body.widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
    expect(headings).toEqual(expect.arrayContaining([
      '## Pipeline e-com67-admin-dashboard-pipeline', '## Pipeline e-com67-customer-app-pipeline', '## Pipeline e-com67-backend-pipeline',
    ]));
  });

  test('the dashboard graphs every CodeBuild project of the pipelines (SPA build and deploy, the backend\'s synth): builds and phases', () => {
    const projects = resourcesOf(stacks, 'AWS::CodeBuild::Project', PIPELINE_STACKS);
    expect(projects).toEqual(expect.arrayContaining([
      'E-Com67-AdminPipelineStack/PipelineBuild9D009F66', 'E-Com67-AdminPipelineStack/PipelineDeployAD96A9BD',
      'E-Com67-CustomerPipelineStack/PipelineBuild9D009F66', 'E-Com67-CustomerPipelineStack/PipelineDeployAD96A9BD',
    ]));
    expect(projects.filter((p) => p.startsWith('E-Com67-BackendPipelineStack/')).length).toBeGreaterThanOrEqual(1);
    const graphed = metrics.filter((m) => m.namespace === 'AWS/CodeBuild');
    expect([...new Set(graphed.map((m) => m.dimensions.ProjectName))].sort()).toEqual(projects.sort());
    for (const project of projects) {
      expect(graphed.filter((m) => m.dimensions.ProjectName === project).map((m) => m.metricName).sort()).toEqual([
        'BuildDuration', 'DownloadSourceDuration', 'FailedBuilds', 'FinalizingDuration', 'InstallDuration', 'PostBuildDuration',
        'PreBuildDuration', 'ProvisioningDuration', 'QueuedDuration', 'SucceededBuilds', 'UploadArtifactsDuration',
      ]);
    }
  });

  test('the dashboard graphs each distribution in us-east-1 with the dimensions CloudFront publishes (DistributionId, Region Global)', () => {
    const distributions = resourcesOf(stacks, 'AWS::CloudFront::Distribution');
    expect(distributions).toHaveLength(2);
    const graphed = metrics.filter((m) => m.namespace === 'AWS/CloudFront');
    expect([...new Set(graphed.map((m) => m.dimensions.DistributionId))].sort()).toEqual(distributions.sort());
    for (const m of graphed) {
      expect(m.dimensions).toEqual({ DistributionId: expect.any(String), Region: 'Global' });
      expect(m.options.region).toBe('us-east-1');
    }
    for (const distribution of distributions) {
      expect(graphed.filter((m) => m.dimensions.DistributionId === distribution).map((m) => m.metricName).sort())
        .toEqual(['4xxErrorRate', '5xxErrorRate', 'BytesDownloaded', 'BytesUploaded', 'Requests']);
    }
  });

  test('the alarm status widget shows every alarm, those in us-east-1 by ARN', () => {
    const status = body.widgets.find((w: any) => w.type === 'alarm');
    const local = Object.keys(monitoring.findResources('AWS::CloudWatch::Alarm')).map((id) => `E-Com67-MonitoringStack/${id}.Arn`);
    const remote = Object.keys(alarms(edge)).map((name) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`);
    expect(remote).toHaveLength(2);
    expect([...status.properties.alarms].sort()).toEqual([...local, ...remote].sort());
  });

  test('a pipeline-failed alarm per pipeline: FailedPipelineExecutions Sum >= 1, notifying the platform topic', () => {
    for (const pipeline of resourcesOf(stacks, 'AWS::CodePipeline::Pipeline')) {
      monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/CodePipeline',
        MetricName: 'FailedPipelineExecutions',
        Dimensions: [{ Name: 'PipelineName', Value: pipeline }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
    }
    expect(Object.keys(alarms(monitoring)).filter((n) => n.endsWith('-failed')).sort()).toEqual([
      'e-com67-admin-dashboard-pipeline-failed', 'e-com67-backend-pipeline-failed', 'e-com67-customer-app-pipeline-failed',
    ]);
  });

  test('a build-duration anomaly alarm per project: ANOMALY_DETECTION_BAND(m0, 3) of the maximum duration, above the band', () => {
    const projects = resourcesOf(stacks, 'AWS::CodeBuild::Project', PIPELINE_STACKS);
    for (const project of projects) {
      monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ComparisonOperator: 'GreaterThanUpperThreshold',
        ThresholdMetricId: 'expr_1',
        EvaluationPeriods: 1,
        AlarmActions: [topic],
        Metrics: Match.arrayWith([
          Match.objectLike({ Id: 'expr_1', Expression: 'ANOMALY_DETECTION_BAND(m0, 3)' }),
          Match.objectLike({
            Id: 'm0',
            MetricStat: {
              Metric: { Namespace: 'AWS/CodeBuild', MetricName: 'Duration', Dimensions: [{ Name: 'ProjectName', Value: project }] },
              Period: 300,
              Stat: 'Maximum',
            },
          }),
        ]),
      });
    }
    const anomaly = Object.values(alarms(monitoring)).filter((a) => a.ComparisonOperator === 'GreaterThanUpperThreshold');
    expect(anomaly).toHaveLength(projects.length);
    expect(alarms(monitoring)['e-com67-admin-dashboard-build-slow-build']).toBeDefined();
  });

  test('a 5xx alarm per distribution in E-Com67-EdgeMonitoringStack (us-east-1): > 5 % for 5 of 5 minutes, notifying the edge topic', () => {
    const edgeTopics = resourcesOf(stacks, 'AWS::SNS::Topic', ['E-Com67-EdgeMonitoringStack']);
    expect(edgeTopics).toHaveLength(1);
    for (const distribution of resourcesOf(stacks, 'AWS::CloudFront::Distribution')) {
      edge.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/CloudFront',
        MetricName: '5xxErrorRate',
        Dimensions: [{ Name: 'DistributionId', Value: distribution }, { Name: 'Region', Value: 'Global' }],
        Statistic: 'Average',
        Period: 60,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        TreatMissingData: 'notBreaching',
        AlarmActions: edgeTopics,
      });
    }
    expect(Object.keys(alarms(edge)).sort()).toEqual(['e-com67-E-Com67-FrontendStack-AdminDashboard-5xx', 'e-com67-E-Com67-FrontendStack-CustomerApp-5xx']);
    // Not in the monitoring stack too (an alarm there would watch eu-west-1, where CloudFront publishes nothing).
    expect(Object.values(alarms(monitoring)).filter((a) => a.Namespace === 'AWS/CloudFront')).toEqual([]);
  });

  test('the edge topic is encrypted and subscribed by the Lambda forwarder, which publishes to the platform topic', () => {
    const [edgeTopic] = resourcesOf(stacks, 'AWS::SNS::Topic', ['E-Com67-EdgeMonitoringStack']);
    const [forwarder] = resourcesOf(stacks, 'AWS::Lambda::Function', ['E-Com67-EdgeMonitoringStack'])
      .filter((f) => stacks['E-Com67-EdgeMonitoringStack'].template.Resources[f.split('/')[1]].Properties.Code.ZipFile);
    edge.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: edgeTopic, Endpoint: `${forwarder}.Arn` });
    edge.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.stringLikeRegexp('^E-Com67-EdgeMonitoringStack/AlarmKey.*\\.Arn$') });
    edge.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TARGET_TOPIC_ARN: topic } },
      Code: { ZipFile: Match.stringLikeRegexp('PublishCommand') },
    });
    const [key] = resourcesOf(stacks, 'AWS::KMS::Key', ['E-Com67-FrontendStack']);
    edge.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Resource: topic }),
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: `${key}.Arn` }),
        ]),
      },
    });
    // The distribution IDs and the topic come from eu-west-1 through CDK's cross-region references.
    frontend.hasResourceProperties('Custom::CrossRegionExportWriter', { WriterProps: { region: 'us-east-1' } });
  });

  test('the KMS keys of the platform topic and the edge topic let CloudWatch alarms of the account publish', () => {
    const statement = {
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    };
    frontend.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) } });
    edge.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) } });
  });
});

describe('PlatformMonitoring on its own: alarm options, where the 5xx alarms go, chat channels', () => {
  let stacks: Synthesized;
  const monitorings: Record<string, PlatformMonitoring> = {};
  beforeAll(() => {
    const app = new App({ context: CONTEXT });
    const { hosting, pipeline } = site(app);
    const add = (id: string, props: Partial<PlatformMonitoringProps>, env: { account?: string; region?: string } = ENV) => {
      const stack = new Stack(app, id, { env });
      const topic = new sns.Topic(stack, 'Alarms');
      monitorings[id] = new PlatformMonitoring(stack, 'Monitoring', { dashboardName: `shop-${id.toLowerCase()}`, alarmTopic: topic, ...props });
      return { stack, monitoring: monitorings[id] };
    };
    // Static build-duration threshold, no pipeline-failed alarm, no 5xx alarm.
    add('Static', { alarms: { buildDuration: BuildDurationAlarm.above(Duration.minutes(30)), pipelineFailed: false, errorRatePercent: 0 } })
      .monitoring.monitorSpaPipeline(pipeline);
    monitorings.Static.monitorHosting(hosting);
    // No build-duration alarm; another 5xx threshold; no topic.
    const quiet = add('Quiet', { alarmTopic: undefined, alarms: { buildDuration: BuildDurationAlarm.none(), errorRatePercent: 2, errorRateMinutes: 3 } });
    quiet.monitoring.monitorSpaPipeline(pipeline);
    quiet.monitoring.monitorHosting(hosting);
    // A pipeline only: no distribution, no edge stack.
    add('PipelineOnly', {}).monitoring.monitorSpaPipeline(pipeline);
    // The monitoring in us-east-1 with its hosting: the 5xx alarm in its own stack.
    const virginia = add('Virginia', {}, { account: ACCOUNT, region: 'us-east-1' });
    virginia.monitoring.monitorHosting(new SpaHosting(virginia.stack, 'Shop'));
    // Environment-agnostic: no 5xx alarm, a warning.
    const agnostic = add('Agnostic', {}, {});
    agnostic.monitoring.monitorHosting(new SpaHosting(agnostic.stack, 'Shop', { additionalMetrics: true }));
    // Chat channels.
    add('Chat', {
      chatChannels: [
        ChatChannel.slack({ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' }),
        ChatChannel.microsoftTeams({
          teamId: '5f1d5b3a-1f0e-4e44-8d8a-1c2b3d4e5f60',
          channelId: '19%3ab6ef35dc%40thread.tacv2',
          tenantId: '0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
          configurationName: 'shop-alerts',
        }),
      ],
    });
    stacks = synthesize(app);
  });

  test('BuildDurationAlarm.above(Duration.minutes(30)): a static alarm at 1800 seconds of maximum build duration', () => {
    const t = template(stacks, 'Static');
    for (const project of ['Site/PipelineBuild9D009F66', 'Site/PipelineDeployAD96A9BD']) {
      expect(resourcesOf(stacks, 'AWS::CodeBuild::Project', ['Site'])).toContain(project);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: [Match.objectLike({
          MetricStat: {
            Metric: { Namespace: 'AWS/CodeBuild', MetricName: 'Duration', Dimensions: [{ Name: 'ProjectName', Value: project }] },
            Period: 300,
            Stat: 'Maximum',
          },
          ReturnData: true,
        })],
        Threshold: 1800,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        AlarmActions: resourcesOf(stacks, 'AWS::SNS::Topic', ['Static']),
      });
    }
    expect(Object.keys(alarms(t)).sort()).toEqual(['shop-static-shop-build-slow-build', 'shop-static-shop-deploy-slow-build']);
  });

  test('pipelineFailed: false and errorRatePercent: 0: no pipeline-failed alarm, no 5xx alarm, no edge stack', () => {
    const t = template(stacks, 'Static');
    expect(Object.values(alarms(t)).filter((a) => a.MetricName === 'FailedPipelineExecutions' || a.Namespace === 'AWS/CloudFront')).toEqual([]);
    expect(stacks['Static-EdgeAlarms']).toBeUndefined();
    expect(monitorings.Static.edgeStack).toBeUndefined();
    // The dashboard still graphs the distribution.
    expect(dashboard(stacks, 'Static').metrics.filter((m) => m.namespace === 'AWS/CloudFront').length).toBeGreaterThan(0);
  });

  test('BuildDurationAlarm.none(): no build-duration alarm; errorRatePercent 2 and errorRateMinutes 3 set the 5xx alarm; no topic, no action', () => {
    const t = template(stacks, 'Quiet');
    expect(Object.keys(alarms(t))).toEqual(['shop-quiet-shop-pipeline-failed']);
    expect(alarms(t)['shop-quiet-shop-pipeline-failed'].AlarmActions).toBeUndefined();
    const edge = template(stacks, 'Quiet-EdgeAlarms');
    expect(stacks['Quiet-EdgeAlarms'].region).toBe('us-east-1');
    edge.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xxErrorRate',
      Dimensions: [{ Name: 'DistributionId', Value: resourcesOf(stacks, 'AWS::CloudFront::Distribution', ['Site'])[0] }, { Name: 'Region', Value: 'Global' }],
      Threshold: 2,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      AlarmActions: Match.absent(),
    });
    // Without a topic to forward to, no forwarder.
    edge.resourceCountIs('AWS::SNS::Topic', 0);
    expect(Object.values<any>(stacks['Quiet-EdgeAlarms'].template.Resources).filter((r) => r.Properties?.Code?.ZipFile)).toEqual([]);
  });

  test('only a pipeline monitored: no edge stack', () => {
    expect(Object.keys(stacks).filter((name) => name.startsWith('PipelineOnly'))).toEqual(['PipelineOnly']);
    expect(monitorings.PipelineOnly.edgeStack).toBeUndefined();
    expect(Object.keys(alarms(template(stacks, 'PipelineOnly'))).sort())
      .toEqual(['shop-pipelineonly-shop-build-slow-build', 'shop-pipelineonly-shop-deploy-slow-build', 'shop-pipelineonly-shop-pipeline-failed']);
  });

  test('the monitoring in us-east-1: the 5xx alarm in its own stack, notifying its topic directly; no edge stack', () => {
    expect(Object.keys(stacks).filter((name) => name.startsWith('Virginia'))).toEqual(['Virginia']);
    expect(monitorings.Virginia.edgeStack?.stackName).toBe('Virginia');
    const t = template(stacks, 'Virginia');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xxErrorRate',
      Dimensions: [{ Name: 'DistributionId', Value: resourcesOf(stacks, 'AWS::CloudFront::Distribution', ['Virginia'])[0] }, { Name: 'Region', Value: 'Global' }],
      AlarmActions: resourcesOf(stacks, 'AWS::SNS::Topic', ['Virginia']),
    });
    t.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('an environment-agnostic stack: the warning edgeAlarmsNeedRegion and no 5xx alarm; the dashboard still graphs the distribution', () => {
    expect(ids(stacks.Agnostic.warnings)).toEqual(['cdk-ecom-platform:PlatformMonitoring.edgeAlarmsNeedRegion']);
    expect(stacks.Agnostic.warnings[0]).toContain('Give the stack an `env` with a region');
    expect(Object.keys(stacks).filter((name) => name.startsWith('Agnostic'))).toEqual(['Agnostic']);
    template(stacks, 'Agnostic').resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const graphed = dashboard(stacks, 'Agnostic').metrics.filter((m) => m.namespace === 'AWS/CloudFront').map((m) => m.metricName);
    // additionalMetrics: the cache hit rate and origin latency too.
    expect(graphed.sort()).toEqual(['4xxErrorRate', '5xxErrorRate', 'BytesDownloaded', 'BytesUploaded', 'CacheHitRate', 'OriginLatency', 'Requests']);
  });

  test('ChatChannel.slack: a Slack channel configuration subscribed to the alarm topic, with a notifications-only role and guardrail', () => {
    const t = template(stacks, 'Chat');
    const [topic] = resourcesOf(stacks, 'AWS::SNS::Topic', ['Chat']);
    const [policy] = resourcesOf(stacks, 'AWS::IAM::ManagedPolicy', ['Chat']).filter((p) => p.includes('Chat1Policy'));
    const [role] = resourcesOf(stacks, 'AWS::IAM::Role', ['Chat']).filter((r) => r.includes('Chat1Role'));
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'shop-chat-slack',
      SlackWorkspaceId: 'T07EA123LEP',
      SlackChannelId: 'C07EZ1ABC23',
      SnsTopicArns: [topic],
      IamRoleArn: `${role}.Arn`,
      GuardrailPolicies: [policy],
      LoggingLevel: 'ERROR',
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'chatbot.amazonaws.com' } })] },
      ManagedPolicyArns: [policy],
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'], Resource: '*' }] },
    });
    expect(monitorings.Chat.chatRoles).toHaveLength(2);
  });

  test('ChatChannel.microsoftTeams: a Microsoft Teams channel configuration subscribed to the alarm topic', () => {
    const t = template(stacks, 'Chat');
    const [topic] = resourcesOf(stacks, 'AWS::SNS::Topic', ['Chat']);
    const [policy] = resourcesOf(stacks, 'AWS::IAM::ManagedPolicy', ['Chat']).filter((p) => p.includes('Chat2Policy'));
    const [role] = resourcesOf(stacks, 'AWS::IAM::Role', ['Chat']).filter((r) => r.includes('Chat2Role'));
    t.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      ConfigurationName: 'shop-alerts',
      TeamId: '5f1d5b3a-1f0e-4e44-8d8a-1c2b3d4e5f60',
      TeamsChannelId: '19%3ab6ef35dc%40thread.tacv2',
      TeamsTenantId: '0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      SnsTopicArns: [topic],
      IamRoleArn: `${role}.Arn`,
      GuardrailPolicies: [policy],
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] },
      ManagedPolicyArns: [policy],
    });
  });
});

describe('EcomPlatform in direct mode: chat without emails, monitoring off, environments in other accounts', () => {
  let defaults: Synthesized;
  let chat: Synthesized;
  let off: Synthesized;
  let offPlatform: EcomPlatform;
  beforeAll(() => {
    const direct = (props: Partial<EcomPlatformProps>) => {
      const app = new App({ context: CONTEXT });
      return { app, platform: new EcomPlatform(app, 'Platform', { env: ENV, ...props }) };
    };
    defaults = synthesize(direct({}).app);
    chat = synthesize(direct({ monitoring: { chatChannels: [ChatChannel.slack({ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' })] } }).app);
    const disabled = direct({ monitoring: { enabled: false } });
    offPlatform = disabled.platform;
    off = synthesize(disabled.app);
  });

  test('by default: the dashboard and the edge stack, with no topic (no emails, no chat): alarms notify nobody', () => {
    expect(Object.keys(defaults).sort()).toEqual(['E-Com67-EdgeMonitoringStack', 'E-Com67-FrontendStack', 'E-Com67-MonitoringStack']);
    expect(resourcesOf(defaults, 'AWS::SNS::Topic')).toEqual([]);
    const edge = alarms(template(defaults, 'E-Com67-EdgeMonitoringStack'));
    expect(Object.keys(edge)).toHaveLength(2);
    expect(Object.values(edge).map((a) => a.AlarmActions)).toEqual([undefined, undefined]);
  });

  test('a chat channel without notificationEmails: the topic is created, unsubscribed by email, and the channel receives it', () => {
    const topics = resourcesOf(chat, 'AWS::SNS::Topic', ['E-Com67-FrontendStack']);
    expect(topics).toHaveLength(1);
    template(chat, 'E-Com67-FrontendStack').resourceCountIs('AWS::SNS::Subscription', 0);
    template(chat, 'E-Com67-MonitoringStack').hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'e-com67-slack', SnsTopicArns: topics,
    });
    // The 5xx alarms reach it through the edge topic and its forwarder.
    template(chat, 'E-Com67-EdgeMonitoringStack').hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TARGET_TOPIC_ARN: topics[0] } } });
  });

  test('monitoring: { enabled: false }: no monitoring or edge stack, no cross-region export in the frontend stack, which is otherwise unchanged', () => {
    expect(offPlatform.monitoring).toBeUndefined();
    expect(offPlatform.monitoringStack).toBeUndefined();
    expect(Object.keys(off)).toEqual(['E-Com67-FrontendStack']);
    expect(offPlatform.stacks.map((s) => s.stackName)).toEqual(['E-Com67-FrontendStack']);
    const withMonitoring = defaults['E-Com67-FrontendStack'].template.Resources;
    const without = off['E-Com67-FrontendStack'].template.Resources;
    expect(Object.values<any>(without).filter((r) => r.Type.startsWith('Custom::CrossRegion'))).toEqual([]);
    expect(Object.values<any>(withMonitoring).filter((r) => r.Type === 'Custom::CrossRegionExportWriter')).toHaveLength(1);
    // What the monitoring adds to the frontend stack is CDK's export writer (and its provider), nothing else.
    const added = Object.keys(withMonitoring).filter((id) => !(id in without));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((id) => !/^(ExportsWriter|CustomCrossRegionExportWriter)/.test(id))).toEqual([]);
    for (const [id, resource] of Object.entries<any>(without)) {
      expect({ id, resource: withMonitoring[id] }).toEqual({ id, resource });
    }
  });

  test('an environment in another account: its 5xx alarms in that account (us-east-1), forwarded to the topic, which trusts that forwarder alone', () => {
    const app = new App({ context: CONTEXT });
    new EcomPlatform(app, 'Platform', {
      environments: [{ name: 'dev', account: ACCOUNT, region: 'eu-west-1' }, { name: 'prod', account: '222222222222', region: 'eu-west-1' }],
      notificationEmails: ['team@example.com'],
    });
    const stacks = synthesize(app);
    expect(stacks['E-Com67-MonitoringStack'].account).toBe(ACCOUNT);
    expect(Object.values(stacks).flatMap((s) => s.warnings)).toEqual([]);
    // Dev's distributions are graphed; prod's, in another account, can't be named by this dashboard: text only.
    const board = dashboard(stacks, 'E-Com67-MonitoringStack');
    const graphed = new Set(board.metrics.map((m) => m.dimensions.DistributionId).filter(Boolean));
    expect([...graphed].sort()).toEqual(resourcesOf(stacks, 'AWS::CloudFront::Distribution', ['E-Com67-Dev-FrontendStack']).sort());
    const texts = board.body.widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
    expect(texts.filter((t: string) => t.includes('(account 222222222222)'))).toHaveLength(2);

    const prod = stacks['E-Com67-Prod-EdgeMonitoringStack'];
    expect({ account: prod.account, region: prod.region }).toEqual({ account: '222222222222', region: 'us-east-1' });
    const edge = template(stacks, 'E-Com67-Prod-EdgeMonitoringStack');
    const prodAlarms = Object.values(alarms(edge));
    expect(prodAlarms.map((a) => a.Dimensions.find((d: any) => d.Name === 'DistributionId').Value).sort())
      .toEqual(resourcesOf(stacks, 'AWS::CloudFront::Distribution', ['E-Com67-FrontendStack']).sort());
    const [edgeTopic] = resourcesOf(stacks, 'AWS::SNS::Topic', ['E-Com67-Prod-EdgeMonitoringStack']);
    expect(prodAlarms.map((a) => a.AlarmActions)).toEqual([[edgeTopic], [edgeTopic]]);
    // The dashboard's status widget lists them by their ARN in that account.
    const status = board.body.widgets.find((w: any) => w.type === 'alarm').properties.alarms;
    for (const a of prodAlarms) {
      expect(status).toContainEqual(expect.stringMatching(new RegExp(`^arn:.*:cloudwatch:us-east-1:222222222222:alarm:${a.AlarmName}$`)));
    }

    // The forwarder names the platform topic by ARN (a name CDK generates for it), and the topic and its key trust
    // that forwarder's role (named too) and nothing else of that account.
    const fn = Object.values<any>(edge.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }))[0];
    const topicArn: string = fn.Properties.Environment.Variables.TARGET_TOPIC_ARN;
    expect(topicArn).toMatch(/^arn:.*:sns:eu-west-1:111122223333:e-com67-dev-frontendstack[a-z0-9]+$/);
    const roleName = Object.values<any>(edge.findResources('AWS::IAM::Role')).map((r) => r.Properties.RoleName).find(Boolean);
    expect(roleName).toBeDefined();
    const home = template(stacks, 'E-Com67-Dev-FrontendStack');
    const trusted = {
      Principal: { AWS: Match.stringLikeRegexp(':iam::222222222222:root$') },
      Condition: Match.objectLike({ ArnEquals: { 'aws:PrincipalArn': Match.stringLikeRegexp(`:iam::222222222222:role/${roleName}$`) } }),
    };
    home.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', ...trusted })]) } });
    home.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], ...trusted })]) } });
    expect(Object.values<any>(home.findResources('AWS::SNS::Topic'))[0].Properties.TopicName).toBe(topicArn.split(':').pop());
  });

  test('an environment in another account with an alarm topic named by CloudFormation: refused before anything is created', () => {
    const app = new App({ context: CONTEXT });
    const ops = new Stack(app, 'Ops', { env: ENV });
    const topic = new sns.Topic(ops, 'Alarms');
    const monitoringStack = new Stack(app, 'Watch', { env: ENV });
    const monitoring = new PlatformMonitoring(monitoringStack, 'Monitoring', { dashboardName: 'shop', alarmTopic: topic });
    const prod = new SpaHosting(new Stack(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } }), 'Shop');
    expect(() => monitoring.monitorHosting(prod)).toThrow(/^Watch\/Monitoring: invalid `alarmTopic` \("Ops\/Alarms"\): the alarms on the distributions of account 222222222222 live in that account.*Fix: give the topic a `topicName`/);
    expect(app.node.tryFindChild('Watch-EdgeAlarms-222222222222')).toBeUndefined();
  });
});

describe('metric methods', () => {
  test('SpaHosting.metric5xxErrorRate(): AWS/CloudFront in us-east-1, dimensions DistributionId and Region Global, average percent', () => {
    const stack = new Stack(new App(), 'Site', { env: ENV });
    const hosting = new SpaHosting(stack, 'Shop');
    const metric = hosting.metric5xxErrorRate();
    expect(metric.namespace).toBe('AWS/CloudFront');
    expect(metric.metricName).toBe('5xxErrorRate');
    expect(metric.region).toBe('us-east-1');
    expect(metric.statistic).toBe('Average');
    expect(metric.period.toSeconds()).toBe(300);
    expect(stack.resolve(metric.dimensions)).toEqual({ DistributionId: { Ref: stack.getLogicalId(hosting.distribution.node.defaultChild as any) }, Region: 'Global' });
    expect(hosting.metricRequests().statistic).toBe('Sum');
    expect(hosting.metricRequests({ period: Duration.minutes(1) }).period.toSeconds()).toBe(60);
  });

  test('SpaHosting.metricCacheHitRate() and metricOriginLatency() need additionalMetrics (the error names the prop)', () => {
    const stack = new Stack(new App(), 'Site', { env: ENV });
    const plain = new SpaHosting(stack, 'Plain');
    expect(() => plain.metricCacheHitRate()).toThrow(/Site\/Plain: invalid `additionalMetrics` \(false\): .*CacheHitRate.*Fix: set `additionalMetrics: true`/);
    expect(() => plain.metricOriginLatency()).toThrow(/invalid `additionalMetrics`/);
    const rich = new SpaHosting(stack, 'Rich', { additionalMetrics: true });
    expect(rich.metricCacheHitRate().metricName).toBe('CacheHitRate');
    expect(rich.metricCacheHitRate().region).toBe('us-east-1');
    expect(rich.metricOriginLatency().metricName).toBe('OriginLatency');
    const t = Template.fromStack(stack);
    // aws-cdk-lib's publishAdditionalMetrics: a monitoring subscription of the distribution, for Rich only.
    t.resourceCountIs('AWS::CloudFront::MonitoringSubscription', 1);
    t.hasResourceProperties('AWS::CloudFront::MonitoringSubscription', {
      DistributionId: { Ref: stack.getLogicalId(rich.distribution.node.defaultChild as any) },
      MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
    });
  });

  test('SpaPipeline.metricFailedExecutions() and metricExecutionDuration(): AWS/CodePipeline, dimension PipelineName', () => {
    const app = new App();
    const { pipeline } = site(app);
    const stack = Stack.of(pipeline);
    const failed = pipeline.metricFailedExecutions();
    expect([failed.namespace, failed.metricName, failed.statistic]).toEqual(['AWS/CodePipeline', 'FailedPipelineExecutions', 'Sum']);
    expect(stack.resolve(failed.dimensions)).toEqual({ PipelineName: { Ref: stack.getLogicalId(pipeline.pipeline.node.defaultChild as any) } });
    const duration = pipeline.metricExecutionDuration({ statistic: 'Maximum' });
    expect([duration.namespace, duration.metricName, duration.statistic]).toEqual(['AWS/CodePipeline', 'PipelineDuration', 'Maximum']);
  });
});
