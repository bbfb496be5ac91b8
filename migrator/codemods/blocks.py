"""Statements taken out of a block, and the blank lines around them kept tidy."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from migrator.codemods.import_resolution import Statement


def drop_statements(
    originals: Sequence[cst.CSTNode],
    updated: Sequence[cst.CSTNode],
    dropped: set[int],
    *,
    indented: bool,
) -> list[Statement]:
    """`updated` without the statements whose original (same position) is in `dropped`.

    The blank lines above a dropped statement go to the next one kept when it has none
    (or only comments); the first statement of a block gets none. An indented block
    (a class or function body) is never left empty: it gets `pass`.
    """
    out: list[Statement] = []
    gap: list[cst.EmptyLine] | None = None
    for orig, stmt in zip(originals, updated):
        if not isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            continue
        if id(orig) in dropped:
            if gap is None:
                gap = [ln for ln in stmt.leading_lines if ln.comment is None]
            continue
        if gap is not None:
            if not out:
                stmt = stmt.with_changes(leading_lines=strip_blank_head(stmt.leading_lines))
            elif not stmt.leading_lines or stmt.leading_lines[0].comment is not None:
                # the gap above the dropped statement now separates this one
                stmt = stmt.with_changes(leading_lines=[*gap, *stmt.leading_lines])
            gap = None
        out.append(stmt)
    if not out and indented:
        out.append(cst.SimpleStatementLine(body=[cst.Pass()]))
    return out


def blank_head(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The blank lines above a statement's first comment line (all of them if none)."""
    head = []
    for line in lines:
        if line.comment is not None:
            break
        head.append(line)
    return head


def strip_blank_head(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """`lines` without the blank lines above the first comment line."""
    return list(lines[len(blank_head(lines)) :])
