"""`set_members`: add or replace class-body members from code snippets, with their imports.

Each snippet is one class-body statement (an assignment such as a provider override, an
annotated field, a method or a nested class), optionally preceded by comment lines.
A member the class already defines is replaced where it stands; a new one goes right
after the block of inherited-member overrides at the top of the body (after the
docstring when there is none), in the order given, but never above a class-body member
its code reads (a class body runs top to bottom); members are separated by blank lines
when the class's members are. The imports each snippet declares are added unless present.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import cast

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import MetadataWrapper, ScopeProvider
from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrator.codemods.base import Codemod, CodemodConfig, CodemodRefused, SourceFile, register
from migrator.codemods.class_members import (
    ClassSource,
    class_body,
    class_chain,
    find_class,
    member_names,
    resolve_base,
)
from migrator.codemods.import_edits import DropBindings, TopImportsAdder, remove_scheduled_imports
from migrator.codemods.import_placement import place_new_imports
from migrator.codemods.import_resolution import (
    DOTTED,
    ImportLines,
    Statement,
    descendants,
    dotted_name,
    is_docstring,
    package_of,
    parse_import_line,
    split_dotted,
)
from migrator.codemods.member_equivalence import base_reads
from migrator.codemods.source_roots import defines_module


class MemberSnippet(BaseModel):
    """One member to set."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description=(
            "One class-body statement written at column 0 (comment lines above it allowed), "
            "e.g. `s3_service = providers.Factory(S3Service, settings=CommonContainer.config.provided)`."
        )
    )
    imports: ImportLines = Field(
        default_factory=list,
        description="Import lines the code needs, e.g. `from common.storage.s3_service import S3Service`.",
    )

    @field_validator("code")
    @classmethod
    def _one_member(cls, value: str) -> str:
        snippet_statement(value)
        return value


class SetMembersConfig(CodemodConfig):
    """Parameters of the `set_members` codemod.

    Example plan step:

        - codemod: set_members
          class: app.container.AppContainer
          members:
            - code: |
                s3_service = providers.Factory(
                    S3Service,
                    settings=CommonContainer.config.provided,
                )
              imports: ["from common.storage.s3_service import S3Service"]
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    class_: str = Field(
        alias="class",
        description="Dotted path of the class: its module, then its name (`app.container.AppContainer`).",
    )
    members: list[MemberSnippet] = Field(min_length=1, description="The members to add or replace.")

    @field_validator("class_")
    @classmethod
    def _class_path(cls, value: str) -> str:
        if not DOTTED.match(value) or "." not in value:
            raise ValueError(f"{value!r} is not `module.ClassName`")
        return value


def snippet_statement(code: str) -> tuple[Statement, str]:
    """The single statement in `code` and the member name it defines (ValueError otherwise)."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"member code does not parse: {exc.message}") from exc
    if len(module.body) != 1:
        raise ValueError("member code must be exactly one statement")
    stmt = module.body[0]
    names = member_names(stmt)
    if len(names) != 1:
        raise ValueError("member code must define exactly one name (an assignment, def or class)")
    if module.header:
        stmt = stmt.with_changes(leading_lines=[*module.header, *stmt.leading_lines])
    return stmt, names[0]


