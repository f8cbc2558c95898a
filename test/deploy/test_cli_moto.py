"""The `ecom-platform` command as published (lib/ecom-platform-cli.js, the package's `bin`), run as a process
with its real AWS SDK clients against moto_server on loopback (AWS_ENDPOINT_URL): `doctor` reads STS,
CloudFormation, CodeCommit and SSM (the API URL parameter) over HTTP, and `destroy-legacy` really backs up and
deletes a stack.

moto sends CodeCommit dates in a form the SDK refuses: moto_server_epoch_dates.py starts it with AWS's form.
moto does not implement CodePipeline's GetPipelineState, so `status` and `deploy all`'s wait for the backend
pipeline's first run are covered by the unit tests (test/cli/status.test.ts, deploy.test.ts, SDK mocked) and
the terminal test (test/cli/menu.test.ts) only.

Run: python3 -m pytest -q test/deploy/test_cli_moto.py   (needs node and moto[server]; the CLI must be built:
`npx projen compile && npx projen bundle:cli`, which `npx projen build` does)
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest

from spa_deploy_harness import MotoServer, aws_environment

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = REPO_ROOT / json.loads((REPO_ROOT / "package.json").read_text())["bin"]["ecom-platform"]

pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not (shutil.which("node") and shutil.which("moto_server") and CLI.exists()),
    reason="needs node, moto_server (pip install 'moto[server]') and the built CLI (npx projen build)",
)

REGION = "us-east-1"
BOOTSTRAP = {
    "Resources": {"StagingBucket": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {"BootstrapVersion": {"Value": "28"}},
}
LEGACY = {"Resources": {"ArtifactsBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "e-com67-old-artifacts"}}}}
HOSTING = {"Resources": {"AdminBucket": {"Type": "AWS::S3::Bucket"}}}


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("cli-moto"), launcher=Path(__file__).parent / "moto_server_epoch_dates.py").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def aws(moto):
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    return {name: session.client(name, endpoint_url=moto.endpoint) for name in ("cloudformation", "codecommit", "ssm", "sts")}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Path:
    """A CDK app folder: cdk.json and a stand-in CDK CLI in node_modules/.bin (doctor only asks its version)."""
    folder = tmp_path_factory.mktemp("app")
    (folder / "cdk.json").write_text(json.dumps({"app": "python3 app.py", "context": {}}))
    cdk = folder / "node_modules" / ".bin" / "cdk"
    cdk.parent.mkdir(parents=True)
    cdk.write_text("#!/bin/sh\necho '2.1148.1 (build stand-in)'\n")
    cdk.chmod(0o755)
    return folder


def ecom_platform(moto, app: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = aws_environment(moto.endpoint)
    env.update(AWS_REGION=REGION, PATH=os.environ["PATH"])
    return subprocess.run(["node", str(CLI), *args], cwd=app, env=env, input=input, capture_output=True, text=True, timeout=120)


def lines(output: str) -> dict:
    """doctor's `[level] check  detail` lines, by check."""
    found = {}
    for line in output.splitlines():
        if line.startswith("["):
            level, rest = line[1:].split("]", 1)
            check, detail = [part.strip() for part in rest.strip().split("  ", 1)]
            found[check] = f"{level}: {detail}"
    return found


def test_doctor_reads_the_account_over_http(moto, aws, app):
    aws["cloudformation"].create_stack(StackName="CDKToolkit", TemplateBody=json.dumps(BOOTSTRAP))
    aws["codecommit"].create_repository(repositoryName="e-com67")
    aws["cloudformation"].create_stack(StackName="E-Com67-FrontendStack", TemplateBody=json.dumps(HOSTING))
    aws["cloudformation"].create_stack(StackName="E-Com67-PipelineStack", TemplateBody=json.dumps(LEGACY))
    account = aws["sts"].get_caller_identity()["Account"]

    result = ecom_platform(moto, app, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines(result.stdout)
    assert found["AWS credentials"].startswith(f"ok: account {account} as arn:aws:")
    assert found["Region"] == f"ok: {REGION}"
    assert found["CDK bootstrap"] == "ok: CDKToolkit version 28 (CREATE_COMPLETE)"
    assert found["Source"].startswith("ok: CodeCommit repository e-com67 (")
    assert found["E-Com67-FrontendStack"] == "ok: frontend hosting: CREATE_COMPLETE"
    assert found["E-Com67-BackendPipelineStack"] == "info: backend pipeline: not deployed"
    assert found["E-Com67-PipelineStack"] == "warn: old pipeline (legacy): CREATE_COMPLETE"
    # The backend has never been deployed: a warning, not a failure.
    assert found["API URL"].startswith("warn: /e-com67/api-url does not exist yet: ")
    assert "Ready to deploy." in result.stdout


def test_doctor_reads_the_api_url_once_the_backend_wrote_it(moto, aws, app):
    url = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/"
    aws["ssm"].put_parameter(Name="/e-com67/api-url", Value=url, Type="String")
    result = ecom_platform(moto, app, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result.stdout)["API URL"] == f"ok: /e-com67/api-url = {url}"


def test_destroy_legacy_refuses_without_a_terminal_then_backs_up_and_deletes_with_yes(moto, aws, app):
    refused = ecom_platform(moto, app, "destroy-legacy", input="E-Com67-PipelineStack\n")
    assert refused.returncode == 1
    assert refused.stderr == ("ecom-platform: refusing to delete E-Com67-PipelineStack without confirmation: "
                              "not on a terminal, so pass --yes\n")
    assert aws["cloudformation"].describe_stacks(StackName="E-Com67-PipelineStack")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    deleted = ecom_platform(moto, app, "destroy-legacy", "--yes", "--backup", "old-pipeline.json")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    backup = json.loads((app / "old-pipeline.json").read_text())
    assert backup["stackName"] == "E-Com67-PipelineStack"
    assert backup["region"] == REGION
    assert backup["describeStacks"]["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert json.loads(backup["template"]) == LEGACY
    assert "Deleted E-Com67-PipelineStack." in deleted.stdout
    names = [s["StackName"] for s in aws["cloudformation"].list_stacks(StackStatusFilter=["CREATE_COMPLETE"])["StackSummaries"]]
    assert "E-Com67-PipelineStack" not in names

    again = ecom_platform(moto, app, "destroy-legacy", "--yes")
    assert again.returncode == 0
    assert again.stdout == f"E-Com67-PipelineStack does not exist in {REGION}: nothing to delete.\n"


def test_doctor_fails_on_a_missing_repository_and_bootstrap(moto, aws, app):
    aws["codecommit"].delete_repository(repositoryName="e-com67")
    aws["cloudformation"].delete_stack(StackName="CDKToolkit")
    result = ecom_platform(moto, app, "doctor")
    assert result.returncode == 1
    found = lines(result.stdout)
    assert found["Source"] == "fail: no CodeCommit repository e-com67"
    assert found["CDK bootstrap"] == f"fail: no CDKToolkit stack in {REGION}"
    assert "2 problems to fix before deploying." in result.stdout
