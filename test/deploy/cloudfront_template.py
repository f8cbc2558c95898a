"""Reads a synthesized CloudFormation template the way CloudFormation would at deploy time, for the tests.

`Resolver` evaluates the intrinsics the library's templates use (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`
without variables maps, `Fn::Select`, `Fn::ImportValue`, SSM parameter types and `{{resolve:ssm:...}}` dynamic
references) from values the test supplies: what CloudFormation would know once the referenced resources exist.
Anything it was not given raises `Unresolved`, naming the path inside the template: a test never serves or
deploys a value it guessed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

DYNAMIC_SSM = re.compile(r"\{\{resolve:ssm:([^}:]+)(?::(\d+))?\}\}")
DYNAMIC_ANY = re.compile(r"\{\{resolve:[^}]*\}\}")


class Unresolved(AssertionError):
    """A template value the test did not supply (fails the test, with the value's place in the template)."""


class Resolver:
    def __init__(
        self,
        template: dict,
        *,
        ssm: Optional[Mapping[str, str]] = None,
        refs: Optional[Mapping[str, str]] = None,
        attributes: Optional[Mapping[Tuple[str, str], str]] = None,
        imports: Optional[Mapping[str, str]] = None,
        account: str = "111122223333",
        region: str = "us-east-1",
        stack_name: str = "Stack",
    ):
        """
        ssm: SSM parameter name -> value (for `AWS::SSM::Parameter::Value<String>` parameters and
             `{{resolve:ssm:name}}` references).
        refs: logical ID -> what `Ref` returns (physical ID) for resources, or a parameter's value.
        attributes: (logical ID, attribute) -> what `Fn::GetAtt` returns.
        imports: export name -> value, for `Fn::ImportValue`.
        """
        self.template = template
        self.ssm = dict(ssm or {})
        self.refs = dict(refs or {})
        self.attributes = dict(attributes or {})
        self.imports = dict(imports or {})
        self.pseudo = {
            "AWS::AccountId": account,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack_name,
            "AWS::NoValue": None,
        }

    def resolve(self, value: Any, where: str = "$") -> Any:
        if isinstance(value, str):
            return self._dynamic(value, where)
        if isinstance(value, list):
            return [self.resolve(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self._ref(arg, where)
            if key == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                if (logical, attribute) not in self.attributes:
                    raise Unresolved(f"{where}: Fn::GetAtt {logical}.{attribute} was not supplied")
                return self.attributes[(logical, attribute)]
            if key == "Fn::Join":
                separator, parts = arg
                resolved = self.resolve(parts, f"{where}.Fn::Join")
                return separator.join(str(p) for p in resolved)
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items, f"{where}.Fn::Select")[int(self.resolve(index, where))]
            if key == "Fn::ImportValue":
                name = self.resolve(arg, f"{where}.Fn::ImportValue")
                if name not in self.imports:
                    raise Unresolved(f"{where}: Fn::ImportValue {name!r} was not supplied (exports: {sorted(self.imports)})")
                return self.imports[name]
            if key == "Fn::Sub":
                if not isinstance(arg, str):
                    raise Unresolved(f"{where}: Fn::Sub with a variables map is not supported by the test resolver")
                return re.sub(r"\$\{([^}!]+)\}", lambda m: str(self._sub(m.group(1), where)), arg)
            if key.startswith("Fn::") or key == "Condition":
                raise Unresolved(f"{where}: intrinsic {key} is not supported by the test resolver")
        return {k: self.resolve(v, f"{where}.{k}") for k, v in value.items()}

    def _sub(self, name: str, where: str) -> Any:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self.resolve({"Fn::GetAtt": [logical, attribute]}, where)
        return self._ref(name, where)

    def _ref(self, name: str, where: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.refs:
            return self.refs[name]
        parameter = self.template.get("Parameters", {}).get(name)
        if parameter is not None:
            if parameter["Type"].startswith("AWS::SSM::Parameter::Value<"):
                ssm_name = parameter.get("Default")
                if ssm_name not in self.ssm:
                    raise Unresolved(f"{where}: Ref {name} is the SSM parameter {ssm_name!r}, which was not supplied")
                return self.ssm[ssm_name]
            if "Default" in parameter:
                return parameter["Default"]
            raise Unresolved(f"{where}: parameter {name} has no default and was not supplied")
        raise Unresolved(f"{where}: Ref {name} was not supplied")

    def _dynamic(self, text: str, where: str) -> str:
        def ssm(match: re.Match) -> str:
            if match.group(1) not in self.ssm:
                raise Unresolved(f"{where}: dynamic reference {match.group(0)} was not supplied")
            return self.ssm[match.group(1)]

        text = DYNAMIC_SSM.sub(ssm, text)
        other = DYNAMIC_ANY.search(text)
        if other:
            raise Unresolved(f"{where}: dynamic reference {other.group(0)} is not supported by the test resolver")
        return text


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def resources(template: dict, resource_type: str, prefix: str = "") -> Dict[str, dict]:
    """Resources of a type whose logical IDs start with `prefix` (a construct ID such as "CustomerApp")."""
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type and k.startswith(prefix)}


def only(template: dict, resource_type: str, prefix: str = "") -> Tuple[str, dict]:
    found = resources(template, resource_type, prefix)
    if len(found) != 1:
        raise AssertionError(f"expected one {resource_type} with a logical ID starting with {prefix!r}, found {sorted(found)}")
    return next(iter(found.items()))


def exports(template: dict, resolver: Resolver) -> Dict[str, str]:
    """Export name -> value of a stack's outputs, resolved (what `Fn::ImportValue` in other stacks gets)."""
    out = {}
    for key, output in template.get("Outputs", {}).items():
        if "Export" in output:
            out[resolver.resolve(output["Export"]["Name"], f"Outputs.{key}.Export")] = resolver.resolve(
                output["Value"], f"Outputs.{key}.Value")
    return out


def codebuild_project(template: dict, runs: str) -> Tuple[str, dict]:
    """The CodeBuild project whose buildspec contains `runs` (e.g. "spa-deploy.sh", "npm run build")."""
    found = [(k, r) for k, r in resources(template, "AWS::CodeBuild::Project").items()
             if runs in r["Properties"]["Source"].get("BuildSpec", "")]
    if len(found) != 1:
        raise AssertionError(f"expected one CodeBuild project running {runs!r}, found {[k for k, _ in found]}")
    return found[0]


def project_variables(project: dict, resolver: Resolver) -> Dict[str, str]:
    """The project's environment variables, resolved (PLAINTEXT only; others fail)."""
    out = {}
    for variable in project["Properties"]["Environment"].get("EnvironmentVariables", []):
        if variable.get("Type", "PLAINTEXT") != "PLAINTEXT":
            raise Unresolved(f"{variable['Name']}: {variable['Type']} variables are not supported by the test resolver")
        out[variable["Name"]] = str(resolver.resolve(variable["Value"], f"EnvironmentVariables.{variable['Name']}"))
    return out


def buildspec(project: dict) -> dict:
    spec = project["Properties"]["Source"]["BuildSpec"]
    if not isinstance(spec, str):
        raise Unresolved("the buildspec is not a literal string")
    return json.loads(spec)


def buildspec_parameter_store(spec: dict, ssm: Mapping[str, str]) -> Dict[str, str]:
    """What CodeBuild puts into the build's environment from `env.parameter-store`."""
    out = {}
    for variable, name in spec.get("env", {}).get("parameter-store", {}).items():
        if name not in ssm:
            raise Unresolved(f"buildspec env.parameter-store.{variable}: SSM parameter {name!r} was not supplied")
        out[variable] = ssm[name]
    if spec.get("env", {}).get("secrets-manager"):
        raise Unresolved("buildspec env.secrets-manager is not supported by the test resolver")
    return out


def strings(value: Any) -> List[str]:
    """Every string inside a template value (for assertions such as "the CSP mentions the SSM reference")."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []
