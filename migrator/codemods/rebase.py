"""`rebase`: give a class new bases, dropping the members the new bases already define alike.

The class's bases are replaced (keyword arguments such as `metaclass=` stay), the new
bases are imported, and imports only the old bases or the dropped members used are
removed. With `drop_inherited`, a class-body member (assignment, annotated field,
method, nested class) is removed only when a new base defines it the same way: the
same annotation and default, the same provider call, the same method body, names
resolved to what they refer to (see `member_equivalence`); one that differs stays as an
override, and so does one the base builds from a member the class keeps (the base's
`connection_manager` made from the base's `metrics_service` is not the class's). Methods
that call `super()` extend the base rather than repeat it, so they stay. `keep` and
`drop` override the choice either way. The step report lists each member's verdict.

Class-body references to a dropped member (`db_session` in
`providers.Factory(PartService, db=db_session)`) become references through the base that
defines it (`CommonContainer.db_session`): the very provider the class inherits, since
nothing dropped depends on a member the class re-declares. A forced drop (`drop:`) that
would break this for a member the class reads is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, ScopeProvider
from pydantic import ConfigDict, Field, field_validator

from migrator.codemods.base import (
    Codemod,
    CodemodConfig,
    CodemodRefused,
    SourceFile,
    module_name_for,
    register,
)
from migrator.codemods.blocks import drop_statements
from migrator.codemods.class_members import (
    BaseSpec,
    ClassSource,
    class_body,
    class_chain,
    find_class,
    inherited_members,
    member_names,
)
from migrator.codemods.import_edits import TopImportsAdder, remove_scheduled_imports
from migrator.codemods.import_placement import place_new_imports
from migrator.codemods.import_resolution import (
    DOTTED,
    Statement,
    dotted_name,
    is_docstring,
    module_source,
    package_of,
    split_dotted,
)
from migrator.codemods.member_equivalence import MemberVerdict, compare_members
from migrator.codemods.source_roots import defines_module


class RebaseConfig(CodemodConfig):
    """Parameters of the `rebase` codemod.

    Example plan step:

        - codemod: rebase
          class: app.container.AppContainer
          bases: [common.core.container.CommonContainer]
          drop_inherited: true
          keep: [metrics_service]
          super_init: "super().__init__(settings, shutdown_coordinator)"
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    class_: str = Field(
        alias="class",
        description="Dotted path of the class: its module, then its name (`app.config.Settings`).",
    )
    bases: list[str] = Field(
        min_length=1,
        description=(
            "The new bases, in order, each `module.Name` or `module.Name as Alias` "
            "(`common.metrics.service.MetricsService as BaseMetricsService`). A base with "
            "the class's own name and no alias is imported as `Base<Name>`."
        ),
    )
    drop_inherited: bool = Field(
        default=False,
        description=(
            "Remove class-body members a new base already defines the same way (read from "
            "the bases' source in the target tree); members that differ stay as overrides, "
            "as do methods calling super() and members the base builds from one the class "
            "keeps."
        ),
    )
    keep: list[str] = Field(
        default_factory=list, description="Members never dropped, even if a base defines them."
    )
    drop: list[str] = Field(
        default_factory=list,
        description="Members always dropped, whether or not a base defines them.",
    )
    super_init: str | None = Field(
        default=None,
        description=(
            "A statement such as `super().__init__(settings)`, inserted first in `__init__` "
            "(after its docstring) when `__init__` does not call super().__init__ yet."
        ),
    )

    @field_validator("class_")
    @classmethod
    def _class_path(cls, value: str) -> str:
        if not DOTTED.match(value) or "." not in value:
            raise ValueError(f"{value!r} is not `module.ClassName`")
        return value

    @field_validator("bases")
    @classmethod
    def _base_specs(cls, value: list[str]) -> list[str]:
        for text in value:
            BaseSpec.parse(text)
        return value

    @field_validator("super_init")
    @classmethod
    def _statement(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                cst.parse_statement(value.strip() + "\n")
            except cst.ParserSyntaxError as exc:
                raise ValueError(f"super_init does not parse: {exc.message}") from exc
        return value


@register
class Rebase(Codemod[RebaseConfig]):
    name = "rebase"
    description = "Change a class's bases; drop the members the new bases already define."
    Config = RebaseConfig

    @property
    def module(self) -> str:
        return split_dotted(self.config.class_)[0]

    @property
    def class_name(self) -> str:
        return split_dotted(self.config.class_)[1]

    def selects(self, path: str) -> bool:
        return super().selects(path) and defines_module(path, self.module, self.source_roots)

    def may_apply(self, source: str) -> bool:
        return f"class {self.class_name}" in source

    def specs(self) -> list[BaseSpec]:
        specs = [BaseSpec.parse(text) for text in self.config.bases]
        return [
            BaseSpec(s.module, s.name, f"Base{s.name}")
            if s.alias is None and s.name == self.class_name
            else s
            for s in specs
        ]

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        if file.module != self.module:
            return module, 0
        node = find_class(module, self.class_name)
        if node is None:
            return module, 0
        specs = self.specs()
        owners = self._member_owners(specs)
        verdicts = self.verdicts(file.text if file.text is not None else module.code, file)
        drops = {v.name for v in verdicts if v.dropped}
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        context = CodemodContext(
            full_module_name=file.module, full_package_name=package_of(file), wrapper=wrapper
        )
        scopes = wrapper.resolve(ScopeProvider)
        rewrites = 0

        new_bases = _bases_args(node, specs)
        bases_changed = not _same_bases(node.bases, new_bases)
        if bases_changed:
            rewrites += 1
            for arg in node.bases:
                RemoveImportsVisitor.remove_unused_import_by_node(context, arg.value)
            for spec in specs:
                AddImportsVisitor.add_needed_import(context, spec.module, spec.name, spec.alias)

        requalify: dict[int, cst.BaseExpression] = {}
        body = class_body(node)
        dropped = [stmt for stmt in body if (names := member_names(stmt)) and set(names) <= drops]
        if dropped:
            # one pass over all dropped members (each visitor construction is costly)
            RemoveImportsVisitor.remove_unused_import_by_node(
                context, cst.IndentedBlock(body=dropped)
            )
        inside_dropped = {id(n) for s in dropped for n in _names_in(s)}
        unsafe = {v.name: v for v in verdicts if v.dropped and v.reads_redeclared}
        for stmt in dropped:
            rewrites += 1
            for member in member_names(stmt):
                owner = _owner_local(member, owners, specs)
                refs = _class_scope_references(stmt, member, scopes, inside_dropped)
                if refs and member in unsafe:
                    raise CodemodRefused(_unsafe_drop(self.class_name, owner, unsafe[member]))
                for ref in refs:
                    requalify[id(ref)] = cst.Attribute(value=cst.Name(owner), attr=cst.Name(member))

        rewriter = _ClassRewriter(
            node,
            new_bases if bases_changed else None,
            {id(s) for s in dropped},
            requalify,
            self.config.super_init,
        )
        new = module.visit(rewriter)
        rewrites += rewriter.rewrites
        if not rewrites:
            return module, 0
        # add first: a new import then inherits the gap of an old one removed above it
        new = remove_scheduled_imports(new.visit(TopImportsAdder(context)), context)
        return place_new_imports(module, new, self.import_order, file), rewrites

    def _member_owners(self, specs: list[BaseSpec]) -> dict[str, BaseSpec]:
        """Member name -> the first new base that defines it (in the tree)."""
        owners: dict[str, BaseSpec] = {}
        for spec in specs:
            for member in inherited_members(self.root, spec.module, spec.name):
                owners.setdefault(member, spec)
        return owners

    def bases_chain(self) -> list[ClassSource]:
        """The new bases and their own bases in the tree, in lookup order."""
        chain: dict[str, ClassSource] = {}
        for spec in self.specs():
            for source in class_chain(self.root, spec.module, spec.name):
                chain.setdefault(source.dotted, source)
        return list(chain.values())

    def verdicts(self, source: str, file: SourceFile) -> list[MemberVerdict]:
        """What becomes of each member a new base defines or `drop` names (see `compare_members`)."""
        own = ClassSource(file.module, self.class_name, source, file.is_package)
        try:
            return compare_members(
                own,
                self.bases_chain(),
                keep=self.config.keep,
                drop=self.config.drop,
                drop_equivalent=self.config.drop_inherited,
            )
        except ValueError as exc:
            raise CodemodRefused(str(exc)) from exc

    def notes(self) -> list[str]:
        path = module_source(self.root, self.module)
        if path is None or not self.selects(path.relative_to(self.root).as_posix()):
            return []
        file = module_name_for(path.relative_to(self.root).as_posix(), self.source_roots)
        source = path.read_text(encoding="utf-8", errors="replace")
        if f"class {self.class_name}" not in source:
            return []
        try:
            verdicts = self.verdicts(source, file)
        except CodemodRefused:
            return []  # the run reports it
        return [v.describe(self.class_name) for v in verdicts]


def _unsafe_drop(class_name: str, owner: str, verdict: MemberVerdict) -> str:
    reads = ", ".join(verdict.reads_redeclared)
    return (
        f"{class_name} reads {verdict.name}, which drop: removes, but {owner}.{verdict.name} "
        f"is built from {reads}, which {class_name} re-declares, so it is not the "
        f"{verdict.name} {class_name} ends up with (keep {verdict.name}, or drop {reads} too)"
    )


def _owner_local(member: str, owners: dict[str, BaseSpec], specs: list[BaseSpec]) -> str:
    spec = owners.get(member, specs[0])
    return spec.local


def _bases_args(node: cst.ClassDef, specs: list[BaseSpec]) -> list[cst.Arg]:
    args = []
    for i, spec in enumerate(specs):
        last = i == len(specs) - 1
        comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
        if not last or node.keywords:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args.append(cst.Arg(value=cst.Name(spec.local), comma=comma))
    if node.bases and args:
        # the old last base's comma carries the layout towards `)` or the keywords
        args[-1] = args[-1].with_changes(comma=node.bases[-1].comma)
    return args


def _same_bases(old: Sequence[cst.Arg], new: list[cst.Arg]) -> bool:
    return [dotted_name(a.value) for a in old] == [dotted_name(a.value) for a in new]


def _class_scope_references(stmt, member, scopes, inside_dropped: set[int]) -> list[cst.Name]:
    """Names in the class body (outside dropped statements) that read the dropped `member`."""
    target = _defining_name(stmt, member)
    if target is None:
        return []
    scope = scopes.get(target)
    if scope is None:
        return []
    refs = []
    for assignment in scope.assignments[member]:
        for access in assignment.references:
            node = access.node
            if isinstance(node, cst.Name) and id(node) not in inside_dropped:
                refs.append(node)
    return refs


def _defining_name(stmt: Statement, member: str) -> cst.CSTNode | None:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return stmt.name
    for small in getattr(stmt, "body", ()):
        if isinstance(small, cst.Assign):
            for t in small.targets:
                if isinstance(t.target, cst.Name) and t.target.value == member:
                    return t.target
        elif (
            isinstance(small, cst.AnnAssign)
            and isinstance(small.target, cst.Name)
            and small.target.value == member
        ):
            return small.target
    return None


def _names_in(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.append(n)

    node.visit(_Names())
    return found


class _ClassRewriter(cst.CSTTransformer):
    def __init__(
        self,
        target: cst.ClassDef,
        new_bases: list[cst.Arg] | None,
        dropped: set[int],
        requalify: dict[int, cst.BaseExpression],
        super_init: str | None,
    ) -> None:
        super().__init__()
        self.target = target
        self.new_bases = new_bases
        self.dropped = dropped
        self.requalify = requalify
        self.super_init = super_init
        self.rewrites = 0

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        replacement = self.requalify.get(id(original_node))
        if replacement is None:
            return updated_node
        self.rewrites += 1
        return replacement

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        if original_node is not self.target:
            return updated_node
        changes: dict[str, object] = {}
        if self.new_bases is not None:
            changes["bases"] = self.new_bases
            if isinstance(updated_node.lpar, cst.MaybeSentinel):
                changes["lpar"] = cst.LeftParen()
                changes["rpar"] = cst.RightParen()
        body = updated_node.body
        if isinstance(body, cst.IndentedBlock):
            statements = drop_statements(
                class_body(original_node), body.body, self.dropped, indented=True
            )
            if self.super_init is not None:
                statements = self._with_super_init(statements)
            changes["body"] = body.with_changes(body=statements)
        return updated_node.with_changes(**changes)

    def _with_super_init(self, statements: list[Statement]) -> list[Statement]:
        assert self.super_init is not None
        out = []
        for stmt in statements:
            if (
                isinstance(stmt, cst.FunctionDef)
                and stmt.name.value == "__init__"
                and isinstance(stmt.body, cst.IndentedBlock)
                and "super().__init__" not in cst.Module(body=[]).code_for_node(stmt.body)
                and "super(" not in cst.Module(body=[]).code_for_node(stmt.body)
            ):
                inner = list(stmt.body.body)
                at = 1 if inner and is_docstring(inner[0]) else 0
                inner.insert(at, cst.parse_statement(self.super_init.strip() + "\n"))
                stmt = stmt.with_changes(body=stmt.body.with_changes(body=inner))
                self.rewrites += 1
            out.append(stmt)
        return out
