"""The default install of SpaPipeline on a monorepo shaped like a real one (issue 11): test/fixtures/ecom-shop,
two Vite apps sharing `"@ecom-shop/shared": "file:../shared"`, whose own dependency (clsx) `npm ci` in an app
does not install.

The build projects' buildspecs come from a synthesized template (test/deploy/monorepo-app.ts) and run with
app_build.build_app, as CodeBuild runs them. Each build works in a temporary copy of the fixture (never in
test/fixtures). npm's cache (~/.npm) is shared by every install, as in CodeBuild.

Run: python3 -m pytest -q test/deploy/test_monorepo_install.py   (needs node and npm; about a minute)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import pytest

from app_build import BuildFailed, build_app

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "test" / "fixtures" / "ecom-shop"
MONOREPO_APP = REPO / "test" / "deploy" / "monorepo-app.ts"
INSTALL_SCRIPT = REPO / "assets" / "spa-install.sh"
STACK = "ShopPipelines"
# What Parameter Store would give the build for /ecom-shop/stripe-publishable-key.
STRIPE_KEY = "pk_test_ecomshopFixture0123456789"
PARAMETERS = {"VITE_STRIPE_PUBLISHABLE_KEY": STRIPE_KEY}
UNRESOLVED_CLSX = re.compile(r'failed to resolve import "clsx" from "[^"]*frontends/shared/src/components/Button\.jsx"')

pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not (shutil.which("npm") and shutil.which("node")),
    reason="needs node and npm",
)


def copy_fixture(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("node_modules", "dist"))
    return dest


def run(*command: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True, timeout=timeout)


def bundle(dist: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((dist / "assets").glob("*.js")))


@dataclass
class Build:
    dist: Path
    log: str
    seconds: float


def timed_build(buildspec: dict, repo: Path, name: str, env: Dict[str, str] = None) -> Build:
    log = repo.parent / f"{name}.log"
    started = time.monotonic()
    dist = build_app(buildspec, repo, env, log_file=log)
    return Build(dist, log.read_text(), time.monotonic() - started)


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("monorepo-install")


@pytest.fixture(scope="module")
def buildspecs(workdir) -> Dict[str, dict]:
    """The build projects' buildspecs by pipeline id (CustomerApp, AdminDashboard, CustomerAppPlainNpmCi)."""
    outdir = workdir / "cdk.out"
    # Transpile only (test/tsconfig.json has isolatedModules): the type check is the compile task's job, and on
    # 2 busy cores it takes a minute.
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true")
    env.pop("npm_config_call", None)  # under `npx -c`, it would turn this npx into another `-c`
    subprocess.run(["npx", "ts-node", "--project", "test/tsconfig.json", str(MONOREPO_APP), str(outdir)],
                   cwd=REPO, check=True, capture_output=True, text=True, timeout=300, env=env)
    template = json.loads((outdir / f"{STACK}.template.json").read_text())
    out = {}
    for resource in template["Resources"].values():
        description = resource["Properties"].get("Description", "")
        if resource["Type"] == "AWS::CodeBuild::Project" and description.startswith(f"Builds the single-page app of {STACK}/"):
            out[description.rsplit("/", 1)[1]] = json.loads(resource["Properties"]["Source"]["BuildSpec"])
    assert set(out) == {"CustomerApp", "AdminDashboard", "CustomerAppPlainNpmCi"}, out.keys()
    return out


@pytest.fixture(scope="module")
def shop(workdir, buildspecs) -> Dict[str, Build]:
    """Both apps built with the default install in one copy of the fixture, customer app first."""
    repo = copy_fixture(workdir / "shop" / "repo")
    return {
        "customer": timed_build(buildspecs["CustomerApp"], repo, "customer", PARAMETERS),
        "admin": timed_build(buildspecs["AdminDashboard"], repo, "admin"),
    }


# ------------------------------------------------------------------------------------------------ tests
def test_the_default_install_runs_the_library_script(buildspecs):
    install = buildspecs["CustomerApp"]["phases"]["install"]["commands"]
    assert install[0] == 'cd "$CODEBUILD_SRC_DIR/frontends/customer-app"'
    assert any("spa-install.sh" in c for c in install), f"SpaPipeline's default install is not assets/spa-install.sh: {install}"
    assert buildspecs["CustomerApp"]["env"]["parameter-store"] == {"VITE_STRIPE_PUBLISHABLE_KEY": "/ecom-shop/stripe-publishable-key"}


