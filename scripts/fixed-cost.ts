/**
 * The fixed monthly cost of synthesized CloudFormation templates: what AWS bills for the resources while nothing
 * runs (no build, no request, no stored byte). Computed from the templates, never hard-coded per example:
 * `synth-example` prints it (examples/synth-example.ts), docs/cost.md explains it.
 *
 * Prices are USD list prices (us-east-1 where they vary by Region) as of 2026-11; each has the AWS page it comes
 * from and whether it was confirmed on that page when written (`verified`). An unverified price is printed with
 * "(unverified)". Usage (storage, requests, build minutes, action minutes) is never counted: it is not fixed.
 */
import * as fs from 'fs';
import * as path from 'path';

/** How one kind of resource is billed at rest. */
export interface FixedPrice {
  /** What the line is called in the table. */
  readonly label: string;
  /** USD per unit per month at rest (0 when it is free or billed by usage only). */
  readonly unitPrice: number;
  /** The AWS pricing page the price comes from. */
  readonly source: string;
  /** Whether the price was confirmed on that page. */
  readonly verified: boolean;
  /** Free tier or how the price applies, printed under the table. */
  readonly note: string;
}

/** The prices, by line id. */
export const FIXED_PRICES = {
  kmsKey: {
    label: 'KMS customer managed key',
    unitPrice: 1,
    source: 'https://aws.amazon.com/kms/pricing/',
    verified: true,
    note: '$1/month per key (prorated hourly), whatever its PendingWindowInDays; free once scheduled for deletion. '
      + 'With automatic rotation each new backing key adds $1/month (not counted: it grows yearly).',
  },
  dashboard: {
    label: 'CloudWatch dashboard',
    unitPrice: 3,
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    verified: false,
    note: 'List price; the free tier covers 3 custom dashboards (up to 50 metrics each) per account per month '
      + '(free tier confirmed on the page, the $3 paid price was not).',
  },
  alarmMetric: {
    label: 'CloudWatch alarm metric (standard resolution)',
    unitPrice: 0.1,
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    verified: false,
    note: 'Per alarm metric: a metric-math alarm counts each metric it reads (approximated from the template), an '
      + 'anomaly detection alarm counts 3 per metric it reads (the metric and the two edges of its band). '
      + 'Free tier: 10 standard-resolution alarm metrics per account.',
  },
  alarmMetricHighResolution: {
    label: 'CloudWatch alarm metric (high resolution)',
    unitPrice: 0.3,
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    verified: false,
    note: 'Alarms with a period under 60 seconds; no free tier.',
  },
  compositeAlarm: {
    label: 'CloudWatch composite alarm',
    unitPrice: 0.5,
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    verified: false,
    note: 'Per composite alarm, on top of the alarms it combines.',
  },
  secret: {
    label: 'Secrets Manager secret',
    unitPrice: 0.4,
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    verified: false,
    note: 'Per secret (each replica is one more); API calls are usage.',
  },
  pipelineV1: {
    label: 'CodePipeline pipeline (V1)',
    unitPrice: 1,
    source: 'https://aws.amazon.com/codepipeline/pricing/',
    verified: true,
    note: 'V1: $1 per active pipeline per month (one with a change run through it that month; free for its first 30 '
      + 'days); the free tier covers one active V1 pipeline per account.',
  },
  pipelineV2: {
    label: 'CodePipeline pipeline (V2)',
    unitPrice: 0,
    source: 'https://aws.amazon.com/codepipeline/pricing/',
    verified: true,
    note: 'V2: no fixed fee, $0.002 per action execution minute (usage; 100 free minutes a month per account).',
  },
  hostedZone: {
    label: 'Route 53 hosted zone',
    unitPrice: 0.5,
    source: 'https://aws.amazon.com/route53/pricing/',
    verified: false,
    note: 'Per hosted zone for the first 25 ($0.10 beyond); queries are usage.',
  },
  codeCommitRepository: {
    label: 'CodeCommit repository',
    unitPrice: 0,
    source: 'https://aws.amazon.com/codecommit/pricing/',
    verified: true,
    note: 'Billed per active user, not per repository: the first 5 active users a month are free, then $1 each.',
  },
  keyValueStore: {
    label: 'CloudFront KeyValueStore',
    unitPrice: 0,
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    verified: false,
    note: 'No fixed fee: billed per read from a CloudFront function (usage).',
  },
  chatbot: {
    label: 'AWS Chatbot channel configuration',
    unitPrice: 0,
    source: 'https://aws.amazon.com/chatbot/pricing/',
    verified: false,
    note: 'Free; the SNS topics and notifications it relays are usage.',
  },
  eventsRule: {
    label: 'EventBridge rule',
    unitPrice: 0,
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    verified: false,
    note: 'Free: AWS service events on the default bus are not charged.',
  },
  s3Bucket: {
    label: 'S3 bucket',
    unitPrice: 0,
    source: 'https://aws.amazon.com/s3/pricing/',
    verified: false,
    note: '$0 at rest when empty: storage and requests are usage.',
  },
  dynamoDbReadCapacity: {
    label: 'DynamoDB provisioned read capacity unit',
    unitPrice: 0.0949,
    source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
    verified: false,
    note: '$0.00013 per RCU-hour (us-east-1) x 730 hours, table and global secondary indexes; on-demand tables '
      + '(PAY_PER_REQUEST) have no fixed fee. Free tier: 25 RCU and 25 WCU per account.',
  },
  dynamoDbWriteCapacity: {
    label: 'DynamoDB provisioned write capacity unit',
    unitPrice: 0.4745,
    source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
    verified: false,
    note: '$0.00065 per WCU-hour (us-east-1) x 730 hours, table and global secondary indexes.',
  },
  ssmParameter: {
    label: 'SSM parameter (standard tier)',
    unitPrice: 0,
    source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html',
    verified: true,
    note: 'Standard parameters: no additional charge.',
  },
  ssmParameterAdvanced: {
    label: 'SSM parameter (advanced tier)',
    unitPrice: 0.05,
    source: 'https://aws.amazon.com/systems-manager/pricing/',
    verified: false,
    note: 'Per advanced parameter per month.',
  },
  natGateway: {
    label: 'VPC NAT gateway',
    unitPrice: 32.85,
    source: 'https://aws.amazon.com/vpc/pricing/',
    verified: false,
    note: '$0.045 per hour (us-east-1) x 730 hours, before any data processed ($0.045/GB, usage).',
  },
} satisfies Record<string, FixedPrice>;

