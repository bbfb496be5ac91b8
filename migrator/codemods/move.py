"""`move`: point imports, attribute chains and dotted strings at a module's or symbol's new home.

Each entry of `moves` maps an old dotted path to a new one. The path may name a module
(`app.services.s3_service -> common.storage.s3_service`) or a symbol inside one, renamed
or not (`app.utils.flask_error_handlers.register_error_handlers ->
common.core.app.configure_error_handlers`). Every dotted name the file refers to that is
an old path, or starts with one on a whole segment, is rewritten; the longest old path
wins. A file keeps its import style: a `from` import stays a `from` import (split when
only some of its names move, merged when two old modules land in the same new one), an
`import a.b` stays an `import`, a relative import stays relative while its target stays
inside the same package. Strings whose whole value is a dotted path or `module:attr`
(mock targets, entry points, `app:create_app()`) move too, f-strings without
placeholders included, and every dotted name in a string annotation; with `text_files`,
so do the dotted names in those non-Python files (see `dotted_text`).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import cast

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider
from pydantic import Field, field_validator

from migrator.codemods.base import Codemod, CodemodConfig, SourceFile, register
from migrator.codemods.dotted_text import rewrite_text, rewrite_value
from migrator.codemods.import_edits import DropBindings, keep_aliases
from migrator.codemods.import_order import ImportOrder
from migrator.codemods.import_placement import place_new_imports
from migrator.codemods.import_resolution import (
    DOTTED,
    Statement,
    ast_import_from_module,
    chain_root,
    dotted_name,
    dotted_node,
    import_from_module,
    is_docstring,
    iter_statements,
    matches_prefix,
    module_source,
    parse_ast,
    relative_base,
    split_dotted,
)
from migrator.codemods.names import dotted_map_schema, dotted_problem
from migrator.codemods.reexports import reexported_moves
from migrator.codemods.statement_spans import mentioning, quiet_statements

_CHAIN = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
"""A dotted name in a string annotation (`bs.BlobStore` in `"list[bs.BlobStore]"`)."""


class MoveConfig(CodemodConfig):
    """Parameters of the `move` codemod.

    Example plan step:

        - codemod: move
          moves:
            app.services.s3_service: common.storage.s3_service
            app.utils.flask_error_handlers.register_error_handlers: common.core.app.configure_error_handlers
          files: ["app/**/*.py", "tests/**/*.py"]   # optional
          text_files: [pyproject.toml, "docs/**/*.md"]  # optional
    """

    moves: dict[str, str] = Field(
        min_length=1,
        json_schema_extra=dotted_map_schema(),
        description=(
            "Old dotted path -> new dotted path. A path names a module or a symbol in one; "
            "a symbol may get a new name. Dotted names starting with an old path on a whole "
            "segment move with it (`a.b` moves `a.b.c`, never `a.bc`)."
        ),
    )

    text_files: list[str] | None = Field(
        default=None,
        description=(
            "Optional globs of non-Python files (`pyproject.toml`, `*.ini`, `*.cfg`, "
            "`docs/**/*.md`) in which the dotted names are rewritten too, by whole "
            "segments and with the same rules (`module:attr` included)."
        ),
    )

    @field_validator("moves")
    @classmethod
    def _dotted_paths(cls, moves: dict[str, str]) -> dict[str, str]:
        for old, new in moves.items():
            for path in (old, new):
                if not DOTTED.match(path):
                    raise ValueError(f"{path!r} is not a dotted Python name")
                problem = dotted_problem(path)
                if problem:
                    raise ValueError(problem)
            if matches_prefix(new, old):
                raise ValueError(
                    f"{old!r} -> {new!r}: the new path may not be the old one or inside it "
                    "(a second run would move it again)"
                )
        return moves


@dataclass(frozen=True)
class MoveTable:
    """The moves, longest old path first, with the lookups the transform needs."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, moves: dict[str, str]) -> MoveTable:
        return cls(tuple(sorted(moves.items(), key=lambda kv: -len(kv[0]))))

    def lookup(self, name: str) -> tuple[str, str] | None:
        """The (old, new) pair whose old path is `name` or its longest whole-segment prefix."""
        for old, new in self.pairs:
            if matches_prefix(name, old):
                return old, new
        return None

    def target(self, name: str) -> str | None:
        """Where `name` lives after the moves, or None if it does not move."""
        hit = self.lookup(name)
        if hit is None:
            return None
        old, new = hit
        return new + name[len(old) :]

    @property
    def needles(self) -> frozenset[str]:
        """Substrings one of which any file referring to a moved path must contain."""
        return frozenset(old.rpartition(".")[2] for old, _ in self.pairs)


@register
class Move(Codemod[MoveConfig]):
    name = "move"
    description = "Point imports, attribute chains and dotted strings at moved modules and symbols."
    Config = MoveConfig

    @cached_property
    def table(self) -> MoveTable:
        return MoveTable.of({**self.reexported, **self.config.moves})

    def __init__(self, config: MoveConfig, root: Path) -> None:
        super().__init__(config, root)
        self.reexported: dict[str, str] = {}
        """Paths the tree re-exports a renamed moved symbol under (see `reexports`)."""

    def prepare(self, paths: Sequence[str]) -> None:
        self.reexported = reexported_moves(self.root, paths, self.config.moves, renames_cleanly)
        for cached in ("table", "needles"):
            self.__dict__.pop(cached, None)

    @cached_property
    def needles(self) -> frozenset[str]:
        return self.table.needles

    def may_apply(self, source: str) -> bool:
        return any(needle in source for needle in self.needles)

    def worth_parsing(self, source: str, file: SourceFile) -> bool:
        # the needles are last segments (`sse`, `health`), found in many files that
        # import nothing that moves: ruling those out on Python's `ast` saves their parse
        return may_refer(source, file, self.table)

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        return apply_moves(module, file, self.table, self.root, self.import_order)

    def text_globs(self) -> list[str]:
        return self.config.text_files or []

    def transform_text(self, text: str, path: str) -> tuple[str, int]:
        return rewrite_text(text, self.table)


