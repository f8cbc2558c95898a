"""Shared machinery of the deploy tests and the release benchmark: runs the SPA deploy program
(lib/spa-release.js) exactly as the deploy project of a synthesized SpaPipeline runs it, against local emulators.

- `MotoServer`: `moto_server` on a free loopback port (S3, and CloudFront only to count invalidations), with
  moto's request recorder on, so a test sees every HTTP request in the order the server received it.
- `KvsStandinServer`: the CloudFront KeyValueStore stand-in (test/release/kvs-standin.ts) as a process; the
  program's real KVS client talks to it over HTTP, the edge emulator reads it as an edge would.
- `synthesize()` + `publish_file_assets()`: a CDK app synthesized to a cloud assembly, and its file assets put
  into moto at the bucket and key the asset manifest names (what `cdk deploy` publishes): the deploy project's
  `aws s3 cp` really downloads the bundled program from there.
- `deploy_hosting()`: a SpaHosting's stack "deployed": its bucket in moto, its distribution (moto, for the
  invalidation count), its KeyValueStore in the stand-in; returns the physical ids and the stack's exports.
- `DeployProject.of()`: the deploy project's buildspec commands and environment, resolved from the template
  (cloudfront_template.Resolver); `Deployer.deploy()` runs those commands in one bash shell with the build
  artifact as the working directory, as CodeBuild does, with the emulators as the AWS endpoints.
- `open_site()`: all of that for one hosting and its pipeline, with the hosting's edge emulator (edge.py) running
  the template's routing function against the stand-in's store: a `ReleaseSite` to deploy to and browse.
- `S3Proxy`: a proxy in front of moto that times every request and can fail chosen uploads.
- `build_fixture_variants()`: test/fixtures/spa-app copied, `npm ci` once, `npm run build` once per variant.

The program reaches the emulators by production's names: AWS_ENDPOINT_URL (moto) and
AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE (the stand-in) for the SDK and the AWS CLI, and the preload
local-endpoints.js (NODE_OPTIONS) resolves `<account>.localhost` and sends `https://<distribution domain>`
to the hosting's edge emulator (edge.py).
"""
from __future__ import annotations

import base64
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple
from urllib.parse import unquote, urlparse

from cloudfront_template import Resolver, Unresolved, exports, only, project_variables, resources

