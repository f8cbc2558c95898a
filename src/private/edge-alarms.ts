// The alarm topic of the us-east-1 stack (alarms on CloudFront metrics must live there) and the function that
// forwards what it receives to the platform's topic in another region: an alarm can only notify a topic of its
// own region, and SNS can't subscribe a topic to a topic.
import { Annotations, Aws, CfnResource, Duration, PhysicalName, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { IConstruct } from 'constructs';
import { skipCheckov } from './checkov';
import { acknowledge } from './nag';
import { createBuildLogGroup } from './pipeline-resources';

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

/**
 * The newest Node.js runtime aws-cdk-lib defines (cdk-nag's AwsSolutions-L1 compares with the same list), so the
 * forwarder follows aws-cdk-lib upgrades. Its code needs nothing but the AWS SDK v3 for JavaScript, in every
 * Node.js runtime since nodejs18.x.
 */
function newestNodeRuntime(): lambda.Runtime {
  const version = (r: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(r.name)?.[1] ?? 0);
  return lambda.Runtime.ALL
    .filter((r) => r.family === lambda.RuntimeFamily.NODEJS && !r.isVariable && version(r) > 0)
    .reduce((newest, r) => (version(r) > version(newest) ? r : newest), lambda.Runtime.NODEJS_22_X);
}

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
    description: `Encrypts the topic of the alarms on CloudFront metrics, forwarded to ${Stack.of(target).stackName}'s topic, and its forwarder's logs`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  allowCloudWatchAlarms(key);
  const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: key, enforceSSL: true });

  // Encrypted like the pipelines' build logs: an error the forwarder logs carries the alarm it failed to forward.
  const logGroup = createBuildLogGroup(stack, 'AlarmForwarderLogs', logs.RetentionDays.THREE_MONTHS, RemovalPolicy.RETAIN, key);
  const home = Stack.of(target);
  const crossAccount = home.account !== stack.account;
  const role = new iam.Role(stack, 'AlarmForwarderRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Forwards the alarms on CloudFront metrics to the platform\'s topic',
    // Named when the topic's account must trust it by ARN.
    roleName: crossAccount ? PhysicalName.GENERATE_IF_NEEDED : undefined,
  });
  logGroup.grantWrite(role);
  // Identity policies only: the grant methods would change the target's key policy, in another region's stack.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [target.topicArn] }));
  if (target.masterKey) {
    // Across accounts the key can't be named (keys have no names): any key of the topic's account and region,
    // used through SNS only.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: [crossAccount ? `arn:${Aws.PARTITION}:kms:${home.region}:${home.account}:key/*` : target.masterKey.keyArn],
      conditions: crossAccount ? { StringEquals: { 'kms:ViaService': `sns.${home.region}.amazonaws.com` } } : undefined,
    }));
  }
  if (crossAccount) {
    trustForwarder(target, role, stack.account);
  }
  const forwarder = new lambda.Function(stack, 'AlarmForwarder', {
    description: `Forwards the alarms on CloudFront metrics to ${Stack.of(target).stackName}'s topic (an alarm notifies topics of its region only)`,
    runtime: newestNodeRuntime(),
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
  if (target.masterKey) {
    acknowledge(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'A publisher to an SSE-KMS topic needs kms:GenerateDataKey* and kms:Decrypt on the topic\'s key (the Amazon SNS Developer Guide, key '
      + 'management; aws-cdk-lib\'s Topic.grantPublish grants the same two): the wildcard covers the GenerateDataKey variants only, on the '
      + 'platform topic\'s own key only.',
      ['Action::kms:GenerateDataKey*']);
    if (crossAccount) {
      acknowledge(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
        `The platform topic's key is in account ${home.account}, which a role of account ${stack.account} can't name (a key has no name, only a `
        + 'generated ID): the grant covers that account\'s keys in that region, used through SNS only (kms:ViaService), and each key\'s own '
        + 'policy decides (the platform\'s key allows this role alone).',
        [`Resource::arn:<AWS::Partition>:kms:${home.region}:${home.account}:key/*`]);
    }
  }
  return topic;
}

/**
 * Lets the forwarder of another account publish to the platform topic: the topic's policy and its key's policy
 * name that role (by the ARN its generated name gives). An imported topic's policies are its owner's: a warning
 * says what to add.
 */
function trustForwarder(target: sns.ITopic, role: iam.Role, account: string): void {
  const principal = { principals: [new iam.AccountPrincipal(account)], conditions: { ArnEquals: { 'aws:PrincipalArn': role.roleArn } } };
  const topicAdded = target.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AlarmForwarder${account}`,
    actions: ['sns:Publish'],
    resources: [target.topicArn],
    ...principal,
  })).statementAdded;
  const keyAdded = target.masterKey?.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AlarmForwarder${account}`,
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    ...principal,
    conditions: { ...principal.conditions, StringEquals: { 'kms:ViaService': `sns.${Stack.of(target).region}.amazonaws.com` } },
  })).statementAdded ?? true;
  if (!topicAdded || !keyAdded) {
    Annotations.of(role).addWarningV2('cdk-ecom-platform:PlatformMonitoring.crossAccountTopicPolicy',
      `the alarm topic ${target.topicArn} is imported, so its policy is not changed here: let the role ${role.roleArn} (account ${account}) `
      + 'sns:Publish to it, and kms:GenerateDataKey* and kms:Decrypt on its key if it has one, or the alarms of that account reach no one');
  }
}

