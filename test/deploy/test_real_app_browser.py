"""Issue 11, "Real apps, unchanged": the ecom-shop fixture built, deployed, served and loaded in a browser, each
step by what the synthesized EcomPlatform templates say.

Run: python3 -m pytest -q test/deploy/test_real_app_browser.py   (needs node/npm, moto[server], awscli and
Chromium at /usr/bin/chromium: `apt-get install -y chromium`; about 1-2 minutes on 2 cores)

1. test/deploy/platform-app.ts is synthesized once: EcomPlatform with frontend pipelines, the customer app's
   hosting configured with CSP presets (Stripe, Meta pixel, Cognito), an image host and a chat socket.
2. Each app of test/fixtures/ecom-shop (a copy) is built by its build project's buildspec (`build_app`, with
   the default install script) with the Parameter Store variables CloudFormation/CodeBuild would resolve.
3. Each build is deployed as a release by the deploy project's buildspec commands (the deploy program
   downloaded from its S3 asset and run) with the deploy project's environment variables, resolved from the
   templates (imports from the frontend stack, the API URL from SSM): S3 is moto, the KeyValueStore the
   stand-in (test/release/kvs-standin.ts), the program's smoke check goes through the edge emulator.
4. An edge emulator per hosting (edge.py) serves the bucket through the template's CloudFront Function (reading
   the stand-in's store as an edge does), bucket policy and response headers policy.
5. One headless Chromium (browser-check.js) opens a deep link of each app as https://<host>/orders/42; every
   third party is answered by a fake behind the CSP, which Chromium enforces from the emulator's headers.

The customer app must render with no violation for what was configured and exactly one for the vendor that
was not (Intercom); the same deployed app behind a SpaHosting left at its strict default policy must show
Stripe.js blocked, so the check is known to fail when a policy is wrong.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict
from urllib.parse import urlsplit

import pytest

from app_build import build_app
from cloudfront_template import (
    Resolver,
    Unresolved,
    buildspec,
    buildspec_parameter_store,
    codebuild_project,
    load,
    only,
    project_variables,
    resources,
)
from edge import EdgeServer, EdgeSite
from spa_deploy_harness import (
    MANIFESTS,
    RELEASES,
    KvsStandinServer,
    MotoServer,
    ReleaseSite,
    REPO,
    deploy_hostings,
    open_site,
    publish_file_assets,
    s3_client,
)

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = REPO / "test" / "fixtures" / "ecom-shop"
PLATFORM_APP = REPO / "test" / "deploy" / "platform-app.ts"
BROWSER_CHECK = REPO / "test" / "deploy" / "browser-check.js"
ACCOUNT, REGION = "111122223333", "us-east-1"
API_URL_PARAMETER = "/e-com67/api-url"
# What Parameter Store holds when the stacks deploy and the build runs (CloudFormation and CodeBuild resolve it).
SSM = {
    API_URL_PARAMETER: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/",
    "/e-com67/stripe-publishable-key": "pk_test_ecomshopfixture",
}
DEEP_LINK = "/orders/42"
APPS = {
    # app name -> (hosting construct ID, pipeline stack, host the browser loads it from)
    "customer-app": ("CustomerApp", "E-Com67-CustomerPipelineStack", "shop.example.test"),
    "admin-dashboard": ("AdminDashboard", "E-Com67-AdminPipelineStack", "admin.example.test"),
}
STRICT_HOST = "strict-shop.example.test"
CONFIGURED_HOSTS = {
    "js.stripe.com", "api.stripe.com", "connect.facebook.net", "www.facebook.com", "images.example-cdn.com",
    "cognito-idp.us-east-1.amazonaws.com", urlsplit(SSM[API_URL_PARAMETER]).hostname,
}


def phase(name: str, started: float) -> None:
    """Seconds of each step on stderr (pytest -s shows them), to keep the file's cost visible."""
    print(f"[real-app-browser] {name}: {time.monotonic() - started:.1f}s", file=sys.stderr)


@dataclass
class Deployed:
    name: str
    site: ReleaseSite
    release: str
    dist: Path
    output: str

    @property
    def bucket(self) -> str:
        return self.site.hosting.bucket


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    assert CHROMIUM.exists(), (
        f"Chromium is not installed at {CHROMIUM}: this test loads the apps in headless Chromium and never "
        "downloads a browser. Install it with `apt-get install -y chromium`.")
    return tmp_path_factory.mktemp("real-app-browser")


