import * as fs from 'fs';
import * as path from 'path';
import { Annotations, ArnFormat, CfnOutput, Resource, Duration, Lazy, Names, PhysicalName, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { CspPreset, CspSources } from './csp-preset';
import { bucketNameProblem } from './private/bucket-name';
import { skipCheckov } from './private/checkov';
import { isIsoCountryCode } from './private/countries';
import { CSP_EXTENSION_PROPS, MAX_CSP_LENGTH, buildContentSecurityPolicy, validateCspSources } from './private/csp';
import { domainNameProblem, isInZone } from './private/domain-name';
import { CLOUDFRONT_METRICS_REGION } from './private/edge-alarms';
import { createLogBucket, logServerAccess } from './private/log-bucket';
import { acknowledge, acknowledgeGeneratedWildcards, bucketArnPattern } from './private/nag';
import { checkBoolean, checkDuration, checkEnum, checkInstance, checkList, checkObject, checkString, checkStringList } from './private/prop-types';
import { DEFAULT_HASHED_PATTERN, ENTRY_FILE, KVS_KEYS, PIN_HEADERS, RELEASES_PREFIX, releaseRoutingOf } from './private/release-routing';
import { checkInteger, checkWholeDays, isToken, propError, validated } from './private/validation';

/**
 * How the distribution serves client-side routes such as `/orders/42`.
 */
export enum SpaRouting {
  /**
   * A viewer-request CloudFront Function on the default (S3) behaviour rewrites paths whose last segment has no
   * file extension to the entry page, of the live release named in the hosting's KeyValueStore (`/index.html`
   * at the bucket root until a release goes live). Deep links work, a missing `/assets/x.js` stays a real 404,
   * security headers are sent on every page, and behaviours added later (an `/api/*` origin) are untouched.
   * `SpaPipeline` needs it: releases are switched by this function.
   */
  REWRITE_FUNCTION = 'REWRITE_FUNCTION',

  /**
   * Distribution-wide custom error responses turn every 403 and 404 into `/index.html` with status 200, as
   * E-Com67's original stack did. Simple, but a missing asset answers HTML 200, errors from any other origin on
   * the distribution (an API) become HTML 200s too, and CloudFront Functions don't run on error responses.
   */
  ERROR_RESPONSES = 'ERROR_RESPONSES',

  /**
   * No SPA routing: every path is looked up as an S3 key (for a site with one page per file).
   */
  NONE = 'NONE',
}

/**
 * What a SpaHosting serves and how; every option except the bucket's identity, which the owner of the site
 * decides (`SpaHostingProps`). `EcomPlatform` passes these through for each app.
 */
export interface SpaHostingOptions extends CspSources {
  /**
   * Customer managed KMS key to encrypt the site bucket with (SSE-KMS). CloudFront is allowed to decrypt with
   * it through the key policy, which CDK can only update for a key defined in the same app. To avoid a circular
   * dependency, CDK's key policy statement matches any distribution of the account (CDK warns
   * `wildcardKeyPolicyForOac`); scope it to this distribution after the first deployment if that matters to you.
   *
   * @default - SSE-S3 (Amazon S3 managed keys)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How many noncurrent versions of each object the site bucket keeps for rollback, beyond the age limit.
   * From 1 to 100.
   *
   * @default 10
   */
  readonly noncurrentVersionsToRetain?: number;

  /**
   * How long a noncurrent version of an object is kept before it expires (unless it is one of the
   * `noncurrentVersionsToRetain` newest). A whole number of days from 1 to 3650.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to the buckets and the release store (`keyValueStore`) this construct creates when they leave
   * the stack. With `DESTROY`, CloudFormation can only delete a bucket that is empty, and the store takes which
   * release is live with it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Write S3 server access logs of the site bucket and CloudFront access logs to a separate, private log bucket
   * whose objects expire after `accessLogsRetention`. With `existingBucket`, only CloudFront's logs are written.
   *
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * How long access logs are kept. A whole number of days from 1 to 3650.
   *
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * How client-side routes are served.
   *
   * @default SpaRouting.REWRITE_FUNCTION
   */
  readonly spaRouting?: SpaRouting;

  /**
   * Third parties whose documented sources are added to the Content-Security-Policy, such as
   * `CspPreset.stripe()`; they combine with the per-directive props (`scriptSources`...).
   *
   * @default - none
   */
  readonly cspPresets?: CspPreset[];

  /**
   * Allow `'unsafe-inline'` in the per-directive props and presets: an injected inline script or style then
   * runs. Synthesizing with it prints a warning.
   *
   * @default false
   */
  readonly allowUnsafeInline?: boolean;

  /**
   * Allow `'unsafe-eval'` in the per-directive props and presets: strings can then run as code. Synthesizing
   * with it prints a warning.
   *
   * @default false
   */
  readonly allowUnsafeEval?: boolean;

  /**
   * A Content-Security-Policy that replaces the default one entirely. Can't be combined with the
   * per-directive props (`connectSources`, `scriptSources`...) or `cspPresets`: put their sources into your
   * policy.
   *
   * @default - "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self';
   * connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none';
   * upgrade-insecure-requests", each directive extended by its `*Sources` prop and the presets (`frame-src`,
   * `media-src` and `worker-src` are added when they have sources)
   */
  readonly contentSecurityPolicy?: string;

  /**
   * `max-age` of the Strict-Transport-Security header (sent with `includeSubDomains`), a whole number of seconds.
   * 0 (browsers forget the policy) and values under six months (the policy lapses between visits) warn at synth.
   *
   * @default Duration.days(730)
   */
  readonly hstsMaxAge?: Duration;

  /**
   * Add `preload` to the Strict-Transport-Security header. Needs a `hstsMaxAge` of at least one year, and
   * commits every subdomain to HTTPS for a long time: opt in deliberately.
   *
   * @default false
   */
  readonly hstsPreload?: boolean;

  /**
   * Alternative domain names (CNAMEs) such as `admin.example.com`, each once. Needs `certificate`.
   *
   * @default - the distribution's `*.cloudfront.net` domain only
   */
  readonly domainNames?: string[];

  /**
   * The ACM certificate for `domainNames`. It must be in us-east-1, as CloudFront requires.
   *
   * @default - none; required when `domainNames` is set
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Minimum TLS version offered to viewers on the custom domain. TLS 1.2 (2021) or newer.
   *
   * @default cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
   */
  readonly minimumProtocolVersion?: cloudfront.SecurityPolicyProtocol;

  /**
   * A Route 53 hosted zone in which to create A and AAAA alias records for every name in `domainNames`.
   * Every domain name must be in this zone.
   *
   * @default - no DNS records are created
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * ARN of a WAFv2 web ACL with CLOUDFRONT scope (created in us-east-1) to attach to the distribution,
   * such as `arn:aws:wafv2:us-east-1:111122223333:global/webacl/name/id`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Serve only viewers in these countries (ISO 3166-1 alpha-2 codes such as `DE`, `US`).
   * Can't be combined with `geoDenyList`.
   *
   * @default - no geo restriction
   */
  readonly geoAllowList?: string[];

  /**
   * Refuse viewers in these countries (ISO 3166-1 alpha-2 codes). Can't be combined with `geoAllowList`.
   *
   * @default - no geo restriction
   */
  readonly geoDenyList?: string[];

  /**
   * Which edge locations serve the site.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * A comment on the distribution, shown in the CloudFront console. At most 128 characters, on one line.
   *
   * @default - no comment
   */
  readonly comment?: string;

  /**
   * Publish the distribution's additional CloudWatch metrics (cache hit rate, origin latency, error rates by
   * status), which the monitoring dashboard then shows. CloudFront charges them as custom metrics: about $2.40 a
   * month per distribution (8 metrics at $0.30).
   *
   * @default false
   */
  readonly additionalMetrics?: boolean;
}

/**
 * Properties of a SpaHosting: its options and the bucket it serves.
 */
export interface SpaHostingProps extends SpaHostingOptions {
  /**
   * Name of the site bucket to create. E-Com67's is `e-com67-admin-dashboard-${Aws.ACCOUNT_ID}`.
   *
   * @default - a name generated by CloudFormation
   */
  readonly bucketName?: string;

  /**
   * Serve an existing bucket instead of creating one, for a team migrating from its current bucket.
   *
   * The library then can't enforce the bucket's encryption, versioning, lifecycle, public access block or
   * server access logs, and for an imported bucket (`Bucket.fromBucketName`) it can't add the bucket policy
   * that lets CloudFront read it: add a statement allowing the `cloudfront.amazonaws.com` service principal
   * `s3:GetObject` and `s3:ListBucket` on condition that `AWS:SourceArn` is this distribution's ARN (CDK warns
   * `updateImportedBucketPolicyOac`). Can't be combined with `bucketName`, `encryptionKey`,
   * `noncurrentVersionsToRetain` or `noncurrentVersionExpiration`; `removalPolicy` then applies to the log
   * bucket and the release store only.
   *
   * @default - a new private, versioned, encrypted bucket is created
   */
  readonly existingBucket?: s3.IBucket;
}

/**
 * Options of `SpaHosting.addCrossAccountDeployRole`: who deploys from another account, and what else the role may read.
 */
export interface CrossAccountDeployRoleOptions {
  /**
   * The role that deploys, in another account (a `SpaPipeline` deploy project's role). It alone may assume the deploy
   * role: the trust policy names its account and requires `aws:PrincipalArn` to be its ARN. Its ARN must be known at
   * synth: a role of this app (CDK then gives it a generated name) or an imported role ARN.
   */
  readonly deployer: iam.IRole;

  /**
   * SSM parameters of this hosting's account and region the deployer may read (`ssm:GetParameter`) with the role,
   * besides the deploy target: the runtime config values read at deploy time. Literal names such as
   * `/e-com67/api-url`.
   *
   * @default - none
   */
  readonly parameterNames?: string[];

  /**
   * CloudWatch alarms of this hosting's account and region the deployer may describe with the role (a release's
   * rollback alarms), by literal name.
   *
   * @default - none
   */
  readonly alarmNames?: string[];
}

/**
 * What a deployer in another account deploys to a SpaHosting with (`SpaHosting.addCrossAccountDeployRole`).
 */
export interface CrossAccountDeployTarget {
  /** The role in the hosting's account the deployer assumes; its name is generated at synth, so other accounts can name it. */
  readonly role: iam.IRole;

  /**
   * Name of the SSM String parameter in the hosting's account whose value is the JSON
   * `{"bucket": ..., "keyValueStoreArn": ..., "siteUrl": "https://<distribution domain>"}`: the values CloudFormation
   * generates, which another account's template can't reference. `/cdk-ecom-platform/<bucket name>/deploy-target`.
   */
  readonly targetParameterName: string;

  /** The site bucket's name, known at synth. */
  readonly bucketName: string;
}

/**
 * The KeyValueStore API actions the deploy program and the CLI call (src/release/live-store.ts): read the
 * store's ETag, read keys, create the pin token once, and switch `release:live`/`release:previous` in one
 * conditional write. Not ListKeys or DeleteKey: nothing enumerates or removes keys.
 */
const KVS_DEPLOY_ACTIONS = [
  'cloudfront-keyvaluestore:DescribeKeyValueStore',
  'cloudfront-keyvaluestore:GetKey',
  'cloudfront-keyvaluestore:PutKey',
  'cloudfront-keyvaluestore:UpdateKeys',
];

/** CloudFront Functions quota: the function code, in bytes. */
const MAX_FUNCTION_BYTES = 10_240;
/** The routing function's source; ROUTING_PLACEHOLDER stands for its settings. */
const ROUTING_TEMPLATE = path.join(__dirname, '..', 'assets', 'spa-routing.js');
const ROUTING_PLACEHOLDER = '__ROUTING__';

/**
 * The routing function's code for `hosting`: the template with its settings as a JSON literal (a pattern can't
 * break out of it). The hashed-asset pattern is the one the pipeline deploying to the hosting classifies files
 * with, so a file the deploy put at the bucket root is never looked for under a release, and the reverse.
 */
function renderRoutingCode(hosting: Construct): string {
  const hashedPattern = releaseRoutingOf(hosting)?.hashedPattern ?? DEFAULT_HASHED_PATTERN;
  const fix = 'give the pipeline deploying to this hosting a literal JavaScript regular expression over bucket paths, such as '
    + `${JSON.stringify(DEFAULT_HASHED_PATTERN)} (the default)`;
  if (typeof hashedPattern !== 'string' || isToken(hashedPattern)) {
    throw propError(hosting, 'hashedAssetPattern', hashedPattern, 'the routing function embeds it, so it must be a literal string', fix);
  }
  try {
    new RegExp(hashedPattern);
  } catch (error) {
    throw propError(hosting, 'hashedAssetPattern', hashedPattern, `it is not a JavaScript regular expression (${(error as Error).message})`, fix);
  }
  const settings = {
    hashedPattern,
    releasesPrefix: RELEASES_PREFIX,
    entryFile: ENTRY_FILE,
    liveKey: KVS_KEYS.live,
    pinTokenKey: KVS_KEYS.pinToken,
    pinHeader: PIN_HEADERS.release,
    tokenHeader: PIN_HEADERS.token,
  };
  const parts = fs.readFileSync(ROUTING_TEMPLATE, 'utf-8').split(ROUTING_PLACEHOLDER);
  if (parts.length !== 2) {
    throw new Error(`${ROUTING_TEMPLATE} must hold ${ROUTING_PLACEHOLDER} exactly once`);
  }
  const code = parts.join(JSON.stringify(settings));
  const bytes = Buffer.byteLength(code);
  if (bytes > MAX_FUNCTION_BYTES) {
    throw propError(hosting, 'hashedAssetPattern', hashedPattern,
      `the routing function with it is ${bytes} bytes, and CloudFront Functions take at most ${MAX_FUNCTION_BYTES}`, `shorten the pattern; ${fix}`);
  }
  return code;
}

const ONE_YEAR_SECONDS = 31_536_000;
/** Six months, the least HSTS max-age the Mozilla Observatory accepts. */
const MIN_HSTS_SECONDS = 15_768_000;
/** CloudFront's AccessControlMaxAgeSec is a 32-bit integer. */
const MAX_HSTS_SECONDS = 2_147_483_647;
/** Key prefix of deploy metadata in the site bucket, which the distribution may not read. */
const DEPLOY_METADATA_PREFIX = '_spa-deploy/';
const WEB_ACL_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/;
const TLS_BELOW_1_2_2021 = [
  cloudfront.SecurityPolicyProtocol.SSL_V3,
  cloudfront.SecurityPolicyProtocol.TLS_V1,
  cloudfront.SecurityPolicyProtocol.TLS_V1_2016,
  cloudfront.SecurityPolicyProtocol.TLS_V1_1_2016,
  cloudfront.SecurityPolicyProtocol.TLS_V1_2_2018,
  cloudfront.SecurityPolicyProtocol.TLS_V1_2_2019,
];

/**
 * A private S3 bucket behind a CloudFront distribution that serves a React (Vite or Create React App) single
 * page app: origin access control, HTTPS only, SPA routing, security headers, access logs, and a
 * least-privilege `grantDeploy()` for the pipeline that ships the app.
 *
 * @example
 * new SpaHosting(this, 'Admin', {
 *   bucketName: `e-com67-admin-dashboard-${Aws.ACCOUNT_ID}`,
 *   connectSources: ['https://api.example.com'],
 * });
 */
export class SpaHosting extends Construct {
  /** The bucket the app is served from (created, or the `existingBucket`). */
  public readonly bucket: s3.IBucket;

  /** The bucket receiving S3 and CloudFront access logs; undefined when `accessLogs` is false. */
  public readonly logBucket?: s3.IBucket;

  /** The CloudFront distribution. */
  public readonly distribution: cloudfront.Distribution;

  /** The security headers policy on the default behaviour; pass it to behaviours you add. */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;

  /** The SPA routing function; undefined unless `spaRouting` is `REWRITE_FUNCTION`. */
  public readonly routingFunction?: cloudfront.Function;

  /**
   * The KeyValueStore the routing function reads the live release (and the pin token) from; `SpaPipeline`'s
   * deploy and the `ecom-platform` CLI write it. Undefined unless `spaRouting` is `REWRITE_FUNCTION`.
   */
  public readonly keyValueStore?: cloudfront.IKeyValueStore;

  /** The A and AAAA alias records, when `hostedZone` is set. */
  public readonly aliasRecords: route53.IRecordSet[];

  /** The site's URL: `https://` and the first domain name that is not a wildcard, or the distribution's domain. */
  public readonly url: string;

  /**
   * The site bucket's name when it is known at synth: a literal `bucketName`, or an `existingBucket` imported by a
   * literal name. Undefined when CloudFormation generates it. A hosting deployed from another account needs one.
   */
  public readonly literalBucketName?: string;

  /** Whether the distribution publishes its additional metrics (`additionalMetrics`). */
  public readonly additionalMetrics: boolean;

  private readonly encryptionKey?: kms.IKey;
  private crossAccountTarget?: CrossAccountDeployTarget;

  constructor(scope: Construct, id: string, props: SpaHostingProps = {}) {
    super(scope, id);
    // From JavaScript, `null` stands for "no props" as `undefined` does.
    props = props ?? {};
    validated(this, () => validate(this, props));

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const accessLogs = props.accessLogs ?? true;
    const spaRouting = props.spaRouting ?? SpaRouting.REWRITE_FUNCTION;
    const domainNames = props.domainNames ?? [];

    const logBucket = accessLogs
      ? createLogBucket(this, 'LogBucket', { retention: props.accessLogsRetention ?? Duration.days(90), removalPolicy, cloudFrontLogs: true })
      : undefined;
    this.logBucket = logBucket;
    this.bucket = props.existingBucket ?? this.createBucket(props, removalPolicy, logBucket);
    this.encryptionKey = props.existingBucket ? props.existingBucket.encryptionKey : props.encryptionKey;
    const bucketName = props.existingBucket ? props.existingBucket.bucketName : props.bucketName;
    this.literalBucketName = bucketName !== undefined && !isToken(bucketName) ? bucketName : undefined;
    this.additionalMetrics = props.additionalMetrics ?? false;
    this.responseHeadersPolicy = this.createResponseHeadersPolicy(props);
    if (spaRouting === SpaRouting.REWRITE_FUNCTION) {
      this.keyValueStore = this.createKeyValueStore(removalPolicy);
      this.routingFunction = this.createRoutingFunction(this.keyValueStore);
    }
    this.distribution = this.createDistribution(props, spaRouting, domainNames, logBucket);
    this.acknowledgeDistributionFindings(props, accessLogs, domainNames.length > 0);
    this.denyDeployMetadata();
    this.aliasRecords = props.hostedZone ? this.createAliasRecords(props.hostedZone, domainNames) : [];

    const urlDomain = domainNames.find((d) => !d.startsWith('*.'));
    this.url = `https://${urlDomain ?? this.distribution.distributionDomainName}`;

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'Bucket the single-page app is served from' });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId, description: 'CloudFront distribution ID' });
    new CfnOutput(this, 'Url', { value: this.url, description: 'URL of the single-page app' });
  }

  /**
   * A CloudWatch metric of the distribution, in us-east-1 (the only region CloudFront publishes to) with the
   * `Region: Global` dimension CloudFront gives its metrics (aws-cdk-lib's `Distribution.metric()` sets neither,
   * so its metrics stay empty on a dashboard of another region).
   *
   * @param metricName a metric of the `AWS/CloudFront` namespace, such as "5xxErrorRate"
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensionsMap: { DistributionId: this.distribution.distributionId, Region: 'Global' },
      region: CLOUDFRONT_METRICS_REGION,
      ...props,
    });
  }

  /** Viewer requests (sum over 5 minutes). */
  public metricRequests(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Requests', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Percent of requests answered with a 4xx status (average over 5 minutes). */
  public metric4xxErrorRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('4xxErrorRate', { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.PERCENT, ...props });
  }

  /** Percent of requests answered with a 5xx status (average over 5 minutes): the monitoring's alarm metric. */
  public metric5xxErrorRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('5xxErrorRate', { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.PERCENT, ...props });
  }

  /** Bytes sent to viewers (sum over 5 minutes). */
  public metricBytesDownloaded(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BytesDownloaded', { statistic: cloudwatch.Stats.SUM, unit: cloudwatch.Unit.NONE, ...props });
  }

  /** Bytes viewers sent (sum over 5 minutes). */
  public metricBytesUploaded(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BytesUploaded', { statistic: cloudwatch.Stats.SUM, unit: cloudwatch.Unit.NONE, ...props });
  }

  /** Percent of requests served from the cache; needs `additionalMetrics`. */
  public metricCacheHitRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.additionalMetric('CacheHitRate', cloudwatch.Unit.PERCENT, props);
  }

  /** Milliseconds the origin (S3) took to answer, for requests not served from the cache; needs `additionalMetrics`. */
  public metricOriginLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.additionalMetric('OriginLatency', cloudwatch.Unit.MILLISECONDS, props);
  }

  private additionalMetric(metricName: string, unit: cloudwatch.Unit, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.additionalMetrics) {
      throw propError(this, 'additionalMetrics', false, `CloudFront publishes ${metricName} only for distributions with additional metrics`,
        'set `additionalMetrics: true` (about $2.40 a month per distribution)');
    }
    return this.metric(metricName, { statistic: cloudwatch.Stats.AVERAGE, unit, ...props });
  }

  /**
   * Grants what a deployment needs and nothing more: list the site bucket, get, put and delete its objects
   * (with the KMS key, if any), and read and write the keys of this hosting's KeyValueStore (which release is
   * live, the pin token). No CloudFront invalidation: switching releases changes the URIs the edge caches.
   *
   * @param grantee the principal that deploys the app, such as a CodeBuild project
   */
  public grantDeploy(grantee: iam.IGrantable): iam.Grant {
    checkInstance(this, 'grantee', grantee, typeof grantee === 'object' && grantee !== null && !!grantee.grantPrincipal, 'an iam.IGrantable',
      'pass the principal that deploys the app: a role, a CodeBuild project or another IGrantable');
    let grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] })
      .combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resourceArns: [this.bucket.arnForObjects('*')],
      }));
    if (this.keyValueStore) {
      grant = grant.combine(iam.Grant.addToPrincipal({
        grantee,
        actions: KVS_DEPLOY_ACTIONS,
        resourceArns: [this.keyValueStore.keyValueStoreArn],
      }));
    }
    if (this.encryptionKey) {
      grant = grant.combine(this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey'));
    }

    // The object wildcard is the least a deployment can have (it writes keys it doesn't know before the
    // build). Acknowledge exactly that finding on the grantee's policy, wherever the grantee is.
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      const bucketArn = bucketArnPattern(principal, this.bucket);
      acknowledgeGeneratedWildcards(principal, () => [{
        finding: new RegExp(`^Resource::${bucketArn}/\\*$`),
        reason: `Deploying a single-page app writes and deletes object keys known only after the build; the wildcard is limited to the objects of the site bucket of ${this.node.path}.`,
      }]);
    }
    return grant;
  }

  /**
   * Lets a deployer in another account deploy to this hosting: a deploy role in this hosting's stack that only
   * `deployer` may assume (its account is trusted on condition that `aws:PrincipalArn` is its ARN, so the trust
   * doesn't need the role to exist first), allowed what `grantDeploy()` allows and `ssm:GetParameter` on the deploy
   * target parameter and `parameterNames`; and that parameter, holding what CloudFormation generates here. Once per
   * hosting. `SpaPipeline` calls it for a hosting in another account than its own.
   */
  public addCrossAccountDeployRole(options: CrossAccountDeployRoleOptions): CrossAccountDeployTarget {
    checkObject(this, 'options', options, 'pass { deployer: role }');
    checkInstance(this, 'deployer', options.deployer, typeof options.deployer?.roleArn === 'string', 'an iam.IRole',
      'pass the role that deploys, such as a SpaPipeline deploy project\'s role');
    checkStringList(this, 'parameterNames', options.parameterNames, '"/e-com67/api-url"');
    checkStringList(this, 'alarmNames', options.alarmNames, '"admin-5xx"');
    const stack = Stack.of(this);
    const deployerAccount = options.deployer.env.account;
    if (this.crossAccountTarget) {
      throw propError(this, 'deployer', options.deployer.node.path, 'this hosting already has a cross-account deploy role: one pipeline deploys to a hosting',
        'deploy each hosting from one pipeline');
    }
    if (this.literalBucketName === undefined) {
      throw propError(this, 'bucketName', undefined, 'a deployer in another account names the bucket and the deploy target parameter '
        + '(`/cdk-ecom-platform/<bucket name>/deploy-target`) at synth, and CloudFormation would generate this bucket\'s name',
      'give the hosting a literal `bucketName`, such as "e-com67-admin-dashboard-222222222222"');
    }
    if (isToken(deployerAccount) || isToken(stack.account) || deployerAccount === stack.account) {
      throw propError(this, 'deployer', options.deployer.node.path, `the deployer is in ${isToken(deployerAccount) ? 'an unknown account' : `account ${deployerAccount}`}, `
        + `the hosting in ${isToken(stack.account) ? 'an environment-agnostic stack' : `account ${stack.account}`}: a cross-account deploy role is for a literal other account`,
      'in the hosting\'s own account, use `grantDeploy(deployer)`; otherwise give both stacks an `env` with their accounts');
    }
    for (const [prop, names] of [['parameterNames', options.parameterNames], ['alarmNames', options.alarmNames]] as const) {
      const tokens = (names ?? []).filter((n) => isToken(n));
      if (tokens.length > 0) {
        throw propError(this, prop, tokens, 'the deploy role is granted exactly these names, and a deployer in another account names them at synth',
          'give literal names');
      }
    }
    const targetParameterName = `/cdk-ecom-platform/${this.literalBucketName}/deploy-target`;
    new ssm.StringParameter(this, 'DeployTarget', {
      parameterName: targetParameterName,
      description: `Where a deployer in another account deploys the single-page app of ${this.node.path}`,
      stringValue: stack.toJsonString({
        bucket: this.bucket.bucketName,
        keyValueStoreArn: this.keyValueStore?.keyValueStoreArn ?? '',
        siteUrl: `https://${this.distribution.distributionDomainName}`,
      }),
    });
    const role = new iam.Role(this, 'CrossAccountDeployRole', {
      roleName: PhysicalName.GENERATE_IF_NEEDED,
      description: `Deploys the single-page app of ${this.node.path} for ${options.deployer.node.path} (account ${deployerAccount})`,
      assumedBy: new iam.AccountPrincipal(deployerAccount).withConditions({ ArnEquals: { 'aws:PrincipalArn': options.deployer.roleArn } }),
    });
    this.grantDeploy(role);
    const parameterArn = (name: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [targetParameterName, ...(options.parameterNames ?? [])].map(parameterArn),
    }));
    if ((options.alarmNames ?? []).length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: options.alarmNames!.map((name) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
      }));
    }
    this.crossAccountTarget = { role, targetParameterName, bucketName: this.literalBucketName };
    return this.crossAccountTarget;
  }

  /**
   * Adds a behaviour (for example `/api/*` to an API origin) with this site's security headers unless the
   * options name another response headers policy.
   */
  public addBehavior(pathPattern: string, origin: cloudfront.IOrigin, options: cloudfront.AddBehaviorOptions = {}): void {
    checkPathPattern(this, pathPattern);
    checkInstance(this, 'origin', origin, typeof origin === 'object' && origin !== null && typeof origin.bind === 'function', 'a cloudfront.IOrigin',
      'pass an origin such as new origins.RestApiOrigin(api)');
    if (options?.viewerProtocolPolicy === cloudfront.ViewerProtocolPolicy.ALLOW_ALL) {
      const id = 'cdk-ecom-platform:SpaHosting.behaviorAllowsHttp';
      Annotations.of(this).addWarningV2(id, `the behaviour ${pathPattern} answers plain HTTP (ViewerProtocolPolicy.ALLOW_ALL), while the rest of the site `
        + 'redirects to HTTPS; its responses (and any cookie or token sent to it) can be read and changed in transit. Remove `viewerProtocolPolicy` '
        + `to keep the redirect. If it is intended, acknowledge it: Annotations.of(hosting).acknowledgeWarning('${id}', '<why>')`);
    }
    this.distribution.addBehavior(pathPattern, origin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      ...options,
      responseHeadersPolicy: options.responseHeadersPolicy ?? this.responseHeadersPolicy,
    });
  }

  /** The site bucket: private, versioned, encrypted, SSL-only, its old versions expiring, access-logged unless told not to. */
  private createBucket(props: SpaHostingProps, removalPolicy: RemovalPolicy, logBucket: s3.Bucket | undefined): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [{
        noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(90),
        noncurrentVersionsToRetain: props.noncurrentVersionsToRetain ?? 10,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        expiredObjectDeleteMarker: true,
      }],
      removalPolicy,
    });
    if (logBucket) {
      logServerAccess(bucket, logBucket, 's3-access-logs/');
    } else {
      acknowledge(bucket, 'AwsSolutions-S1', 'Access logs were switched off explicitly with `accessLogs: false`.');
      skipCheckov(bucket, 'CKV_AWS_18', 'Access logs were switched off explicitly with `accessLogs: false` on this SpaHosting.');
    }
    return bucket;
  }

  /** The security headers of every response: the Content-Security-Policy, HSTS, no framing, no sniffing. */
  private createResponseHeadersPolicy(props: SpaHostingProps): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Security headers for a single-page app (cdk-ecom-platform SpaHosting)',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: props.contentSecurityPolicy ?? buildContentSecurityPolicy(props),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: props.hstsMaxAge ?? Duration.days(730),
          includeSubdomains: true,
          preload: props.hstsPreload ?? false,
          override: true,
        },
      },
    });
  }

  /**
   * Names the live release. It outlives a stack update like the bucket does (the hosting's `removalPolicy`):
   * the live release id and the pin token are state, and a new store would be empty until the next deploy.
   */
  private createKeyValueStore(removalPolicy: RemovalPolicy): cloudfront.KeyValueStore {
    const store: cloudfront.KeyValueStore = new cloudfront.KeyValueStore(this, 'ReleaseStore', {
      // Store names are unique per account across regions (CloudFront is global): the region keeps the same
      // stack deployed to two regions apart, as aws-cdk-lib does for function names. At most 64 characters.
      keyValueStoreName: Lazy.string({ produce: () => `${Stack.of(this).region}-${Names.uniqueResourceName(store, { maxLength: 48 })}` }),
      comment: 'The live SPA release and the pin token (cdk-ecom-platform SpaHosting)',
    });
    store.applyRemovalPolicy(removalPolicy);
    return store;
  }

  /**
   * The viewer-request function routing to the live (or pinned) release. Its code is rendered when the stack
   * is synthesized: the SpaPipeline that records the hashed-asset pattern is usually created after the hosting.
   */
  private createRoutingFunction(store: cloudfront.IKeyValueStore): cloudfront.Function {
    return new cloudfront.Function(this, 'SpaRouting', {
      code: cloudfront.FunctionCode.fromInline(Lazy.string({ produce: () => renderRoutingCode(this) })),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      keyValueStore: store,
      comment: 'Routes to the live SPA release; paths without a file extension get its index.html',
    });
  }

  /**
   * The distribution: the bucket through origin access control, HTTPS only, the security headers and SPA routing on
   * the default behaviour, and the custom domain, web ACL, geo restriction and logs the props ask for.
   */
  private createDistribution(props: SpaHostingProps, spaRouting: SpaRouting, domainNames: string[], logBucket: s3.Bucket | undefined)
    : cloudfront.Distribution {
    const accessLogs = logBucket !== undefined;
    const geoRestriction = props.geoAllowList
      ? cloudfront.GeoRestriction.allowlist(...props.geoAllowList)
      : props.geoDenyList ? cloudfront.GeoRestriction.denylist(...props.geoDenyList) : undefined;
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultBehavior: {
        // READ and LIST: without LIST, S3 answers 403 for a missing key, and a missing asset can't be told apart.
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: this.routingFunction
          ? [{ function: this.routingFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }]
          : undefined,
      },
      defaultRootObject: 'index.html',
      errorResponses: spaRouting === SpaRouting.ERROR_RESPONSES
        ? [403, 404].map((httpStatus) => ({
          httpStatus,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.seconds(10),
        }))
        : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      publishAdditionalMetrics: props.additionalMetrics || undefined,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      domainNames: domainNames.length > 0 ? domainNames : undefined,
      certificate: props.certificate,
      minimumProtocolVersion: domainNames.length > 0
        ? props.minimumProtocolVersion ?? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
        : undefined,
      sslSupportMethod: domainNames.length > 0 ? cloudfront.SSLMethod.SNI : undefined,
      webAclId: props.webAclArn,
      geoRestriction,
      enableLogging: accessLogs,
      logBucket,
      logFilePrefix: accessLogs ? 'cloudfront/' : undefined,
      comment: props.comment,
    });
    Annotations.of(distribution).acknowledgeWarning('@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'LIST is granted so a missing key answers 404, not 403. No request can list the bucket: `/` is served the default root object, and the cache policy forwards no query string.');
    return distribution;
  }

  /** `_spa-deploy/` holds deploy metadata (SpaPipeline's release manifest): never served to viewers. */
  private denyDeployMetadata(): void {
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects(`${DEPLOY_METADATA_PREFIX}*`)],
    }));
  }

  /** A and AAAA alias records of every domain name in the hosted zone. */
  private createAliasRecords(zone: route53.IHostedZone, domainNames: string[]): route53.IRecordSet[] {
    return domainNames.flatMap((domainName, i) => {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      // IDs by name, so reordering `domainNames` doesn't replace records.
      const key = isToken(domainName) ? String(i) : domainName;
      return [
        new route53.ARecord(this, `A ${key}`, { zone, recordName: domainName, target }),
        new route53.AaaaRecord(this, `AAAA ${key}`, { zone, recordName: domainName, target }),
      ];
    });
  }

  /** cdk-nag and checkov findings that are the user's decision or CloudFront's, each with its reason. */
  private acknowledgeDistributionFindings(props: SpaHostingProps, accessLogs: boolean, customDomain: boolean) {
    if (!props.geoAllowList && !props.geoDenyList) {
      acknowledge(this.distribution, 'AwsSolutions-CFR1',
        'Where an app may be served is a business decision; geo restriction is opt-in through `geoAllowList`/`geoDenyList`.');
    }
    if (!props.webAclArn) {
      const reason = 'A CLOUDFRONT-scope web ACL lives in us-east-1 and costs a monthly fee per web ACL and per rule plus a fee per million '
        + 'requests, and which rules fit is the app owner\'s decision; it is opt-in through the `webAclArn` prop.';
      acknowledge(this.distribution, 'AwsSolutions-CFR2', reason);
      skipCheckov(this.distribution, 'CKV_AWS_68', reason);
    }
    if (!accessLogs) {
      acknowledge(this.distribution, 'AwsSolutions-CFR3', 'Access logs were switched off explicitly with `accessLogs: false`.');
      skipCheckov(this.distribution, 'CKV_AWS_86', 'Access logs were switched off explicitly with `accessLogs: false` on this SpaHosting.');
    }
    if (!customDomain) {
      const reason = 'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose security policy is fixed at TLSv1 '
        + 'and cannot be changed (CloudFront ignores MinimumProtocolVersion with the default certificate); with `domainNames` the minimum is TLSv1.2_2021.';
      acknowledge(this.distribution, 'AwsSolutions-CFR4', reason);
      skipCheckov(this.distribution, 'CKV_AWS_174', reason);
    }
  }
}

