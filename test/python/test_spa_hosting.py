"""SpaHosting used from Python through the built wheel synthesizes what the same app in TypeScript does."""
import json
from pathlib import Path

import pytest

from conftest import CLI_CONTEXT, assert_same_templates, run_python, synth_python, synth_typescript

APPS = Path(__file__).parent / "apps"
STACK = "SpaHostingApp"
PIPELINE_STACK = "SpaPipelineApp"


@pytest.fixture(scope="module")
def started(request, background, tmp_path_factory):
    """Starts every process this module needs, side by side; each fixture below waits for its own."""
    # With the CLI's context, as `cdk synth` runs an app: construct paths and CDKMetadata are in the templates.
    typescript = background.submit(
        synth_typescript, APPS / "spa-hosting.ts", tmp_path_factory.mktemp("spa-hosting-typescript"),
        context=CLI_CONTEXT)
    request.getfixturevalue("wheel_venv")  # built while TypeScript synthesizes
    return {
        "typescript": typescript,
        "python": background.submit(
            synth_python, APPS / "spa_hosting.py", tmp_path_factory.mktemp("spa-hosting-python"),
            context=CLI_CONTEXT),
        "bad_props": background.submit(run_python, BAD_PROPS),
    }


@pytest.fixture(scope="module")
def python_templates(started):
    return started["python"].result()


@pytest.fixture(scope="module")
def typescript_templates(started):
    return started["typescript"].result()


def of_type(template, resource_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def at_path(template, path):
    """The one resource at construct path `path` below the stack, such as `Admin/Bucket/Resource`."""
    full_path = f"{STACK}/{path}"
    found = [r for r in template["Resources"].values() if r.get("Metadata", {}).get("aws:cdk:path") == full_path]
    assert len(found) == 1, f"expected one resource at {full_path}, found {len(found)}"
    return found[0]


def test_both_languages_make_the_same_stacks(python_templates, typescript_templates):
    assert sorted(python_templates) == sorted(typescript_templates) == sorted([STACK, PIPELINE_STACK])


def test_python_pipeline_props_reach_the_template(python_templates):
    template = python_templates[PIPELINE_STACK]
    (pipeline,) = of_type(template, "AWS::CodePipeline::Pipeline").values()
    assert pipeline["Properties"]["Name"] == "e-com67-admin-dashboard-pipeline"
    assert pipeline["Properties"]["PipelineType"] == "V2"
    assert pipeline["Properties"]["ExecutionMode"] == "QUEUED"
    projects = {p["Properties"].get("Name"): p for p in of_type(template, "AWS::CodeBuild::Project").values()}
    spec = json.loads(projects["e-com67-admin-dashboard-build"]["Properties"]["Source"]["BuildSpec"])
    assert spec["env"]["variables"] == {"VITE_APP_NAME": "Admin"}
    assert spec["phases"]["pre_build"]["commands"] == ['cd "$CODEBUILD_SRC_DIR/frontend/admin-dashboard"', "npm test"]
    deploy = next(p for name, p in projects.items() if name != "e-com67-admin-dashboard-build")
    variables = {v["Name"]: v["Value"] for v in deploy["Properties"]["Environment"]["EnvironmentVariables"]}
    assert variables["SPA_RUNTIME_CONFIG"] == '{"apiUrl":"https://api.example.com"}'
    assert variables["SPA_KEEP_RELEASES"] == "5"
    assert len(of_type(template, "AWS::SNS::Subscription")) == 1


def test_python_template_has_the_hosting_resources(python_templates):
    template = python_templates[STACK]
    # Site bucket and log bucket for each SpaHosting.
    buckets = of_type(template, "AWS::S3::Bucket")
    assert len(buckets) == 4
    assert sorted(b["Properties"].get("BucketName", "") for b in buckets.values()).count(
        "e-com67-admin-dashboard-111122223333") == 1
    assert len(of_type(template, "AWS::CloudFront::Distribution")) == 2
    assert len(of_type(template, "AWS::CloudFront::ResponseHeadersPolicy")) == 2
    # Only Admin rewrites routes with a function; Customer uses error responses.
    assert len(of_type(template, "AWS::CloudFront::Function")) == 1
    at_path(template, "Admin/SpaRouting/Resource")


def test_python_props_reach_the_template(python_templates):
    """Each marshalled prop of the Customer site shows up where it should (not only equal to TypeScript)."""
    template = python_templates[STACK]

    distribution = at_path(template, "Customer/Distribution/Resource")["Properties"]["DistributionConfig"]
    assert distribution["Restrictions"]["GeoRestriction"] == {"Locations": ["DE", "AT"], "RestrictionType": "whitelist"}
    assert sorted(r["ErrorCode"] for r in distribution["CustomErrorResponses"]) == [403, 404]
    assert "FunctionAssociations" not in distribution["DefaultCacheBehavior"]

    headers = at_path(template, "Customer/SecurityHeaders/Resource")["Properties"]
    csp = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert "connect-src 'self' https://api.example.com;" in csp["ContentSecurityPolicy"]

    bucket = at_path(template, "Customer/Bucket/Resource")["Properties"]
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NewerNoncurrentVersions": 5, "NoncurrentDays": 30}

    policy = at_path(template, "Deployer/DefaultPolicy/Resource")["Properties"]["PolicyDocument"]
    actions = json.dumps([s["Action"] for s in policy["Statement"]])
    for action in ("s3:ListBucket", "s3:PutObject"):
        assert action in actions
    # Releases go live by a KeyValueStore write, never an invalidation; this hosting routes without the function,
    # so it has no store and the deployer gets S3 only.
    assert "cloudfront" not in actions


def test_python_and_typescript_templates_are_equal(python_templates, typescript_templates):
    assert_same_templates(python_templates, typescript_templates)


BAD_PROPS = r'''
import json
import aws_cdk as cdk
from cdk_ecom_platform import SpaHosting

cases = {
    "bucketName": lambda s: SpaHosting(s, "Admin", bucket_name="Bad_Name"),
    "noncurrentVersionsToRetain": lambda s: SpaHosting(s, "Admin", noncurrent_versions_to_retain=0),
    "noncurrentVersionExpiration": lambda s: SpaHosting(s, "Admin", noncurrent_version_expiration=cdk.Duration.hours(36)),
    "geoAllowList": lambda s: SpaHosting(s, "Admin", geo_allow_list=["UK"]),
}
results = {}
for prop, make in cases.items():
    stack = cdk.Stack(cdk.App(), "SpaHostingApp")
    try:
        make(stack)
        results[prop] = None
    except Exception as e:
        results[prop] = {"type": type(e).__name__, "module": type(e).__module__,
                         "is_runtime_error": isinstance(e, RuntimeError), "message": str(e)}
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def bad_prop_errors(started):
    proc = started["bad_props"].result()
    assert proc.returncode == 0, f"the script failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("prop", ["bucketName", "noncurrentVersionsToRetain", "noncurrentVersionExpiration", "geoAllowList"])
def test_bad_prop_raises_in_python_with_path_and_prop(bad_prop_errors, prop):
    error = bad_prop_errors[prop]
    assert error is not None, f"a bad `{prop}` was accepted"
    # jsii raises a JavaScript Error as a Python exception (RuntimeError, or jsii's JSIIError).
    assert error["is_runtime_error"] or error["type"] == "JSIIError", error
    assert "SpaHostingApp/Admin" in error["message"], error["message"]
    assert f"invalid `{prop}`" in error["message"], error["message"]
    assert "Fix:" in error["message"], error["message"]
