#!/usr/bin/env python3
"""Benchmark of SPA releases (issue 14, "Must show"): prints a table, one row per deploy and per rollback.

    python3 test/deploy/bench_spa_deploy.py [--propagation-ms 1000]

Everything runs as in production, on local emulators: test/deploy/pipeline-app.ts is synthesized, the deploy
program (lib/spa-release.js, `npx projen bundle:release`) is published as its file asset into moto_server (S3),
and each deploy runs the deploy project's buildspec commands (`aws s3 cp` of the program, `node ... deploy`)
with the project's environment resolved from the template, in a real Vite build of test/fixtures/spa-app. The
KeyValueStore is the stand-in (test/release/kvs-standin.ts) with an edge propagation delay; the distribution
is the edge emulator (edge.py) running the hosting's synthesized routing function. Rollbacks run the release
module's rollback() (test/deploy/release-rollback.ts), what `ecom-platform rollback` runs.

Releases: build 1 (cold), build 2 (the same build output again, as a new release: every hashed asset unchanged), builds 3 and 4
(App.jsx edited: the entry chunk changes, vendor chunks and CSS don't), then a rollback to build 1 and a roll
forward to the previous live release.

Columns:
  uploaded        objects PUT into the hosting bucket (the release's manifest included), from a proxy in front
                  of moto that sees every request (S3Proxy)
  bytes           their sizes (the decoded length when the SDK sends aws-chunked with a checksum)
  hashed new/kept hashed assets of the build uploaded / already in the bucket (not uploaded again)
  invalidations   CloudFront CreateInvalidation requests (moto) and the distribution's invalidation count: goal 0
  upload->live    from the last PUT to the first time a visitor (a poller on the edge emulator, every 50 ms)
                  was served the new release: smoke check + switch + propagation
  switch->served  a deploy: what the program reports (its bounded wait after the switch; it polls every 2 s,
                  so this is rounded up to its next poll, and a release whose index.html equals the previous
                  one's counts as served at once);
                  a rollback: from the end of rollback() to the first visitor served the target release
  wall            the deploy project's commands (downloading the program included) or the rollback() call
                  alone; rollback goal: under 10 s plus propagation
"""
from __future__ import annotations

import argparse
import itertools
import re
import subprocess
import sys
import tempfile
import threading
import time
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spa_deploy_harness import (  # noqa: E402
    PIPELINE_APP,
    PRELOAD,
    PROGRAM,
    RELEASES,
    REPO,
    KvsStandinServer,
    MotoServer,
    ReleaseSite,
    S3Proxy,
    aws_environment,
    build_fixture_variants,
    open_site,
    publish_file_assets,
    synthesize,
)

ROLLBACK = Path(__file__).with_name("release-rollback.ts")


