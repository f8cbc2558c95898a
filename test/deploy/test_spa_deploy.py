"""End to end: the SPA deploy program (lib/spa-release.js) as a synthesized SpaPipeline's deploy project runs it:
its buildspec commands download the program from the S3 asset the template names (`aws s3 cp`) and run it with
the project's environment, resolved from the templates, in a real Vite build of test/fixtures/spa-app. S3 is
moto_server; the KeyValueStore is the stand-in (test/release/kvs-standin.ts) as a process; the distribution is
the edge emulator (edge.py) running the hosting's synthesized routing function against that store, which the
program's smoke check and propagation wait go through.

Environments (issue 15): one build deployed by two runs of the program to two hostings, config.json from each
one's SSM parameter (SPA_RUNTIME_CONFIG_PARAMETERS) and every other object compared byte for byte; the second run
in another moto account through SPA_TARGET_PARAMETER and SPA_ROLE_ARN, every call it made signed with the key moto
knows as the assumed role's session.

Run: python3 -m pytest -q test/deploy/test_spa_deploy.py   (needs node/npm, moto[server], awscli and
lib/spa-release.js: `npx projen bundle:release`; about 2-3 minutes on 2 cores)

What the script before releases was checked for and what became of it: where files go (now hashed assets at
the root, the rest under releases/<id>/), Cache-Control and Content-Type, the runtime config, source maps
private or public, retention, a re-run of the same build, and bad builds and settings refused before any AWS
call. Gone with it: the invalidation and its bounded wait (a release needs none: the test asserts none is
made), the upload order of index.html (a release's files are never served before the switch, which the test
asserts through the edge instead) and the failure injection on the Nth `aws` call (the program uploads with
the SDK: a proxy in front of moto fails chosen uploads instead, and the release module's unit tests cover
the SDK's retries, test/release/retry.test.ts).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import Dict, List

import pytest

from spa_deploy_harness import (
    IMMUTABLE,
    KVS_LIVE,
    KVS_PIN_TOKEN,
    KVS_PREVIOUS,
    MANIFESTS,
    NO_CACHE,
    PIPELINE_APP,
    PROGRAM,
    RELEASES,
    DeployResult,
    KvsStandinServer,
    MotoServer,
    ReleaseSite,
    S3Proxy,
    build_fixture_variants,
    caller_arn,
    local_files,
    open_site,
    publish_file_assets,
    synthesize,
)

# Skipped on a developer machine without the tools; under CI=true a missing tool fails instead of skipping.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not (shutil.which("npm") and shutil.which("aws") and shutil.which("moto_server")
                                      and PROGRAM.exists()),
    reason="needs npm, the AWS CLI, moto_server (pip install 'moto[server]') and lib/spa-release.js (npx projen bundle:release)",
)

CONFIG = {"apiUrl": "https://api.example.com"}  # pipeline-app.ts's runtimeConfig
MEDIA_TYPES = {
    "js": "text/javascript", "css": "text/css", "html": "text/html", "json": "application/json",
    "map": "application/json", "svg": "image/svg+xml", "woff2": "font/woff2", "txt": "text/plain",
    "png": "image/png", "ico": "image/vnd.microsoft.icon", "webmanifest": "application/manifest+json",
}


def media_type(head: dict) -> str:
    return head["ContentType"].split(";")[0].strip()


def hashed(keys) -> set:
    return {k for k in keys if k.startswith("assets/")}


def release_keys(keys, release: str) -> set:
    prefix = f"{RELEASES}{release}/"
    return {k[len(prefix):] for k in keys if k.startswith(prefix)}


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("spa-deploy")


@pytest.fixture(scope="module")
def moto(workdir):
    server = MotoServer(workdir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def standin(workdir):
    server = KvsStandinServer(workdir, stores=16).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def templates(workdir, moto) -> Dict[str, dict]:
    outdir = workdir / "cdk.out"
    result = synthesize(PIPELINE_APP, outdir)
    published = publish_file_assets(outdir, moto.endpoint)
    assert published, "the assembly has no file asset: where does the deploy project get the program?"
    return result


@pytest.fixture(scope="module")
def builds(workdir) -> Dict[str, Path]:
    result = build_fixture_variants(workdir, ["v1", "v2", "v3"])
    for dist in result.values():
        files = local_files(dist)
        assert "index.html" in files and len(hashed(files)) >= 3, sorted(files)
    return result


@pytest.fixture(scope="module")
def new_site(workdir, templates, moto, standin):
    opened: List[ReleaseSite] = []

    def make() -> ReleaseSite:
        site = open_site(workdir, templates, moto, standin, "Frontend", "Admin", "AdminPipelineStack")
        opened.append(site)
        return site

    yield make
    for site in opened:
        site.close()
        assert not site.edge.errors, site.edge.errors


def assert_live(site: ReleaseSite, build: Path, release: str) -> None:
    """The site serves `release`: its entry page on / and on a deep link, with the runtime config."""
    entry = local_files(build)["index.html"]
    for path in ("/", "/orders/42"):
        response = site.get(path)
        assert (response.status, response.body) == (200, entry), (path, response.status, response.body[:200])
    assert site.live() == release


# ------------------------------------------------------------------------------------ the deploy project
def test_the_deploy_project_downloads_the_shipped_program_and_runs_it(new_site, tmp_path):
    site = new_site()
    project = site.deployer.project
    assert any("aws s3 cp" in c for c in project.commands), project.commands
    assert any(c.startswith("node ") and c.endswith(" deploy") for c in project.commands), project.commands
    # Only the download: the program must be byte for byte the bundle this package ships.
    download = [c for c in project.commands if "aws s3 cp" in c]
    env = site.deployer.environment("0" * 40, 1, tmp_path, {})
    subprocess.run(["bash", "-c", "set -e\n" + "\n".join(download)], env=env, cwd=tmp_path, check=True, capture_output=True)
    downloaded = [p for p in tmp_path.rglob("*.js")]
    assert [p.read_bytes() for p in downloaded] == [PROGRAM.read_bytes()], downloaded
    variables = project.variables
    assert variables["SPA_BUCKET"] == site.hosting.bucket
    assert variables["SPA_KVS_ARN"] == site.hosting.kvs_arn
    assert variables["SPA_SITE_URL"] == site.hosting.url
    assert variables["SPA_SOURCE_DIR"] == "."
    assert variables["SPA_SOURCE_MAPS"] == "private"
    assert json.loads(variables["SPA_RUNTIME_CONFIG"]) == CONFIG
    assert "SPA_DISTRIBUTION_ID" not in variables and "SPA_INVALIDATION_WAIT_SECONDS" not in variables


# ------------------------------------------------------------------------------------------ the lifecycle
@pytest.fixture(scope="module")
def lifecycle(new_site, builds, standin):
    """Build 1 (v1, cold), build 1 again (a retry), build 2 (v1 again: nothing hashed changed), build 3 (v2),
    build 4 (v3, keep 1: builds 1 and 2 are pruned). Each deploy runs in the build output, as in CodeBuild."""
    site = new_site()
    steps: Dict[str, dict] = {}

    def step(name: str, build: Path, number: int, **settings) -> None:
        result = site.deploy(build, number, **settings)
        assert result.returncode == 0, result.output()
        steps[name] = {"result": result, "objects": site.hosting.objects(), "store": site.store(),
                       "invalidations": site.hosting.invalidations(),
                       "config": json.loads(site.hosting.read(f"{RELEASES}{result.release}/config.json"))}
        assert_live(site, build, result.release)

    step("cold", builds["v1"], 1)
    steps["cold"]["heads"] = {key: site.hosting.head(key) for key in steps["cold"]["objects"]}
    tab = site.get("/")  # a tab opened on release 1
    step("retry", builds["v1"], 1)
    step("unchanged", builds["v1"], 2)
    step("changed", builds["v2"], 3)
    step("pruning", builds["v3"], 4, SPA_KEEP_RELEASES="1")
    return {"site": site, "steps": steps, "builds": builds, "tab": tab}


def test_a_cold_deploy_puts_hashed_assets_at_the_root_and_the_rest_under_the_release(lifecycle):
    step = lifecycle["steps"]["cold"]
    release = step["result"].release
    local = local_files(lifecycle["builds"]["v1"])
    keys = set(step["objects"])
    assert hashed(local) <= keys
    own = {k for k in local if k not in hashed(local)}
    assert release_keys(keys, release) == own | {"config.json"}
    assert f"{MANIFESTS}{release}.json" in keys
    at_root = [k for k in keys if not k.startswith((RELEASES, MANIFESTS)) and k not in hashed(local)]
    assert not at_root, "un-hashed files at the root"
    assert set(step["result"].puts(lifecycle["site"].hosting.bucket)) == keys


def test_cache_control_and_content_type_of_every_file(lifecycle):
    heads = lifecycle["steps"]["cold"]["heads"]
    release = lifecycle["steps"]["cold"]["result"].release
    for key, head in heads.items():
        name = key.rsplit("/", 1)[-1]
        expected = IMMUTABLE if not key.startswith((RELEASES, MANIFESTS)) else NO_CACHE
        assert head["CacheControl"] == expected, key
        assert media_type(head) == MEDIA_TYPES[name.rsplit(".", 1)[-1]], (key, head["ContentType"])
    assert media_type(heads[f"{RELEASES}{release}/config.json"]) == "application/json"


def test_the_runtime_config_is_the_release_s_config_json(lifecycle):
    site = lifecycle["site"]
    for name, step in lifecycle["steps"].items():
        assert step["config"] == CONFIG, name
    served = site.get("/config.json")
    assert served.status == 200 and json.loads(served.body) == CONFIG


def test_the_manifest_lists_the_release_s_files_and_every_hashed_asset(lifecycle):
    site = lifecycle["site"]
    release = lifecycle["steps"]["changed"]["result"].release
    manifest = site.hosting.manifest(release)
    local = local_files(lifecycle["builds"]["v2"])
    assert manifest["id"] == release and manifest["buildNumber"] == 3
    assert manifest["commit"].startswith(release.split("-")[0])
    assert sorted(manifest["assets"]) == sorted(hashed(local))
    assert {f["path"] for f in manifest["files"]} == ({k for k in local if k not in hashed(local)} | {"config.json"})


def test_going_live_is_one_store_write_and_no_invalidation(lifecycle):
    steps = lifecycle["steps"]
    assert KVS_PIN_TOKEN in steps["cold"]["store"], "the first deploy creates the pin token"
    for name, step in steps.items():
        assert step["invalidations"] == 0 and step["result"].invalidations() == 0, name
        switches = [w for w in step["result"].kvs_writes if KVS_LIVE in w["changed"]]
        # a re-run of the live release has nothing to switch
        assert len(switches) == (0 if name == "retry" else 1), (name, step["result"].kvs_writes)
        # one UpdateKeys names the new live release and the one it replaces (none before the first)
        expected = [KVS_LIVE] if name == "cold" else [KVS_LIVE, KVS_PREVIOUS]
        for write in switches:
            assert write["op"] == "UpdateKeys" and sorted(write["changed"]) == sorted(expected), write


def test_a_re_run_of_the_same_build_uploads_no_hashed_asset_and_stays_live(lifecycle):
    steps = lifecycle["steps"]
    retry = steps["retry"]["result"]
    assert retry.release == steps["cold"]["result"].release
    bucket = lifecycle["site"].hosting.bucket
    assert not hashed(retry.puts(bucket)), retry.puts(bucket)
    assert steps["retry"]["store"][KVS_LIVE] == retry.release
    assert set(steps["retry"]["objects"]) == set(steps["cold"]["objects"])


def test_a_new_release_of_unchanged_assets_uploads_only_its_own_files(lifecycle):
    steps = lifecycle["steps"]
    result: DeployResult = steps["unchanged"]["result"]
    bucket = lifecycle["site"].hosting.bucket
    puts = result.puts(bucket)
    own = (f"{RELEASES}{result.release}/", f"{MANIFESTS}{result.release}.json")
    assert puts and all(k.startswith(own[0]) or k == own[1] for k in puts), puts
    assert steps["unchanged"]["store"][KVS_PREVIOUS] == steps["cold"]["result"].release


def test_a_changed_build_uploads_only_its_new_hashed_assets_and_keeps_the_old_ones(lifecycle):
    steps = lifecycle["steps"]
    v1, v2 = (local_files(lifecycle["builds"][v]) for v in ("v1", "v2"))
    assert hashed(v1) != hashed(v2)
    bucket = lifecycle["site"].hosting.bucket
    uploaded = steps["changed"]["result"].puts(bucket)
    assert hashed(uploaded) == hashed(v2) - hashed(v1)
    assert hashed(v1) <= set(steps["changed"]["objects"]), "a tab still running release 1 can load its lazy chunks"


def test_a_tab_opened_on_release_1_still_loads_its_chunks_after_release_4(lifecycle):
    site = lifecycle["site"]
    v1 = local_files(lifecycle["builds"]["v1"])
    for key in hashed(v1):
        response = site.get(f"/{key}")
        assert (response.status, response.body) == (200, v1[key]), key


def test_releases_older_than_the_kept_ones_are_pruned_and_kept_ones_stay_whole(lifecycle):
    steps = lifecycle["steps"]
    site = lifecycle["site"]
    final = set(steps["pruning"]["objects"])
    ids = {name: steps[name]["result"].release for name in steps}
    # keep 1: the newest (4, live) and the previous live one (3) stay; 1 and 2 go
    assert {k.split("/")[1] for k in final if k.startswith(RELEASES)} == {ids["changed"], ids["pruning"]}
    assert {k for k in final if k.startswith(MANIFESTS)} == {f"{MANIFESTS}{ids[n]}.json" for n in ("changed", "pruning")}
    for name in ("changed", "pruning"):
        manifest = site.hosting.manifest(ids[name])
        needed = {f"{RELEASES}{ids[name]}/{f['path']}" for f in manifest["files"]} | set(manifest["assets"])
        assert needed <= final, (name, needed - final)
    # Hashed assets only the pruned releases used are younger than the prune's 5-minute clock margin here
    # (src/release/prune.ts): they stay until a later deploy prunes past them; the release module's unit tests
    # cover their deletion.
    assert hashed(local_files(lifecycle["builds"]["v1"])) <= final


def test_no_url_of_the_site_serves_a_release_manifest(lifecycle):
    """The manifest (full commit, every file) sits outside the prefixes the routing function maps URLs to."""
    site = lifecycle["site"]
    live = site.live()
    manifest = site.hosting.manifest(live)
    for path in ("/release.json", f"/{MANIFESTS}{live}.json", f"/releases/{live}/release.json"):
        response = site.get(path)
        assert manifest["commit"].encode() not in response.body, (path, response.status, response.body[:200])


def test_an_apps_own_release_json_is_served_as_its_file_and_the_manifest_stays_apart(new_site, builds, tmp_path):
    build = tmp_path / "dist"
    shutil.copytree(builds["v1"], build)
    own = b'{"version":"2.4.1","channel":"stable"}\n'
    (build / "release.json").write_bytes(own)
    site = new_site()
    result = site.deploy(build, 1)
    assert result.returncode == 0, result.output()
    keys = set(site.hosting.objects())
    assert site.hosting.read(f"{RELEASES}{result.release}/release.json") == own
    assert site.hosting.manifest(result.release)["id"] == result.release
    assert "release.json" in {f["path"] for f in site.hosting.manifest(result.release)["files"]}
    assert f"{MANIFESTS}{result.release}.json" in keys
    response = site.get("/release.json")
    assert (response.status, response.body) == (200, own)


# -------------------------------------------------------------------------------------- refused deploys
def test_a_broken_release_is_stopped_by_the_smoke_check_and_never_goes_live(new_site, builds, tmp_path):
    site = new_site()
    good = site.deploy(builds["v1"], 1)
    assert good.returncode == 0, good.output()
    broken = tmp_path / "broken"
    shutil.copytree(builds["v2"], broken)
    entry = next(p for p in (broken / "assets").glob("index-*.js"))
    entry.unlink()  # index.html references it: the entry script 404s
    before = site.store()
    result = site.deploy(broken, 2)
    assert result.returncode == 1, result.output()
    assert entry.name in result.last_line(), result.output()
    assert site.store()[KVS_LIVE] == good.release and site.store() == before
    assert not [w for w in result.kvs_writes if KVS_LIVE in w["changed"]]
    assert_live(site, builds["v1"], good.release)


@pytest.fixture(scope="module")
def proxy(moto):
    server = S3Proxy(moto.endpoint)
    yield server
    server.stop()


# Which upload fails: the first one (a new hashed asset), the fourth (a release file) and the manifest (the last).
FAILURES = {"first": lambda key, n: n == 1, "fourth": lambda key, n: n == 4,
            "manifest": lambda key, n: key.startswith(MANIFESTS)}


def test_a_failed_upload_fails_the_deploy_and_leaves_the_previous_release_live(new_site, builds, proxy):
    site = new_site()
    good = site.deploy(builds["v1"], 1)
    assert good.returncode == 0, good.output()
    store = site.store()
    for name, which in FAILURES.items():
        proxy.fail_put(site.hosting.bucket, which)
        # S3 answers AccessDenied: not retried, the deploy stops at once
        result = site.deploy(builds["v2"], 2, AWS_ENDPOINT_URL=proxy.endpoint)
        failed = list(proxy.failed)
        proxy.fail_put(site.hosting.bucket, None)
        assert failed, f"{name}: no upload was failed"
        assert result.returncode == 1, (name, result.output())
        assert "AccessDenied" in result.stderr, (name, result.output())
        assert site.store() == store and not result.kvs_writes, name
        assert_live(site, builds["v1"], good.release)
    # The pipeline's retry of the same build (same release id) completes the release.
    retry = site.deploy(builds["v2"], 2, AWS_ENDPOINT_URL=proxy.endpoint)
    assert retry.returncode == 0, retry.output()
    assert_live(site, builds["v2"], retry.release)
    assert site.store()[KVS_PREVIOUS] == good.release


def test_source_maps_are_private_unless_made_public(new_site, tmp_path):
    for setting, served in (("private", False), ("public", True)):
        site = new_site()
        dist = tmp_path / setting
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-Ab3_-xYz.js"></script>')
        (dist / "assets" / "index-Ab3_-xYz.js").write_text("console.log(1)\n//# sourceMappingURL=index-Ab3_-xYz.js.map")
        (dist / "assets" / "index-Ab3_-xYz.js.map").write_text('{"version":3,"sources":["src/secret-business-logic.ts"]}')
        (dist / "legacy.map").write_text("{}")
        result = site.deploy(dist, 1, SPA_SOURCE_MAPS=setting)
        assert result.returncode == 0, result.output()
        keys = set(site.hosting.objects())
        assert "assets/index-Ab3_-xYz.js" in keys
        assert ("assets/index-Ab3_-xYz.js.map" in keys) is served, (setting, keys)
        assert (f"{RELEASES}{result.release}/legacy.map" in keys) is served, (setting, keys)
        assert (site.get("/assets/index-Ab3_-xYz.js.map").status == 200) is served


CRA_LIKE = {
    "index.html": '<!doctype html><script defer src="/static/js/main.1a2b3c4d.js"></script>'
                  '<link href="/static/css/main.0a1b2c3d.css" rel="stylesheet">',
    "static/js/main.1a2b3c4d.js": "console.log('main')",
    "static/js/main.1a2b3c4d.js.LICENSE.txt": "MIT",
    "static/js/787.9f8e7d6c.chunk.js": "console.log('chunk')",
    "static/css/main.0a1b2c3d.css": "body{}",
    "static/media/logo.6ce24c58023cc2f8fd88.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "static/media/inter.0123456789abcdef0123.woff2": "wOF2",
    "assets/inter-Ab3_-xYz.woff2": "wOF2",
    "assets/my-file.js": "not hashed: 'file' is too short for a hash",
    "asset-manifest.json": "{}",
    "manifest.webmanifest": "{}",
    "robots.txt": "User-agent: *",
    "favicon.ico": "ico",
    "logo192.png": "png",
    ".well-known/security.txt": "Contact: mailto:security@example.com",
}
CRA_HASHED = {k for k in CRA_LIKE if k.startswith("static/") or k == "assets/inter-Ab3_-xYz.woff2"}


def test_create_react_app_layout_content_types_and_places(new_site, tmp_path):
    dist = tmp_path / "build"
    for key, text in CRA_LIKE.items():
        (dist / key).parent.mkdir(parents=True, exist_ok=True)
        (dist / key).write_text(text)
    site = new_site()
    result = site.deploy(dist, 7)
    assert result.returncode == 0, result.output()
    for key in CRA_LIKE:
        stored = key if key in CRA_HASHED else f"{RELEASES}{result.release}/{key}"
        head = site.hosting.head(stored)
        assert media_type(head) == MEDIA_TYPES[key.rsplit(".", 1)[-1]], (key, head["ContentType"])
        assert head["CacheControl"] == (IMMUTABLE if key in CRA_HASHED else NO_CACHE), key
        served = site.get(f"/{key}")
        assert (served.status, served.body.decode()) == (200, CRA_LIKE[key]), key


@pytest.fixture(scope="module")
def idle_site(new_site) -> ReleaseSite:
    """A site nothing is ever deployed to: every deploy here must stop before its first AWS call."""
    return new_site()


@pytest.mark.parametrize("settings", [
    {"SPA_BUCKET": None},
    {"SPA_KVS_ARN": None},
    {"SPA_SITE_URL": None},
    {"SPA_SOURCE_DIR": "/nonexistent"},
    {"SPA_RUNTIME_CONFIG": "[1, 2]"},
    {"SPA_RUNTIME_CONFIG": "{bad"},
    {"SPA_RUNTIME_CONFIG_PATH": "../../outside.json"},
    {"SPA_KEEP_RELEASES": "0"},
    {"SPA_SOURCE_MAPS": "yes"},
    {"SPA_HASHED_PATTERN": "(assets/"},
    {"CODEBUILD_BUILD_NUMBER": "not-a-number"},
], ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_bad_settings_fail_with_exit_2_before_any_aws_call(idle_site, builds, settings):
    site = idle_site
    kvs_before = len(site.standin.requests())
    result = site.deploy(builds["v1"], 1, **settings)
    assert result.returncode == 2, result.output()
    assert result.last_line(), "no reason given"
    assert not [r for r in result.requests if r.path.startswith(f"/{site.hosting.bucket}")], "the hosting bucket was called"
    assert len(site.standin.requests()) == kvs_before, "the store was called"


def test_a_build_without_index_html_is_refused_before_any_aws_call(idle_site, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-Ab3_-xYz.js").write_text("1")
    site = idle_site
    result = site.deploy(tmp_path, 1)
    assert result.returncode == 2 and "index.html" in result.last_line(), result.output()
    assert not [r for r in result.requests if r.path.startswith(f"/{site.hosting.bucket}")]


# A user's smoke command (say a Playwright or curl script): node, so the preload sends the release URL to the
# edge emulator. It opens a deep link of the pinned release through the distribution, before it is live.
PINNED_FETCH = (
    'node -e \'const e = process.env; fetch(e.SPA_RELEASE_URL + "/orders/7", {headers: {[e.SPA_RELEASE_HEADER_NAME]: '
    'e.SPA_RELEASE_ID, [e.SPA_RELEASE_TOKEN_HEADER_NAME]: e.SPA_RELEASE_TOKEN}}).then(async (r) => '
    'require("fs").writeFileSync(e.SEEN, JSON.stringify({status: r.status, body: await r.text(), id: e.SPA_RELEASE_ID})))\''
)


def test_smoke_commands_open_the_pinned_release_before_it_is_live_and_a_failing_one_stops_it(new_site, builds, tmp_path):
    site = new_site()
    first = site.deploy(builds["v1"], 1)
    assert first.returncode == 0, first.output()
    seen = tmp_path / "seen.json"
    commands = [PINNED_FETCH]
    result = site.deploy(builds["v2"], 2, SPA_SMOKE_COMMANDS=json.dumps(commands), SEEN=str(seen))
    assert result.returncode == 0, result.output()
    pinned = json.loads(seen.read_text())
    assert pinned["id"] == result.release
    assert (pinned["status"], pinned["body"].encode()) == (200, local_files(builds["v2"])["index.html"])
    assert_live(site, builds["v2"], result.release)

    failing = site.deploy(builds["v3"], 3, SPA_SMOKE_COMMANDS=json.dumps([PINNED_FETCH, "exit 3"]), SEEN=str(seen))
    assert failing.returncode == 1, failing.output()
    assert "exit" in failing.last_line() and "3" in failing.last_line(), failing.output()
    assert json.loads(seen.read_text())["id"] == failing.release, "the first command ran"
    assert site.live() == result.release and site.store()[KVS_PREVIOUS] == first.release
    assert_live(site, builds["v2"], result.release)


# ------------------------------------------------------------------------------------------ environments
# Issue 15: one pipeline builds once and deploys that artifact to each environment's hosting. Dev's hosting is in
# the pipeline's account (moto's default account, where the harness's own "testing" key acts); prod's is in
# another account: the deploy project has only SPA_BUCKET, SPA_TARGET_PARAMETER and SPA_ROLE_ARN, and the
# parameters it reads (the target, the API URL) exist in that account only, so they can be read with the
# assumed role's credentials and no others.
PROD_ACCOUNT = "222222222222"
PROD_ROLE = "e-com67-admin-dashboard-deploy"
API_URL_PARAMETERS = {"dev": "/e-com67-dev/api-url", "prod": "/e-com67/api-url"}
API_URLS = {"dev": "https://dev.api.e-com67.example", "prod": "https://api.e-com67.example"}


def key_ids(requests, predicate) -> set:
    return {r.access_key_id for r in requests if predicate(r)}


@pytest.fixture(scope="module")
def environments(new_site, builds, moto, standin):
    """The same build (v1, one commit) deployed to dev (build 12 of its deploy project) and to prod (build 3 of
    its own): two runs of the program, nothing more."""
    from spa_deploy_harness import _client, client_in_account, commit_of

    dev, prod = new_site(), new_site()
    _client("ssm", moto.endpoint).put_parameter(Name=API_URL_PARAMETERS["dev"], Value=API_URLS["dev"], Type="String")
    iam = client_in_account("iam", moto.endpoint, PROD_ACCOUNT)
    role_arn = iam.create_role(RoleName=PROD_ROLE, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}],
    }))["Role"]["Arn"]
    target_parameter = f"/cdk-ecom-platform/{prod.hosting.bucket}/deploy-target"
    ssm = client_in_account("ssm", moto.endpoint, PROD_ACCOUNT)
    ssm.put_parameter(Name=API_URL_PARAMETERS["prod"], Value=API_URLS["prod"], Type="String")
    ssm.put_parameter(Name=target_parameter, Type="String", Value=json.dumps(
        {"bucket": prod.hosting.bucket, "keyValueStoreArn": prod.hosting.kvs_arn, "siteUrl": prod.hosting.url}))
    commit = commit_of(100)
    build = builds["v1"]
    kvs_before = len(standin.requests())
    results = {
        "dev": dev.deploy(build, 12, commit=commit, SPA_RUNTIME_CONFIG=json.dumps({"environment": "dev"}),
                          SPA_RUNTIME_CONFIG_PARAMETERS=json.dumps({"apiUrl": API_URL_PARAMETERS["dev"]})),
        "prod": prod.deploy(build, 3, commit=commit, SPA_KVS_ARN=None, SPA_SITE_URL=None,
                            SPA_TARGET_PARAMETER=target_parameter, SPA_ROLE_ARN=role_arn,
                            SPA_RUNTIME_CONFIG=json.dumps({"environment": "prod"}),
                            SPA_RUNTIME_CONFIG_PARAMETERS=json.dumps({"apiUrl": API_URL_PARAMETERS["prod"]})),
    }
    for name, result in results.items():
        assert result.returncode == 0, (name, result.output())
    return {"sites": {"dev": dev, "prod": prod}, "results": results, "build": build, "role_arn": role_arn,
            "kvs_requests": standin.requests()[kvs_before:]}


def test_one_build_deployed_to_two_environments_differs_only_in_config_json(environments):
    dev, prod = (environments["sites"][e] for e in ("dev", "prod"))
    ids = {e: environments["results"][e].release for e in ("dev", "prod")}
    assert ids["dev"] != ids["prod"]  # each environment's deploy project counts its own builds

    def normalized(site, release):
        """Every object of the site's bucket, the release id in its key replaced by a placeholder."""
        return {k.replace(release, "<release>"): k for k in site.hosting.objects()}

    dev_keys, prod_keys = normalized(dev, ids["dev"]), normalized(prod, ids["prod"])
    assert set(dev_keys) == set(prod_keys)
    config, manifest = f"{RELEASES}<release>/config.json", f"{MANIFESTS}<release>.json"
    assert {config, manifest} <= set(dev_keys)
    compared = 0
    for key in sorted(set(dev_keys) - {config, manifest}):
        a, b = dev.hosting.head(dev_keys[key]), prod.hosting.head(prod_keys[key])
        assert (a["ContentType"], a["CacheControl"]) == (b["ContentType"], b["CacheControl"]), key
        assert dev.hosting.read(dev_keys[key]) == prod.hosting.read(prod_keys[key]), key
        compared += 1
    assert compared == len(local_files(environments["build"]))  # the build's files, config.json added by the deploy

    for env, site in (("dev", dev), ("prod", prod)):
        expected = {"apiUrl": API_URLS[env], "environment": env}
        assert json.loads(site.hosting.read(f"{RELEASES}{ids[env]}/config.json")) == expected, env
        head = site.hosting.head(f"{RELEASES}{ids[env]}/config.json")
        assert (media_type(head), head["CacheControl"]) == ("application/json", NO_CACHE)
        served = site.get("/config.json")
        assert served.status == 200 and json.loads(served.body) == expected, env
        assert_live(site, environments["build"], ids[env])
    # The manifests differ in the release's id and build number and config.json's checksum, nothing else.
    manifests = {e: s.hosting.manifest(ids[e]) for e, s in (("dev", dev), ("prod", prod))}
    assert manifests["dev"]["assets"] == manifests["prod"]["assets"]
    assert manifests["dev"]["commit"] == manifests["prod"]["commit"]
    files = {e: [f for f in m["files"] if f["path"] != "config.json"] for e, m in manifests.items()}
    assert files["dev"] == files["prod"]


