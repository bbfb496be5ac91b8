"""Put the import lines a codemod wrote where the project's isort settings want them.

LibCST's `AddImportsVisitor` adds an import at the end of the top import block (or adds
a name at the end of an existing `from` import), and a rewritten import stands where the
old one stood; neither knows the project's sections or order. `place_new_imports`
compares the module before and after a codemod and moves each import line that is new
or changed (and only those) to its place, by `ImportOrder`: into its section (creating
the section, with its blank line, if the block has none yet), after the lines of that
section that sort before it. A new or changed `from` import gets its names sorted, is
split the way the settings want (`as` names on lines of their own unless
combine-as-imports; one name per line with force-single-line), and is wrapped in
parentheses, one name per line, when it no longer fits the line length. Lines the
codemod did not write keep their place and their bytes, but for the blank line that
separates two sections. Every block of consecutive imports is handled, in functions
and `if TYPE_CHECKING:` blocks as well as at the top.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import libcst as cst

from migrator.codemods.base import SourceFile
from migrator.codemods.blocks import blank_head, strip_blank_head
from migrator.codemods.import_edits import is_import_line
from migrator.codemods.import_order import ImportOrder
from migrator.codemods.import_resolution import Statement, dotted_name


def place_new_imports(
    before: cst.Module, after: cst.Module, order: ImportOrder, file: SourceFile
) -> cst.Module:
    """`after` with the import lines `before` does not have moved to their sorted places,
    and the blank lines of the import blocks that lost a line tidied."""
    if before is after:
        return after
    old_runs = [run for _, _, runs in _blocks(before) for run in runs]
    old = Counter(_line_code(line) for run in old_runs for line in run)
    old_run_keys = {tuple(_line_code(line) for line in run) for run in old_runs}
    new: set[int] = set()
    targets: set[int] = set()
    on_the_way: set[int] = set()
    for block, path, runs in _blocks(after):
        for run in runs:
            keys = [_line_code(line) for line in run]
            for line, key in zip(run, keys):
                if old[key] > 0:
                    old[key] -= 1
                else:
                    new.add(id(line))
            if tuple(keys) not in old_run_keys or any(id(line) in new for line in run):
                targets.add(id(block))
                on_the_way.update(path)
    if not targets:
        return after
    placer = _Placer(
        new,
        targets,
        on_the_way,
        order,
        after.default_indent,
        file.module.partition(".")[0] if "." in file.module or file.is_package else None,
    )
    placer.started = not any(is_import_line(stmt) for stmt in before.body)
    return after.visit(placer)


Block = tuple[cst.CSTNode, list[int], list[list[cst.SimpleStatementLine]]]
"""(the Module or IndentedBlock, ids of the nodes from the module down to it, its runs)."""


def _blocks(module: cst.Module) -> list[Block]:
    """Every block of statements with its runs of import lines, inner blocks first.

    Walks statements by their attributes: a visit would rebuild every node it enters.
    """
    found: list[Block] = []

    def walk(node: cst.CSTNode, body: Sequence[cst.CSTNode], path: list[int]) -> None:
        for stmt in body:
            if not isinstance(stmt, cst.BaseCompoundStatement):
                continue
            for between, block in _inner_blocks(stmt):
                trail = [*path, id(stmt), *(id(node) for node in between), id(block)]
                walk(block, block.body, trail)
        found.append((node, path, _split_runs(body)))

    walk(module, module.body, [id(module)])
    return found


def _inner_blocks(
    stmt: cst.BaseCompoundStatement,
) -> list[tuple[list[cst.CSTNode], cst.IndentedBlock]]:
    """(the nodes between `stmt` and the block, the block) for each block right inside it."""
    out: list[tuple[list[cst.CSTNode], cst.IndentedBlock]] = []
    body = getattr(stmt, "body", None)  # a `match` has none, only cases
    if isinstance(body, cst.IndentedBlock):
        out.append(([], body))
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):  # elif
        out += [([orelse, *between], block) for between, block in _inner_blocks(orelse)]
    elif isinstance(orelse, cst.Else) and isinstance(orelse.body, cst.IndentedBlock):
        out.append(([orelse], orelse.body))
    for holder in (*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())):
        if isinstance(holder.body, cst.IndentedBlock):
            out.append(([holder], holder.body))
    final = getattr(stmt, "finalbody", None)
    if isinstance(final, cst.Finally) and isinstance(final.body, cst.IndentedBlock):
        out.append(([final], final.body))
    return out


def _split_runs(body: Sequence[cst.CSTNode]) -> list[list[cst.SimpleStatementLine]]:
    runs: list[list[cst.SimpleStatementLine]] = []
    current: list[cst.SimpleStatementLine] = []
    for stmt in body:
        if is_import_line(stmt):
            assert isinstance(stmt, cst.SimpleStatementLine)
            current.append(stmt)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _line_code(line: cst.SimpleStatementLine) -> tuple[Any, ...]:
    """What a line imports, as a key (cheaper than its code, and blind to its layout)."""
    key: list[Any] = []
    for small in line.body:
        if isinstance(small, cst.Import):
            key.append(
                ("import", tuple((a.evaluated_name, a.evaluated_alias) for a in small.names))
            )
        elif isinstance(small, cst.ImportFrom):
            names: Any = (
                "*"
                if isinstance(small.names, cst.ImportStar)
                else tuple((a.evaluated_name, a.evaluated_alias) for a in small.names)
            )
            module = dotted_name(small.module) if small.module is not None else ""
            key.append(("from", len(small.relative), module, names))
    return tuple(key)


@dataclass
class _Line:
    node: cst.SimpleStatementLine
    new: bool
    section: int
    key: tuple[Any, ...]


class _Placer(cst.CSTTransformer):
    """Re-lays the blocks in `targets`, entering only the nodes on the way to them."""

    def __init__(
        self,
        new: set[int],
        targets: set[int],
        on_the_way: set[int],
        order: ImportOrder,
        indent: str,
        package: str | None,
    ) -> None:
        super().__init__()
        self.new = new
        self.targets = targets
        self.on_the_way = on_the_way
        self.order = order
        self.indent = indent
        self.package = package
        self.depth = 0
        self.started = False
        """Whether the module had no import at its top level before the codemod."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) not in self.on_the_way:
            return False
        if isinstance(node, cst.IndentedBlock):
            self.depth += 1
        return True

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if id(original_node) not in self.on_the_way:
            return updated_node
        body = None
        if id(original_node) in self.targets:
            body = self._block(cast(Sequence[Statement], updated_node.body), self.depth)
        self.depth -= 1
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if id(original_node) not in self.targets:
            return updated_node
        body = self._block(updated_node.body, 0)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def _block(self, body: Sequence[Statement], depth: int) -> list[Statement] | None:
        out: list[Statement] = []
        changed = False
        run: list[cst.SimpleStatementLine] = []
        for stmt in [*body, None]:
            if stmt is not None and is_import_line(stmt):
                assert isinstance(stmt, cst.SimpleStatementLine)
                run.append(stmt)
                continue
            if run:
                # where the block starts: a block's first line has no blank line above it
                start = "block" if depth and not out else "top" if not out else "after"
                placed = self._run(run, depth, start)
                changed = True
                out.extend(placed)
                if stmt is not None and depth == 0 and self.started:
                    # a block the codemod started: the blank lines isort puts after one
                    stmt = _after_imports(stmt, depth)
                run = []
            if stmt is not None:
                out.append(stmt)
        return out if changed else None

    def _run(self, run: list[cst.SimpleStatementLine], depth: int, start: str) -> list[Statement]:
        lines: list[_Line] = []
        for node in run:
            if id(node) not in self.new:
                lines.append(self._line(node, new=False))
            else:
                for part in _split(node, self.order, len(self.indent) * depth):
                    lines.append(self._line(part, new=True))
        final = [line for line in lines if not line.new]
        for line in lines:
            if line.new:
                final.insert(_position(final, line), line)
        return _layout(final, lines, start)

    def _line(self, node: cst.SimpleStatementLine, *, new: bool) -> _Line:
        small = node.body[0]
        if isinstance(small, cst.Import):
            alias = small.names[0]
            module, level = alias.evaluated_name, 0
            first: tuple[Any, ...] = (alias.evaluated_alias or "",)
            is_from = False
        else:
            assert isinstance(small, cst.ImportFrom)
            module = (dotted_name(small.module) if small.module is not None else None) or ""
            level = len(small.relative)
            is_from = True
            names = small.names
            first = (
                ()
                if isinstance(names, cst.ImportStar)
                else self.order.name_key(names[0].evaluated_name, names[0].evaluated_alias)
            )
        return _Line(
            node=node,
            new=new,
            section=self.order.section(module or "", level, self.package),
            key=self.order.line_key(module or "", level, is_from, first),
        )


