"""SpaHosting from Python: the twin of spa-hosting.ts, which must synthesize the same templates.

Run with CDK_OUTDIR set (see conftest.synth_python).
"""
import aws_cdk as cdk
from aws_cdk import aws_codecommit as codecommit
from aws_cdk import aws_iam as iam
from cdk_ecom_platform import SpaHosting, SpaPipeline, SpaRouting, SpaSource

app = cdk.App()
stack = cdk.Stack(app, "SpaHostingApp", env=cdk.Environment(account="111122223333", region="eu-west-1"))

# Every default.
admin = SpaHosting(stack, "Admin", bucket_name="e-com67-admin-dashboard-111122223333")

# Props that need marshalling from Python: lists, an enum, a number, a Duration, and a grantable.
customer = SpaHosting(
    stack,
    "Customer",
    connect_sources=["https://api.example.com"],
    spa_routing=SpaRouting.ERROR_RESPONSES,
    noncurrent_versions_to_retain=5,
    noncurrent_version_expiration=cdk.Duration.days(30),
    geo_allow_list=["DE", "AT"],
)
deployer = iam.Role(stack, "Deployer", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
customer.grant_deploy(deployer)

# A pipeline in a stack of its own, as E-Com67 has it: a static factory, maps, a cross-stack reference.
pipelines = cdk.Stack(app, "SpaPipelineApp", env=cdk.Environment(account="111122223333", region="eu-west-1"))
SpaPipeline(
    pipelines,
    "AdminPipeline",
    hosting=admin,
    source=SpaSource.code_commit(codecommit.Repository.from_repository_name(pipelines, "Repo", "e-com67"), "master"),
    pipeline_name="e-com67-admin-dashboard-pipeline",
    build_project_name="e-com67-admin-dashboard-build",
    app_path="frontend/admin-dashboard",
    test_commands=["npm test"],
    build_variables={"VITE_APP_NAME": "Admin"},
    runtime_config={"apiUrl": "https://api.example.com"},
    keep_releases=5,
    notification_emails=["ops@example.com"],
)

app.synth()
