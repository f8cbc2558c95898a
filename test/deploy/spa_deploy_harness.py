"""Shared machinery for test_spa_deploy.py and bench_spa_deploy.py: runs assets/spa-deploy.sh for real.

- `MotoServer`: `moto_server` on a free loopback port (S3 + CloudFront), with moto's request recorder on, so
  a test sees every HTTP request in the order the server received it.
- `build_fixture_variants()`: copies test/fixtures/spa-app, `npm ci` once, `npm run build` once per variant
  (App.jsx edited between builds) and keeps each dist/.
- `Deployer`: runs the script with the real AWS CLI against moto, through an `aws` wrapper first on PATH that
  logs every call and can inject a failure on the Nth upload call or pretend an invalidation is in progress.

By default a deploy runs the commands of the deploy project's buildspec, read from a synthesized SpaPipeline
template (test/deploy/pipeline-app.ts): the same lines CodeBuild runs. SPA_DEPLOY_SCRIPT=<path> runs another
copy of the script directly instead (used to check that the tests catch broken ones).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import unquote, urlparse

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(os.environ.get("SPA_DEPLOY_SCRIPT") or REPO / "assets" / "spa-deploy.sh")
PIPELINE_APP = REPO / "test" / "deploy" / "pipeline-app.ts"
FIXTURE = REPO / "test" / "fixtures" / "spa-app"
MANIFEST_KEY = "_spa-deploy/releases.json"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
NO_CACHE = "no-cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def aws_environment(endpoint: str) -> Dict[str, str]:
    """The environment for the AWS CLI and boto3: moto's endpoint, dummy credentials, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


