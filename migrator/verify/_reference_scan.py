"""The AST scan behind the `references` check and the `delete` step (see `references`).

A standalone module (standard library only): the migrator imports it, and runs it as a
script in the app's interpreter for files the migrator's own Python cannot parse (an app
on a newer Python uses syntax an older `ast` does not know, such as PEP 695 generics).
As a script it reads one JSON object from stdin,

    {"modules": ["app.x"], "files": [["app/y.py", "app", "/abs/app/y.py"], ...]}

(each file: its target-relative path, its package, where to read it), and prints one
line, MARKER + JSON: {"found": [mention...], "ignored": [mention...],
"unparsable": ["path:line: message"]}, each mention [path, line, how, text, module].
"""

from __future__ import annotations

import ast
import json
import re
import sys
from typing import NamedTuple

MARKER = "REFERENCE-SCAN "
DOTTED_VALUE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?")
"""A whole string value that can name a module: `a.b.c` or `a.b:attr`."""
DOTTED_LEAD = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[.:]")
"""The literal start of an f-string that continues a dotted name: `a.b.` in `f"a.b.{x}"`."""
SHOWN = 80


class Mention(NamedTuple):
    path: str
    line: int
    how: str
    """`import`, `attribute` or `string`; for ignored mentions `docstring` or `prose`."""
    text: str
    module: str
    """The module it names."""


def names_module(dotted: str, module: str) -> bool:
    """True when `dotted` is `module` or something inside it, on whole segments."""
    return dotted == module or dotted.startswith(module + ".")


def scan_source(path: str, package: str, source: bytes,
                modules: list[str]) -> tuple[list[Mention], list[Mention]]:
    """The references in one file and its ignored mentions; SyntaxError if it does not parse."""
    tree = ast.parse(source, filename=path)
    scanner = FileScanner(path, package, modules, tree)
    scanner.visit(tree)
    return scanner.found, scanner.ignored


class FileScanner(ast.NodeVisitor):
    def __init__(self, path: str, package: str, modules: list[str], tree: ast.AST) -> None:
        self.path = path
        self.modules = modules
        self.package = package
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
        self.found: list[Mention] = []
        self.ignored: list[Mention] = []
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
                self.found.append(Mention(self.path, node.lineno, how, text, module))  # type: ignore[attr-defined]
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
            if DOTTED_VALUE.fullmatch(value) and self.report(node, "string", value):
                return
            self.mentions(node, value, "prose")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        parts = [str(p.value) if isinstance(p, ast.Constant) else "{...}" for p in node.values]
        text = "".join(parts)
        first = node.values[0] if node.values else None
        literal = str(first.value) if isinstance(first, ast.Constant) else ""
        if len(node.values) == 1 and DOTTED_VALUE.fullmatch(literal):
            counted = self.report(node, "string", literal)
        else:
            lead = DOTTED_LEAD.fullmatch(literal) if len(node.values) > 1 else None
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
                shown = text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."
                self.ignored.append(Mention(self.path, node.lineno, how, shown, module))
                return


def main() -> None:
    request = json.load(sys.stdin)
    found: list[Mention] = []
    ignored: list[Mention] = []
    unparsable: list[str] = []
    for path, package, location in request["files"]:
        with open(location, "rb") as source:
            try:
                references, mentions = scan_source(path, package, source.read(), request["modules"])
            except SyntaxError as exc:
                unparsable.append(f"{path}:{exc.lineno or 1}: {exc.msg}")
                continue
        found += references
        ignored += mentions
    print(MARKER + json.dumps({"found": found, "ignored": ignored, "unparsable": unparsable}))


if __name__ == "__main__":
    main()
