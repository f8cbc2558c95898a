"""EcomPlatform with its monitoring configured from Python: frontend pipelines in eu-west-1 (so the 5xx alarms live
in the us-east-1 edge stack), a static build-duration alarm and one Slack and one Microsoft Teams channel.

Run with CDK_OUTDIR set (see conftest.synth_python); context `ecom:monitoring=false` turns the monitoring off.
"""
import aws_cdk as cdk
from cdk_ecom_platform import (
    BuildDurationAlarm,
    ChatChannel,
    EcomPlatform,
    MonitoringAlarmOptions,
    PlatformMonitoringOptions,
    PlatformSource,
)

app = cdk.App()
EcomPlatform(
    app, "Platform",
    env=cdk.Environment(account="111111111111", region="eu-west-1"),
    frontend_pipelines=True,
    source=PlatformSource.code_commit(),
    notification_emails=["ops@example.com"],
    monitoring=PlatformMonitoringOptions(
        alarms=MonitoringAlarmOptions(build_duration=BuildDurationAlarm.above(cdk.Duration.minutes(30))),
        chat_channels=[
            ChatChannel.slack(workspace_id="T07EA123LEP", channel_id="C07EZ1ABC23"),
            ChatChannel.microsoft_teams(
                team_id="5f1d5b3a-1f0e-4e44-8d8a-1c2b3d4e5f60",
                channel_id="19%3ab6ef35dc%40thread.tacv2",
                tenant_id="0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b",
                configuration_name="e-com67-alerts",
            ),
        ],
    ),
)
app.synth()