/** One line of a cost table: a kind of resource, how many, and what they cost a month. */
export interface CostLine extends FixedPrice {
  /** The line id in FIXED_PRICES. */
  readonly id: keyof typeof FIXED_PRICES;
  /** The CloudFormation type the resources were counted from. */
  readonly resourceType: string;
  /** How many units (resources, or alarm metrics). */
  readonly count: number;
  /** count x unitPrice, in USD a month. */
  readonly subtotal: number;
}

/** The fixed monthly cost of some templates. */
export interface FixedCost {
  /** One line per kind of resource found, in FIXED_PRICES order (only kinds with a count). */
  readonly lines: CostLine[];
  /** The sum of the subtotals, in USD a month. */
  readonly total: number;
}

type Units = Partial<Record<keyof typeof FIXED_PRICES, number>>;

/** The metrics an alarm evaluates, split by resolution (what CloudWatch bills an alarm by). */
function alarmMetrics(properties: any): { standard: number; high: number } {
  const highResolution = (period: unknown) => typeof period === 'number' && period < 60;
  const metrics: any[] = Array.isArray(properties?.Metrics) ? properties.Metrics : [];
  if (metrics.length === 0) {
    return highResolution(properties?.Period) ? { standard: 0, high: 1 } : { standard: 1, high: 0 };
  }
  // A metric-math alarm: each metric it reads is an alarm metric; expressions read none. At least one.
  // An anomaly detection alarm (an ANOMALY_DETECTION_BAND expression, its ThresholdMetricId) is billed as 3 alarm
  // metrics per metric: the metric and the upper and lower edges of the band.
  const anomaly = typeof properties?.ThresholdMetricId === 'string'
    || metrics.some((m) => typeof m?.Expression === 'string' && /ANOMALY_DETECTION_BAND\s*\(/i.test(m.Expression));
  const factor = anomaly ? 3 : 1;
  const read = metrics.filter((m) => m?.MetricStat);
  const high = read.filter((m) => highResolution(m.MetricStat.Period) || highResolution(m.Period)).length;
  const standard = Math.max(read.length - high, read.length === 0 ? 1 : 0);
  return { standard: standard * factor, high: high * factor };
}

/** The units a resource bills at rest, or undefined for a type with no fixed price (ignored). */
function unitsOf(resource: any): { type: string; units: Units } | undefined {
  const type: string = resource?.Type;
  const properties = resource?.Properties ?? {};
  switch (type) {
    case 'AWS::KMS::Key':
    case 'AWS::KMS::ReplicaKey':
      return { type, units: { kmsKey: 1 } };
    case 'AWS::CloudWatch::Dashboard':
      return { type, units: { dashboard: 1 } };
    case 'AWS::CloudWatch::Alarm': {
      const { standard, high } = alarmMetrics(properties);
      return { type, units: { alarmMetric: standard, alarmMetricHighResolution: high } };
    }
    case 'AWS::CloudWatch::CompositeAlarm':
      return { type, units: { compositeAlarm: 1 } };
    case 'AWS::SecretsManager::Secret': {
      const replicas = Array.isArray(properties.ReplicaRegions) ? properties.ReplicaRegions.length : 0;
      return { type, units: { secret: 1 + replicas } };
    }
    case 'AWS::CodePipeline::Pipeline':
      // CloudFormation's default PipelineType is V1.
      return { type, units: properties.PipelineType === 'V2' ? { pipelineV2: 1 } : { pipelineV1: 1 } };
    case 'AWS::Route53::HostedZone':
      return { type, units: { hostedZone: 1 } };
    case 'AWS::CodeCommit::Repository':
      return { type, units: { codeCommitRepository: 1 } };
    case 'AWS::CloudFront::KeyValueStore':
      return { type, units: { keyValueStore: 1 } };
    case 'AWS::Chatbot::SlackChannelConfiguration':
    case 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration':
      return { type, units: { chatbot: 1 } };
    case 'AWS::Events::Rule':
      return { type, units: { eventsRule: 1 } };
    case 'AWS::S3::Bucket':
      return { type, units: { s3Bucket: 1 } };
    case 'AWS::DynamoDB::Table': {
      if (properties.BillingMode === 'PAY_PER_REQUEST') {
        return { type, units: {} };
      }
      const throughputs = [properties, ...(Array.isArray(properties.GlobalSecondaryIndexes) ? properties.GlobalSecondaryIndexes : [])]
        .map((p: any) => p?.ProvisionedThroughput ?? {});
      const sum = (key: string) => throughputs.reduce((n: number, t: any) => n + (typeof t[key] === 'number' ? t[key] : 0), 0);
      return { type, units: { dynamoDbReadCapacity: sum('ReadCapacityUnits'), dynamoDbWriteCapacity: sum('WriteCapacityUnits') } };
    }
    case 'AWS::SSM::Parameter':
      return { type, units: properties.Tier === 'Advanced' ? { ssmParameterAdvanced: 1 } : { ssmParameter: 1 } };
    case 'AWS::EC2::NatGateway':
      return { type, units: { natGateway: 1 } };
    default:
      return undefined;
  }
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/**
 * The fixed monthly cost of CloudFormation templates (parsed JSON): per kind of resource billed at rest, the count,
 * unit price and subtotal, and the total. Resource types without a fixed price are ignored.
 */
export function fixedMonthlyCost(templates: readonly any[]): FixedCost {
  const counts = new Map<keyof typeof FIXED_PRICES, { count: number; types: Set<string> }>();
  for (const template of templates) {
    for (const resource of Object.values<any>(template?.Resources ?? {})) {
      const found = unitsOf(resource);
      for (const [id, units] of Object.entries(found?.units ?? {}) as [keyof typeof FIXED_PRICES, number][]) {
        if (units > 0) {
          const entry = counts.get(id) ?? { count: 0, types: new Set<string>() };
          entry.count += units;
          entry.types.add(found!.type);
          counts.set(id, entry);
        }
      }
    }
  }
  const lines = (Object.keys(FIXED_PRICES) as (keyof typeof FIXED_PRICES)[])
    .filter((id) => counts.has(id))
    .map((id): CostLine => {
      const { count, types } = counts.get(id)!;
      const price: FixedPrice = FIXED_PRICES[id];
      return { id, resourceType: [...types].sort().join(', '), count, subtotal: round(count * price.unitPrice), ...price };
    });
  return { lines, total: round(lines.reduce((sum, line) => sum + line.subtotal, 0)) };
}

/** A stack of a cloud assembly: its name and parsed template. */
export interface AssemblyStack {
  readonly name: string;
  readonly template: any;
}

/**
 * Every stack of a cloud assembly directory (cdk.out), nested assemblies included (a CDK Pipelines stage's
 * `assembly-<Stage>/*.template.json`), in manifest order.
 */
export function assemblyStacks(dir: string): AssemblyStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts ?? {}).flatMap(([id, artifact]) => {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = path.join(dir, artifact.properties.templateFile);
      return [{ name: artifact.properties.stackName ?? id, template: JSON.parse(fs.readFileSync(file, 'utf-8')) }];
    }
    if (artifact.type === 'cdk:cloud-assembly') {
      return assemblyStacks(path.join(dir, artifact.properties.directoryName));
    }
    return [];
  });
}

