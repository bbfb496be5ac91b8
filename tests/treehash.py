"""Fingerprints of a git working tree, shared by the engine and the end-to-end tests.

`fingerprint` covers every file and folder below the root except `.git` (tracked,
untracked and ignored alike: contents, exact modes, symlink targets, folder modes, empty
folders) plus the refs, HEAD, the index and the worktree list, so "rolled back byte for
byte" and "left untouched" are one comparison.

`git_dir_fingerprint` hashes every file under `.git` (objects counted): for runs that must
leave `.git` alone (dry runs, refused runs). `git_state_fingerprint` hashes what a run and
its rollback must leave as they were in `.git`: everything except the object store, the
reflogs and the migrator's own folder (attempt patches are kept there on purpose).

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


def _git_dir(root: Path) -> Path:
    """The repository's own git folder (`.git`, or a linked worktree's folder)."""
    return Path(_git(root, "rev-parse", "--absolute-git-dir").strip())


def fingerprint(root: Path) -> dict[str, str]:
    """Every file and folder below root except .git (incl. untracked and ignored), modes,
    links, empty folders, and the refs, HEAD, index and worktree list."""
    result: dict[str, str] = {"<root>/": oct(root.stat().st_mode)}
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in dirnames:
            dirnames.remove(".git")
        if ".git" in filenames and Path(dirpath) == root:
            filenames.remove(".git")  # a linked worktree's pointer to its git folder
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = f"link:{os.readlink(path)}"
            elif path.is_dir():
                result[rel + "/"] = f"dir:{oct(path.stat().st_mode)}"
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                result[rel] = f"{oct(path.stat().st_mode)}:{digest}"
    git_dir = _git_dir(root)
    result["<refs>"] = _git(root, "for-each-ref")
    result["<HEAD>"] = (git_dir / "HEAD").read_text()
    index = git_dir / "index"
    result["<index>"] = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""
    result["<worktrees>"] = _git(root, "worktree", "list", "--porcelain")
    return result


def git_dir_fingerprint(root: Path) -> dict[str, str]:
    """Every file under the git folder (objects only counted): for runs that must leave
    .git alone."""
    return _hash_git_dir(_git_dir(root), skip=(), count=True)


def git_state_fingerprint(root: Path) -> dict[str, str]:
    """Everything under the git folder a run plus its rollback must leave as it was: refs,
    HEAD, index, config, hooks, info, stash, worktree registrations. Not compared: new
    objects, reflogs, the migrator's own folders (its journal, and the attempt patches it
    keeps on purpose) and the folders of per-worktree refs (`refs/worktree/`, where its
    checkpoint refs live while a run is recorded), its own or a linked worktree's."""
    skip = ("logs", "migrator")
    return {**_hash_git_dir(_git_dir(root), skip=skip, count=False),
            "<refs>": _git(root, "for-each-ref"), "<stash>": _git(root, "stash", "list")}


def _hash_git_dir(git_dir: Path, skip: tuple[str, ...], count: bool) -> dict[str, str]:
    result: dict[str, str] = {}
    counted = 0
    for path in sorted(git_dir.rglob("*")):
        rel = path.relative_to(git_dir).as_posix()
        if rel == "objects" or rel.startswith("objects/"):
            counted += path.is_file()
            continue
        parts = rel.split("/")
        if any(part in skip for part in parts):
            continue
        if skip and ("refs/worktree" in rel or (parts[0] == "worktrees" and parts[2:] == ["refs"])):
            continue
        key = f".git/{rel}"
        if path.is_file():
            result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            result[key] = f"dir:{oct(path.stat().st_mode)}"
    if count:
        result["<objects>"] = str(counted)
    return result


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The entries two fingerprints disagree on, for assertion messages."""
    keys = sorted(set(before) | set(after))
    return [f"{key}: {'missing' if key not in before else 'was ' + before[key][:24]} -> "
            f"{'missing' if key not in after else after[key][:24]}"
            for key in keys if before.get(key) != after.get(key)]
