"""The `dependencies` check: pyproject.toml declares the given packages.

    - name: dependencies
      dependencies: {file: pyproject.toml, require: [flask, boto3, spectree, waitress]}

Both layouts count: PEP 621 (`[project] dependencies`, optional groups) and poetry
(`[tool.poetry.dependencies]` and its groups). Names compare normalised (PEP 503).
"""

from __future__ import annotations

import time
import tomllib
from typing import Any, ClassVar

from pydantic import Field

from migrator.merge.toml import requirement_name
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import register_check


def declared_packages(document: dict[str, Any]) -> set[str]:
    """Normalised names of every dependency a pyproject declares, in any group."""
    names: set[str] = set()
    project = document.get("project", {})
    requirements = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        requirements.extend(group)
    for group in document.get("dependency-groups", {}).values():
        requirements.extend(r for r in group if isinstance(r, str))
    names.update(requirement_name(r) for r in requirements)
    poetry = document.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    for table in tables:
        names.update(requirement_name(name) for name in table if name != "python")
    return names


@register_check
class DependenciesCheck(CheckModel):
    """Every package in `require` is declared in `file`."""

    kind: ClassVar[str] = "dependencies"
    shorthand: ClassVar[str] = "require"

    file: str = "pyproject.toml"
    require: list[str] = Field(min_length=1)

    def describe(self) -> str:
        return f"{self.file} declares {', '.join(self.require)}"

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()

        def result(passed: bool, summary: str, evidence: list[str]) -> CheckResult:
            return CheckResult(self.name, passed, time.monotonic() - started, summary, evidence)

        path = ctx.root / self.file
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return result(False, f"{self.file} does not exist", [])
        except tomllib.TOMLDecodeError as exc:
            return result(False, f"{self.file} is not valid TOML: {exc}", [])
        declared = declared_packages(document)
        missing = [name for name in self.require if requirement_name(name) not in declared]
        evidence = [f"{name}: {'missing' if name in missing else 'declared'}" for name in self.require]
        if missing:
            return result(False, f"{self.file} lacks {', '.join(missing)}", evidence)
        return result(True, f"{self.file} declares all {len(self.require)} package(s)", evidence)