/** Every check runs before a single child is created, so a bad prop leaves nothing half-built. */
function validate(scope: Construct, props: SpaHostingProps): void {
  validateTypes(scope, props);
  validateChoices(scope, props);

  if (props.existingBucket) {
    const creating = (['bucketName', 'encryptionKey', 'noncurrentVersionsToRetain', 'noncurrentVersionExpiration'] as const)
      .filter((p) => props[p] !== undefined);
    if (creating.length > 0) {
      throw propError(scope, 'existingBucket', props.existingBucket.node.path,
        `it can't be combined with ${creating.map((p) => `\`${p}\``).join(', ')}, which configure a bucket this construct creates`,
        `either remove \`existingBucket\` to have a bucket created, or remove ${creating.map((p) => `\`${p}\``).join(', ')} and configure your bucket yourself`);
    }
  }

  if (props.bucketName !== undefined) {
    const problem = bucketNameProblem(props.bucketName);
    if (problem) {
      throw propError(scope, 'bucketName', props.bucketName, problem,
        'use 3-63 lowercase letters, digits, hyphens and single dots, starting and ending with a letter or digit (e.g. "e-com67-admin-dashboard-123456789012")');
    }
  }

  checkInteger(scope, 'noncurrentVersionsToRetain', props.noncurrentVersionsToRetain, 1, 100);
  checkWholeDays(scope, 'noncurrentVersionExpiration', props.noncurrentVersionExpiration, 1, 3650);
  checkWholeDays(scope, 'accessLogsRetention', props.accessLogsRetention, 1, 3650);
  if (props.accessLogs === false && props.accessLogsRetention !== undefined) {
    throw propError(scope, 'accessLogsRetention', props.accessLogsRetention, 'it has no effect with `accessLogs: false`',
      'remove `accessLogsRetention`, or turn `accessLogs` back on');
  }
  const createsStore = (props.spaRouting ?? SpaRouting.REWRITE_FUNCTION) === SpaRouting.REWRITE_FUNCTION;
  if (props.existingBucket && props.accessLogs === false && !createsStore && props.removalPolicy !== undefined) {
    throw propError(scope, 'removalPolicy', props.removalPolicy,
      `it has no effect: with \`existingBucket\`, \`accessLogs: false\` and \`spaRouting: SpaRouting.${props.spaRouting}\` this construct `
      + 'creates no bucket and no release store',
      'remove `removalPolicy` (your bucket keeps its own), or turn `accessLogs` back on');
  }
  validateEncryptionKey(scope, props);
  validateComment(scope, props.comment);

  validateHeaders(scope, props);
  validateDomain(scope, props);
  validateEdgeProtection(scope, props);
}