def _position(kept: list[_Line], line: _Line) -> int:
    """After the lines of `line`'s section that sort before it; a new section in its order."""
    same = [i for i, other in enumerate(kept) if other.section == line.section]
    if same:
        before = [i for i in same if kept[i].key <= line.key]
        return before[-1] + 1 if before else same[0]
    earlier = [i for i, other in enumerate(kept) if other.section < line.section]
    return earlier[-1] + 1 if earlier else 0


def _layout(final: list[_Line], given: list[_Line], start: str) -> list[Statement]:
    """Blank lines as isort wants them: none above a block's first line inside a function
    or `if` (the block's own above a module's), one between sections, none inside one.

    Lines the codemod wrote get them; the others only where a section boundary or the
    block's start lacks its blank line, or where their place in the block changed.
    """
    first_blank = blank_head(given[0].node.leading_lines)
    if start == "after" and not first_blank:
        first_blank = [cst.EmptyLine(indent=False)]
    before_roles = {id(line): role for line, role in zip(given, _roles(given))}
    out: list[Statement] = []
    for line, role in zip(final, _roles(final)):
        node = line.node
        head = blank_head(node.leading_lines)
        if role == "first":
            wanted = [] if start == "block" else first_blank
        elif role == "section":
            wanted = head if head else [cst.EmptyLine(indent=False)]
        else:
            wanted = []
        moved = line.new or before_roles[id(line)] != role
        if (
            moved
            or len(wanted) != len(head)
            and (role != "inside" and not head or start == "block")
        ):
            node = node.with_changes(leading_lines=[*wanted, *strip_blank_head(node.leading_lines)])
        out.append(node)
    return out


