"""End-to-end tests of assets/spa-deploy.sh: the real script, the real AWS CLI, a real Vite build of
test/fixtures/spa-app, against moto_server (S3 + CloudFront) on loopback.

Run: python3 -m pytest -q test/deploy   (needs node/npm, moto[server], awscli; about 2-3 minutes on 2 cores)

The fixture app is built once per session in a temporary copy, in three variants (App.jsx edited between
builds). Each group of tests deploys to its own bucket and distribution; the deploy sequences run once per
module (fixtures) and the tests assert on what they recorded: moto's request log (the order of PUTs), the
`aws` wrapper's call log, the bucket and the distribution's invalidations.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List
from urllib.parse import unquote

import pytest

from spa_deploy_harness import (
    IMMUTABLE,
    MANIFEST_KEY,
    NO_CACHE,
    SHORT,
    REPO,
    Buildspec,
    DeployResult,
    Deployer,
    MotoServer,
    Site,
    build_fixture_variants,
    s3_client,
    create_site,
    local_files,
    synthesized_deploy_buildspec,
)

# Skipped on a developer machine without the tools; under CI=true a missing tool fails instead of skipping.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not (shutil.which("npm") and shutil.which("aws") and shutil.which("moto_server")),
    reason="needs npm, the AWS CLI (pip install awscli) and moto_server (pip install 'moto[server]')",
)

CONFIG_1 = {"apiUrl": "https://api.example.com", "features": {"orders": True}}
CONFIG_2 = {"apiUrl": "https://api-v2.example.com", "features": {"orders": True}}
MEDIA_TYPES = {
    "js": "text/javascript", "css": "text/css", "html": "text/html", "json": "application/json",
    "map": "application/json", "svg": "image/svg+xml", "woff2": "font/woff2", "txt": "text/plain",
    "png": "image/png", "ico": "image/x-icon", "webmanifest": "application/manifest+json",
}


def media_type(head: dict) -> str:
    return head["ContentType"].split(";")[0].strip()


def hashed(keys) -> set:
    return {k for k in keys if k.startswith("assets/")}


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("spa-deploy")


@pytest.fixture(scope="session")
def moto(workdir):
    server = MotoServer(workdir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def builds(workdir) -> Dict[str, Path]:
    result = build_fixture_variants(workdir, ["v1", "v2", "v3"])
    for dist in result.values():
        files = local_files(dist)
        assert "index.html" in files and len(hashed(files)) >= 3, sorted(files)
    return result


@pytest.fixture(scope="session")
def buildspec(workdir) -> Buildspec:
    return synthesized_deploy_buildspec(workdir)


@pytest.fixture(scope="session")
def deployer(workdir, moto, buildspec) -> Deployer:
    return Deployer(workdir, moto, buildspec)


def test_the_synthesized_buildspec_embeds_the_shipped_script(buildspec, tmp_path):
    """The deploys below run the template's commands; they must write exactly assets/spa-deploy.sh."""
    assert len(buildspec.commands) == 2 and buildspec.commands[1].startswith("bash ")
    env = dict(os.environ, TMPDIR=str(tmp_path))
    subprocess.run(["bash", "-c", buildspec.commands[0]], env=env, check=True)
    assert (tmp_path / "spa-deploy.sh").read_bytes() == (REPO / "assets" / "spa-deploy.sh").read_bytes()
    assert buildspec.variables["SPA_SOURCE_DIR"] == "."
    assert buildspec.variables["SPA_RUNTIME_CONFIG"] == '{"apiUrl":"https://api.example.com"}'



@dataclass
class Step:
    result: DeployResult
    objects: Dict[str, dict]
    invalidations: List[List[str]]
    manifest: dict
    reachable: Dict[str, bool]


@pytest.fixture(scope="module")
def lifecycle(moto, builds, deployer):
    """cold (v1) -> unchanged (v1 again) -> changed (v2, no waiting) -> pruning (v3, new config); keep 2."""
    site = create_site(moto.endpoint, "lifecycle")
    foreign = "legacy/keep-me.txt"  # in the bucket before the first deploy, listed by no release
    s3_client(moto.endpoint).put_object(Bucket=site.bucket, Key=foreign, Body=b"not ours")
    steps: Dict[str, Step] = {}

    def step(name: str, dist: Path, config: dict, **settings) -> None:
        result = deployer.deploy(site, dist, name, SPA_RUNTIME_CONFIG=json.dumps(config), SPA_KEEP_RELEASES="2",
                                 **settings)
        assert result.returncode == 0, result.output()
        steps[name] = Step(result, site.objects(), site.invalidations(), site.manifest(), site.reachable())

    step("cold", builds["v1"], CONFIG_1)
    heads = {key: site.head(key) for key in steps["cold"].objects}
    bodies = {key: site.read(key) for key in steps["cold"].objects}
    step("unchanged", builds["v1"], CONFIG_1)
    step("changed", builds["v2"], CONFIG_1, SPA_INVALIDATION_WAIT_SECONDS="0")
    step("pruning", builds["v3"], CONFIG_2)
    return {"site": site, "steps": steps, "heads": heads, "bodies": bodies, "builds": builds, "foreign": foreign}


