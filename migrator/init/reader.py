"""Reading one module's source with `ast` into a `ModuleIndex` (nothing is imported).

Public top-level definitions (classes with their members and signatures, functions with
their signatures and routes, blueprints, constants, aliases, `__all__`), imports resolved
to absolute dotted names, the calls functions make to imported names, blueprint
registrations, dotted strings (patch targets) and the URLs test clients request.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator, Sequence

from migrator.codemods.base import module_name_for
from migrator.init.definitions import (
    BlueprintInfo,
    Call,
    ClassInfo,
    FunctionInfo,
    Member,
    ModuleIndex,
    Param,
    Registration,
    Request,
    Route,
    Signature,
)

CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\Z")
DOTTED_STRING = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z")
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def _annotation(node: ast.expr | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip()  # "S3Client" and S3Client are the same annotation
    return ast.unparse(node).replace("'", "").replace('"', "")


def signature_of(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Signature:
    args = node.args
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    for i, arg in enumerate(positional):
        params.append(Param(arg.arg, "positional", _annotation(arg.annotation), i >= first_default))
    if args.vararg:
        params.append(Param(args.vararg.arg, "*", _annotation(args.vararg.annotation), False))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, "keyword", _annotation(arg.annotation), default is not None))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, "**", _annotation(args.kwarg.annotation), False))
    return Signature(tuple(params), _annotation(node.returns))


# -- reading one module ---------------------------------------------------------------------
class _Reader:
    def __init__(self, index: ModuleIndex, tree: ast.Module) -> None:
        self.index = index
        self.tree = tree
        self.texts = {
            target.id: stmt.value.value
            for stmt in tree.body if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
            for target in stmt.targets if isinstance(target, ast.Name)
        }
        """Module-level string constants (`DEFAULT_URL_PREFIX = "/api/sse"`)."""

    def read(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.index.imported_modules.add(alias.name)
                    local = alias.asname or alias.name.partition(".")[0]
                    self.index.imports[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom):
                base = self._from_module(node)
                if base is None:
                    continue
                self.index.imported_modules.add(base)
                for alias in node.names:
                    if alias.name != "*":
                        self.index.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
                        self.index.imported_modules.add(f"{base}.{alias.name}")
            elif isinstance(node, ast.Attribute):
                self.index.attributes.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if DOTTED_STRING.match(node.value):
                    self.index.strings.add(node.value)
            elif isinstance(node, ast.Call):
                self._call(node)
        for stmt in self.tree.body:
            self._top_level(stmt)

    def _from_module(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        package = self.index.module if self.index.is_package else self.index.module.rpartition(".")[0]
        parts = package.split(".") if package else []
        if node.level - 1 > len(parts):
            return None
        base = ".".join(parts[: len(parts) - (node.level - 1)])
        return ".".join(p for p in (base, node.module) if p) or None

    def resolve(self, expr: ast.expr) -> str | None:
        """The absolute dotted name `expr` stands for, through the module's imports."""
        dotted = _dotted(expr)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.index.imports:
            full = self.index.imports[head]
            return f"{full}.{rest}" if rest else full
        return dotted

    def _local(self, expr: ast.expr) -> str | None:
        """The absolute dotted name a module-level name or attribute chain refers to
        (a builtin such as `Exception` stays as it is)."""
        dotted = _dotted(expr)
        if dotted is None:
            return None
        head = dotted.partition(".")[0]
        if head in self.index.imports:
            return self.resolve(expr)
        if hasattr(builtins, head):
            return dotted
        return f"{self.index.module}.{dotted}"

    def _top_level(self, stmt: ast.stmt) -> None:
        index = self.index
        if isinstance(stmt, ast.ClassDef):
            index.names.add(stmt.name)
            index.classes[stmt.name] = ClassInfo(
                stmt.name, stmt.lineno, [self._local(b) or ast.unparse(b) for b in stmt.bases],
                _members(stmt),
            )
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            index.names.add(stmt.name)
            routes = [r for d in stmt.decorator_list if (r := _route(d)) is not None]
            index.functions[stmt.name] = FunctionInfo(stmt.name, stmt.lineno, signature_of(stmt), routes)
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    target = index.imports.get(node.func.id)
                    if target is not None:
                        args = ", ".join(ast.unparse(a) for a in [*node.args, *node.keywords])
                        index.calls.append(Call(stmt.name, target, args))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            index.names.update(names)
            value = stmt.value
            if value is None:
                return
            if "__all__" in names and isinstance(value, (ast.List, ast.Tuple)):
                index.exports = [e.value for e in value.elts
                                 if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                return
            if isinstance(value, (ast.Name, ast.Attribute)) and (target := self._local(value)):
                index.aliases.update({name: target for name in names})
            if isinstance(value, ast.Call) and (self.resolve(value.func) or "").endswith("Blueprint"):
                prefix = _keyword(value, "url_prefix", self.texts) or ""
                for name in names:
                    index.blueprints[name] = BlueprintInfo(name, prefix)
                return
            for name in names:
                if CONSTANT.match(name):
                    index.constants[name] = ast.unparse(value)
        elif isinstance(stmt, (ast.If, ast.Try)):
            for inner in _nested_statements(stmt):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    continue
                self._top_level(inner)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "register_blueprint" and node.args:
            receiver = _dotted(func.value) or ""
            blueprint = _dotted(node.args[0]) or ""
            self.index.registrations.append(
                Registration(receiver, blueprint, _keyword(node, "url_prefix", self.texts))
            )
            return
        method = func.attr.lower()
        if method not in (*HTTP_METHODS, "open") or not node.args:
            return
        path = _url_text(node.args[0])
        if path is None or not path.startswith("/"):
            return
        if method == "open":
            method = (_keyword(node, "method") or "GET").lower()
        self.index.requests.append(Request(method.upper(), path, node.lineno))


def _nested_statements(stmt: ast.If | ast.Try) -> Iterator[ast.stmt]:
    blocks: list[list[ast.stmt]] = [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.Try):
        blocks += [stmt.finalbody, *[h.body for h in stmt.handlers]]
    for block in blocks:
        yield from block


def _dotted(expr: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def _keyword(call: ast.Call, name: str, texts: dict[str, str] | None = None) -> str | None:
    """A keyword argument's string: a literal, or a module-level string constant's value."""
    for keyword in call.keywords:
        if keyword.arg != name:
            continue
        if isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            return value if isinstance(value, str) else None
        if isinstance(keyword.value, ast.Name) and texts is not None:
            return texts.get(keyword.value.id)
    return None


def _url_text(expr: ast.expr) -> str | None:
    """A literal URL, or an f-string's with each placeholder as `*`."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "*"
            for part in expr.values
        )
    return None


def _route(decorator: ast.expr) -> Route | None:
    """`@bp.route("/x", methods=[...])` or `@bp.get("/x")`."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    verb = decorator.func.attr
    if verb != "route" and verb not in HTTP_METHODS:
        return None
    if not decorator.args or not isinstance(decorator.args[0], ast.Constant):
        return None
    rule = decorator.args[0].value
    if not isinstance(rule, str):
        return None
    methods: tuple[str, ...] = (verb.upper(),) if verb != "route" else ("GET",)
    for keyword in decorator.keywords:
        if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            methods = tuple(
                str(e.value).upper() for e in keyword.value.elts if isinstance(e, ast.Constant)
            )
    return Route(_dotted(decorator.func.value) or "", rule, tuple(sorted(methods)))


def _members(node: ast.ClassDef) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {_dotted(d) for d in stmt.decorator_list}
            kind = "property" if decorators & {"property", "cached_property", "functools.cached_property"} else "method"
            members.setdefault(stmt.name, Member(stmt.name, kind, signature_of(stmt)))
        elif isinstance(stmt, ast.ClassDef):
            members.setdefault(stmt.name, Member(stmt.name, "class"))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            value = ast.unparse(stmt.value) if stmt.value is not None else ""
            members[stmt.target.id] = Member(stmt.target.id, "field", None, _annotation(stmt.annotation), value)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    members[target.id] = Member(target.id, "field", None, "", ast.unparse(stmt.value))
    return members


def index_source(source: str, path: str, roots: Sequence[str] = ()) -> ModuleIndex | None:
    """Index one module's source; None when it does not parse (`roots`: the tree's source
    roots, see `migrator.codemods.source_roots`)."""
    described = module_name_for(path, roots)
    index = ModuleIndex(described.module, path, described.is_package)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return None
    _Reader(index, tree).read()
    return index


