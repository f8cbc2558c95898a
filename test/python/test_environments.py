"""EcomPlatform with environments, used from Python through the built wheel, synthesizes what the same app in
TypeScript does: three environments across two accounts (dev and staging in the pipelines' account 111111111111,
prod in 222222222222 behind a manual approval), both pipeline modes, cross-account keys, and a backend stage
factory written in Python (`@jsii.implements(IBackendStageFactory)`) that the platform calls once per environment.

One synth per language (apps/environments.py and apps/environments.ts), nested stage assemblies included.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from conftest import CLI_CONTEXT, SynthError, assert_same_templates, synth_python, synth_typescript

APPS = Path(__file__).parent / "apps"
PIPELINES_ACCOUNT = "111111111111"
PROD_ACCOUNT = "222222222222"
ENVIRONMENTS = ["dev", "staging", "prod"]
APPS_DEPLOYED = ["admin-dashboard", "customer-app"]
APP_PIPELINE_STACKS = {"admin-dashboard": "E-Com67-AdminPipelineStack", "customer-app": "E-Com67-CustomerPipelineStack"}
FRONTEND_STACKS = {"dev": "E-Com67-Dev-FrontendStack", "staging": "E-Com67-Staging-FrontendStack", "prod": "E-Com67-FrontendStack"}
API_URL_PARAMETERS = {"dev": "/e-com67-dev/api-url", "staging": "/e-com67-staging/api-url", "prod": "/e-com67/api-url"}


def synthesized(outdir: Path) -> Dict[str, Any]:
    """{"templates": {template path under outdir, less `.template.json`: template}, "stacks": {stack name: environment},
    "paths": {stack name: template path}}, stage assemblies (assembly-Dev/...) included, read from the manifests."""
    templates: Dict[str, Any] = {}
    stacks: Dict[str, str] = {}
    paths: Dict[str, str] = {}

    def read(directory: Path) -> None:
        manifest = json.loads((directory / "manifest.json").read_text())
        for artifact_id, artifact in manifest.get("artifacts", {}).items():
            properties = artifact.get("properties", {})
            if artifact["type"] == "cdk:cloud-assembly":
                read(directory / properties["directoryName"])
            elif artifact["type"] == "aws:cloudformation:stack":
                name = properties.get("stackName", artifact_id)
                assert name not in stacks, f"two stacks are named {name}"
                stacks[name] = artifact["environment"]
                template = directory / properties["templateFile"]
                paths[name] = str(template.relative_to(outdir))[: -len(".template.json")]
                templates[paths[name]] = json.loads(template.read_text())

    read(outdir)
    if not templates:
        raise SynthError(f"no stack in {outdir}")
    return {"templates": templates, "stacks": stacks, "paths": paths}


def synth(synthesize, app_file: Path, outdir: Path, **kwargs) -> Dict[str, Any]:
    synthesize(app_file, outdir, context=CLI_CONTEXT, **kwargs)
    return synthesized(outdir)


@pytest.fixture(scope="module")
def started(request, background, tmp_path_factory):
    typescript = background.submit(synth, synth_typescript, APPS / "environments.ts",
                                   tmp_path_factory.mktemp("environments-typescript"))
    request.getfixturevalue("wheel_venv")  # built while TypeScript synthesizes
    python = background.submit(synth, synth_python, APPS / "environments.py",
                               tmp_path_factory.mktemp("environments-python"))
    return {"typescript": typescript, "python": python}


@pytest.fixture(scope="module")
def python_app(started):
    return started["python"].result()


@pytest.fixture(scope="module")
def typescript_app(started):
    return started["typescript"].result()


def by_stack_name(app, stack_name):
    """The template of the stack named `stack_name` (in a stage, its file is named after its construct path)."""
    return app["templates"][app["paths"][stack_name]]


def of_type(template, resource_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def pipeline_of(template):
    (pipeline,) = of_type(template, "AWS::CodePipeline::Pipeline").values()
    return pipeline["Properties"]


def stage_templates(app, stage):
    """The templates of a backend stage (`Dev`, `Staging`, `Prod`), by path."""
    return {path: t for path, t in app["templates"].items() if path.startswith(f"assembly-{stage}/")}


def test_both_languages_make_the_same_stacks(python_app, typescript_app):
    assert sorted(python_app["templates"]) == sorted(typescript_app["templates"])
    assert python_app["stacks"] == typescript_app["stacks"]


def test_each_environment_has_its_stacks_in_its_account_with_unique_names(python_app):
    stacks = python_app["stacks"]
    pipelines_env = f"aws://{PIPELINES_ACCOUNT}/eu-west-1"
    prod_env = f"aws://{PROD_ACCOUNT}/eu-west-1"
    assert stacks == {
        # The production environment keeps the seed's names; the others have theirs in them.
        "E-Com67-Dev-FrontendStack": pipelines_env,
        "E-Com67-Dev-DataStack": pipelines_env,
        "E-Com67-Dev-ApiStack": pipelines_env,
        "E-Com67-Staging-FrontendStack": pipelines_env,
        "E-Com67-Staging-DataStack": pipelines_env,
        "E-Com67-Staging-ApiStack": pipelines_env,
        "E-Com67-FrontendStack": prod_env,
        "E-Com67-DataStack": prod_env,
        "E-Com67-ApiStack": prod_env,
        # The pipelines stay in the pipelines' account, with the base names.
        "E-Com67-BackendPipelineStack": pipelines_env,
        "E-Com67-AdminPipelineStack": pipelines_env,
        "E-Com67-CustomerPipelineStack": pipelines_env,
        # The dashboard and alarms with the pipelines; the alarms on CloudFront metrics in us-east-1, prod's in
        # prod's account.
        "E-Com67-MonitoringStack": pipelines_env,
        "E-Com67-EdgeMonitoringStack": f"aws://{PIPELINES_ACCOUNT}/us-east-1",
        "E-Com67-Prod-EdgeMonitoringStack": f"aws://{PROD_ACCOUNT}/us-east-1",
    }
    assert all(len(name) <= 128 for name in stacks)
    buckets = [b["Properties"]["BucketName"] for t in python_app["templates"].values()
               for b in of_type(t, "AWS::S3::Bucket").values() if isinstance(b["Properties"].get("BucketName"), str)]
    for app in APPS_DEPLOYED:
        for expected in (f"e-com67-dev-{app}-{PIPELINES_ACCOUNT}", f"e-com67-staging-{app}-{PIPELINES_ACCOUNT}",
                         f"e-com67-{app}-{PROD_ACCOUNT}"):
            assert buckets.count(expected) == 1, f"{expected} in {buckets}"
    assert len(buckets) == len(set(buckets))
    assert all(len(b) <= 63 for b in buckets)


def test_the_python_factory_built_each_environments_backend(python_app):
    """The Python createStage() got each environment and its naming: each Api stack writes its own parameter."""
    for stage, environment in (("Dev", "dev"), ("Staging", "staging"), ("Prod", "prod")):
        parameters = [p["Properties"] for t in stage_templates(python_app, stage).values()
                      for p in of_type(t, "AWS::SSM::Parameter").values()]
        assert parameters == [{"Name": API_URL_PARAMETERS[environment], "Type": "String",
                               "Value": f"https://api-{environment}.example.com/"}]
        tables = [t for t in stage_templates(python_app, stage).values() if of_type(t, "AWS::DynamoDB::Table")]
        assert len(tables) == 1


def test_the_backend_pipeline_deploys_the_environments_in_order_with_an_approval_before_prod_only(python_app):
    pipeline = pipeline_of(by_stack_name(python_app, "E-Com67-BackendPipelineStack"))
    assert pipeline["Name"] == "e-com67-backend-pipeline"
    # crossAccountKeys: the artifacts are encrypted with a customer-managed key the prod account can use.
    assert pipeline["ArtifactStore"]["EncryptionKey"]["Type"] == "KMS"
    stages = {s["Name"]: s["Actions"] for s in pipeline["Stages"]}
    names = [s["Name"] for s in pipeline["Stages"]]
    assert [n for n in names if n in ("Dev", "Staging", "Prod")] == ["Dev", "Staging", "Prod"]
    assert names.index("Dev") > names.index("Build")
    approvals = {name: [a for a in actions if a["ActionTypeId"]["Category"] == "Approval"] for name, actions in stages.items()}
    assert {name: len(a) for name, a in approvals.items() if a} == {"Prod": 1}
    assert approvals["Prod"][0]["RunOrder"] == 1
    assert all(a["RunOrder"] > 1 for a in stages["Prod"] if a["ActionTypeId"]["Category"] != "Approval")
    for stage, account, stacks in (("Dev", PIPELINES_ACCOUNT, ["E-Com67-Dev-DataStack", "E-Com67-Dev-ApiStack"]),
                                   ("Staging", PIPELINES_ACCOUNT, ["E-Com67-Staging-DataStack", "E-Com67-Staging-ApiStack"]),
                                   ("Prod", PROD_ACCOUNT, ["E-Com67-DataStack", "E-Com67-ApiStack"])):
        deploys = [a for a in stages[stage] if a["ActionTypeId"]["Category"] == "Deploy"]
        deployed = [a["Configuration"]["StackName"] for a in deploys]
        assert list(dict.fromkeys(deployed)) == stacks, stage
        assert all(f":iam::{account}:role/" in json.dumps(a["RoleArn"]) for a in deploys), stage
    # The staging environment's post-deploy step (a pipelines.ShellStep given from Python) runs after its stacks.
    (tests,) = [a for a in stages["Staging"] if a["Name"] == "IntegrationTests"]
    assert tests["RunOrder"] > max(a["RunOrder"] for a in stages["Staging"] if a["ActionTypeId"]["Category"] == "Deploy")


@pytest.mark.parametrize("app", APPS_DEPLOYED)
def test_each_app_is_built_once_and_deployed_to_each_environment_in_order(python_app, app):
    template = by_stack_name(python_app, APP_PIPELINE_STACKS[app])
    pipeline = pipeline_of(template)
    assert pipeline["Name"] == f"e-com67-{app}-pipeline"
    stages = pipeline["Stages"]
    assert [s["Name"] for s in stages] == ["Source", "Build", "Deploy-Dev", "Deploy-Staging", "Deploy-Prod"]
    projects = {k: p["Properties"] for k, p in of_type(template, "AWS::CodeBuild::Project").items()}
    build_actions = [a for s in stages for a in s["Actions"]
                     if a["ActionTypeId"]["Category"] == "Build"
                     and projects[a["Configuration"]["ProjectName"]["Ref"]]["Name"] == f"e-com67-{app}-build"]
    assert len(build_actions) == 1
    deploy_projects = {
        "Deploy-Dev": f"e-com67-dev-{app}-deploy",
        "Deploy-Staging": f"e-com67-staging-{app}-deploy",
        "Deploy-Prod": f"e-com67-{app}-deploy",
    }
    for stage in stages[2:]:
        actions = stage["Actions"]
        deploys = [a for a in actions if a["ActionTypeId"]["Category"] == "Build"]
        assert len(deploys) == 1, stage["Name"]
        assert projects[deploys[0]["Configuration"]["ProjectName"]["Ref"]]["Name"] == deploy_projects[stage["Name"]]
        # The same build artifact in every environment.
        assert deploys[0]["InputArtifacts"] == build_actions[0]["OutputArtifacts"]
        approvals = [a for a in actions if a["ActionTypeId"]["Category"] == "Approval"]
        if stage["Name"] == "Deploy-Prod":
            assert [a["RunOrder"] for a in approvals] == [1] and deploys[0]["RunOrder"] == 2
        else:
            assert approvals == []


def deploy_variables(template, project_name):
    (project,) = [p["Properties"] for p in of_type(template, "AWS::CodeBuild::Project").values()
                  if p["Properties"].get("Name") == project_name]
    return {v["Name"]: v["Value"] for v in project["Environment"]["EnvironmentVariables"]}, project


@pytest.mark.parametrize("app", APPS_DEPLOYED)
def test_each_deploy_writes_its_environments_api_url(python_app, app):
    template = by_stack_name(python_app, APP_PIPELINE_STACKS[app])
    for environment, project_name in (("dev", f"e-com67-dev-{app}-deploy"), ("staging", f"e-com67-staging-{app}-deploy"),
                                      ("prod", f"e-com67-{app}-deploy")):
        variables, _ = deploy_variables(template, project_name)
        # Read from Parameter Store when the deploy runs, in the environment's account.
        assert json.loads(variables["SPA_RUNTIME_CONFIG_PARAMETERS"]) == {"apiUrl": API_URL_PARAMETERS[environment]}
        assert variables["SPA_RUNTIME_CONFIG_PATH"] == "config.json"


@pytest.mark.parametrize("app", APPS_DEPLOYED)
def test_the_prod_deploy_role_trusts_only_the_prod_deploy_project(python_app, app):
    pipeline_template = by_stack_name(python_app, APP_PIPELINE_STACKS[app])
    variables, project = deploy_variables(pipeline_template, f"e-com67-{app}-deploy")
    # The deploy project's role, by its physical name (the trust condition names it).
    role_id = project["ServiceRole"]["Fn::GetAtt"][0]
    project_role_name = pipeline_template["Resources"][role_id]["Properties"]["RoleName"]
    assert variables["SPA_BUCKET"] == f"e-com67-{app}-{PROD_ACCOUNT}"
    assert variables["SPA_TARGET_PARAMETER"] == f"/cdk-ecom-platform/e-com67-{app}-{PROD_ACCOUNT}/deploy-target"
    assert f":iam::{PROD_ACCOUNT}:role/" in json.dumps(variables["SPA_ROLE_ARN"])

    prod = by_stack_name(python_app, FRONTEND_STACKS["prod"])
    mine = [(r["Properties"], s) for r in of_type(prod, "AWS::IAM::Role").values()
            for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"] if project_role_name in json.dumps(s)]
    assert len(mine) == 1, f"no role of the prod frontend stack trusts {project_role_name}"
    ((deploy_role, statement),) = mine
    assert statement["Action"] == "sts:AssumeRole"
    assert json.dumps(statement["Principal"]) == json.dumps(
        {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{PIPELINES_ACCOUNT}:root"]]}})
    assert json.dumps(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]).endswith(f':role/{project_role_name}"]]}}')
    # The deploy project may assume that role, and no other.
    assumes = [s for p in of_type(pipeline_template, "AWS::IAM::Policy").values()
               if {"Ref": role_id} in p["Properties"]["Roles"]
               for s in p["Properties"]["PolicyDocument"]["Statement"] if "sts:AssumeRole" in json.dumps(s["Action"])]
    assert len(assumes) == 1
    assert json.dumps(assumes[0]["Resource"]).endswith(f':iam::{PROD_ACCOUNT}:role/{deploy_role["RoleName"]}"]]}}')
    # dev and staging are in the pipelines' account: no role for another account there.
    for environment in ("dev", "staging"):
        template = by_stack_name(python_app, FRONTEND_STACKS[environment])
        assert not [r for r in of_type(template, "AWS::IAM::Role").values()
                    if f":iam::{PIPELINES_ACCOUNT}:root" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])]


def test_a_per_environment_hosting_option_from_python_reaches_prod_only(python_app):
    def csp(environment):
        template = by_stack_name(python_app, FRONTEND_STACKS[environment])
        return json.dumps([p["Properties"] for p in of_type(template, "AWS::CloudFront::ResponseHeadersPolicy").values()])

    assert "wss://chat.example.com" in csp("prod")
    assert "wss://chat.example.com" not in csp("dev") + csp("staging")


def test_python_and_typescript_templates_are_equal(python_app, typescript_app):
    assert_same_templates(python_app["templates"], typescript_app["templates"])