# ----------------------------------------------------------------------------------------- first deploy
def test_cold_deploy_uploads_every_file_with_its_cache_control_and_content_type(lifecycle):
    heads = lifecycle["heads"]
    local = local_files(lifecycle["builds"]["v1"])
    expected_keys = set(local) | {"config.json", MANIFEST_KEY, lifecycle["foreign"]}
    assert set(heads) == expected_keys
    for key, body in local.items():
        assert lifecycle["bodies"][key] == body, key
        head = heads[key]
        if key == "index.html":
            assert head["CacheControl"] == NO_CACHE
        elif key.startswith("assets/"):
            assert head["CacheControl"] == IMMUTABLE, key
        else:
            assert head["CacheControl"] == SHORT, key
        assert media_type(head) == MEDIA_TYPES[key.rsplit(".", 1)[-1]], (key, head["ContentType"])
    assert heads["config.json"]["CacheControl"] == NO_CACHE
    assert media_type(heads["config.json"]) == "application/json"
    assert heads[MANIFEST_KEY]["CacheControl"] == NO_CACHE


def test_cold_deploy_writes_index_html_last(lifecycle):
    step = lifecycle["steps"]["cold"]
    bucket = lifecycle["site"].bucket
    order = step.result.puts(bucket, include_manifest=True)
    assert order[0] == MANIFEST_KEY, "the release is recorded before any of its files are uploaded"
    assert order[-1] == MANIFEST_KEY, "the manifest is finalized after index.html"
    files = order[1:-1]
    assert files.count("index.html") == 1 and files[-1] == "index.html", files
    position = {key: i for i, key in enumerate(files)}
    hashed_last = max(position[k] for k in hashed(files))
    assert hashed_last < position["favicon.svg"] < position["config.json"] < position["index.html"], files
    # everything the new index.html loads (entry chunk, CSS, the lazy route chunk and its CSS) went up first
    reachable = step.reachable
    assert len(reachable) >= 5 and all(reachable.values()), reachable
    for key in reachable:
        if key != "index.html":
            assert position[key] < position["index.html"], key


def test_runtime_config_is_written_from_the_environment(lifecycle):
    site: Site = lifecycle["site"]
    assert json.loads(site.read("config.json")) == CONFIG_2  # after the last deploy
    steps = lifecycle["steps"]
    assert steps["cold"].objects["config.json"]["ETag"] != steps["pruning"].objects["config.json"]["ETag"]


def test_cold_deploy_invalidates_only_the_entry_paths_and_waits(lifecycle):
    step = lifecycle["steps"]["cold"]
    assert step.invalidations == [["/", "/config.json", "/favicon.svg", "/index.html"]]
    assert step.result.summary["status"] == "completed", step.result.output()
    polls = [c for c in step.result.calls if c["args"][:2] == ["cloudfront", "get-invalidation"]]
    assert len(polls) == 1  # moto completes invalidations at once
    assert step.result.summary["uploaded"] == str(len(local_files(lifecycle["builds"]["v1"])) + 1)


# ------------------------------------------------------------------------------------------ re-deploys
def test_unchanged_redeploy_uploads_only_the_small_non_hashed_set(lifecycle):
    step = lifecycle["steps"]["unchanged"]
    bucket = lifecycle["site"].bucket
    assert sorted(step.result.puts(bucket)) == ["config.json", "favicon.svg", "index.html"]
    assert step.result.summary["uploaded"] == "3"
    assert step.result.summary["skipped"] == str(len(hashed(local_files(lifecycle["builds"]["v1"]))))
    assert step.invalidations == lifecycle["steps"]["cold"].invalidations, "nothing changed: no invalidation"
    assert step.result.summary["invalidation"] == "none"


