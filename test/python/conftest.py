"""Helpers for the Python end-to-end checks of the published package.

The check installs the wheel that `npx projen package:python` built (dist/python/*.whl) into a fresh venv,
together with aws-cdk-lib and constructs at the floor versions the package declares, runs Python CDK apps
with that venv's interpreter and compares their templates with those of the same apps written in TypeScript
(run from src/ with ts-node).

Plain functions (importable with `from conftest import ...`):
  - `find_wheel()`, `dependency_floors()`, `create_wheel_venv()`
  - `synth_python(app_file, outdir)`, `synth_typescript(app_file, outdir)` -> {stack name: template}
  - `run_python(args_or_code, ...)`: run anything with the venv's interpreter
  - `normalize(template)`, `template_diff(a, b)`, `assert_same_templates(python, typescript)`
Fixtures:
  - `wheel_venv` (session): the venv, created once per test session
  - `wheel_python` (session): path of the venv's python
  - `background` (module): a thread pool to run synths side by side (each is a subprocess, mostly waiting):
    start the TypeScript synth, then request `wheel_venv` with `request.getfixturevalue("wheel_venv")`, so that
    the venv is built while TypeScript synthesizes
"""
from __future__ import annotations

import copy
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Sequence, Union

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WHEEL_DIR = REPO_ROOT / "dist" / "python"
VENV_DIR = REPO_ROOT / ".cache" / "wheel-venv"
TS_CONFIG = REPO_ROOT / "test" / "tsconfig.json"

#: Seconds one synth may take before it counts as hung.
SYNTH_TIMEOUT = 600

#: What replaces an asset hash (64 lowercase hex digits) in normalized templates.
ASSET_HASH_PLACEHOLDER = "<asset-hash>"
_ASSET_HASH = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")

#: Resource metadata keys CDK writes that differ between languages or machines (construct paths,
#: asset staging paths); any other metadata (such as cdk_nag's acknowledgements) is compared.
_CDK_METADATA_KEY = re.compile(r"^aws:(cdk|asset):")

#: Context the CDK CLI gives an app (`cdk synth`): with it, templates carry construct paths, asset metadata
#: and the CDKMetadata resource, as a user's do. Pass it as `context=` to compare what users deploy.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
}

Templates = Dict[str, Dict[str, Any]]

_MISSING = object()


class SynthError(AssertionError):
    """A CDK app could not be synthesized; carries the process output."""


# --- the wheel and its venv ------------------------------------------------------------------------------


def find_wheel(wheel_dir: Path = WHEEL_DIR) -> Path:
    """The single wheel in dist/python. Fails the test (never skips) when there is none or more than one."""
    wheels = sorted(Path(wheel_dir).glob("*.whl"))
    if len(wheels) != 1:
        found = ", ".join(w.name for w in wheels) or "none"
        pytest.fail(
            f"expected exactly one wheel in {wheel_dir}, found {found}. Build it first with "
            "`npx projen compile && npx projen package:python` (after removing stale wheels from dist/python).",
            pytrace=False,
        )
    return wheels[0]


def dependency_floors() -> Dict[str, str]:
    """The oldest aws-cdk-lib and constructs the package supports, from package.json.

    aws-cdk-lib: the peerDependencies range with its `^` stripped; constructs: the pinned devDependency.
    """
    package = json.loads((REPO_ROOT / "package.json").read_text())
    cdk = package.get("peerDependencies", {}).get("aws-cdk-lib")
    constructs = package.get("devDependencies", {}).get("constructs")
    floors = {"aws-cdk-lib": cdk, "constructs": constructs}
    for name, spec in list(floors.items()):
        version = (spec or "").lstrip("^~=")
        if not re.fullmatch(r"\d+\.\d+\.\d+", version):
            pytest.fail(f"package.json: can't read a floor version of {name} from {spec!r}", pytrace=False)
        floors[name] = version
    return floors


def venv_python(venv: Path = VENV_DIR) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run_checked(args: Sequence[Union[str, os.PathLike]], what: str, **kwargs: Any) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {proc.returncode}): {' '.join(map(str, args))}\n"
            f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}",
            pytrace=False,
        )
    return proc


def create_wheel_venv(venv: Path = VENV_DIR) -> Path:
    """Recreates `venv` and installs the wheel plus aws-cdk-lib and constructs at their floors. Returns the venv."""
    wheel = find_wheel()
    floors = dependency_floors()
    started = time.monotonic()
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    _run_checked([sys.executable, "-m", "venv", venv], "creating the venv")
    _run_checked(
        [
            venv_python(venv), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
            wheel, f"aws-cdk-lib=={floors['aws-cdk-lib']}", f"constructs=={floors['constructs']}",
            # The Python example's own requirements must hold with the built wheel and the floors.
            "-r", REPO_ROOT / "examples" / "python" / "requirements.txt",
        ],
        "installing the wheel into the venv",
        timeout=1200,
    )
    print(f"installed {wheel.name}, aws-cdk-lib {floors['aws-cdk-lib']} and constructs {floors['constructs']} "
          f"into {venv} in {time.monotonic() - started:.1f}s")
    return venv


