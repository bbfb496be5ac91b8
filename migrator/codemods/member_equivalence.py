"""Which members of a class its new bases already define the same way (what `rebase` may drop).

`compare_members` sets a class beside the classes it will inherit from and gives each
member both define a verdict: dropped because the base's is equivalent, kept because it
differs (with both values), or kept or dropped because the plan says so (`keep:`/`drop:`).

Equivalent means the same code once names are resolved: a field's annotation and
default, an assignment's value, a provider's call (dependency-injector's, annotated or
not), a method's signature, decorators and body (docstrings and formatting aside), where
every name stands for what it refers to:

- a name imported or defined at module level is its origin (`S3Service` imported from
  `app.services.s3_service` is not the `S3Service` of `common.storage.s3_service`);
- a class-body name read by another member (`connection_manager=connection_manager`) is
  that member, and so is a reference through a base (`CommonContainer.config`).

A member that reads another member is only equivalent while both sides read the same
provider: when the class keeps its own `metrics_service`, the base's `connection_manager`
(built from the base's `metrics_service`) is not the class's, so the class keeps its
`connection_manager` too, and then its `task_service`. This is what keeps a container's
wiring intact through `rebase`: every member it drops is, in the subclass, the very
object the base defines (dependency-injector binds providers to the objects they name
when the class body runs, and a base such as the template's `CommonContainer` rebuilds,
for a subclass, the providers that depend on one it re-declares), so the class body's
references to it may go through the base.
"""

from __future__ import annotations

import ast
import builtins
import copy
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from migrator.codemods.base import SourceFile
from migrator.codemods.class_members import ClassSource
from migrator.codemods.import_resolution import ast_import_from_module

PROVIDERS_PACKAGE = "dependency_injector."
"""Calls into this package make providers, compared by their call alone."""


class Verdict(str, Enum):
    DROPPED_EQUIVALENT = "dropped (equivalent)"
    KEPT_DIFFERS = "kept (differs)"
    KEPT_FORCED = "kept (keep:)"
    DROPPED_FORCED = "dropped (drop:)"


@dataclass(frozen=True)
class MemberVerdict:
    """What becomes of one member of the class."""

    name: str
    verdict: Verdict
    value: str
    """The class's own definition, as normalised code (`providers.Factory(S3Service, settings=config)`)."""
    base_value: str | None
    """The base's definition, None when no base defines the member (a forced drop)."""
    owner: str | None
    """Dotted class among the bases that defines it (`common.core.container.CommonContainer`)."""
    reason: str = ""
    """Why, when it is not plain equality: `reads metrics_service, which AppContainer re-declares`."""
    reads_redeclared: tuple[str, ...] = ()
    """Members the class re-declares that the base's definition reads, directly or not."""

    @property
    def dropped(self) -> bool:
        return self.verdict in (Verdict.DROPPED_EQUIVALENT, Verdict.DROPPED_FORCED)

    def describe(self, class_name: str) -> str:
        """One line for the step report."""
        owner = self.owner.rpartition(".")[2] if self.owner else None
        head = f"{class_name}.{self.name}: {'dropped' if self.dropped else 'kept'}"
        values = _values(self.value, self.base_value, owner)
        if self.verdict is Verdict.DROPPED_EQUIVALENT:
            return f"{head} (equivalent to {owner}'s)"
        if self.verdict is Verdict.KEPT_DIFFERS:
            return f"{head} ({self.reason or 'differs'}): {values}"
        forced = "keep:" if self.verdict is Verdict.KEPT_FORCED else "drop:"
        if owner is None:
            return f"{head} ({forced}; no base defines it)"
        if self.reason == "equivalent":
            return f"{head} ({forced}; equivalent to {owner}'s)"
        return f"{head} ({forced}; differs): {values}"