def test_changed_deploy_keeps_the_previous_release_assets(lifecycle):
    steps = lifecycle["steps"]
    v1 = local_files(lifecycle["builds"]["v1"])
    v2 = local_files(lifecycle["builds"]["v2"])
    assert hashed(v1) != hashed(v2)
    objects = steps["changed"].objects
    assert set(v1) <= set(objects), "a tab still running release v1 can load its lazy chunks"
    assert set(v2) <= set(objects)
    uploaded = steps["changed"].result.puts(lifecycle["site"].bucket)
    assert hashed(uploaded) == hashed(v2) - hashed(v1), "only the new hashed files are uploaded"
    assert steps["changed"].invalidations[-1] == ["/", "/index.html"]
    assert len(steps["changed"].invalidations) == len(steps["unchanged"].invalidations) + 1
    assert steps["changed"].result.summary["status"] == "not waited for"
    assert not [c for c in steps["changed"].result.calls if c["args"][:2] == ["cloudfront", "get-invalidation"]]


def test_releases_older_than_the_kept_ones_are_pruned(lifecycle):
    steps = lifecycle["steps"]
    v1, v2, v3 = (set(local_files(lifecycle["builds"][v])) for v in ("v1", "v2", "v3"))
    # after "changed": 3 releases, keep 2 -> "cold" dropped, but "unchanged" (kept) lists the same files
    assert steps["changed"].result.summary["pruned"] == "0"
    assert [r["id"] for r in steps["changed"].manifest["releases"]] == ["changed", "unchanged"]
    # after "pruning": "unchanged" dropped too -> what only v1 had is gone, v2 and v3 are complete
    final = steps["pruning"]
    only_v1 = v1 - v2 - v3
    assert only_v1, "the builds must differ"
    assert not only_v1 & set(final.objects)
    assert (v2 | v3) <= set(final.objects)
    assert final.result.summary["pruned"] == str(len(only_v1))
    assert [(r["id"], r["status"]) for r in final.manifest["releases"]] == [("pruning", "live"), ("changed", "live")]
    assert MANIFEST_KEY in final.objects
    assert lifecycle["foreign"] in final.objects, "objects no release ever listed are never pruned"
    assert final.invalidations[-1] == ["/", "/config.json", "/index.html"]


# ------------------------------------------------------------------------------------- failure injection
def snapshot(site: Site) -> Dict[str, dict]:
    """Every object of the bucket with its body and metadata."""
    out = {}
    for key in site.objects():
        head = site.head(key)
        out[key] = {"body": site.read(key), "etag": head["ETag"], "ContentType": head["ContentType"],
                    "CacheControl": head["CacheControl"]}
    return out


def restore(site: Site, saved: Dict[str, dict]) -> None:
    """Put the bucket back as `saved` recorded it (deletes what was added, rewrites what changed)."""
    s3 = s3_client(site.endpoint)
    for key, item in site.objects().items():
        if key not in saved:
            s3.delete_object(Bucket=site.bucket, Key=key)
        elif item["ETag"] != saved[key]["etag"]:
            s3.put_object(Bucket=site.bucket, Key=key, Body=saved[key]["body"],
                          ContentType=saved[key]["ContentType"], CacheControl=saved[key]["CacheControl"])
    assert {k: v["ETag"] for k, v in site.objects().items()} == {k: v["etag"] for k, v in saved.items()}


@pytest.fixture(scope="module")
def failures(moto, builds, deployer):
    """v1 deployed ("good"). From that same bucket state (restored before each attempt), v2 deploys that fail
    on upload call 1, 2, ... up to the index.html upload; one that fails after its JS upload went through and
    one after its index.html upload went through; then, after the latter, a clean v2 deploy ("fixed")."""
    site = create_site(moto.endpoint, "failure")
    config = {"SPA_RUNTIME_CONFIG": json.dumps(CONFIG_1)}
    good = deployer.deploy(site, builds["v1"], "good", **config)
    assert good.returncode == 0, good.output()
    saved = snapshot(site)
    attempts = []
    for n in range(1, 20):
        restore(site, saved)
        result = deployer.deploy(site, builds["v2"], f"broken-{n}", fail_upload=n, **config)
        attempts.append({"n": n, "result": result, "index": site.read("index.html"), "reachable": site.reachable(),
                         "invalidations": site.invalidations()})
        if result.failed_call is None or f"s3://{site.bucket}/index.html" in result.failed_call["args"]:
            break
    js_upload = next((a["n"] for a in attempts if a["result"].failed_call and any(
        "text/javascript" in arg for arg in a["result"].failed_call["args"])), None)
    index_upload = attempts[-1]["n"]
    after = []
    for name, n in (("after-js", js_upload), ("after-index", index_upload)):
        if n is None:
            continue
        restore(site, saved)
        result = deployer.deploy(site, builds["v2"], name, fail_upload=n, fail_mode="after", **config)
        after.append({"name": name, "result": result, "reachable": site.reachable(), "index": site.read("index.html")})
    fixed = deployer.deploy(site, builds["v2"], "fixed", **config)
    return {"site": site, "good_index": saved["index.html"]["body"], "attempts": attempts, "after": after,
            "fixed": fixed, "fixed_invalidations": site.invalidations(), "manifest": site.manifest(),
            "builds": builds}


