"""Runs a Python CDK app file under several contexts in one process and writes cdk-nag's unacknowledged findings.

Used by test_examples_compliance.py; run with the wheel venv's interpreter, in the app's directory (as `cdk synth`
runs an app: LayerBuilder and `Code.fromAsset` paths are relative to it), with the wanted cdk-nag first on
PYTHONPATH:

    PYTHONPATH=.cache/cdk-nag-py/3.0.2 python nag_example.py --nag v3 --expect-version 3.0.2 \\
        --plan plan.json --findings findings.json

plan.json: {"app": "/abs/app.py", "runs": [{"name": "...", "context": {...}, "outdir": "/abs/dir"}, ...]}.

For each run, as test/helpers/compliance.ts (`checkCompliance`) does for the library's own platform:

  1. "before synthesis": the app file runs with `aws_cdk.App.synth` replaced by a stub that only records the app;
     cdk-nag checks that construct tree, which is never synthesized (cdk-nag v2 leaves error annotations).
     Then a canary stack with an unencrypted, unlogged `CfnBucket` is added to it and checked: its findings
     prove that this cdk-nag sees the app's resources.
  2. "after synthesis": the app file runs again and `App.synth` runs for real, into the run's `outdir` (the
     templates the caller lints); cdk-nag checks the synthesized app. The library acknowledges some findings in
     `Node.addValidation` hooks, which run at synthesis, and CDK Pipelines builds its pipeline then.

The context reaches the app as `App(context=..., outdir=...)`, which the runner adds to the app file's `App()`:
the jsii kernel (Node.js) reads CDK_CONTEXT_JSON and CDK_OUTDIR once, when it starts, so they can't change
between runs; without them in the environment, the context given to App is what CDK_CONTEXT_JSON would give.
One process runs every context and mode because starting the kernel and loading aws-cdk-lib takes about 15 s.

cdk-nag v3 (`--nag v3`): `AwsSolutionsChecks().validate_scope(app)`, every violation of the report (as
nagV3Findings in test/helpers/nag.ts). cdk-nag v2 (`--nag v2`): `AwsSolutionsChecks(reports=False)` visits every
construct, as an Aspect would, and the findings are read from the annotations its AnnotationLogger adds: an
unsuppressed non-compliance is an annotation `RULE[FINDING]: info` at the rule's level, a rule that could not
evaluate a resource a warning `CdkNagValidationFailure[RULE]: ...` (reported as level RuleError, as nagV2Findings
does). An INagLogger written in Python would be called across jsii for every rule and resource: minutes per app.

Both versions are the module `cdk_nag`, so one process runs one of them; `--expect-version` makes sure the one
imported is the one wanted. The findings file: {"cdk-nag": version, "runs": {name: {"before synthesis": [...],
"after synthesis": [...], "canary": [...], "seconds": {...}}}}, each finding {"version", "rule", "level", "path",
"info"}. Exit status 0 whenever every run could be checked (the findings are for the caller to judge).
"""
from __future__ import annotations

import argparse
import json
import re
import runpy
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Dict, List

Finding = Dict[str, str]

_V2_LEVELS = {"aws:cdk:error": "Error", "aws:cdk:warning": "Warning", "aws:cdk:info": "Info"}
_V2_RULE_ERROR = re.compile(r"^CdkNagValidationFailure\[([^\]]+)\]: ([\s\S]*)$")
_V2_FINDING = re.compile(r"^(AwsSolutions-[\w.-]+(?:\[[\s\S]*?\])?): ([\s\S]*)$")


def nag_v3_findings(scope: Any) -> List[Finding]:
    """Every violation of cdk-nag v3's AwsSolutions pack over `scope`."""
    from cdk_nag import AwsSolutionsChecks

    report = AwsSolutionsChecks().validate_scope(scope)
    return [
        {"version": "v3", "rule": violation.rule_name, "level": str(violation.severity or "error"),
         "path": resource.construct_path or "?", "info": violation.description}
        for violation in report.violations
        for resource in violation.violating_resources
    ]


def nag_v2_findings(scope: Any) -> List[Finding]:
    """cdk-nag v2's AwsSolutions pack over every construct of `scope`: unsuppressed findings and rule errors."""
    from cdk_nag import AwsSolutionsChecks

    constructs = scope.node.find_all()
    checks = AwsSolutionsChecks(reports=False)
    for construct in constructs:
        checks.visit(construct)
    findings: List[Finding] = []
    for construct in constructs:
        for entry in construct.node.metadata:
            if entry.type not in _V2_LEVELS or not isinstance(entry.data, str):
                continue
            rule_error = _V2_RULE_ERROR.match(entry.data)
            finding = _V2_FINDING.match(entry.data)
            if rule_error:
                findings.append({"version": "v2", "rule": rule_error[1], "level": "RuleError",
                                 "path": construct.node.path, "info": rule_error[2].strip()})
            elif finding:
                findings.append({"version": "v2", "rule": finding[1], "level": _V2_LEVELS[entry.type],
                                 "path": construct.node.path, "info": finding[2].strip()})
    return findings


