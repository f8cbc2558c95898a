"""A local stand-in for the CloudFront distribution of a synthesized SpaHosting: an HTTP server on 127.0.0.1.

Everything it does comes from the template, resolved with `cloudfront_template.Resolver`:

- the default behaviour's allowed methods (others: 403) and viewer protocol policy (`redirect-to-https`: a
  request whose `X-Forwarded-Proto` is not `https` gets a 301 to the https URL; the browser driver always
  sends `https`, as the viewer's scheme);
- its viewer-request CloudFront Function (`FunctionCode` and runtime of the `AWS::CloudFront::Function` the
  association points at), run with node in a fresh vm context per site (cloudfront-function-runner.js); a
  returned request's `uri` is what the origin is asked for, a returned response is sent as it is. The viewer's
  headers reach it as CloudFront passes them: names lower-cased in `event.request.headers` (so a release pin,
  `x-spa-release` and `x-spa-release-token`, arrives as sent);
- the function's KeyValueStore association (`KeyValueStoreAssociations`): its `cloudfront` module's `kvs()`
  reads the KeyValueStore stand-in (test/release/kvs-standin-server.ts) through its edge path, as an edge
  sees the store (the stand-in's propagation delay), the same store the deploy writes with the real SDK;
- the distribution's `DefaultRootObject` for `/`, and the origin's `OriginPath`;
- the S3 origin with origin access control: the object is read from moto's S3 only if the bucket policy
  lets `cloudfront.amazonaws.com` `s3:GetObject` it (explicit Deny wins: `_spa-deploy/*` answers 403, as
  S3 does); a missing key answers 404 when the policy also grants `s3:ListBucket`, else 403 (S3's rule).
  Conditions are evaluated for what CloudFront sends: `AWS:SourceArn` is this distribution's ARN,
  `aws:SecureTransport` is true, `s3:TlsVersion` is 1.3; any other condition fails loudly;
- the response headers policy's security headers (CSP, HSTS, X-Frame-Options, X-Content-Type-Options,
  Referrer-Policy, X-XSS-Protection) and custom headers, honouring `Override`; removed headers.

Not emulated (and refused where the template asks for it): caching and invalidations (every request goes to
the origin), compression, additional cache behaviours, custom error responses, CORS and Server-Timing
headers of a response headers policy, viewer-response functions, Lambda@Edge, geo restriction, WAF, custom
domains, origin groups. TLS is only the viewer's side: `EdgeServer(tls=self_signed_certificate(dir))` serves
https with a certificate for 127.0.0.1 that a client must be told to trust (NODE_EXTRA_CA_CERTS for node).
"""
from __future__ import annotations

import fnmatch
import http.server
import json
import ssl
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from botocore.exceptions import ClientError

from cloudfront_template import Resolver, Unresolved, only, resources

RUNNER = Path(__file__).with_name("cloudfront-function-runner.js")
ORIGIN_HEADERS = (
    "content-type", "content-length", "cache-control", "etag", "last-modified", "content-encoding",
    "content-language", "content-disposition", "expires", "x-amz-version-id", "x-amz-server-side-encryption",
)
FRAME_OPTIONS = {"DENY": "DENY", "SAMEORIGIN": "SAMEORIGIN"}


