"""Which distributions a rendered project's code imports, and which its pyproject declares.

Imports are read with ``ast`` (no code runs). Code outside ``tests/`` needs its
imports in ``[project.dependencies]``, except imports under ``if TYPE_CHECKING:``,
which, like everything ``tests/`` imports, may come from the ``dev`` extra.
"""

import ast
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

FIRST_PARTY = frozenset({"app", "common", "tests"})
SKIPPED_DIRS = frozenset({"__pycache__", ".venv", ".mypy_cache", ".ruff_cache", "versions"})


@dataclass(frozen=True)
class Import:
    path: str
    module: str
    runtime: bool
    """False under ``if TYPE_CHECKING:`` or in ``tests/``: a development dependency suffices."""


def third_party_imports(project: Path) -> Iterator[Import]:
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        if SKIPPED_DIRS & set(relative.parts):
            continue
        in_tests = relative.parts[0] == "tests"
        yield from _imports(ast.parse(path.read_text()), relative.as_posix(), not in_tests)


def _imports(tree: ast.AST, path: str, runtime: bool) -> Iterator[Import]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _imports(child, path, runtime=False)
            for child in node.orelse:
                yield from _imports(child, path, runtime)
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.partition(".")[0]
            if top not in FIRST_PARTY and top not in sys.stdlib_module_names:
                yield Import(path, top, runtime)
        yield from _imports(node, path, runtime)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def declared(pyproject: Path) -> tuple[set[str], set[str]]:
    """Canonical names of the runtime dependencies and of the ``dev`` extra."""
    project = tomllib.loads(pyproject.read_text())["project"]
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    extra = project.get("optional-dependencies", {}).get("dev", [])
    return runtime, {canonicalize_name(Requirement(r).name) for r in extra}


def undeclared(project: Path) -> list[str]:
    """``path: module (distribution)`` for every import the pyproject does not declare."""
    runtime, dev = declared(project / "pyproject.toml")
    distributions = packages_distributions()
    missing = []
    for found in third_party_imports(project):
        providers = {canonicalize_name(d) for d in distributions.get(found.module, [])}
        allowed = runtime if found.runtime else runtime | dev
        if not providers & allowed:
            missing.append(f"{found.path}: {found.module} ({', '.join(sorted(providers)) or '?'})")
    return sorted(set(missing))
