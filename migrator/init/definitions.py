"""What `init` knows about a module: its definitions, imports, calls and test requests.

Plain data, filled by `migrator.init.reader` from a module's `ast` and shared by every
step of the inference (matching, rebases, deletes, checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


