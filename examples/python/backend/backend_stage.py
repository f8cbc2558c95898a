"""E-Com67's backend as one Stage: Data (DynamoDB), Compute (a Lambda function on LayerBuilder layers) and Api
(API Gateway, which writes its URL to the SSM parameter every app's config.json reads)."""
from aws_cdk import Stack, Stage
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ssm as ssm
from cdk_ecom_platform import LayerBuilder, LayerSource, LayerSpec, PlatformNaming
from constructs import Construct


class BackendStage(Stage):
    def __init__(self, scope: Construct, id: str, *, naming: PlatformNaming, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        self.data = Stack(self, "Data", stack_name=naming.data_stack_name)
        orders = dynamodb.Table(
            self.data, "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        )

        self.compute = Stack(self, "Compute", stack_name=naming.compute_stack_name)
        # The managed Powertools layer and a local package: nothing downloaded from PyPI at synth.
        layers = LayerBuilder(self.compute, "Layers", layers=[
            LayerSpec(name="powertools", source=LayerSource.powertools()),
            LayerSpec(name="utils", source=LayerSource.from_directory("backend/layers/utils")),
        ])
        list_orders = lambda_.Function(
            self.compute, "ListOrders",
            runtime=layers.runtime,
            architecture=layers.architecture,
            layers=[layers.layer("powertools"), layers.layer("utils")],
            handler="index.handler",
            code=lambda_.Code.from_asset("backend/functions/orders"),
            environment={"ORDERS_TABLE": orders.table_name},
        )
        orders.grant_read_data(list_orders)

        self.api = Stack(self, "Api", stack_name=naming.api_stack_name)
        api = apigateway.RestApi(self.api, "Api", rest_api_name=f"{naming.project_name}-api", cloud_watch_role=False)
        api.root.add_resource("orders").add_method("GET", apigateway.LambdaIntegration(list_orders))
        # The frontend pipelines put this value into each app's config.json at deploy time.
        ssm.StringParameter(self.api, "ApiUrl", parameter_name=naming.api_url_parameter_name, string_value=api.url)