def may_refer(source: str, file: SourceFile, table: MoveTable) -> bool:
    """False when `apply_moves` certainly leaves `source` unchanged.

    It changes a file only through an import related to an old path (the path, a name
    inside it, or a package above it, through which an attribute chain may reach it) or
    the old path written out (strings, chains); see `_plan` and `_scope_of_work`.
    """
    olds = [old for old, _ in table.pairs]
    if any(old in source for old in olds):
        return True
    tree = parse_ast(source)
    if tree is None:
        return True  # LibCST's parse reports it
    heads = {old.partition(".")[0] for old in olds}
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                # `import a.x` binds `a`, through which `a.b.c` may be reached
                if alias.asname is None and alias.name.partition(".")[0] in heads:
                    return True
                if _related(alias.name, olds):
                    return True
        elif isinstance(node, ast.ImportFrom):
            base = ast_import_from_module(node, file)
            if base is None:
                continue
            if any(a.name == "*" for a in node.names) and _related(base, olds):
                return True
            if any(_related(f"{base}.{a.name}" if base else a.name, olds) for a in node.names):
                return True
    return False


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement in `body` and in the blocks nested in it (imports are statements:
    no need to walk the expressions)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in reversed(getattr(stmt, block, ())):
                if isinstance(child, ast.stmt):
                    stack.append(child)
                else:  # an except handler or a match case: a block of its own
                    stack.extend(reversed(child.body))


def _related(name: str, olds: list[str]) -> bool:
    """`name` is an old path, inside one, or a package above one."""
    return any(matches_prefix(name, old) or old.startswith(name + ".") for old in olds)


