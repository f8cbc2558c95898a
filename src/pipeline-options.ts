import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Where a CodeBuild project of a pipeline runs (CodeBuild's compute modes).
 */
export enum ComputeMode {
  /**
   * CodeBuild on AWS Lambda: lower start-up latency than EC2, and builds don't wait in a queue. A build
   * may run at most 15 minutes, has no build cache and no root, may write only under `/tmp`, and cannot run
   * Docker or join a VPC (CodeBuild User Guide, "Limitations of AWS Lambda compute").
   */
  LAMBDA = 'LAMBDA',

  /**
   * CodeBuild on EC2 (`BUILD_GENERAL1_SMALL`, `aws/codebuild/standard:7.0`): a build cache, timeouts up to 8
   * hours, root, a VPC.
   */
  EC2 = 'EC2',
}

/**
 * Options every pipeline of this library has: how executions queue, and how long logs and artifacts are kept.
 */
export interface PipelineOptions {
  /**
   * How the pipeline runs executions that overlap. `PARALLEL` is refused: two deployments of the same site or
   * stacks at once can leave a mix of releases live, or fail.
   *
   * @default codepipeline.ExecutionMode.QUEUED
   */
  readonly executionMode?: codepipeline.ExecutionMode;

  /**
   * Retention of the CodeBuild logs.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long pipeline artifacts are kept. A whole number of days from 1 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly artifactRetention?: Duration;

  /**
   * What happens to the artifact bucket, its key and the log groups when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Who a pipeline of this library notifies. `EcomPlatform` sets these for all its pipelines.
 */
export interface PipelineNotificationOptions {
  /**
   * A topic notified when the pipeline fails, succeeds or waits for an approval.
   *
   * @default - a topic is created when `notificationEmails` is set; otherwise no notifications
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Email addresses subscribed to a created notification topic.
   *
   * @default - no email subscriptions
   */
  readonly notificationEmails?: string[];
}
