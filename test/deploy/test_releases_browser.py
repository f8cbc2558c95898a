"""Issue 14, "Must show", end to end: SPA releases deployed by the real deploy program and served by the
synthesized routing function to headless Chromium.

Run: python3 -m pytest -q -s test/deploy/test_releases_browser.py   (needs node, moto[server], the AWS CLI,
Chromium at /usr/bin/chromium, lib/spa-release.js and lib/ecom-platform-cli.js: `npx projen bundle:release
bundle:cli`, which the build runs; about 2 minutes on 2 cores, a third of it the synth)

- test/deploy/pipeline-app.ts is synthesized once (SpaHosting + SpaPipeline). Everything below is read from it.
- S3 is moto_server; the KeyValueStore is the stand-in (test/release/kvs-standin-server.ts), which the real
  SDK client of the program writes over HTTP (SigV4A, ETags) and the routing function reads through its edge
  path, as an edge sees the store: `PROPAGATION_MS` behind the API, as real stores propagate "within seconds".
- The program is the synthesized file asset (lib/spa-release.js as the template references it), put in moto's
  asset bucket and run by the deploy project's buildspec commands (`aws s3 cp "$SPA_PROGRAM_URL"`, `node ...
  deploy`) with the deploy project's environment, resolved from the templates: SPA_BUCKET, SPA_KVS_ARN and
  SPA_SITE_URL (`https://<distribution domain>`) as CloudFormation would import them. The only additions are
  the endpoints: test/deploy/local-endpoints.js (`node --require` through NODE_OPTIONS) sends the program's
  requests for `https://<distribution domain>` to the edge emulator and resolves `<account>.localhost` (where
  the KeyValueStore client's endpoint rules send a custom endpoint) to loopback.
- The edge emulator (edge.py) serves https with the template's routing function (cloudfront-function-runner.js
  with `--kvs-url`), bucket policy and response headers policy. Chromium (release-browser-check.js) loads
  https://admin.example.test through it; every other host is unreachable.
- Rollback is the published CLI (lib/ecom-platform-cli.js): `ecom-platform rollback admin-dashboard --to <id>
  --yes` in an app folder with the default naming; it reads the app's deploy project from CodeBuild (moto, the
  project created with the synthesized project's variables) and waits until the site serves the release.
- The fixture (test/fixtures/release-app) is built once per release with a visible build-time version.

Steps, in order (each test is one step's assertions; a failing step fails the ones after it loudly):
three releases go live, each seen on a deep link; a tab opened on release 1 loads its lazy chunk after release
3 is live; rollback to release 1 and forward to 3, each one store write and no S3 write; a release whose entry
script is missing is stopped by the smoke check (exit 1, the reason) and the browser still gets release 3;
no CloudFront invalidation at any point.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import boto3
import pytest

from cloudfront_template import Resolver, buildspec, codebuild_project, exports, load, only, project_variables
from edge import EdgeServer, EdgeSite, self_signed_certificate
from spa_deploy_harness import REPO, MotoServer, aws_environment, cloudfront_client, s3_client

CHROMIUM = Path("/usr/bin/chromium")
PIPELINE_APP = REPO / "test" / "deploy" / "pipeline-app.ts"
FIXTURE_BUILD = REPO / "test" / "fixtures" / "release-app" / "build.mjs"
PROGRAM = REPO / "lib" / "spa-release.js"
PRELOAD = REPO / "test" / "deploy" / "local-endpoints.js"
STANDIN = REPO / "test" / "release" / "kvs-standin-server.ts"
CLI = REPO / json.loads((REPO / "package.json").read_text())["bin"]["ecom-platform"]
APP = "admin-dashboard"  # one of the platform's default apps
DEPLOY_PROJECT = f"e-com67-{APP}-deploy"  # PlatformNaming.deployProjectName with the default project name
BROWSER = REPO / "test" / "deploy" / "release-browser-check.js"
ACCOUNT, REGION = "111122223333", "us-east-1"
KVS_ARN = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/5f0e7c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
BUCKET = "frontend-adminbucket-e2e0release"
HOST = "admin.example.test"
SITE = f"https://{HOST}"
DEEP_LINK = "/orders/42"
PROPAGATION_MS = 1500
VERSIONS = ("v1", "v2", "v3")
API_URL = "https://api.example.com"  # pipeline-app.ts's runtimeConfig
TIMINGS: List[str] = []


def phase(name: str, started: float) -> None:
    line = f"[releases-browser] {name}: {time.monotonic() - started:.1f}s"
    TIMINGS.append(line)
    print(line, file=sys.stderr)


def commit_of(n: int) -> str:
    return hashlib.sha1(f"release fixture commit {n}".encode()).hexdigest()


def release_id(n: int) -> str:
    return f"{commit_of(n)[:7]}-{n}"


# ------------------------------------------------------------------------------------------ processes
class StandIn:
    """kvs-standin-server.ts as a process; `state()` is its stores and the API requests it answered."""

    def __init__(self, workdir: Path, stores: List[str]):
        command = ["node", "-r", "ts-node/register/transpile-only", str(STANDIN), "--propagation-ms", str(PROPAGATION_MS)]
        for arn in stores:
            command += ["--store", arn]
        self.log = workdir / "kvs-standin.log"
        self.process = subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log.open("w"), text=True,
                                        env=dict(os.environ, TS_NODE_PROJECT=str(REPO / "test" / "tsconfig.json")))
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the KeyValueStore stand-in did not start: {self.log.read_text()[-3000:]}")
        started = json.loads(line)
        self.port = started["port"]
        self.endpoint = started["endpoint"]  # http://localhost:<port>: what the SDK client is given
        self.url = f"http://127.0.0.1:{self.port}"  # what the edge reads

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/__standin/state", timeout=10) as response:
            return json.loads(response.read())

    def items(self) -> Dict[str, str]:
        return self.state()["stores"][KVS_ARN]["items"]

    def writes(self) -> List[dict]:
        return [r for r in self.state()["requests"] if "changed" in r]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process.stdout.close()


class Browser:
    """release-browser-check.js: one Chromium for the whole file, tabs kept open between steps."""

    def __init__(self, workdir: Path, edge_url: str, ca: Path):
        config = workdir / "release-browser.json"
        config.write_text(json.dumps({"executablePath": str(CHROMIUM), "origins": {SITE: edge_url}, "edgeCa": str(ca)}))
        self.log = workdir / "release-browser.log"
        self.process = subprocess.Popen(["node", str(BROWSER), str(config)], cwd=REPO, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True)
        self.lines: "queue.Queue[Optional[str]]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self._next(90)
        if not first.get("ready"):
            raise RuntimeError(f"Chromium did not start: {first} {self.log.read_text()[-3000:]}")
        self.version = first["browser"]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _next(self, timeout: float) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"release-browser-check.js did not answer in {timeout} s: {self.log.read_text()[-3000:]}") from None
        if line is None:
            raise RuntimeError(f"release-browser-check.js exited {self.process.wait()}: {self.log.read_text()[-3000:]}")
        return json.loads(line)

    def send(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self._next(60)
        assert answer.get("ok"), f"browser {command}: {answer.get('error')}\nrequests: {answer.get('requests')}"
        return answer

    def open(self, tab: str, path: str = DEEP_LINK) -> dict:
        return self.send(op="open", tab=tab, url=f"{SITE}{path}", readySelector="#app-ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Run:
    """One run of the deploy project's commands."""
    name: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    s3_writes: List[str]
    store_writes: List[dict]

    def output(self) -> str:
        return f"{self.name}: exit {self.returncode} in {self.seconds:.1f}s\n--- stdout\n{self.stdout[-6000:]}\n--- stderr\n{self.stderr[-4000:]}"

    def last_error(self) -> str:
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""