class FunctionRunner:
    """One node process holding the function's code; events in, results out, one at a time."""

    def __init__(self, code: str, runtime: str, kvs_url: Optional[str] = None):
        """kvs_url: where the function's `kvs()` reads keys, `<kvs_url>/<url-encoded key>` (200 + value, or 404)."""
        self._dir = tempfile.TemporaryDirectory(prefix="cf-function-")
        code_file = Path(self._dir.name) / "function.js"
        code_file.write_text(code)
        self._process = subprocess.Popen(
            ["node", str(RUNNER), str(code_file), runtime] + (["--kvs-url", kvs_url] if kvs_url else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        self._lock = threading.Lock()

    def run(self, event: dict) -> dict:
        with self._lock:
            if self._process.poll() is not None:
                raise RuntimeError(f"the CloudFront Function runner exited: {self._process.stdout.read()} {self._process.stderr.read()}")
            self._process.stdin.write(json.dumps(event) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the CloudFront Function runner exited: {self._process.stderr.read()}")
        answer = json.loads(line)
        if "fatal" in answer:
            raise RuntimeError(f"CloudFront Function: {answer['fatal']}")
        if "error" in answer:
            # CloudFront answers 503 when a function throws (FunctionExecutionError).
            return {"statusCode": 503, "statusDescription": "Service Unavailable", "headers": {},
                    "body": f"function error: {answer['error']}"}
        return answer["result"]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        for stream in (self._process.stdout, self._process.stderr):
            stream.close()
        self._dir.cleanup()


@dataclass
class Statement:
    effect: str
    actions: List[str]
    resources: List[str]
    principal_matches: bool
    conditions: dict

    def applies(self, action: str, resource: str, facts: Mapping[str, str]) -> bool:
        if not self.principal_matches:
            return False
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in self.actions):
            return False
        if not any(fnmatch.fnmatchcase(resource, r) for r in self.resources):
            return False
        return all(condition_holds(operator, key, expected, facts)
                   for operator, block in self.conditions.items() for key, expected in block.items())


def condition_holds(operator: str, key: str, expected, facts: Mapping[str, str]) -> bool:
    key_lower = key.lower()
    actual = {k.lower(): v for k, v in facts.items()}.get(key_lower)
    if actual is None:
        raise Unresolved(f"bucket policy condition {operator} {key}: the edge emulator does not know this key")
    values = expected if isinstance(expected, list) else [expected]
    if operator in ("StringEquals", "ArnEquals"):
        return any(actual == str(v) for v in values)
    if operator in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(actual, str(v)) for v in values)
    if operator == "Bool":
        return any(actual.lower() == str(v).lower() for v in values)
    if operator == "NumericLessThan":
        return any(float(actual) < float(v) for v in values)
    raise Unresolved(f"bucket policy condition operator {operator} is not emulated")


def policy_statements(document: dict) -> List[Statement]:
    out = []
    for raw in document["Statement"]:
        principal = raw.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        aws = principal.get("AWS", []) if isinstance(principal, dict) else principal
        services = services if isinstance(services, list) else [services]
        aws = aws if isinstance(aws, list) else [aws]
        if "NotAction" in raw or "NotResource" in raw or "NotPrincipal" in raw:
            raise Unresolved("bucket policy with NotAction/NotResource/NotPrincipal is not emulated")
        as_list = lambda v: v if isinstance(v, list) else [v]  # noqa: E731
        out.append(Statement(
            effect=raw["Effect"],
            actions=as_list(raw["Action"]),
            resources=as_list(raw["Resource"]),
            principal_matches="cloudfront.amazonaws.com" in services or "*" in aws,
            conditions=raw.get("Condition", {}),
        ))
    return out


@dataclass
class Response:
    status: int
    headers: List[Tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class LogEntry:
    method: str
    path: str
    origin_key: Optional[str]
    status: int


@dataclass
class EdgeSite:
    """What the distribution of one SpaHosting does, read from the template; `handle()` answers one request."""
    template: dict
    hosting: str  # the hosting's construct ID, the prefix of its logical IDs ("CustomerApp")
    bucket: str  # the bucket the deploy wrote to (its physical name in moto)
    s3: object  # a boto3 S3 client for moto
    ssm: Mapping[str, str] = field(default_factory=dict)
    distribution_id: str = "E2EDGEEMULATOR"
    account: str = "111122223333"
    region: str = "us-east-1"
    # logical ID of an AWS::CloudFront::KeyValueStore of the template -> its ARN (what Fn::GetAtt Arn gives)
    key_value_stores: Mapping[str, str] = field(default_factory=dict)
    # the KeyValueStore stand-in's endpoint (http://127.0.0.1:<port>); required when the function reads a store
    kvs_edge_url: Optional[str] = None
    log: List[LogEntry] = field(default_factory=list)

    def __post_init__(self):
        template = self.template
        dist_id, distribution = only(template, "AWS::CloudFront::Distribution", self.hosting)
        config = distribution["Properties"]["DistributionConfig"]
        behaviour = config["DefaultCacheBehavior"]
        for unsupported in ("CacheBehaviors", "CustomErrorResponses", "OriginGroups"):
            if config.get(unsupported):
                raise Unresolved(f"{dist_id}: {unsupported} are not emulated by the edge emulator")
        if behaviour.get("LambdaFunctionAssociations"):
            raise Unresolved(f"{dist_id}: Lambda@Edge is not emulated")
        origin = next(o for o in config["Origins"] if o["Id"] == behaviour["TargetOriginId"])
        if "S3OriginConfig" not in origin or "OriginAccessControlId" not in origin:
            raise Unresolved(f"{dist_id}: only an S3 origin with origin access control is emulated, got {sorted(origin)}")
        bucket_logical = origin["DomainName"]["Fn::GetAtt"][0]
        refs = {dist_id: self.distribution_id, bucket_logical: self.bucket}
        attributes = {
            (bucket_logical, "Arn"): f"arn:aws:s3:::{self.bucket}",
            (bucket_logical, "RegionalDomainName"): f"{self.bucket}.s3.{self.region}.amazonaws.com",
            (dist_id, "DomainName"): f"{self.distribution_id.lower()}.cloudfront.net",
        }
        for logical, arn in self.key_value_stores.items():
            if template["Resources"].get(logical, {}).get("Type") != "AWS::CloudFront::KeyValueStore":
                raise Unresolved(f"key_value_stores: {logical} is not an AWS::CloudFront::KeyValueStore of the template")
            attributes[(logical, "Arn")] = arn
            attributes[(logical, "Id")] = arn.rsplit("/", 1)[1]
            name = template["Resources"][logical]["Properties"].get("Name")
            if isinstance(name, str):
                refs[logical] = name  # Ref of a KeyValueStore is its name
        self.resolver = Resolver(template, ssm=self.ssm, account=self.account, region=self.region,
                                 refs=refs, attributes=attributes)
        self.distribution_arn = f"arn:aws:cloudfront::{self.account}:distribution/{self.distribution_id}"
        self.allowed_methods = behaviour.get("AllowedMethods", ["GET", "HEAD"])
        self.viewer_protocol = behaviour["ViewerProtocolPolicy"]
        self.default_root_object = config.get("DefaultRootObject")
        self.origin_path = self.resolver.resolve(origin.get("OriginPath", ""), f"{dist_id}.OriginPath")

        self.function: Optional[FunctionRunner] = None
        self.key_value_store_arn: Optional[str] = None
        for association in behaviour.get("FunctionAssociations", []):
            if association["EventType"] != "viewer-request":
                raise Unresolved(f"{dist_id}: {association['EventType']} functions are not emulated")
            function_logical = association["FunctionARN"]["Fn::GetAtt"][0]
            function = template["Resources"][function_logical]["Properties"]
            code = self.resolver.resolve(function["FunctionCode"], "FunctionCode")
            kvs_url = self._kvs_url(function_logical, function["FunctionConfig"])
            self.function = FunctionRunner(code, function["FunctionConfig"]["Runtime"], kvs_url)

        self.statements: List[Statement] = []
        for key, policy in resources(template, "AWS::S3::BucketPolicy").items():
            if policy["Properties"]["Bucket"] == {"Ref": bucket_logical}:
                self.statements += policy_statements(self.resolver.resolve(policy["Properties"]["PolicyDocument"], key))

        self.header_policy = self._header_policy(behaviour)

    def _kvs_url(self, function_logical: str, config: dict) -> Optional[str]:
        """The stand-in's edge path for the function's store: `<kvs_edge_url>/__edge/<store id>`."""
        associations = config.get("KeyValueStoreAssociations") or []
        if not associations:
            return None
        if len(associations) > 1:
            raise Unresolved(f"{function_logical}: {len(associations)} KeyValueStore associations (CloudFront allows one per function)")
        arn = self.resolver.resolve(associations[0]["KeyValueStoreARN"], f"{function_logical}.KeyValueStoreAssociations")
        if self.kvs_edge_url is None:
            raise Unresolved(f"{function_logical} reads KeyValueStore {arn}: give EdgeSite kvs_edge_url (the KeyValueStore stand-in)")
        self.key_value_store_arn = arn
        return f"{self.kvs_edge_url.rstrip('/')}/__edge/{quote(arn.rsplit('/', 1)[1], safe='')}"

    def _header_policy(self, behaviour: dict) -> dict:
        reference = behaviour.get("ResponseHeadersPolicyId")
        if reference is None:
            return {}
        if not isinstance(reference, dict) or "Ref" not in reference:
            raise Unresolved(f"ResponseHeadersPolicyId {reference!r}: only a policy of the template is emulated")
        policy = self.template["Resources"][reference["Ref"]]
        config = self.resolver.resolve(policy["Properties"]["ResponseHeadersPolicyConfig"], reference["Ref"])
        if config.get("CorsConfig"):
            raise Unresolved("CorsConfig of the response headers policy is not emulated")
        if config.get("ServerTimingHeadersConfig", {}).get("Enabled"):
            raise Unresolved("ServerTimingHeadersConfig of the response headers policy is not emulated")
        return config

    # ------------------------------------------------------------------------------------------ requests
    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(target)
        host = headers.get("host", "localhost")
        scheme = headers.get("x-forwarded-proto", "http")
        if method not in self.allowed_methods:
            return self._finish(method, target, None, Response(403, [("Content-Type", "text/html")], b"method not allowed"))
        if scheme != "https" and self.viewer_protocol == "redirect-to-https":
            location = f"https://{host}{target}"
            return self._finish(method, target, None, Response(301, [("Location", location), ("Content-Length", "0")], b""), headers_policy=False)
        if scheme != "https" and self.viewer_protocol == "https-only":
            return self._finish(method, target, None, Response(403, [("Content-Type", "text/html")], b"https only"))

        uri = parts.path or "/"
        if self.function:
            outcome = self.function.run(self._event(method, uri, parts.query, headers, host))
            if "statusCode" in outcome:
                response_headers = [(k, v["value"]) for k, v in (outcome.get("headers") or {}).items()]
                body = outcome.get("body") or ""
                body = body.get("data", "") if isinstance(body, dict) else body
                return self._finish(method, target, None, Response(int(outcome["statusCode"]), response_headers, body.encode()))
            uri = outcome["uri"]
        if uri == "/" and self.default_root_object:
            uri = "/" + self.default_root_object
        key = (self.origin_path.strip("/") + "/" if self.origin_path.strip("/") else "") + unquote(uri[1:])
        return self._finish(method, target, key, self._origin(method, key))

    def _event(self, method: str, uri: str, query: str, headers: Mapping[str, str], host: str) -> dict:
        querystring: Dict[str, dict] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in querystring:
                querystring[name].setdefault("multiValue", [{"value": querystring[name]["value"]}]).append({"value": value})
            else:
                querystring[name] = {"value": value}
        return {
            "version": "1.0",
            "context": {"distributionDomainName": f"{self.distribution_id.lower()}.cloudfront.net",
                        "distributionId": self.distribution_id, "eventType": "viewer-request",
                        "requestId": uuid.uuid4().hex},
            "viewer": {"ip": "127.0.0.1"},
            "request": {
                "method": method, "uri": uri, "querystring": querystring,
                "headers": {k.lower(): {"value": v} for k, v in headers.items() if k.lower() != "x-forwarded-proto"},
                "cookies": {},
            },
        }

    def _allowed(self, action: str, resource: str) -> bool:
        facts = {"AWS:SourceArn": self.distribution_arn, "aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
        matching = [s for s in self.statements if s.applies(action, resource, facts)]
        return not any(s.effect == "Deny" for s in matching) and any(s.effect == "Allow" for s in matching)

    def _origin(self, method: str, key: str) -> Response:
        if not self._allowed("s3:GetObject", f"arn:aws:s3:::{self.bucket}/{key}"):
            return s3_error(403, "AccessDenied", "Access Denied")
        try:
            if method == "HEAD":
                meta = self.s3.head_object(Bucket=self.bucket, Key=key)
                body = b""
            else:
                meta = self.s3.get_object(Bucket=self.bucket, Key=key)
                body = meta["Body"].read()
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in ("NoSuchKey", "404", "NotFound"):
                raise
            if self._allowed("s3:ListBucket", f"arn:aws:s3:::{self.bucket}"):
                return s3_error(404, "NoSuchKey", "The specified key does not exist.")
            return s3_error(403, "AccessDenied", "Access Denied")
        origin_headers = meta["ResponseMetadata"]["HTTPHeaders"]
        out = [(name.title() if not name.startswith("x-amz") else name, origin_headers[name])
               for name in ORIGIN_HEADERS if name in origin_headers]
        out += [(k, v) for k, v in origin_headers.items() if k.startswith("x-amz-meta-")]
        return Response(200, out, body)

    def _finish(self, method: str, target: str, key: Optional[str], response: Response, headers_policy: bool = True) -> Response:
        response.headers = [h for h in response.headers if h[0].lower() != "content-length"]
        response.headers.append(("Content-Length", str(len(response.body))))
        response.headers += [("Via", f"1.1 {self.distribution_id.lower()}.cloudfront.net (CloudFront)"),
                             ("X-Cache", "Miss from cloudfront")]
        if headers_policy:
            self._apply_header_policy(response)
        if method == "HEAD":
            response.body = b""
        self.log.append(LogEntry(method, target, key, response.status))
        return response

    def _apply_header_policy(self, response: Response) -> None:
        config = self.header_policy
        security = config.get("SecurityHeadersConfig", {})

        def put(name: str, value: str, override: bool) -> None:
            present = any(k.lower() == name.lower() for k, _ in response.headers)
            if present and not override:
                return
            response.headers = [h for h in response.headers if h[0].lower() != name.lower()] + [(name, value)]

        if "ContentSecurityPolicy" in security:
            csp = security["ContentSecurityPolicy"]
            put("Content-Security-Policy", csp["ContentSecurityPolicy"], csp["Override"])
        if "StrictTransportSecurity" in security:
            hsts = security["StrictTransportSecurity"]
            value = f"max-age={int(hsts['AccessControlMaxAgeSec'])}"
            value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
            value += "; preload" if hsts.get("Preload") else ""
            put("Strict-Transport-Security", value, hsts["Override"])
        if "ContentTypeOptions" in security:
            put("X-Content-Type-Options", "nosniff", security["ContentTypeOptions"]["Override"])
        if "FrameOptions" in security:
            frame = security["FrameOptions"]
            put("X-Frame-Options", FRAME_OPTIONS[frame["FrameOption"]], frame["Override"])
        if "ReferrerPolicy" in security:
            referrer = security["ReferrerPolicy"]
            put("Referrer-Policy", referrer["ReferrerPolicy"], referrer["Override"])
        if "XSSProtection" in security:
            xss = security["XSSProtection"]
            value = "1" if xss["Protection"] else "0"
            value += "; mode=block" if xss.get("ModeBlock") else ""
            value += f"; report={xss['ReportUri']}" if xss.get("ReportUri") else ""
            put("X-XSS-Protection", value, xss["Override"])
        for custom in config.get("CustomHeadersConfig", {}).get("Items", []):
            put(custom["Header"], custom["Value"], custom["Override"])
        removed = {item["Header"].lower() for item in config.get("RemoveHeadersConfig", {}).get("Items", [])}
        response.headers = [h for h in response.headers if h[0].lower() not in removed]

    def close(self) -> None:
        if self.function:
            self.function.close()


def s3_error(status: int, code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>").encode()
    return Response(status, [("Content-Type", "application/xml")], body)


def self_signed_certificate(directory: Path) -> Tuple[Path, Path]:
    """A certificate and key for https://127.0.0.1 (and localhost), valid for a day: (cert.pem, key.pem)."""
    cert, key = Path(directory) / "edge-cert.pem", Path(directory) / "edge-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class EdgeServer:
    """Serves one EdgeSite on a free loopback port until `stop()`; over https when given `tls` (cert, key): a
    viewer's connection is then https itself, as CloudFront sees it, without an X-Forwarded-Proto header."""

    def __init__(self, site: EdgeSite, tls: Optional[Tuple[Path, Path]] = None):
        self.site = site
        edge = site
        viewer_scheme = "https" if tls else None

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def version_string(self) -> str:
                return "AmazonS3"  # the Server header an S3 origin's response has through CloudFront

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if viewer_scheme:
                    headers["x-forwarded-proto"] = viewer_scheme
                try:
                    response = edge.handle(self.command, self.path, headers)
                except Exception as error:  # noqa: BLE001 - answered as a 500 and kept for the test to raise
                    edge_errors.append(error)
                    response = Response(500, [("Content-Type", "text/plain")], f"edge emulator error: {error}".encode())
                self.send_response(response.status)
                for name, value in response.headers:
                    self.send_header(name, value)
                if not any(k.lower() == "content-length" for k, _ in response.headers):
                    self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _serve

            def log_message(self, *args) -> None:
                pass

        edge_errors: List[Exception] = []
        self.errors = edge_errors
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            # The handshake runs on the request's thread (its first read), not in the accepting loop.
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "EdgeServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.site.close()

    def get(self, path: str, host: str = "site.example.test", method: str = "GET") -> Response:
        """A viewer request over https (as the browser driver sends them), answered in-process."""
        return self.site.handle(method, quote(path, safe="/?=&%"), {"host": host, "x-forwarded-proto": "https"})