@register
class SetMembers(Codemod[SetMembersConfig]):
    name = "set_members"
    description = "Add or replace class-body members from code snippets, adding their imports."
    Config = SetMembersConfig

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

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        if file.module != self.module:
            return module, 0
        node = find_class(module, self.class_name)
        if node is None or not isinstance(node.body, cst.IndentedBlock):
            return module, 0
        reads = base_reads(self._bases_chain(module, node, file))
        through = {d for arg in node.bases if (d := dotted_name(arg.value)) is not None}
        body = class_body(node)
        original = list(body)
        # blank lines between members when the class has them (or has nothing but a docstring)
        spaced = any(
            stmt.leading_lines and stmt.leading_lines[0].comment is None for stmt in body[1:]
        ) or (len(body) == 1 and is_docstring(body[0]))
        insert_at = _after_inherited_block(body, set(reads))
        rewrites = 0
        context = CodemodContext(
            full_module_name=file.module,
            full_package_name=package_of(file),
            wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        )
        names: list[str] = []
        for snippet in self.config.members:
            stmt, name = snippet_statement(snippet.code)
            names.append(name)
            existing = next((i for i, s in enumerate(body) if name in member_names(s)), None)
            if existing is not None:
                current = body[existing]
                if not stmt.leading_lines:
                    stmt = stmt.with_changes(leading_lines=current.leading_lines)
                else:
                    blank: list[cst.EmptyLine] = []
                    for empty in current.leading_lines:
                        if empty.comment is not None:
                            break
                        blank.append(empty)
                    stmt = stmt.with_changes(leading_lines=[*blank, *stmt.leading_lines])
                if _code(stmt) != _code(current):
                    body[existing] = stmt
                    rewrites += 1
                    if current in original:
                        # the imports only the replaced code used go with it
                        RemoveImportsVisitor.remove_unused_import_by_node(context, current)
            else:
                # a class body runs top to bottom: go below the members the snippet reads,
                # and above those that read it (through a base, until re-pointed below)
                lowest = _after_definitions(body, _names_read(stmt))
                at = max(insert_at, lowest)
                readers = [i for i, s in enumerate(body) if name in _read_through(s, through)]
                if readers and readers[0] < at:
                    at = readers[0]
                    if at < lowest:
                        raise CodemodRefused(
                            f"{self.class_name}.{name} reads members defined below "
                            f"{_code(body[at]).strip().splitlines()[0]!r}, which reads it "
                            "(reorder the class or the snippet's code)"
                        )
                if spaced and at > 0:
                    stmt = stmt.with_changes(
                        leading_lines=[cst.EmptyLine(indent=False), *stmt.leading_lines]
                    )
                body.insert(at, stmt)
                if at <= insert_at:
                    insert_at += 1
                rewrites += 1
                if at + 1 < len(body) and spaced and not body[at + 1].leading_lines:
                    body[at + 1] = body[at + 1].with_changes(
                        leading_lines=[cst.EmptyLine(indent=False)]
                    )
            for line in snippet.imports:
                for mod, obj, asname in parse_import_line(line):
                    AddImportsVisitor.add_needed_import(context, mod, obj, asname)
        body, repointed = _repoint(body, names, through, self.class_name)
        rewrites += repointed
        _refuse_stale_references(body, names, through, reads, self.class_name)
        if not rewrites:
            return module, 0
        new_class = node.with_changes(body=node.body.with_changes(body=body))
        new = module.with_changes(body=[new_class if s is node else s for s in module.body])
        superseded = self._superseded_imports(
            module, context, [s for s in original if s not in body]
        )
        if superseded:
            new = new.visit(DropBindings({("local", name) for name in superseded}))
        new = remove_scheduled_imports(new.visit(TopImportsAdder(context)), context)
        return place_new_imports(module, new, self.import_order, file), rewrites

    def _superseded_imports(
        self, module: cst.Module, context: CodemodContext, replaced: list[Statement]
    ) -> set[str]:
        """Names the snippets import that the module binds to something else already.

        Such an import only the replaced members used goes (the snippet's takes its
        name); one other code uses would change that code's meaning: refused.
        """
        assert context.wrapper is not None
        scope = context.wrapper.resolve(ScopeProvider).get(module)
        if scope is None:
            return set()
        inside = {id(n) for stmt in replaced for n in descendants(stmt)}
        superseded: set[str] = set()
        for snippet in self.config.members:
            for line in snippet.imports:
                for mod, obj, asname in parse_import_line(line):
                    local = asname or obj or mod.partition(".")[0]
                    wanted = f"{mod}.{obj}" if obj else mod
                    for assignment in scope.assignments[local]:
                        origin = _origin(getattr(assignment, "node", None), local, context)
                        if origin == wanted or (
                            obj is None and origin is not None and wanted.startswith(origin)
                        ):
                            continue
                        used = [a for a in assignment.references if id(a.node) not in inside]
                        if origin is None or used:
                            raise CodemodRefused(
                                f"the member code imports {local} from {mod}, but "
                                f"{self.module} binds {local} to "
                                f"{origin or 'its own definition'}, which other code uses "
                                "(point that import at the new module first, or import "
                                "the member's under another name)"
                            )
                        superseded.add(local)
        return superseded

    def _bases_chain(
        self, module: cst.Module, node: cst.ClassDef, file: SourceFile
    ) -> list[ClassSource]:
        """The class's bases and their own bases in the tree, in lookup order."""
        root = Path(self.root)
        chain: dict[str, ClassSource] = {}
        for arg in node.bases:
            target = resolve_base(module, file.module, root / file.path, root, arg.value)
            if target is not None:
                for source in class_chain(root, *target):
                    chain.setdefault(source.dotted, source)
        return list(chain.values())


