import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { assemblyStacks, fixedCostTable, fixedMonthlyCost } from '../scripts/fixed-cost';

const env = { account: '111122223333', region: 'eu-west-1' };

/** A minimal pipeline of the given type (L1: only what the template holds matters here). */
function pipeline(stack: Stack, id: string, pipelineType?: string) {
  new codepipeline.CfnPipeline(stack, id, {
    roleArn: 'arn:aws:iam::111122223333:role/p',
    pipelineType,
    artifactStore: { type: 'S3', location: 'bucket' },
    stages: [{ name: 'Source', actions: [{ name: 'S', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' } }] }],
  });
}

function line(cost: ReturnType<typeof fixedMonthlyCost>, id: string) {
  return cost.lines.find((l) => l.id === id);
}

test('2 customer managed keys + 1 V2 pipeline + 1 V1 pipeline cost $3 a month: keys $1 each, V1 $1, V2 nothing fixed', () => {
  const stack = new Stack(new App(), 'Platform', { env });
  new kms.Key(stack, 'Artifacts');
  new kms.Key(stack, 'Notifications', { pendingWindow: Duration.days(7), enableKeyRotation: true });
  pipeline(stack, 'Modern', 'V2');
  pipeline(stack, 'Legacy'); // no PipelineType: CloudFormation makes it V1

  const cost = fixedMonthlyCost([Template.fromStack(stack).toJSON()]);

  expect(cost.total).toBe(3);
  expect(line(cost, 'kmsKey')).toMatchObject({ count: 2, unitPrice: 1, subtotal: 2, resourceType: 'AWS::KMS::Key', verified: true });
  expect(line(cost, 'pipelineV1')).toMatchObject({ count: 1, unitPrice: 1, subtotal: 1 });
  expect(line(cost, 'pipelineV2')).toMatchObject({ count: 1, unitPrice: 0, subtotal: 0 });
  expect(line(cost, 'kmsKey')!.source).toBe('https://aws.amazon.com/kms/pricing/');
});

test('a key scheduled with PendingWindowInDays, rotation and a removal policy is still a key billed every month', () => {
  const template = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { PendingWindowInDays: 7, EnableKeyRotation: true }, DeletionPolicy: 'Delete' },
    },
  };
  expect(fixedMonthlyCost([template]).total).toBe(1);
});

test('types without a fixed price are ignored; empty templates and templates without Resources cost nothing', () => {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Custom: { Type: 'Custom::Whatever', Properties: {} },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
    },
  };
  const cost = fixedMonthlyCost([template, {}, { Resources: {} }]);
  expect(cost).toEqual({ lines: [], total: 0 });
});

test('templates add up; free resources get a $0 line (S3 storage, EventBridge rules, V2 pipelines) so the table says why', () => {
  const stack = new Stack(new App(), 'Hosting', { env });
  new s3.Bucket(stack, 'Site');
  new s3.Bucket(stack, 'Logs');
  const other = { Resources: { Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'example.com' } }, Secret: { Type: 'AWS::SecretsManager::Secret' } } };

  const cost = fixedMonthlyCost([Template.fromStack(stack).toJSON(), other]);

  expect(line(cost, 's3Bucket')).toMatchObject({ count: 2, subtotal: 0 });
  expect(line(cost, 'hostedZone')).toMatchObject({ count: 1, unitPrice: 0.5, verified: false });
  expect(line(cost, 'secret')).toMatchObject({ count: 1, unitPrice: 0.4 });
  expect(cost.total).toBe(0.9);
});

test('dashboards at list price and alarms per metric: a metric-math alarm counts each metric it reads', () => {
  const stack = new Stack(new App(), 'Monitoring', { env });
  new cloudwatch.Dashboard(stack, 'Dashboard');
  const errors = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors' });
  const invocations = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Invocations' });
  errors.createAlarm(stack, 'Simple', { threshold: 1, evaluationPeriods: 1 });
  new cloudwatch.MathExpression({ expression: 'e / i', usingMetrics: { e: errors, i: invocations } })
    .createAlarm(stack, 'Rate', { threshold: 0.1, evaluationPeriods: 1 });
  invocations.with({ period: Duration.seconds(10) }).createAlarm(stack, 'Fast', { threshold: 1, evaluationPeriods: 1 });

  const cost = fixedMonthlyCost([Template.fromStack(stack).toJSON()]);

  expect(line(cost, 'dashboard')).toMatchObject({ count: 1, unitPrice: 3 });
  expect(line(cost, 'alarmMetric')).toMatchObject({ count: 3, unitPrice: 0.1 }); // 1 + 2 metrics of the expression
  expect(line(cost, 'alarmMetricHighResolution')).toMatchObject({ count: 1, unitPrice: 0.3 });
  expect(cost.total).toBe(3.6);
});