function validateHeaders(scope: Construct, props: SpaHostingProps): void {
  const csp = props.contentSecurityPolicy;
  if (csp !== undefined && !isToken(csp)) {
    if (csp.trim().length === 0) {
      throw propError(scope, 'contentSecurityPolicy', csp, 'an empty policy would send no protection at all',
        "remove the prop to keep the strict default, or give directives such as \"default-src 'self'\"");
    }
    if (/[\r\n]/.test(csp)) {
      throw propError(scope, 'contentSecurityPolicy', csp, 'a header value cannot contain a line break',
        'separate directives with "; " on a single line');
    }
    if (/[^\x20-\x7e]/.test(csp)) {
      throw propError(scope, 'contentSecurityPolicy', csp, 'a header value may hold only visible ASCII characters and spaces (no NUL, tab or other control character, no non-ASCII letter)',
        'write an internationalized host name in its punycode form (xn--...), and separate sources with spaces');
    }
    if (csp.length > MAX_CSP_LENGTH) {
      throw propError(scope, 'contentSecurityPolicy', csp, `CloudFront accepts at most ${MAX_CSP_LENGTH} characters, this one has ${csp.length}`,
        'shorten the policy (use fewer host sources or wildcards such as https://*.example.com)');
    }
  }
  if (csp !== undefined) {
    const extensions = CSP_EXTENSION_PROPS.filter((p) => props[p] !== undefined);
    if (extensions.length > 0) {
      throw propError(scope, extensions[0], props[extensions[0]], 'it only extends the default policy, which `contentSecurityPolicy` replaces',
        `put these sources into your \`contentSecurityPolicy\`, and remove ${extensions.map((p) => `\`${p}\``).join(', ')}`);
    }
  } else {
    validateCspSources(scope, props);
  }
  validateHsts(scope, props);
}

/**
 * HSTS `max-age` is whole seconds. 0 tells browsers to forget the site's HSTS policy, and a short one lets it lapse
 * between visits: both may be meant (0 clears a policy sent by mistake, a short one ramps up a first rollout), so
 * they warn rather than refuse, and the warning says how to acknowledge it.
 */
function validateHsts(scope: Construct, props: SpaHostingProps): void {
  const maxAge = props.hstsMaxAge;
  if (maxAge === undefined || maxAge.isUnresolved()) {
    return;
  }
  const millis = maxAge.toMilliseconds({ integral: false });
  if (!Number.isInteger(millis / 1000)) {
    throw propError(scope, 'hstsMaxAge', maxAge, 'the Strict-Transport-Security max-age is a whole number of seconds',
      'use Duration.days(n) or Duration.seconds(n) with a whole n, such as Duration.days(730) (the default)');
  }
  const seconds = millis / 1000;
  if (seconds > MAX_HSTS_SECONDS) {
    throw propError(scope, 'hstsMaxAge', maxAge, `CloudFront takes a max-age of at most ${MAX_HSTS_SECONDS} seconds (a 32-bit integer)`,
      'use Duration.days(730) (the default) or Duration.days(365)');
  }
  if (props.hstsPreload && seconds < ONE_YEAR_SECONDS) {
    throw propError(scope, 'hstsMaxAge', maxAge, 'HSTS preload lists require a max-age of at least one year',
      'set `hstsMaxAge` to Duration.days(365) or more, or remove `hstsPreload`');
  }
  const ack = (id: string) => `If it is intended, acknowledge it on this SpaHosting (${scope.node.path}): `
    + `Annotations.of(hosting).acknowledgeWarning('${id}', '<why>')`;
  if (seconds === 0) {
    const id = 'cdk-ecom-platform:SpaHosting.hstsOff';
    Annotations.of(scope).addWarningV2(id,
      '`hstsMaxAge` is 0: "max-age=0" tells browsers to forget the Strict-Transport-Security policy of this domain and its subdomains, '
      + 'so a first visit over plain HTTP can be intercepted again. Use it only to clear a policy sent by mistake, then set a real max-age '
      + `such as Duration.days(730) (the default). ${ack(id)}`);
  } else if (seconds < MIN_HSTS_SECONDS) {
    const id = 'cdk-ecom-platform:SpaHosting.hstsShort';
    Annotations.of(scope).addWarningV2(id,
      `\`hstsMaxAge\` is ${maxAge.toHumanString()}: the Strict-Transport-Security policy lapses for a visitor who stays away longer, and the next `
      + `visit starts over plain HTTP. Six months (${MIN_HSTS_SECONDS} seconds) is the least the Mozilla Observatory accepts; a short max-age `
      + `only fits the first steps of a rollout. Use Duration.days(730) (the default) once the site works over HTTPS. ${ack(id)}`);
  }
}