def _after_imports(stmt: Statement, depth: int) -> Statement:
    """`stmt` with at least the blank lines isort wants after an import block above it:
    two before a class or function at module level, one otherwise."""
    definition = isinstance(stmt, (cst.ClassDef, cst.FunctionDef)) and depth == 0
    wanted = 2 if definition else 1
    have = len(blank_head(stmt.leading_lines))
    if have >= wanted:
        return stmt
    extra = [cst.EmptyLine(indent=False)] * (wanted - have)
    return stmt.with_changes(leading_lines=[*extra, *stmt.leading_lines])


def _roles(lines: list[_Line]) -> list[str]:
    roles = []
    for i, line in enumerate(lines):
        if i == 0:
            roles.append("first")
        elif lines[i - 1].section != line.section:
            roles.append("section")
        else:
            roles.append("inside")
    return roles


# -- the new line itself: sorted names, split, wrapped --------------------------------------


def _split(
    node: cst.SimpleStatementLine, order: ImportOrder, indent: int
) -> list[cst.SimpleStatementLine]:
    """A new line as the settings want it: one line per statement, names sorted, wrapped."""
    if len(node.body) > 1:
        parts = [
            node.with_changes(
                body=[small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                leading_lines=node.leading_lines if i == 0 else (),
            )
            for i, small in enumerate(node.body)
        ]
        return [line for part in parts for line in _split(part, order, indent)]
    small = node.body[0]
    if isinstance(small, cst.Import) and len(small.names) > 1:
        # `import a, b` is one line per module
        return [
            node.with_changes(
                body=[
                    small.with_changes(names=[alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)])
                ],
                leading_lines=node.leading_lines if i == 0 else (),
                trailing_whitespace=node.trailing_whitespace
                if i == len(small.names) - 1
                else cst.TrailingWhitespace(),
            )
            for i, alias in enumerate(small.names)
        ]
    if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
        return [node]
    if _has_comments(small):
        return [node]  # reordering names would move their comments
    names = sorted(small.names, key=lambda a: order.name_key(a.evaluated_name, a.evaluated_alias))
    if order.flags["force-single-line"]:
        groups = [[alias] for alias in names]
    elif order.flags["combine-as-imports"]:
        groups = [names]
    else:
        plain = [a for a in names if a.asname is None]
        groups = [[a] for a in names if a.asname is not None] + ([plain] if plain else [])
        groups.sort(key=lambda g: order.name_key(g[0].evaluated_name, g[0].evaluated_alias))
    out = []
    for i, group in enumerate(groups):
        line = node.with_changes(
            body=[_from_import(small, group, order.line_length - indent)],
            leading_lines=node.leading_lines if i == 0 else (),
            trailing_whitespace=node.trailing_whitespace
            if i == len(groups) - 1
            else cst.TrailingWhitespace(),
        )
        out.append(line)
    return out


def _has_comments(node: cst.ImportFrom) -> bool:
    return "#" in cst.Module(body=[]).code_for_node(node)


def _from_import(
    node: cst.ImportFrom, aliases: list[cst.ImportAlias], width: int
) -> cst.ImportFrom:
    """`node` importing `aliases`, on one line if it fits (and was not exploded), else wrapped."""
    exploded = isinstance(node.names[-1].comma, cst.Comma) and isinstance(  # type: ignore[index]
        node.lpar, cst.LeftParen
    )
    flat = node.with_changes(
        names=[
            cst.ImportAlias(
                name=a.name,
                asname=a.asname,
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                if i < len(aliases) - 1
                else cst.MaybeSentinel.DEFAULT,
            )
            for i, a in enumerate(aliases)
        ],
        lpar=None,
        rpar=None,
    )
    if not exploded and len(cst.Module(body=[]).code_for_node(flat)) <= width:
        return flat
    newline = cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("    ")
    )
    closing = cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("")
    )
    return node.with_changes(
        names=[
            cst.ImportAlias(
                name=a.name,
                asname=a.asname,
                comma=cst.Comma(whitespace_after=closing if i == len(aliases) - 1 else newline),
            )
            for i, a in enumerate(aliases)
        ],
        lpar=cst.LeftParen(whitespace_after=newline),
        rpar=cst.RightParen(),
    )
