"""Names a module binds by importing a symbol that moves under a new name.

`svc/infra/__init__.py` doing `from .blobstore import BlobStore` makes `svc.infra.BlobStore`
the same object as `svc.infra.blobstore.BlobStore`, and code elsewhere imports it from
there (`from svc.infra import BlobStore`) or patches it there
(`mock.patch("svc.web.BlobStore")`). When the symbol moves under a new name
(`common.storage.s3_service.S3Service`), `move` rewrites that import to bind the new name,
so `svc.infra.BlobStore` becomes `svc.infra.S3Service`: those paths move with it. Only
where `move` will certainly bind the new name: not when the module binds the old name
again (`BlobStore = None` in an `except ImportError`) or already uses the new one (then
the import keeps the old name with `as`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from migrator.codemods.base import SourceFile, module_name_for
from migrator.codemods.import_resolution import ast_import_from_module, parse_ast, split_dotted
from migrator.codemods.source_roots import source_roots

_ROUNDS = 5
"""Re-exports of re-exports are followed this deep."""


def reexported_moves(root: Path, paths: Iterable[str], moves: dict[str, str],
                     renames_cleanly: Callable[[str, str, str], bool]) -> dict[str, str]:
    """`module.Old -> module.New` for each module among `paths` that imports a renamed
    symbol of `moves` under its old name (directly or through another such module).
    `renames_cleanly(text, old, new)`: `move` will bind `new` in place of `old` there."""
    renamed = {old: new for old, new in moves.items() if split_dotted(old)[1] != split_dotted(new)[1]}
    if not renamed:
        return {}
    leaves = {split_dotted(old)[1] for old in renamed}
    roots = source_roots(root)
    trees = []
    for path in paths:
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if any(leaf in text for leaf in leaves) and (tree := parse_ast(text)) is not None:
            trees.append((module_name_for(path, roots), tree, text))
    found: dict[str, str] = {}
    for _ in range(_ROUNDS):
        known = {**renamed, **found}
        new = {
            f"{file.module}.{local}": f"{file.module}.{split_dotted(known[full])[1]}"
            for file, tree, text in trees
            for full, local in _plain_from_imports(tree, file)
            if full in known and f"{file.module}.{local}" not in moves
            and not _binds_again(tree, local)
            and renames_cleanly(text, local, split_dotted(known[full])[1])
        }
        if new.keys() <= found.keys():
            break
        found.update(new)
    return found


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try)):
            for block in (stmt.body, stmt.orelse, getattr(stmt, "finalbody", [])):
                yield from _module_level(block)
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


def _plain_from_imports(tree: ast.Module, file: SourceFile) -> Iterator[tuple[str, str]]:
    """(imported dotted path, local name) of the module-level `from x import Name` (no `as`)."""
    for stmt in _module_level(tree.body):
        if isinstance(stmt, ast.ImportFrom):
            base = ast_import_from_module(stmt, file)
            if base is None:
                continue
            for alias in stmt.names:
                if alias.asname is None and alias.name != "*":
                    yield (f"{base}.{alias.name}" if base else alias.name), alias.name


def _binds_again(tree: ast.Module, name: str) -> bool:
    for stmt in _module_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
            return True
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
                return True
    return False