def test_customer_app_builds_with_the_shared_package(shop):
    build = shop["customer"]
    js = bundle(build.dist)
    # The shared Button, compiled into the app with clsx resolved (no import left for the browser to fail on).
    assert 'data-shared-button' in js and 'shop-button--' in js
    assert not re.search(r'from\s*"clsx"|import\s*"clsx"', js)
    assert STRIPE_KEY in js, "the Parameter Store value did not reach the build"
    html = (build.dist / "index.html").read_text()
    assert '<script src="https://js.stripe.com/v3/"></script>' in html
    assert not list(build.dist.rglob("*.map"))
    assert "spa-install: local package @ecom-shop/shared (file:../shared) at frontends/shared: outside frontends/customer-app" in build.log
    assert build.log.index("spa-install: npm ci in frontends/shared") < build.log.index("spa-install: npm ci in frontends/customer-app")


def test_admin_dashboard_builds_with_source_maps(shop):
    build = shop["admin"]
    assert 'data-shared-button' in bundle(build.dist)
    maps = sorted(p.relative_to(build.dist).as_posix() for p in build.dist.rglob("*.map"))
    assert maps and all(m.startswith("assets/") for m in maps), maps


def test_plain_npm_ci_fails_to_resolve_the_shared_packages_dependency(workdir, buildspecs):
    """The negative control: the fixture reproduces issue 11 with the install it had before."""
    repo = copy_fixture(workdir / "plain" / "repo")
    with pytest.raises(BuildFailed) as failed:
        build_app(buildspecs["CustomerAppPlainNpmCi"], repo, PARAMETERS)
    assert failed.value.phase == "build" and failed.value.command == "npm run build"
    assert UNRESOLVED_CLSX.search(failed.value.output), failed.value.output[-3000:]


def test_a_parameter_the_caller_does_not_supply_fails_clearly(workdir, buildspecs):
    with pytest.raises(ValueError, match=r"VITE_STRIPE_PUBLISHABLE_KEY from Parameter Store"):
        build_app(buildspecs["CustomerApp"], workdir, {})


def test_npm_workspace_installs_once_at_the_root(workdir, buildspecs):
    """The same repository as an npm workspace: one lock file at the root, one `npm ci` there."""
    repo = copy_fixture(workdir / "workspace" / "repo")
    (repo / "package.json").write_text(json.dumps(
        {"name": "ecom-shop", "private": True, "workspaces": ["frontends/*"]}, indent=2) + "\n")
    for member in ("shared", "admin-dashboard"):
        (repo / "frontends" / member / "package-lock.json").unlink()
    # customer-app keeps its lock file: a leftover npm ignores in a workspace member.
    run("npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--prefer-offline", cwd=repo)
    build = timed_build(buildspecs["CustomerApp"], repo, "workspace", PARAMETERS)
    assert "spa-install: frontends/customer-app is a member of the npm workspace at the repository root" in build.log
    assert "spa-install: npm ci in the repository root" in build.log
    assert "npm ci in frontends/" not in build.log
    assert (repo / "node_modules" / "clsx").is_dir() and not (repo / "frontends" / "shared" / "node_modules").exists()
    assert 'data-shared-button' in bundle(build.dist)


# Failures of the install script itself, before any install: each names the package, the path and package.json.
def install_error(workdir: Path, name: str, edit) -> str:
    repo = copy_fixture(workdir / name / "repo")
    app = repo / "frontends" / "customer-app"
    manifest = json.loads((app / "package.json").read_text())
    edit(manifest)
    (app / "package.json").write_text(json.dumps(manifest, indent=2))
    result = subprocess.run(["bash", str(INSTALL_SCRIPT)], cwd=app, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, CODEBUILD_SRC_DIR=str(repo)))
    assert result.returncode != 0, result.stdout
    assert not (repo / "frontends" / "shared" / "node_modules").exists() and not (app / "node_modules").exists()
    return result.stderr


def test_a_missing_local_package_is_named(workdir):
    def edit(m):
        m["dependencies"]["@ecom-shop/shared"] = "file:../common"
    stderr = install_error(workdir, "missing", edit)
    assert ('spa-install: error: frontends/customer-app/package.json depends on "@ecom-shop/shared": "file:../common", '
            'but frontends/common does not exist') in stderr


def test_link_protocol_is_refused_with_the_fix(workdir):
    def edit(m):
        m["devDependencies"]["@ecom-shop/shared"] = "link:../shared"
        del m["dependencies"]["@ecom-shop/shared"]
    stderr = install_error(workdir, "link", edit)
    assert 'depends on "@ecom-shop/shared": "link:../shared", but npm (10, 11) does not support the link: protocol' in stderr
    assert 'Use "file:../shared"' in stderr


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed")
def test_install_script_is_shellcheck_clean():
    result = subprocess.run(["shellcheck", str(INSTALL_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