def program_requests(result: DeployResult) -> list:
    """The requests the deploy program made: its SDK's user agent. Not the deploy project's `aws s3 cp` of the
    program (the AWS CLI, in the pipeline's account), nor the edge emulator's reads of the bucket (boto3: the
    distribution's origin access)."""
    return [r for r in result.requests if "aws-sdk-js/" in r.headers.get("user-agent", "")]


def test_the_prod_deploy_acts_as_the_assumed_role_and_dev_as_the_project(environments, moto):
    dev, prod = (environments["sites"][e] for e in ("dev", "prod"))
    results = environments["results"]
    role_arn = environments["role_arn"]
    requests = program_requests(results["prod"])

    # The project's own credentials (the harness's "testing" key) call AssumeRole on the role, once.
    assume = [r for r in requests if r.target == "AssumeRole"]
    assert len(assume) == 1, [r.target for r in requests]
    form = urllib.parse.parse_qs(assume[0].body.decode())
    assert form["RoleArn"] == [role_arn] and form["RoleSessionName"] == [f"spa-deploy-{results['prod'].release}"]
    assert assume[0].access_key_id == "testing"

    # Every other request of the program for prod (S3, SSM) and every one to its store was signed with one key,
    # which moto knows as that session of the role in the prod account.
    others = [r for r in requests if r.target != "AssumeRole"]
    bucket_calls = [r for r in others if r.path.startswith(f"/{prod.hosting.bucket}")]
    ssm_calls = [r for r in others if r.target == "AmazonSSM.GetParameter"]
    assert bucket_calls and len(ssm_calls) == 2 and len(bucket_calls) + len(ssm_calls) == len(others), \
        [(r.method, r.path, r.target) for r in others]
    store_calls = [r for r in environments["kvs_requests"] if r.get("arn") == prod.hosting.kvs_arn]
    assert store_calls, environments["kvs_requests"]
    keys = key_ids(others, lambda r: True) | {r.get("accessKeyId") for r in store_calls}
    assert len(keys) == 1 and "testing" not in keys, keys
    assumed = caller_arn(moto.endpoint, keys.pop())
    assert assumed == f"arn:aws:sts::{PROD_ACCOUNT}:assumed-role/{PROD_ROLE}/spa-deploy-{results['prod'].release}"

    # Dev: no role, the project's own key for everything.
    dev_requests = program_requests(results["dev"])
    assert dev_requests and not [r for r in dev_requests if r.target == "AssumeRole"]
    dev_store = {r.get("accessKeyId") for r in environments["kvs_requests"] if r.get("arn") == dev.hosting.kvs_arn}
    assert key_ids(dev_requests, lambda r: True) | dev_store == {"testing"}
