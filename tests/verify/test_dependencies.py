"""The `dependencies` check over poetry and PEP 621 pyprojects."""

from pathlib import Path

from migrator.verify.base import CheckContext
from migrator.verify.dependencies import DependenciesCheck

POETRY = """\
[tool.poetry.dependencies]
python = "^3.11"
Flask = "^3.0"
boto3 = "*"

[tool.poetry.group.dev.dependencies]
pytest = "^8"
"""

PEP621 = """\
[project]
name = "x"
dependencies = ["flask>=3", "SQLAlchemy[asyncio]>=2"]

[project.optional-dependencies]
test = ["pytest"]
"""


def run(tmp_path: Path, text: str, require: list[str]):
    (tmp_path / "pyproject.toml").write_text(text)
    check = DependenciesCheck(name="deps", require=require)
    return check.run(CheckContext(root=tmp_path, plan_dir=tmp_path))


def test_poetry_names_compare_normalised(tmp_path):
    result = run(tmp_path, POETRY, ["flask", "boto3", "pytest"])
    assert result.passed, result.evidence


def test_pep621_lists_and_groups(tmp_path):
    result = run(tmp_path, PEP621, ["sqlalchemy", "Flask", "pytest"])
    assert result.passed, result.evidence


def test_a_missing_package_fails_and_is_named(tmp_path):
    result = run(tmp_path, POETRY, ["flask", "waitress"])
    assert not result.passed
    assert result.summary == "pyproject.toml lacks waitress"
    assert "waitress: missing" in result.evidence


def test_python_itself_is_not_a_package(tmp_path):
    assert not run(tmp_path, POETRY, ["python"]).passed


def test_missing_file_fails(tmp_path):
    check = DependenciesCheck(name="deps", require=["flask"])
    result = check.run(CheckContext(root=tmp_path, plan_dir=tmp_path))
    assert not result.passed
    assert "does not exist" in result.summary
