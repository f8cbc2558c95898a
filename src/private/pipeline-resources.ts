// What every pipeline of this library creates and checks alike: the artifact store, log groups, notifications,
// the build image and its Node.js versions, and the pipeline's name. Their cdk-nag acknowledgements are in nag.ts.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as notifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { skipCheckov } from './checkov';
import { createLogBucket, logServerAccess } from './log-bucket';
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
  skipCheckov(bucket, 'CKV_AWS_21', 'Pipeline artifacts are written once, under keys unique to each execution, and expire after the '
    + 'pipeline\'s artifact retention: nothing is overwritten, so versioning would only keep expired artifacts longer. '
    + 'The build cache under build-cache/ is rebuilt when lost.');
  return { key, bucket, logBucket };
}

/**
 * A CloudWatch log group for a CodeBuild project, with retention, encrypted with `key` when given (build logs
 * can show what the build printed of its environment). The key lets CloudWatch Logs use it for this account's
 * log groups in this region only.
 */
export function createBuildLogGroup(scope: Construct, id: string, retention: logs.RetentionDays, removalPolicy: RemovalPolicy,
  key?: kms.IKey): logs.LogGroup {
  if (key) {
    const stack = Stack.of(scope);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
  }
  return new logs.LogGroup(scope, id, { retention, removalPolicy, encryptionKey: key });
}

/** The CodeBuild image every project of this library runs on. */
export const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_7_0;

/** Node.js major versions the build image (standard 7.0) offers that have not reached end of life (20 did in April 2026). */
const NODE_VERSIONS = ['22'];

/** The Node.js major version of builds and synths unless told otherwise. */
export const DEFAULT_NODE_VERSION = '22';

/** Checks a `nodeVersion` (`runtime-versions`) against the build image's, when given. */
export function checkNodeVersion(scope: IConstruct, version: string | undefined): void {
  if (version !== undefined && !NODE_VERSIONS.includes(version)) {
    throw propError(scope, 'nodeVersion', version, `the build image's Node.js versions that have not reached end of life are ${NODE_VERSIONS.join(', ')}`,
      `use one of ${NODE_VERSIONS.map((v) => `"${v}"`).join(', ')}`);
  }
}

const PIPELINE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

/** Checks a `pipelineName`, when given; tokens are skipped. */
export function checkPipelineName(scope: IConstruct, name: string | undefined, example: string): void {
  if (name !== undefined && !isToken(name) && !PIPELINE_NAME.test(name)) {
    throw propError(scope, 'pipelineName', name, 'pipeline names are 1-100 letters, digits, and . @ _ -', `use a name such as "${example}"`);
  }
}

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
  const topic = options.topic ?? createNotificationTopic(scope, 'Notifications', options.key, options.emails ?? []);
  // Not the topic itself as the target: its binding grants CodeStar Notifications sns:Publish and the topic's key
  // without any condition, beside the conditioned statements below.
  const target: notifications.INotificationRuleTarget = {
    bindAsNotificationRuleTarget: () => {
      allowCodeStarNotifications(topic);
      return { targetType: 'SNS', targetAddress: topic.topicArn };
    },
  };
  const rule = pipeline.notifyOn('NotifyOn', target, {
    events: [
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
      codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
      codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED,
    ],
  });
  // CodeStar Notifications checks that it may publish when the rule is created: the topic's policy comes first.
  const policy = topic.node.tryFindChild('Policy');
  if (policy && Stack.of(policy) === Stack.of(rule)) {
    rule.node.addDependency(policy);
  }
  return topic;
}

/**
 * A topic encrypted with `key` that refuses plain HTTP, with `emails` subscribed, and the statements that let
 * CodeStar Notifications of this account publish to it.
 */
export function createNotificationTopic(scope: Construct, id: string, key: kms.IKey, emails: string[], topicName?: string): sns.Topic {
  const topic = new sns.Topic(scope, id, { masterKey: key, enforceSSL: true, topicName });
  for (const email of emails) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  allowCodeStarNotifications(topic);
  return topic;
}

const CODESTAR_NOTIFICATIONS = 'codestar-notifications.amazonaws.com';

/**
 * Lets CodeStar Notifications publish to `topic`, for notification rules of the topic's own account only
 * (`aws:SourceAccount`: the confused-deputy guard; not also `aws:SourceArn`, which no AWS document shows
 * CodeStar Notifications sending, and a condition it never meets would drop every notification without an
 * error), and use the topic's key through SNS only
 * (`kms:ViaService`). An imported topic's policy is not changed (CDK can't): its owner sets it.
 * Adding the same statements again (one per pipeline on a shared topic) leaves one of each.
 */
export function allowCodeStarNotifications(topic: sns.ITopic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CodeStarNotificationsPublish',
    principals: [new iam.ServicePrincipal(CODESTAR_NOTIFICATIONS)],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
    },
  }));
  topic.masterKey?.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CodeStarNotificationsThroughSns',
    principals: [new iam.ServicePrincipal(CODESTAR_NOTIFICATIONS)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
  }));
}

/**
 * A metric CodePipeline publishes for a V2 pipeline (`AWS/CodePipeline`, dimension `PipelineName`):
 * `FailedPipelineExecutions` (count) or `PipelineDuration` (seconds, one sample per completed execution).
 */
export function pipelineMetric(pipeline: codepipeline.IPipeline, metricName: string, statistic: string,
  props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/CodePipeline', metricName, dimensionsMap: { PipelineName: pipeline.pipelineName }, statistic, ...props });
}
