#!/usr/bin/env python3
"""E-Com67 on cdk-ecom-platform. Direct mode by default; turn the pipelines on with
`cdk deploy -c ecom:backendPipeline=true -c ecom:frontendPipelines=true ...` (or in cdk.json)."""
import os

import aws_cdk as cdk
from cdk_ecom_platform import (BackendLanguage, BuildDurationAlarm, ChatChannel, CspPreset, EcomPlatform, FrontendAppProps,
                               MonitoringAlarmOptions, PlatformMonitoringOptions, PlatformNaming, PlatformSource,
                               SpaHostingOptions, SpaPipelineOptions)

from backend import BackendStage

app = cdk.App()
env = cdk.Environment(account=app.node.try_get_context("account") or os.environ.get("CDK_DEFAULT_ACCOUNT"),
                      region=app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION"))
naming = PlatformNaming.from_context(app)  # ecom:projectName and ecom:stackPrefix in cdk.json, as ecom-platform reads them
backend = BackendStage(app, "Backend", env=env, naming=naming)
# Alarms in Slack too with -c ecom:slackWorkspaceId=T0123ABCD -c ecom:slackChannelId=C0123ABCD (or in cdk.json),
# once the workspace is authorized in the AWS Chatbot console.
slack_workspace_id = app.node.try_get_context("ecom:slackWorkspaceId")
slack_channel_id = app.node.try_get_context("ecom:slackChannelId")
EcomPlatform(app, "Platform",
             naming=naming,
             env=env,
             backend_stage=backend,
             backend_stack_order=[backend.data, backend.compute, backend.api],
             backend_language=BackendLanguage.PYTHON,
             backend_app_path="examples/python",
             source=PlatformSource.code_commit(branch="master"),
             notification_emails=["team@example.com"],
             monitoring=PlatformMonitoringOptions(
                 alarms=MonitoringAlarmOptions(build_duration=BuildDurationAlarm.above(cdk.Duration.minutes(30))),
                 chat_channels=[ChatChannel.slack(workspace_id=slack_workspace_id, channel_id=slack_channel_id)]
                 if slack_workspace_id and slack_channel_id else []),
             # The apps live in this repository's test fixture (ecom:repositoryRoot in cdk.json points at its root).
             frontends=[
                 FrontendAppProps(name="admin-dashboard", app_path="test/fixtures/ecom-shop/frontends/admin-dashboard"),
                 FrontendAppProps(
                     name="customer-app",
                     app_path="test/fixtures/ecom-shop/frontends/customer-app",
                     hosting=SpaHostingOptions(
                         csp_presets=[CspPreset.stripe(), CspPreset.meta_pixel(), CspPreset.cognito(cdk.Aws.REGION)],
                         img_sources=["https://images.example-cdn.com"],
                         connect_sources=["wss://chat.example.com"]),
                     pipeline=SpaPipelineOptions(
                         parameter_store_variables={"VITE_STRIPE_PUBLISHABLE_KEY": "/e-com67/stripe-publishable-key"})),
             ])
app.synth()