def compare_members(
    cls: ClassSource,
    bases: Sequence[ClassSource],
    *,
    keep: Iterable[str] = (),
    drop: Iterable[str] = (),
    drop_equivalent: bool = True,
) -> list[MemberVerdict]:
    """A verdict for each member of `cls` that a class in `bases` defines, or that `drop` names.

    `bases` are the classes `cls` will inherit from and their own bases, in lookup order
    (the first that defines a member owns it); see `class_members.class_chain`. With
    `drop_equivalent=False` nothing is dropped but what `drop` names, and only the
    members `keep` or `drop` name get a verdict. Raises ValueError when a source does
    not parse or does not define its class.
    """
    own = _ClassMembers.of(cls, bases)
    inherited = _inherited(bases)
    keep_set, drop_set = set(keep), set(drop)
    shared = [n for n in own.members if n in inherited]
    listed = [n for n in own.members if n in inherited or n in drop_set]
    if not drop_equivalent:
        listed = [n for n in listed if n in keep_set or n in drop_set]

    equal = {
        n
        for n in shared
        if own.members[n].key == inherited[n].key and not own.members[n].calls_super
    }
    auto = (equal - keep_set - drop_set) if drop_equivalent else set()
    dropped = auto | (drop_set & set(own.members))
    closure = _closures({n: m.reads for n, m in inherited.items()})
    while True:
        redeclared = set(shared) - dropped
        stale = {n for n in auto & dropped if closure[n] & redeclared}
        if not stale:
            break
        dropped -= stale

    redeclared = set(shared) - dropped
    verdicts = []
    for name in listed:
        mine = own.members[name]
        theirs = inherited.get(name)
        reads = tuple(sorted(closure.get(name, set()) & redeclared))
        reason = ""
        if name in drop_set:
            verdict = Verdict.DROPPED_FORCED
        elif name in keep_set:
            verdict = Verdict.KEPT_FORCED
        elif name in dropped:
            verdict = Verdict.DROPPED_EQUIVALENT
        else:
            verdict = Verdict.KEPT_DIFFERS
            if mine.calls_super:
                reason = "calls super()"
            elif name in equal and reads:
                reason = f"reads {', '.join(reads)}, which {cls.name} re-declares"
        if verdict in (Verdict.KEPT_FORCED, Verdict.DROPPED_FORCED) and theirs is not None:
            reason = "equivalent" if name in equal else "differs"
        verdicts.append(
            MemberVerdict(
                name=name,
                verdict=verdict,
                value=mine.value,
                base_value=theirs.value if theirs else None,
                owner=theirs.owner if theirs else None,
                reason=reason,
                reads_redeclared=reads,
            )
        )
    return verdicts


def base_reads(bases: Sequence[ClassSource]) -> dict[str, set[str]]:
    """Member -> every member of the bases its definition there reads, directly or not."""
    return _closures({n: m.reads for n, m in _inherited(bases).items()})


def _inherited(bases: Sequence[ClassSource]) -> dict[str, _Member]:
    """Member -> its definition in the first of `bases` that defines it."""
    inherited: dict[str, _Member] = {}
    for base in bases:
        for name, member in _ClassMembers.of(base, bases).members.items():
            inherited.setdefault(name, member)
    return inherited


