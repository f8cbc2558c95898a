"""The comparison helpers themselves: what normalize() removes and keeps, and that a difference is reported."""
import pytest

from conftest import ASSET_HASH_PLACEHOLDER, assert_same_templates, find_wheel, normalize, template_diff

HASH = "0123456789abcdef" * 4


def template(language):
    return {
        "Resources": {
            "SiteBucket1234ABCD": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": "site", "Tags": [{"Key": "asset", "Value": f"{HASH}.zip"}]},
                "Metadata": {
                    "aws:cdk:path": f"App-{language}/Site/Bucket/Resource",
                    "aws:asset:path": f"/tmp/{language}/asset.{HASH}",
                    "cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-S1", "reason": "why"}]},
                },
            },
            "Handler5678EF01": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Key": f"{HASH}.zip"}},
                "Metadata": {"aws:cdk:path": f"App-{language}/Handler/Resource"},
            },
            "CDKMetadata": {
                "Type": "AWS::CDK::Metadata",
                "Properties": {"Analytics": f"v2:deflate64:{language}"},
                "Condition": "CDKMetadataAvailable",
            },
        },
        "Conditions": {"CDKMetadataAvailable": {"Fn::Or": []}},
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"}},
        "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
        "Outputs": {"Url": {"Value": "https://example.com"}},
    }


def test_normalize_removes_what_differs_between_languages():
    assert normalize(template("python")) == normalize(template("typescript")) == {
        "Resources": {
            "SiteBucket1234ABCD": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": "site", "Tags": [{"Key": "asset", "Value": f"{ASSET_HASH_PLACEHOLDER}.zip"}]},
                "Metadata": {"cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-S1", "reason": "why"}]}},
            },
            "Handler5678EF01": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Key": f"{ASSET_HASH_PLACEHOLDER}.zip"}},
            },
        },
        "Outputs": {"Url": {"Value": "https://example.com"}},
    }


def test_normalize_keeps_other_conditions_parameters_and_rules():
    t = template("python")
    t["Conditions"]["IsProd"] = {"Fn::Equals": ["a", "b"]}
    t["Parameters"]["Stage"] = {"Type": "String"}
    t["Rules"]["Mine"] = {"Assertions": []}
    n = normalize(t)
    assert n["Conditions"] == {"IsProd": {"Fn::Equals": ["a", "b"]}}
    assert n["Parameters"] == {"Stage": {"Type": "String"}}
    assert n["Rules"] == {"Mine": {"Assertions": []}}
    assert "CDKMetadata" in t["Resources"], "normalize must not change its argument"


def test_a_difference_fails_with_a_diff():
    python, typescript = template("python"), template("typescript")
    python["Resources"]["SiteBucket1234ABCD"]["Properties"]["BucketName"] = "other"
    diff = template_diff(normalize(typescript), normalize(python), "TypeScript S", "Python S")
    assert diff.startswith("--- TypeScript S: Resources/SiteBucket1234ABCD\n+++ Python S: Resources/SiteBucket1234ABCD\n")
    assert '\n-  "BucketName": "site",\n+  "BucketName": "other",\n' in diff
    with pytest.raises(pytest.fail.Exception, match='\\+  "BucketName": "other"'):
        assert_same_templates({"S": python}, {"S": typescript})
    python["Resources"]["Renamed1234ABCD"] = python["Resources"].pop("SiteBucket1234ABCD")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_same_templates({"S": python}, {"S": typescript})
    assert "TypeScript S: Resources/Renamed1234ABCD (missing)" in str(failure.value)
    assert "Python S: Resources/SiteBucket1234ABCD (missing)" in str(failure.value)
    with pytest.raises(AssertionError, match="different stacks"):
        assert_same_templates({"S": python}, {"T": typescript})


def test_no_wheel_or_two_wheels_fail(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="found none"):
        find_wheel(tmp_path)
    (tmp_path / "a-1.0-py3-none-any.whl").touch()
    assert find_wheel(tmp_path).name == "a-1.0-py3-none-any.whl"
    (tmp_path / "a-2.0-py3-none-any.whl").touch()
    with pytest.raises(pytest.fail.Exception, match="a-1.0-py3-none-any.whl, a-2.0-py3-none-any.whl"):
        find_wheel(tmp_path)