def _origin(node: cst.CSTNode | None, local: str, context: CodemodContext) -> str | None:
    """What an import binding `local` imports (`module.name`), None for any other binding."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            if alias.evaluated_alias == local:
                return alias.evaluated_name
            if alias.evaluated_alias is None and alias.evaluated_name.partition(".")[0] == local:
                return local
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        base = get_absolute_module_from_package_for_import(context.full_package_name, node)
        for alias in node.names:
            if (alias.evaluated_alias or alias.evaluated_name) == local and base is not None:
                return f"{base}.{alias.evaluated_name}"
    return None


def _read_through(stmt: Statement, through: set[str]) -> set[str]:
    """Members `stmt` reads through one of the class's bases (`m` of `CommonContainer.m`)."""
    found: set[str] = set()

    class _Reads(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if dotted_name(node.value) in through:
                found.add(node.attr.value)

    stmt.visit(_Reads())
    return found


class _Repoint(cst.CSTTransformer):
    def __init__(self, names: set[str], through: set[str]) -> None:
        super().__init__()
        self.names = names
        self.through = through
        self.rewrites = 0

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if (
            original_node.attr.value in self.names
            and dotted_name(original_node.value) in self.through
        ):
            self.rewrites += 1
            return cst.Name(original_node.attr.value)
        return updated_node


def _repoint(
    body: list[Statement], names: list[str], through: set[str], class_name: str
) -> tuple[list[Statement], int]:
    """Point `Base.m` at the class's own `m` for each member `m` the step set.

    dependency-injector binds a provider to the objects its class body names: a
    reference through the base would be the base's provider, not the class's.
    """
    where = {name: next(i for i, s in enumerate(body) if name in member_names(s)) for name in names}
    out = []
    rewrites = 0
    for i, stmt in enumerate(body):
        reads = _read_through(stmt, through) & set(names)
        early = sorted(m for m in reads if where[m] > i)
        if early:
            raise CodemodRefused(
                f"{class_name} reads {early[0]} through its base above the {early[0]} this "
                "step sets (move the member that reads it below, or set it first)"
            )
        later = {m for m in reads if where[m] < i}
        if later:
            repoint = _Repoint(later, through)
            stmt = cast(Statement, stmt.visit(repoint))
            rewrites += repoint.rewrites
        out.append(stmt)
    return out, rewrites


def _refuse_stale_references(
    body: list[Statement],
    names: list[str],
    through: set[str],
    reads: dict[str, set[str]],
    class_name: str,
) -> None:
    """Refuse when a base member the class reads is built from one this step re-declares.

    The base's provider would keep the base's dependency: in the class, that is not the
    provider the class ends up with (two singletons of one name).
    """
    redeclared = set(names) & set(reads)
    defined = {m for s in body for m in member_names(s)}
    for stmt in body:
        for member in sorted(_read_through(stmt, through) - defined):
            stale = sorted(reads.get(member, set()) & redeclared)
            if stale:
                raise CodemodRefused(
                    f"{class_name} reads {member} through its base, which builds it from "
                    f"{', '.join(stale)}, re-declared by this step: the base's {member} is "
                    f"then not the one {class_name} ends up with (add {member} to the members)"
                )


def _after_inherited_block(body: list[Statement], inherited: set[str]) -> int:
    index = 1 if body and is_docstring(body[0]) else 0
    while index < len(body) and (names := member_names(body[index])) and set(names) <= inherited:
        index += 1
    return index


def _names_read(stmt: Statement) -> set[str]:
    names: set[str] = set()

    class _Reads(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)  # `x` in `x.y` is read; `y` is not a name
            return False

        def visit_Name(self, node: cst.Name) -> None:
            names.add(node.value)

    stmt.visit(_Reads())
    return names


def _after_definitions(body: list[Statement], names: set[str]) -> int:
    """Index just past the last body statement that defines one of `names` (0 if none)."""
    index = 0
    for i, stmt in enumerate(body):
        if set(member_names(stmt)) & names:
            index = i + 1
    return index


def _code(stmt: Statement) -> str:
    return cst.Module(body=[stmt]).code
