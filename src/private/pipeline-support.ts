import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct, IConstruct } from 'constructs';
import { createLogBucket, logServerAccess } from './log-bucket';
import { acknowledge, nagResourceName } from './nag';
import { isToken, propError } from './validation';

/** What every pipeline of this library owns: a key, an artifact bucket and its access-log bucket. */
export interface ArtifactStore {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
}

export interface ArtifactStoreOptions {
  readonly artifactRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A customer managed key (rotated) and an artifact bucket encrypted with it: private, SSL-only, access-logged,
 * artifacts expiring after `artifactRetention`. Build caches live in the same bucket under `build-cache/`.
 */
export function createArtifactStore(scope: Construct, options: ArtifactStoreOptions): ArtifactStore {
  const key = new kms.Key(scope, 'ArtifactKey', {
    description: `Encrypts the pipeline artifacts, build caches and notifications of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  const logBucket = createLogBucket(scope, 'ArtifactLogBucket', { retention: Duration.days(90), removalPolicy: options.removalPolicy });
  const bucket = new s3.Bucket(scope, 'ArtifactBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    lifecycleRules: [{ expiration: options.artifactRetention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: options.removalPolicy,
  });
  logServerAccess(bucket, logBucket, 's3-access-logs/');
  return { key, bucket, logBucket };
}

/** A CloudWatch log group for a CodeBuild project, with retention. */
export function createBuildLogGroup(scope: Construct, id: string, retention: logs.RetentionDays, removalPolicy: RemovalPolicy): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention, removalPolicy });
}

/** The CodeBuild image every project of this library runs on. */
export const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_7_0;

export interface NotificationOptions {
  readonly topic?: sns.ITopic;
  readonly emails?: string[];
  readonly key: kms.Key;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks `notificationEmails` and `notificationTopic` together. */
export function validateNotifications(scope: IConstruct, topic: sns.ITopic | undefined, emails: string[] | undefined): void {
  if (topic && emails) {
    throw propError(scope, 'notificationEmails', emails, 'emails are subscribed to the topic this construct creates, and a `notificationTopic` was given',
      'subscribe the addresses to your topic yourself, or remove `notificationTopic` to have one created');
  }
  for (const email of emails ?? []) {
    if (!isToken(email) && !EMAIL.test(email)) {
      throw propError(scope, 'notificationEmails', email, 'it is not an email address', 'give addresses such as "team@example.com"');
    }
  }
  if (emails && emails.length === 0) {
    throw propError(scope, 'notificationEmails', emails, 'an empty list subscribes nobody', 'remove `notificationEmails`, or list addresses');
  }
}

/**
 * Notifies a topic when a pipeline fails, succeeds or waits for a manual approval, through a CodeStar
 * notification rule. A created topic is encrypted with the pipeline's key and refuses plain HTTP.
 */
export function notifyPipelineEvents(scope: Construct, pipeline: codepipeline.IPipeline, options: NotificationOptions): sns.ITopic | undefined {
  if (!options.topic && !options.emails) {
    return undefined;
  }
  let topic = options.topic;
  if (!topic) {
    const created = new sns.Topic(scope, 'Notifications', { masterKey: options.key, enforceSSL: true });
    for (const email of options.emails ?? []) {
      created.addSubscription(new subscriptions.EmailSubscription(email));
    }
    // CodeStar Notifications publishes to the encrypted topic.
    options.key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('codestar-notifications.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(scope).region}.amazonaws.com` } },
    }));
    topic = created;
  }
  pipeline.notifyOn('NotifyOn', topic, {
    events: [
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
      codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED,
    ],
  });
  return topic;
}

/**
 * A wildcard in a policy that CDK generates and this library cannot narrow: which AwsSolutions-IAM5 findings
 * (`Action::s3:GetObject*`, `Resource::<Bucket.Arn>/*`) it covers, and why it is acceptable.
 */
