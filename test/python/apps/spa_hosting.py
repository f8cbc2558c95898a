"""SpaHosting from Python: the twin of spa-hosting.ts, which must synthesize the same templates.

Run with CDK_OUTDIR set (see conftest.synth_python).
"""
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from cdk_ecom_platform import SpaHosting, SpaRouting

app = cdk.App()
stack = cdk.Stack(app, "SpaHostingApp", env=cdk.Environment(account="111122223333", region="eu-west-1"))

# Every default.
SpaHosting(stack, "Admin", bucket_name="e-com67-admin-dashboard-111122223333")

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

app.synth()
