"""`rename`: give a module-level symbol a new name, in its definition and everywhere it is used.

In the defining module the definition (class, function or assignment), every reference
that resolves to it, `__all__` entries and string annotations are renamed. In every other
file the symbol is handled as a `move` to the same module under the new name: imports
(absolute or relative, aliased or not), uses of a non-aliased import
(`Provide[ServiceContainer.part_service]`), attribute chains and dotted strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider
from pydantic import Field, field_validator

from migrator.codemods.base import Codemod, CodemodConfig, SourceFile, register
from migrator.codemods.import_resolution import DOTTED, split_dotted
from migrator.codemods.move import MoveTable, apply_moves, renames_cleanly
from migrator.codemods.names import (
    binding_problem,
    dotted_problem,
    dotted_schema,
    identifier_schema,
)
from migrator.codemods.reexports import reexported_moves


class RenameConfig(CodemodConfig):
    """Parameters of the `rename` codemod.

    Example plan step:

        - codemod: rename
          symbol: app.container.ServiceContainer
          to: AppContainer
    """

    symbol: str = Field(
        description="Dotted path of the symbol: its module, then its name (`app.container.ServiceContainer`).",
        json_schema_extra=dotted_schema(min_segments=2),
    )
    to: str = Field(description="The new name, a plain identifier (`AppContainer`).",
                    json_schema_extra=identifier_schema())

    @field_validator("symbol")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not DOTTED.match(value) or "." not in value:
            raise ValueError(f"{value!r} is not `module.Name`")
        problem = dotted_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("to")
    @classmethod
    def _identifier(cls, value: str) -> str:
        problem = binding_problem(value)
        if problem:
            raise ValueError(problem)
        return value


@register
class Rename(Codemod[RenameConfig]):
    name = "rename"
    description = "Rename a module-level symbol: its definition, imports, references and strings."
    Config = RenameConfig

    @property
    def defining_module(self) -> str:
        return split_dotted(self.config.symbol)[0]

    @property
    def old_name(self) -> str:
        return split_dotted(self.config.symbol)[1]

    @property
    def moves(self) -> dict[str, str]:
        return {self.config.symbol: f"{self.defining_module}.{self.config.to}"}

    def __init__(self, config: RenameConfig, root: Path) -> None:
        super().__init__(config, root)
        self.reexported: dict[str, str] = {}
        """Paths the tree re-exports the symbol under (see `reexports`): they move too."""

    def prepare(self, paths: Sequence[str]) -> None:
        self.reexported = reexported_moves(self.root, paths, self.moves, renames_cleanly)

    def may_apply(self, source: str) -> bool:
        return self.old_name in source

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        if self.old_name == self.config.to:
            return module, 0
        table = MoveTable.of({**self.reexported, **self.moves})
        module, rewrites = apply_moves(module, file, table, self.root, self.import_order)
        if file.module == self.defining_module:
            module, n = rename_definition(module, self.old_name, self.config.to)
            rewrites += n
        return module, rewrites


def rename_definition(module: cst.Module, old: str, new: str) -> tuple[cst.Module, int]:
    """Rename the module-level binding `old` and every reference that resolves to it."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    global_scope = scopes[module]
    if global_scope is None:
        return module, 0
    names: set[int] = set()
    for assignment in global_scope.assignments[old]:
        node = getattr(assignment, "node", None)
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
            names.add(id(node.name))
        elif isinstance(node, cst.Name):
            names.add(id(node))
        else:
            continue  # an import of the old name is the move's business
        for access in assignment.references:
            names.add(id(access.node))
    if not names:
        return module, 0
    renamer = _DefinitionRenamer(names, old, new)
    return module.visit(renamer), renamer.rewrites


class _DefinitionRenamer(cst.CSTTransformer):
    def __init__(self, names: set[int], old: str, new: str) -> None:
        super().__init__()
        self.names = names
        self.old = old
        self.new = new
        self.rewrites = 0
        self._strings_depth = 0

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if id(original_node) not in self.names:
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(value=self.new)

    # `__all__` entries and string annotations name the symbol in text
    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._strings_depth += 1

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        self._strings_depth -= 1
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        if _assigns_all(node):
            self._strings_depth += 1

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if _assigns_all(original_node):
            self._strings_depth -= 1
        return updated_node

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if _assigns_all(node):
            self._strings_depth += 1

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        if _assigns_all(original_node):
            self._strings_depth -= 1
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if not self._strings_depth:
            return updated_node
        prefix = updated_node.prefix
        quote = updated_node.quote
        content = updated_node.value[len(prefix) + len(quote) : -len(quote)]
        first, dot, rest = content.partition(".")
        if first != self.old or not DOTTED.match(content):
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(value=f"{prefix}{quote}{self.new}{dot}{rest}{quote}")


def _assigns_all(node: cst.Assign | cst.AugAssign) -> bool:
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    return any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets)
