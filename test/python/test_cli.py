"""The `ecom-platform` command from the Python package: jsii turns package.json's `bin` into a console script of
the wheel, which runs the bundled CLI with Node.js. E-Com67's Python team gets it with `pip install`."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import REPO_ROOT

# jsii's own banner about Node.js versions is not the CLI's output.
QUIET_JSII = {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "20"}


def ecom_platform(wheel_python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    script = wheel_python.parent / "ecom-platform"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(QUIET_JSII, AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_wheel_installs_the_command(wheel_python):
    result = ecom_platform(wheel_python, "--help", cwd=REPO_ROOT / "examples" / "python")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ecom-platform [command] [options]")
    version = json.loads((REPO_ROOT / "package.json").read_text())["version"]
    assert ecom_platform(wheel_python, "--version", cwd=REPO_ROOT).stdout == f"{version}\n"


def test_a_bad_input_is_one_line_and_exit_2(wheel_python):
    result = ecom_platform(wheel_python, "deploy", "everything", cwd=REPO_ROOT / "examples" / "python")
    assert result.returncode == 2
    assert result.stderr == ("ecom-platform: unknown deploy target \"everything\": "
                             "use one of backend-pipeline, frontend, frontend-pipelines, all\n")


def test_doctor_reads_the_python_apps_cdk_json(wheel_python):
    """No AWS credentials here: doctor still reports on the app and exits 1 with the fix."""
    result = ecom_platform(wheel_python, "doctor", "--region", "eu-west-1", cwd=REPO_ROOT / "examples" / "python")
    assert result.returncode == 1
    assert f"[ok]   CDK app          {REPO_ROOT / 'examples' / 'python' / 'cdk.json'} (app: " in result.stdout
    assert "[fail] AWS credentials  none found" in result.stdout
