"""One side of the migration as `init` reads it: a folder of Python modules and its pyproject.

`Project` serves both the app (the target) and a rendered template: its modules indexed
by `migrator.init.index`, which of them are tests, and what pyproject.toml declares
(name, description, Python version, dependencies, which tools it configures).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from migrator.init.definitions import ModuleIndex, is_test_path
from migrator.init.index import index_tree
from migrator.init.render import runtime_dependencies
from migrator.verify.dependencies import declared_packages


@dataclass
class Project:
    root: Path
    modules: dict[str, ModuleIndex] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> Project:
        return cls(root, index_tree(root))

    # -- modules --------------------------------------------------------------------------
    def module_at(self, path: str) -> ModuleIndex | None:
        for index in self.modules.values():
            if index.path == path:
                return index
        return None

    @cached_property
    def tests(self) -> dict[str, ModuleIndex]:
        return {name: m for name, m in self.modules.items() if is_test_path(m.path)}

    @cached_property
    def code(self) -> dict[str, ModuleIndex]:
        """Modules that are not tests."""
        return {name: m for name, m in self.modules.items() if not is_test_path(m.path)}

    @cached_property
    def top_packages(self) -> set[str]:
        return {name.partition(".")[0] for name in self.modules}

    def first_party(self, dotted: str) -> bool:
        return dotted.partition(".")[0] in self.top_packages

    def owner_module(self, dotted: str) -> str | None:
        """The longest indexed module `dotted` names or lies in (`a.b.C.x` -> `a.b`)."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.modules:
                return candidate
        return None

    # -- pyproject.toml -------------------------------------------------------------------
    @cached_property
    def pyproject(self) -> dict[str, Any]:
        path = self.root / "pyproject.toml"
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return {}

    def _meta(self, key: str) -> Any:
        project = self.pyproject.get("project", {})
        poetry = self.pyproject.get("tool", {}).get("poetry", {})
        return project.get(key) or poetry.get(key)

    @property
    def name(self) -> str | None:
        value = self._meta("name")
        return str(value) if value else None

    @property
    def description(self) -> str | None:
        value = self._meta("description")
        return " ".join(str(value).split()) if value else None

    @property
    def requires_python(self) -> str | None:
        value = self.pyproject.get("project", {}).get("requires-python")
        value = value or self.pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python")
        return str(value) if value else None

    @cached_property
    def runtime_dependencies(self) -> set[str]:
        return set(runtime_dependencies(self.root))

    @cached_property
    def all_dependencies(self) -> set[str]:
        return declared_packages(self.pyproject)

    def configures(self, tool: str) -> str | None:
        """Where the project configures `tool` (ruff, mypy, pytest), or None."""
        if tool in self.pyproject.get("tool", {}):
            return f"pyproject.toml [tool.{tool}]"
        files = {"ruff": ["ruff.toml", ".ruff.toml"], "mypy": ["mypy.ini", ".mypy.ini"],
                 "pytest": ["pytest.ini"]}.get(tool, [])
        for name in files:
            if (self.root / name).is_file():
                return name
        for name in ("setup.cfg", "tox.ini"):
            path = self.root / name
            section = {"mypy": "[mypy]", "pytest": "[tool:pytest]"}.get(tool)
            if section and path.is_file() and section in path.read_text(encoding="utf-8", errors="replace"):
                return f"{name} {section}"
        return None

    @property
    def ruff_format(self) -> dict[str, Any]:
        """What `ruff format` reads from pyproject.toml: the line length (ruff's default 88)
        and the `[tool.ruff.format]` settings."""
        ruff = self.pyproject.get("tool", {}).get("ruff", {})
        return {"line-length": ruff.get("line-length", 88), **ruff.get("format", {})}

    @property
    def pytest_markers(self) -> list[str]:
        markers = self.pyproject.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("markers", [])
        return [str(m) for m in markers]
