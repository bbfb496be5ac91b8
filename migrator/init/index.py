"""What a tree of Python modules defines and uses, read with `ast` (nothing is imported).

One `ModuleIndex` per file: its public top-level definitions (classes with their members
and signatures, functions with their signatures and routes, blueprints, constants), its
imports resolved to absolute dotted names, the calls its functions make to imported names,
and, for tests, the dotted strings (patch targets) and the URLs a test client requests.
`index_tree` indexes a folder; both the app and the rendered template go through it.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from migrator.codemods.base import module_name_for

CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\Z")
DOTTED_STRING = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z")
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}


# -- signatures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    """`positional`, `keyword` (keyword-only), `*` or `**`."""
    annotation: str
    has_default: bool


@dataclass(frozen=True)
class Signature:
    params: tuple[Param, ...]
    returns: str

    def text(self) -> str:
        parts = []
        for p in self.params:
            prefix = {"*": "*", "**": "**"}.get(p.kind, "")
            part = prefix + p.name + (f": {p.annotation}" if p.annotation else "")
            parts.append(part + (" = ..." if p.has_default else ""))
        return f"({', '.join(parts)})" + (f" -> {self.returns}" if self.returns else "")

    def shape(self) -> tuple[tuple[str, str, bool], ...]:
        """Parameter names, kinds and defaults, without annotations."""
        return tuple((p.name, p.kind, p.has_default) for p in self.params)


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


# -- definitions --------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One class-body member: a method, property, field or nested class."""

    name: str
    kind: str
    """`method`, `property`, `field` or `class`."""
    signature: Signature | None = None
    annotation: str = ""
    value: str = ""
    """The assigned value's source (fields)."""

    def describe(self) -> str:
        if self.signature is not None:
            return self.signature.text()
        text = self.annotation + (f" = {self.value}" if self.value else "")
        return text or self.kind


@dataclass(frozen=True)
class Route:
    blueprint: str
    """The local name of the blueprint (or app) the route decorator hangs on."""
    rule: str
    methods: tuple[str, ...]


@dataclass
class ClassInfo:
    name: str
    line: int
    bases: list[str]
    """Each base as an absolute dotted name where an import says so, else as written."""
    members: dict[str, Member]

    def public_members(self) -> dict[str, Member]:
        return {n: m for n, m in self.members.items() if is_public(n) or n == "__init__"}


@dataclass
class FunctionInfo:
    name: str
    line: int
    signature: Signature
    routes: list[Route] = field(default_factory=list)


@dataclass
class BlueprintInfo:
    name: str
    url_prefix: str


@dataclass(frozen=True)
class Call:
    """A call in a function body to a name the module imports (`register_error_handlers(app)`)."""

    function: str
    """The enclosing top-level function."""
    target: str
    """The callee's absolute dotted name."""
    args: str
    """The argument list's source, for pairing calls made in the same place."""


@dataclass(frozen=True)
class Registration:
    receiver: str
    blueprint: str
    url_prefix: str | None


@dataclass(frozen=True)
class Request:
    """A test client request: `client.post("/api/sse/callback", ...)`."""

    method: str
    path: str
    line: int


