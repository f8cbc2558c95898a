// E-Com67's backend as one Stage: Data (DynamoDB), Compute (a Lambda function on LayerBuilder layers) and Api
// (API Gateway, which writes its URL to the SSM parameter every app's config.json reads). cdk-nag (v3 or v2,
// AwsSolutions) passes it: what it reports and this example doesn't fix is acknowledged with the reason.
import { CfnResource, Stack, Stage, StageProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { LayerBuilder, LayerSource, PlatformNaming } from '../../../src';

export interface BackendStageProps extends StageProps {
  readonly naming: PlatformNaming;
}

export class BackendStage extends Stage {
  public readonly data: Stack;
  public readonly compute: Stack;
  public readonly api: Stack;

  constructor(scope: Construct, id: string, props: BackendStageProps) {
    super(scope, id, props);
    const naming = props.naming;

    this.data = new Stack(this, 'Data', { stackName: naming.dataStackName });
    const orders = new dynamodb.Table(this.data, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    this.compute = new Stack(this, 'Compute', { stackName: naming.computeStackName });
    // The managed Powertools layer and a local package: nothing downloaded from PyPI at synth.
    const layers = new LayerBuilder(this.compute, 'Layers', {
      layers: [
        { name: 'powertools', source: LayerSource.powertools() },
        { name: 'utils', source: LayerSource.fromDirectory('backend/layers/utils') },
      ],
    });
    // The function's own log group, kept a month, and a role that writes to it instead of the AWS managed
    // AWSLambdaBasicExecutionRole (cdk-nag AwsSolutions-IAM4).
    const listOrdersLogs = new logs.LogGroup(this.compute, 'ListOrdersLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const listOrdersServiceRole = new iam.Role(this.compute, 'ListOrdersServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    listOrdersLogs.grantWrite(listOrdersServiceRole);
    const listOrders = new lambda.Function(this.compute, 'ListOrders', {
      runtime: layers.runtime,
      architecture: layers.architecture,
      layers: [layers.layer('powertools'), layers.layer('utils')],
      handler: 'index.handler',
      code: lambda.Code.fromAsset('backend/functions/orders'),
      environment: { ORDERS_TABLE: orders.tableName },
      role: listOrdersServiceRole,
      logGroup: listOrdersLogs,
    });
    orders.grantReadData(listOrders);
    acknowledge(listOrders, 'AwsSolutions-L1',
      'The function runs the runtime LayerBuilder builds its layers for (python3.12 by default); upgrade both together with LayerBuilder\'s `runtime`.');

    this.api = new Stack(this, 'Api', { stackName: naming.apiStackName });
    const accessLogs = new logs.LogGroup(this.api, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const api = new apigateway.RestApi(this.api, 'Api', {
      restApiName: `${naming.projectName}-api`,
      cloudWatchRole: false,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const listOrdersMethod = api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(listOrders), {
      requestValidatorOptions: { validateRequestBody: true, validateRequestParameters: true },
    });
    acknowledge(api.deploymentStage, 'AwsSolutions-APIG3',
      'A regional WAFv2 web ACL has a monthly cost and rules of its own to choose; associate one with the stage in production.');
    acknowledge(api.deploymentStage, 'AwsSolutions-APIG6',
      'Execution logging needs the account-wide API Gateway CloudWatch role, which this app leaves to the account (`cloudWatchRole: false`); access logs are on.');
    acknowledge(listOrdersMethod, 'AwsSolutions-APIG4',
      'The example\'s API is public to show the wiring; a real shop puts a Cognito user pool authorizer on its order endpoints.');
    acknowledge(listOrdersMethod, 'AwsSolutions-COG4',
      'The example\'s API is public to show the wiring; a real shop puts a Cognito user pool authorizer on its order endpoints.');
    // The frontend pipelines put this value into each app's config.json at deploy time.
    new ssm.StringParameter(this.api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: api.url });
  }
}

/**
 * Acknowledges a cdk-nag finding on `construct` with its reason, for cdk-nag v3 (`Validations.of().acknowledge()`)
 * and v2 (`cdk_nag` metadata on the CloudFormation resource, as v2's `NagSuppressions` writes it).
 */
function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
  const resource = construct.node.defaultChild as CfnResource;
  const rules = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...rules, { id, reason }] });
}
