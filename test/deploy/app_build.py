"""Runs a CodeBuild buildspec's commands on this machine, as CodeBuild would, to build an app for a test.

    dist = build_app(buildspec, repo_root, env={"VITE_STRIPE_PUBLISHABLE_KEY": "pk_test_..."})

- The phases install, pre_build, build and post_build run in that order (`runtime-versions` is skipped: the
  Node.js on PATH builds), all in one bash session, as CodeBuild runs a version 0.2 buildspec with
  `env.shell: bash`: `cd` and `export` carry over from command to command. Each command is checked as CodeBuild
  checks it: the first one that exits non-zero fails its phase and the build (no `set -e` inside a command).
  post_build runs only after a successful build (CodeBuild would run it after a failed build too).
- The environment: this process's (without the variables an npm or npx parent sets), then `CODEBUILD_SRC_DIR=repo_root`, the buildspec's `env.variables`, then
  `env`. Every `env.parameter-store` and `env.secrets-manager` variable must be in `env` (by variable name, or by
  parameter or secret reference): the caller supplies what Parameter Store or Secrets Manager would.
- `TMPDIR` is a directory of this build's own (the library's embedded scripts are written there), so builds
  of concurrent tests don't overwrite each other's scripts. npm's cache (`~/.npm`) is shared, as the build
  project's S3 cache shares it between builds.

Returns the artifact folder (`artifacts.base-directory` under `repo_root`); raises `BuildFailed` (with the
phase, the command and the whole output) when a command fails, and `BuildspecError` when the buildspec asks
for something this runner cannot give.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

PHASES = ("install", "pre_build", "build", "post_build")
# Phase keys the runner understands; anything else is refused rather than silently ignored.
PHASE_KEYS = {"commands", "runtime-versions"}
SOURCE_DIR = "CODEBUILD_SRC_DIR"
# Set by an npm or npx parent process (`npx projen test:deploy`); CodeBuild has no such parent.
NPM_PARENT = re.compile(r"^(npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|"
                        r"npm_config_local_prefix$|npm_config_call$|npm_config_user_agent$|INIT_CWD$)")


class BuildspecError(ValueError):
    """The buildspec asks for something the test did not supply or this runner does not do."""


class BuildFailed(RuntimeError):
    def __init__(self, phase: str, command: str, returncode: int, output: str, seconds: float):
        self.phase, self.command, self.returncode, self.output, self.seconds = phase, command, returncode, output, seconds
        shown = command if len(command) < 300 else command[:300] + "..."
        super().__init__(f"phase {phase}: command exited {returncode}: {shown}\n--- output (last 6000 characters)\n"
                         f"{output[-6000:]}")


def build_environment(buildspec: dict, repo_root: Path, env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """This process's environment with the buildspec's variables and the caller's values."""
    env = dict(env or {})
    spec_env = buildspec.get("env") or {}
    shell = spec_env.get("shell", "bash")
    if shell != "bash":
        raise BuildspecError(f"env.shell is {shell!r}: this runner runs bash only")
    result = {k: v for k, v in os.environ.items() if not NPM_PARENT.match(k)}
    result[SOURCE_DIR] = str(repo_root)
    for name, value in (spec_env.get("variables") or {}).items():
        if name in env:
            continue
        if not isinstance(value, str):
            raise BuildspecError(f"env.variables.{name} is not a string in the template ({value!r}, an unresolved "
                                 f"CloudFormation value?): pass {name} in env")
        result[name] = value
    for section, service in (("parameter-store", "Parameter Store"), ("secrets-manager", "Secrets Manager")):
        for name, reference in (spec_env.get(section) or {}).items():
            if name in env:
                continue
            if isinstance(reference, str) and reference in env:
                result[name] = env.pop(reference)
                continue
            raise BuildspecError(f"the buildspec reads {name} from {service} ({section}: {reference!r}): pass "
                                 f"env={{{name!r}: ...}}, the value {service} would give the build")
    result.update(env)
    return result


def build_script(buildspec: dict, failure_file: Path) -> str:
    """One bash script running every phase's commands in order, each checked as CodeBuild checks it."""
    phases = buildspec.get("phases") or {}
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise BuildspecError(f"unknown phases {sorted(unknown)}: CodeBuild's are {list(PHASES)}")
    lines: List[str] = [
        "__app_build_failed() { printf '%s\\n%s\\n' \"$1\" \"$2\" > " + shlex.quote(str(failure_file)) + "; exit \"$3\"; }",
    ]
    for phase in PHASES:
        spec = phases.get(phase) or {}
        extra = set(spec) - PHASE_KEYS
        if extra:
            raise BuildspecError(f"phases.{phase} has {sorted(extra)}, which this runner does not run")
        commands = spec.get("commands") or []
        if not commands:
            continue
        lines.append(f"printf '[app_build] phase %s\\n' {phase} >&2")
        for runtime, version in (spec.get("runtime-versions") or {}).items():
            # The build image's runtime is not switched here: say which one builds instead.
            lines.append(f"printf '[app_build] runtime-versions {runtime}: {version} skipped (node %s on PATH)\\n' "
                         "\"$(node --version 2>/dev/null || echo missing)\" >&2")
        for index, command in enumerate(commands):
            if not isinstance(command, str):
                raise BuildspecError(f"phases.{phase}.commands[{index}] is not a string ({command!r})")
            lines.append(command)
            lines.append(f"__rc=$?; [ \"$__rc\" -eq 0 ] || __app_build_failed {phase} {index} \"$__rc\"")
    lines.append("printf '[app_build] done\\n' >&2")
    return "\n".join(lines) + "\n"


def build_app(buildspec: dict, repo_root: Path, env: Optional[Dict[str, str]] = None, *,
              log_file: Optional[Path] = None, timeout: float = 600) -> Path:
    """Run the buildspec in `repo_root` (a copy the build may write into) and return its artifact folder."""
    repo_root = Path(repo_root).resolve()
    environment = build_environment(buildspec, repo_root, env)
    base = (buildspec.get("artifacts") or {}).get("base-directory")
    if not isinstance(base, str) or not base:
        raise BuildspecError("the buildspec has no artifacts.base-directory")
    scratch = Path(tempfile.mkdtemp(prefix="app-build-"))
    try:
        failure_file = scratch / "failed"
        script = scratch / "buildspec.sh"
        script.write_text(build_script(buildspec, failure_file))
        environment["TMPDIR"] = str(scratch / "tmp")
        (scratch / "tmp").mkdir()
        started = time.monotonic()
        process = subprocess.run(["bash", str(script)], cwd=repo_root, env=environment, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, timeout=timeout)
        seconds = time.monotonic() - started
        if log_file is not None:
            Path(log_file).write_text(process.stdout)
        if process.returncode != 0:
            phase, command = "?", "(the script exited before a command's check: `exit` in a command?)"
            if failure_file.exists():
                phase, index = failure_file.read_text().split("\n")[:2]
                command = buildspec["phases"][phase]["commands"][int(index)]
            raise BuildFailed(phase, command, process.returncode, process.stdout, seconds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    artifacts = repo_root / base
    if not artifacts.is_dir():
        raise BuildFailed("artifacts", base, 0, process.stdout + f"\n[app_build] {artifacts} does not exist", seconds)
    return artifacts