@dataclass
class ModuleIndex:
    module: str
    path: str
    """Relative to the indexed root, posix."""
    is_package: bool
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    blueprints: dict[str, BlueprintInfo] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    """Name -> value source."""
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> absolute dotted name, for every module-level and nested import."""
    imported_modules: set[str] = field(default_factory=set)
    """Every module an import statement names (`from a.b import c` names a.b and maybe a.b.c)."""
    strings: set[str] = field(default_factory=set)
    """Whole-string dotted names (patch targets, importlib calls)."""
    requests: list[Request] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    attributes: set[str] = field(default_factory=set)
    """Every attribute name read anywhere (`x.compute_hash` gives compute_hash)."""
    names: set[str] = field(default_factory=set)
    """Every module-level name bound (public or not)."""
    aliases: dict[str, str] = field(default_factory=dict)
    """`Alias = Name` at module level: alias -> the absolute dotted name it stands for."""
    exports: list[str] = field(default_factory=list)
    """`__all__`, when the module declares it."""

    def public_api(self) -> dict[str, ClassInfo | FunctionInfo | BlueprintInfo | str]:
        api: dict[str, ClassInfo | FunctionInfo | BlueprintInfo | str] = {}
        api.update({n: c for n, c in self.classes.items() if is_public(n)})
        api.update({n: f for n, f in self.functions.items() if is_public(n)})
        api.update(self.blueprints)
        api.update({n: v for n, v in self.constants.items() if n not in self.blueprints})
        return api

    @property
    def stem(self) -> str:
        return self.module.rpartition(".")[2]


def is_public(name: str) -> bool:
    return not name.startswith("_")


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


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


def index_source(source: str, path: str) -> ModuleIndex | None:
    """Index one module's source; None when it does not parse."""
    described = module_name_for(path)
    index = ModuleIndex(described.module, path, described.is_package)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return None
    _Reader(index, tree).read()
    return index


# -- reading a tree -------------------------------------------------------------------------
def python_files(root: Path) -> list[str]:
    """The `.py` files below root, relative and posix: git's list when root is in a work
    tree (tracked and untracked but not ignored), else a walk that skips hidden folders,
    virtual environments and caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=root, capture_output=True, check=False,
    )
    if listed.returncode == 0:
        paths = {p for p in listed.stdout.decode("utf-8", "replace").split("\0") if p}
        return sorted(p for p in paths if (root / p).is_file() and _importable(p))
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in _SKIPPED_DIRS and not (here / d / "pyvenv.cfg").exists()
        )
        for name in filenames:
            rel = (here / name).relative_to(root).as_posix()
            if name.endswith(".py") and _importable(rel):
                found.append(rel)
    return sorted(found)


def _importable(path: str) -> bool:
    """Every segment is an identifier (alembic/versions/0001_x.py is not a module)."""
    parts = path[: -len(".py")].split("/")
    return all(p.isidentifier() for p in parts)


def index_tree(root: Path, paths: Iterable[str] | None = None) -> dict[str, ModuleIndex]:
    """Module name -> index, for every Python file below root that parses, with the names
    each module re-exports or aliases materialised as its own (see `follow_reexports`)."""
    modules: dict[str, ModuleIndex] = {}
    for rel in python_files(root) if paths is None else paths:
        try:
            source = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        index = index_source(source, rel)
        if index is not None:
            modules[index.module] = index
    follow_reexports(modules)
    return modules


def follow_reexports(modules: dict[str, ModuleIndex], rounds: int = 5) -> None:
    """Give each module the definitions it exposes under its own names: aliases
    (`ShutdownCoordinator = LifecycleCoordinator`) and names in `__all__` it imports from
    another module of the tree. Chains are followed `rounds` deep."""
    for _ in range(rounds):
        changed = False
        for index in modules.values():
            wanted = dict(index.aliases)
            wanted.update({n: index.imports[n] for n in index.exports if n in index.imports})
            for name, target in wanted.items():
                owner = modules.get(target.rpartition(".")[0])
                changed |= owner is not None and _adopt(index, name, owner, target.rpartition(".")[2])
        if not changed:
            return


def _adopt(index: ModuleIndex, name: str, owner: ModuleIndex, attr: str) -> bool:
    if name in index.classes or name in index.functions or name in index.blueprints:
        return False
    if attr in owner.classes:
        index.classes[name] = replace(owner.classes[attr], name=name)
    elif attr in owner.functions and not owner.functions[attr].routes:  # a view stays where it is served
        index.functions[name] = replace(owner.functions[attr], name=name)
    elif attr in owner.blueprints:
        index.blueprints[name] = owner.blueprints[attr]
    else:
        return False
    return True