@dataclass
class World:
    workdir: Path
    moto: MotoServer
    standin: StandIn
    edge: EdgeServer
    browser: Browser
    variables: Dict[str, str]
    commands: List[str]
    distribution_id: str
    distribution_domain: str
    ca: Path
    builds: Dict[str, Path]
    app_dir: Path
    runs: List[Run] = field(default_factory=list)
    moto_requests: List[str] = field(default_factory=list)

    def _moto_since_reset(self) -> List[str]:
        requests = [f"{r.method} {r.path}" for r in self.moto.requests()]
        self.moto_requests += requests
        self.moto.reset_recording()
        return requests

    def deploy(self, name: str, build: Path, n: int) -> Run:
        """The deploy project's buildspec commands, as CodeBuild runs them, in a copy of the build output."""
        artifact = self.workdir / f"artifact-{name}"
        shutil.copytree(build, artifact)
        tmp = self.workdir / f"tmp-{name}"
        tmp.mkdir()
        env = aws_environment(self.moto.endpoint)
        env.update(self.variables)
        env.update(
            CODEBUILD_RESOLVED_SOURCE_VERSION=commit_of(n),
            CODEBUILD_BUILD_NUMBER=str(n),
            TMPDIR=str(tmp),
            AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=self.standin.endpoint,
            NODE_OPTIONS=f"--require {PRELOAD}",
            LOCAL_EDGE_SITES=json.dumps({self.distribution_domain: self.edge.url}),
            NODE_EXTRA_CA_CERTS=str(self.ca),
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true",
            # The template's bound is 5 minutes; a release the edge never serves fails here in 30 s, with the
            # program's own reason (propagation here takes PROPAGATION_MS).
            SPA_PROPAGATION_TIMEOUT_SECONDS="30",
        )
        self._moto_since_reset()
        writes_before = len(self.standin.writes())
        started = time.monotonic()
        try:
            process = subprocess.run(["bash", "-c", "set -e\n" + "\n".join(self.commands)], cwd=artifact, env=env,
                                     capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"deploy {name} did not end in {error.timeout} s:\n{error.stdout}\n{error.stderr}") from None
        seconds = time.monotonic() - started
        requests = self._moto_since_reset()
        run = Run(name, process.returncode, process.stdout, process.stderr, seconds,
                  [r for r in requests if r.split(" ")[0] in ("PUT", "POST", "DELETE") and r.split(" ")[1].startswith(f"/{BUCKET}")],
                  self.standin.writes()[writes_before:])
        self.runs.append(run)
        summary = re.findall(r"^  (uploaded|last upload to live|propagation) +(.*)$", run.stdout, re.MULTILINE)
        phase(f"deploy {name}: exit {run.returncode}, {len(run.s3_writes)} S3 writes, {len(run.store_writes)} store writes; "
              + "; ".join(f"{k} {v}" for k, v in summary), started)
        return run

    def rollback(self, to: str) -> Run:
        """`ecom-platform rollback admin-dashboard --to <id> --yes` (the published CLI), in the platform's app
        folder: it finds the app's deploy project in CodeBuild (moto), switches the store and waits until the site
        (through local-endpoints.js, the edge emulator) serves the release."""
        env = aws_environment(self.moto.endpoint)
        env.update(AWS_REGION=REGION, AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=self.standin.endpoint,
                   NODE_OPTIONS=f"--require {PRELOAD}", LOCAL_EDGE_SITES=json.dumps({self.distribution_domain: self.edge.url}),
                   NODE_EXTRA_CA_CERTS=str(self.ca), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true")
        self._moto_since_reset()
        writes_before = len(self.standin.writes())
        started = time.monotonic()
        process = subprocess.run(["node", str(CLI), "rollback", APP, "--to", to, "--yes"],
                                 cwd=self.app_dir, env=env, capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - started
        requests = self._moto_since_reset()
        run = Run(f"rollback to {to}", process.returncode, process.stdout, process.stderr, seconds,
                  [r for r in requests if r.split(" ")[0] in ("PUT", "POST", "DELETE") and r.split(" ")[1].startswith(f"/{BUCKET}")],
                  self.standin.writes()[writes_before:])
        self.runs.append(run)
        phase(f"ecom-platform rollback --to {to}: exit {run.returncode}, {len(run.store_writes)} store writes, {len(run.s3_writes)} S3 writes", started)
        return run

    def served(self) -> Optional[str]:
        """The version of the app the edge serves a visitor on the deep link."""
        page = self.edge.get(DEEP_LINK, host=HOST)
        entry = re.search(rb'src="/(assets/index-[A-Za-z0-9_-]+\.js)"', page.body)
        if page.status != 200 or not entry:
            return None
        return next((v for v, build in self.builds.items() if (build / entry.group(1).decode()).exists()), None)

    def wait_served(self, version: str, timeout: float = 10.0) -> float:
        """Seconds until the edge serves `version` (the store's change reaching it)."""
        started = time.monotonic()
        while self.served() != version:
            assert time.monotonic() - started < timeout, f"{version} not served within {timeout} s (serving {self.served()})"
            time.sleep(0.05)
        return time.monotonic() - started


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    assert CHROMIUM.exists(), (
        f"Chromium is not installed at {CHROMIUM}: this test loads the releases in headless Chromium and never "
        "downloads a browser. Install it with `apt-get install -y chromium`.")
    assert shutil.which("aws"), "the AWS CLI (aws) is not installed: the deploy project's commands download the program with it"
    assert PROGRAM.exists(), f"{PROGRAM.relative_to(REPO)} is missing: run `npx projen bundle:release` (the build does)"
    assert CLI.exists(), f"{CLI.relative_to(REPO)} is missing: run `npx projen bundle:cli` (the build does)"
    assert PRELOAD.exists(), f"{PRELOAD.relative_to(REPO)} is missing: the deploy program can't reach the local emulators"
    # A bundle older than its sources would test yesterday's program: refuse it rather than pass on it.
    release_sources = list((REPO / "src" / "release").glob("*.ts")) + [REPO / "src" / "private" / "release-routing.ts"]
    for bundle, sources, task in ((PROGRAM, release_sources, "bundle:release"),
                                  (CLI, release_sources + list((REPO / "src" / "cli").glob("*.ts")), "bundle:cli")):
        stale = [p.name for p in sources if p.stat().st_mtime > bundle.stat().st_mtime + 1]
        assert not stale, f"{bundle.relative_to(REPO)} is older than {stale}: run `npx projen {task}`"
    return tmp_path_factory.mktemp("releases-browser")


@pytest.fixture(scope="module")
def synth(workdir) -> Path:
    started = time.monotonic()
    outdir = workdir / "cdk.out"
    # --transpile-only: the app is type-checked with the other test sources; here only its output counts.
    process = subprocess.run(["npx", "ts-node", "--transpile-only", "--project", "test/tsconfig.json", str(PIPELINE_APP), str(outdir)],
                             cwd=REPO, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, f"{PIPELINE_APP.name} did not synthesize:\n{process.stdout[-3000:]}\n{process.stderr[-6000:]}"
    phase("synth", started)
    return outdir


@pytest.fixture(scope="module")
def builds(workdir) -> Dict[str, Path]:
    started = time.monotonic()
    out = {}
    for version in VERSIONS + ("v4-broken",):
        out[version] = workdir / "builds" / version
        subprocess.run(["node", str(FIXTURE_BUILD), "--out", str(out[version]), "--version", version],
                       cwd=REPO, check=True, capture_output=True, text=True, timeout=120)
    phase(f"fixture builds ({len(out)})", started)
    return out


@pytest.fixture(scope="module")
def world(workdir, synth, builds):
    started = time.monotonic()
    frontend, pipeline = load(synth / "Frontend.template.json"), load(synth / "AdminPipelineStack.template.json")
    moto = MotoServer(workdir).start()
    standin = StandIn(workdir, [KVS_ARN])
    edge: Optional[EdgeServer] = None
    browser: Optional[Browser] = None
    try:
        # The frontend stack "deployed": its bucket in moto, a distribution (for its ID and to see that no
        # invalidation is ever created), its KeyValueStore in the stand-in; its exports resolved.
        s3 = s3_client(moto.endpoint)
        s3.create_bucket(Bucket=BUCKET)
        distribution = cloudfront_client(moto.endpoint).create_distribution(DistributionConfig={
            "CallerReference": BUCKET, "Comment": "Admin", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        })["Distribution"]
        distribution_id = distribution["Id"]
        bucket_logical, _ = only(frontend, "AWS::S3::Bucket", "AdminBucket")
        distribution_logical, _ = only(frontend, "AWS::CloudFront::Distribution", "Admin")
        kvs_logical, _ = only(frontend, "AWS::CloudFront::KeyValueStore", "Admin")
        domain = f"{distribution_id.lower()}.cloudfront.net"  # what the edge emulator also gives the function
        resolver = Resolver(frontend, account=ACCOUNT, region=REGION,
                            refs={bucket_logical: BUCKET, distribution_logical: distribution_id},
                            attributes={(bucket_logical, "Arn"): f"arn:aws:s3:::{BUCKET}", (kvs_logical, "Arn"): KVS_ARN,
                                        (distribution_logical, "DomainName"): domain})
        _, project = codebuild_project(pipeline, "spa-release.js")
        variables = project_variables(project, Resolver(pipeline, imports=exports(frontend, resolver), account=ACCOUNT, region=REGION))
        spec = buildspec(project)
        commands = [c for phase_ in ("install", "pre_build", "build") for c in spec["phases"].get(phase_, {}).get("commands", [])]

        # The program as the deploy project downloads it: the synthesized file asset, in the assets bucket.
        program_url = variables["SPA_PROGRAM_URL"]
        asset_bucket, asset_key = program_url[len("s3://"):].split("/", 1)
        asset = synth / f"asset.{asset_key}"
        assert asset.is_file(), f"{program_url}: no {asset.name} in the cloud assembly"
        assert asset.read_bytes() == PROGRAM.read_bytes(), f"the asset {asset.name} is not {PROGRAM.relative_to(REPO)}"
        s3.create_bucket(Bucket=asset_bucket)
        s3.upload_file(str(asset), asset_bucket, asset_key)

        ca, key = self_signed_certificate(workdir)
        edge = EdgeServer(EdgeSite(frontend, "Admin", BUCKET, s3, distribution_id=distribution_id, account=ACCOUNT, region=REGION,
                                   key_value_stores={kvs_logical: KVS_ARN}, kvs_edge_url=standin.url), tls=(ca, key)).start()
        browser = Browser(workdir, edge.url, ca)
        app_dir = platform_app(workdir, moto, project, variables)
        phase(f"servers up (moto, stand-in, edge, Chromium {browser.version})", started)
        moto.reset_recording()
        world = World(workdir, moto, standin, edge, browser, variables, commands, distribution_id, domain, ca, builds, app_dir)
        yield world
    finally:
        for stop in (browser.stop if browser else None, edge.stop if edge else None, standin.stop, moto.stop):
            if stop:
                stop()
        print("\n".join(["[releases-browser] timings:"] + TIMINGS), file=sys.stderr)
    assert not edge.errors, f"the edge emulator failed: {edge.errors}"


def platform_app(workdir: Path, moto: MotoServer, project: dict, variables: Dict[str, str]) -> Path:
    """What `ecom-platform` needs to find the app: an app folder (cdk.json, the default naming and apps) and the
    app's deploy project in CodeBuild, named as the platform names it, with the synthesized project's
    environment (the variables CloudFormation would give it)."""
    folder = workdir / "platform-app"
    folder.mkdir()
    (folder / "cdk.json").write_text(json.dumps({"app": "npx ts-node bin/app.ts", "context": {}}))
    environment = project["Properties"]["Environment"]
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    codebuild = session.client("codebuild", endpoint_url=moto.endpoint)
    moto_account = session.client("sts", endpoint_url=moto.endpoint).get_caller_identity()["Account"]  # moto's, not the template's
    codebuild.create_project(
        # moto wants a source location and artifacts bucket even where CodeBuild doesn't (CODEPIPELINE types).
        name=DEPLOY_PROJECT, source={"type": "S3", "location": f"{BUCKET}/source.zip", "buildspec": project["Properties"]["Source"]["BuildSpec"]},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=f"arn:aws:iam::{moto_account}:role/{DEPLOY_PROJECT}",
        # moto knows no Lambda compute (LINUX_LAMBDA_CONTAINER): the CLI reads only the variables.
        environment={"type": "LINUX_CONTAINER", "image": environment["Image"], "computeType": "BUILD_GENERAL1_SMALL",
                     "environmentVariables": [{"name": k, "value": v, "type": "PLAINTEXT"} for k, v in variables.items()]},
    )
    return folder


def page_problems(page: dict) -> dict:
    """What must be empty on a healthy page: errors, CSP violations, requests not answered 200."""
    return {
        "pageErrors": page["pageErrors"], "console": page["console"], "violations": page["violations"],
        "failed": page["failed"], "appErrors": (page["app"] or {}).get("errors"),
        "not200": [r for r in page["requests"] if r["status"] != 200],
    }


def assert_shows(page: dict, version: str) -> None:
    assert page["status"] == 200 and page["ready"], json.dumps(page, indent=1)[:4000]
    assert page["release"] == f"Orders app {version}", page["release"]
    assert page["api"] == f"API {API_URL}" and page["order"] == "Order 42, total $42.00", page
    assert page_problems(page) == {"pageErrors": [], "console": [], "violations": [], "failed": [], "appErrors": [], "not200": []}


# --------------------------------------------------------------------------------------------- the steps
@pytest.fixture(scope="module")
def three_releases(world):
    """Releases 1, 2, 3 deployed in turn, each opened on the deep link by a new visitor; the tab opened on
    release 1 stays open."""
    seen = {}
    for n, version in enumerate(VERSIONS, start=1):
        run = world.deploy(version, world.builds[version], n)
        assert run.returncode == 0, run.output()
        items = world.standin.items()
        started = time.monotonic()
        seen[version] = {"run": run, "live": items.get("release:live"), "previous": items.get("release:previous"),
                         "page": world.browser.open(f"tab-{version}")}
        phase(f"browser on {version}", started)
        if version != VERSIONS[0]:
            world.browser.send(op="close", tab=f"tab-{version}")
    return seen


def test_the_deploy_runs_from_the_templates(world):
    assert world.variables["SPA_BUCKET"] == BUCKET and world.variables["SPA_KVS_ARN"] == KVS_ARN
    assert world.variables["SPA_SITE_URL"] == f"https://{world.distribution_domain}"
    assert world.edge.site.key_value_store_arn == KVS_ARN, "the routing function is not associated with the hosting's store"
    assert any("SPA_PROGRAM_URL" in c for c in world.commands) and any(" deploy" in c for c in world.commands), world.commands


@pytest.mark.parametrize("n", [1, 2, 3])
def test_each_release_goes_live_and_a_new_visitor_gets_it_on_a_deep_link(three_releases, n):
    version = VERSIONS[n - 1]
    step = three_releases[version]
    assert step["live"] == release_id(n) and step["previous"] == (release_id(n - 1) if n > 1 else None), step["run"].output()
    assert_shows(step["page"], version)
    document = step["page"]["requests"][0]
    assert (document["path"], document["type"], document["cacheControl"]) == (DEEP_LINK, "document", "no-cache")


def test_a_release_uploads_only_the_hashed_assets_the_bucket_lacks(three_releases, world):
    """Release 2 shares release 1's chunk and stylesheet: only its entry, lazy chunk and own files are written."""
    puts = [w.split(" ", 1)[1][len(f"/{BUCKET}/"):] for w in three_releases["v2"]["run"].s3_writes if w.startswith("PUT ")]
    hashed = sorted(p for p in puts if p.startswith("assets/"))
    assert [re.sub(r"-[A-Z0-9]{8}\.", "-<hash>.", p) for p in hashed] == ["assets/index-<hash>.js", "assets/order-details-<hash>.js"], puts
    assert not [p for p in puts if p.endswith(".map")], "private source maps were uploaded"
    assert {p for p in puts if p.startswith("releases/")} >= {f"releases/{release_id(2)}/index.html", f"releases/{release_id(2)}/config.json"}


def test_a_tab_opened_on_release_1_loads_its_lazy_chunk_after_release_3_is_live(three_releases, world):
    assert world.served() == "v3"
    started = time.monotonic()
    details = world.browser.send(op="details", tab="tab-v1")
    phase("lazy chunk in the release 1 tab", started)
    chunk = [r for r in details["newRequests"] if "/order-details-" in r["path"]]
    assert details["state"] == "loaded" and details["details"] == "Details of order 42 (v1)", json.dumps(details, indent=1)[:4000]
    assert len(chunk) == 1 and chunk[0]["status"] == 200, details["newRequests"]
    assert (world.builds["v1"] / chunk[0]["path"][1:]).is_file() and not (world.builds["v3"] / chunk[0]["path"][1:]).exists()
    assert chunk[0]["cacheControl"] == "public, max-age=31536000, immutable"
    assert details["release"] == "Orders app v1" and details["pageErrors"] == []


@pytest.fixture(scope="module")
def rollback_and_forward(three_releases, world):
    steps = {}
    for version, n in (("v1", 1), ("v3", 3)):
        run = world.rollback(release_id(n))
        assert run.returncode == 0, run.output()
        world.wait_served(version, timeout=0.5)  # the CLI returns once the site serves the release
        # The CLI's own measure: "<site> serves <id>: propagation 2.3s (2 requests); wall time 4.2s (1.9s to switch)."
        TIMINGS.append(f"[releases-browser]   {run.stdout.strip().splitlines()[-1]}")
        print(TIMINGS[-1], file=sys.stderr)
        steps[version] = {"run": run, "live": world.standin.items().get("release:live"), "page": world.browser.open(f"after-rollback-{version}")}
        world.browser.send(op="close", tab=f"after-rollback-{version}")
    return steps


@pytest.mark.parametrize("version,n", [("v1", 1), ("v3", 3)])
def test_rollback_and_roll_forward_write_the_store_once_and_s3_never(rollback_and_forward, version, n):
    step = rollback_and_forward[version]
    assert step["live"] == release_id(n)
    assert [(w["op"], sorted(w["changed"])) for w in step["run"].store_writes] == [("UpdateKeys", ["release:live", "release:previous"])]
    assert step["run"].s3_writes == []
    assert_shows(step["page"], version)


@pytest.fixture(scope="module")
def broken_release(rollback_and_forward, world):
    build = world.builds["v4-broken"]
    entry = re.search(r'src="/(assets/index-[A-Za-z0-9_-]+\.js)"', (build / "index.html").read_text()).group(1)
    (build / entry).unlink()  # the page references an entry script its build doesn't have
    live_before = world.standin.items()
    run = world.deploy("v4-broken", build, 4)
    print(f"[releases-browser] the broken release's reason: {run.last_error()}", file=sys.stderr)
    page = world.browser.open("after-broken")
    return {"run": run, "entry": entry, "before": live_before, "after": world.standin.items(), "page": page}


def test_a_release_whose_entry_script_is_missing_is_stopped_by_the_smoke_check(broken_release):
    run = broken_release["run"]
    assert run.returncode == 1, run.output()
    reason = run.last_error()
    assert release_id(4) in reason and "smoke check" in reason and f"/{broken_release['entry']}" in reason, run.output()
    # 404, not 403: the template's bucket policy lets CloudFront list the bucket, so S3 tells a missing key apart.
    assert f"/{broken_release['entry']}: HTTP 404" in reason, reason
    assert [w for w in run.store_writes if "release:live" in w["changed"]] == [], run.store_writes


def test_the_broken_release_is_not_left_to_roll_back_to(broken_release, world):
    listing = s3_client(world.moto.endpoint).list_objects_v2(Bucket=BUCKET, Prefix="_spa-deploy/releases/")["Contents"]
    assert sorted(o["Key"] for o in listing) == sorted(f"_spa-deploy/releases/{release_id(n)}.json" for n in (1, 2, 3))


def test_the_previous_release_stays_live_for_the_browser(broken_release, world):
    assert broken_release["after"]["release:live"] == broken_release["before"]["release:live"] == release_id(3)
    assert_shows(broken_release["page"], "v3")


def test_no_cloudfront_invalidation_was_ever_created(broken_release, world):
    world._moto_since_reset()
    invalidation_calls = [r for r in world.moto_requests if "/invalidation" in r or r.startswith("POST /2020-05-31/distribution")]
    assert invalidation_calls == []
    listed = cloudfront_client(world.moto.endpoint).list_invalidations(DistributionId=world.distribution_id)["InvalidationList"]
    assert listed["Quantity"] == 0
    assert len(world.runs) == 6  # 4 deploys, 2 switches: every one of them counted above


def test_the_function_routes_by_the_contract_and_honours_a_pin_only_with_the_token(broken_release, world):
    """With release 3 live: release files come from its prefix, hashed files from the bucket root, and the pin
    headers (as a viewer sends them; CloudFront lower-cases names) open release 1 only with the store's token."""
    site, live = world.edge.site, release_id(3)

    def get(path: str, **headers: str):
        response = site.handle("GET", path, {"host": HOST, "x-forwarded-proto": "https", **headers})
        return response, site.log[-1].origin_key

    config, key = get("/config.json")
    assert (config.status, key, json.loads(config.body)) == (200, f"releases/{live}/config.json", {"apiUrl": API_URL})
    assert config.header("Cache-Control") == "no-cache"
    security, key = get("/.well-known/security.txt")
    assert (security.status, key) == (200, f"releases/{live}/.well-known/security.txt")
    assert security.body == (world.builds["v3"] / ".well-known" / "security.txt").read_bytes()
    entry = re.search(r'src="/(assets/index-[A-Za-z0-9_-]+\.js)"', (world.builds["v3"] / "index.html").read_text()).group(1)
    script, key = get(f"/{entry}")
    assert (script.status, key, script.header("Content-Type")) == (200, entry, "text/javascript; charset=utf-8")
    source_map, _ = get(f"/{entry}.map")
    assert source_map.status in (403, 404), "a private source map was served"

    token = world.standin.items()["release:pin-token"]
    pinned, key = get("/orders/7", **{"X-SPA-Release": release_id(1), "X-SPA-Release-Token": token})
    assert (pinned.status, key) == (200, f"releases/{release_id(1)}/index.html")
    for wrong in ("", token[:-1] + ("A" if token[-1] != "A" else "B")):
        stranger, key = get("/orders/7", **{"X-SPA-Release": release_id(1), "X-SPA-Release-Token": wrong})
        assert (stranger.status, key) == (200, f"releases/{live}/index.html"), wrong
