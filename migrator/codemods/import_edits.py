"""LibCST's import visitors, walking no deeper than the statements they edit.

`AddImportsVisitor` edits only the import lines at the top of a module (and the module
itself); `RemoveImportsVisitor` only import statements, wherever they stand. Both are
matcher-based transformers that would otherwise walk every expression of the module,
which costs far more than their edits; they look at the rest of the module through their
own passes (`visit_Module`), which these subclasses leave as they are.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import (
    AddImportsVisitor,
    GatherUnusedImportsVisitor,
    RemoveImportsVisitor,
)

_TOP_LINES = (cst.Module, cst.SimpleStatementLine)
"""All `AddImportsVisitor` needs to enter to reach the top import lines."""

_STATEMENT_HOLDERS = (
    cst.Module,
    cst.IndentedBlock,
    cst.SimpleStatementSuite,
    cst.BaseCompoundStatement,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
    cst.SimpleStatementLine,
)
"""Nodes an import statement may stand in: all `RemoveImportsVisitor` needs to enter."""


class TopImportsAdder(AddImportsVisitor):
    """`AddImportsVisitor` that does not enter anything but the module's top lines."""

    def visit_Module(self, node: cst.Module) -> None:
        # its first pass gathers the imports above the module's first other statement
        # (after a docstring), walking the whole module to do so: show it those lines
        super().visit_Module(node.with_changes(body=_top_lines(node)))

    def on_visit(self, node: cst.CSTNode) -> bool:
        # the node itself is still visited and left as usual; only its children are not
        return super().on_visit(node) and isinstance(node, _TOP_LINES)


def _top_lines(module: cst.Module) -> list[cst.SimpleStatementLine | cst.BaseCompoundStatement]:
    """The first statement and the import lines that follow it."""
    lines = list(module.body[:1])
    for stmt in module.body[1:]:
        if not (
            isinstance(stmt, cst.SimpleStatementLine)
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom))
        ):
            break
        lines.append(stmt)
    return lines


class ImportsRemover(RemoveImportsVisitor):
    """`RemoveImportsVisitor` that does not enter expressions."""

    def visit_Module(self, node: cst.Module) -> None:
        # as RemoveImportsVisitor.visit_Module does, with a gatherer that walks statements
        gatherer = _UnusedImportsGatherer(self.context)
        node.visit(gatherer)
        self._unused_imports = dict(gatherer.unused_imports)

    def on_visit(self, node: cst.CSTNode) -> bool:
        return super().on_visit(node) and isinstance(node, _STATEMENT_HOLDERS)


class _UnusedImportsGatherer(GatherUnusedImportsVisitor):
    """`GatherUnusedImportsVisitor` that does not enter expressions.

    Its own walk only collects import statements; uses, `__all__` and string annotations
    are read from scope analysis and from its own passes (`visit_Module`).
    """

    def on_visit(self, node: cst.CSTNode) -> bool:
        return super().on_visit(node) and isinstance(node, _STATEMENT_HOLDERS)