// Cents when the value is a whole number of cents (5.1 * 100 is 509.99999999999994 in floating point), else 4 decimals.
const usd = (value: number) => `$${value.toFixed(Math.abs(value * 100 - Math.round(value * 100)) < 1e-6 ? 2 : 4)}`;
const priceText = (line: CostLine) => `${usd(line.unitPrice)}${line.verified ? '' : ' (unverified)'}`;

/**
 * A plain-text table of the fixed monthly cost of stacks: one row per kind of resource per stack, each stack's
 * subtotal, the total, then the notes (free tiers, what is usage) and the sources of the prices used.
 */
export function fixedCostTable(stacks: readonly AssemblyStack[]): string[] {
  const header = ['Stack', 'Billed at rest', 'Count', 'Unit/month', 'Subtotal'];
  const rows: string[][] = [];
  const nothing: string[] = [];
  for (const stack of stacks) {
    const cost = fixedMonthlyCost([stack.template]);
    if (cost.lines.length === 0) {
      nothing.push(stack.name);
      continue;
    }
    cost.lines.forEach((line, i) => {
      rows.push([i === 0 ? stack.name : '', line.label, String(line.count), priceText(line), usd(line.subtotal)]);
    });
    rows.push(['', `${stack.name} total`, '', '', usd(cost.total)]);
  }
  const all = fixedMonthlyCost(stacks.map((s) => s.template));
  rows.push(['All stacks', '', '', '', '']);
  for (const line of all.lines) {
    rows.push(['', line.label, String(line.count), priceText(line), usd(line.subtotal)]);
  }
  rows.push(['', 'Fixed monthly cost (list prices, before free tiers)', '', '', usd(all.total)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (r: string[]) => r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format), ''];
  if (nothing.length > 0) {
    out.push(`Nothing billed at rest in: ${nothing.join(', ')}.`);
  }
  for (const line of all.lines) {
    out.push(`- ${line.label}: ${line.note} Source: ${line.source}${line.verified ? '' : ' (price unverified)'}`);
  }
  return out;
}
