// The alarm topic of the us-east-1 stack (alarms on CloudFront metrics must live there) and the function that
// forwards what it receives to the platform's topic in another region: an alarm can only notify a topic of its
// own region, and SNS can't subscribe a topic to a topic.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { skipCheckov } from './checkov';
import { acknowledge } from './nag';

/** The CloudWatch metrics of CloudFront exist in this region only, so alarms on them must live there. */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/**
 * Publishes each message unchanged (subject and body, so email and AWS Chatbot read a CloudWatch alarm as
 * they would from the alarm itself). A failed publish throws: Lambda retries the asynchronous invocation twice.
 * The AWS SDK v3 is part of the Node.js runtime.
 */
const FORWARDER_CODE = `const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const target = process.env.TARGET_TOPIC_ARN;
const client = new SNSClient({ region: target.split(':')[3] });
exports.handler = async (event) => {
  for (const record of event.Records) {
    await client.send(new PublishCommand({ TopicArn: target, Subject: record.Sns.Subject || undefined, Message: record.Sns.Message }));
  }
};
`;

/** Lets CloudWatch alarms of the key's account use it to publish to a topic it encrypts. */
export function allowCloudWatchAlarms(key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
  }));
}

/** A topic for the alarms of `stack` (in us-east-1), forwarded to `target` (the platform's topic, elsewhere). */
export function createEdgeAlarmTopic(stack: Stack, target: sns.ITopic): sns.ITopic {
  const key = new kms.Key(stack, 'AlarmKey', {
    description: `Encrypts the topic of the alarms on CloudFront metrics, forwarded to ${Stack.of(target).stackName}'s topic`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  allowCloudWatchAlarms(key);
  const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: key, enforceSSL: true });

  const logGroup = new logs.LogGroup(stack, 'AlarmForwarderLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
  const role = new iam.Role(stack, 'AlarmForwarderRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Forwards the alarms on CloudFront metrics to the platform\'s topic',
  });
  logGroup.grantWrite(role);
  // Identity policies only: the grant methods would change the target's key policy, in another region's stack.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [target.topicArn] }));
  if (target.masterKey) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: [target.masterKey.keyArn] }));
  }
  const forwarder = new lambda.Function(stack, 'AlarmForwarder', {
    description: `Forwards the alarms on CloudFront metrics to ${Stack.of(target).stackName}'s topic (an alarm notifies topics of its region only)`,
    runtime: lambda.determineLatestNodeRuntime(stack),
    handler: 'index.handler',
    code: lambda.Code.fromInline(FORWARDER_CODE),
    memorySize: 128,
    timeout: Duration.seconds(30),
    role,
    logGroup,
    environment: { TARGET_TOPIC_ARN: target.topicArn },
  });
  topic.addSubscription(new subscriptions.LambdaSubscription(forwarder));

  const fn = forwarder.node.defaultChild!;
  skipCheckov(fn, 'CKV_AWS_116', 'The forwarder is invoked by SNS, asynchronously: Lambda retries a failed publish twice, and the alarm stays '
    + 'in ALARM on the dashboard whatever becomes of its notification, so a dead-letter queue would hold nothing to act on.');
  skipCheckov(fn, 'CKV_AWS_117', 'The forwarder only calls the SNS API of another region; it reaches no private resource, so a VPC would add NAT cost and nothing else.');
  skipCheckov(fn, 'CKV_AWS_115', 'The forwarder runs once per alarm state change; reserved concurrency would take from the account\'s unreserved pool '
    + '(10 in a new account) for no gain.');
  skipCheckov(fn, 'CKV_AWS_173', 'Its one variable is the target topic\'s ARN, which is not a secret (it is in the template).');
  acknowledge(role, 'AwsSolutions-IAM5', 'grantWrite on the forwarder\'s own log group allows its log streams (`<group ARN>:*`), created at run time.',
    [`Resource::<${Stack.of(stack).getLogicalId(logGroup.node.defaultChild as any)}.Arn>:*`]);
  return topic;
}
