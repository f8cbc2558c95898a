"""examples/python is compliant in every deployment mode, under both feature-flag contexts.

What is checked, for each flag context (no feature flags, and aws-cdk-lib's CURRENTLY_RECOMMENDED_FLAGS, as in
test/helpers/contexts.ts) and each mode of test_examples.py (direct, frontend pipelines, both pipelines):

- cdk-nag v3 and cdk-nag v2 (the AwsSolutions pack) report no unacknowledged error or warning, v2 no rule
  error either, over the app's construct tree before synthesis and after it, as test/helpers/compliance.ts
  does for the library's own platform (the library acknowledges some findings in `Node.addValidation` hooks,
  which run at synthesis, and CDK Pipelines builds the backend pipeline then);
- a canary (an unencrypted, unlogged bucket added to the app) is reported by both, so they did see the app;
- cfn-lint reports no error, and no warning outside test/helpers/cfn-lint-allowlist.json (the allowlist of
  test/helpers/cfn-lint.ts), on every template of the synthesis, the nested `assembly-Backend` stage included.

How: test/python/nag_example.py runs app.py with the wheel venv's interpreter (the built wheel and aws-cdk-lib
at its floor), in examples/python as `cdk synth` does, once per context, mode and phase, in one process per
cdk-nag version (the jsii kernel takes about 15 s to start). The context is the CDK CLI's (CLI_CONTEXT: path and
asset metadata, version reporting) plus the account and region, the mode's `ecom:*` keys and the flags. The CLI
itself can't give it: `cdk synth --context key=value` passes strings only (a flag set to "false" would be
truthy, `@aws-cdk/core:target-partitions` a string), and a cdk.context.json in examples/python would be shared
by every synth that runs there. test_examples.py still synthesizes the examples with the CLI and compares the
languages; here the synthesis that cdk-nag "after synthesis" needs is the one linted, so nothing is synthesized
twice.

cdk-nag for Python: both versions are the module `cdk_nag`, so they can't share the venv. The versions the
TypeScript tests use (node_modules/cdk-nag, node_modules/cdk-nag-v2) are installed from PyPI with pip
(`--no-deps --target`; their dependencies are the venv's) into .cache/cdk-nag-py/<version>, once, and put first
on PYTHONPATH for their run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import CLI_CONTEXT, REPO_ROOT, SYNTH_TIMEOUT
from test_examples import ENV, MODES, PYTHON, read_all_templates

NAG_CACHE = REPO_ROOT / ".cache" / "cdk-nag-py"
NAG_PACKAGES = {"v3": "cdk-nag", "v2": "cdk-nag-v2"}  # node_modules/<name>: the versions the TypeScript tests use
RUNNER = Path(__file__).resolve().parent / "nag_example.py"
ALLOWLIST = REPO_ROOT / "test" / "helpers" / "cfn-lint-allowlist.json"
PHASES = ["before synthesis", "after synthesis"]
# With the monitoring stacks (on by default): the dashboard and alarms, and the alarms on CloudFront metrics in us-east-1.
STACKS = {
    "direct": ["E-Com67-EdgeMonitoringStack", "E-Com67-FrontendStack", "E-Com67-MonitoringStack"],
    "frontend pipelines": ["E-Com67-AdminPipelineStack", "E-Com67-CustomerPipelineStack", "E-Com67-EdgeMonitoringStack",
                           "E-Com67-FrontendStack", "E-Com67-MonitoringStack"],
    "both pipelines": ["E-Com67-AdminPipelineStack", "E-Com67-BackendPipelineStack", "E-Com67-CustomerPipelineStack",
                       "E-Com67-EdgeMonitoringStack", "E-Com67-FrontendStack", "E-Com67-MonitoringStack"],
}
FLAG_CONTEXTS = ["no feature flags", "recommended feature flags"]
CASES = [(context, mode) for context in FLAG_CONTEXTS for mode in MODES]


def _fail(what: str, proc: subprocess.CompletedProcess) -> None:
    pytest.fail(f"{what} failed (exit {proc.returncode}): {' '.join(map(str, proc.args))}\n"
                f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}", pytrace=False)


def _clean_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CDK_CONTEXT_JSON", "CDK_OUTDIR", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def flag_contexts() -> Dict[str, Dict[str, Any]]:
    """The two entries of FLAG_CONTEXTS in test/helpers/contexts.ts, from the same aws-cdk-lib."""
    proc = subprocess.run(
        ["node", "-e",
         "process.stdout.write(JSON.stringify(require('aws-cdk-lib/cx-api').CURRENTLY_RECOMMENDED_FLAGS))"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        _fail("reading aws-cdk-lib's CURRENTLY_RECOMMENDED_FLAGS", proc)
    return {"no feature flags": {}, "recommended feature flags": json.loads(proc.stdout)}


def nag_version(nag: str) -> str:
    return json.loads((REPO_ROOT / "node_modules" / NAG_PACKAGES[nag] / "package.json").read_text())["version"]


def install_cdk_nag(python: Path, version: str) -> Path:
    """.cache/cdk-nag-py/<version> with cdk-nag <version> from PyPI (no dependencies), installed once."""
    target = NAG_CACHE / version
    if (target / "cdk_nag").is_dir() and (target / f"cdk_nag-{version}.dist-info").is_dir():
        return target
    NAG_CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=NAG_CACHE))
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "--no-deps",
         "--target", str(staging), f"cdk-nag=={version}"],
        capture_output=True, text=True, timeout=600, env=_clean_env())
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        _fail(f"installing cdk-nag {version} from PyPI", proc)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def run_nag(python: Path, nag: str, plan: Path, findings: Path) -> Dict[str, Any]:
    """Installs this cdk-nag version if needed, then runs nag_example.py over the plan; returns its findings file."""
    version = nag_version(nag)
    started = time.monotonic()
    target = install_cdk_nag(python, version)
    proc = subprocess.run(
        [str(python), str(RUNNER), "--nag", nag, "--expect-version", version, "--plan", str(plan),
         "--findings", str(findings)],
        cwd=PYTHON, env=_clean_env(PYTHONPATH=str(target)), capture_output=True, text=True, timeout=SYNTH_TIMEOUT)
    if proc.returncode != 0:
        _fail(f"cdk-nag {version} over examples/python", proc)
    output = json.loads(findings.read_text())
    output["seconds"] = round(time.monotonic() - started, 1)
    return output


def cfn_lint(templates: Dict[str, Any]) -> List[Dict[str, str]]:
    """cfn-lint's errors and the warnings not on the allowlist, over `templates` (one process); as cfnLint() in
    test/helpers/cfn-lint.ts. A missing or broken linter fails the test."""
    allowlist = json.loads(ALLOWLIST.read_text())
    linter = shutil.which("cfn-lint")
    if linter is None:
        pytest.fail("cfn-lint is not on PATH; install it with `pip install -r requirements-dev.txt`", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="cfn-lint-") as tmp:
        files = []
        for name, template in templates.items():
            file = Path(tmp) / (re.sub(r"[^\w.-]", "_", name) + ".template.json")
            file.write_text(json.dumps(template, indent=1))
            files.append(str(file))
        proc = subprocess.run([linter, "--format", "json", "--regions", "us-east-1", "--", *files],
                              capture_output=True, text=True, timeout=SYNTH_TIMEOUT)
    try:
        matches = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        _fail("cfn-lint (no JSON output)", proc)
    if proc.returncode != 0 and not matches:
        _fail("cfn-lint (no findings)", proc)
    return [
        {"template": Path(m["Filename"]).name, "rule": m["Rule"]["Id"], "level": m["Level"], "message": m["Message"],
         "path": "/".join(str(p) for p in (m.get("Location") or {}).get("Path") or [])}
        for m in matches
        if m["Level"] == "Error" or (m["Level"] == "Warning" and not any(
            a["rule"] == m["Rule"]["Id"] and re.search(a["message"], m["Message"]) for a in allowlist))
    ]


def lint_context(v3: Any, outdirs: Dict[tuple, Path], context: str) -> Dict[str, Any]:
    """cfn-lint over every template the v3 run synthesized for `context`, every mode in one process."""
    v3.result()  # the synthesis "after synthesis" of the v3 run wrote them
    templates = {}
    for index, mode in enumerate(MODES):
        for name, template in read_all_templates(outdirs[(context, mode)]).items():
            templates[f"{index}/{name}"] = template
    started = time.monotonic()
    findings = cfn_lint(templates)
    return {
        "templates": {mode: sorted(read_all_templates(outdirs[(context, mode)])) for mode in MODES},
        "findings": {mode: [f for f in findings if f["template"].startswith(f"{index}_")]
                     for index, mode in enumerate(MODES)},
        "seconds": round(time.monotonic() - started, 1),
        "count": len(templates),
    }


@pytest.fixture(scope="module")
def compliance(wheel_python, background, tmp_path_factory):
    """Starts cdk-nag v3 and v2 over every context and mode, and cfn-lint once v3's synthesis is there."""
    root = tmp_path_factory.mktemp("example-python-compliance")
    contexts = flag_contexts()
    # Each cdk-nag version synthesizes into its own directories: two processes bundling the same asset into one
    # cdk.out race on renaming its `-building` directory (ENOTEMPTY). cfn-lint reads v3's.
    outdirs = {version: {(context, mode): root / version / f"{FLAG_CONTEXTS.index(context)}-{list(MODES).index(mode)}"
                         / "cdk.out" for context, mode in CASES} for version in ("v3", "v2")}
    started = time.monotonic()
    nag = {}
    for version in ("v3", "v2"):
        runs = [{"name": f"{context}/{mode}", "context": {**CLI_CONTEXT, **contexts[context], **ENV, **MODES[mode]},
                 "outdir": str(outdirs[version][(context, mode)])} for context, mode in CASES]
        plan = root / f"plan-{version}.json"
        plan.write_text(json.dumps({"app": str(PYTHON / "app.py"), "runs": runs}, indent=1))
        nag[version] = background.submit(run_nag, wheel_python, version, plan, root / f"findings-{version}.json")
    outdirs = outdirs["v3"]
    lint = {context: background.submit(lint_context, nag["v3"], outdirs, context) for context in FLAG_CONTEXTS}
    yield {"nag": nag, "lint": lint}
    if all(f.done() and not f.exception() for f in [*nag.values(), *lint.values()]):
        print("\nexamples/python compliance: " + "; ".join(
            [f"cdk-nag {v} {r['seconds']} s (start-up {r['start-up seconds']} s)"
             for v, r in ((v, f.result()) for v, f in nag.items())]
            + [f"cfn-lint {c}: {lint[c].result()['count']} templates {lint[c].result()['seconds']} s" for c in lint])
            + f"; {time.monotonic() - started:.1f} s in all")


