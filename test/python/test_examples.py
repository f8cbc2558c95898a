"""examples/python (through the built wheel) synthesizes what examples/typescript does, in every deployment mode.

Each example runs in its own directory, as `cdk synth` runs it there (LayerBuilder and Code.fromAsset paths are
relative to it). With the CDK CLI (`npx cdk`, the `aws-cdk` package) installed, the apps are synthesized by
`cdk synth`, the Python one with the wheel venv's interpreter (`--app`); without it, each app file is run with
CDK_OUTDIR and CDK_CONTEXT_JSON as the CLI would (`conftest` style). `SYNTH_WITH` says which was used.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from conftest import CLI_CONTEXT, REPO_ROOT, SYNTH_TIMEOUT, SynthError, Templates, assert_same_templates

EXAMPLES = REPO_ROOT / "examples"
TYPESCRIPT = EXAMPLES / "typescript"
PYTHON = EXAMPLES / "python"
CDK_CLI = REPO_ROOT / "node_modules" / ".bin" / "cdk"
SYNTH_WITH = "cdk CLI" if CDK_CLI.exists() else "app file with CDK_OUTDIR"

ENV = {"account": "111122223333", "region": "eu-west-1"}
MODES = {
    "direct": {},
    "frontend pipelines": {"ecom:frontendPipelines": "true"},
    "both pipelines": {"ecom:backendPipeline": "true", "ecom:frontendPipelines": "true"},
}
# The backend pipeline synthesizes each example in its own language and folder: its synth step differs.
BACKEND_PIPELINE_STACK = "E-Com67-BackendPipelineStack"

#: The synths this module started, by (language, mode), kept for the session: test_npm_consumer.py compares
#: the npm consumer with the TypeScript "both pipelines" one instead of synthesizing it again.
SYNTHS: Dict[tuple, Future] = {}


def read_all_templates(outdir: Path) -> Templates:
    """{path of the template under outdir, less `.template.json`: template}, nested stage assemblies included."""
    templates = {
        str(f.relative_to(outdir))[: -len(".template.json")]: json.loads(f.read_text())
        for f in sorted(outdir.rglob("*.template.json"))
        if "cdk.out" not in f.relative_to(outdir).parts
    }
    if not templates:
        raise SynthError(f"no *.template.json in {outdir}")
    return templates


def synth_example(example: Path, outdir: Path, context: Dict[str, Any], python: Optional[Path] = None) -> Templates:
    env = {k: v for k, v in os.environ.items() if k not in ("CDK_CONTEXT_JSON", "CDK_OUTDIR", "PYTHONPATH", "VIRTUAL_ENV")}
    if CDK_CLI.exists():
        argv = [str(CDK_CLI), "synth", "--quiet", "--output", str(outdir)]
        if python is not None:
            argv += ["--app", f"{python} app.py"]
        for key, value in context.items():
            argv += ["--context", f"{key}={value}"]
    else:
        env.update(CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps({**CLI_CONTEXT, **context}))
        if python is not None:
            argv = [str(python), "app.py"]
        else:
            npx = shutil.which("npx")
            if npx is None:
                pytest.fail("npx is not on PATH: the TypeScript example needs Node.js", pytrace=False)
            argv = [npx, "ts-node", "--transpile-only", "--prefer-ts-exts", "app.ts"]  # as cdk.json
    proc = subprocess.run(argv, cwd=example, env=env, capture_output=True, text=True, timeout=SYNTH_TIMEOUT)
    if proc.returncode != 0:
        raise SynthError(f"{example.name} example failed (exit {proc.returncode}, {SYNTH_WITH})\n"
                         f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}")
    return read_all_templates(outdir)


@pytest.fixture(scope="module")
def started(request, background, tmp_path_factory):
    """Starts the TypeScript synths, then builds the venv and starts the Python ones, side by side."""
    futures = {}
    for mode, flags in MODES.items():
        futures[("typescript", mode)] = background.submit(
            synth_example, TYPESCRIPT, tmp_path_factory.mktemp("example-typescript"), {**ENV, **flags})
    python = request.getfixturevalue("wheel_python")
    for mode, flags in MODES.items():
        futures[("python", mode)] = background.submit(
            synth_example, PYTHON, tmp_path_factory.mktemp("example-python"), {**ENV, **flags}, python)
    SYNTHS.update(futures)
    return futures


@pytest.mark.parametrize("mode", list(MODES))
def test_same_templates(started, mode):
    print(f"synthesized with: {SYNTH_WITH}")
    typescript = dict(started[("typescript", mode)].result())
    python = dict(started[("python", mode)].result())
    ts_pipeline, py_pipeline = typescript.pop(BACKEND_PIPELINE_STACK, None), python.pop(BACKEND_PIPELINE_STACK, None)
    assert (ts_pipeline is None) == (py_pipeline is None)
    if ts_pipeline is not None:
        types = lambda t: Counter(r["Type"] for r in t["Resources"].values())  # noqa: E731
        assert types(py_pipeline) == types(ts_pipeline)
    assert_same_templates(python, typescript)


# The dashboard and alarms (on by default), and the alarms on CloudFront metrics in us-east-1.
MONITORING_STACK = "E-Com67-MonitoringStack"
EDGE_STACK = "E-Com67-EdgeMonitoringStack"


@pytest.mark.parametrize("mode, stacks", [
    ("direct", [EDGE_STACK, "E-Com67-FrontendStack", MONITORING_STACK]),
    ("frontend pipelines", ["E-Com67-AdminPipelineStack", "E-Com67-CustomerPipelineStack", EDGE_STACK, "E-Com67-FrontendStack", MONITORING_STACK]),
    ("both pipelines", ["E-Com67-AdminPipelineStack", BACKEND_PIPELINE_STACK, "E-Com67-CustomerPipelineStack", EDGE_STACK, "E-Com67-FrontendStack",
                        MONITORING_STACK]),
])
def test_stacks_of_each_mode(started, mode, stacks):
    templates = started[("python", mode)].result()
    assert sorted(name for name in templates if "/" not in name) == stacks
    assert sorted(name.split("/")[0] for name in templates if "/" in name) == ["assembly-Backend"] * 3
