"""EcomPlatform with three environments across two accounts, from Python: the twin of environments.ts, which must
synthesize the same templates. The backend stage factory is a Python class (`@jsii.implements`), which the
platform calls back once per environment.

Run with CDK_OUTDIR set (see conftest.synth_python).
"""
import aws_cdk as cdk
import jsii
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ssm as ssm
from aws_cdk import pipelines
from cdk_ecom_platform import (
    EcomPlatform,
    IBackendStageFactory,
    PlatformEnvironment,
    PlatformNaming,
    PlatformSource,
    SpaHostingOptions,
)
from constructs import Construct


@jsii.implements(IBackendStageFactory)
class BackendStages:
    """The backend of one environment: a Data stack and an Api stack writing the environment's API URL parameter."""

    def create_stage(self, scope: Construct, id: str, environment: PlatformEnvironment,
                     naming: PlatformNaming) -> cdk.Stage:
        stage = cdk.Stage(scope, id, env=cdk.Environment(account=environment.account, region=environment.region))
        data = cdk.Stack(stage, "Data", stack_name=naming.data_stack_name)
        dynamodb.Table(
            data, "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        )
        api = cdk.Stack(stage, "Api", stack_name=naming.api_stack_name)
        ssm.StringParameter(
            api, "ApiUrl",
            parameter_name=naming.api_url_parameter_name,
            string_value=f"https://api-{environment.name}.example.com/",
        )
        return stage


app = cdk.App()
EcomPlatform(
    app, "Platform",
    env=cdk.Environment(account="111111111111", region="eu-west-1"),
    environments=[
        PlatformEnvironment(name="dev", account="111111111111", region="eu-west-1"),
        PlatformEnvironment(
            name="staging",
            account="111111111111",
            region="eu-west-1",
            backend_post=[pipelines.ShellStep("IntegrationTests", commands=['curl -fsS "$API_URL/health"'])],
        ),
        PlatformEnvironment(
            name="prod",
            account="222222222222",
            region="eu-west-1",
            manual_approval=True,
            hostings={"customer-app": SpaHostingOptions(connect_sources=["wss://chat.example.com"])},
        ),
    ],
    backend_stage_factory=BackendStages(),
    cross_account_keys=True,
    backend_pipeline=True,
    frontend_pipelines=True,
    source=PlatformSource.code_commit(),
    notification_emails=["ops@example.com"],
)

app.synth()