export interface GeneratedWildcard {
  /** Matches the finding, including the `Action::` or `Resource::` prefix. */
  readonly finding: RegExp;
  readonly reason: string;
  /**
   * For an action finding: it is covered only where every resource of every statement granting the action
   * matches this pattern (flattened, as cdk-nag names resources).
   */
  readonly onlyOn?: RegExp;
  /**
   * For a resource finding: it is covered only where every Allow statement naming the resource grants
   * nothing but actions matching this pattern.
   */
  readonly onlyFor?: RegExp;
  /** It is covered only on policies under this construct. */
  readonly within?: IConstruct;
}

/**
 * Acknowledges, on every IAM policy under `scope`, the IAM5 findings that match `wildcards`, and no others.
 * The findings are computed from the policy the way cdk-nag computes them.
 *
 * Runs now (what cdk-nag v2 and a v3 check before synthesis see) and again when the app is synthesized
 * (cross-stack references then render as imports, which is what a v3 plugin sees).
 */
export function acknowledgeGeneratedWildcards(scope: IConstruct, wildcards: () => GeneratedWildcard[]): void {
  const run = () => {
    const allowed = wildcards();
    for (const policy of scope.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)) {
      const cfn = policy.node.defaultChild as iam.CfnPolicy;
      const done = new Set((cfn.getMetadata('cdk_nag')?.rules_to_suppress ?? []).flatMap((r: any) => r.applies_to ?? []));
      const document = Stack.of(policy).resolve(cfn.policyDocument);
      for (const finding of wildcardFindings(document)) {
        const candidates = allowed.filter((a) => a.finding.test(finding)
          && (!a.within || policy.node.path.startsWith(`${a.within.node.path}/`))
          && (!a.onlyFor || resourceOnlyFor(document, finding, a.onlyFor)));
        // An action wildcard may be granted on several allowed resources (artifact and source buckets).
        const onlyOn = candidates.map((a) => a.onlyOn);
        const covered = candidates.length > 0
          && (onlyOn.includes(undefined) || actionOnlyOn(document, finding, onlyOn as RegExp[]));
        if (covered && !done.has(finding)) {
          acknowledge(policy, 'AwsSolutions-IAM5', candidates.map((a) => a.reason).join(' '), [finding]);
          done.add(finding);
        }
      }
    }
  };
  run();
  scope.node.addValidation({ validate: () => { run(); return []; } });
}

/** IAM5's findings for a resolved policy document: wildcard actions and resources of Allow statements. */
function wildcardFindings(document: any): string[] {
  const findings = new Set<string>();
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    [statement.Action].flat().filter((a: string) => a.includes('*')).forEach((a: string) => findings.add(`Action::${a}`));
    [statement.Resource].flat().map(flattenResolved).filter((r) => r.includes('*')).forEach((r) => findings.add(`Resource::${r}`));
  }
  return [...findings];
}

function resourceOnlyFor(document: any, finding: string, onlyFor: RegExp): boolean {
  const resource = finding.replace(/^Resource::/, '');
  return (document?.Statement ?? [])
    .filter((s: any) => s.Effect === 'Allow' && [s.Resource].flat().map(flattenResolved).includes(resource))
    .every((s: any) => [s.Action].flat().every((a: string) => onlyFor.test(a)));
}

