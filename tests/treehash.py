"""Fingerprints of a git working tree, shared by the engine and the end-to-end tests.

`fingerprint` covers every file below the root except `.git` (tracked, untracked and
ignored alike: contents, modes and symlink targets) plus the refs, HEAD, the index and the
worktree list, so "rolled back byte for byte" and "left untouched" are one comparison.

Import it as `from treehash import fingerprint`; the test folders that use it put `tests/`
on `sys.path` first (see tests/engine/engine_helpers.py and tests/e2e/conftest.py).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def fingerprint(root: Path) -> dict[str, str]:
    """Every file below root except .git (incl. untracked and ignored), modes, links and refs."""
    result: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = f"link:{os.readlink(path)}"
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                result[rel] = f"{oct(path.stat().st_mode)}:{digest}"
    result["<refs>"] = _git(root, "for-each-ref")
    result["<HEAD>"] = (root / ".git" / "HEAD").read_text()
    index = root / ".git" / "index"
    result["<index>"] = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""
    result["<worktrees>"] = str(sorted(p.name for p in (root / ".git").iterdir()
                                       if p.name == "worktrees"))
    return result


def git_dir_fingerprint(root: Path) -> dict[str, str]:
    """Every file under .git (objects only counted): for runs that must leave .git alone."""
    result: dict[str, str] = {}
    objects = 0
    for path in sorted((root / ".git").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".git/objects/"):
            objects += path.is_file()
        elif path.is_file():
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            result[rel] = "dir"
    result["<objects>"] = str(objects)
    return result


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The entries two fingerprints disagree on, for assertion messages."""
    keys = sorted(set(before) | set(after))
    return [f"{key}: {'missing' if key not in before else 'was ' + before[key][:24]} -> "
            f"{'missing' if key not in after else after[key][:24]}"
            for key in keys if before.get(key) != after.get(key)]
