#!/usr/bin/env bash
# What the check needs besides node_modules, installed when missing (`npx projen setup:tools`, run first by
# `npx projen check`): the Python tools of requirements-dev.txt (cfn-lint, pytest, moto, the AWS CLI), checkov
# (requirements-checkov.txt) in its own virtualenv .cache/checkov-venv, and Debian's Chromium for
# test/deploy/test_real_app_browser.py (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

# installed <python> <requirements file> [command...]: each requirement installed at an accepted version, the
# commands on PATH? Then skip pip, which takes some 20 s even when it has nothing to do.
installed() {
  "$1" - "$2" "${@:3}" <<'PY'
import shutil, sys
from importlib.metadata import PackageNotFoundError, version
from pip._vendor.packaging.requirements import Requirement

for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        requirement = Requirement(line)
        try:
            if not requirement.specifier.contains(version(requirement.name), prereleases=True):
                sys.exit(1)
        except PackageNotFoundError:
            sys.exit(1)
sys.exit(0 if all(shutil.which(c) for c in sys.argv[2:]) else 1)
PY
}

if ! installed python3 requirements-dev.txt cfn-lint moto_server aws && ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt; then
  echo "setup:tools: pip could not install requirements-dev.txt into $(command -v python3)." >&2
  echo "  Use a virtualenv (python3 -m venv .venv && . .venv/bin/activate) and run the check again." >&2
  exit 1
fi

# checkov pins older botocore and packaging than the AWS CLI and pytest above need: it gets its own virtualenv.
CHECKOV_VENV=.cache/checkov-venv
if ! { [ -x "$CHECKOV_VENV/bin/checkov" ] && installed "$CHECKOV_VENV/bin/python" requirements-checkov.txt; }; then
  echo "setup:tools: installing checkov (requirements-checkov.txt) into $CHECKOV_VENV"
  if ! { { [ -x "$CHECKOV_VENV/bin/python" ] || python3 -m venv "$CHECKOV_VENV"; } \
    && "$CHECKOV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-checkov.txt; }; then
    echo "setup:tools: could not install checkov into $CHECKOV_VENV (python3 -m venv needs the venv module: apt-get install python3-venv)." >&2
    exit 1
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup:tools: installing Debian's chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup:tools: /usr/bin/chromium is missing and can't be installed here (needs apt-get as root)." >&2
    echo "  Install Debian's chromium (sudo apt-get install -y chromium) and run the check again." >&2
    exit 1
  fi
fi