class Viewer:
    """Polls `/` through the edge emulator, as a visitor, and remembers when each release was first served: the
    release is read from the origin key the routing function chose (`releases/<id>/index.html`), not from the
    page, which two releases of the same source share."""

    def __init__(self, site: ReleaseSite, interval: float = 0.05):
        self.site, self.interval = site, interval
        self.first_seen: Dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        edge = self.site.edge.site
        for n in itertools.count():
            if self._stop.is_set():
                return
            target = f"/?bench-viewer={n}"
            response = edge.handle("GET", target, {"host": self.site.hosting.domain, "x-forwarded-proto": "https"})
            key = next((e.origin_key for e in reversed(edge.log) if e.path == target), None)
            if response.status == 200 and key and key.startswith(RELEASES):
                self.first_seen.setdefault(key.split("/")[1], time.monotonic())
            self._stop.wait(self.interval)

    def wait_for(self, release: str, timeout: float = 60) -> Optional[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if release in self.first_seen:
                return self.first_seen[release]
            time.sleep(0.02)
        return None

    def forget(self, release: str) -> None:
        self.first_seen.pop(release, None)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Row:
    what: str
    release: str
    uploaded: int
    bytes: int
    hashed_new: str
    invalidations: int
    upload_to_live: Optional[float]
    wall: float
    served_after: Optional[float] = None
    program_propagation: Optional[float] = None


def s3_writes(entries, bucket: str):
    prefix = f"/{bucket}/"
    return [e for e in entries if e[1] == "PUT" and e[2].startswith(prefix) and len(e[2]) > len(prefix)]


def invalidation_requests(entries) -> int:
    return sum(1 for e in entries if e[1] == "POST" and e[2].endswith("/invalidation"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print each deploy's output on stderr")
    parser.add_argument("--propagation-ms", type=int, default=1000,
                        help="how long a store write takes to reach the edge (the service: 'within seconds'); default 1000")
    args = parser.parse_args()
    if not PROGRAM.exists():
        print(f"{PROGRAM.relative_to(REPO)} is missing: run `npx projen bundle:release`", file=sys.stderr)
        return 2
    rows: List[Row] = []
    with tempfile.TemporaryDirectory(prefix="spa-release-bench-") as tmp:
        workdir = Path(tmp)
        print("building the fixture app (npm ci + 3 builds)...", file=sys.stderr)
        builds = build_fixture_variants(workdir, ["v1", "v3", "v4"])
        builds = {1: builds["v1"], 2: builds["v1"], 3: builds["v3"], 4: builds["v4"]}
        moto = MotoServer(workdir).start()
        proxy = S3Proxy(moto.endpoint)
        standin = KvsStandinServer(workdir, stores=1, propagation_ms=args.propagation_ms).start()
        site: Optional[ReleaseSite] = None
        viewer: Optional[Viewer] = None
        try:
            print("synthesizing test/deploy/pipeline-app.ts...", file=sys.stderr)
            templates = synthesize(PIPELINE_APP, workdir / "cdk.out")
            publish_file_assets(workdir / "cdk.out", moto.endpoint)
            site = open_site(workdir, templates, moto, standin, "Frontend", "Admin", "AdminPipelineStack")
            bucket = site.hosting.bucket
            viewer = Viewer(site)
            for number, build in builds.items():
                print(f"deploy {number}...", file=sys.stderr)
                mark = len(proxy.log)
                result = site.deployer.deploy(build, number, AWS_ENDPOINT_URL=proxy.endpoint)
                if result.returncode != 0:
                    print(result.output(), file=sys.stderr)
                    return 1
                seen = viewer.wait_for(result.release)
                propagation = re.search(r"served: \S+ answered at \S+ (\d+) ms after the switch", result.stdout)
                writes = s3_writes(proxy.since(mark), bucket)
                hashed_in_build = set(site.hosting.manifest(result.release)["assets"])
                hashed_put = {e[2][len(bucket) + 2:] for e in writes} & hashed_in_build
                rows.append(Row(
                    "cold" if number == 1 else ("rebuilt, same assets" if number == 2 else "App.jsx edited"),
                    result.release, len(writes), sum(e[3] for e in writes),
                    f"{len(hashed_put)}/{len(hashed_in_build) - len(hashed_put)}",
                    invalidation_requests(proxy.since(mark)) + site.hosting.invalidations(),
                    (seen - writes[-1][0]) if seen and writes else None, result.seconds,
                    program_propagation=int(propagation.group(1)) / 1000 if propagation else None,
                ))
                if args.verbose:
                    print(result.stdout, file=sys.stderr)
            first, last = rows[0].release, rows[-1].release
            for what, target, expect in (("rollback --to " + first, first, first), ("roll forward (previous)", None, last)):
                print(f"{what}...", file=sys.stderr)
                viewer.forget(expect)
                mark = len(proxy.log)
                env = aws_environment(proxy.endpoint)
                env.update(AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=standin.endpoint, NODE_OPTIONS=f"--require {PRELOAD}",
                           TS_NODE_PROJECT=str(REPO / "test" / "tsconfig.json"))
                command = ["node", "-r", "ts-node/register/transpile-only", str(ROLLBACK), bucket, site.hosting.kvs_arn]
                process = subprocess.run(command + ([target] if target else []), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
                done = time.monotonic()
                if process.returncode != 0:
                    print(process.stdout + process.stderr, file=sys.stderr)
                    return 1
                switched = json.loads(process.stdout.strip().splitlines()[-1])
                seen = viewer.wait_for(expect)
                writes = s3_writes(proxy.since(mark), bucket)
                rows.append(Row(what, switched["live"], len(writes), sum(e[3] for e in writes), "-",
                                invalidation_requests(proxy.since(mark)) + site.hosting.invalidations(),
                                None, switched["ms"] / 1000, (seen - done) if seen else None))
        finally:
            if viewer:
                viewer.stop()
            if site:
                site.close()
            standin.stop()
            proxy.stop()
            moto.stop()
    print_table(rows, args.propagation_ms)
    return 0


def print_table(rows: List[Row], propagation_ms: int) -> None:
    seconds = lambda value: "-" if value is None else f"{value:.2f}"  # noqa: E731
    header = (f"{'step':<26}{'release':<12}{'uploaded':>9}{'bytes':>10}{'hashed new/kept':>17}{'invalidations':>15}"
              f"{'upload->live s':>16}{'switch->served s':>18}{'wall s':>8}")
    print(header)
    print("-" * len(header))
    for row in rows:
        served = row.program_propagation if row.served_after is None else row.served_after
        print(f"{row.what:<26}{row.release:<12}{row.uploaded:>9}{row.bytes:>10}{row.hashed_new:>17}{row.invalidations:>15}"
              f"{seconds(row.upload_to_live):>16}{seconds(served):>18}{row.wall:>8.2f}")
    print(f"\n(moto_server + the KeyValueStore stand-in with {propagation_ms} ms edge propagation + the edge emulator;"
          " a deploy's wall time includes downloading the program with the AWS CLI and node's start-up)")


if __name__ == "__main__":
    sys.exit(main())
