"""Merge of `pyproject.toml`: the app keeps everything it has and gains what the template adds.

- Dependencies are merged by package name (PEP 503 normalised); for a package both
  declare, the app's entry (and version) wins. This holds for PEP 621 lists
  (`[project] dependencies`, `optional-dependencies`, `[dependency-groups]`) and for
  poetry tables (`[tool.poetry.dependencies]`, `[tool.poetry.group.<g>.dependencies]`).
- An app that declares its dependencies with poetry and has no `[project]` dependencies
  receives the template's PEP 621 requirements as poetry entries (`name = "spec"` or an
  inline table with extras/markers); template optional-dependency groups and PEP 735
  dependency groups become poetry groups; template scripts become poetry scripts. The
  template's `[project]` identity (name, version, ...) is not copied into such an app.
- `[build-system]` is the app's when it has one.
- From the template's `[project]` only dependencies, optional dependencies, scripts and
  entry points are taken; the app's identity (name, version, readme, ...) stays its own.
- Every other table is merged key by key: keys only the template has are added (with the
  template's comments inside the tables it brings), keys both have keep the app's value.
- isort's package lists (`known-first-party`, `known-third-party`, `known-local-folder`,
  under ruff's or isort's own table) are unions: the template's packages (`app`, `common`)
  are the project's too once it is applied, and the files it ships are sorted so.
- A setting spelled two ways (ruff's legacy top-level `select` and `[tool.ruff.lint]
  select`) is merged in the app's spelling (see `migrator.merge.equivalent_keys`).

tomlkit keeps the app's comments, order and formatting; new keys go at the end of the
table they belong to.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from tomlkit.items import AoT, Array, Table

from migrator.merge.equivalent_keys import in_apps_form
from migrator.merge.lines import Merged

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_PEP621_LISTS = (("project", "dependencies"),)
_PEP621_GROUPS = (("project", "optional-dependencies"), ("dependency-groups",))
_ISORT_PACKAGE_LISTS = frozenset(
    spelling
    for key in ("known-first-party", "known-third-party", "known-local-folder")
    for spelling in (key, key.replace("-", "_"))
)
"""isort settings that list packages: merged as unions (under a table named `isort`)."""
# The app's identity (name, version, readme, ...) never comes from the template.
_PROJECT_KEYS_TAKEN = {"dependencies", "optional-dependencies", "scripts", "gui-scripts", "entry-points"}


def requirement_name(requirement: str) -> str:
    """Normalised package name of a PEP 508 string (best effort for odd strings)."""
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        match = _NAME.match(requirement)
        return canonicalize_name(match.group(1)) if match else requirement.strip()


def poetry_entry(requirement: str) -> tuple[str, Any]:
    """A PEP 508 requirement as a poetry dependency `(name, value)`."""
    req = Requirement(requirement)
    spec = str(req.specifier) or "*"
    if not req.extras and req.marker is None and req.url is None:
        return req.name, spec
    table = tomlkit.inline_table()
    if req.url is not None:
        table["url"] = req.url
    else:
        table["version"] = spec
    if req.extras:
        table["extras"] = sorted(req.extras)
    if req.marker is not None:
        table["markers"] = str(req.marker)
    return req.name, table


def _is_table(item: Any) -> bool:
    # tables split around other tables come back as an OutOfOrderTableProxy (a Mapping)
    return isinstance(item, Mapping)


def _end_with_blank_line(item: Any) -> None:
    """A table added before another one needs the blank line tables are separated by."""
    if isinstance(item, Table) and not item.is_super_table():
        body = item.value.body
        if body and body[-1][0] is None and body[-1][1].as_string().strip() == "":
            return
        if body and isinstance(body[-1][1], (Table, AoT)):
            _end_with_blank_line(body[-1][1])
        else:
            item.add(tomlkit.nl())
    elif isinstance(item, Table):
        children = [v for _, v in item.value.body if isinstance(v, Table)]
        if children:
            _end_with_blank_line(children[-1])


def _ensure_table(parent: Any, key: str, *, super_table: bool = False) -> Any:
    if key not in parent:
        table = tomlkit.table(is_super_table=super_table)
        parent[key] = table
    return parent[key]


class _PyprojectMerge:
    def __init__(self, app: tomlkit.TOMLDocument, template: tomlkit.TOMLDocument) -> None:
        self.app = app
        self.template = template
        self.added: list[str] = []

    # -- dependency lists -----------------------------------------------------------------
    def union_requirements(self, target: Array, incoming: Iterable[str], where: str) -> None:
        names = {requirement_name(str(r)) for r in target}
        for requirement in incoming:
            name = requirement_name(str(requirement))
            if name not in names:
                names.add(name)
                target.append(str(requirement))
                self.added.append(f"{where}: {requirement}")

    def union_strings(self, target: Array, incoming: Iterable[Any], where: str) -> None:
        present = {str(item) for item in target}
        for item in incoming:
            if str(item) not in present:
                present.add(str(item))
                target.append(str(item))
                self.added.append(f"{where}: {item}")

    def add_poetry_requirements(self, table: Any, incoming: Iterable[str], where: str) -> None:
        names = {canonicalize_name(str(k)) for k in table}
        for requirement in incoming:
            try:
                name, value = poetry_entry(str(requirement))
            except InvalidRequirement:
                continue
            if canonicalize_name(name) in names:
                continue
            names.add(canonicalize_name(name))
            table[name] = value
            self.added.append(f"{where}: {requirement}")

    def merge_poetry_table(self, target: Any, incoming: Mapping[str, Any], where: str) -> None:
        names = {canonicalize_name(str(k)) for k in target}
        for key, value in incoming.items():
            if canonicalize_name(str(key)) not in names:
                names.add(canonicalize_name(str(key)))
                target[key] = copy.deepcopy(value)
                self.added.append(f"{where}: {key}")

    # -- poetry app, PEP 621 template ------------------------------------------------------
    def app_uses_poetry(self) -> bool:
        poetry = self.app.get("tool", {}).get("poetry", {})
        project = self.app.get("project", {})
        return "dependencies" in poetry and "dependencies" not in project

    def poetry_group(self, group: str) -> Any:
        poetry = self.app["tool"]["poetry"]
        if group == "dev" and "dev-dependencies" in poetry and "group" not in poetry:
            return poetry["dev-dependencies"]
        groups = _ensure_table(poetry, "group", super_table=True)
        return _ensure_table(_ensure_table(groups, group, super_table=True), "dependencies")

    def pep621_into_poetry(self) -> None:
        poetry = self.app["tool"]["poetry"]
        project = self.template.get("project", {})
        self.add_poetry_requirements(
            poetry["dependencies"], project.get("dependencies", []), "tool.poetry.dependencies"
        )
        groups = dict(project.get("optional-dependencies", {}))
        groups.update(self.template.get("dependency-groups", {}))
        for group, requirements in groups.items():
            strings = [r for r in requirements if isinstance(r, str)]
            self.add_poetry_requirements(
                self.poetry_group(str(group)), strings, f"tool.poetry.group.{group}"
            )
        scripts = project.get("scripts", {})
        if scripts:
            self.merge_poetry_table(
                _ensure_table(poetry, "scripts"), scripts, "tool.poetry.scripts"
            )

    # -- generic --------------------------------------------------------------------------
    def merge_table(self, target: Any, incoming: Mapping[str, Any], path: tuple[str, ...]) -> None:
        for key, value in incoming.items():
            here = (*path, str(key))
            if here[0] == "project" and here[1:2] and here[1] not in _PROJECT_KEYS_TAKEN:
                continue
            if key not in target:
                target[key] = copy.deepcopy(value)
                if path:
                    # tomlkit separates tables it appends to the document, not those it
                    # inserts inside a table that other tables follow
                    _end_with_blank_line(target[key])
                self.added.append(".".join(here))
                continue
            current = target[key]
            is_requirements = here in _PEP621_LISTS or here[:-1] in _PEP621_GROUPS
            if is_requirements and isinstance(current, Array):
                self.union_requirements(current, value, ".".join(here))
            elif _is_isort_package_list(here) and isinstance(current, Array):
                self.union_strings(current, value, ".".join(here))
            elif self.is_poetry_dependency_table(here) and _is_table(current):
                self.merge_poetry_table(current, value, ".".join(here))
            elif _is_table(current) and _is_table(value):
                self.merge_table(current, value, here)

    @staticmethod
    def is_poetry_dependency_table(path: tuple[str, ...]) -> bool:
        return path in (
            ("tool", "poetry", "dependencies"),
            ("tool", "poetry", "dev-dependencies"),
        ) or (len(path) == 5 and path[:3] == ("tool", "poetry", "group") and path[4] == "dependencies")

    def foreign_backend_table(self) -> str | None:
        """The template's `[tool.X]` for its build backend when the app builds with another."""
        app_backend = _backend_tool(self.app)
        template_backend = _backend_tool(self.template)
        if app_backend and template_backend and app_backend != template_backend:
            return template_backend
        return None

    def run(self) -> None:
        skip = {"build-system"} if "build-system" in self.app else set()
        if self.app_uses_poetry():
            self.pep621_into_poetry()
            skip |= {"project", "dependency-groups"}
        incoming = {k: v for k, v in self.template.items() if k not in skip}
        foreign = self.foreign_backend_table()
        if foreign and isinstance(incoming.get("tool"), Mapping):
            # e.g. [tool.setuptools] means nothing to a poetry-built app
            incoming["tool"] = {k: v for k, v in incoming["tool"].items() if k != foreign}
        incoming, not_merged = in_apps_form(self.app, incoming)
        self.merge_table(self.app, incoming, ())
        self.added += not_merged


_BACKEND_TOOLS = {
    "setuptools": "setuptools", "poetry": "poetry", "hatchling": "hatch", "pdm": "pdm",
    "flit_core": "flit", "maturin": "maturin",
}


def _is_isort_package_list(path: tuple[str, ...]) -> bool:
    return len(path) >= 2 and path[-2] == "isort" and path[-1] in _ISORT_PACKAGE_LISTS


def _backend_tool(document: Mapping[str, Any]) -> str | None:
    """The `[tool.X]` key of the document's build backend (`poetry.core.masonry.api` -> poetry)."""
    backend = str(document.get("build-system", {}).get("build-backend", ""))
    return _BACKEND_TOOLS.get(backend.split(".")[0]) if backend else None


def merge_pyproject(app_text: str, template_text: str) -> Merged:
    """The app's pyproject.toml with the template's dependencies and settings added."""
    app = tomlkit.parse(app_text)
    merge = _PyprojectMerge(app, tomlkit.parse(template_text))
    merge.run()
    text = tomlkit.dumps(app)
    if merge.added and "\n\n\n" not in app_text + template_text:
        # tables tomlkit appends after ones we separated leave double blank lines
        text = re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
    return Merged(text, merge.added)
