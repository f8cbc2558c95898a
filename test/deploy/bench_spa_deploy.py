#!/usr/bin/env python3
"""Measure assets/spa-deploy.sh on the fixture app against moto (not a test; prints a table).

    python3 test/deploy/bench_spa_deploy.py [--runs N]

Builds test/fixtures/spa-app twice (as committed, and with App.jsx edited), starts moto_server on a free
loopback port and, on a fresh bucket + distribution per run, deploys: cold (empty bucket), unchanged
re-deploy (same build again) and changed (the edited build). For each it reports the objects uploaded
(counted from moto's request log, the release manifest's two writes excluded), their bytes, the objects the
script skipped, the invalidation paths and the deploy script's wall time (median of N runs).

The wall time is dominated by the AWS CLI's start-up (CLI v1 here: about 0.7 s a call; the script makes 7-10
calls for this app), not by the transfer. SPA_TEST_AWS_CLI=/path/to/aws measures another CLI (the endpoint is
then passed with --endpoint-url, for CLIs older than AWS_ENDPOINT_URL support).
"""
from __future__ import annotations

import argparse
import base64
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spa_deploy_harness import (  # noqa: E402
    MANIFEST_KEY,
    Deployer,
    MotoServer,
    build_fixture_variants,
    create_site,
    read_recording,
    real_aws,
)


def uploaded_bytes(moto: MotoServer, bucket: str) -> int:
    """Bytes of the object PUTs (manifest excluded) in moto's request log of the last deploy."""
    total = 0
    for entry in read_recording(moto.recording):
        path = entry["url"].split("://", 1)[1].split("/", 1)[1]
        if entry["method"] == "PUT" and path.startswith(f"{bucket}/") and not path.endswith(MANIFEST_KEY):
            body = entry.get("body") or ""
            total += len(base64.b64decode(body)) if entry.get("body_encoded") else len(body.encode())
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median wall time); default 3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spa-deploy-bench-") as tmp:
        workdir = Path(tmp)
        print("building the fixture app (npm ci + 2 builds)...", file=sys.stderr)
        builds = build_fixture_variants(workdir, ["v1", "v2"])
        moto = MotoServer(workdir).start()
        try:
            deployer = Deployer(workdir, moto)
            rows = {}
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs}...", file=sys.stderr)
                site = create_site(moto.endpoint, "bench")
                for scenario, dist in (("cold", builds["v1"]), ("unchanged re-deploy", builds["v1"]),
                                       ("changed (App.jsx)", builds["v2"])):
                    result = deployer.deploy(site, dist, f"{scenario.split()[0]}-{run}",
                                             SPA_RUNTIME_CONFIG='{"apiUrl": "https://api.example.com"}')
                    if result.returncode != 0:
                        print(result.output(), file=sys.stderr)
                        return 1
                    row = rows.setdefault(scenario, {"seconds": [], "calls": []})
                    row["seconds"].append(result.seconds)
                    row["calls"].append(len(result.calls))
                    row.update(
                        uploaded=len(result.puts(site.bucket)),
                        bytes=uploaded_bytes(moto, site.bucket),
                        skipped=result.summary.get("skipped", "?"),
                        paths=result.summary.get("paths") or "(none)",
                    )
        finally:
            moto.stop()
    header = f"{'deploy':<22}{'uploaded':>9}{'bytes':>9}{'skipped':>8}{'aws calls':>10}{'wall s':>8}  invalidation paths"
    print(header)
    print("-" * len(header))
    for scenario, row in rows.items():
        print(f"{scenario:<22}{row['uploaded']:>9}{row['bytes']:>9}{row['skipped']:>8}"
              f"{statistics.median(row['calls']):>10.0f}{statistics.median(row['seconds']):>8.2f}  {row['paths']}")
    version = subprocess.run([real_aws(), "--version"], capture_output=True, text=True)
    cli = (version.stdout or version.stderr).split()[0]
    print(f"\n(median of {args.runs} runs against moto_server with {cli}; 'uploaded' excludes the 2 writes of the"
          " release manifest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