# -- planning ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """What the pre-pass over a file's import statements decided."""

    roots: dict[str, str] = field(default_factory=dict)
    """Local name bound to a module -> its dotted path ("" when `import a.b` binds `a`)."""
    root_statements: dict[str, cst.CSTNode] = field(default_factory=dict)
    """Local name -> the import statement that binds it."""
    imported_modules: set[str] = field(default_factory=set)
    """Every `import x.y` (no alias) name in the file."""
    module_statements: dict[str, cst.CSTNode] = field(default_factory=dict)
    """`import x.y` name -> its statement."""
    keep_alias: set[int] = field(default_factory=set)
    """ids of from-import aliases of renamed symbols that must keep the old local name."""
    renames: dict[int, str] = field(default_factory=dict)
    """id(Name node) -> new name, for uses of renamed symbols."""
    renamed_names: dict[str, str] = field(default_factory=dict)
    """Old name -> new name for symbols every use of which is renamed (see `_unshadowed`)."""
    renamed_globals: dict[str, str] = field(default_factory=dict)
    """Module-level names that get a new name (for `__all__` and string annotations)."""
    star_additions: dict[int, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    """id(star ImportFrom) -> [(module, name, asname)] to import beside it."""
    import_statements: list[cst.CSTNode] = field(default_factory=list)
    import_hits: bool = False
    """Some import statement names a moved path."""


def apply_moves(
    module: cst.Module,
    file: SourceFile,
    table: MoveTable,
    root: Path | None = None,
    order: ImportOrder | None = None,
) -> tuple[cst.Module, int]:
    """Rewrite `module` (the contents of `file`) for the moves in `table`.

    With `order` (the target's `ImportOrder`), the import lines written are put where
    the project's isort settings want them; without, they stand where the old ones stood.
    """
    plan = _plan(module, file, table)
    scope = _scope_of_work(plan, table, file)
    if scope is None:
        return module, 0
    transformer = _MoveTransformer(file, table, plan, root, imports_only=scope == "imports")
    if scope == "all":
        # statements that mention nothing of the moves are left unvisited
        transformer.quiet = quiet_statements(module, _code_of(module, file), _words(plan, table))
    new = module.visit(transformer)
    if transformer.added_after:
        new = _add_imports_after(new, transformer)
    unused = transformer.unused_bindings()
    if unused:
        new = new.visit(DropBindings(unused))
    if order is not None and transformer.rewrites:
        new = place_new_imports(module, new, order, file)
    return new, transformer.rewrites


def _words(plan: _Plan, table: MoveTable) -> set[str]:
    """What a statement the transform changes or counts must mention, as text.

    The last segment of every old path (in an import, a chain, a dotted string or the
    use of a moved symbol), every name being renamed, and every local name through
    which a chain may reach an old path (their uses are counted to tell whether the
    import that binds them is still needed).
    """
    words = set(table.needles) | set(plan.renamed_names) | set(plan.renamed_globals)
    for local, bound in plan.roots.items():
        for old, _ in table.pairs:
            if (not bound and old.partition(".")[0] == local) or (
                bound and (old.startswith(bound + ".") or matches_prefix(bound, old))
            ):
                words.add(local)
    return words


def _scope_of_work(plan: _Plan, table: MoveTable, file: SourceFile) -> str | None:
    """ "all" (visit every node), "imports" (only import lines need rewriting) or None.

    Visiting every expression costs about as much as parsing did, so it is done only
    when something outside the import lines can match: a use to rename, an attribute
    chain through an import, or an old dotted path written outside the imports.
    """
    if plan.renames or plan.renamed_names or plan.renamed_globals:
        return "all"
    for local, bound in plan.roots.items():
        for old, _ in table.pairs:
            if (not bound and old.partition(".")[0] == local) or (
                bound and old.startswith(bound + ".")
            ):
                return "all"
    text = file.text
    olds = [old for old, _ in table.pairs]
    if text is None:
        return "all"
    outside = {old: text.count(old) for old in olds}
    if any(outside.values()):
        for stmt in plan.import_statements:
            code = cst.Module(body=[]).code_for_node(stmt)
            for old in olds:
                outside[old] -= code.count(old)
        if any(n > 0 for n in outside.values()):
            return "all"
    return "imports" if plan.import_hits else None


def _plan(module: cst.Module, file: SourceFile, table: MoveTable) -> _Plan:
    plan = _Plan()
    renamed: list[tuple[cst.ImportFrom, cst.ImportAlias, str]] = []
    stars: list[tuple[cst.ImportFrom, str]] = []
    for stmt in iter_statements(module.body):
        if isinstance(stmt, cst.Import):
            plan.import_statements.append(stmt)
            for alias in stmt.names:
                name = alias.evaluated_name
                if table.lookup(name) is not None:
                    plan.import_hits = True
                if alias.asname is None:
                    local = name.partition(".")[0]
                    plan.roots[local] = ""
                    plan.imported_modules.add(name)
                    plan.module_statements[name] = stmt
                else:
                    local = alias.evaluated_alias or name
                    plan.roots[local] = name
                plan.root_statements[local] = stmt
        elif isinstance(stmt, cst.ImportFrom):
            plan.import_statements.append(stmt)
            base = import_from_module(stmt, file)
            if base is None:
                continue
            if isinstance(stmt.names, cst.ImportStar):
                stars.append((stmt, base))
                if table.lookup(base) is not None:
                    plan.import_hits = True
                continue
            for alias in stmt.names:
                name = alias.evaluated_name
                full = f"{base}.{name}" if base else name
                local = alias.evaluated_alias or name
                plan.roots[local] = full
                plan.root_statements[local] = stmt
                target = table.target(full)
                if target is not None:
                    plan.import_hits = True
                if target is not None and alias.asname is None:
                    new_leaf = split_dotted(target)[1]
                    if new_leaf != name:
                        renamed.append((stmt, alias, new_leaf))
    star_symbols = [
        (stmt, base, old, new)
        for stmt, base in stars
        for old, new in table.pairs
        if split_dotted(old)[0] == base and table.lookup(base) is None
    ]
    if renamed or star_symbols:
        _plan_renames(module, file, plan, renamed, star_symbols)
    if plan.star_additions:
        plan.import_hits = True
    return plan


def _plan_renames(
    module: cst.Module,
    file: SourceFile,
    plan: _Plan,
    renamed: list[tuple[cst.ImportFrom, cst.ImportAlias, str]],
    star_symbols: list[tuple[cst.ImportFrom, str, str, str]],
) -> None:
    """Decide which renamed symbols can take their new name in the file.

    A use is renamed only when every binding of the old name in its scope is one of the
    imports being renamed the same way, and the new name appears nowhere in the file;
    otherwise the import keeps the old name with `as`, which is always safe. Scope
    analysis costs more than parsing, so it runs only for names a syntactic scan cannot
    settle (`_unshadowed`).
    """
    code = _code_of(module, file)
    # two names that would both become `routes` (`health` and `metrics` moved to
    # `common.health.routes` and `common.metrics.routes`) keep their own, as aliases
    olds_per_leaf: dict[str, set[str]] = {}
    for _, alias, new_leaf in renamed:
        olds_per_leaf.setdefault(new_leaf, set()).add(alias.evaluated_name)
    pending: dict[str, list[tuple[cst.ImportFrom, cst.ImportAlias, str]]] = {}
    for stmt, alias, new_leaf in renamed:
        if len(olds_per_leaf[new_leaf]) > 1 or re.search(rf"\b{re.escape(new_leaf)}\b", code):
            plan.keep_alias.add(id(alias))
        else:
            pending.setdefault(alias.evaluated_name, []).append((stmt, alias, new_leaf))
    unsettled = []
    for old_local, entries in pending.items():
        new_leaves = {new_leaf for _, _, new_leaf in entries}
        if len(new_leaves) == 1 and _unshadowed(code, old_local, len(entries)):
            plan.renamed_names[old_local] = plan.renamed_globals[old_local] = new_leaves.pop()
        else:
            unsettled.extend(entries)
    if unsettled:
        _plan_renames_by_scope(module, plan, renamed, unsettled)
    for stmt, _base, old, new in star_symbols:
        old_leaf = split_dotted(old)[1]
        if not re.search(rf"\b{re.escape(old_leaf)}\b", code.replace(old, "")):
            continue
        new_parent, new_leaf = split_dotted(new)
        asname = old_leaf if new_leaf != old_leaf else None
        plan.star_additions.setdefault(id(stmt), []).append((new_parent, new_leaf, asname))


def _code_of(module: cst.Module, file: SourceFile) -> str:
    """`module.code`, taken from the text the runner read when that is the same string.

    Generating the code costs about as much as a scope-free visit of the module. The
    text is the file's bytes decoded as UTF-8, so it is the same when LibCST decoded them
    as UTF-8 too and nothing was replaced or stripped.
    """
    text = file.text
    if (
        text is not None
        and module.encoding == "utf-8"
        and "\ufffd" not in text
        and not text.startswith("\ufeff")
    ):
        return text
    return module.code


def _plan_renames_by_scope(
    module: cst.Module,
    plan: _Plan,
    renamed: list[tuple[cst.ImportFrom, cst.ImportAlias, str]],
    unsettled: list[tuple[cst.ImportFrom, cst.ImportAlias, str]],
) -> None:
    """The full analysis: rename the uses LibCST's scope analysis ties to the imports."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    for stmt, alias, new_leaf in unsettled:
        old_local = alias.evaluated_name
        scope = scopes.get(stmt)
        if scope is None:
            plan.keep_alias.add(id(alias))
            continue
        assignments = scope.assignments[old_local]
        same = [
            a
            for a in assignments
            if any(getattr(a, "node", None) is s for s, _, n in renamed if n == new_leaf)
        ]
        if len(same) != len(assignments):
            plan.keep_alias.add(id(alias))
            continue
        for assignment in same:
            for access in assignment.references:
                plan.renames[id(access.node)] = new_leaf
        if scope is scope.globals:
            plan.renamed_globals[old_local] = new_leaf


_NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _walk_scoped(
    tree: ast.Module, wanted: Callable[[ast.AST], bool]
) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below `tree` (in no particular order) but those `wanted` turns down
    (with all below them), with whether it lies inside a function or class."""
    stack: list[tuple[ast.AST, bool]] = [(child, False) for child in tree.body if wanted(child)]
    while stack:
        node, nested = stack.pop()
        yield node, nested
        inner = nested or isinstance(node, _NEW_SCOPES)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node) if wanted(child))


