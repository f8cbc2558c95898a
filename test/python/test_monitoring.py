"""EcomPlatform's monitoring configured from Python through the built wheel (apps/monitoring.py): the build-duration
alarm of BuildDurationAlarm.above(Duration.minutes(30)), AWS Chatbot channels from ChatChannel.slack and
ChatChannel.microsoft_teams subscribed to the platform's topic, the us-east-1 edge stack outside us-east-1, and
context `ecom:monitoring=false` (as the ecom-platform CLI reads it from cdk.json) turning it all off.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest

from conftest import synth_python

APPS = Path(__file__).parent / "apps"
MONITORING_STACK = "E-Com67-MonitoringStack"
EDGE_STACK = "E-Com67-EdgeMonitoringStack"
FRONTEND_STACK = "E-Com67-FrontendStack"
APP_PIPELINE_STACKS = {"admin-dashboard": "E-Com67-AdminPipelineStack", "customer-app": "E-Com67-CustomerPipelineStack"}


@pytest.fixture(scope="module")
def started(request, background, tmp_path_factory):
    request.getfixturevalue("wheel_venv")
    return {
        "on": background.submit(synth_python, APPS / "monitoring.py", tmp_path_factory.mktemp("monitoring-on")),
        "off": background.submit(synth_python, APPS / "monitoring.py", tmp_path_factory.mktemp("monitoring-off"),
                                 context={"ecom:monitoring": "false"}),
    }


@pytest.fixture(scope="module")
def templates(started) -> Dict[str, Any]:
    return started["on"].result()


def of_type(template: Dict[str, Any], resource_type: str) -> Dict[str, Any]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def topic_reference(templates: Dict[str, Any]) -> Dict[str, str]:
    """How the monitoring stack names the frontend stack's notification topic: an import of its export."""
    (topic_id,) = of_type(templates[FRONTEND_STACK], "AWS::SNS::Topic")
    (export,) = [o["Export"]["Name"] for o in templates[FRONTEND_STACK]["Outputs"].values()
                 if o.get("Value") == {"Ref": topic_id}]
    return {"Fn::ImportValue": export}


def test_the_platform_has_the_monitoring_and_edge_stacks(templates):
    assert sorted(templates) == sorted([FRONTEND_STACK, MONITORING_STACK, EDGE_STACK, *APP_PIPELINE_STACKS.values()])
    assert len(of_type(templates[MONITORING_STACK], "AWS::CloudWatch::Dashboard")) == 1


def test_build_duration_above_30_minutes_is_a_static_alarm_at_1800_seconds_per_project(templates):
    alarms = [a["Properties"] for a in of_type(templates[MONITORING_STACK], "AWS::CloudWatch::Alarm").values()
              if a["Properties"]["AlarmName"].endswith("-slow-build")]
    # Each app pipeline's build and deploy projects.
    assert sorted(a["AlarmName"] for a in alarms) == [
        "e-com67-admin-dashboard-build-slow-build", "e-com67-admin-dashboard-deploy-slow-build",
        "e-com67-customer-app-build-slow-build", "e-com67-customer-app-deploy-slow-build",
    ]
    topic = topic_reference(templates)
    for alarm in alarms:
        assert alarm["Threshold"] == 1800
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert "ThresholdMetricId" not in alarm  # not the default anomaly detection
        (metric,) = alarm["Metrics"]
        stat = metric["MetricStat"]
        assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"], stat["Stat"]) == ("AWS/CodeBuild", "Duration", "Maximum")
        assert alarm["AlarmActions"] == [topic]
    # The project it watches is the app pipeline's, imported from its stack.
    admin_build = next(a for a in alarms if a["AlarmName"] == "e-com67-admin-dashboard-build-slow-build")
    (dimension,) = admin_build["Metrics"][0]["MetricStat"]["Metric"]["Dimensions"]
    assert dimension["Name"] == "ProjectName"
    assert dimension["Value"]["Fn::ImportValue"].startswith(APP_PIPELINE_STACKS["admin-dashboard"] + ":")


def test_chat_channels_are_chatbot_configurations_subscribed_to_the_topic(templates):
    template = templates[MONITORING_STACK]
    topic = topic_reference(templates)
    (slack,) = [r["Properties"] for r in of_type(template, "AWS::Chatbot::SlackChannelConfiguration").values()]
    assert slack["ConfigurationName"] == "e-com67-slack"
    assert (slack["SlackWorkspaceId"], slack["SlackChannelId"]) == ("T07EA123LEP", "C07EZ1ABC23")
    assert slack["SnsTopicArns"] == [topic]
    (teams,) = [r["Properties"] for r in of_type(template, "AWS::Chatbot::MicrosoftTeamsChannelConfiguration").values()]
    assert teams["ConfigurationName"] == "e-com67-alerts"
    assert teams["TeamId"] == "5f1d5b3a-1f0e-4e44-8d8a-1c2b3d4e5f60"
    assert teams["TeamsChannelId"] == "19%3ab6ef35dc%40thread.tacv2"
    assert teams["TeamsTenantId"] == "0e8a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b"
    assert teams["SnsTopicArns"] == [topic]
    # Each configuration's role is assumed by AWS Chatbot, with the notifications-only policy as its guardrail.
    roles = of_type(template, "AWS::IAM::Role")
    for config in (slack, teams):
        role = roles[config["IamRoleArn"]["Fn::GetAtt"][0]]["Properties"]
        assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "chatbot.amazonaws.com"}
        assert role["ManagedPolicyArns"] == config["GuardrailPolicies"]


def test_the_5xx_alarms_live_in_the_us_east_1_stack_and_reach_the_topic_through_its_forwarder(templates):
    edge = templates[EDGE_STACK]
    alarms = [a["Properties"] for a in of_type(edge, "AWS::CloudWatch::Alarm").values()]
    assert len(alarms) == 2  # one distribution per app
    for alarm in alarms:
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"]) == ("AWS/CloudFront", "5xxErrorRate", 5)
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]}["Region"] == "Global"
    assert len(of_type(templates[FRONTEND_STACK], "Custom::CrossRegionExportWriter")) == 1
    assert len(of_type(edge, "Custom::CrossRegionExportReader")) == 1


def test_context_ecom_monitoring_false_turns_the_monitoring_off(started):
    off = started["off"].result()
    assert sorted(off) == sorted([FRONTEND_STACK, *APP_PIPELINE_STACKS.values()])
    assert not of_type(off[FRONTEND_STACK], "Custom::CrossRegionExportWriter")
