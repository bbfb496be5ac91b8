"""Re-anchor a moved file's relative imports so they name the same modules from its new place.

`from .base_task import BaseTask` in `app/services/task_service.py` names
`app.services.base_task`; moved to `app/tasks/service.py` the same line would name
`app.tasks.base_task`. Each relative `from` import is resolved against the file's old
location, followed through the moves (a module that moves with it is found at its new
home), and written again from the new location: still relative, at the depth of the
deepest package the file and the module share (`from ..services.base_task import
BaseTask`), or absolute when they share none. Only the dots and the module change; the
imported names, aliases, comments and formatting stay. Modules imported by name that all
move to one new package together (`from . import a, b` when both move) are imported from
there; names that move apart or are renamed are left to the `move` codemod, which runs
after this on every file.
"""

from __future__ import annotations

import libcst as cst

from migrator.codemods.base import SourceFile
from migrator.codemods.import_resolution import (
    dotted_name,
    dotted_node,
    import_from_module,
    package_of,
    split_dotted,
)
from migrator.codemods.move import MoveTable


def relative_form(module: str, new_file: SourceFile) -> tuple[int, str]:
    """(dots, module after the dots) naming `module` from `new_file`; 0 dots: absolute."""
    package = package_of(new_file).split(".") if package_of(new_file) else []
    target = module.split(".")
    shared = 0
    while shared < min(len(package), len(target)) and package[shared] == target[shared]:
        shared += 1
    if shared == 0:
        return 0, module
    return len(package) - shared + 1, ".".join(target[shared:])


def reanchor_relative_imports(
    module: cst.Module, old_file: SourceFile, new_file: SourceFile, table: MoveTable
) -> tuple[cst.Module, int]:
    """`module` (the file that moves from `old_file` to `new_file`) with its relative
    imports rewritten for the new place; the number of import statements rewritten."""
    transformer = _Reanchor(old_file, new_file, table)
    return module.visit(transformer), transformer.rewrites


class _Reanchor(cst.CSTTransformer):
    def __init__(self, old_file: SourceFile, new_file: SourceFile, table: MoveTable) -> None:
        super().__init__()
        self.old_file = old_file
        self.new_file = new_file
        self.table = table
        self.rewrites = 0

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        if not updated_node.relative:
            return updated_node
        named = import_from_module(updated_node, self.old_file)
        if not named:
            return updated_node  # it climbs out of the tree already: not ours to guess
        target = self.table.target(named) or self._names_moved_together(named, updated_node) \
            or named
        dots, rest = relative_form(target, self.new_file)
        current = dotted_name(updated_node.module) if updated_node.module is not None else ""
        if (dots, rest) == (len(updated_node.relative), current):
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(
            relative=[cst.Dot() for _ in range(dots)],
            module=dotted_node(rest) if rest else None,
        )

    def _names_moved_together(self, named: str, node: cst.ImportFrom) -> str | None:
        """The one new package every imported name moves to, keeping its name, or None."""
        if isinstance(node.names, cst.ImportStar):
            return None
        parents = set()
        for alias in node.names:
            full = f"{named}.{alias.evaluated_name}"
            hit = self.table.lookup(full)
            if hit is None or hit[0] != full:
                return None
            parent, leaf = split_dotted(hit[1])
            if leaf != alias.evaluated_name:
                return None
            parents.add(parent)
        return parents.pop() if len(parents) == 1 else None