class MotoServer:
    def __init__(self, workdir: Path, launcher: Optional[Path] = None):
        # launcher: a Python script starting moto's server (with patches), instead of moto_server itself.
        self.launcher = launcher
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.recording = workdir / "moto-recording.jsonl"
        self.log = workdir / "moto-server.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "MotoServer":
        command = [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(self.port)]
        if not shutil.which("moto_server"):
            command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        if self.launcher is not None:
            command = [sys.executable, str(self.launcher), "-H", "127.0.0.1", "-p", str(self.port)]
        env = dict(os.environ, MOTO_ENABLE_RECORDING="true", MOTO_RECORDER_FILEPATH=str(self.recording))
        self.process = subprocess.Popen(command, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"moto_server did not answer on {self.endpoint}: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def reset_recording(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/recorder/reset-recording", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def requests(self) -> List["Request"]:
        if not self.recording.exists():
            return []
        out = []
        for entry in read_recording(self.recording):
            url = urlparse(entry["url"])
            out.append(Request(entry["method"], unquote(url.path), url.query))
        return out


def read_recording(path: Path) -> List[dict]:
    """moto's recorder appends one JSON object per request, but from concurrent request threads its separate
    writes of the object and of the newline can interleave: decode a stream of objects instead of lines."""
    text = path.read_text()
    decoder = json.JSONDecoder()
    entries, position = [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return entries
        entry, position = decoder.raw_decode(text, position)
        entries.append(entry)


@dataclass
class Request:
    method: str
    path: str
    query: str

    def object_put(self, bucket: str) -> Optional[str]:
        """The key, when this is a PUT of an object (not of the bucket itself) into `bucket`."""
        prefix = f"/{bucket}/"
        if self.method == "PUT" and self.path.startswith(prefix) and len(self.path) > len(prefix):
            return self.path[len(prefix):]
        return None


def s3_client(endpoint: str):
    import boto3

    env = aws_environment(endpoint)
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def cloudfront_client(endpoint: str):
    import boto3

    env = aws_environment(endpoint)
    return boto3.client(
        "cloudfront", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def create_site(endpoint: str, name: str) -> "Site":
    """A bucket and a CloudFront distribution in front of it, in moto."""
    bucket = f"{name}-{uuid.uuid4().hex[:8]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    origin_id = "s3-site"
    response = cloudfront_client(endpoint).create_distribution(DistributionConfig={
        "CallerReference": bucket,
        "Comment": name,
        "Enabled": True,
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [{
            "Id": origin_id,
            "DomainName": f"{bucket}.s3.us-east-1.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }]},
        "DefaultCacheBehavior": {
            "TargetOriginId": origin_id,
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    })
    return Site(endpoint, bucket, response["Distribution"]["Id"])


@dataclass
class Site:
    endpoint: str
    bucket: str
    distribution_id: str

    def objects(self) -> Dict[str, dict]:
        s3 = s3_client(self.endpoint)
        out = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                out[item["Key"]] = item
        return out

    def head(self, key: str) -> dict:
        return s3_client(self.endpoint).head_object(Bucket=self.bucket, Key=key)

    def read(self, key: str) -> bytes:
        return s3_client(self.endpoint).get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def manifest(self) -> dict:
        return json.loads(self.read(MANIFEST_KEY))

    def invalidations(self) -> List[List[str]]:
        """Paths of each invalidation, oldest first."""
        cloudfront = cloudfront_client(self.endpoint)
        summaries = cloudfront.list_invalidations(DistributionId=self.distribution_id)["InvalidationList"]
        out = []
        for summary in summaries.get("Items", []):
            invalidation = cloudfront.get_invalidation(DistributionId=self.distribution_id, Id=summary["Id"])
            batch = invalidation["Invalidation"]["InvalidationBatch"]
            out.append((invalidation["Invalidation"]["CreateTime"], sorted(batch["Paths"].get("Items", []))))
        return [paths for _, paths in sorted(out, key=lambda item: item[0])]

    def reachable(self) -> Dict[str, bool]:
        """Every key the live index.html loads, directly or through the JS/CSS it loads -> exists?"""
        existing = set(self.objects())
        seen: Dict[str, bool] = {}
        queue = ["index.html"]
        while queue:
            key = queue.pop()
            if key in seen:
                continue
            seen[key] = key in existing
            if not seen[key] or not key.endswith((".html", ".js", ".css")):
                continue
            text = self.read(key).decode("utf-8", "replace")
            base = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
            refs = re.findall(r'(?:src|href)="/([^"?#]+)"', text)
            refs += re.findall(r'["\'`](assets/[A-Za-z0-9_.\-]+)["\'`]', text)
            refs += [base + ref for ref in re.findall(r'["\'`(]\./([A-Za-z0-9_.\-]+\.(?:js|css))["\'`)]', text)]
            queue.extend(refs)
        return seen


def local_files(dist: Path) -> Dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------ fixture build
VARIANT_MARKER = "<h1>Shop</h1>"


def build_fixture_variants(workdir: Path, variants: List[str]) -> Dict[str, Path]:
    """Build the fixture app once per variant name; variant i replaces the heading of App.jsx (the first one
    builds the app as committed). Returns {variant: dist directory}."""
    app = workdir / "spa-app"
    shutil.copytree(FIXTURE, app, ignore=shutil.ignore_patterns("node_modules", "dist"))
    run = lambda *cmd: subprocess.run(cmd, cwd=app, check=True, capture_output=True, text=True, timeout=300)  # noqa: E731
    run("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
    source = (app / "src" / "App.jsx").read_text()
    assert VARIANT_MARKER in source, "the fixture's App.jsx no longer has the heading the tests edit"
    builds = {}
    for index, variant in enumerate(variants):
        heading = VARIANT_MARKER if index == 0 else f"<h1>Shop {variant}</h1>"
        (app / "src" / "App.jsx").write_text(source.replace(VARIANT_MARKER, heading))
        shutil.rmtree(app / "dist", ignore_errors=True)
        run("npm", "run", "build")
        builds[variant] = workdir / "builds" / variant
        shutil.copytree(app / "dist", builds[variant])
    return builds


# ----------------------------------------------------------------------------------------- the aws wrapper
WRAPPER = r'''#!__PYTHON__
"""Test double in front of the real AWS CLI: logs each call, optionally fails the Nth upload call."""
import json, os, subprocess, sys

REAL = __REAL__
args = sys.argv[1:]
# SPA_TEST_AWS_CLI runs another CLI (e.g. an old v2 that ignores AWS_ENDPOINT_URL): pass the endpoint along.
extra = ["--endpoint-url", os.environ["AWS_ENDPOINT_URL"]] if os.environ.get("SPA_TEST_AWS_CLI") else []
state_dir = os.environ["SPA_TEST_AWS_STATE"]
upload = (args[:2] == ["s3", "cp"] and any(a.startswith("s3://") for a in args[3:4])) or \
         args[:2] in (["s3api", "put-object"], ["s3", "sync"])
number = None
if upload:
    counter = os.path.join(state_dir, "uploads")
    number = int(open(counter).read()) + 1 if os.path.exists(counter) else 1
    open(counter, "w").write(str(number))
with open(os.path.join(state_dir, "calls.jsonl"), "a") as log:
    log.write(json.dumps({"args": args, "upload": number}) + "\n")
fail_at = int(os.environ.get("SPA_TEST_FAIL_UPLOAD", "0"))
if number is not None and number == fail_at:
    with open(os.path.join(state_dir, "failed.json"), "w") as failed:
        json.dump({"args": args, "upload": number}, failed)
    if os.environ.get("SPA_TEST_FAIL_MODE", "before") == "after":
        subprocess.run([REAL] + extra + args, check=False)
    sys.stderr.write("injected failure (test wrapper)\n")
    sys.exit(1)
fake = os.environ.get("SPA_TEST_INVALIDATION_STATUS")
if fake and args[:2] == ["cloudfront", "get-invalidation"]:
    print(fake)
    sys.exit(0)
os.execv(REAL, [REAL] + extra + args)
'''


def real_aws() -> str:
    path = os.environ.get("SPA_TEST_AWS_CLI") or shutil.which("aws")
    if not path:
        raise RuntimeError("the AWS CLI (aws) is not installed: pip install awscli")
    return path


@dataclass
class DeployResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    calls: List[dict]
    failed_call: Optional[dict]
    requests: List[Request]
    summary: Dict[str, str] = field(default_factory=dict)

    def puts(self, bucket: str, include_manifest: bool = False) -> List[str]:
        keys = [r.object_put(bucket) for r in self.requests]
        return [k for k in keys if k and (include_manifest or k != MANIFEST_KEY)]

    def output(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@dataclass
class Buildspec:
    """The deploy project of a synthesized SpaPipeline: its buildspec commands and literal variables."""
    commands: List[str]
    variables: Dict[str, str]


def synthesized_deploy_buildspec(workdir: Path) -> Buildspec:
    outdir = workdir / "cdk.out"
    # --transpile-only: the app is type-checked with the other test sources (`tsc -p test/tsconfig.json`).
    subprocess.run(["npx", "ts-node", "--transpile-only", "--project", "test/tsconfig.json", str(PIPELINE_APP), str(outdir)],
                   cwd=REPO, check=True, capture_output=True, text=True, timeout=300)
    template = json.loads((outdir / "AdminPipelineStack.template.json").read_text())
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::CodeBuild::Project":
            continue
        spec = json.loads(resource["Properties"]["Source"]["BuildSpec"])
        commands = spec["phases"]["build"]["commands"]
        if any("spa-deploy.sh" in c for c in commands):
            variables = {v["Name"]: v["Value"] for v in resource["Properties"]["Environment"]["EnvironmentVariables"]
                         if isinstance(v["Value"], str)}
            return Buildspec(commands, variables)
    raise AssertionError("no deploy project running spa-deploy.sh in the synthesized template")


class Deployer:
    def __init__(self, workdir: Path, moto: MotoServer, buildspec: Optional[Buildspec] = None):
        self.workdir = workdir
        self.moto = moto
        self.bin = workdir / "wrapper-bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        wrapper = self.bin / "aws"
        wrapper.write_text(WRAPPER.replace("__PYTHON__", sys.executable).replace("__REAL__", repr(real_aws())))
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
        self.runs = 0
        # CodeBuild runs the build phase's commands in one bash shell and stops at the first failing one.
        self.buildspec = None if os.environ.get("SPA_DEPLOY_SCRIPT") else buildspec

    def deploy(self, site: Site, dist: Path, release: str, fail_upload: int = 0, fail_mode: str = "before",
               invalidation_status: Optional[str] = None, timeout: float = 600, cwd: Optional[Path] = None,
               **settings: str) -> DeployResult:
        # `timeout` only catches a hung deploy: a cold one took over 120 s on 2 cores shared with other suites.
        self.runs += 1
        state = self.workdir / f"run-{self.runs}"
        state.mkdir()
        env = aws_environment(self.moto.endpoint)
        env.update(self.buildspec.variables if self.buildspec else {})
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env['PATH']}",
            SPA_TEST_AWS_STATE=str(state),
            SPA_BUCKET=site.bucket,
            SPA_DISTRIBUTION_ID=site.distribution_id,
            SPA_SOURCE_DIR=str(dist),
            SPA_RELEASE_ID=release,
            SPA_INVALIDATION_POLL_SECONDS="1",
        )
        for key in list(env):
            if key.startswith("SPA_TEST_FAIL") or key == "SPA_TEST_INVALIDATION_STATUS":
                del env[key]
        if fail_upload:
            env.update(SPA_TEST_FAIL_UPLOAD=str(fail_upload), SPA_TEST_FAIL_MODE=fail_mode)
        if invalidation_status:
            env["SPA_TEST_INVALIDATION_STATUS"] = invalidation_status
        env.update({k: str(v) for k, v in settings.items()})
        self.moto.reset_recording()
        started = time.monotonic()
        if self.buildspec:
            env["TMPDIR"] = str(state)
            command = ["bash", "-c", "set -e\n" + "\n".join(self.buildspec.commands)]
        else:
            command = ["bash", str(SCRIPT.resolve())]
        process = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        seconds = time.monotonic() - started
        calls_file = state / "calls.jsonl"
        calls = [json.loads(line) for line in calls_file.read_text().splitlines()] if calls_file.exists() else []
        failed = state / "failed.json"
        result = DeployResult(
            process.returncode, process.stdout, process.stderr, seconds, calls,
            json.loads(failed.read_text()) if failed.exists() else None, self.moto.requests(),
        )
        match = re.search(r"summary: (.*)$", process.stdout, re.MULTILINE)
        if match:
            result.summary = {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', match.group(1))}
        return result
