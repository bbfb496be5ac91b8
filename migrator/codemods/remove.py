"""`remove`: delete named classes, functions, methods or test functions, and the imports
only they used.

Each entry is a dotted path: the module, then the name inside it
(`tests.test_health.test_readyz_checks_the_database`, `tests.test_app.TestS3.test_upload`,
`app.utils.helpers.legacy_slugify`). The statement goes with the comment lines directly
above it; the blank lines around it are kept tidy, and a class left without members gets
`pass`. A module-level function or class the rest of the module still uses is not
removed: the codemod refuses, naming the use. A name not found is left to the step
report ("not found, nothing to remove"), so a second run changes nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from functools import cached_property

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, ScopeProvider
from pydantic import Field, field_validator

from migrator.codemods.base import (
    Codemod,
    CodemodConfig,
    CodemodRefused,
    SourceFile,
    module_name_for,
    register,
)
from migrator.codemods.blocks import drop_statements
from migrator.codemods.import_edits import remove_scheduled_imports
from migrator.codemods.import_placement import place_new_imports
from migrator.codemods.import_resolution import (
    DOTTED,
    descendants,
    module_source,
    package_of,
    parse_ast,
)

_DEFINITIONS = (cst.ClassDef, cst.FunctionDef)


class RemoveConfig(CodemodConfig):
    """Parameters of the `remove` codemod.

    Example plan step:

        - codemod: remove
          symbols:
            - tests.test_app_factory.test_s3_client_is_created_lazily
            - tests.test_services.TestConnectionManager
    """

    symbols: list[str] = Field(
        min_length=1,
        description=(
            "Dotted paths of what to delete: the module, then a class, function or test "
            "function in it, or a method of a class (`tests.test_app.TestS3.test_upload`)."
        ),
    )

    @field_validator("symbols")
    @classmethod
    def _dotted(cls, value: list[str]) -> list[str]:
        for path in value:
            if not DOTTED.match(path) or "." not in path:
                raise ValueError(f"{path!r} is not `module.Name` or `module.Class.method`")
        return value


@register
class Remove(Codemod[RemoveConfig]):
    name = "remove"
    description = (
        "Delete named classes, functions, methods or tests, and the imports only they used."
    )
    Config = RemoveConfig

    @cached_property
    def modules(self) -> frozenset[str]:
        """Every module an entry may name (each dotted prefix of an entry)."""
        out: set[str] = set()
        for path in self.config.symbols:
            parts = path.split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return frozenset(out)

    def selects(self, path: str) -> bool:
        return super().selects(path) and module_name_for(path, self.source_roots).module in self.modules

    def may_apply(self, source: str) -> bool:
        return any(path.rpartition(".")[2] in source for path in self.config.symbols)

    def targets(self, module: str) -> list[list[str]]:
        """The qualified names (`["TestS3", "test_upload"]`) the entries name in `module`."""
        return [
            path[len(module) + 1 :].split(".")
            for path in self.config.symbols
            if path.startswith(module + ".")
        ]

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        found = [node for qual in self.targets(file.module) if (node := _find(module, qual))]
        if not found:
            return module, 0
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        _refuse_if_used(wrapper, module, found)
        context = CodemodContext(
            full_module_name=file.module, full_package_name=package_of(file), wrapper=wrapper
        )
        for node in found:
            RemoveImportsVisitor.remove_unused_import_by_node(context, node)
        new = module.visit(_Remover({id(node) for node in found}))
        new = remove_scheduled_imports(new, context)
        return place_new_imports(module, new, self.import_order, file), len(found)

    def notes(self) -> list[str]:
        notes = []
        for path in self.config.symbols:
            if not self._exists(path):
                notes.append(f"{path}: not found, nothing to remove")
        return notes

    def _exists(self, path: str) -> bool:
        parts = path.split(".")
        for i in range(len(parts) - 1, 0, -1):
            source = module_source(self.root, ".".join(parts[:i]))
            if source is None:
                continue
            tree = parse_ast(source.read_text(encoding="utf-8", errors="replace"))
            return tree is not None and _ast_find(tree.body, parts[i:])
        return False


def _find(module: cst.Module, qual: list[str]) -> cst.CSTNode | None:
    body: Sequence[cst.CSTNode] = module.body
    node: cst.CSTNode | None = None
    for name in qual:
        node = next((s for s in body if isinstance(s, _DEFINITIONS) and s.name.value == name), None)
        if node is None:
            return None
        inner = getattr(node, "body", None)
        body = inner.body if isinstance(inner, cst.IndentedBlock) else ()
    return node


def _ast_find(body: list[ast.stmt], qual: list[str]) -> bool:
    for name in qual:
        node = next(
            (
                s
                for s in body
                if isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and s.name == name
            ),
            None,
        )
        if node is None:
            return False
        body = node.body
    return True


def _refuse_if_used(wrapper: MetadataWrapper, module: cst.Module, found: list[cst.CSTNode]) -> None:
    """A module-level definition the rest of the module still uses stays: refused."""
    scopes = wrapper.resolve(ScopeProvider)
    inside = {id(n) for node in found for n in descendants(node)}
    for node in found:
        assert isinstance(node, _DEFINITIONS)
        scope = scopes.get(node)
        if scope is None or scope is not scope.globals:
            continue  # a method: `self.x` is not traced by name
        name = node.name.value
        for assignment in scope.assignments[name]:
            for access in assignment.references:
                if id(access.node) not in inside:
                    line = cst.Module(body=[]).code_for_node(access.node)
                    raise CodemodRefused(
                        f"{name} is still used in its module ({line!r} outside what is "
                        "removed): remove that use too, or keep it"
                    )


class _Remover(cst.CSTTransformer):
    def __init__(self, dropped: set[int]) -> None:
        super().__init__()
        self.dropped = dropped

    def on_visit(self, node: cst.CSTNode) -> bool:
        # only blocks hold what is removed; expressions need no visit
        return isinstance(node, (cst.Module, cst.IndentedBlock, cst.ClassDef))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(id(s) in self.dropped for s in original_node.body):
            return updated_node
        body = drop_statements(original_node.body, updated_node.body, self.dropped, indented=True)
        return updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not any(id(s) in self.dropped for s in original_node.body):
            return updated_node
        body = drop_statements(original_node.body, updated_node.body, self.dropped, indented=False)
        return updated_node.with_changes(body=body)
