"""The npm package used as a TypeScript consumer uses it, following examples/README.md "As a repository of your
own": examples/typescript copied out of the repository, its `../../src` imports changed to `cdk-ecom-platform`,
the README's package.json with the built tarball (dist/js) as `cdk-ecom-platform`, `npm install`, then
`npx ecom-platform` and `npx cdk synth` in that folder.

The README's version ranges are kept except aws-cdk-lib, which is pinned to the floor so that the templates can
be compared with those of the in-repo example (synthesized from src/ with the repository's aws-cdk-lib).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT, SYNTH_TIMEOUT, assert_same_templates, dependency_floors
from test_examples import ENV, MODES, SYNTHS, TYPESCRIPT, read_all_templates

JS_DIST = REPO_ROOT / "dist" / "js"
MODE = {"ecom:backendPipeline": "true", "ecom:frontendPipelines": "true"}


def recipe_package_json() -> dict:
    """The package.json examples/README.md tells a TypeScript user to write."""
    readme = (REPO_ROOT / "examples" / "README.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", readme, re.S)
    assert len(blocks) == 1, "examples/README.md should hold one package.json block"
    return json.loads(blocks[0])


def tarball() -> Path:
    found = sorted(JS_DIST.glob("cdk-ecom-platform@*.jsii.tgz"))
    if len(found) != 1:
        pytest.fail(f"expected one npm tarball in {JS_DIST}, found {[f.name for f in found]}: run `npx projen build` "
                    "(or `npx projen package:js`) first", pytrace=False)
    return found[0]


def run(argv, cwd: Path, timeout: int = SYNTH_TIMEOUT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CDK_CONTEXT_JSON", "CDK_OUTDIR")}
    env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true"
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(argv)} failed (exit {proc.returncode})\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
    return proc


def synth(folder: Path, outdir: Path):
    argv = ["npx", "cdk", "synth", "--quiet", "--output", str(outdir)]
    for key, value in {**ENV, **MODE}.items():
        argv += ["--context", f"{key}={value}"]
    run(argv, folder)
    return read_all_templates(outdir)


@pytest.fixture(scope="module")
def consumer(tmp_path_factory) -> Path:
    """examples/typescript as a repository of its own, installed from the npm tarball."""
    folder = tmp_path_factory.mktemp("npm-consumer") / "e-com67-infra"
    shutil.copytree(TYPESCRIPT, folder, ignore=shutil.ignore_patterns("cdk.out", "node_modules", "cdk.context.json"))
    for source in [folder / "app.ts", *folder.glob("backend/**/*.ts")]:
        text = source.read_text()
        source.write_text(re.sub(r"'(\.\./)+src'", "'cdk-ecom-platform'", text))
    package = recipe_package_json()
    package["dependencies"]["cdk-ecom-platform"] = f"file:{tarball()}"
    package["dependencies"]["aws-cdk-lib"] = dependency_floors()["aws-cdk-lib"]
    (folder / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    run(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], folder, timeout=900)
    return folder


def test_the_recipe_installs_with_a_lock_for_npm_ci(consumer):
    assert (consumer / "package-lock.json").exists()
    assert not re.search(r"\.\./src", (consumer / "app.ts").read_text())
    installed = json.loads((consumer / "node_modules" / "cdk-ecom-platform" / "package.json").read_text())
    assert installed["name"] == "cdk-ecom-platform"


def test_npx_ecom_platform_runs_from_the_package(consumer):
    proc = run(["npx", "ecom-platform", "--help"], consumer, timeout=120)
    assert proc.stdout.startswith("Usage: ecom-platform [command] [options]")
    refused = subprocess.run(["npx", "ecom-platform", "deploy", "nowhere"], cwd=consumer, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith('ecom-platform: unknown deploy target "nowhere"')


def in_repo_templates(outdir: Path):
    """The in-repo example in MODE: test_examples.py's synth of it when that module ran in this session."""
    assert MODES["both pipelines"] == MODE
    shared = SYNTHS.get(("typescript", "both pipelines"))
    return dict(shared.result()) if shared is not None else synth(TYPESCRIPT, outdir)


def test_the_consumer_synthesizes_what_the_repository_example_does(consumer, tmp_path):
    installed = synth(consumer, tmp_path / "consumer")
    in_repo = in_repo_templates(tmp_path / "in-repo")
    assert sorted(installed) == sorted(in_repo)
    assert_same_templates(installed, in_repo)
