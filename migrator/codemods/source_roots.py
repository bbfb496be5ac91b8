"""Where a target's top-level modules live: the target itself, or `src/` in a src layout.

A project with `src/svc/__init__.py` and no `src/__init__.py` imports its package as
`svc`, not `src.svc`: `src/` is a source root, as pytest's `pythonpath`, setuptools'
`where` and ruff's `src` say it is. Module names and files are mapped through the roots,
so `src/svc/di.py` is the module `svc.di`, and `svc.di` is found in `src/svc/di.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

SRC = "src"


def source_roots(root: Path | None) -> tuple[str, ...]:
    """The target-relative folders (besides the target itself) that hold top-level modules."""
    if root is None:
        return ()
    src = root / SRC
    if src.is_dir() and not (src / "__init__.py").exists():
        return (SRC,)
    return ()


def strip_root(path: str, roots: Sequence[str]) -> str:
    """`svc/di.py` for `src/svc/di.py` when `src` is a root; other paths as they are."""
    for source_root in roots:
        if path.startswith(source_root + "/"):
            return path[len(source_root) + 1 :]
    return path


def module_stems(module: str, roots: Sequence[str]) -> list[str]:
    """The target-relative paths (without `.py`) a module may live at, the target's first."""
    stem = module.replace(".", "/")
    return [stem, *(f"{source_root}/{stem}" for source_root in roots)]


def defines_module(path: str, module: str, roots: Sequence[str]) -> bool:
    """Whether the target-relative `path` is the file of `module`."""
    return any(path in (f"{stem}.py", f"{stem}/__init__.py") for stem in module_stems(module, roots))


def module_file(root: Path, module: str) -> Path | None:
    """The file defining `module` in the tree at `root` (`a/b.py` or `a/b/__init__.py`,
    directly or under a source root)."""
    if not module:
        return None
    for stem in module_stems(module, source_roots(root)):
        base = root / stem
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None
