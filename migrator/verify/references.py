"""Find code and strings that still name given modules; the `references` check.

One scanner serves both this check and the `delete` step's refusal. It reads every
Python file git lists (tracked, and untracked but not ignored) and reports, with file
and line:

- imports of the module or below it (`import a.b`, `from a.b import x`,
  `from a import b`, relative imports resolved against the file's package);
- attribute chains rooted at an imported name (`import a` then `a.b.x`);
- strings whose whole value is a dotted name of the module or inside it (`"a.b.x"` names
  `a.b`, `"a.bc"` does not), or `module:attribute` (entry points, app strings), as in
  `mock.patch` targets and `importlib` calls; an f-string counts when it is one without
  placeholders or its leading text is such a name followed by `.`/`:` (`f"a.b.{name}"`).

Prose is not a reference: docstrings, bare string statements and strings that only mention
the module among other words (`"set app.container = container"`) are listed as ignored, so
a user sees what was not counted.

The scan parses with the migrator's Python; files that use syntax only a newer Python
knows (an app on 3.13, the migrator on 3.11) are scanned by the app's interpreter with the
same scanner (`_reference_scan`, run as a script).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator

from migrator.codemods.base import module_name_for
from migrator.codemods.runner import list_python_files
from migrator.codemods.source_roots import source_roots
from migrator.verify._reference_scan import MARKER, scan_source
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import register_check

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
SCANNER = Path(__file__).with_name("_reference_scan.py")
"""The scanner as a script, for the app's interpreter."""


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    how: str
    """`import`, `attribute` or `string`; for ignored mentions `docstring` or `prose`."""
    text: str
    module: str
    """The module it names."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.how} {self.text!r} names {self.module}"

    def ignored(self) -> str:
        """How an ignored mention is listed."""
        return (f"ignored {self.path}:{self.line}: {self.how} {self.text!r} mentions "
                f"{self.module} (not a whole dotted value)")


@dataclass
class ReferenceScan:
    references: list[Reference] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    """`path:line: message` for files that do not parse (they could hide references)."""
    ignored: list[Reference] = field(default_factory=list)
    """Docstrings and prose that mention a module without naming it as a whole value."""
    files_scanned: int = 0


def _package_of(path: str, roots: Sequence[str] = ()) -> str:
    file = module_name_for(path, roots)
    return file.module if file.is_package else file.module.rpartition(".")[0]


def _inside_any(path: str, excluded: Collection[str]) -> bool:
    return any(path == e or path.startswith(e.rstrip("/") + "/") for e in excluded)


def find_references(
    root: Path, modules: Iterable[str], *, exclude: Collection[str] = (),
    python: str | None = None,
) -> ReferenceScan:
    """Every import, attribute chain or string under `root` that names one of `modules`.

    `exclude` lists target-relative files or folders not to scan (what a delete removes).
    `python` is the app's interpreter: files the migrator's Python cannot parse (syntax
    of a newer Python) are scanned there; without it they are listed as unparsable.
    """
    wanted = sorted(set(modules))
    scan = ReferenceScan()
    if not wanted:
        return scan
    # a reference spells the module's last segment somewhere in the file's text
    needles = {m.rpartition(".")[2] for m in wanted}
    roots = source_roots(root)
    newer_syntax: list[tuple[str, str]] = []
    for path in list_python_files(root):
        if _inside_any(path, exclude):
            continue
        scan.files_scanned += 1
        source = (root / path).read_bytes()
        if not any(n.encode() in source for n in needles):
            continue
        try:
            found, ignored = scan_source(path, _package_of(path, roots), source, wanted)
        except SyntaxError as exc:
            if python is None or Path(python).resolve() == Path(sys.executable).resolve():
                scan.unparsable.append(f"{path}:{exc.lineno or 1}: {exc.msg}")
            else:
                newer_syntax.append((path, f"{exc.lineno or 1}: {exc.msg}"))
            continue
        scan.references.extend(Reference(*m) for m in found)
        scan.ignored.extend(Reference(*m) for m in ignored)
    if newer_syntax and python is not None:
        _scan_in_app_interpreter(root, wanted, [p for p, _ in newer_syntax], python, scan)
    scan.references.sort(key=lambda r: (r.path, r.line))
    scan.ignored.sort(key=lambda r: (r.path, r.line))
    return scan


def _scan_in_app_interpreter(root: Path, modules: list[str], paths: list[str], python: str,
                             scan: ReferenceScan) -> None:
    """Scan `paths` with `python` (its `ast`), adding what it finds to `scan`."""
    request = {"modules": modules,
               "files": [[p, _package_of(p, source_roots(root)), str(root / p)] for p in paths]}
    try:
        done = subprocess.run([python, str(SCANNER)], input=json.dumps(request), cwd=root,
                              capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        scan.unparsable += [f"{p}:1: cannot scan with {python}: {exc}" for p in paths]
        return
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        scan.unparsable += [f"{p}:1: cannot scan with {python}: {why}" for p in paths]
        return
    result = json.loads(lines[-1].removeprefix(MARKER))
    scan.references.extend(Reference(*m) for m in result["found"])
    scan.ignored.extend(Reference(*m) for m in result["ignored"])
    scan.unparsable.extend(result["unparsable"])


@register_check
class ReferencesCheck(CheckModel):
    """No import, attribute chain or dotted string names any of `modules`."""

    kind: ClassVar[str] = "references"
    shorthand: ClassVar[str] = "modules"
    modules: list[str] = Field(json_schema_extra={"minItems": 1})  # the schema refuses [] too

    @field_validator("modules")
    @classmethod
    def _dotted(cls, modules: list[str]) -> list[str]:
        for module in modules:
            if not _DOTTED.match(module):
                raise ValueError(f"{module!r} is not a dotted module name like app.services.x")
        if not modules:
            raise ValueError("list at least one module")
        return modules

    def describe(self) -> str:
        return "no references to " + ", ".join(self.modules)

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()
        scan = find_references(ctx.root, self.modules, python=ctx.environment.python)
        problems = [str(r) for r in scan.references] + [
            f"{u} (cannot be checked)" for u in scan.unparsable
        ]
        if problems:
            summary = (
                f"{len(scan.references)} reference(s) to {', '.join(self.modules)}"
                + (f", {len(scan.unparsable)} file(s) do not parse" if scan.unparsable else "")
            )
        else:
            summary = f"no references in {scan.files_scanned} Python files" + (
                f" ({len(scan.ignored)} mention(s) in docstrings or prose ignored)"
                if scan.ignored else "")
        return CheckResult(
            name=self.name,
            passed=not problems,
            seconds=time.monotonic() - started,
            summary=summary,
            evidence=problems + [r.ignored() for r in scan.ignored],
        )
