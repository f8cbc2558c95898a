#!/usr/bin/env python3
"""Records the example session of `ecom-platform doctor` and `status` in docs/cli.md ("A recorded session").

- doctor: the built CLI (lib/ecom-platform-cli.js) with its real AWS SDK clients against moto_server on
  loopback (test/deploy's launcher), holding a bootstrap stack, the e-com67 repository, two platform stacks and
  the old pipeline stack; the CDK CLI is the repo's own.
- status: moto has no CodePipeline state, so the CLI runs with the SDK mocked by test/cli/menu-harness.ts
  (the pipelines of test/cli/fake-env.ts's `mockThreePipelines`).

Run: python3 scripts/record-cli-session.py [--write]   (after `npx projen build`; needs moto[server] and boto3)
Prints the session as Markdown; with --write, replaces the session block of docs/cli.md with it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "deploy"))
from spa_deploy_harness import MotoServer, aws_environment  # noqa: E402

CLI = ROOT / "lib" / "ecom-platform-cli.js"
TARGET = ROOT / "docs" / "cli.md"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="record-"))
    app = work / "e-com67-infra"
    app.mkdir()
    (app / "cdk.json").write_text((ROOT / "examples" / "typescript" / "cdk.json").read_text())
    (app / "node_modules").symlink_to(ROOT / "node_modules")

    moto = MotoServer(work, launcher=ROOT / "test" / "deploy" / "moto_server_epoch_dates.py").start()
    try:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1")
        cfn = session.client("cloudformation", endpoint_url=moto.endpoint)
        bucket = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
        cfn.create_stack(StackName="CDKToolkit", TemplateBody=json.dumps({**bucket, "Outputs": {"BootstrapVersion": {"Value": "28"}}}))
        for name in ("E-Com67-FrontendStack", "E-Com67-BackendPipelineStack", "E-Com67-PipelineStack"):
            cfn.create_stack(StackName=name, TemplateBody=json.dumps(bucket))
        session.client("codecommit", endpoint_url=moto.endpoint).create_repository(repositoryName="e-com67")

        env = aws_environment(moto.endpoint)
        env.update(AWS_REGION="eu-west-1", PATH=os.environ["PATH"])
        doctor = subprocess.run(["node", str(CLI), "doctor"], cwd=app, env=env, capture_output=True, text=True, timeout=120)
    finally:
        moto.stop()

    harness = work / "harness.js"
    subprocess.run([str(ROOT / "node_modules" / ".bin" / "esbuild"), str(ROOT / "test" / "cli" / "menu-harness.ts"), "--bundle",
                    "--platform=node", f"--outfile={harness}", "--log-level=error"], check=True)
    status = subprocess.run(["node", str(harness), "status"], cwd=app, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="true"))

    block = "".join([
        "```console\n",
        f"$ cd {app.name} && npx ecom-platform doctor\n",
        doctor.stdout + doctor.stderr,
        f"$ echo $?\n{doctor.returncode}\n",
        "$ npx ecom-platform status\n",
        status.stdout + status.stderr,
        "```\n",
    ])
    if "--write" in sys.argv[1:]:
        page = TARGET.read_text()
        start = page.index("```console\n$ cd ")  # the session block follows "## A recorded session"
        end = page.index("```\n", start + 4) + 4
        TARGET.write_text(page[:start] + block + page[end:])
        print(f"wrote {TARGET.relative_to(ROOT)}")
    else:
        print(block, end="")


if __name__ == "__main__":
    main()
