"""The statements, decorators and parameters a rewrite may skip (issue 10, item 6).

Skipped means none of its lines mentions a word: checked against the code of every
skipped node, on a module with every kind of block, and the cases where the answer must
be "visit everything".
"""

from __future__ import annotations

import libcst as cst

from migrator.codemods.statement_spans import quiet_statements

SOURCE = '''\
"""Docstring naming Container."""
import os; x = 1; y = Container
from app.container import Container


@route("/a")
@requires(Provide[Container.auth])
def endpoint(
    item_id: int,
    service: Service = Provide[Container.service],
    *,
    flag: bool = False,
) -> None:
    """Nothing here."""
    value = item_id
    if value:
        return Container
    elif value is None:
        pass
    else:
        value = 2
    try:
        value = 3
    except ValueError:
        value = Container.x
    finally:
        value = 4
    for i in range(3):
        value = i
    else:
        value = Container
    while False:
        pass
    with open(os.devnull) as handle:
        handle.write("Container")
    match value:
        case 1:
            value = Container
        case _:
            value = 5


class Quiet:
    def method(self):
        return 1


async def asynchronous(a, b=Container):
    async with lock:
        pass
    async for item in items:
        pass
'''


def _skipped(source: str, words: set[str]) -> list[str]:
    module = cst.parse_module(source)
    quiet = quiet_statements(module, source, words)
    codes: list[str] = []

    class _Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if id(node) in quiet:
                codes.append(cst.Module(body=[]).code_for_node(node))
                return False
            return True

    module.visit(_Collect())
    assert len(codes) == len(quiet)  # every id names a node of this module
    return codes


def test_what_is_skipped_mentions_no_word() -> None:
    skipped = _skipped(SOURCE, {"Container"})
    assert skipped
    assert not [code for code in skipped if "Container" in code]
    flat = "\n".join(skipped)
    for quiet_part in ('@route("/a")', "item_id: int", "flag: bool = False", "value = item_id",
                       "value = 2", "value = 3", "value = 4", "value = 5", "class Quiet",
                       "async with lock", "async for item"):
        assert quiet_part in flat, quiet_part
    for loud_part in ("return Container", "value = Container.x", "Provide[Container.service]",
                      'handle.write("Container")'):
        assert loud_part not in flat, loud_part


def test_imports_are_never_skipped() -> None:
    skipped = _skipped("import os\nfrom a import b\nc = 1\n", {"zzz"})
    assert skipped == ["c = 1\n"]


def test_lines_that_cannot_be_trusted_skip_nothing() -> None:
    # a lone carriage return or a form feed: Python's and our line counts could differ
    for source in ("a = 1\rb = 2\n", "a = 1\n\x0cb = 2\n"):
        assert quiet_statements(cst.parse_module(source), source, {"zzz"}) == set()
    # no words, or a text Python's own parser refuses
    assert quiet_statements(cst.parse_module("a = 1\n"), "a = 1\n", set()) == set()
    assert quiet_statements(cst.parse_module("a = 1\n"), "a = (\n", {"zzz"}) == set()