def test_every_upload_before_index_html_was_made_to_fail(failures):
    attempts = failures["attempts"]
    failed = [" ".join(a["result"].failed_call["args"]) for a in attempts if a["result"].failed_call]
    assert len(failed) == len(attempts), "the loop stopped at the index.html upload, not at a successful deploy"
    assert MANIFEST_KEY in failed[0]
    assert any("immutable" in f for f in failed) and any("config.json" in f for f in failed)
    assert failed[-1].startswith("s3 cp ") and failed[-1].split()[3].endswith("/index.html")


def test_a_failed_upload_fails_the_deploy_and_keeps_the_previous_release_live(failures):
    for attempt in failures["attempts"]:
        result = attempt["result"]
        assert result.returncode != 0, (attempt["n"], result.output())
        assert attempt["index"] == failures["good_index"], f"index.html moved although upload {attempt['n']} failed"
        assert all(attempt["reachable"].values()), (attempt["n"], attempt["reachable"])
        assert len(attempt["invalidations"]) == 1, "no invalidation for a failed deploy"
        assert not [c for c in result.calls if c["args"][0] == "cloudfront"]
        # nothing ran after the failing call
        assert result.calls[-1]["upload"] == attempt["n"], result.calls[-1]


def test_a_failure_reported_after_the_upload_still_leaves_a_complete_release(failures):
    assert [a["name"] for a in failures["after"]] == ["after-js", "after-index"], "no JS upload before index.html"
    after_js, after_index = failures["after"]
    for attempt in failures["after"]:
        assert attempt["result"].returncode != 0, attempt["result"].output()
        assert all(attempt["reachable"].values()), (attempt["name"], attempt["reachable"])
    assert after_js["index"] == failures["good_index"]
    assert after_index["result"].failed_call["args"][3].endswith("/index.html")
    assert after_index["index"] == local_files(failures["builds"]["v2"])["index.html"]


def test_a_deploy_after_failures_succeeds_and_invalidates_what_changed_since_the_last_live_release(failures):
    fixed = failures["fixed"]
    assert fixed.returncode == 0, fixed.output()
    assert failures["fixed_invalidations"][-1] == ["/", "/index.html"]
    releases = failures["manifest"]["releases"]
    assert (releases[0]["id"], releases[0]["status"]) == ("fixed", "live")
    assert [(r["id"], r["status"]) for r in releases] == [("fixed", "live"), ("after-index", "pending"),
                                                          ("good", "live")]
    # the failed deploy took no slot of SPA_KEEP_RELEASES=3: release "good" (v1) is kept, its files stay
    assert fixed.summary["pruned"] == "0"
    assert set(local_files(failures["builds"]["v1"])) <= set(failures["site"].objects())
    assert all(failures["site"].reachable().values())


# --------------------------------------------------------------------------- other layouts, content types
CRA_LIKE = {
    "index.html": '<script defer src="/static/js/main.1a2b3c4d.js"></script>',
    "static/js/main.1a2b3c4d.js": "console.log('main')",
    "static/js/main.1a2b3c4d.js.map": "{}",
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
    "config.json": '{"apiUrl": "from the build"}',
}
CRA_HASHED = {k for k in CRA_LIKE if k.startswith("static/") or k == "assets/inter-Ab3_-xYz.woff2"}


