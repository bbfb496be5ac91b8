"""Codemod parameters as a plan gives them: validation messages, aliases, JSON Schema, globs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from migrator.codemods import REGISTRY
from migrator.codemods.base import glob_matches
from migrator.codemods.import_resolution import parse_import_line
from migrator.plan import plan_json_schema
from migrator.steps.codemod import CodemodStep


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("move", {"moves": {}}, "at least 1 item"),
        ("move", {"moves": {"app.x": "not a path"}}, "is not a dotted Python name"),
        ("move", {"moves": {"app.x": "app.x.y"}}, "may not be the old one or inside it"),
        ("move", {"moves": {"a.b": "c.d"}, "extra": 1}, "Extra inputs are not permitted"),
        ("rename", {"symbol": "ServiceContainer", "to": "AppContainer"}, "is not `module.Name`"),
        ("rename", {"symbol": "app.c.S", "to": "not-an-identifier"}, "not a Python identifier"),
        ("rebase", {"class": "app.config.Settings", "bases": ["CommonSettings"]}, "module.Name"),
        (
            "rebase",
            {"class": "app.config.Settings", "bases": ["a.B"], "super_init": "super(("},
            "super_init does not parse",
        ),
        (
            "set_members",
            {"class": "app.c.C", "members": [{"code": "a = 1\nb = 2"}]},
            "exactly one statement",
        ),
        (
            "set_members",
            {"class": "app.c.C", "members": [{"code": "print(1)"}]},
            "define exactly one name",
        ),
        (
            "set_members",
            {"class": "app.c.C", "members": [{"code": "a = 1", "imports": ["from . import x"]}]},
            "absolute import",
        ),
        ("remove", {"symbols": []}, "at least 1 item"),
        ("remove", {"symbols": ["test_upload"]}, "is not `module.Name`"),
        ("call_args", {"callable": "f"}, "give `set`, `remove` or both"),
        ("call_args", {"callable": "f", "set": {"x": "1 +"}}, "is not a Python expression"),
        ("call_args", {"callable": "f", "set": {"not-kw": "1"}}, "not a keyword argument"),
        ("call_args", {"callable": "f", "set": {"x": "1"}, "remove": ["x"]}, "both set and"),
        ("call_args", {"callable": "f(", "remove": ["x"]}, "is not a dotted name"),
        ("move", {"moves": {"a.b": "c.d"}, "text_files": "docs/*.md"}, "valid list"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(name: str, params: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        REGISTRY[name].Config(**params)


def test_class_parameter_uses_the_keyword_as_its_plan_name() -> None:
    for name in ("rebase", "set_members"):
        config_cls = REGISTRY[name].Config
        schema = config_cls.model_json_schema()
        assert "class" in schema["properties"] and "class" in schema["required"]
        assert schema["properties"]["class"]["description"]
    config = REGISTRY["rebase"].Config(**{"class": "app.config.Settings", "bases": ["a.B as C"]})
    assert config.class_ == "app.config.Settings"


def test_every_parameter_is_described_for_the_plan_schema() -> None:
    for name, cls in REGISTRY.items():
        assert cls.description and cls.Config.__doc__, name
        for field_name, field in cls.Config.model_fields.items():
            assert field.description, (name, field_name)


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("app/**/*.py", "app/x.py", True),
        ("app/**/*.py", "app/a/b/x.py", True),
        ("app/*.py", "app/a/x.py", False),
        ("*.py", "app/x.py", False),
        ("**/test_*.py", "tests/unit/test_a.py", True),
        ("tests/*", "tests/a.py", True),
    ],
)
def test_files_globs(glob: str, path: str, expected: bool) -> None:
    assert glob_matches(glob, path) is expected


def test_import_lines() -> None:
    assert parse_import_line("from a.b import c as d, e") == [("a.b", "c", "d"), ("a.b", "e", None)]
    assert parse_import_line("import a.b as x") == [("a.b", None, "x")]
    with pytest.raises(ValueError):
        parse_import_line("x = 1")


def test_the_new_codemods_are_registered_for_the_plan_schema() -> None:
    text = str(plan_json_schema())
    for name in ("remove", "call_args"):
        assert name in REGISTRY
    for parameter in ("symbols", "match_args", "text_files"):
        assert parameter in text


def test_the_readme_codemod_examples_are_valid_steps() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Codemods", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    steps = [CodemodStep.model_validate(step) for step in yaml.safe_load(example)]
    assert [step.codemod for step in steps] == ["remove", "call_args"]
