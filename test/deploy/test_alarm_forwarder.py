"""End to end: the alarm forwarder of PlatformMonitoring's us-east-1 edge stack (src/private/edge-alarms.ts), the
very code the synthesized template gives Lambda (`Code.ZipFile`, handler `index.handler`), run with node against
moto_server on loopback: it must republish each SNS record it receives (a CloudWatch alarm's notification on the
edge topic) to the platform's topic in eu-west-1, Subject and Message unchanged, so email and AWS Chatbot read the
forwarded alarm as they would the alarm itself.

test/deploy/alarm-forwarder-app.ts synthesizes the app: a PlatformMonitoring in eu-west-1 whose alarm topic is
KMS-encrypted, monitoring one SpaHosting, so the monitoring gets its edge stack. The test checks the template wires
the forwarder (the edge topic the 5xx alarm notifies subscribes the function; its TARGET_TOPIC_ARN is the platform
topic's ARN, read by CDK's cross-region export reader from what the monitoring stack's export writer writes), then
runs the code as Lambda would in us-east-1 (AWS_REGION) with the moto topic's ARN in TARGET_TOPIC_ARN: moto keeps
each region's topics apart, so the messages reach the eu-west-1 topic's SQS subscriber only if the code publishes
in the topic's region. A publish that fails must reject the handler's promise (Lambda then retries the
asynchronous invocation): the runner exits non-zero.

What this does not cover: Lambda itself (the runtime's bundled SDK is the same v3 client as the repo's
devDependency) and SNS invoking it (the subscription and permission are checked in the template only).

Run: python3 -m pytest -q test/deploy/test_alarm_forwarder.py   (needs node, npm dependencies installed and
moto[server]; about 30 s, most of it the synth)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import Dict, List, Tuple

import boto3
import pytest

from spa_deploy_harness import MotoServer, aws_environment, synthesize

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("alarm-forwarder-app.ts")
NODE_MODULES = REPO / "node_modules"
EDGE_STACK, MONITORING_STACK = "E-Com67-MonitoringStack-EdgeAlarms", "Monitoring"
ACCOUNT, PLATFORM_REGION, EDGE_REGION = "111122223333", "eu-west-1", "us-east-1"

# Skipped on a developer machine without the tools; under CI=true a missing tool fails instead of skipping.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not (shutil.which("node") and shutil.which("moto_server")
                                      and (NODE_MODULES / "@aws-sdk" / "client-sns").is_dir()),
    reason="needs node, moto_server (pip install 'moto[server]') and the npm dependencies (@aws-sdk/client-sns)",
)

# Requires the code as Lambda does (the handler `index.handler` of index.js) and awaits handler(event): exit 0
# when it resolves, 1 with the error on stderr when it rejects (Lambda would retry the invocation).
RUNNER = """
const [, file, handler] = process.argv[1].match(/^(.*)\\.([^.]+)$/);
const event = JSON.parse(require('fs').readFileSync(0, 'utf8'));
Promise.resolve()
  .then(() => require(require('path').resolve(file))[handler](event))
  .then(() => process.exit(0), (error) => { console.error(`handler rejected: ${error.name}: ${error.message}`); process.exit(1); });
"""


def resources(template: dict, kind: str) -> Dict[str, dict]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def only(items: Dict[str, dict]) -> tuple:
    assert len(items) == 1, list(items)
    return next(iter(items.items()))


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Dict[str, dict]:
    return synthesize(APP, tmp_path_factory.mktemp("alarm-forwarder-cdk-out"))


@pytest.fixture(scope="module")
def forwarder(templates) -> dict:
    """The forwarder function of the edge stack, with the ids the wiring checks need."""
    edge = templates[EDGE_STACK]
    functions = {k: r for k, r in resources(edge, "AWS::Lambda::Function").items() if "ZipFile" in r["Properties"].get("Code", {})}
    function_id, function = only(functions)
    return {"id": function_id, "properties": function["Properties"]}


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("alarm-forwarder-moto")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def platform(moto) -> dict:
    """The platform's topic in eu-west-1 (SSE-KMS, as the app's) and an SQS queue subscribed to it, raw delivery
    off: each message arrives in SNS's envelope, with its Subject and Message."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=PLATFORM_REGION)
    kms, sns, sqs = (session.client(name, endpoint_url=moto.endpoint) for name in ("kms", "sns", "sqs"))
    key = kms.create_key(Description="platform alarm topic")["KeyMetadata"]["Arn"]
    topic = sns.create_topic(Name="E-Com67-MonitoringStack-Alarms", Attributes={"KmsMasterKeyId": key})["TopicArn"]
    queue = sqs.create_queue(QueueName="alarm-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "false"})
    return {"topic": topic, "queue": queue, "sqs": sqs}


def receive_all(sqs, queue: str, expected: int) -> List[dict]:
    """The SNS envelopes in the queue, in the order they arrived (moto delivers to SQS within the Publish call);
    polls until `expected` have arrived and one more poll finds nothing, so an extra message shows too."""
    envelopes: List[dict] = []
    for _ in range(10):
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = batch.get("Messages", [])
        for message in messages:
            envelopes.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        if not messages and len(envelopes) >= expected:
            break
    return envelopes


def alarm_notification(alarm: dict, state: str, old_state: str, reason: str, distribution_id: str, topic_arn: str) -> str:
    """What CloudWatch publishes to an alarm's SNS action: its JSON notification for the 5xx alarm of the template."""
    p = alarm["Properties"]
    dimensions = [{"value": distribution_id if d["Name"] == "DistributionId" else d["Value"], "name": d["Name"]} for d in p["Dimensions"]]
    return json.dumps({
        "AlarmName": p["AlarmName"],
        "AlarmDescription": p["AlarmDescription"],
        "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": "2026-11-30T21:02:11.548+0000",
        "NewStateValue": state,
        "NewStateReason": reason,
        "StateChangeTime": "2026-11-30T23:41:07.221+0000",
        "Region": "US East (N. Virginia)",
        "AlarmArn": f"arn:aws:cloudwatch:{EDGE_REGION}:{ACCOUNT}:alarm:{p['AlarmName']}",
        "OldStateValue": old_state,
        "OKActions": [],
        "AlarmActions": [topic_arn],
        "InsufficientDataActions": [],
        "Trigger": {
            "MetricName": p["MetricName"],
            "Namespace": p["Namespace"],
            "StatisticType": "Statistic",
            "Statistic": p["Statistic"].upper(),
            "Unit": p.get("Unit"),
            "Dimensions": dimensions,
            "Period": p["Period"],
            "EvaluationPeriods": p["EvaluationPeriods"],
            "DatapointsToAlarm": p["DatapointsToAlarm"],
            "ComparisonOperator": p["ComparisonOperator"],
            "Threshold": float(p["Threshold"]),
            "TreatMissingData": p["TreatMissingData"],
            "EvaluateLowSampleCountPercentile": "",
        },
    }, ensure_ascii=False)


def sns_event(topic_arn: str, records: List[dict]) -> dict:
    """The event SNS invokes a subscribed Lambda function with (Subject null when the publisher gave none)."""
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic_arn}:2b1f8a7e-5c1d-4e0b-9d55-{i:012d}",
        "Sns": {
            "Type": "Notification",
            "MessageId": f"95df01b4-ee98-5cb9-9903-{i:012d}",
            "TopicArn": topic_arn,
            "Subject": r["Subject"],
            "Message": r["Message"],
            "Timestamp": "2026-11-30T23:41:07.301Z",
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
            "UnsubscribeUrl": f"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:x",
            "MessageAttributes": {},
        },
    } for i, r in enumerate(records)]}