REPO = Path(__file__).resolve().parents[2]
PROGRAM = REPO / "lib" / "spa-release.js"
PRELOAD = Path(__file__).with_name("local-endpoints.js")
PIPELINE_APP = REPO / "test" / "deploy" / "pipeline-app.ts"
FIXTURE = REPO / "test" / "fixtures" / "spa-app"
ACCOUNT, REGION = "111122223333", "us-east-1"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
RELEASES = "releases/"
# A release's manifest is `<id>.json` here: the deploy's own state, which CloudFront is denied reading.
MANIFESTS = "_spa-deploy/releases/"
KVS_LIVE, KVS_PREVIOUS, KVS_PIN_TOKEN = "release:live", "release:previous", "release:pin-token"
# What tells the deploy project's buildspec apart from the build project's.
DEPLOY_MARKERS = ("SPA_PROGRAM_URL", "spa-release")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def aws_environment(endpoint: str) -> Dict[str, str]:
    """The environment for the AWS CLI, the SDKs and boto3: moto's endpoint, dummy credentials, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true",
    )
    return env


def wait_for(url: str, process: subprocess.Popen, what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer on {url}: {log.read_text()[-2000:] if log.exists() else ''}")
        time.sleep(0.2)


def stop_process(process: Optional[subprocess.Popen]) -> None:
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class MotoServer:
    def __init__(self, workdir: Path, launcher: Optional[Path] = None):
        # launcher: a Python script starting moto's server (with patches), instead of moto_server itself.
        self.launcher = launcher
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.recording = workdir / f"moto-recording-{self.port}.jsonl"
        self.log = workdir / f"moto-server-{self.port}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "MotoServer":
        command = [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(self.port)]
        if not shutil.which("moto_server"):
            command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        if self.launcher is not None:
            command = [sys.executable, str(self.launcher), "-H", "127.0.0.1", "-p", str(self.port)]
        env = dict(os.environ, MOTO_ENABLE_RECORDING="true", MOTO_RECORDER_FILEPATH=str(self.recording))
        self.process = subprocess.Popen(command, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        try:
            wait_for(f"{self.endpoint}/moto-api/data.json", self.process, "moto_server", self.log, timeout=30)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def reset_recording(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/recorder/reset-recording", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def requests(self) -> List["Request"]:
        if not self.recording.exists():
            return []
        out = []
        for entry in read_recording(self.recording):
            url = urlparse(entry["url"])
            headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
            body = entry.get("body") or ""
            data = base64.b64decode(body) if entry.get("body_encoded") else body.encode()
            out.append(Request(entry["method"], unquote(url.path), url.query, headers, data))
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
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def access_key_id(self) -> Optional[str]:
        """The access key id the request was signed with (SigV4's `Credential=<id>/...`)."""
        found = re.search(r"Credential=([^/,\s]+)/", self.headers.get("authorization", ""))
        return found.group(1) if found else None

    @property
    def target(self) -> str:
        """The JSON protocol's operation (`AmazonSSM.GetParameter`), or the query protocol's `Action`."""
        if "x-amz-target" in self.headers:
            return self.headers["x-amz-target"]
        action = urllib.parse.parse_qs(self.body.decode("utf-8", "replace")).get("Action", [""])[0]
        return action

    def object_put(self, bucket: str) -> Optional[str]:
        """The key, when this is a PUT of an object (not of the bucket itself) into `bucket`."""
        prefix = f"/{bucket}/"
        if self.method == "PUT" and self.path.startswith(prefix) and len(self.path) > len(prefix) and "x-id=CopyObject" not in self.query:
            return self.path[len(prefix):]
        return None

    def is_invalidation(self) -> bool:
        return self.method == "POST" and self.path.endswith("/invalidation")


def _client(service: str, endpoint: str):
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def client_in_account(service: str, endpoint: str, account: str):
    """A boto3 client acting in `account` of moto (another account than the default credentials' one): moto
    keeps each account's resources apart (SSM parameters, IAM roles) and maps a session's key to its account."""
    import boto3

    sts = _client("sts", endpoint)
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/test-setup", RoleSessionName="test-setup")["Credentials"]
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])


def caller_arn(endpoint: str, access_key_id: str) -> str:
    """Who moto says signs with `access_key_id` (GetCallerIdentity signed with that key): an assumed role's
    session key answers `arn:aws:sts::<account>:assumed-role/<role>/<session>`."""
    import boto3

    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=access_key_id,
                       aws_secret_access_key="unused-moto-does-not-check-signatures")
    return sts.get_caller_identity()["Arn"]


def s3_client(endpoint: str):
    return _client("s3", endpoint)


def cloudfront_client(endpoint: str):
    return _client("cloudfront", endpoint)


class S3Proxy:
    """A reverse proxy in front of moto that records (monotonic time, method, path, object bytes) of every request
    and can fail chosen object PUTs with an S3 error instead of forwarding them (a failed upload).
    Point a client at it with AWS_ENDPOINT_URL=<endpoint>."""

    def __init__(self, target: str):
        self.target = urlparse(target)
        self.log: List[Tuple[float, str, str, int]] = []
        self.failed: List[str] = []
        self._fail: Optional[Tuple[str, object, int, str]] = None
        self._puts = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = unquote(urlparse(self.path).path)
                size = int(self.headers.get("x-amz-decoded-content-length") or length)
                injected = proxy._injected(self.command, path)
                if injected:
                    status, code = injected
                    data = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>"
                            f"<Message>injected by the test proxy</Message></Error>").encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                connection = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=120)
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
                proxy.log.append((time.monotonic(), self.command, path, size))
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail_put(self, bucket: str, which, status: int = 403, code: str = "AccessDenied") -> None:
        """From now on, the object PUTs into `bucket` for which `which(key, n)` is true (n: 1 for the first PUT
        into the bucket after this call) answer `status`/`code`; `None` stops failing."""
        with self._lock:
            self._fail = None if which is None else (bucket, which, status, code)
            self._puts = 0
            self.failed = []

    def _injected(self, method: str, path: str) -> Optional[Tuple[int, str]]:
        with self._lock:
            if self._fail is None or method != "PUT":
                return None
            bucket, which, status, code = self._fail
            prefix = f"/{bucket}/"
            if not path.startswith(prefix) or len(path) == len(prefix):
                return None
            self._puts += 1
            key = path[len(prefix):]
            if not which(key, self._puts):
                return None
            self.failed.append(key)
            return status, code

    def since(self, index: int) -> List[Tuple[float, str, str, int]]:
        return self.log[index:]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------------------------------ the KVS stand-in
