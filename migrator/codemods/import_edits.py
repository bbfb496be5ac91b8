"""LibCST's import visitors, walking no deeper than the statements they edit.

`AddImportsVisitor` edits only the import lines at the top of a module (and the module
itself); `RemoveImportsVisitor` only import statements, wherever they stand. Both are
matcher-based transformers that would otherwise walk every expression of the module,
which costs far more than their edits; they look at the rest of the module through their
own passes (`visit_Module`), which these subclasses leave as they are.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import (
    AddImportsVisitor,
    GatherUnusedImportsVisitor,
    RemoveImportsVisitor,
)
from libcst.metadata import MetadataWrapper

from migrator.codemods.blocks import strip_blank_head

_TOP_LINES = (cst.Module, cst.SimpleStatementLine)
"""All `AddImportsVisitor` needs to enter to reach the top import lines."""

STATEMENT_HOLDERS = (
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
        return super().on_visit(node) and isinstance(node, STATEMENT_HOLDERS)


class _UnusedImportsGatherer(GatherUnusedImportsVisitor):
    """`GatherUnusedImportsVisitor` that does not enter expressions.

    Its own walk only collects import statements; uses, `__all__` and string annotations
    are read from scope analysis and from its own passes (`visit_Module`).
    """

    def on_visit(self, node: cst.CSTNode) -> bool:
        return super().on_visit(node) and isinstance(node, STATEMENT_HOLDERS)


def remove_scheduled_imports(module: cst.Module, context: CodemodContext) -> cst.Module:
    """`module` without the imports `context` scheduled for removal that nothing uses any more.

    The removals were scheduled on the module before the edit (`RemoveImportsVisitor.
    remove_unused_import_by_node` reads its scopes); whether they are still used is
    decided on `module`, wherever they stand (`if TYPE_CHECKING:` blocks too).
    """
    if not context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        return module
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    fresh = CodemodContext(
        full_module_name=context.full_module_name,
        full_package_name=context.full_package_name,
        wrapper=wrapper,
        scratch=context.scratch,
    )
    result = wrapper.visit(ImportsRemover(fresh))
    body = list(result.body)
    if body and is_import_line(module.body[0]) and not is_import_line(body[0]):
        # the imports that opened the module are gone: so are the blank lines after them
        body[0] = body[0].with_changes(leading_lines=strip_blank_head(body[0].leading_lines))
        result = result.with_changes(body=body)
    return result


def is_import_line(node: cst.CSTNode) -> bool:
    """A statement line of nothing but imports (`import a` or `import a; from b import c`)."""
    return isinstance(node, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in node.body
    )


def keep_aliases(
    node: cst.Import | cst.ImportFrom, keep: list[int], replaced: dict[int, cst.ImportAlias]
) -> list[cst.ImportAlias]:
    """The aliases at `keep` (replaced where given), keeping layout, comments and trailing comma."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    out: list[cst.ImportAlias] = []
    keep_set = set(keep)
    for i, alias in enumerate(names):
        if i in keep_set:
            out.append(replaced.get(i, alias).with_changes(comma=alias.comma))
            continue
        # standalone comment lines after a dropped alias describe what follows: keep them
        ws = alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else None
        has_comments = isinstance(ws, cst.ParenthesizedWhitespace) and any(
            line.comment is not None for line in ws.empty_lines
        )
        prev_comma = out[-1].comma if out else None
        if (
            has_comments
            and isinstance(prev_comma, cst.Comma)
            and isinstance(prev_comma.whitespace_after, cst.ParenthesizedWhitespace)
        ):
            prev_ws = prev_comma.whitespace_after
            assert isinstance(ws, cst.ParenthesizedWhitespace)
            out[-1] = out[-1].with_changes(
                comma=prev_comma.with_changes(
                    whitespace_after=prev_ws.with_changes(
                        empty_lines=[*prev_ws.empty_lines, *ws.empty_lines]
                    )
                )
            )
    if out and keep[-1] != len(names) - 1:
        out[-1] = out[-1].with_changes(comma=names[-1].comma)
    if out and not isinstance(out[-1].comma, cst.Comma) and len(out) < len(names):
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


class DropBindings(cst.CSTTransformer):
    """Remove the import aliases for bindings that lost their last use."""

    def __init__(self, unused: set[tuple[str, str]]) -> None:
        super().__init__()
        self.locals = {name for kind, name in unused if kind == "local"}
        self.modules = {name for kind, name in unused if kind == "module"}

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False

    def _unused(self, alias: cst.ImportAlias, plain: bool) -> bool:
        if alias.asname is None and plain:
            return alias.evaluated_name in self.modules
        return (alias.evaluated_alias or alias.evaluated_name) in self.locals

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = []
        for small in updated_node.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                plain = isinstance(small, cst.Import)
                keep = [i for i, a in enumerate(small.names) if not self._unused(a, plain)]
                if not keep:
                    continue
                if len(keep) < len(small.names):
                    small = small.with_changes(names=keep_aliases(small, keep, {}))
            body.append(small)
        if len(body) == len(updated_node.body) and all(
            a is b for a, b in zip(body, updated_node.body)
        ):
            return updated_node
        if not body:
            return cst.RemoveFromParent()
        body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=body)