/** CloudFront's limit on a distribution comment; longer fails only at deploy. */
const MAX_COMMENT_LENGTH = 128;

function validateComment(scope: Construct, comment: string | undefined): void {
  if (comment === undefined || isToken(comment)) {
    return;
  }
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw propError(scope, 'comment', comment, `CloudFront accepts a comment of at most ${MAX_COMMENT_LENGTH} characters, this one has ${comment.length}`,
      `shorten it to ${MAX_COMMENT_LENGTH} characters or fewer`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(comment)) {
    throw propError(scope, 'comment', comment, 'it contains a control character (a line break, tab or NUL), which CloudFront refuses',
      'write the comment on one line of printable characters');
  }
}

/** SSE-KMS needs a key in the bucket's own region; a key elsewhere fails only when CloudFormation creates the bucket. */
function validateEncryptionKey(scope: Construct, props: SpaHostingProps): void {
  const key = props.encryptionKey;
  if (!key) {
    return;
  }
  const arn = key.keyArn;
  const keyRegion = !isToken(arn) ? arn.split(':')[3]
    : Resource.isOwnedResource(key) ? Stack.of(key).region : undefined;
  const region = Stack.of(scope).region;
  if (keyRegion && region && !isToken(keyRegion) && !isToken(region) && keyRegion !== region) {
    throw propError(scope, 'encryptionKey', isToken(arn) ? key.node.path : arn,
      `S3 encrypts a bucket only with a KMS key of its own region (${region}), this key is in ${keyRegion}`,
      `pass a key created in ${region}, or remove \`encryptionKey\` to use SSE-S3`);
  }
}