def renames_cleanly(code: str, old: str, new: str) -> bool:
    """Whether a module whose one from-import binds `old` (a symbol moving under the name
    `new`) ends up binding `new` instead: `new` is not spelled in it and `old` is bound
    only by that import (see `_plan_renames`)."""
    return not re.search(rf"\b{re.escape(new)}\b", code) and _unshadowed(code, old, 1)


def _unshadowed(code: str, name: str, imports: int) -> bool:
    """Whether `name` is provably bound only by the `imports` module-level from-imports
    being renamed, with every use after them, so that scope analysis would tie every use
    of `name` to those imports.

    Then each Name `name` that is read (not an attribute, a keyword or an import's own
    name) is one of their references. Anything else (another binding in any scope,
    `global`, `del`, a use above the imports, a `TypeVar`/`NewType` first argument or a
    match keyword, which scope analysis treats specially) answers False, and the full
    analysis decides.
    """
    tree = parse_ast(code)
    if tree is None:
        return False
    bindings: list[ast.ImportFrom] = []
    uses: list[ast.Name] = []
    # every node that uses or binds `name` spells it on its lines: the others are skipped
    for node, nested in _walk_scoped(tree, mentioning(code, [name])):
        if isinstance(node, ast.Name) and node.id == name:
            if not isinstance(node.ctx, ast.Load):
                return False
            uses.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                local = alias.asname or (
                    alias.name if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
                )
                if local != name:
                    continue
                if nested or alias.asname or not isinstance(node, ast.ImportFrom):
                    return False
                bindings.append(node)
        elif not isinstance(node, ast.alias) and _binds_or_hides(node, name):
            return False
    if len(bindings) != imports:
        return False
    first = min((b.lineno, b.col_offset) for b in bindings)
    return all((use.lineno, use.col_offset) > first for use in uses)


def _binds_or_hides(node: ast.AST, name: str) -> bool:
    """Whether `node` (not a Name or an import) binds `name` or is a use scope analysis
    treats specially."""
    if getattr(node, "name", None) == name or getattr(node, "rest", None) == name:
        return True  # def, class, except ... as, match captures, type parameters
    if isinstance(node, ast.arg):
        return node.arg == name
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return name in node.names
    if isinstance(node, ast.MatchClass):
        return name in node.kwd_attrs
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        return called in ("TypeVar", "NewType") and isinstance(first, ast.Name) and first.id == name
    return False


# -- rewriting ---------------------------------------------------------------------------


_BLOCK_NODES = (
    cst.Module,
    cst.IndentedBlock,
    cst.SimpleStatementSuite,
    cst.BaseCompoundStatement,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)
"""Nodes that hold statements: all an imports-only rewrite needs to walk through."""