@pytest.fixture(scope="session")
def wheel_venv() -> Path:
    """A fresh venv (.cache/wheel-venv) with the built wheel and the floor CDK installed, once per session."""
    return create_wheel_venv()


@pytest.fixture(scope="session")
def wheel_python(wheel_venv: Path) -> Path:
    """The python of `wheel_venv`."""
    return venv_python(wheel_venv)


@pytest.fixture(scope="module")
def background():
    """A thread pool for running synths and scripts concurrently; waits for them at the module's end."""
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="synth") as pool:
        yield pool


# --- running apps ----------------------------------------------------------------------------------------


def _env(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    # Context or an outdir leaking in from the caller's shell would make the two languages differ.
    for name in ("CDK_CONTEXT_JSON", "CDK_OUTDIR", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    env.update(extra)
    return env


def run_python(
    args: Union[str, Sequence[Union[str, os.PathLike]]],
    *,
    python: Optional[Union[str, os.PathLike]] = None,
    env: Optional[Dict[str, str]] = None,
    timeout: float = SYNTH_TIMEOUT,
) -> subprocess.CompletedProcess:
    """Runs the venv's python (not checked). `args` is a code string (run with -c) or an argument list."""
    interpreter = Path(python) if python else venv_python()
    if not interpreter.exists():
        pytest.fail(f"{interpreter} does not exist: request the `wheel_venv` fixture first", pytrace=False)
    argv = ["-c", args] if isinstance(args, str) else [str(a) for a in args]
    return subprocess.run(
        [str(interpreter), *argv], cwd=REPO_ROOT, env=_env(**(env or {})),
        capture_output=True, text=True, timeout=timeout,
    )


def read_templates(outdir: Union[str, os.PathLike]) -> Templates:
    """{stack name: template} of every outdir/*.template.json (the name is the file's, less `.template.json`)."""
    templates = {
        f.name[: -len(".template.json")]: json.loads(f.read_text())
        for f in sorted(Path(outdir).glob("*.template.json"))
    }
    if not templates:
        raise SynthError(f"no *.template.json in {outdir}")
    return templates


def _synth(argv: Sequence[str], app_file: Path, outdir: Union[str, os.PathLike], language: str,
           context: Optional[Dict[str, Any]]) -> Templates:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    env = {"CDK_OUTDIR": str(outdir)}
    if context is not None:
        env["CDK_CONTEXT_JSON"] = json.dumps(context)
    started = time.monotonic()
    proc = subprocess.run(
        argv, cwd=REPO_ROOT, env=_env(**env), capture_output=True, text=True, timeout=SYNTH_TIMEOUT,
    )
    if proc.returncode != 0:
        raise SynthError(
            f"{language} app {app_file} failed (exit {proc.returncode}, outdir {outdir})\n"
            f"--- stdout ---\n{proc.stdout[-8000:]}\n--- stderr ---\n{proc.stderr[-8000:]}"
        )
    templates = read_templates(outdir)
    print(f"synthesized {app_file.name} ({language}) in {time.monotonic() - started:.1f}s -> {outdir}")
    return templates


def synth_python(app_file: Union[str, os.PathLike], outdir: Union[str, os.PathLike], *,
                 context: Optional[Dict[str, Any]] = None,
                 python: Optional[Union[str, os.PathLike]] = None) -> Templates:
    """Runs a Python CDK app with the venv's python and CDK_OUTDIR=outdir; returns {stack name: template}.

    The app must call `app.synth()`; `App()` takes its outdir from CDK_OUTDIR, and `context` (such as
    CLI_CONTEXT) from CDK_CONTEXT_JSON. Raises SynthError with the app's output when it fails.
    """
    interpreter = Path(python) if python else venv_python()
    if not interpreter.exists():
        pytest.fail(f"{interpreter} does not exist: request the `wheel_venv` fixture first", pytrace=False)
    app_file = Path(app_file).resolve()
    return _synth([str(interpreter), str(app_file)], app_file, outdir, "Python", context)


def synth_typescript(app_file: Union[str, os.PathLike], outdir: Union[str, os.PathLike], *,
                     context: Optional[Dict[str, Any]] = None) -> Templates:
    """Runs a TypeScript CDK app with ts-node (test/tsconfig.json) and CDK_OUTDIR=outdir; returns {stack name: template}.

    Same contract as synth_python. The app imports the library from src/, so it needs no build; it is not
    type-checked here.
    """
    app_file = Path(app_file).resolve()
    npx = shutil.which("npx")
    if npx is None:
        pytest.fail("npx is not on PATH: the TypeScript side of the comparison needs Node.js", pytrace=False)
    # --transpile-only: the apps under test/ are type-checked by `tsc -p test/tsconfig.json` in the check.
    return _synth([npx, "ts-node", "--transpile-only", "--project", str(TS_CONFIG), str(app_file)], app_file, outdir,
                  "TypeScript", context)


# --- comparing templates ---------------------------------------------------------------------------------


def _replace_hashes(value: Any) -> Any:
    if isinstance(value, str):
        return _ASSET_HASH.sub(ASSET_HASH_PLACEHOLDER, value)
    if isinstance(value, list):
        return [_replace_hashes(v) for v in value]
    if isinstance(value, dict):
        return {_replace_hashes(k): _replace_hashes(v) for k, v in value.items()}
    return value


def _drop(section: Dict[str, Any], owner: Dict[str, Any], owner_key: str, keys: Iterable[str]) -> None:
    for key in keys:
        section.pop(key, None)
    if not section:
        owner.pop(owner_key, None)


def normalize(template: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of `template` without what legitimately differs between languages and machines.

    Removed: resource metadata keys `aws:cdk:*` and `aws:asset:*` (construct paths, asset staging paths), the
    `AWS::CDK::Metadata` resources (they record the language and runtime) and the `CDKMetadataAvailable`
    condition, `Parameters.BootstrapVersion` and `Rules.CheckBootstrapVersion`; asset hashes (64 hex digits)
    become a placeholder. Everything else stays, logical IDs and every resource property included.
    """
    result = copy.deepcopy(template)
    resources = result.get("Resources", {})
    for logical_id in [k for k, r in resources.items() if r.get("Type") == "AWS::CDK::Metadata"]:
        del resources[logical_id]
    for resource in resources.values():
        metadata = resource.get("Metadata")
        if isinstance(metadata, dict):
            _drop(metadata, resource, "Metadata", [k for k in metadata if _CDK_METADATA_KEY.match(k)])
    if isinstance(result.get("Conditions"), dict):
        _drop(result["Conditions"], result, "Conditions", ["CDKMetadataAvailable"])
    if isinstance(result.get("Parameters"), dict):
        _drop(result["Parameters"], result, "Parameters", ["BootstrapVersion"])
    if isinstance(result.get("Rules"), dict):
        _drop(result["Rules"], result, "Rules", ["CheckBootstrapVersion"])
    return _replace_hashes(result)


def template_diff(expected: Dict[str, Any], actual: Dict[str, Any],
                  expected_name: str = "typescript", actual_name: str = "python") -> str:
    """Unified diffs, one per differing entry (such as `Resources/SiteBucket1234ABCD`), of two templates as
    sorted, indented JSON; empty when they are equal."""
    def entries(t: Dict[str, Any]) -> Dict[str, Any]:
        flat = {}
        for section, body in t.items():
            if isinstance(body, dict) and body:
                flat.update({f"{section}/{key}": value for key, value in body.items()})
            else:
                flat[section] = body
        return flat

    def lines(value: Any) -> list:
        return json.dumps(value, indent=1, sort_keys=True).splitlines(keepends=True) if value is not _MISSING else []

    left, right = entries(expected), entries(actual)
    diffs = []
    for name in sorted(set(left) | set(right)):
        a, b = left.get(name, _MISSING), right.get(name, _MISSING)
        if a != b:
            diffs.append("".join(difflib.unified_diff(
                lines(a), lines(b), f"{expected_name}: {name}" + (" (missing)" if a is _MISSING else ""),
                f"{actual_name}: {name}" + (" (missing)" if b is _MISSING else ""), n=3)))
    return "\n".join(d if d.endswith("\n") else d + "\n" for d in diffs)


def assert_same_templates(python: Templates, typescript: Templates) -> None:
    """Fails with a readable diff unless both apps made the same stacks with equal normalized templates."""
    assert sorted(python) == sorted(typescript), (
        f"the apps made different stacks: Python {sorted(python)}, TypeScript {sorted(typescript)}"
    )
    diffs = []
    for name in sorted(python):
        diff = template_diff(normalize(typescript[name]), normalize(python[name]),
                             f"TypeScript {name}", f"Python {name}")
        if diff:
            diffs.append(diff)
    if diffs:
        pytest.fail("the Python and TypeScript apps synthesize different templates:\n" + "\n".join(diffs),
                    pytrace=False)