function actionOnlyOn(document: any, finding: string, onlyOn: RegExp[]): boolean {
  const action = finding.replace(/^Action::/, '');
  return (document?.Statement ?? [])
    .filter((s: any) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
    .every((s: any) => [s.Resource].flat().map(flattenResolved).every((r: string) => onlyOn.some((p) => p.test(r))));
}

function flattenResolved(node: any): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flattenResolved).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return flattenResolved(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${flattenResolved(node['Fn::GetAtt'][0])}.${flattenResolved(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return flattenResolved(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenResolved(node.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * A pattern for how cdk-nag names `resource`'s ARN attribute in a finding: `<Id.Arn>` in its own stack and
 * before synthesis, `<Stack>:ExportsOutputFnGetAtt<Id>Arn<hash>` as a cross-stack import after it.
 */
export function arnReferencePattern(resource: CfnResource): string {
  const id = escape(Stack.of(resource).resolve(resource.logicalId));
  return `(<${id}\\.Arn>|[^<>]*:ExportsOutputFnGetAtt${id}Arn[0-9A-F]{8})`;
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The IAM5 findings CDK generates for a pipeline's own artifact bucket and key. */
export function artifactStoreWildcards(store: ArtifactStore): GeneratedWildcard[] {
  const bucket = arnReferencePattern(store.bucket.node.defaultChild as CfnResource);
  const key = arnReferencePattern(store.key.node.defaultChild as CfnResource);
  const onlyOn = new RegExp(`^(${bucket}|${bucket}/\\*|${key})$`);
  const reason = 'CDK grants the pipeline, its actions and its CodeBuild projects these actions on the pipeline\'s own artifact bucket and key only; they hold nothing but this pipeline\'s expiring artifacts.';
  return [
    { finding: new RegExp(`^Resource::${bucket}/\\*$`), reason },
    { finding: /^Action::(s3:GetObject\*|s3:GetBucket\*|s3:List\*|s3:DeleteObject\*|s3:PutObject\*|s3:Abort\*|kms:GenerateDataKey\*|kms:ReEncrypt\*)$/, reason, onlyOn },
  ];
}

/** A partition in a flattened ARN: the pseudo parameter, or a literal when the stack's region is known. */
const PARTITION = '(<AWS::Partition>|aws[a-z-]*)';
/** A region or account in a flattened ARN: the pseudo parameter in an environment-agnostic stack, or a literal. */
const REGION = '(<AWS::Region>|[a-z0-9-]+)';
const ACCOUNT = '(<AWS::AccountId>|\\d{12})';

/**
 * A pattern for how cdk-nag names a bucket's ARN in a finding, for a bucket of this app (a reference, see
 * `arnReferencePattern`) or an imported one (a literal ARN).
 */
export function bucketArnPattern(scope: IConstruct, bucket: s3.IBucket): string {
  return bucket.node.defaultChild instanceof CfnResource
    ? arnReferencePattern(bucket.node.defaultChild)
    : escape(nagResourceName(scope, bucket.bucketArn));
}

/** The IAM5 findings CDK generates when a source action reads a bucket the user gave (an S3 source). */
export function sourceBucketWildcards(scope: IConstruct, bucket: s3.IBucket): GeneratedWildcard[] {
  const arn = bucketArnPattern(scope, bucket);
  return [
    {
      finding: new RegExp(`^Resource::${arn}/\\*$`),
      reason: 'CDK grants the S3 source action read access to the objects of the source bucket given to SpaSource.s3(); it reads only the configured key.',
    },
    {
      finding: /^Action::(s3:GetObject\*|s3:GetBucket\*|s3:List\*)$/,
      onlyOn: new RegExp(`^(${arn}|${arn}/.+)$`),
      reason: 'CDK grants the S3 source action these read-only actions on the source bucket given to SpaSource.s3() only.',
    },
  ];
}

/** The IAM5 findings CDK generates for a CodeBuild project's default log group and report groups. */
export function codeBuildWildcards(project: codebuild.Project): GeneratedWildcard[] {
  const id = escape(Stack.of(project).resolve((project.node.defaultChild as CfnResource).logicalId));
  return [
    {
      finding: new RegExp(`^Resource::arn:${PARTITION}:codebuild:${REGION}:${ACCOUNT}:report-group/<${id}>-\\*$`),
      reason: 'CDK lets every CodeBuild project create test reports in report groups named after the project; no other report group matches.',
    },
    {
      finding: new RegExp(`^Resource::arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/<${id}>:\\*$`),
      reason: 'CDK lets every CodeBuild project write the streams (named at run time) of its default log group; no other log group matches.',
    },
  ];
}

/**
 * The IAM5 findings CDK Pipelines generates under `pipeline` (built): the asset publishing role shared by the
 * asset projects, the self-mutation project, and the permissions-broadening check. Each is narrowed to the
 * construct that owns it and, for `*` resources, to the exact actions CDK grants there.
 */
export function cdkPipelineWildcards(pipeline: pipelines.CodePipeline): GeneratedWildcard[] {
  const account = escape(Stack.of(pipeline).account);
  const env = `[^:]+:${account}`;
  const assets = pipeline.node.tryFindChild('Assets');
  const selfMutation = pipeline.node.tryFindChild('UpdatePipeline');
  const securityCheck = pipeline.node.tryFindChild('PipelinesSecurityCheck');
  const autoApprove = securityCheck?.node.tryFindChild('CDKPipelinesAutoApprove')?.node.defaultChild as CfnResource | undefined;
  const wildcards: GeneratedWildcard[] = [];
  if (assets) {
    wildcards.push(
      {
        within: assets,
        finding: new RegExp(`^Resource::arn:${PARTITION}:logs:${env}:log-group:/aws/codebuild/\\*$`),
        onlyFor: /^logs:(CreateLogGroup|CreateLogStream|PutLogEvents)$/,
        reason: 'CDK Pipelines shares one role between the asset publishing projects (one per asset type) and grants it their default CodeBuild log groups, named after projects created with it.',
      },
      {
        within: assets,
        finding: new RegExp(`^Resource::arn:${PARTITION}:codebuild:${env}:report-group/\\*$`),
        onlyFor: /^codebuild:(CreateReportGroup|CreateReport|UpdateReport|BatchPutTestCases|BatchPutCodeCoverages)$/,
        reason: 'CDK Pipelines shares one role between the asset publishing projects and lets it write their test report groups; the projects run cdk-assets and write no reports.',
      },
      {
        within: assets,
        finding: /^Resource::\*$/,
        onlyFor: /^codebuild:(BatchGetBuilds|StartBuild|StopBuild)$/,
        reason: 'CDK Pipelines lets the shared asset publishing role start and read CodeBuild builds (batch builds of its own projects); it holds no other permission on "*".',
      },
    );
  }
  if (selfMutation) {
    wildcards.push(
      {
        within: selfMutation,
        finding: new RegExp(`^Resource::arn:\\*:iam::${account}:role/\\*$`),
        onlyFor: /^sts:AssumeRole$/,
        reason: 'Self-mutation assumes the CDK bootstrap roles (cdk-hnb659fds-deploy/file-publishing/image-publishing) of the pipeline account: the grant is conditioned on their aws-cdk:bootstrap-role tag.',
      },
      {
        within: selfMutation,
        finding: /^Resource::\*$/,
        onlyFor: /^(cloudformation:DescribeStacks|s3:ListBucket)$/,
        reason: 'Self-mutation runs `cdk deploy` of the pipeline stack, which reads stack states and finds the bootstrap bucket; read-only.',
      },
    );
  }
  if (securityCheck) {
    wildcards.push(
      {
        within: securityCheck,
        finding: /^Resource::\*$/,
        onlyFor: /^sts:AssumeRole$/,
        reason: 'The permissions-broadening check runs `cdk diff` with the CDK bootstrap deploy roles: the grant is conditioned on their aws-cdk:bootstrap-role tag being "deploy".',
      },
      {
        within: securityCheck,
        finding: /^Resource::\*$/,
        onlyFor: /^codepipeline:(GetPipelineState|PutApprovalResult)$/,
        reason: 'The auto-approve function approves the check\'s own approval action: the grant is conditioned on the pipeline\'s SECURITY_CHECK=ALLOW_APPROVE tag.',
      },
    );
    if (autoApprove) {
      const fn = escape(Stack.of(autoApprove).resolve(autoApprove.logicalId));
      wildcards.push({
        within: securityCheck,
        finding: new RegExp(`^Resource::<${fn}\\.Arn>:\\*$`),
        onlyFor: /^lambda:InvokeFunction$/,
        reason: 'CDK lets the permissions-broadening check invoke every version of its own auto-approve function.',
      });
    }
  }
  return wildcards;
}
