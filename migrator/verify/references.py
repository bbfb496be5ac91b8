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
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import field_validator

from migrator.codemods.base import module_name_for
from migrator.codemods.runner import list_python_files
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import register_check

_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_DOTTED_VALUE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?")
"""A whole string value that can name a module: `a.b.c` or `a.b:attr`."""
_DOTTED_LEAD = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[.:]")
"""The literal start of an f-string that continues a dotted name: `a.b.` in `f"a.b.{x}"`."""
_SHOWN = 80


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


def names_module(dotted: str, module: str) -> bool:
    """True when `dotted` is `module` or something inside it, on whole segments."""
    return dotted == module or dotted.startswith(module + ".")


def _package_of(path: str) -> str:
    file = module_name_for(path)
    return file.module if file.is_package else file.module.rpartition(".")[0]


class _FileScanner(ast.NodeVisitor):
    def __init__(self, path: str, modules: list[str], tree: ast.AST) -> None:
        self.path = path
        self.modules = modules
        self.package = _package_of(path)
        self.bound: dict[str, str] = {}
        """local name -> module it was bound to by an import statement (anywhere in the file)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bound[alias.asname] = alias.name
                    else:
                        self.bound[alias.name.partition(".")[0]] = alias.name.partition(".")[0]
            elif isinstance(node, ast.ImportFrom):
                base = self.from_base(node)
                for alias in node.names:
                    if alias.name != "*":
                        full = f"{base}.{alias.name}" if base else alias.name
                        self.bound[alias.asname or alias.name] = full
        self.found: list[Reference] = []
        self.ignored: list[Reference] = []
        self.docstrings = {
            id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
        }
        self.patterns = [
            (m, re.compile(r"(?<![\w.])" + re.escape(m) + r"(?!\w)")) for m in modules
        ]

    def report(self, node: ast.AST, how: str, text: str, dotted: str | None = None) -> bool:
        """Record a reference when `dotted` (default: `text` up to a `:`) names a module."""
        name = dotted if dotted is not None else text.partition(":")[0]
        for module in self.modules:
            if names_module(name, module):
                self.found.append(Reference(self.path, node.lineno, how, text, module))  # type: ignore[attr-defined]
                return True
        return False

    def from_base(self, node: ast.ImportFrom) -> str:
        """The absolute module a from-import reads from (relative ones resolved)."""
        base = node.module or ""
        if node.level:
            parts = self.package.split(".") if self.package else []
            anchor = ".".join(parts[: max(len(parts) - (node.level - 1), 0)])
            base = ".".join(p for p in (anchor, base) if p)
        return base

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.report(node, "import", alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.from_base(node)
        if self.report(node, "import", base):
            return
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            if alias.name != "*" and self.report(node, "import", full):
                return

    def visit_Attribute(self, node: ast.Attribute) -> None:
        parts: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id in self.bound:
            dotted = ".".join([self.bound[current.id], *reversed(parts)])
            if self.report(node, "attribute", dotted):
                return
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        """A string standing as a statement is a docstring or prose, never a value."""
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            how = "docstring" if id(node.value) in self.docstrings else "prose"
            self.mentions(node.value, node.value.value, how)
            return
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            value = node.value
            if _DOTTED_VALUE.fullmatch(value) and self.report(node, "string", value):
                return
            self.mentions(node, value, "prose")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        parts = [str(p.value) if isinstance(p, ast.Constant) else "{...}" for p in node.values]
        text = "".join(parts)
        first = node.values[0] if node.values else None
        literal = str(first.value) if isinstance(first, ast.Constant) else ""
        if len(node.values) == 1 and _DOTTED_VALUE.fullmatch(literal):
            counted = self.report(node, "string", literal)
        else:
            lead = _DOTTED_LEAD.fullmatch(literal) if len(node.values) > 1 else None
            counted = lead is not None and self.report(node, "string", text, lead.group(1))
        if not counted:
            self.mentions(node, text, "prose")
        for value in node.values:  # attribute chains inside the placeholders still count
            if isinstance(value, ast.FormattedValue):
                self.visit(value)

    def mentions(self, node: ast.expr, text: str, how: str) -> None:
        """Record prose that mentions a module (ignored, but listed)."""
        for module, pattern in self.patterns:
            if pattern.search(text):
                shown = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
                self.ignored.append(Reference(self.path, node.lineno, how, shown, module))
                return


def _inside_any(path: str, excluded: Collection[str]) -> bool:
    return any(path == e or path.startswith(e.rstrip("/") + "/") for e in excluded)


def find_references(
    root: Path, modules: Iterable[str], *, exclude: Collection[str] = ()
) -> ReferenceScan:
    """Every import, attribute chain or string under `root` that names one of `modules`.

    `exclude` lists target-relative files or folders not to scan (what a delete removes).
    """
    wanted = sorted(set(modules))
    scan = ReferenceScan()
    if not wanted:
        return scan
    # a reference spells the module's last segment somewhere in the file's text
    needles = {m.rpartition(".")[2] for m in wanted}
    for path in list_python_files(root):
        if _inside_any(path, exclude):
            continue
        scan.files_scanned += 1
        source = (root / path).read_bytes()
        if not any(n.encode() in source for n in needles):
            continue
        try:
            tree = ast.parse(source, filename=path)
        except SyntaxError as exc:
            scan.unparsable.append(f"{path}:{exc.lineno or 1}: {exc.msg}")
            continue
        scanner = _FileScanner(path, wanted, tree)
        scanner.visit(tree)
        scan.references.extend(scanner.found)
        scan.ignored.extend(scanner.ignored)
    scan.references.sort(key=lambda r: (r.path, r.line))
    scan.ignored.sort(key=lambda r: (r.path, r.line))
    return scan


@register_check
class ReferencesCheck(CheckModel):
    """No import, attribute chain or dotted string names any of `modules`."""

    kind: ClassVar[str] = "references"
    shorthand: ClassVar[str] = "modules"
    modules: list[str]

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
        scan = find_references(ctx.root, self.modules)
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
