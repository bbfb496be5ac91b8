"""Old dotted paths written out as text: whole string values, annotations, text files.

The rules are `move`'s: a dotted name that is an old path, or starts with one on a whole
segment, points at the new home (`app.services.s3_service.boto3` ->
`common.storage.s3_service.boto3`); `module:attr` (entry points, `[tool.poetry.scripts]`,
`waitress`/`gunicorn` app strings such as `app:create_app()`) follows a moved module, and
a moved symbol splits into its new module and name. A longer name that merely starts
with an old one (`s3_service_extra`) is another name; a name inside a path or a URL
(`/app/api/health`, `docs/app.api.health`) is not a dotted name.
"""

from __future__ import annotations

import re
from typing import Protocol


class Moves(Protocol):
    """What `move`'s table answers (see `move.MoveTable`)."""

    def lookup(self, name: str) -> tuple[str, str] | None: ...

    def target(self, name: str) -> str | None: ...


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ATTR = rf"{_NAME}(?:\.{_NAME})*(?:\(.*\))?"
"""The part after `module:`: a dotted name, maybe called (`create_app()`)."""

_WHOLE_VALUE = re.compile(rf"({_NAME}(?:\.{_NAME})*)(?::({_ATTR}))?\Z", re.DOTALL)

_IN_TEXT = re.compile(
    # not glued to a word, a path or an option before it, nor to a word or a path after it
    rf"(?<![\w.\-/\\])({_NAME}(?:\.{_NAME})+)(?::({_NAME}(?:\.{_NAME})*))?(?![\w\-/\\])"
)


def retarget(dotted: str, attr: str | None, moves: Moves) -> str | None:
    """`dotted` (or `dotted:attr`) pointed at its new home, None when nothing moves."""
    if attr is not None:
        head, _, rest = attr.partition(".")
        call = ""
        if "(" in head:
            head, paren, args = head.partition("(")
            call = paren + args
        symbol = f"{dotted}.{head}"
        hit = moves.lookup(symbol)
        if hit is not None and hit[0] == symbol:
            module, _, name = moves.target(symbol).rpartition(".")  # type: ignore[union-attr]
            return f"{module}:{name}{'.' + rest if rest else ''}{call}"
        new_module = moves.target(dotted)
        return None if new_module is None else f"{new_module}:{attr}"
    return moves.target(dotted)


def rewrite_value(value: str, moves: Moves) -> str | None:
    """A string whose whole value is `a.b.c` or `a.b:c`, rewritten; None if it is not one."""
    match = _WHOLE_VALUE.match(value)
    if match is None:
        return None
    new = retarget(match.group(1), match.group(2), moves)
    return None if new is None or new == value else new


def rewrite_text(text: str, moves: Moves) -> tuple[str, int]:
    """Every dotted name (or `module:attr`) in free text that moves, and how many did."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        new = retarget(match.group(1), match.group(2), moves)
        if new is None or new == match.group(0):
            return match.group(0)
        count += 1
        return new

    return _IN_TEXT.sub(replace, text), count