def _run(compliance, nag: str, context: str, mode: str) -> Dict[str, Any]:
    return compliance["nag"][nag].result()["runs"][f"{context}/{mode}"]


def _show(findings: List[Dict[str, str]]) -> str:
    return "\n".join(json.dumps(f, sort_keys=True) for f in findings)


@pytest.mark.parametrize("context, mode", CASES)
def test_synthesizes_its_stacks(compliance, context, mode):
    templates = compliance["lint"][context].result()["templates"][mode]
    assert sorted(t for t in templates if "/" not in t) == STACKS[mode]
    assert sorted(t.split("/")[0] for t in templates if "/" in t) == ["assembly-Backend"] * 3


@pytest.mark.parametrize("nag", ["v3", "v2"])
@pytest.mark.parametrize("context, mode", CASES)
def test_cdk_nag_sees_the_app(compliance, context, mode, nag):
    canary = _run(compliance, nag, context, mode)["canary"]
    assert any(f["rule"] == "AwsSolutions-S1" and f["path"].startswith("NagCanary/") for f in canary), _show(canary)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("nag", ["v3", "v2"])
@pytest.mark.parametrize("context, mode", CASES)
def test_no_unacknowledged_cdk_nag_findings(compliance, context, mode, nag, phase):
    findings = _run(compliance, nag, context, mode)[phase]
    assert findings == [], f"cdk-nag {nag} {phase}, {context}, {mode}:\n{_show(findings)}"


@pytest.mark.parametrize("context, mode", CASES)
def test_no_cfn_lint_errors_or_unlisted_warnings(compliance, context, mode):
    findings = compliance["lint"][context].result()["findings"][mode]
    assert findings == [], f"cfn-lint, {context}, {mode}:\n{_show(findings)}"