function validateDomain(scope: Construct, props: SpaHostingProps): void {
  const domainNames = props.domainNames ?? [];
  if (props.domainNames !== undefined && domainNames.length === 0) {
    throw propError(scope, 'domainNames', domainNames, 'an empty list names no domain', 'remove `domainNames`, or list at least one domain name');
  }
  const seen = new Set<string>();
  for (const domain of domainNames) {
    if (isToken(domain)) {
      continue;
    }
    const problem = domainNameProblem(domain);
    if (problem) {
      throw propError(scope, 'domainNames', domain, problem, 'give bare host names such as "admin.example.com"');
    }
    // Domain names are case-insensitive: CloudFront refuses the same CNAME twice when it deploys.
    if (seen.has(domain.toLowerCase())) {
      throw propError(scope, 'domainNames', domainNames, `"${domain}" is listed twice (domain names are case-insensitive)`,
        'list each domain name once');
    }
    seen.add(domain.toLowerCase());
  }
  if (domainNames.length > 0 && !props.certificate) {
    throw propError(scope, 'certificate', undefined, `\`domainNames\` (${domainNames.join(', ')}) need a certificate that covers them`,
      'pass an ACM certificate from us-east-1 as `certificate`, or remove `domainNames`');
  }
  if (props.certificate && domainNames.length === 0) {
    throw propError(scope, 'domainNames', undefined, 'a `certificate` is only used for custom domain names',
      'list the domain names the certificate covers in `domainNames`, or remove `certificate`');
  }
  if (props.certificate) {
    const arn = props.certificate.certificateArn;
    // A token ARN is only known to be in its stack's region when the certificate is created there.
    const region = !isToken(arn) ? arn.split(':')[3]
      : Resource.isOwnedResource(props.certificate) ? Stack.of(props.certificate).region : undefined;
    if (region && !Token.isUnresolved(region) && region !== 'us-east-1') {
      throw propError(scope, 'certificate', isToken(arn) ? props.certificate.node.path : arn,
        `CloudFront only uses ACM certificates from us-east-1, this one is in ${region}`,
        'request or import the certificate in us-east-1 (a stack with env.region us-east-1, or a us-east-1 ARN)');
    }
  }
  if (props.minimumProtocolVersion !== undefined) {
    if (TLS_BELOW_1_2_2021.includes(props.minimumProtocolVersion)) {
      throw propError(scope, 'minimumProtocolVersion', props.minimumProtocolVersion, 'versions below TLS 1.2 (2021) allow weak ciphers',
        'use SecurityPolicyProtocol.TLS_V1_2_2021 (the default) or newer');
    }
    if (domainNames.length === 0) {
      throw propError(scope, 'minimumProtocolVersion', props.minimumProtocolVersion,
        'it only applies to custom domain names; the *.cloudfront.net certificate\'s policy is fixed by CloudFront',
        'set `domainNames` and `certificate`, or remove `minimumProtocolVersion`');
    }
  }
  if (props.hostedZone) {
    if (domainNames.length === 0) {
      throw propError(scope, 'hostedZone', props.hostedZone.node.path, 'there are no `domainNames` to create records for',
        'set `domainNames` (and `certificate`), or remove `hostedZone`');
    }
    const zoneName = props.hostedZone.zoneName;
    if (!isToken(zoneName)) {
      const outside = domainNames.filter((d) => !isToken(d) && !isInZone(d.replace(/^\*\./, ''), zoneName));
      if (outside.length > 0) {
        throw propError(scope, 'hostedZone', zoneName, `the domain names ${outside.join(', ')} are not in this zone`,
          `pass the hosted zone that contains every domain name, or only domain names ending in ${zoneName}`);
      }
    }
  }
}

