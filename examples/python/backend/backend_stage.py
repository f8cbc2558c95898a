"""E-Com67's backend as one Stage: Data (DynamoDB), Compute (a Lambda function on LayerBuilder layers) and Api
(API Gateway, which writes its URL to the SSM parameter every app's config.json reads). cdk-nag (v3 or v2,
AwsSolutions) passes it: what it reports and this example doesn't fix is acknowledged with the reason."""
from aws_cdk import Acknowledgment, CfnResource, Stack, Stage, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from cdk_ecom_platform import LayerBuilder, LayerSource, LayerSpec, PlatformNaming
from constructs import Construct, IConstruct


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
        # The function's own log group, kept a month, and a role that writes to it instead of the AWS managed
        # AWSLambdaBasicExecutionRole (cdk-nag AwsSolutions-IAM4).
        list_orders_logs = logs.LogGroup(self.compute, "ListOrdersLogs", retention=logs.RetentionDays.ONE_MONTH)
        list_orders_service_role = iam.Role(self.compute, "ListOrdersServiceRole",
                                            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        list_orders_logs.grant_write(list_orders_service_role)
        list_orders = lambda_.Function(
            self.compute, "ListOrders",
            runtime=layers.runtime,
            architecture=layers.architecture,
            layers=[layers.layer("powertools"), layers.layer("utils")],
            handler="index.handler",
            code=lambda_.Code.from_asset("backend/functions/orders"),
            environment={"ORDERS_TABLE": orders.table_name},
            role=list_orders_service_role,
            log_group=list_orders_logs,
        )
        orders.grant_read_data(list_orders)
        acknowledge(list_orders, "AwsSolutions-L1",
                    "The function runs the runtime LayerBuilder builds its layers for (python3.12 by default); "
                    "upgrade both together with LayerBuilder's `runtime`.")

        self.api = Stack(self, "Api", stack_name=naming.api_stack_name)
        access_logs = logs.LogGroup(self.api, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        api = apigateway.RestApi(
            self.api, "Api",
            rest_api_name=f"{naming.project_name}-api",
            cloud_watch_role=False,
            deploy_options=apigateway.StageOptions(
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=True, http_method=True, ip=True, protocol=True, request_time=True, resource_path=True,
                    response_length=True, status=True, user=True),
            ),
        )
        list_orders_method = api.root.add_resource("orders").add_method(
            "GET", apigateway.LambdaIntegration(list_orders),
            request_validator_options=apigateway.RequestValidatorOptions(
                validate_request_body=True, validate_request_parameters=True),
        )
        acknowledge(api.deployment_stage, "AwsSolutions-APIG3",
                    "A regional WAFv2 web ACL has a monthly cost and rules of its own to choose; "
                    "associate one with the stage in production.")
        acknowledge(api.deployment_stage, "AwsSolutions-APIG6",
                    "Execution logging needs the account-wide API Gateway CloudWatch role, which this app leaves to "
                    "the account (`cloudWatchRole: false`); access logs are on.")
        acknowledge(list_orders_method, "AwsSolutions-APIG4",
                    "The example's API is public to show the wiring; a real shop puts a Cognito user pool authorizer "
                    "on its order endpoints.")
        acknowledge(list_orders_method, "AwsSolutions-COG4",
                    "The example's API is public to show the wiring; a real shop puts a Cognito user pool authorizer "
                    "on its order endpoints.")
        # The frontend pipelines put this value into each app's config.json at deploy time.
        ssm.StringParameter(self.api, "ApiUrl", parameter_name=naming.api_url_parameter_name, string_value=api.url)


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledges a cdk-nag finding on `construct` with its reason, for cdk-nag v3 (`Validations.of().acknowledge()`)
    and v2 (`cdk_nag` metadata on the CloudFormation resource, as v2's `NagSuppressions` writes it)."""
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))
    resource: CfnResource = construct.node.default_child
    rules = (resource.get_metadata("cdk_nag") or {}).get("rules_to_suppress", [])
    resource.add_metadata("cdk_nag", {"rules_to_suppress": [*rules, {"id": rule_id, "reason": reason}]})
