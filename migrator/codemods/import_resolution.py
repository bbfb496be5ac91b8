"""Dotted names: reading them off CST nodes, resolving relative imports, building nodes back.

Shared by the codemods. Everything here is pure (no file access) except `module_source`,
which finds a module's file inside the target tree.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import libcst as cst
from pydantic import AfterValidator

from migrator.codemods.base import SourceFile
from migrator.codemods.source_roots import module_file

Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement
"""A statement in a block body (what `Module.body` and `IndentedBlock.body` hold)."""

DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
"""A whole string that is a dotted Python name (`a.b.c`)."""


@lru_cache(maxsize=8)
def parse_ast(source: str) -> ast.Module | None:
    """Python's own parse of `source`, or None when it does not parse.

    Cached: several passes over one file read the same tree (never change it).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def dotted_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a pure Name/Attribute chain, None for anything else (calls, subscripts)."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def chain_root(node: cst.Attribute) -> cst.BaseExpression:
    """The leftmost expression of an attribute chain (`a` in `a.b.c`)."""
    value: cst.BaseExpression = node
    while isinstance(value, cst.Attribute):
        value = value.value
    return value


def dotted_node(dotted: str) -> cst.Name | cst.Attribute:
    """Build the Name/Attribute chain for `a.b.c`."""
    first, *rest = dotted.split(".")
    node: cst.Name | cst.Attribute = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def package_of(file: SourceFile) -> str:
    """The package relative imports in `file` start from (the module itself for `__init__`)."""
    if file.is_package:
        return file.module
    return file.module.rpartition(".")[0]


def relative_base(file: SourceFile, level: int) -> str | None:
    """The absolute package `level` dots refer to in `file`; None when it leaves the tree."""
    package = package_of(file)
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    kept = parts[: len(parts) - (level - 1)]
    return ".".join(kept)


def import_from_module(node: cst.ImportFrom, file: SourceFile) -> str | None:
    """The absolute module an ImportFrom imports from (`None` if a relative one escapes)."""
    module = dotted_name(node.module) if node.module is not None else ""
    level = len(node.relative)
    if level == 0:
        return module
    base = relative_base(file, level)
    if base is None:
        return None
    return ".".join(p for p in (base, module) if p)


def ast_import_from_module(node: ast.ImportFrom, file: SourceFile) -> str | None:
    """`import_from_module` for a node of Python's own `ast`."""
    module = node.module or ""
    if not node.level:
        return module
    base = relative_base(file, node.level)
    if base is None:
        return None
    return ".".join(p for p in (base, module) if p)


def matches_prefix(name: str, prefix: str) -> bool:
    """True if `prefix` is `name` or a whole-segment prefix of it (`a.b` of `a.b.c`, not `a.bc`)."""
    return name == prefix or name.startswith(prefix + ".")


def split_dotted(dotted: str) -> tuple[str, str]:
    """`("a.b", "c")` for `a.b.c`; `("", "a")` for `a`."""
    parent, _, leaf = dotted.rpartition(".")
    return parent, leaf


def module_source(root: Path, module: str) -> Path | None:
    """The file defining `module` inside the tree at `root` (`a/b.py` or `a/b/__init__.py`,
    or the same under a source root such as `src/`)."""
    return module_file(root, module)


def parse_import_line(line: str) -> list[tuple[str, str | None, str | None]]:
    """`[(module, obj, asname)]` for an `import ...` or `from ... import ...` line.

    Raises ValueError for anything else (relative and star imports included), so a bad
    plan parameter is reported when the plan is loaded rather than half-way through a run.
    """
    try:
        stmt = cst.parse_statement(line.strip() + "\n")
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"not an import statement: {line!r}") from exc
    body = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
    if len(body) != 1 or not isinstance(body[0], (cst.Import, cst.ImportFrom)):
        raise ValueError(f"not a single import statement: {line!r}")
    node = body[0]
    out: list[tuple[str, str | None, str | None]] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            out.append((alias.evaluated_name, None, alias.evaluated_alias))
        return out
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        raise ValueError(f"use an absolute import naming what it imports: {line!r}")
    module = dotted_name(node.module)
    assert module is not None
    for alias in node.names:
        out.append((module, alias.evaluated_name, alias.evaluated_alias))
    return out


def _import_lines(value: list[str]) -> list[str]:
    for line in value:
        parse_import_line(line)
    return value


ImportLines = Annotated[list[str], AfterValidator(_import_lines)]
"""A plan parameter listing import lines (`from a.b import C`), checked when the plan loads."""


def is_docstring(stmt: cst.CSTNode) -> bool:
    """Whether a statement is a bare string (a module, class or function docstring)."""
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def descendants(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node` and every node below it."""
    found: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def on_visit(self, inner: cst.CSTNode) -> bool:
            found.append(inner)
            return True

    node.visit(_All())
    return found


def iter_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.BaseSmallStatement | cst.CSTNode]:
    """Every small statement in a block and in all blocks nested in it (functions, ifs, trys).

    Walks statements only, never expressions, so it is much cheaper than a full visit.
    """
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
            continue
        yield stmt
        for block in _child_blocks(stmt):
            yield from iter_statements(block)


def _child_blocks(stmt: cst.CSTNode) -> Iterator[Sequence[cst.CSTNode]]:
    for attr in ("body", "orelse", "finalbody"):
        child = getattr(stmt, attr, None)
        if child is None:
            continue
        if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            yield child.body
        elif isinstance(child, (cst.Else, cst.Finally, cst.If)):
            if isinstance(child, cst.If):
                yield [child]
            else:
                yield child.body.body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body.body
    for case in getattr(stmt, "cases", ()):
        yield case.body.body