function validateEdgeProtection(scope: Construct, props: SpaHostingProps): void {
  const acl = props.webAclArn;
  if (acl !== undefined && !isToken(acl) && !WEB_ACL_ARN.test(acl)) {
    throw propError(scope, 'webAclArn', acl, 'CloudFront takes a WAFv2 web ACL of CLOUDFRONT scope, whose ARN is in us-east-1 and has "global/webacl/"',
      'create the web ACL with scope CLOUDFRONT in us-east-1 and pass its ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)');
  }
  if (props.geoAllowList && props.geoDenyList) {
    throw propError(scope, 'geoDenyList', props.geoDenyList, 'CloudFront takes either an allow list or a deny list',
      'keep only one of `geoAllowList` and `geoDenyList`');
  }
  for (const prop of ['geoAllowList', 'geoDenyList'] as const) {
    const codes = props[prop];
    if (codes === undefined) {
      continue;
    }
    if (codes.length === 0) {
      throw propError(scope, prop, codes, 'an empty list restricts nothing', `remove \`${prop}\`, or list country codes`);
    }
    // Tokens are refused too: CloudFront's GeoRestriction needs the literal codes at synth.
    const bad = codes.filter((c) => !isIsoCountryCode(c));
    if (bad.length > 0) {
      throw propError(scope, prop, bad, 'these are not ISO 3166-1 alpha-2 country codes (given as literal strings)',
        'use uppercase two-letter literal codes such as "DE", "GB" (not "UK"), "US"');
    }
  }
}

