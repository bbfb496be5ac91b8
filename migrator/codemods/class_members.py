"""Class bodies: which member a statement defines, and what a class inherits inside a tree.

`inherited_members` learns a base class's members by parsing its source file in the
target tree (the template's `common/...` files, rendered by the time codemods run) and
following the base's own bases while they stay inside the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from migrator.codemods.base import module_name_for
from migrator.codemods.import_resolution import (
    Statement,
    dotted_name,
    import_from_module,
    module_source,
    split_dotted,
)
from migrator.codemods.source_roots import source_roots


@dataclass(frozen=True)
class BaseSpec:
    """One base class as a plan names it: `module.Name` or `module.Name as Alias`."""

    module: str
    name: str
    alias: str | None = None

    @classmethod
    def parse(cls, text: str) -> BaseSpec:
        path, _, alias = (part.strip() for part in text.partition(" as "))
        module, name = split_dotted(path)
        if not module or not name.isidentifier() or (alias and not alias.isidentifier()):
            raise ValueError(f"{text!r} is not `module.Name` or `module.Name as Alias`")
        return cls(module, name, alias or None)

    @property
    def local(self) -> str:
        return self.alias or self.name


def find_class(module: cst.Module, name: str) -> cst.ClassDef | None:
    """The module-level class `name`."""
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == name:
            return stmt
    return None


def member_names(stmt: Statement) -> list[str]:
    """Names a class-body statement defines: fields, assignments, methods, nested classes."""
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return [stmt.name.value]
    if not isinstance(stmt, cst.SimpleStatementLine):
        return []
    names: list[str] = []
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            names.extend(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            names.append(small.target.value)
    return names


def class_body(node: cst.ClassDef) -> list[Statement]:
    """The statements of a class body (empty for a one-line `class X: ...` suite)."""
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return []
    return [
        s for s in body.body if isinstance(s, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    ]


@dataclass(frozen=True)
class ClassSource:
    """A class as written: where it is defined, its module's source text and its name."""

    module: str
    """Dotted name of the defining module (relative imports in `source` resolve from it)."""
    name: str
    source: str
    is_package: bool = False
    """True when the module is a package's `__init__.py`."""

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"


def inherited_members(root: Path, module: str, name: str) -> dict[str, str]:
    """Member name -> defining class (dotted) for class `module.name` and its bases in `root`.

    Bases outside the tree (pydantic, dependency_injector, ...) end the walk; a class that
    cannot be found contributes nothing.
    """
    members: dict[str, str] = {}
    for source, node in _walk_chain(root, module, name):
        for stmt in class_body(node):
            for member in member_names(stmt):
                members.setdefault(member, source.dotted)
    return members


def class_chain(root: Path, module: str, name: str) -> list[ClassSource]:
    """Class `module.name` and its bases inside `root`, in lookup order (depth first).

    A name re-exported by a module (`from x import Name`) is followed to its definition;
    bases outside the tree end the walk.
    """
    return [source for source, _ in _walk_chain(root, module, name)]


def _walk_chain(root: Path, module: str, name: str) -> list[tuple[ClassSource, cst.ClassDef]]:
    found: list[tuple[ClassSource, cst.ClassDef]] = []
    _collect(root, module, name, found, set())
    return found


def _collect(
    root: Path,
    module: str,
    name: str,
    found: list[tuple[ClassSource, cst.ClassDef]],
    seen: set[str],
) -> None:
    key = f"{module}.{name}"
    if key in seen:
        return
    seen.add(key)
    path = module_source(root, module)
    if path is None:
        return
    try:
        tree = cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        return
    node = find_class(tree, name)
    if node is None:
        # re-exported: follow `from x import Name` in that module
        target = _imported_as(tree, module, path, root, name)
        if target is not None:
            _collect(root, *target, found, seen)
        return
    source = ClassSource(module, name, tree.code, is_package=path.name == "__init__.py")
    found.append((source, node))
    for arg in node.bases:
        target = resolve_base(tree, module, path, root, arg.value)
        if target is not None:
            _collect(root, *target, found, seen)


def resolve_base(
    tree: cst.Module, module: str, path: Path, root: Path, expr: cst.BaseExpression
) -> tuple[str, str] | None:
    dotted = dotted_name(expr)
    if dotted is None:
        return None
    if "." not in dotted:
        if find_class(tree, dotted) is not None:
            return module, dotted
        return _imported_as(tree, module, path, root, dotted)
    head, _, rest = dotted.partition(".")
    for stmt in tree.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    local = alias.evaluated_alias or alias.evaluated_name.partition(".")[0]
                    if local == head:
                        full = f"{alias.evaluated_name}.{rest}" if alias.asname else dotted
                        return split_dotted(full)
    target = _imported_as(tree, module, path, root, head)
    if target is not None:
        return split_dotted(".".join([*target, rest]))
    return None


def _imported_as(
    tree: cst.Module, module: str, path: Path, root: Path, local: str
) -> tuple[str, str] | None:
    file = module_name_for(path.relative_to(root).as_posix(), source_roots(root))
    for stmt in tree.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            for alias in small.names:
                if (alias.evaluated_alias or alias.evaluated_name) == local:
                    source = import_from_module(small, file)
                    if source is not None:
                        return source, alias.evaluated_name
    return None
