// E-Com67's backend as one Stage: Data (DynamoDB), Compute (a Lambda function on LayerBuilder layers) and Api
// (API Gateway, which writes its URL to the SSM parameter every app's config.json reads).
import { Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
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
    const listOrders = new lambda.Function(this.compute, 'ListOrders', {
      runtime: layers.runtime,
      architecture: layers.architecture,
      layers: [layers.layer('powertools'), layers.layer('utils')],
      handler: 'index.handler',
      code: lambda.Code.fromAsset('backend/functions/orders'),
      environment: { ORDERS_TABLE: orders.tableName },
    });
    orders.grantReadData(listOrders);

    this.api = new Stack(this, 'Api', { stackName: naming.apiStackName });
    const api = new apigateway.RestApi(this.api, 'Api', { restApiName: `${naming.projectName}-api`, cloudWatchRole: false });
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(listOrders));
    // The frontend pipelines put this value into each app's config.json at deploy time.
    new ssm.StringParameter(this.api, 'ApiUrl', { parameterName: naming.apiUrlParameterName, stringValue: api.url });
  }
}