def test_cra_layout_content_types_and_a_bounded_invalidation_wait(moto, deployer, tmp_path):
    dist = tmp_path / "build"
    for key, text in CRA_LIKE.items():
        (dist / key).parent.mkdir(parents=True, exist_ok=True)
        (dist / key).write_text(text)
    site = create_site(moto.endpoint, "cra")
    # run as the SpaPipeline deploy project does: in the build artifact's directory, SPA_SOURCE_DIR=.
    # (no runtime config from the pipeline here: the build output's config.json is used as it is)
    # (source maps public, as `serveSourceMaps: true` sets, so the .map's content type is checked too)
    result = deployer.deploy(site, Path("."), "cra", cwd=dist, invalidation_status="InProgress",
                             SPA_INVALIDATION_WAIT_SECONDS="3", SPA_RUNTIME_CONFIG="", SPA_SOURCE_MAPS="public")
    assert result.returncode == 0, result.output()  # a wait past the bound warns, it does not fail
    assert "still InProgress after 3s" in result.stderr
    polls = [c for c in result.calls if c["args"][:2] == ["cloudfront", "get-invalidation"]]
    # polled again until the bound, and stopped there (each call takes over a second on a busy machine: 2, not 3)
    assert 2 <= len(polls) <= 5
    for key in CRA_LIKE:
        head = site.head(key)
        assert media_type(head) == MEDIA_TYPES[key.rsplit(".", 1)[-1]], (key, head["ContentType"])
        if key in ("index.html", "config.json"):
            expected = NO_CACHE  # config.json from the build output is the runtime config
        elif key in CRA_HASHED:
            expected = IMMUTABLE
        else:
            expected = SHORT
        assert head["CacheControl"] == expected, key
    assert json.loads(site.read("config.json")) == {"apiUrl": "from the build"}
    paths = site.invalidations()[-1]
    assert paths == sorted(["/", "/index.html"] + ["/" + k for k in CRA_LIKE if k not in CRA_HASHED and k != "index.html"])
    assert not any(p.startswith("/static/") for p in paths)


@pytest.mark.parametrize("settings, message", [
    ({"SPA_BUCKET": ""}, "SPA_BUCKET is required"),
    ({"SPA_DISTRIBUTION_ID": ""}, "SPA_DISTRIBUTION_ID is required"),
    ({"SPA_SOURCE_DIR": "/nonexistent"}, "is not a directory"),
    ({"SPA_RUNTIME_CONFIG": "[1, 2]"}, "must be a JSON object"),
    ({"SPA_RUNTIME_CONFIG": "{bad"}, "not valid JSON"),
    ({"SPA_KEEP_RELEASES": "0"}, "SPA_KEEP_RELEASES"),
    ({"SPA_INVALIDATION_WAIT_SECONDS": "soon"}, "SPA_INVALIDATION_WAIT_SECONDS"),
])
def test_bad_settings_fail_before_any_aws_call(moto, deployer, builds, settings, message):
    site = Site(moto.endpoint, "never-created", "EDFDVBD6EXAMPLE")
    result = deployer.deploy(site, builds["v1"], "bad", **settings)
    assert result.returncode != 0
    assert message in result.stderr, result.output()
    assert result.calls == []