def run_app(app_file: Path, context: Dict[str, Any], outdir: str, synthesize: bool) -> Any:
    """Runs `app_file` as `__main__`, its `App()` given `context` and `outdir`; returns the App whose synth() it
    called, synthesized only when `synthesize`."""
    import aws_cdk

    apps: List[Any] = []
    original_init, original_synth = aws_cdk.App.__init__, aws_cdk.App.synth

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        if args or "context" in kwargs or "outdir" in kwargs:
            raise SystemExit(f"{app_file} gives App() a context or an outdir, which this runner sets")
        original_init(self, *args, context=context, outdir=outdir, **kwargs)

    def synth(self: Any, *args: Any, **kwargs: Any) -> Any:
        apps.append(self)
        return original_synth(self, *args, **kwargs) if synthesize else None

    aws_cdk.App.__init__, aws_cdk.App.synth = init, synth
    try:
        runpy.run_path(str(app_file), run_name="__main__")
    finally:
        aws_cdk.App.__init__, aws_cdk.App.synth = original_init, original_synth
    if len(apps) != 1:
        raise SystemExit(f"{app_file} called App.synth() {len(apps)} times; expected once")
    return apps[0]


def canary_findings(app: Any, check: Callable[[Any], List[Finding]]) -> List[Finding]:
    """Findings on a canary stack added to (unsynthesized) `app`: an S3 bucket without encryption or logs."""
    import aws_cdk
    from aws_cdk import aws_s3

    stack = aws_cdk.Stack(app, "NagCanary")
    aws_s3.CfnBucket(stack, "UnencryptedBucket")
    return check(stack)


def check_run(app_file: Path, run: Dict[str, Any], check: Callable[[Any], List[Finding]]) -> Dict[str, Any]:
    result: Dict[str, Any] = {"seconds": {}}
    started = time.monotonic()
    before = run_app(app_file, run["context"], run["outdir"] + "-before-synthesis", synthesize=False)
    result["before synthesis"] = check(before)
    result["canary"] = canary_findings(before, check)
    result["seconds"]["before synthesis"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    after = run_app(app_file, run["context"], run["outdir"], synthesize=True)
    result["after synthesis"] = check(after)
    result["seconds"]["after synthesis"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nag", choices=["v2", "v3"], required=True)
    parser.add_argument("--expect-version", required=True, help="the cdk-nag version that must be imported")
    parser.add_argument("--plan", required=True, type=Path, help="the app file and the runs (JSON)")
    parser.add_argument("--findings", required=True, type=Path, help="where to write the findings (JSON)")
    args = parser.parse_args()

    started = time.monotonic()
    import cdk_nag

    dist = metadata.distribution("cdk-nag")
    imported = Path(cdk_nag.__file__).parent.resolve()
    if dist.version != args.expect_version or Path(str(dist.locate_file("cdk_nag"))).resolve() != imported:
        raise SystemExit(f"imported cdk_nag from {imported} (distribution {dist.version} at "
                         f"{dist.locate_file('')}), expected cdk-nag {args.expect_version}")
    if dist.version.split(".")[0] != args.nag[1:]:
        raise SystemExit(f"--nag {args.nag} with cdk-nag {dist.version}")
    check = nag_v3_findings if args.nag == "v3" else nag_v2_findings

    plan = json.loads(args.plan.read_text())
    app_file = Path(plan["app"]).resolve()
    if Path.cwd().resolve() != app_file.parent:
        raise SystemExit(f"run this in {app_file.parent} (the jsii kernel keeps the directory it started in)")
    # `cdk synth` runs `python3 app.py` in the app's directory: its modules (`backend`) import from there.
    sys.path.insert(0, str(app_file.parent))
    import aws_cdk  # noqa: F401  (loads the kernel and aws-cdk-lib: most of the start-up)

    output: Dict[str, Any] = {"cdk-nag": dist.version, "runs": {},
                              "start-up seconds": round(time.monotonic() - started, 1)}
    for run in plan["runs"]:
        output["runs"][run["name"]] = check_run(app_file, run, check)
    args.findings.write_text(json.dumps(output, indent=1))


if __name__ == "__main__":
    main()