/** The handler of CDK's provider of a cross-region export custom resource (`Writer` or `Reader`), when `stack` has one. */
function crossRegionExportHandler(stack: Stack, kind: 'Writer' | 'Reader'): CfnResource | undefined {
  const handler = stack.node.tryFindChild(`Custom::CrossRegionExport${kind}CustomResourceProvider`)?.node.tryFindChild('Handler');
  return handler && CfnResource.isCfnResource(handler) ? handler : undefined;
}

/**
 * Records why checkov's Lambda checks don't apply to the functions CDK generates for the cross-region references
 * of `edge` (`crossRegionReferences`): the export writer in each stack it reads from (it writes SSM parameters
 * into us-east-1) and the export reader in `edge`. CDK creates them while the app synthesizes, after the aspects,
 * so this runs as a validation of `edge` (validations run after that, before the templates are written).
 *
 * cdk-nag has nothing to acknowledge on them: their function and role are plain `CfnResource`s
 * (`CustomResourceProvider`), and the AwsSolutions rules evaluate the L1 classes (`CfnFunction`, `CfnRole`) only.
 */
export function skipCheckovOnCrossRegionExports(edge: Stack): void {
  edge.node.addValidation({
    validate: () => {
      const handlers: Array<[CfnResource | undefined, string]> = [
        [crossRegionExportHandler(edge, 'Reader'), `the export reader of ${edge.stackName}, which reads the values its stack imports from other regions (SSM parameters under /cdk/exports/${edge.stackName}/ in ${edge.region})`],
        ...edge.dependencies.map((s): [CfnResource | undefined, string] =>
          [crossRegionExportHandler(s, 'Writer'), `the export writer of ${s.stackName}, which writes the values other regions' stacks import from it (SSM parameters under /cdk/exports/ in their region)`]),
      ];
      for (const [handler, what] of handlers) {
        if (handler) {
          skipCheckovOnExportHandler(handler, what);
        }
      }
      return [];
    },
  });
}

function skipCheckovOnExportHandler(handler: IConstruct, what: string): void {
  const generated = `aws-cdk-lib generates this function (${what}) for crossRegionReferences, with no option for`;
  skipCheckov(handler, 'CKV_AWS_116', `${generated} a dead-letter queue: it runs as a custom resource during deployments only, and reports every error `
    + 'to CloudFormation itself (its entry point answers FAILED), which fails and rolls back the stack operation: a dead-letter queue would hold nothing to act on.');
  skipCheckov(handler, 'CKV_AWS_117', `${generated} a VPC: it calls the SSM Parameter Store API only and reaches no private resource, so a VPC would add NAT or `
    + 'endpoint cost and nothing else.');
  skipCheckov(handler, 'CKV_AWS_115', `${generated} reserved concurrency: it runs a few times per deployment of its stack; reserved concurrency would take `
    + 'from the account\'s unreserved pool (10 in a new account) for no gain.');
}
