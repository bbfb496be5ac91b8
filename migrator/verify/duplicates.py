"""The `duplicates` check: no code duplicated between two folders.

    - name: no duplicated code between app and common
      duplicates: {left: app, right: common, min_lines: 6}

Uses pylint's duplicate-code engine through its standalone command (`symilar`, the
checker behind `pylint --enable=duplicate-code`), which names files by path. Comments,
docstrings, imports and signatures are ignored, as pylint does by default. Only
similarities with one side in each folder are reported; duplication inside one folder is
not this check's business.

pylint is the migrator's own dependency and runs in its interpreter, whose `ast` must
parse the files (finding signatures needs a parse). When a file uses syntax only a newer
Python knows (PEP 695 generics in an app on 3.13, the migrator on 3.11), the same pylint
(pure Python) runs in the app's interpreter instead, found on `PYTHONPATH`.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from migrator.codemods.runner import list_python_files
from migrator.environment import AppEnvironment
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import run_command, tail
from migrator.verify.registry import register_check

_GROUP = re.compile(r"^(\d+) similar lines in \d+ files$")
_PLACE = re.compile(r"^==(.+):\[(\d+):(\d+)\]$")


@dataclass(frozen=True)
class Place:
    path: str
    start: int
    """0-based first line, as symilar prints it."""
    end: int

    def __str__(self) -> str:
        return f"{self.path}:{self.start + 1}-{self.end}"


@dataclass(frozen=True)
class Duplicate:
    lines: int
    places: tuple[Place, ...]


def parse_symilar(report: str) -> list[Duplicate]:
    duplicates: list[Duplicate] = []
    lines: int | None = None
    places: list[Place] = []
    for line in report.splitlines() + [""]:
        if (group := _GROUP.match(line)) is not None:
            lines, places = int(group.group(1)), []
        elif (place := _PLACE.match(line)) is not None and lines is not None:
            places.append(Place(place.group(1), int(place.group(2)), int(place.group(3))))
        elif lines is not None and places:
            duplicates.append(Duplicate(lines, tuple(places)))
            lines, places = None, []
    return duplicates


def _under(path: str, folder: str) -> bool:
    folder = folder.strip("/")
    return folder in ("", ".") or path == folder or path.startswith(folder + "/")


@register_check
class DuplicatesCheck(CheckModel):
    """No block of `min_lines` or more lines appears both in `left` and in `right`."""

    kind: ClassVar[str] = "duplicates"

    left: str
    right: str
    min_lines: int = Field(default=4, ge=2)
    """pylint's min-similarity-lines (its default, 4): it reports blocks longer than this."""
    timeout: float = Field(default=300, gt=0)

    def argv(self, files: list[str], python: str = sys.executable) -> list[str]:
        return [
            python, "-m", "pylint.checkers.symilar", f"--duplicates={self.min_lines}",
            "--ignore-comments", "--ignore-docstrings", "--ignore-imports", "--ignore-signatures",
            *files,
        ]

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        # pylint is the migrator's own dependency: it runs in the migrator's interpreter
        return [self.argv([f"<python files under {self.left}/ and {self.right}/>"])]

    def describe(self) -> str:
        return f"no code duplicated between {self.left}/ and {self.right}/"

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()
        files = [
            p for p in list_python_files(ctx.root) if _under(p, self.left) or _under(p, self.right)
        ]
        left = [p for p in files if _under(p, self.left)]
        right = [p for p in files if _under(p, self.right)]
        if not left or not right:
            empty = self.left if not left else self.right
            return CheckResult(
                self.name, False, time.monotonic() - started, f"no Python files under {empty}/"
            )
        python, env = _interpreter_for(ctx, files)
        argv = self.argv(files, python)
        done = run_command(argv, ctx.root, env, timeout=self.timeout)
        if done.returncode != 0:
            why = "timed out" if done.timed_out else f"exited {done.returncode}"
            return CheckResult(
                self.name, False, time.monotonic() - started,
                f"pylint's duplicate-code finder {why}", tail(done.output), [argv],
            )
        across = [
            d for d in parse_symilar(done.output)
            if any(_under(p.path, self.left) for p in d.places)
            and any(_under(p.path, self.right) for p in d.places)
        ]
        evidence = [
            f"{d.lines} lines: " + " == ".join(str(p) for p in sorted(d.places, key=lambda p: p.path))
            for d in across
        ]
        summary = (
            f"{len(across)} duplicated block(s) between {self.left}/ and {self.right}/"
            if across
            else f"no block of {self.min_lines}+ lines shared by {len(left)} file(s) in "
            f"{self.left}/ and {len(right)} in {self.right}/"
        )
        return CheckResult(self.name, not across, time.monotonic() - started, summary, evidence, [argv])


def _interpreter_for(ctx: CheckContext, files: list[str]) -> tuple[str, dict[str, str]]:
    """The migrator's interpreter; the app's (with the migrator's pylint on `PYTHONPATH`)
    when a file does not parse with the migrator's Python but may with the app's."""
    app_python = ctx.environment.python
    if Path(app_python).resolve() == Path(sys.executable).resolve():
        return sys.executable, {}
    for path in files:
        try:
            ast.parse((ctx.root / path).read_bytes(), filename=path)
        except SyntaxError:
            return app_python, {"PYTHONPATH": _pylint_site()}
    return sys.executable, {}


def _pylint_site() -> str:
    """The folder holding the migrator's pylint (and astroid, beside it)."""
    spec = importlib.util.find_spec("pylint")
    assert spec is not None and spec.origin is not None, "pylint is a dependency of the migrator"
    return str(Path(spec.origin).resolve().parent.parent)
