"""Find code and strings that still name given modules; the `references` check.

One scanner serves both this check and the `delete` step's refusal. It reads every
Python file git lists (tracked, and untracked but not ignored) and reports, with file
and line:

- imports of the module or below it (`import a.b`, `from a.b import x`,
  `from a import b`, relative imports resolved against the file's package);
- attribute chains rooted at an imported name (`import a` then `a.b.x`);
- strings naming the module on whole dotted segments (`"a.b.x"` names `a.b`,
  `"a.bc"` does not), as in `mock.patch` targets and `importlib` calls.
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


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    how: str
    """`import`, `attribute` or `string`."""
    text: str
    module: str
    """The module it names."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.how} {self.text!r} names {self.module}"


@dataclass
class ReferenceScan:
    references: list[Reference] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    """`path:line: message` for files that do not parse (they could hide references)."""
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
        self.patterns = [
            (m, re.compile(r"(?<![\w.])" + re.escape(m) + r"(?!\w)")) for m in modules
        ]

    def report(self, node: ast.AST, how: str, text: str) -> bool:
        for module in self.modules:
            if names_module(text, module):
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

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for module, pattern in self.patterns:
                if pattern.search(node.value):
                    text = node.value if len(node.value) <= 80 else node.value[:77] + "..."
                    self.found.append(Reference(self.path, node.lineno, "string", text, module))
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
    scan.references.sort(key=lambda r: (r.path, r.line))
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
            summary = f"no references in {scan.files_scanned} Python files"
        return CheckResult(
            name=self.name,
            passed=not problems,
            seconds=time.monotonic() - started,
            summary=summary,
            evidence=problems,
        )