test('an anomaly detection alarm is billed as 3 alarm metrics (the metric and the two edges of its band), a static one as 1', () => {
  const stack = new Stack(new App(), 'Monitoring', { env });
  const duration = new cloudwatch.Metric({ namespace: 'AWS/CodeBuild', metricName: 'Duration', dimensionsMap: { ProjectName: 'build' }, statistic: 'Maximum' });
  new cloudwatch.AnomalyDetectionAlarm(stack, 'SlowBuild', {
    metric: duration, stdDevs: 3, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
  });
  duration.createAlarm(stack, 'TooSlow', { threshold: 1800, evaluationPeriods: 1 });
  new cloudwatch.AnomalyDetectionAlarm(stack, 'FastAnomaly', { metric: duration.with({ period: Duration.seconds(10) }), evaluationPeriods: 1 });

  const cost = fixedMonthlyCost([Template.fromStack(stack).toJSON()]);

  expect(line(cost, 'alarmMetric')).toMatchObject({ count: 4, subtotal: 0.4 }); // 3 (anomaly) + 1 (static)
  expect(line(cost, 'alarmMetricHighResolution')).toMatchObject({ count: 3, subtotal: 0.9 });
  expect(line(cost, 'alarmMetric')!.note).toContain('anomaly detection alarm counts 3');
  expect(cost.total).toBe(1.3);
});

test('amounts in whole cents print with 2 decimals even when floating point misses them ($5.10, not $5.1000); others with 4', () => {
  const template = {
    Resources: {
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
      ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`Alarm${i}`, { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 300 } }])),
      Read: { Type: 'AWS::DynamoDB::Table', Properties: { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 0 } } },
    },
  };
  const table = fixedCostTable([{ name: 'Monitoring', template }]).join('\n');
  expect(table).toMatch(/CloudWatch alarm metric \(standard resolution\)\s+21\s+\$0\.10 \(unverified\)\s+\$2\.10\n/);
  expect(table).toMatch(/DynamoDB provisioned read capacity unit\s+1\s+\$0\.0949 \(unverified\)\s+\$0\.09\n/);
  expect(table).toMatch(/Monitoring total\s+\$5\.19\n/);
});

test('provisioned DynamoDB capacity is billed at rest (table and indexes), on-demand tables and standard parameters are not', () => {
  const template = {
    Resources: {
      OnDemand: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
      Provisioned: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          GlobalSecondaryIndexes: [{ IndexName: 'ByDate', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 1 } }],
        },
      },
      Url: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } },
      Big: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x', Tier: 'Advanced' } },
    },
  };
  const cost = fixedMonthlyCost([template]);
  expect(line(cost, 'dynamoDbReadCapacity')).toMatchObject({ count: 10, subtotal: 0.95 });
  expect(line(cost, 'dynamoDbWriteCapacity')).toMatchObject({ count: 6, subtotal: 2.85 });
  expect(line(cost, 'ssmParameter')).toMatchObject({ count: 1, subtotal: 0 });
  expect(line(cost, 'ssmParameterAdvanced')).toMatchObject({ count: 1, subtotal: 0.05 });
  expect(cost.total).toBe(3.85);
});

describe('a cloud assembly with a stage (CDK Pipelines)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixed-cost-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  const top = new Stack(app, 'PipelineStack', { env });
  new kms.Key(top, 'ArtifactKey');
  const stage = new Stage(app, 'Backend', { env });
  new kms.Key(new Stack(stage, 'Data'), 'TableKey');
  new s3.Bucket(new Stack(stage, 'Api'), 'Uploads');
  app.synth();

  test('the stage\'s nested assembly (assembly-Backend/*.template.json) is read and counted', () => {
    expect(fs.existsSync(path.join(outdir, 'assembly-Backend', 'manifest.json'))).toBe(true);

    const stacks = assemblyStacks(outdir);

    expect(stacks.map((s) => s.name).sort()).toEqual(['Backend-Api', 'Backend-Data', 'PipelineStack']);
    expect(fixedMonthlyCost(stacks.map((s) => s.template)).total).toBe(2);
  });

  test('the printed table has a row per stack and kind, each stack\'s total, the total, and marks unverified prices', () => {
    const table = fixedCostTable(assemblyStacks(outdir)).join('\n');

    expect(table).toMatch(/PipelineStack\s+KMS customer managed key\s+1\s+\$1\.00\s+\$1\.00/);
    expect(table).toMatch(/Backend-Data\s+KMS customer managed key\s+1\s+\$1\.00\s+\$1\.00/);
    expect(table).toMatch(/KMS customer managed key\s+2\s+\$1\.00\s+\$2\.00/);
    expect(table).toMatch(/Fixed monthly cost \(list prices, before free tiers\)\s+\$2\.00/);
    expect(table).toMatch(/S3 bucket\s+1\s+\$0\.00 \(unverified\)\s+\$0\.00/);
    expect(table).toContain('Source: https://aws.amazon.com/kms/pricing/');
  });
});
