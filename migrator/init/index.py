"""What a tree of Python modules defines and uses: every module read by `migrator.init.reader`.

`index_tree` indexes a folder (the app, or a rendered template) and gives each module the
names it re-exports or aliases as its own, so `ShutdownCoordinator = LifecycleCoordinator`
in one module offers the class under that name.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from migrator.codemods.source_roots import source_roots
from migrator.init.definitions import ModuleIndex
from migrator.init.reader import index_source

_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}


# -- reading a tree -------------------------------------------------------------------------
def python_files(root: Path) -> list[str]:
    """The `.py` files below root, relative and posix: git's list when root is in a work
    tree (tracked and untracked but not ignored), else a walk that skips hidden folders,
    virtual environments and caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=root, capture_output=True, check=False,
    )
    if listed.returncode == 0:
        paths = {p for p in listed.stdout.decode("utf-8", "replace").split("\0") if p}
        return sorted(p for p in paths if (root / p).is_file() and _importable(p))
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in _SKIPPED_DIRS and not (here / d / "pyvenv.cfg").exists()
        )
        for name in filenames:
            rel = (here / name).relative_to(root).as_posix()
            if name.endswith(".py") and _importable(rel):
                found.append(rel)
    return sorted(found)


def _importable(path: str) -> bool:
    """Every segment is an identifier (alembic/versions/0001_x.py is not a module)."""
    parts = path[: -len(".py")].split("/")
    return all(p.isidentifier() for p in parts)


def index_tree(root: Path, paths: Iterable[str] | None = None) -> dict[str, ModuleIndex]:
    """Module name -> index, for every Python file below root that parses, with the names
    each module re-exports or aliases materialised as its own (see `follow_reexports`)."""
    modules: dict[str, ModuleIndex] = {}
    roots = source_roots(root)
    for rel in python_files(root) if paths is None else paths:
        try:
            source = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        index = index_source(source, rel, roots)
        if index is not None:
            modules[index.module] = index
    follow_reexports(modules)
    return modules


def follow_reexports(modules: dict[str, ModuleIndex], rounds: int = 5) -> None:
    """Give each module the definitions it exposes under its own names: aliases
    (`ShutdownCoordinator = LifecycleCoordinator`) and names in `__all__` it imports from
    another module of the tree. Chains are followed `rounds` deep."""
    for _ in range(rounds):
        changed = False
        for index in modules.values():
            wanted = dict(index.aliases)
            wanted.update({n: index.imports[n] for n in index.exports if n in index.imports})
            for name, target in wanted.items():
                owner = modules.get(target.rpartition(".")[0])
                changed |= owner is not None and _adopt(index, name, owner, target.rpartition(".")[2])
        if not changed:
            return


def _adopt(index: ModuleIndex, name: str, owner: ModuleIndex, attr: str) -> bool:
    if name in index.classes or name in index.functions or name in index.blueprints:
        return False
    if attr in owner.classes:
        index.classes[name] = replace(owner.classes[attr], name=name)
    elif attr in owner.functions and not owner.functions[attr].routes:  # a view stays where it is served
        index.functions[name] = replace(owner.functions[attr], name=name)
    elif attr in owner.blueprints:
        index.blueprints[name] = owner.blueprints[attr]
    else:
        return False
    return True
