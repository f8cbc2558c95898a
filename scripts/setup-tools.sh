#!/usr/bin/env bash
# What the check needs besides node_modules, installed when missing (`npx projen setup:tools`, run first by
# `npx projen check`): the Python tools of requirements-dev.txt (cfn-lint, pytest, moto, the AWS CLI) and
# Debian's Chromium for test/deploy/test_real_app_browser.py (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

# Installed already (each requirement at an accepted version, their commands on PATH)? Then skip pip, which
# takes some 20 s even when it has nothing to do.
installed() {
  python3 - <<'PY'
import shutil, sys
from importlib.metadata import PackageNotFoundError, version
from pip._vendor.packaging.requirements import Requirement

for line in open("requirements-dev.txt"):
    line = line.split("#")[0].strip()
    if line:
        requirement = Requirement(line)
        try:
            if not requirement.specifier.contains(version(requirement.name), prereleases=True):
                sys.exit(1)
        except PackageNotFoundError:
            sys.exit(1)
sys.exit(0 if all(shutil.which(c) for c in ("cfn-lint", "moto_server", "aws")) else 1)
PY
}

if ! installed && ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt; then
  echo "setup:tools: pip could not install requirements-dev.txt into $(command -v python3)." >&2
  echo "  Use a virtualenv (python3 -m venv .venv && . .venv/bin/activate) and run the check again." >&2
  exit 1
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
