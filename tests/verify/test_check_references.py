"""The references check (same scanner as the delete step)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from migrator.verify.references import ReferencesCheck, find_references

FILES = {
    "app/__init__.py": "",
    "app/api/parts.py": "from common.storage.s3_service import S3Service\n",
    "tests/test_parts.py": (
        "from unittest import mock\n\n"
        "@mock.patch('app.services.s3_service_v2.boto3')\n"
        "def test_a():\n    pass\n"
    ),
}


def check(modules):
    return ReferencesCheck.model_validate({"name": "refs", "modules": modules})


def test_passes_when_nothing_names_the_modules(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", FILES)
    result = check(["app.services.s3_service", "app.utils.shutdown_coordinator"]).run(ctx(root))
    assert result.passed, result.evidence
    assert result.summary == "no references in 3 Python files"


def test_lists_every_reference_with_file_and_line(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {
        **FILES,
        "app/x.py": "import app.services.s3_service\n",
        "tests/test_y.py": "\n\nP = 'app.utils.shutdown_coordinator.signal'\n",
    })
    result = check(["app.services.s3_service", "app.utils.shutdown_coordinator"]).run(ctx(root))
    assert not result.passed
    assert result.summary == "2 reference(s) to app.services.s3_service, app.utils.shutdown_coordinator"
    assert result.evidence == [
        "app/x.py:1: import 'app.services.s3_service' names app.services.s3_service",
        (
            "tests/test_y.py:3: string 'app.utils.shutdown_coordinator.signal' names "
            "app.utils.shutdown_coordinator"
        ),
    ]


def test_whole_segments_only(tmp_path, make_repo):
    root = make_repo(tmp_path / "t", {
        "a.py": "X = 'myapp.services.s3_service'\nY = 'app.services.s3_services'\n"
                "Z = 'app.services.s3_service.S3Service'\n",
    })
    scan = find_references(root, ["app.services.s3_service"])
    assert [(r.line, r.how) for r in scan.references] == [(3, "string")]


PROSE = '''"""Wires the app: ``app.container = container`` after create_app."""

import importlib

ENTRY = "app.container:Container"
DYNAMIC = f"app.container.{importlib.__name__}"
WHOLE = f"app.container"


class Factory:
    """Builds app.container.Container; see app.container for the providers."""

    def build(self):
        """Return app.container."""
        "app.container is where the providers live"  # a bare string statement: prose
        message = "set app.container = container before wiring"
        return importlib.import_module("app.container"), message
'''


def test_prose_in_docstrings_and_messages_is_ignored_and_listed(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {"app/__init__.py": "", "app/factory.py": PROSE})
    scan = find_references(root, ["app.container"])
    assert [(r.line, r.how, r.text) for r in scan.references] == [
        (5, "string", "app.container:Container"),
        (6, "string", "app.container.{...}"),
        (7, "string", "app.container"),
        (17, "string", "app.container"),
    ]
    assert [(r.line, r.how) for r in scan.ignored] == [
        (1, "docstring"), (11, "docstring"), (14, "docstring"), (15, "prose"), (16, "prose")]
    result = check(["app.container"]).run(ctx(root))
    assert not result.passed
    assert result.evidence[-1] == (
        "ignored app/factory.py:16: prose 'set app.container = container before wiring' "
        "mentions app.container (not a whole dotted value)")


def test_only_prose_passes_and_says_what_it_ignored(tmp_path, make_repo, ctx):
    text = '"""Sets ``app.container = container``."""\n\nNOTE = "see app.container docs"\n'
    root = make_repo(tmp_path / "t", {"app/__init__.py": "", "app/x.py": text})
    result = check(["app.container"]).run(ctx(root))
    assert result.passed, result.evidence
    assert result.summary == ("no references in 2 Python files (2 mention(s) in docstrings "
                              "or prose ignored)")
    assert result.evidence == [
        ("ignored app/x.py:1: docstring 'Sets ``app.container = container``.' mentions "
        "app.container (not a whole dotted value)"),
        ("ignored app/x.py:3: prose 'see app.container docs' mentions app.container "
        "(not a whole dotted value)"),
    ]


def test_shorthand_list_and_bad_names():
    assert check(["a.b"]).modules == ["a.b"]
    with pytest.raises(ValidationError, match="not a dotted module name"):
        check(["app/services/x.py"])


PYTHON_313 = Path.home() / ".pyenv/versions/3.13.0/bin/python3.13"
NEWER_SYNTAX = {  # PEP 695 generics: 3.12 syntax, which the migrator's 3.11 cannot parse
    "app/__init__.py": "",
    "app/schemas.py": (
        "from app.utils.auth import public\n\n\n"
        "def parse[M](model: type[M]) -> M:\n"
        "    '''Uses app.utils.auth in prose only.'''\n"
        "    return model()\n"
    ),
}


@pytest.mark.skipif(not PYTHON_313.is_file(), reason="pyenv's Python 3.13.0 is missing")
def test_files_of_a_newer_python_are_scanned_by_the_apps_interpreter(tmp_path, make_repo):
    root = make_repo(tmp_path / "t", NEWER_SYNTAX)
    scan = find_references(root, ["app.utils.auth"], python=str(PYTHON_313))
    assert scan.unparsable == []
    assert [str(r) for r in scan.references] == [
        "app/schemas.py:1: import 'app.utils.auth' names app.utils.auth"]
    assert [(r.line, r.how) for r in scan.ignored] == [(5, "docstring")]


def test_without_the_apps_interpreter_such_files_cannot_be_checked(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", NEWER_SYNTAX)
    scan = find_references(root, ["app.utils.auth"])
    assert scan.references == []
    assert scan.unparsable == ["app/schemas.py:4: expected '('"]
    result = check(["app.utils.auth"]).run(ctx(root))  # the context's tool interpreter
    assert not result.passed
    assert result.evidence == ["app/schemas.py:4: expected '(' (cannot be checked)"]