STANDIN_SERVER = REPO / "test" / "release" / "kvs-standin-server.ts"


def new_kvs_arn() -> str:
    return f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/{uuid.uuid4()}"


class KvsStandinServer:
    """test/release/kvs-standin.ts as a process (kvs-standin-server.ts), on a free loopback port.

    Its stores exist from the start (the stand-in has no control plane): `stores` ARNs are made up front and
    handed out by `take_store()`, one per hosting. `endpoint` is what the KVS client is given
    (`http://localhost:<port>`); `state()` is the stand-in's dump (committed items, every API request)."""

    def __init__(self, workdir: Path, stores: int = 4, propagation_ms: int = 0):
        self.arns = [new_kvs_arn() for _ in range(stores)]
        self._free = list(self.arns)
        self.propagation_ms = propagation_ms
        self.log = workdir / f"kvs-standin-{uuid.uuid4().hex[:8]}.log"
        self.process: Optional[subprocess.Popen] = None
        self.endpoint = ""
        self.port = 0

    def start(self) -> "KvsStandinServer":
        command = ["node", "-r", "ts-node/register/transpile-only", str(STANDIN_SERVER),
                   "--propagation-ms", str(self.propagation_ms)]
        for arn in self.arns:
            command += ["--store", arn]
        env = dict(os.environ, TS_NODE_PROJECT=str(REPO / "test" / "tsconfig.json"))
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log.open("w"), text=True)
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"the KeyValueStore stand-in did not start: {self.log.read_text()[-3000:]}")
        started = json.loads(line)
        self.endpoint, self.port = started["endpoint"], started["port"]
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.stdin.close()  # the stand-in stops when its stdin closes
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                stop_process(self.process)

    def take_store(self) -> str:
        if not self._free:
            raise AssertionError(f"every one of the stand-in's {len(self.arns)} stores is in use: start it with more")
        return self._free.pop(0)

    @property
    def edge_url(self) -> str:
        """Where an emulated CloudFront Function reads its store (`/__edge/<ARN>/<key>`)."""
        return f"http://127.0.0.1:{self.port}"

    def state(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__standin/state", timeout=10) as response:
            return json.loads(response.read())

    def items(self, arn: str) -> Dict[str, str]:
        return self.state()["stores"][arn]["items"]

    def requests(self) -> List[dict]:
        return self.state()["requests"]

    def writes(self) -> List[dict]:
        return [r for r in self.requests() if r.get("changed") is not None]


# ------------------------------------------------------------------------------------ templates and assets
def synthesize(app: Path, outdir: Path) -> Dict[str, dict]:
    """`app` (a CDK app of test/deploy taking the outdir as argv[2]) synthesized; templates by stack name."""
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true")
    env.pop("npm_config_call", None)  # under `npx -c`, it would turn this npx into another `-c`
    # Transpile only: the app is type-checked with the other test sources (`tsc -p test/tsconfig.json`).
    synth = subprocess.run(["npx", "ts-node", "--project", "test/tsconfig.json", str(app), str(outdir)],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if synth.returncode != 0:
        raise AssertionError(f"{app.name} did not synthesize:\n{synth.stdout[-3000:]}\n{synth.stderr[-6000:]}")
    return {p.name[: -len(".template.json")]: json.loads(p.read_text()) for p in outdir.glob("*.template.json")}


def asset_placeholders(text: str) -> str:
    return (text.replace("${AWS::AccountId}", ACCOUNT).replace("${AWS::Region}", REGION)
            .replace("${AWS::Partition}", "aws"))


def publish_file_assets(outdir: Path, endpoint: str) -> Dict[Tuple[str, str], Path]:
    """Every file asset of the assembly (`*.assets.json`) put into moto where its manifest says, as `cdk deploy`
    publishes it. Directory assets (zipped) are skipped: the deploy test needs none. Returns (bucket, key) -> file."""
    s3 = s3_client(endpoint)
    published: Dict[Tuple[str, str], Path] = {}
    for manifest in sorted(outdir.glob("*.assets.json")):
        for asset in json.loads(manifest.read_text()).get("files", {}).values():
            source = outdir / asset["source"]["path"]
            if asset["source"].get("packaging", "file") != "file" or not source.is_file():
                continue
            for destination in asset["destinations"].values():
                bucket = asset_placeholders(destination["bucketName"])
                key = asset_placeholders(destination["objectKey"])
                if (bucket, key) in published:
                    continue
                try:
                    s3.create_bucket(Bucket=bucket)
                except s3.exceptions.BucketAlreadyOwnedByYou:
                    pass
                s3.put_object(Bucket=bucket, Key=key, Body=source.read_bytes())
                published[(bucket, key)] = source
    return published


@dataclass
class Hosting:
    """A SpaHosting "deployed": its bucket in moto, its distribution (moto), its KeyValueStore (the stand-in)."""
    endpoint: str
    construct_id: str
    bucket: str
    distribution_id: str
    kvs_arn: str
    exports: Dict[str, str]
    kvs_logical: str = ""

    @property
    def domain(self) -> str:
        # What edge.py's EdgeSite calls the distribution's domain name.
        return f"{self.distribution_id.lower()}.cloudfront.net"

    @property
    def url(self) -> str:
        return f"https://{self.domain}"

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

    def manifest(self, release: str) -> dict:
        return json.loads(self.read(f"{MANIFESTS}{release}.json"))

    def invalidations(self) -> int:
        cloudfront = cloudfront_client(self.endpoint)
        listing = cloudfront.list_invalidations(DistributionId=self.distribution_id)["InvalidationList"]
        return listing.get("Quantity", 0)


def deploy_hostings(template: dict, construct_ids: List[str], moto: MotoServer, standin: Optional[KvsStandinServer],
                    ssm: Optional[Mapping[str, str]] = None) -> Dict[str, Hosting]:
    """The SpaHostings `construct_ids` of one synthesized stack "deployed": each bucket (named as the template
    names it, else a fresh name), distribution and KeyValueStore created; the stack's exports resolved with
    their physical ids (what the pipeline stacks import)."""
    refs: Dict[str, str] = {}
    attributes: Dict[Tuple[str, str], str] = {}
    made = {}
    for construct_id in construct_ids:
        bucket_logical, bucket = only(template, "AWS::S3::Bucket", f"{construct_id}Bucket")
        name = bucket["Properties"].get("BucketName")
        bucket_name = Resolver(template, ssm=ssm).resolve(name) if name else f"{construct_id.lower()}-{uuid.uuid4().hex[:12]}"
        s3_client(moto.endpoint).create_bucket(Bucket=bucket_name)
        distribution_logical, _ = only(template, "AWS::CloudFront::Distribution", construct_id)
        distribution_id = cloudfront_client(moto.endpoint).create_distribution(DistributionConfig={
            "CallerReference": bucket_name, "Comment": construct_id, "Enabled": True, "DefaultRootObject": "index.html",
            "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": f"{bucket_name}.s3.{REGION}.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        })["Distribution"]["Id"]
        refs.update({bucket_logical: bucket_name, distribution_logical: distribution_id})
        attributes.update({
            (bucket_logical, "Arn"): f"arn:aws:s3:::{bucket_name}",
            (bucket_logical, "RegionalDomainName"): f"{bucket_name}.s3.{REGION}.amazonaws.com",
            (distribution_logical, "DomainName"): f"{distribution_id.lower()}.cloudfront.net",
            (distribution_logical, "Id"): distribution_id,
        })
        kvs_arn, kvs_logical = "", ""
        stores = resources(template, "AWS::CloudFront::KeyValueStore", construct_id)
        if len(stores) > 1:
            raise AssertionError(f"{construct_id}: more than one KeyValueStore: {sorted(stores)}")
        for logical, store in stores.items():
            kvs_arn, kvs_logical = (standin.take_store() if standin is not None else new_kvs_arn()), logical
            refs[logical] = store["Properties"].get("Name", logical)
            attributes.update({(logical, "Arn"): kvs_arn, (logical, "Id"): kvs_arn.rsplit("/", 1)[1], (logical, "Status"): "READY"})
        made[construct_id] = (bucket_name, distribution_id, kvs_arn, kvs_logical)
    resolver = Resolver(template, ssm=ssm, refs=refs, attributes=attributes, account=ACCOUNT, region=REGION)
    stack_exports = exports(template, resolver)
    return {cid: Hosting(moto.endpoint, cid, *made[cid][:3], stack_exports, made[cid][3]) for cid in construct_ids}


def deploy_hosting(template: dict, construct_id: str, moto: MotoServer, standin: Optional[KvsStandinServer],
                   ssm: Optional[Mapping[str, str]] = None) -> Hosting:
    return deploy_hostings(template, [construct_id], moto, standin, ssm)[construct_id]


@dataclass
class DeployProject:
    """The deploy project of a synthesized SpaPipeline: its build commands and its environment, resolved."""
    logical_id: str
    commands: List[str]
    variables: Dict[str, str]
    spec: dict

    @staticmethod
    def of(template: dict, resolver: Resolver) -> "DeployProject":
        found = []
        for logical, project in resources(template, "AWS::CodeBuild::Project").items():
            spec = project["Properties"]["Source"].get("BuildSpec")
            if spec is not None and any(m in json.dumps(spec) for m in DEPLOY_MARKERS):
                found.append((logical, project, spec))
        if len(found) != 1:
            raise AssertionError(f"expected one CodeBuild project running the deploy program, found {[f[0] for f in found]}")
        logical, project, spec = found[0]
        # The buildspec names the program's asset (bucket, key): a Fn::Join/Fn::Sub the resolver evaluates.
        text = spec if isinstance(spec, str) else resolver.resolve(spec, f"{logical}.Source.BuildSpec")
        parsed = json.loads(text)
        phases = parsed["phases"]
        unknown = set(phases) - {"install", "pre_build", "build", "post_build"}
        if unknown:
            raise Unresolved(f"{logical}: buildspec phases {sorted(unknown)} are not run by the harness")
        commands = [c for phase in ("install", "pre_build", "build", "post_build") for c in phases.get(phase, {}).get("commands", [])]
        variables = project_variables(project, resolver)
        variables.update({k: str(v) for k, v in parsed.get("env", {}).get("variables", {}).items()})
        return DeployProject(logical, commands, variables, parsed)


def pipeline_resolver(template: dict, hosting: Hosting, ssm: Optional[Mapping[str, str]] = None) -> Resolver:
    """Resolves the pipeline stack's references: imports of the hosting stack's exports, the bootstrap bucket."""
    return Resolver(template, ssm=ssm, imports=hosting.exports, account=ACCOUNT, region=REGION)


# ------------------------------------------------------------------------------------------ fixture build
VARIANT_MARKER = "<h1>Shop</h1>"


def local_files(dist: Path) -> Dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


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


# -------------------------------------------------------------------------------------------- the deploy
@dataclass
class DeployResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    requests: List[Request]
    kvs_writes: List[dict]
    release: str

    def puts(self, bucket: str) -> List[str]:
        """Keys of the objects the deploy put into `bucket`, in the order moto received them."""
        return [k for k in (r.object_put(bucket) for r in self.requests) if k]

    def invalidations(self) -> int:
        return sum(1 for r in self.requests if r.is_invalidation())

    def last_line(self) -> str:
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def output(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-6000:]}\n--- stderr\n{self.stderr[-6000:]}"


def commit_of(n: int) -> str:
    """A 40-hex commit for build n (the release id is its first 7 characters and the build number)."""
    import hashlib

    return hashlib.sha1(f"commit {n}".encode()).hexdigest()


def release_id(commit: str, build_number: int) -> str:
    return f"{commit[:7]}-{build_number}"


class Deployer:
    """Runs a deploy project's commands against moto, the KVS stand-in and the hosting's edge emulator."""

    def __init__(self, workdir: Path, moto: MotoServer, standin: Optional[KvsStandinServer], project: DeployProject,
                 sites: Optional[Mapping[str, str]] = None):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.moto = moto
        self.standin = standin
        self.project = project
        self.sites = dict(sites or {})  # distribution domain -> local edge URL
        self.runs = 0

    def environment(self, commit: str, build_number: int, state: Path, settings: Mapping[str, str]) -> Dict[str, str]:
        env = aws_environment(self.moto.endpoint)
        for key in list(env):
            if key.startswith(("SPA_", "CODEBUILD_", "npm_")):
                del env[key]
        env.update(self.project.variables)
        env.update(
            CODEBUILD_RESOLVED_SOURCE_VERSION=commit,
            CODEBUILD_BUILD_NUMBER=str(build_number),
            CODEBUILD_SRC_DIR=str(state),
            TMPDIR=str(state),
            NODE_OPTIONS=f"--require {PRELOAD}",
            LOCAL_EDGE_SITES=json.dumps(self.sites),
        )
        if self.standin is not None:
            env["AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE"] = self.standin.endpoint
        for key, value in settings.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = str(value)
        return env

    def deploy(self, build: Path, build_number: int, commit: Optional[str] = None, timeout: float = 600,
               **settings: Optional[str]) -> DeployResult:
        """One run of the deploy project with `build` as the artifact (the working directory)."""
        self.runs += 1
        commit = commit or commit_of(build_number)
        state = self.workdir / f"run-{self.runs}"
        state.mkdir()
        env = self.environment(commit, build_number, state, settings)
        kvs_before = len(self.standin.writes()) if self.standin else 0
        self.moto.reset_recording()
        started = time.monotonic()
        # CodeBuild runs the phases' commands in one shell and stops at the first failing one.
        script = "set -e\n" + "\n".join(self.project.commands)
        process = subprocess.run(["bash", "-c", script], env=env, cwd=build, capture_output=True, text=True, timeout=timeout)
        seconds = time.monotonic() - started
        writes = self.standin.writes()[kvs_before:] if self.standin else []
        return DeployResult(process.returncode, process.stdout, process.stderr, seconds, self.moto.requests(), writes,
                            release_id(commit, build_number))


# ------------------------------------------------------------------------------- a hosting with its pipeline
@dataclass
class ReleaseSite:
    """One SpaHosting deployed to the emulators, its edge emulator serving it, and its pipeline's deploy project."""
    hosting: Hosting
    edge: object  # edge.EdgeServer
    deployer: Deployer
    standin: KvsStandinServer

    def store(self) -> Dict[str, str]:
        return self.standin.items(self.hosting.kvs_arn)

    def live(self) -> Optional[str]:
        return self.store().get(KVS_LIVE)

    def get(self, path: str, headers: Optional[Mapping[str, str]] = None):
        """A viewer's https request through the edge emulator (the template's function, the store as an edge sees it)."""
        if not headers:
            return self.edge.get(path, host=self.hosting.domain)
        sent = {"host": self.hosting.domain, "x-forwarded-proto": "https", **{k.lower(): v for k, v in headers.items()}}
        return self.edge.site.handle("GET", path, sent)

    def deploy(self, build: Path, build_number: int, **settings) -> DeployResult:
        return self.deployer.deploy(build, build_number, **settings)

    def close(self) -> None:
        self.edge.stop()


def open_site(workdir: Path, templates: Mapping[str, dict], moto: MotoServer, standin: KvsStandinServer,
              frontend_stack: str, hosting_id: str, pipeline_stack: str,
              ssm: Optional[Mapping[str, str]] = None, hosting: Optional[Hosting] = None) -> ReleaseSite:
    """Deploys `hosting_id` of `frontend_stack` to the emulators (unless `hosting` already is), starts its edge
    emulator, and reads the deploy project of `pipeline_stack` with the hosting stack's exports."""
    from edge import EdgeServer, EdgeSite

    hosting = hosting or deploy_hosting(templates[frontend_stack], hosting_id, moto, standin, ssm=ssm)
    edge = EdgeServer(EdgeSite(templates[frontend_stack], hosting_id, hosting.bucket, s3_client(moto.endpoint), ssm=ssm or {},
                               distribution_id=hosting.distribution_id, kvs_edge_url=standin.edge_url,
                               key_value_stores={hosting.kvs_logical: hosting.kvs_arn} if hosting.kvs_logical else {})).start()
    project = DeployProject.of(templates[pipeline_stack], pipeline_resolver(templates[pipeline_stack], hosting, ssm))
    deployer = Deployer(workdir / f"deploy-{hosting.bucket}", moto, standin, project, {hosting.domain: edge.url})
    return ReleaseSite(hosting, edge, deployer, standin)