class _MoveTransformer(cst.CSTTransformer):
    def __init__(
        self,
        file: SourceFile,
        table: MoveTable,
        plan: _Plan,
        root: Path | None,
        imports_only: bool,
    ) -> None:
        super().__init__()
        self.imports_only = imports_only
        self.quiet: set[int] = set()
        """ids of statements that mention nothing of the moves (see `statement_spans`)."""
        self.file = file
        self.table = table
        self.plan = plan
        self.root = root
        self.rewrites = 0
        self.produced: set[int] = set()
        """ids of statement lines this transform created or re-pointed (candidates to merge)."""
        self.maybe_unused: set[tuple[str, str]] = set()
        """Bindings a chain rewrite stopped going through: ("local", name) or ("module", a.b)."""
        self._name_uses: Counter[str] = Counter()
        """Uses left of each import-bound local name (outside import statements)."""
        self._plain_chains: dict[int, str] = {}
        """Dotted chains left that go through an `import a.b` binding."""
        self._rewritten_roots: set[int] = set()
        self._needed: set[str] = set()
        """Modules the rewritten chains go through (`import` them, never drop them)."""
        self.added_after: dict[int, list[str]] = {}
        """id(binding import statement) -> `import x.y` modules to add right after it."""
        self.lines: dict[int, object] = {}
        """id(original import statement) -> the line that holds it after the rewrite."""
        self._added_modules: set[str] = set()
        self._continued: set[int] = set()
        """ids of expressions an attribute is read from (`x` in `x.y`)."""
        self._not_uses: set[int] = set()
        """ids of Names that are not uses of a name: attributes (`y` in `x.y`), keywords."""
        self._rebound: dict[str, str] = {}
        """Local name a from-import bound -> the name its rewritten import binds instead."""
        self._string_chains: list[str] = []
        """Dotted chains left in string annotations that go through an `import a.b` binding."""
        self._annotation_depth = 0
        self._all_depth = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        # imports only: walk statements, never into expressions or a line's own parts
        if self.imports_only and not isinstance(node, _BLOCK_NODES):
            return False
        if id(node) in self.quiet:
            return False
        return super().on_visit(node)

    def on_leave(  # type: ignore[override]  # same contract, without the TypeVar
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        if self.imports_only and not isinstance(
            original_node, (*_BLOCK_NODES, cst.SimpleStatementLine)
        ):
            return updated_node
        return super().on_leave(original_node, updated_node)

    # no `visit_<Node>_<attribute>` hooks here: spare LibCST their lookup on every child
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    # imports are rewritten whole, at the statement line, from the original nodes
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Statement | cst.FlattenSentinel[Statement] | cst.RemovalSentinel:
        if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in original_node.body):
            return updated_node
        result = self._rewrite_line(original_node, updated_node)
        first = result
        if isinstance(result, cst.FlattenSentinel):
            first = result.nodes[0]
        for small in original_node.body:
            self.lines[id(small)] = first
        return result

    def _rewrite_line(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Statement | cst.FlattenSentinel[Statement] | cst.RemovalSentinel:
        body: list[cst.BaseSmallStatement] = []
        extra_lines: list[cst.SimpleStatementLine] = []
        changed = False
        for orig, upd in zip(original_node.body, updated_node.body):
            replacement, extras = self._rewrite_import(orig, upd)
            if replacement is not upd or extras:
                changed = True
            if replacement is not None:
                body.append(replacement)
            for extra, comment in extras:
                line = cst.SimpleStatementLine(body=[extra])
                if comment is not None:
                    line = line.with_changes(
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)
                        )
                    )
                extra_lines.append(line)
        if not changed:
            return updated_node
        lines: list[cst.SimpleStatementLine] = []
        if body:
            if body[-1] is not updated_node.body[-1]:
                body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            lines.append(updated_node.with_changes(body=body))
        elif extra_lines:
            extra_lines[0] = extra_lines[0].with_changes(
                leading_lines=updated_node.leading_lines,
                trailing_whitespace=updated_node.trailing_whitespace
                if extra_lines[0].trailing_whitespace.comment is None
                else extra_lines[0].trailing_whitespace,
            )
        lines.extend(extra_lines)
        self.produced.update(id(line) for line in lines)
        if not lines:
            return cst.RemoveFromParent()
        return cst.FlattenSentinel(lines)

    def _rewrite_import(
        self, orig: cst.BaseSmallStatement, upd: cst.BaseSmallStatement
    ) -> tuple[cst.BaseSmallStatement | None, list[tuple[cst.BaseSmallStatement, str | None]]]:
        extras: list[tuple[cst.BaseSmallStatement, str | None]] = []
        new: cst.BaseSmallStatement | None
        if isinstance(orig, cst.Import):
            new = self._rewrite_plain_import(orig)
        elif isinstance(orig, cst.ImportFrom):
            new, extras = self._rewrite_from_import(orig)
        else:
            return upd, []
        return new, extras

    def _rewrite_plain_import(self, node: cst.Import) -> cst.Import:
        names = list(node.names)
        changed = False
        for i, alias in enumerate(names):
            target = self.table.target(alias.evaluated_name)
            if target is None:
                continue
            asname = alias.asname
            if asname is not None and alias.evaluated_alias == target:
                asname = None
            names[i] = alias.with_changes(name=dotted_node(target), asname=asname)
            changed = True
        if not changed:
            return node
        self.rewrites += 1
        return node.with_changes(names=names)

    def _rewrite_from_import(
        self, node: cst.ImportFrom
    ) -> tuple[cst.ImportFrom | None, list[tuple[cst.BaseSmallStatement, str | None]]]:
        base = import_from_module(node, self.file)
        if base is None:
            return node, []
        if isinstance(node.names, cst.ImportStar):
            return self._rewrite_star_import(node, base)
        level = len(node.relative)
        groups: dict[str, list[tuple[int, cst.ImportAlias]]] = {}
        for i, alias in enumerate(node.names):
            name = alias.evaluated_name
            target = self.table.target(f"{base}.{name}" if base else name)
            if target is None:
                continue
            new_parent, new_leaf = split_dotted(target)
            asname = alias.asname
            if asname is None and new_leaf != name and id(alias) in self.plan.keep_alias:
                asname = cst.AsName(name=cst.Name(name))
            elif asname is not None and alias.evaluated_alias == new_leaf:
                asname = None
            groups.setdefault(new_parent, []).append(
                (i, alias.with_changes(name=cst.Name(new_leaf), asname=asname))
            )
            local = alias.evaluated_alias or name
            self._rebound[local] = cast(cst.Name, asname.name).value if asname else new_leaf
        if not groups:
            return node, []
        self.rewrites += 1
        moved = {i: alias for aliases in groups.values() for i, alias in aliases}
        stay = groups.pop(base, [])
        kept = [
            (i, moved.get(i, alias))
            for i, alias in enumerate(node.names)
            if i not in moved or any(i == j for j, _ in stay)
        ]
        extras: list[tuple[cst.BaseSmallStatement, str | None]] = []
        replacement: cst.ImportFrom | None
        if kept:
            replacement = node.with_changes(names=keep_aliases(node, [i for i, _ in kept], moved))
        else:
            first_parent = next(iter(groups))
            indexes = [i for i, _ in groups.pop(first_parent)]
            module, relative = self._from_module(first_parent, node, level)
            if module is None and not relative:
                extras.append((_plain_import(moved, indexes), None))
                replacement = None
            else:
                replacement = node.with_changes(
                    module=module,
                    relative=relative,
                    names=keep_aliases(node, indexes, moved),
                )
        for new_parent, aliases in groups.items():
            indexes = [i for i, _ in aliases]
            comment = _first_comment(node, indexes)
            module, relative = self._from_module(new_parent, node, level)
            if module is None and not relative:
                extras.append((_plain_import(moved, indexes), comment))
                continue
            extras.append(
                (_new_from_import(module, relative, [moved[i] for i in indexes]), comment)
            )
        return replacement, extras

    def _rewrite_star_import(
        self, node: cst.ImportFrom, base: str
    ) -> tuple[cst.ImportFrom | None, list[tuple[cst.BaseSmallStatement, str | None]]]:
        extras: list[tuple[cst.BaseSmallStatement, str | None]] = []
        for source, name, asname in self.plan.star_additions.get(id(node), []):
            alias = cst.ImportAlias(
                name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None
            )
            extras.append((_new_from_import(dotted_node(source), [], [alias]), None))
            self.rewrites += 1
        target = self.table.target(base)
        if target is None:
            return node, extras
        self.rewrites += 1
        module, relative = self._from_module(target, node, len(node.relative))
        return node.with_changes(module=module, relative=relative), extras

    def _from_module(
        self, new_parent: str, node: cst.ImportFrom, level: int
    ) -> tuple[cst.Name | cst.Attribute | None, list[cst.Dot]]:
        """Module and dots for `from <new_parent> import`, relative if the original was and can stay."""
        if level:
            base = relative_base(self.file, level)
            if base is not None and matches_prefix(new_parent, base) and base:
                rest = new_parent[len(base) + 1 :]
                return (dotted_node(rest) if rest else None), list(node.relative)
        if not new_parent:
            return None, []
        return dotted_node(new_parent), []

    # attribute chains: `app.services.s3_service.S3Service` after `import app.services.s3_service`
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._continued.add(id(node.value))
        self._not_uses.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_uses.add(id(node.keyword))

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        root = chain_root(original_node)
        if not isinstance(root, cst.Name) or root.value not in self.plan.roots:
            return updated_node
        dotted = dotted_name(original_node)
        if dotted is None:
            return updated_node
        bound = self.plan.roots[root.value]
        full = dotted if not bound else bound + dotted[len(root.value) :]
        hit = self.table.lookup(full)
        if hit is None or hit[0] != full or (bound and len(full) <= len(bound)):
            if not bound and hit is None:
                self._plain_chains[id(original_node)] = dotted
            return updated_node
        old, new = hit
        self.rewrites += 1
        if self._stays_bound(bound, new):
            return dotted_node(root.value + new[len(bound) :])
        inner: cst.BaseExpression = original_node.value
        while isinstance(inner, cst.Attribute):
            self._plain_chains.pop(id(inner), None)
            inner = inner.value
        if id(root) not in self._rewritten_roots:
            self._rewritten_roots.add(id(root))
            self._name_uses[root.value] -= 1
        if bound or not any(matches_prefix(m, old) for m in self.plan.imported_modules):
            self._import_for_chain(root.value, old, new, id(original_node) in self._continued)
        return dotted_node(new)

    def _stays_bound(self, bound: str, new: str) -> bool:
        """The new path lies in the module a name binds, which does not move itself
        (`di.Services` -> `di.AppContainer` after `from svc import di`)."""
        return bool(bound) and new.startswith(bound + ".") and self.table.lookup(bound) is None

    def _import_for_chain(self, local: str, old: str, new: str, continued: bool) -> None:
        """The chain no longer goes through the import that bound it: import its new module."""
        in_tree = self.root is not None and (
            module_source(self.root, new) is not None or module_source(self.root, old) is not None
        )
        # outside the tree: `x.leaf.attr` with a lowercase leaf reads like a module
        is_module = in_tree or (continued and split_dotted(new)[1][:1].islower())
        module = new if is_module else split_dotted(new)[0]
        self._needed.add(module)
        bound = self.plan.roots[local]
        if bound:
            statement = self.plan.root_statements[local]
            self.maybe_unused.add(("local", local))
        else:
            through = [m for m in self.plan.imported_modules if matches_prefix(old, m)]
            for m in through:
                self.maybe_unused.add(("module", m))
            longest = max(through, key=len) if through else None
            statement = self.plan.module_statements.get(
                longest or "", self.plan.root_statements[local]
            )
        if not module or module in self._added_modules or module in self._imported_after:
            return
        self._added_modules.add(module)
        self.added_after.setdefault(id(statement), []).append(module)

    @cached_property
    def _imported_after(self) -> set[str]:
        """The `import x.y` names the file has once its own imports are rewritten."""
        return {self.table.target(m) or m for m in self.plan.imported_modules}

    def unused_bindings(self) -> set[tuple[str, str]]:
        """The bindings chain rewrites left without any use (and only those)."""
        chains = [*self._plain_chains.values(), *self._string_chains, *self._needed]
        unused = set()
        for kind, name in self.maybe_unused:
            if kind == "local":
                used = self._name_uses[name] > 0
            else:
                used = any(matches_prefix(c, name) for c in chains)
            if not used:
                unused.add((kind, self._rebound.get(name, name) if kind == "local" else name))
        return unused

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value in self.plan.roots:
            self._name_uses[original_node.value] += 1
        new = self.plan.renames.get(id(original_node))
        if new is None and id(original_node) not in self._not_uses:
            new = self.plan.renamed_names.get(original_node.value)
        if new is None:
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(value=new)

    # dotted strings: mock.patch targets, importlib calls, string annotations, __all__
    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotation_depth += 1

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        self._annotation_depth -= 1
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets
        ):
            self._all_depth += 1

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__"
            for t in original_node.targets
        ):
            self._all_depth -= 1
        return updated_node

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__":
            self._all_depth += 1

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        if isinstance(original_node.target, cst.Name) and original_node.target.value == "__all__":
            self._all_depth -= 1
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        prefix = updated_node.prefix.lower()
        if "b" in prefix or "f" in prefix:
            return updated_node
        quote = updated_node.quote
        content = updated_node.value[len(prefix) + len(quote) : -len(quote)]
        new = self._string_target(content)
        if new is None or new == content:
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(
            value=updated_node.value[: len(prefix) + len(quote)] + new + quote
        )

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.FormattedString:
        # an f-string without placeholders is a plain string
        if not all(isinstance(p, cst.FormattedStringText) for p in updated_node.parts):
            return updated_node
        if "b" in updated_node.prefix.lower():
            return updated_node
        content = "".join(cast(cst.FormattedStringText, p).value for p in updated_node.parts)
        new = self._string_target(content)
        if new is None or new == content:
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(parts=[cst.FormattedStringText(value=new)])

    def _string_target(self, content: str) -> str | None:
        if self._annotation_depth:
            # chains through the file's imports first (`"bs.BlobStore"` after `import x as bs`)
            content = _CHAIN.sub(lambda m: self._annotation_chain(m.group(0)), content)
        new = rewrite_value(content, self.table)
        if new is not None:
            return new
        if self._annotation_depth:
            # a string annotation is an expression: every dotted name in it moves
            content, _ = rewrite_text(content, self.table)
        renamed = self.plan.renamed_globals
        if not renamed:
            return content
        if self._all_depth and DOTTED.match(content) and content in renamed:
            return renamed[content]
        if self._annotation_depth:
            # and every whole name (not an attribute) of a renamed symbol is renamed
            return re.sub(
                r"(?<![\w.])([A-Za-z_]\w*)",
                lambda m: renamed.get(m.group(1), m.group(1)),
                content,
            )
        return content

    def _annotation_chain(self, chain: str) -> str:
        """A dotted name in a string annotation whose root an import binds, as
        `leave_Attribute` treats the same chain written as code: the longest part that
        names an old path is rewritten (and its new module imported), and a root it still
        goes through counts as a use of that import."""
        local, _, _ = chain.partition(".")
        if local not in self.plan.roots:
            return chain
        bound = self.plan.roots[local]
        segments = chain.split(".")
        for end in range(len(segments), 1, -1):
            dotted = ".".join(segments[:end])
            full = dotted if not bound else bound + dotted[len(local) :]
            hit = self.table.lookup(full)
            if hit is None or hit[0] != full or (bound and len(full) <= len(bound)):
                continue
            old, new = hit
            if self._stays_bound(bound, new):
                self._name_uses[local] += 1
                return ".".join([local + new[len(bound) :], *segments[end:]])
            if bound or not any(matches_prefix(m, old) for m in self.plan.imported_modules):
                self._import_for_chain(local, old, new, end < len(segments))
            return ".".join([new, *segments[end:]])
        if bound:
            self._name_uses[local] += 1
        else:
            self._string_chains.append(chain)
        return chain

    # blocks: one import per new module
    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._merge_produced(updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._merge_produced(updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def _merge_produced(self, body: Sequence[cst.CSTNode]) -> list[Statement] | None:
        if not self.produced or not any(id(s) in self.produced for s in body):
            return None
        statements = [
            s for s in body if isinstance(s, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        ]
        return merge_duplicate_imports(statements, self.produced)


def _add_imports_after(module: cst.Module, transformer: _MoveTransformer) -> cst.Module:
    """Put `import new.module` right after the import each chain went through."""
    after: dict[int, list[str]] = {}
    for stmt_id, modules in transformer.added_after.items():
        line = transformer.lines.get(stmt_id)
        after.setdefault(id(line), []).extend(modules)
    inserter = _InsertAfter(after)
    module = module.visit(inserter)
    if inserter.pending:
        # the binding line was merged away: add on top, below the other imports
        body = list(module.body)
        index = _after_imports(body)
        body[index:index] = [
            cst.SimpleStatementLine([_import_statement(m)]) for m in inserter.pending
        ]
        module = module.with_changes(body=body)
    return module


class _InsertAfter(cst.CSTTransformer):
    def __init__(self, after: dict[int, list[str]]) -> None:
        super().__init__()
        self.after = after
        self.pending = [m for modules in after.values() for m in modules]

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Statement | cst.FlattenSentinel[Statement]:
        modules = self.after.get(id(original_node))
        if not modules:
            return updated_node
        for m in modules:
            self.pending.remove(m)
        return cst.FlattenSentinel(
            [updated_node, *(cst.SimpleStatementLine([_import_statement(m)]) for m in modules)]
        )


def _after_imports(body: Sequence[Statement]) -> int:
    """Index just past the docstring and the first block of import lines."""
    index = 1 if body and is_docstring(body[0]) else 0
    while index < len(body):
        stmt = body[index]
        if not (
            isinstance(stmt, cst.SimpleStatementLine)
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom))
        ):
            break
        index += 1
    return index


# -- building and editing import nodes ------------------------------------------------


def _import_statement(module: str) -> cst.Import:
    return cst.Import(names=[cst.ImportAlias(name=dotted_node(module))])


def _plain_import(moved: dict[int, cst.ImportAlias], indexes: list[int]) -> cst.Import:
    """`import x as y` for names that moved to a top-level module (no package to import from)."""
    names = []
    for n, i in enumerate(indexes):
        alias = moved[i]
        names.append(
            cst.ImportAlias(
                name=alias.name,
                asname=alias.asname,
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                if n < len(indexes) - 1
                else cst.MaybeSentinel.DEFAULT,
            )
        )
    return cst.Import(names=names)


def _new_from_import(
    module: cst.Name | cst.Attribute | None, relative: list[cst.Dot], aliases: list[cst.ImportAlias]
) -> cst.ImportFrom:
    names = []
    for n, alias in enumerate(aliases):
        comma: cst.Comma | cst.MaybeSentinel = (
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if n < len(aliases) - 1
            else cst.MaybeSentinel.DEFAULT
        )
        names.append(cst.ImportAlias(name=alias.name, asname=alias.asname, comma=comma))
    return cst.ImportFrom(module=module, relative=relative, names=names)


def _comment_after(alias: cst.ImportAlias) -> str | None:
    comma = alias.comma
    if isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        comment = comma.whitespace_after.first_line.comment
        return comment.value if comment is not None else None
    return None


def _first_comment(node: cst.ImportFrom, indexes: list[int]) -> str | None:
    assert not isinstance(node.names, cst.ImportStar)
    for i in indexes:
        comment = _comment_after(node.names[i])
        if comment is not None:
            return comment
    return None


def _from_key(stmt: Statement) -> tuple[int, str] | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    node = stmt.body[0]
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return None
    module = dotted_name(node.module) if node.module is not None else ""
    return len(node.relative), module or ""


def _plain_names(stmt: Statement) -> list[tuple[str, str | None]] | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    node = stmt.body[0]
    if not isinstance(node, cst.Import):
        return None
    return [(a.evaluated_name, a.evaluated_alias) for a in node.names]


def merge_duplicate_imports(body: list[Statement], produced: set[int]) -> list[Statement]:
    """Fold each produced import line into an earlier or pre-existing one of the same module.

    Two old modules moved to one new module end up as one import; names already imported
    are not repeated. Only lines in `produced` are removed; the line they merge into is
    preferably one the file already had (so pre-existing imports are not relocated).
    """
    result = list(body)
    for index, stmt in enumerate(body):
        if id(stmt) not in produced:
            continue
        current = result.index(stmt) if stmt in result else -1
        if current < 0:
            continue
        key = _from_key(stmt)
        if key is not None and isinstance(stmt, cst.SimpleStatementLine):
            host = _find_host(result, current, produced, key)
            if host is None or _has_inner_comment(stmt):
                continue
            host_line = result[host]
            assert isinstance(host_line, cst.SimpleStatementLine)
            merged = _merge_from(host_line, stmt)
            result[host] = merged
            produced.add(id(merged))
            _drop_line(result, current)
            continue
        names = _plain_names(stmt)
        if names is None:
            continue
        existing = {
            n for i, s in enumerate(result) if i != current for n in (_plain_names(s) or [])
        }
        if all(n in existing for n in names):
            _drop_line(result, current)
    return result


def _has_inner_comment(line: cst.SimpleStatementLine) -> bool:
    """Comments inside a parenthesized import would be lost by merging it into another."""
    return "#" in cst.Module(body=[]).code_for_node(line.body[0])


def _find_host(
    result: list[Statement], current: int, produced: set[int], key: tuple[int, str]
) -> int | None:
    """The line a produced import merges into: one the file had, else an earlier produced one."""
    candidates = [i for i, s in enumerate(result) if i != current and _from_key(s) == key]
    if not candidates:
        return None
    existing = [i for i in candidates if id(result[i]) not in produced]
    if existing:
        return existing[0]
    earlier = [i for i in candidates if i < current]
    return earlier[0] if earlier else None


def _merge_from(
    host_line: cst.SimpleStatementLine, extra_line: cst.SimpleStatementLine
) -> cst.SimpleStatementLine:
    host = host_line.body[0]
    extra = extra_line.body[0]
    assert isinstance(host, cst.ImportFrom) and isinstance(extra, cst.ImportFrom)
    assert not isinstance(host.names, cst.ImportStar) and not isinstance(
        extra.names, cst.ImportStar
    )
    have = {(a.evaluated_name, a.evaluated_alias) for a in host.names}
    new = [a for a in extra.names if (a.evaluated_name, a.evaluated_alias) not in have]
    if not new:
        return host_line
    names = list(host.names)
    last = names[-1]
    if isinstance(last.comma, cst.Comma):
        # trailing comma (parenthesized): new names go on lines of their own, like the others
        between = (
            names[-2].comma if len(names) > 1 and isinstance(names[-2].comma, cst.Comma) else None
        )
        if between is None:
            lpar = host.lpar
            ws = (
                lpar.whitespace_after
                if isinstance(lpar, cst.LeftParen)
                else cst.SimpleWhitespace(" ")
            )
            between = cst.Comma(whitespace_after=ws)
        names[-1] = last.with_changes(comma=between)
        for a in new[:-1]:
            names.append(cst.ImportAlias(name=a.name, asname=a.asname, comma=between))
        names.append(cst.ImportAlias(name=new[-1].name, asname=new[-1].asname, comma=last.comma))
    else:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        names[-1] = last.with_changes(comma=comma)
        for a in new[:-1]:
            names.append(cst.ImportAlias(name=a.name, asname=a.asname, comma=comma))
        names.append(cst.ImportAlias(name=new[-1].name, asname=new[-1].asname))
    return host_line.with_changes(body=[host.with_changes(names=names)])


def _drop_line(result: list[Statement], index: int) -> None:
    """Remove a line, handing its comment lines to the next statement."""
    line = result.pop(index)
    comments = [ln for ln in line.leading_lines if ln.comment is not None]
    if comments and index < len(result):
        nxt = result[index]
        result[index] = nxt.with_changes(leading_lines=[*line.leading_lines, *nxt.leading_lines])
    elif index < len(result) and line.leading_lines and not result[index].leading_lines:
        result[index] = result[index].with_changes(leading_lines=line.leading_lines)