/** A cache behaviour's path pattern: CloudFront takes at most 255 characters, and `*` is the default behaviour's. */
function checkPathPattern(scope: Construct, pathPattern: string): void {
  checkString(scope, 'pathPattern', pathPattern, '/api/*', { required: true });
  if (isToken(pathPattern)) {
    return;
  }
  if (pathPattern.trim().length === 0 || pathPattern === '*' || pathPattern === '/*') {
    throw propError(scope, 'pathPattern', pathPattern, 'it would match every request, which the default behaviour (the site) serves',
      'give the prefix the other origin serves, such as "/api/*"');
  }
  if (pathPattern.length > 255) {
    throw propError(scope, 'pathPattern', pathPattern, `CloudFront takes a path pattern of at most 255 characters, this one has ${pathPattern.length}`,
      'shorten it, using * and ? wildcards');
  }
  if (!/^[A-Za-z0-9_\-.*$/~"'@:+?&]+$/.test(pathPattern)) {
    throw propError(scope, 'pathPattern', pathPattern,
      'CloudFront path patterns use only letters, digits and _ - . * ? $ / ~ " \' @ : + & (no spaces, no non-ASCII characters)',
      'give a pattern such as "/api/*"');
  }
}

/** The per-directive source props, each a list of strings. */
const SOURCE_PROPS = ['scriptSources', 'styleSources', 'imgSources', 'fontSources', 'connectSources', 'frameSources', 'mediaSources',
  'workerSources', 'formActionSources'] as const;

/**
 * From JavaScript (or a Python dict passed through), a prop may have the wrong type: check each one, so the user
 * reads which prop is wrong instead of a TypeError from deep inside this construct or aws-cdk-lib.
 */
function validateTypes(scope: Construct, props: SpaHostingProps): void {
  checkObject(scope, 'props', props, 'pass an object such as { domainNames: [...] }, or nothing');
  for (const prop of ['bucketName', 'comment', 'webAclArn', 'contentSecurityPolicy'] as const) {
    checkString(scope, prop, props[prop]);
  }
  for (const prop of ['accessLogs', 'allowUnsafeInline', 'allowUnsafeEval', 'hstsPreload', 'additionalMetrics'] as const) {
    checkBoolean(scope, prop, props[prop]);
  }
  for (const [prop, example] of [['noncurrentVersionExpiration', 'Duration.days(90)'], ['accessLogsRetention', 'Duration.days(90)'],
    ['hstsMaxAge', 'Duration.days(365)']] as const) {
    checkDuration(scope, prop, props[prop], example);
  }
  checkStringList(scope, 'domainNames', props.domainNames, '"shop.example.com"');
  checkStringList(scope, 'geoAllowList', props.geoAllowList, '"DE"');
  checkStringList(scope, 'geoDenyList', props.geoDenyList, '"DE"');
  for (const prop of SOURCE_PROPS) {
    checkStringList(scope, prop, props[prop], '"https://js.example.com"');
  }
  checkList(scope, 'cspPresets', props.cspPresets, (preset) => preset instanceof CspPreset, 'CspPresets', 'CspPreset.stripe()');
  // Resources by interface: an ARN or a name string instead of the object fails deep inside aws-cdk-lib.
  const resources: Array<[keyof SpaHostingProps, string, string, string]> = [
    ['existingBucket', 'bucketName', 'an s3.IBucket', 'import the bucket, such as s3.Bucket.fromBucketName(this, "Site", "my-bucket")'],
    ['certificate', 'certificateArn', 'an acm.ICertificate', 'import the certificate, such as acm.Certificate.fromCertificateArn(this, "Cert", arn)'],
    ['hostedZone', 'zoneName', 'a route53.IHostedZone', 'import the zone, such as route53.HostedZone.fromHostedZoneAttributes(this, "Zone", {...})'],
    ['encryptionKey', 'keyArn', 'a kms.IKey', 'import or create the key, such as kms.Key.fromKeyArn(this, "Key", arn)'],
  ];
  for (const [prop, attribute, expected, fix] of resources) {
    const value: unknown = props[prop];
    checkInstance(scope, prop, value, value === undefined || isConstructWith(value, attribute), expected, fix);
  }
}

/** Enum props hold one of their enum's values: from JavaScript anything can arrive, and would be shipped as is. */
function validateChoices(scope: Construct, props: SpaHostingProps): void {
  checkEnum(scope, 'spaRouting', props.spaRouting, SpaRouting, 'SpaRouting');
  checkEnum(scope, 'priceClass', props.priceClass, cloudfront.PriceClass, 'cloudfront.PriceClass');
  checkEnum(scope, 'minimumProtocolVersion', props.minimumProtocolVersion, cloudfront.SecurityPolicyProtocol, 'cloudfront.SecurityPolicyProtocol');
  checkEnum(scope, 'removalPolicy', props.removalPolicy, RemovalPolicy, 'RemovalPolicy');
  if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
    throw propError(scope, 'removalPolicy', props.removalPolicy, 'S3 buckets have no snapshots, and CloudFormation refuses the Snapshot deletion policy on them',
      'use RemovalPolicy.RETAIN (the default) or RemovalPolicy.DESTROY');
  }
}

function isConstructWith(value: unknown, attribute: string): boolean {
  return typeof value === 'object' && value !== null && 'node' in value
    && typeof (value as Record<string, unknown>)[attribute] === 'string';
}