@pytest.fixture(scope="module")
def templates(workdir) -> Dict[str, dict]:
    started = time.monotonic()
    outdir = workdir / "cdk.out"
    # --transpile-only: the app is type-checked with the other test sources; here only its output counts.
    synth = subprocess.run(["npx", "ts-node", "--transpile-only", "--project", "test/tsconfig.json", str(PLATFORM_APP), str(outdir)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert synth.returncode == 0, f"{PLATFORM_APP.name} did not synthesize:\n{synth.stdout[-3000:]}\n{synth.stderr[-6000:]}"
    phase("synth", started)
    return {p.name[: -len(".template.json")]: load(p) for p in outdir.glob("*.template.json")}


@pytest.fixture(scope="module")
def moto(workdir, templates):
    server = MotoServer(workdir).start()
    # What `cdk deploy` publishes before the stacks: the deploy program is a file asset of each pipeline stack.
    publish_file_assets(workdir / "cdk.out", server.endpoint)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def standin(workdir):
    server = KvsStandinServer(workdir, stores=3).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def frontend(templates, moto, standin):
    """The frontend stack "deployed" to moto and the stand-in: each hosting's bucket (named as the template names
    it), distribution and KeyValueStore; the stack's exports resolved with their physical IDs."""
    return deploy_hostings(templates["E-Com67-FrontendStack"], [hosting for hosting, _, _ in APPS.values()], moto, standin, ssm=SSM)


@pytest.fixture(scope="module")
def deployed(workdir, templates, moto, standin, frontend) -> Dict[str, Deployed]:
    repository = workdir / "repository"
    shutil.copytree(FIXTURE, repository, ignore=shutil.ignore_patterns("node_modules", "dist"))

    builds = {}
    for name in APPS:  # one after the other: both install the shared package of the same checkout
        started = time.monotonic()
        _, build_project = codebuild_project(templates[APPS[name][1]], '"artifacts"')
        spec = buildspec(build_project)
        builds[name] = build_app(spec, repository, buildspec_parameter_store(spec, SSM))
        phase(f"build {name}", started)

    sites = {name: open_site(workdir, templates, moto, standin, "E-Com67-FrontendStack", hosting, pipeline, ssm=SSM,
                             hosting=frontend[hosting])
             for name, (hosting, pipeline, _) in APPS.items()}

    def deploy(name: str) -> Deployed:
        started = time.monotonic()
        site = sites[name]
        variables = site.deployer.project.variables
        assert (variables["SPA_BUCKET"], variables["SPA_KVS_ARN"]) == (site.hosting.bucket, site.hosting.kvs_arn)
        # As in CodeBuild: the build artifact is the working directory and SPA_SOURCE_DIR stays ".".
        result = site.deploy(builds[name], 1)
        assert result.returncode == 0, result.output()
        phase(f"deploy {name}", started)
        return Deployed(name, site, result.release, builds[name], result.output())

    # The deploys overlap: each mostly waits for the AWS CLI and node to start, and they write different buckets.
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(deploy, name) for name in APPS}
            results = {name: future.result() for name, future in futures.items()}
        yield results
    finally:
        for site in sites.values():
            site.close()
    for name, site in sites.items():
        assert not site.edge.errors, f"edge emulator of {name} failed: {site.edge.errors}"


@pytest.fixture(scope="module")
def edges(templates, moto, standin, deployed):
    servers = {name: deployed[name].site.edge for name in APPS}
    # The negative control: the customer app's release behind a hosting with the default policy, reading the
    # customer hosting's store (the same release is live there).
    customer = deployed["customer-app"].site.hosting
    strict_template = templates["StrictDefaultHosting"]
    stores = {logical: customer.kvs_arn for logical in resources(strict_template, "AWS::CloudFront::KeyValueStore", "CustomerApp")}
    strict = EdgeServer(EdgeSite(strict_template, "CustomerApp", customer.bucket, s3_client(moto.endpoint), ssm=SSM,
                                 kvs_edge_url=standin.edge_url, key_value_stores=stores)).start()
    servers["strict"] = strict
    yield servers
    strict.stop()
    assert not strict.errors, f"edge emulator of the strict hosting failed: {strict.errors}"


@pytest.fixture(scope="module")
def browser(workdir, edges) -> Dict[str, dict]:
    pages = [
        {"name": name, "url": f"https://{host}{DEEP_LINK}", "origins": {f"https://{host}": edges[name].url},
         "readySelector": "#app-ready", "timeoutMs": 20000, "settleMs": 750}
        for name, (_, _, host) in APPS.items()
    ]
    pages.append({"name": "strict", "url": f"https://{STRICT_HOST}{DEEP_LINK}",
                  "origins": {f"https://{STRICT_HOST}": edges["strict"].url},
                  "readySelector": "#app-ready", "timeoutMs": 20000, "settleMs": 750})
    config = workdir / "browser-check.json"
    config.write_text(json.dumps({"pages": pages, "executablePath": str(CHROMIUM), "totalTimeoutMs": 150000}))
    started = time.monotonic()
    process = subprocess.run(["node", str(BROWSER_CHECK), str(config)], cwd=REPO, capture_output=True, text=True, timeout=180)
    phase("browser (3 pages)", started)
    (workdir / "browser-report.json").write_text(process.stdout)
    assert process.returncode == 0, f"browser-check.js exit {process.returncode}\n{process.stdout[-4000:]}\n{process.stderr[-4000:]}"
    report = json.loads(process.stdout)
    for page in report["pages"]:
        assert "error" not in page, f"{page['name']}: {page['error']}"
    return {page["name"]: page for page in report["pages"]}


def violations(page: dict):
    return [(v["blockedURI"], v["effectiveDirective"]) for v in page["violations"]]


def describe(page: dict) -> str:
    """What a failing assertion shows: the violations, the console and what the app recorded."""
    return json.dumps({k: page.get(k) for k in ("status", "ready", "violations", "console", "pageErrors", "shop", "notes")}, indent=1)


# --------------------------------------------------------------------------------------------- build + deploy
def test_each_app_was_built_by_its_build_project_and_deployed_by_its_deploy_project(deployed, moto):
    customer, admin = deployed["customer-app"], deployed["admin-dashboard"]
    assert (customer.dist / "index.html").is_file() and (admin.dist / "index.html").is_file()
    # The shared `file:` package (whose own dependency the default install script installed) is in both bundles.
    for app in (customer, admin):
        assert any("data-shared-button" in p.read_text() for p in (app.dist / "assets").glob("*.js")), app.name
    # Parameter Store variable of the build project -> the bundle.
    assert any(SSM["/e-com67/stripe-publishable-key"] in p.read_text() for p in (customer.dist / "assets").glob("*.js"))
    keys = set(admin.site.hosting.objects())
    assert {f"{RELEASES}{admin.release}/config.json", f"{MANIFESTS}{admin.release}.json"} <= keys
    assert admin.site.live() == admin.release and customer.site.live() == customer.release
    assert not any(k.endswith(".map") for k in keys), "the deploy uploaded source maps"


# ---------------------------------------------------------------------------------------------- the storefront
def test_the_customer_app_renders_on_a_deep_link_with_every_configured_third_party(browser):
    page = browser["customer-app"]
    assert page["status"] == 200 and page["ready"], describe(page)
    assert page["readyText"] == f"customer-app {DEEP_LINK}"
    loaded = page["shop"]["loaded"]
    assert loaded == {
        "stripe": "mounted", "metaPixel": "loaded", "images": "loaded", "chat": "open", "config": "loaded",
        "products": "HTTP 200", "cognito": "HTTP 200",
        "intercom": "failed: https://widget.intercom.io/widget/abc123 did not load",
    }, describe(page)
    assert page["shop"]["stripeKey"] == SSM["/e-com67/stripe-publishable-key"]
    assert page["shop"]["products"], describe(page)
    assert page["shop"]["errors"] == [] and page["pageErrors"] == [], describe(page)


def test_only_the_vendor_that_was_not_configured_is_a_csp_violation(browser):
    page = browser["customer-app"]
    # script-src-elem is what Chromium reports for a <script> element when only script-src is set.
    assert violations(page) == [("https://widget.intercom.io/widget/abc123", "script-src-elem")], describe(page)
    assert page["violations"][0]["disposition"] == "enforce"
    refused = [m["text"] for m in page["console"] if "Content Security Policy" in m["text"]]
    assert len(refused) == 1 and "widget.intercom.io" in refused[0] and 'directive: "script-src ' in refused[0], refused
    assert page["frameViolations"] == [], page["frameViolations"]
    # The app's own listener saw the same.
    assert page["shop"]["violations"] == [{"directive": "script-src-elem", "blocked": "https://widget.intercom.io/widget/abc123"}]


def test_every_configured_third_party_was_reached_behind_the_csp_and_the_blocked_one_never(browser):
    page = browser["customer-app"]
    hosts = {urlsplit(r["url"]).hostname for r in page["routed"] if r["via"] == "fake"}
    assert hosts == CONFIGURED_HOSTS, describe(page)
    assert not [r for r in page["routed"] if "intercom" in r["url"]], "a request the CSP blocked reached the route"
    # Stripe's frames (frame-src) and the chat socket (connect-src) reached the network layer.
    frames = [r["url"] for r in page["routed"] if r["type"] == "document" and "js.stripe.com" in r["url"]]
    assert len(frames) == 2, frames
    assert [(n["kind"], n["host"], n["path"]) for n in page["network"]] == [("websocket", "chat.example.com", "/socket")]
    assert all(r["status"] == 200 for r in page["routed"]), page["routed"]


def test_config_json_is_served_with_the_api_url_from_parameter_store(browser, edges):
    response = edges["customer-app"].get("/config.json", host=APPS["customer-app"][2])
    assert response.status == 200 and response.header("Cache-Control") == "no-cache"
    config = json.loads(response.body)
    assert config["apiUrl"] == SSM[API_URL_PARAMETER]
    assert browser["customer-app"]["shop"]["config"] == config
    admin = json.loads(edges["admin-dashboard"].get("/config.json").body)
    assert admin == {"apiUrl": SSM[API_URL_PARAMETER]}
    assert browser["admin-dashboard"]["shop"]["config"] == admin


def test_security_headers_on_the_deep_link_are_the_templates(browser, templates):
    page = browser["customer-app"]
    headers = page["headers"]
    template = templates["E-Com67-FrontendStack"]
    _, policy = only(template, "AWS::CloudFront::ResponseHeadersPolicy", "CustomerApp")
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    # The API's origin is an SSM dynamic reference in the template, resolved when the stack deploys.
    assert "{{resolve:ssm:/e-com67/api-url}}" in csp
    assert headers["content-security-policy"] == csp.replace("{{resolve:ssm:/e-com67/api-url}}", SSM[API_URL_PARAMETER])
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["content-type"].startswith("text/html") and headers["cache-control"] == "no-cache"


# ------------------------------------------------------------------------------------------------- the admin app
def test_the_admin_app_renders_on_a_deep_link_without_violations(browser):
    page = browser["admin-dashboard"]
    assert page["status"] == 200 and page["ready"] and page["readyText"] == f"admin-dashboard {DEEP_LINK}", describe(page)
    assert page["violations"] == [] and page["shop"]["errors"] == [], describe(page)
    assert page["headers"]["x-frame-options"] == "DENY" and "content-security-policy" in page["headers"]


def test_the_admin_apps_source_maps_are_not_served(deployed, edges):
    dist = deployed["admin-dashboard"].dist
    maps = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.map"))
    assert maps, "the admin build produced no source maps (fixture: build.sourcemap true)"
    edge = edges["admin-dashboard"]
    for key in maps:
        assert edge.get(f"/{key[:-len('.map')]}").status == 200, key
        assert edge.get(f"/{key}").status in (403, 404), key


def test_the_deep_link_was_rewritten_by_the_templates_function_to_the_live_release(browser, edges, deployed):
    release = f"{RELEASES}{deployed['customer-app'].release}/"
    served = [(e.path, e.origin_key, e.status) for e in edges["customer-app"].site.log]
    assert (DEEP_LINK, f"{release}index.html", 200) in served, served
    assert ("/config.json", f"{release}config.json", 200) in served, served


def test_the_edge_emulator_applies_the_behaviours_protocol_and_method_rules(edges):
    site = edges["customer-app"].site
    http = site.handle("GET", "/orders/42?tab=1", {"host": "shop.example.test", "x-forwarded-proto": "http"})
    assert http.status == 301 and http.header("Location") == "https://shop.example.test/orders/42?tab=1"
    assert site.handle("POST", "/orders/42", {"host": "shop.example.test", "x-forwarded-proto": "https"}).status == 403


def test_template_values_nobody_supplied_fail_loudly(templates):
    frontend_template = templates["E-Com67-FrontendStack"]
    _, policy = only(frontend_template, "AWS::CloudFront::ResponseHeadersPolicy", "CustomerApp")
    with pytest.raises(Unresolved, match="/e-com67/api-url"):
        Resolver(frontend_template).resolve(policy["Properties"])
    pipeline_template = templates["E-Com67-CustomerPipelineStack"]
    _, deploy_project = codebuild_project(pipeline_template, "SPA_PROGRAM_URL")
    with pytest.raises(Unresolved, match="Fn::ImportValue"):
        project_variables(deploy_project, Resolver(pipeline_template, ssm=SSM))


def test_missing_assets_are_refused_as_cloudfront_would(edges):
    edge = edges["customer-app"]
    assert edge.get("/assets/missing-12345678.js").status == 404
    deep = edge.get("/orders/42?tab=items")
    assert deep.status == 200 and b'<div id="root">' in deep.body


# ------------------------------------------------------------------------------------------- negative control
def test_the_strict_default_policy_blocks_stripe(browser):
    """The same deployed app behind a SpaHosting left at its defaults: the check must see Stripe.js blocked."""
    page = browser["strict"]
    assert ("https://js.stripe.com/v3/", "script-src-elem") in violations(page), describe(page)
    blocked = {urlsplit(uri).hostname for uri, _ in violations(page)}
    assert {"js.stripe.com", "connect.facebook.net", "images.example-cdn.com", "chat.example.com",
            "cognito-idp.us-east-1.amazonaws.com"} <= blocked, describe(page)
    assert page["shop"]["loaded"]["stripe"] == "failed: Stripe.js did not load"
    assert page["network"] == [] and not [r for r in page["routed"] if r["via"] == "fake"], describe(page)

