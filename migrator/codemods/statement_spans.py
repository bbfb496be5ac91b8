"""Which statements of a module never mention a word: those a rewrite need not visit.

LibCST nodes carry no line numbers (its position metadata costs a code generation of the
whole module), and visiting a node rebuilds it, so a transformer that only rewrites a few
names pays for every expression of the module. Python's own `ast` parses the same text
several times faster and knows each statement's lines: the two trees are walked side by
side (the same statements in the same order, a LibCST line of `a; b` being two `ast`
statements), and a statement none of whose lines holds any of the words is reported, so
that the transformer skips it whole. A nested block is looked at statement by statement,
and a def's decorators and parameters one by one, so a function whose signature names
the word in one parameter has that parameter visited and the rest skipped. Import lines are never reported (they are rewritten on their own terms).

Any doubt gives up (an empty answer, i.e. visit everything): text LibCST and `ast` might
count lines of differently, a statement the walk cannot pair.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterable, Sequence

import libcst as cst

from migrator.codemods.import_resolution import parse_ast


class _Mismatch(Exception):
    """The two trees do not line up: give up on skipping."""


_PAIRS: dict[type[cst.CSTNode], tuple[type[ast.AST], ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.Try: (ast.Try,),
    cst.TryStar: (ast.TryStar,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Match: (ast.Match,),
}


def quiet_statements(module: cst.Module, text: str, words: Iterable[str]) -> set[int]:
    """ids of the statements of `module` (parsed from `text`) that mention none of `words`."""
    tree = parse_ast(text)
    loud = _loud_lines(text, words)
    if tree is None or loud is None:
        return set()
    quiet: set[int] = set()
    try:
        _block(module.body, tree.body, loud, quiet)
    except _Mismatch:
        return set()
    return quiet


def mentioning(text: str, words: Iterable[str]) -> Callable[[ast.AST], bool]:
    """A test: do the lines of an `ast` node of `text` (a statement's decorators included)
    mention a word? Yes for a node without lines, and whenever lines cannot be trusted."""
    loud = _loud_lines(text, words)
    if loud is None:
        return lambda node: True
    found = loud

    def test(node: ast.AST) -> bool:
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return True
        first = min([lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return _mentions(found, first, getattr(node, "end_lineno", None) or lineno)

    return test


def _loud_lines(text: str, words: Iterable[str]) -> list[int] | None:
    """The (1-based, sorted) lines holding a word; None when lines cannot be trusted."""
    words = [w for w in words if w]
    if not words or "\r" in text.replace("\r\n", "") or "\f" in text or "\v" in text:
        return None
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n", text)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    return sorted({bisect.bisect_right(starts, m.start()) for m in pattern.finditer(text)})


def _mentions(loud: list[int], first: int, last: int) -> bool:
    """Whether a line in `first..last` (1-based, inclusive) holds a word."""
    at = bisect.bisect_left(loud, first)
    return at < len(loud) and loud[at] <= last


def _block(
    statements: Sequence[cst.CSTNode], nodes: list[ast.stmt], loud: list[int], quiet: set[int]
) -> None:
    i = 0
    for stmt in statements:
        if isinstance(stmt, cst.SimpleStatementLine):
            part = nodes[i : i + len(stmt.body)]
            i += len(stmt.body)
            if len(part) != len(stmt.body):
                raise _Mismatch
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in part):
                continue
            first = min(n.lineno for n in part)
            last = max(n.end_lineno or n.lineno for n in part)
            if not _mentions(loud, first, last):
                quiet.add(id(stmt))
        elif isinstance(stmt, cst.BaseCompoundStatement):
            if i >= len(nodes):
                raise _Mismatch
            _compound(stmt, nodes[i], loud, quiet)
            i += 1
        else:
            raise _Mismatch
    if i != len(nodes):
        raise _Mismatch


def _compound(
    stmt: cst.BaseCompoundStatement, node: ast.stmt, loud: list[int], quiet: set[int]
) -> None:
    if not isinstance(node, _PAIRS.get(type(stmt), ())):
        raise _Mismatch
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    if not _mentions(loud, first, node.end_lineno or node.lineno):
        quiet.add(id(stmt))
        return
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        _header(stmt, node, loud, quiet)
    for block, nodes in _sub_blocks(stmt, node):
        if isinstance(block, cst.IndentedBlock):
            _block(block.body, nodes, loud, quiet)


def _header(
    stmt: cst.FunctionDef | cst.ClassDef, node: ast.stmt, loud: list[int], quiet: set[int]
) -> None:
    """The decorators and parameters of a def or class that mention no word."""
    decorators = getattr(node, "decorator_list", [])
    if len(decorators) == len(stmt.decorators):
        for decorator, expr in zip(stmt.decorators, decorators):
            if not _mentions(loud, expr.lineno, expr.end_lineno or expr.lineno):
                quiet.add(id(decorator))
    if not isinstance(stmt, cst.FunctionDef) or not isinstance(
        node, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return
    params, args = stmt.params, node.args
    own = [*params.posonly_params, *params.params]
    positional = [*args.posonlyargs, *args.args]
    if len(own) != len(positional) or len(params.kwonly_params) != len(args.kwonlyargs):
        return
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    pairs = [*zip(own, zip(positional, defaults))]
    pairs += zip(params.kwonly_params, zip(args.kwonlyargs, args.kw_defaults))
    for param, (arg, default) in pairs:
        last = max(arg.end_lineno or arg.lineno, (default.end_lineno or 0) if default else 0)
        if not _mentions(loud, arg.lineno, last):
            quiet.add(id(param))


def _sub_blocks(
    stmt: cst.BaseCompoundStatement, node: ast.stmt
) -> list[tuple[cst.BaseSuite, list[ast.stmt]]]:
    """The statement's blocks beside the `ast` statements in each (an `elif` recursing)."""
    out: list[tuple[cst.BaseSuite, list[ast.stmt]]] = []
    body = getattr(stmt, "body", None)  # a `match` has none, only cases
    if isinstance(body, cst.BaseSuite):
        out.append((body, getattr(node, "body", [])))
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        # `elif`: the ast's orelse is that one If
        else_nodes = getattr(node, "orelse", [])
        if len(else_nodes) != 1:
            raise _Mismatch
        out.append((cst.IndentedBlock(body=[orelse]), else_nodes))
    elif isinstance(orelse, cst.Else):
        out.append((orelse.body, getattr(node, "orelse", [])))
    handlers = getattr(stmt, "handlers", ())
    node_handlers = getattr(node, "handlers", [])
    if len(handlers) != len(node_handlers):
        raise _Mismatch
    out += [(h.body, n.body) for h, n in zip(handlers, node_handlers)]
    final = getattr(stmt, "finalbody", None)
    if final is not None:
        out.append((final.body, getattr(node, "finalbody", [])))
    cases = getattr(stmt, "cases", ())
    node_cases = getattr(node, "cases", [])
    if len(cases) != len(node_cases):
        raise _Mismatch
    out += [(c.body, n.body) for c, n in zip(cases, node_cases)]
    return out