def _closures(reads: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for start, direct in reads.items():
        seen: set[str] = set()
        stack = list(direct)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(reads.get(name, ()))
        out[start] = seen
    return out


def _values(value: str, base_value: str | None, owner: str | None) -> str:
    """Both definitions for the report; a method whose first lines agree, by its body."""
    here, there = _short(value), _short(base_value)
    if here == there and base_value is not None and value.strip() != base_value.strip():
        return f"{here} here and in {owner}, with another body"
    return f"{here} here, {there} in {owner}"


def _short(value: str | None) -> str:
    """The value on one line: a multi-line one (a method) by its first line."""
    if value is None:
        return "nothing"
    lines = value.strip().splitlines() or [""]
    return f"`{lines[0]}{' ...' if len(lines) > 1 else ''}`"


# -- one class's members, normalised --------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    key: str
    """The normalised code: equal keys, equivalent members."""
    value: str
    reads: set[str]
    """Members of the class (or, through a base, of its bases) the class-body code reads."""
    calls_super: bool
    owner: str


@dataclass(frozen=True)
class _ClassMembers:
    members: dict[str, _Member]

    @classmethod
    def of(cls, source: ClassSource, chain: Sequence[ClassSource]) -> _ClassMembers:
        tree = _parse(source)
        node = next(
            (s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == source.name),
            None,
        )
        if node is None:
            raise ValueError(f"{source.module} defines no class {source.name}")
        names = _ModuleNames.of(tree, source)
        through = frozenset(c.dotted for c in chain)
        members: dict[str, _Member] = {}
        defined: set[str] = set()
        for stmt in node.body:
            targets = _defines(stmt)
            if not targets:
                continue
            norm = _Normaliser(names, frozenset(defined), through)
            key, value = _key_and_value(stmt, norm)
            member = _Member(
                key=key,
                value=value,
                reads=set(norm.members_read),
                calls_super=isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
                and _calls_super(stmt),
                owner=source.dotted,
            )
            for name in targets:
                members[name] = member
            defined.update(targets)
        return cls(members)


def _parse(source: ClassSource) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source.source)
        except (SyntaxError, ValueError) as exc:
            raise ValueError(f"{source.module} does not parse: {exc}") from exc


def _defines(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def _key_and_value(stmt: ast.stmt, norm: _Normaliser) -> tuple[str, str]:
    if isinstance(stmt, ast.Assign) or (
        isinstance(stmt, ast.AnnAssign) and _is_provider(stmt.value, norm.names)
    ):
        # a provider is its call: an annotation on it only informs type checkers
        assert stmt.value is not None
        return ast.dump(norm.class_scope(stmt.value)), ast.unparse(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        parts = [stmt.annotation] + ([stmt.value] if stmt.value is not None else [])
        key = " = ".join(ast.dump(norm.class_scope(p)) for p in parts)
        return "field " + key, " = ".join(ast.unparse(p) for p in parts)
    assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    bare = _without_docstrings(stmt)
    return ast.dump(norm.definition(bare)), ast.unparse(bare)


def _is_provider(value: ast.expr | None, names: _ModuleNames) -> bool:
    """Whether `value` calls something of dependency-injector's (`providers.Singleton(...)`)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return False
    origin = ".".join([names.origin(func.id), *reversed(parts)])
    return origin.startswith(PROVIDERS_PACKAGE)


def _without_docstrings(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef:
    """A copy of a def or class with the docstrings of it and everything in it removed."""
    bare = copy.deepcopy(node)
    for inner in ast.walk(bare):
        body = getattr(inner, "body", None)
        if (
            isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            inner.body = body[1:] or [ast.Pass()]
    return bare


def _calls_super(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "super"
        for n in ast.walk(node)
    )


@dataclass(frozen=True)
class _ModuleNames:
    """Module-level names -> the dotted origin they stand for."""

    origins: dict[str, str]

    @classmethod
    def of(cls, tree: ast.Module, source: ClassSource) -> _ModuleNames:
        origins: dict[str, str] = {}
        file = SourceFile(path="", module=source.module, is_package=source.is_package)
        for stmt in _module_statements(tree.body):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        origins[alias.asname] = alias.name
                    else:
                        head = alias.name.partition(".")[0]
                        origins[head] = head
            elif isinstance(stmt, ast.ImportFrom):
                base = ast_import_from_module(stmt, file)
                for alias in stmt.names:
                    if alias.name != "*" and base is not None:
                        origin = f"{base}.{alias.name}" if base else alias.name
                        origins[alias.asname or alias.name] = origin
            else:
                for name in _defines(stmt):
                    origins[name] = f"{source.module}.{name}"
        return cls(origins)

    def origin(self, name: str) -> str:
        if name in self.origins:
            return self.origins[name]
        if hasattr(builtins, name):
            return f"builtins.{name}"
        return name


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those in `if`/`try`/`with` blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _module_statements(handler.body)


class _Normaliser:
    """Rewrites names in a copy of a member's code to what they stand for."""

    def __init__(
        self, names: _ModuleNames, class_names: frozenset[str], through: frozenset[str]
    ) -> None:
        self.names = names
        self.class_names = class_names
        """Members defined above, which a class-body expression reads by their bare name."""
        self.through = through
        """Dotted classes whose attributes are members (`CommonContainer.config`)."""
        self.members_read: set[str] = set()

    def class_scope(self, node: ast.expr) -> ast.AST:
        return _Rewriter(self, frozenset(), class_scope=True).visit(copy.deepcopy(node))

    def definition(
        self, original: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> ast.AST:
        """A def or class: decorators, defaults and annotations in class scope, bodies not."""
        node = copy.deepcopy(original)
        outer = _Rewriter(self, frozenset(), class_scope=True)
        node.decorator_list = [outer.visit(d) for d in node.decorator_list]
        if isinstance(node, ast.ClassDef):
            node.bases = [outer.visit(b) for b in node.bases]
            node.keywords = [outer.visit(k) for k in node.keywords]
            inner = _Rewriter(self, frozenset(), class_scope=False)
            node.body = [inner.visit(s) for s in node.body]
            return node
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                arg.annotation = outer.visit(arg.annotation)
        args.defaults = [outer.visit(d) for d in args.defaults]
        args.kw_defaults = [outer.visit(d) if d is not None else None for d in args.kw_defaults]
        if node.returns is not None:
            node.returns = outer.visit(node.returns)
        inner = _Rewriter(self, _bound_in(node), class_scope=False)
        node.body = [inner.visit(s) for s in node.body]
        return node


def _bound_in(node: ast.AST) -> frozenset[str]:
    """Names a function binds anywhere in it (its parameters, assignments, imports, defs)."""
    bound: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            bound.add(inner.arg)
        elif isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
            bound.add(inner.id)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).partition(".")[0] for a in inner.names)
        elif (
            inner is not node
            and isinstance(
                inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)
            )
            and inner.name
        ):
            bound.add(inner.name)
    return frozenset(bound)