def run_handler(forwarder: dict, workdir: Path, moto, target_topic_arn: str, event: dict) -> subprocess.CompletedProcess:
    """The template's code as index.js in a fresh folder, its handler awaited by node as Lambda would in us-east-1."""
    props = forwarder["properties"]
    workdir.mkdir(parents=True, exist_ok=True)
    module, _ = props["Handler"].rsplit(".", 1)
    (workdir / f"{module}.js").write_text(props["Code"]["ZipFile"])
    env = aws_environment(moto.endpoint)
    env.update(
        AWS_REGION=EDGE_REGION,  # the function's own region; the code must publish in the target's
        AWS_DEFAULT_REGION=EDGE_REGION,
        AWS_LAMBDA_FUNCTION_NAME=forwarder["id"],
        TARGET_TOPIC_ARN=target_topic_arn,
        NODE_PATH=str(NODE_MODULES),
    )
    env.pop("NODE_OPTIONS", None)
    return subprocess.run(["node", "-e", RUNNER, props["Handler"]], cwd=workdir, env=env, input=json.dumps(event),
                          capture_output=True, text=True, timeout=60)


def publishes(moto) -> List[Tuple[str, Dict[str, str]]]:
    """Each SNS Publish request moto received: the region of its credential scope, and its parameters."""
    found = []
    for request in moto.requests():
        if request.target == "Publish":
            scope = re.search(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/sns/", request.headers.get("authorization", ""))
            params = dict(urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True))
            found.append((scope.group(1) if scope else "", params))
    return found


# ------------------------------------------------------------------------------------------------- the template
def test_template_wires_the_forwarder_between_the_edge_topic_and_the_platform_topic(templates, forwarder):
    edge, monitoring = templates[EDGE_STACK], templates[MONITORING_STACK]
    props = forwarder["properties"]
    assert props["Handler"] == "index.handler"
    assert re.fullmatch(r"nodejs\d+\.x", props["Runtime"]), props["Runtime"]
    assert "exports.handler" in props["Code"]["ZipFile"]

    # The 5xx alarm notifies the edge topic, which SNS delivers to the forwarder (and may invoke it).
    alarm_id, alarm = only(resources(edge, "AWS::CloudWatch::Alarm"))
    assert alarm["Properties"]["MetricName"] == "5xxErrorRate" and alarm["Properties"]["Namespace"] == "AWS/CloudFront"
    topic_id, topic = only(resources(edge, "AWS::SNS::Topic"))
    assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    assert "KmsMasterKeyId" in topic["Properties"]
    _, subscription = only(resources(edge, "AWS::SNS::Subscription"))
    assert subscription["Properties"] == {"Protocol": "lambda", "TopicArn": {"Ref": topic_id},
                                          "Endpoint": {"Fn::GetAtt": [forwarder["id"], "Arn"]}}
    _, permission = only(resources(edge, "AWS::Lambda::Permission"))
    assert permission["Properties"] == {"Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com",
                                        "FunctionName": {"Fn::GetAtt": [forwarder["id"], "Arn"]}, "SourceArn": {"Ref": topic_id}}

    # TARGET_TOPIC_ARN: a value of the edge stack's cross-region export reader (an SSM parameter in us-east-1)...
    assert list(props["Environment"]["Variables"]) == ["TARGET_TOPIC_ARN"]
    target = props["Environment"]["Variables"]["TARGET_TOPIC_ARN"]
    assert list(target) == ["Fn::GetAtt"], target
    reader_id, parameter = target["Fn::GetAtt"]
    reader = edge["Resources"][reader_id]
    assert reader["Type"] == "Custom::CrossRegionExportReader"
    assert reader["Properties"]["ReaderProps"]["region"] == EDGE_REGION
    assert parameter in reader["Properties"]["ReaderProps"]["imports"]
    # ...that the monitoring stack's export writer writes there: the Ref (ARN) of the platform topic, the alarm topic.
    _, writer = only(resources(monitoring, "Custom::CrossRegionExportWriter"))
    assert writer["Properties"]["WriterProps"]["region"] == EDGE_REGION
    platform_topic_id, _ = only(resources(monitoring, "AWS::SNS::Topic"))
    assert writer["Properties"]["WriterProps"]["exports"][parameter] == {"Ref": platform_topic_id}