def test_a_build_without_index_html_is_refused(moto, deployer, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-Ab3_-xYz.js").write_text("1")
    result = deployer.deploy(Site(moto.endpoint, "never-created", "E1"), tmp_path, "bad")
    assert result.returncode != 0 and "has no index.html" in result.stderr
    assert result.calls == []


@pytest.mark.parametrize("setting, served", [("private", False), ("public", True)])
def test_source_maps_are_private_unless_made_public(moto, deployer, tmp_path, setting, served):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<script type="module" src="/assets/index-Ab3_-xYz.js"></script>')
    (dist / "assets" / "index-Ab3_-xYz.js").write_text("console.log(1)\n//# sourceMappingURL=index-Ab3_-xYz.js.map")
    (dist / "assets" / "index-Ab3_-xYz.js.map").write_text('{"version":3,"sources":["src/secret-business-logic.ts"]}')
    (dist / "legacy.map").write_text("{}")
    site = create_site(moto.endpoint, f"maps-{setting}")
    # The buildspec's own SPA_SOURCE_MAPS is "private" (SpaPipeline's default); `serveSourceMaps: true` sets "public".
    result = deployer.deploy(site, dist, setting, SPA_SOURCE_MAPS=setting)
    assert result.returncode == 0, result.output()
    keys = set(site.objects())
    assert {"index.html", "assets/index-Ab3_-xYz.js"} <= keys
    assert ("assets/index-Ab3_-xYz.js.map" in keys) is served
    assert ("legacy.map" in keys) is served
    assert ("2 .map files not uploaded" in result.stdout) is not served


def test_the_synthesized_deploy_keeps_source_maps_private(buildspec):
    assert buildspec.variables["SPA_SOURCE_MAPS"] == "private"


def test_an_unknown_source_maps_setting_fails_before_any_aws_call(moto, deployer, builds):
    result = deployer.deploy(Site(moto.endpoint, "never-created", "E1"), builds["v1"], "bad", SPA_SOURCE_MAPS="yes")
    assert result.returncode != 0 and "SPA_SOURCE_MAPS must be 'private' or 'public'" in result.stderr
    assert result.calls == []


# ------------------------------------------------------------------------- unusual build outputs, settings
# Everything below is refused before the first AWS call (the wrapper logs none), through the synthesized
# buildspec's copy of the script: nothing of the release reaches the bucket.
def index_html_symlink(dist: Path) -> None:
    (dist / "build").mkdir()
    (dist / "index.html").rename(dist / "build" / "index.html")
    (dist / "index.html").symlink_to("build/index.html")


def newline_name(dist: Path) -> None:
    (dist / "assets" / "a\nb.js").write_text("1")


def link_outside(dist: Path) -> None:
    (dist / "secrets.txt").symlink_to("/etc/passwd")


def named_pipe(dist: Path) -> None:
    os.mkfifo(dist / "events")


@pytest.mark.parametrize("make, settings, message", [
    (index_html_symlink, {}, "index.html is a symbolic link (to 'build/index.html')"),
    (newline_name, {}, "'assets/a\\nb.js': its name has a control character"),
    (link_outside, {}, "'secrets.txt': is a symbolic link (to '/etc/passwd')"),
    (named_pipe, {}, "'events': is a named pipe"),
    (None, {"SPA_RUNTIME_CONFIG_PATH": "../../outside.json"}, "SPA_RUNTIME_CONFIG_PATH '../../outside.json' must be a relative path"),
    (None, {"SPA_RUNTIME_CONFIG_PATH": "/config.json"}, "SPA_RUNTIME_CONFIG_PATH '/config.json' is absolute"),
    (None, {"SPA_HASHED_PATTERN": "(assets/"}, "SPA_HASHED_PATTERN '(assets/' is not a valid extended regular expression"),
    (None, {"SPA_INVALIDATION_WAIT_SECONDS": "99999999999999999999"}, "SPA_INVALIDATION_WAIT_SECONDS must be an integer from 0 to 3600"),
], ids=["index-symlink", "newline-name", "link-outside", "named-pipe", "config-dotdot", "config-absolute", "bad-regex", "huge-wait"])
def test_unusable_build_outputs_and_settings_are_refused_before_any_aws_call(moto, deployer, tmp_path, make, settings, message):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html>")
    (dist / "assets" / "index-Ab3_-xYz.js").write_text("1")
    if make:
        make(dist)
    site = Site(moto.endpoint, "never-created", "E1")
    result = deployer.deploy(site, dist, "bad", SPA_RUNTIME_CONFIG=json.dumps(CONFIG_1), **settings)
    assert result.returncode != 0
    assert message in result.stderr, result.output()
    assert result.calls == [], "refused after an AWS call"
    # the run's TMPDIR holds the script's work folder: ../../outside.json from its generated/ would land here
    assert not (deployer.workdir / f"run-{deployer.runs}" / "outside.json").exists()


ODD_NAMES = {
    "assets/my file.js": b"console.log('space')",
    "ünïcødé-日本.txt": "unicode".encode(),
    "-rf": b"leading dash",
    "a#b.txt": b"hash",
    "100%.txt": b"percent",
    "c++.txt": b"plus",
    ".well-known/security.txt": b"Contact: mailto:security@example.com",
}


def test_odd_but_valid_names_and_a_multipart_sized_file_are_deployed(moto, deployer, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    files = {"index.html": b"<!doctype html>", **ODD_NAMES, "video.mp4": os.urandom(9 * 1024 * 1024)}  # > 8 MiB: multipart
    for key, body in files.items():
        (dist / key).parent.mkdir(parents=True, exist_ok=True)
        (dist / key).write_bytes(body)
    site = create_site(moto.endpoint, "odd-names")
    result = deployer.deploy(site, dist, "odd", SPA_RUNTIME_CONFIG="")
    assert result.returncode == 0, result.output()
    for key, body in files.items():
        assert site.read(key) == body, key
    assert site.manifest()["releases"][0]["files"]["video.mp4"] == hashlib.md5(files["video.mp4"]).hexdigest()
    paths = site.invalidations()[-1]
    assert all(p.isascii() and " " not in p and "#" not in p for p in paths), paths  # percent-encoded
    assert {"/" + key for key in ODD_NAMES} <= {unquote(p) for p in paths}, paths