class _Rewriter(ast.NodeTransformer):
    def __init__(self, norm: _Normaliser, local: frozenset[str], *, class_scope: bool) -> None:
        self.norm = norm
        self.local = local
        self.class_scope = class_scope

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name = node.id
        if name in self.local:
            return node
        if self.class_scope and name in self.norm.class_names:
            self.norm.members_read.add(name)
            return ast.Name(id=f"@member {name}", ctx=node.ctx)
        return ast.Name(id=f"@{self.norm.names.origin(name)}", ctx=node.ctx)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        parts: list[str] = []
        inner: ast.AST = node
        while isinstance(inner, ast.Attribute):
            parts.append(inner.attr)
            inner = inner.value
        if (
            isinstance(inner, ast.Name)
            and inner.id not in self.local
            and not (self.class_scope and inner.id in self.norm.class_names)
        ):
            dotted = [self.norm.names.origin(inner.id), *reversed(parts)]
            for i in range(1, len(dotted)):
                if ".".join(dotted[:i]) in self.norm.through:
                    member = dotted[i]
                    if self.class_scope:
                        self.norm.members_read.add(member)
                    out: ast.expr = ast.Name(id=f"@member {member}", ctx=ast.Load())
                    for attr in dotted[i + 1 :]:
                        out = ast.Attribute(value=out, attr=attr, ctx=ast.Load())
                    return ast.copy_location(out, node)
        self.generic_visit(node)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        # a lambda's body does not see the class body's names
        inner = _Rewriter(self.norm, self.local | _bound_in(node), class_scope=False)
        node.args = inner.visit(node.args)
        node.body = inner.visit(node.body)
        return node
