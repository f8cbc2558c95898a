import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from './checkov';
import { acknowledge } from './nag';

export interface LogBucketOptions {
  readonly retention: Duration;
  readonly removalPolicy: RemovalPolicy;
  /** CloudFront's standard logs are delivered with an ACL grant, so ACLs must stay enabled for them. */
  readonly cloudFrontLogs?: boolean;
}

/** A private, SSL-only bucket for access logs whose objects expire after `retention`. */
export function createLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const logBucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    // S3 access-log targets can't use SSE-KMS.
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: options.cloudFrontLogs ? s3.ObjectOwnership.BUCKET_OWNER_PREFERRED : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: options.retention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: options.removalPolicy,
  });
  const selfLogging = 'This is the access-log bucket itself; logging its access into itself would loop and another log bucket would need one too.';
  acknowledge(logBucket, 'AwsSolutions-S1', selfLogging);
  skipCheckov(logBucket, 'CKV_AWS_18', selfLogging);
  skipCheckov(logBucket, 'CKV_AWS_21',
    'Access-log objects are written once by the log delivery services and never overwritten, so versioning would keep no history; '
    + 'it would only turn the expiration rule\'s deletes into noncurrent copies kept beyond the retention.');
  return logBucket;
}

/**
 * S3 server access logs of `bucket` into `logBucket` under `prefix`, granted by bucket policy whatever the
 * app's feature flags: without `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`, CDK's own
 * `serverAccessLogsBucket` would grant the legacy LogDeliveryWrite ACL instead.
 */
export function logServerAccess(bucket: s3.Bucket, logBucket: s3.Bucket, prefix: string): void {
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: logBucket.bucketName,
    logFilePrefix: prefix,
  };
  logBucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [logBucket.arnForObjects(`${prefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': bucket.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
    },
  }));
}
