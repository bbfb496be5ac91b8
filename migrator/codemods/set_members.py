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

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrator.codemods.base import Codemod, CodemodConfig, SourceFile, register
from migrator.codemods.class_members import (
    class_body,
    find_class,
    inherited_members,
    member_names,
    resolve_base,
)
from migrator.codemods.import_edits import TopImportsAdder
from migrator.codemods.import_resolution import (
    DOTTED,
    Statement,
    is_docstring,
    package_of,
    parse_import_line,
    split_dotted,
)


class MemberSnippet(BaseModel):
    """One member to set."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        description=(
            "One class-body statement written at column 0 (comment lines above it allowed), "
            "e.g. `s3_service = providers.Factory(S3Service, settings=CommonContainer.config.provided)`."
        )
    )
    imports: list[str] = Field(
        default_factory=list,
        description="Import lines the code needs, e.g. `from common.storage.s3_service import S3Service`.",
    )

    @field_validator("code")
    @classmethod
    def _one_member(cls, value: str) -> str:
        snippet_statement(value)
        return value

    @field_validator("imports")
    @classmethod
    def _imports(cls, value: list[str]) -> list[str]:
        for line in value:
            parse_import_line(line)
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
        stem = self.module.replace(".", "/")
        return super().selects(path) and path in (f"{stem}.py", f"{stem}/__init__.py")

    def may_apply(self, source: str) -> bool:
        return f"class {self.class_name}" in source

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        if file.module != self.module:
            return module, 0
        node = find_class(module, self.class_name)
        if node is None or not isinstance(node.body, cst.IndentedBlock):
            return module, 0
        inherited = self._inherited(module, node, file)
        body = class_body(node)
        # blank lines between members when the class has them (or has nothing but a docstring)
        spaced = any(
            stmt.leading_lines and stmt.leading_lines[0].comment is None for stmt in body[1:]
        ) or (len(body) == 1 and is_docstring(body[0]))
        insert_at = _after_inherited_block(body, inherited)
        rewrites = 0
        context = CodemodContext(full_module_name=file.module, full_package_name=package_of(file))
        for snippet in self.config.members:
            stmt, name = snippet_statement(snippet.code)
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
            else:
                # a class body runs top to bottom: go below the members the snippet reads
                at = max(insert_at, _after_definitions(body, _names_read(stmt)))
                if spaced and at > 0:
                    stmt = stmt.with_changes(
                        leading_lines=[cst.EmptyLine(indent=False), *stmt.leading_lines]
                    )
                body.insert(at, stmt)
                if at == insert_at:
                    insert_at += 1
                rewrites += 1
                if at + 1 < len(body) and spaced and not body[at + 1].leading_lines:
                    body[at + 1] = body[at + 1].with_changes(
                        leading_lines=[cst.EmptyLine(indent=False)]
                    )
            for line in snippet.imports:
                for mod, obj, asname in parse_import_line(line):
                    AddImportsVisitor.add_needed_import(context, mod, obj, asname)
        if not rewrites:
            return module, 0
        new_class = node.with_changes(body=node.body.with_changes(body=body))
        new = module.with_changes(body=[new_class if s is node else s for s in module.body])
        return new.visit(TopImportsAdder(context)), rewrites

    def _inherited(self, module: cst.Module, node: cst.ClassDef, file: SourceFile) -> set[str]:
        names: set[str] = set()
        path = Path(self.root) / file.path
        for arg in node.bases:
            target = resolve_base(module, file.module, path, Path(self.root), arg.value)
            if target is not None:
                names.update(inherited_members(Path(self.root), *target))
        return names


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