# ------------------------------------------------------------------------------------------------- the code, run
def test_forwards_each_alarm_notification_to_the_platform_topic_in_its_region_unchanged(templates, forwarder, moto, platform, tmp_path):
    edge = templates[EDGE_STACK]
    _, alarm = only(resources(edge, "AWS::CloudWatch::Alarm"))
    name = alarm["Properties"]["AlarmName"]
    assert name == "e-com67-Frontend-CustomerApp-5xx"
    edge_topic = f"arn:aws:sns:{EDGE_REGION}:{ACCOUNT}:{EDGE_STACK}-AlarmTopicD01E77F9-1N2ZXQ0V8W3K"
    records = [
        {"Subject": f'ALARM: "{name}" in US East (N. Virginia)',
         "Message": alarm_notification(alarm, "ALARM", "OK", "Threshold Crossed: 5 out of the last 5 datapoints [12.5 (30/11/26 23:40:00), "
                                       "9.75 (30/11/26 23:39:00), 8.2 (30/11/26 23:38:00) (minimum 5 datapoints for OK -> ALARM transition).",
                                       "E2QWRUHAPOMQZL", edge_topic)},
        {"Subject": f'OK: "{name}" in US East (N. Virginia)',
         "Message": alarm_notification(alarm, "OK", "ALARM", "Threshold Crossed: 5 out of the last 5 datapoints [0.0 (30/11/26 23:55:00)] "
                                       "were not greater than the threshold (5.0) — back to normal.", "E2QWRUHAPOMQZL", edge_topic)},
    ]
    moto.reset_recording()
    run = run_handler(forwarder, tmp_path / "lambda", moto, platform["topic"], sns_event(edge_topic, records))
    assert run.returncode == 0, run.stderr

    received = receive_all(platform["sqs"], platform["queue"], len(records))
    assert [(e["TopicArn"], e.get("Subject"), e["Message"]) for e in received] == \
        [(platform["topic"], r["Subject"], r["Message"]) for r in records]
    # Byte for byte: the JSON Chatbot parses is the one CloudWatch wrote (non-ASCII included).
    assert [e["Message"].encode() for e in received] == [r["Message"].encode() for r in records]
    notification = json.loads(received[0]["Message"])
    assert notification["NewStateValue"] == "ALARM" and notification["Trigger"]["Namespace"] == "AWS/CloudFront"
    assert notification["Trigger"]["Dimensions"] == [{"value": "E2QWRUHAPOMQZL", "name": "DistributionId"}, {"value": "Global", "name": "Region"}]
    # Signed for the topic's region, not the function's.
    assert [region for region, _ in publishes(moto)] == [PLATFORM_REGION] * len(records)


def test_a_record_without_subject_is_forwarded_without_one(forwarder, moto, platform, tmp_path):
    """SNS gives Subject null when the publisher set none (a message other than an alarm's): no Subject either."""
    message = '{"source":"aws.cloudwatch","detail-type":"test"}'
    moto.reset_recording()
    run = run_handler(forwarder, tmp_path / "lambda", moto, platform["topic"],
                      sns_event(f"arn:aws:sns:{EDGE_REGION}:{ACCOUNT}:edge", [{"Subject": None, "Message": message}]))
    assert run.returncode == 0, run.stderr
    received = receive_all(platform["sqs"], platform["queue"], 1)
    assert [(e["Message"], e.get("Subject") or None) for e in received] == [(message, None)]
    # moto takes an empty Subject; SNS refuses it (InvalidParameter), so the request must have none at all.
    assert [(region, "Subject" in params) for region, params in publishes(moto)] == [(PLATFORM_REGION, False)]


def test_a_failed_publish_rejects_so_that_lambda_retries(forwarder, moto, platform, tmp_path):
    missing = f"arn:aws:sns:{PLATFORM_REGION}:{ACCOUNT}:no-such-topic"
    record = {"Subject": 'ALARM: "e-com67-Frontend-CustomerApp-5xx" in US East (N. Virginia)', "Message": '{"AlarmName":"x"}'}
    run = run_handler(forwarder, tmp_path / "lambda", moto, missing, sns_event(f"arn:aws:sns:{EDGE_REGION}:{ACCOUNT}:edge", [record]))
    assert run.returncode != 0
    assert "handler rejected" in run.stderr and "NotFound" in run.stderr, run.stderr
    assert receive_all(platform["sqs"], platform["queue"], 0) == []
