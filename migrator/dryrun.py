"""The dry run's tree: a copy of the target folder in a repository of its own.

The copy lives in a new temporary folder, in a git repository made for it: its own object
store (the target's objects are read through `objects/info/alternates`, never written),
its own config (the target's settings that change how files are read, copied), its own
refs, index and stash. So a `command` step that commits, tags, stashes or sets config in a
dry run does it there, and nothing is registered in the target's `.git` (no `git
worktree`, nothing to prune). The copy holds what is on disk in the target's folder that
git sees; ignored files and submodule files are copied in when a step is about to change
them (see `migrator.tracker`). The folder is removed on every way out; a dry run killed
with kill -9 leaves it behind with an owner file, and the next dry run, apply or `migrate
status` removes it once that owner is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from migrator.errors import PreflightError
from migrator.snapshot import DIR, GIT, Manifest, copy_entry, folder_modes, scan
from migrator.workspace import GitFailed, Repo

PREFIX = "migrate-dry-run-"
OWNER = "owner.json"
_COPIED_CONFIG = (r"^core\.(autocrlf|eol|safecrlf|filemode|symlinks|ignorecase|"
                  r"precomposeunicode|excludesfile|attributesfile|checkroundtripencoding)$")
_PLACEHOLDER = "gitdir: this folder is another repository in the target; the dry run leaves it alone\n"


class CopyFromTarget:
    """Brings the target's ignored and submodule files into the copy before a step changes
    them (what the real run saves into its store)."""

    def __init__(self, target: Path, target_scan: Manifest, copy: Path) -> None:
        self.target = target
        self.scan = target_scan
        self.copy = copy
        self.brought: set[str] = set()

    def bring(self, rels: list[str]) -> dict[str, str]:
        appeared: dict[str, str] = {}
        for rel in rels:
            for path, entry in sorted(self.scan.under(rel)):
                if entry.area == GIT or path in self.brought:
                    continue
                self.brought.add(path)
                dest = self.copy / path
                if os.path.lexists(dest):
                    continue
                with _writable_parent(dest):
                    copy_entry(self.target / path, dest, entry)
                appeared[path] = entry.area
        folder_modes(self.copy, [(p, self.scan.entries[p]) for p in appeared
                                 if self.scan.entries[p].kind == DIR])
        return appeared

    def unsaved(self, now: Manifest) -> list[str]:
        return []


@dataclass
class DryRunTree:
    repo: Repo
    """The copy of the target folder (in its own repository)."""
    base: Manifest
    """Scan of the copy before any step ran (ignored files join it as they are brought)."""
    source: CopyFromTarget


@contextlib.contextmanager
def dry_run_tree(target: Repo) -> Iterator[DryRunTree]:
    remove_leftovers()
    head = target.head()
    if head is None:
        raise PreflightError(f"target {target.root} has no commit yet",
                             "commit the app first; the dry run starts from HEAD")
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        (folder / OWNER).write_text(json.dumps({"pid": os.getpid(), "target": str(target.root),
                                                "started": time.time()}))
        top = folder / (target.top.name or "repo")
        root = top / target.prefix if target.prefix else top
        target_scan = scan(target.root, target.git, hash_git=False, write_objects=False)
        _init_repository(target, top, head)
        _copy_git_area(target.root, target_scan, root)
        _copy_rule_files_above(target, top)
        copy = Repo(root)
        with contextlib.suppress(GitFailed):
            copy.git("update-index", "-q", "--refresh")
        base = scan(root, copy.git)
        yield DryRunTree(repo=copy, base=base, source=CopyFromTarget(target.root, target_scan, root))
    finally:
        remove_folder(folder)


def _init_repository(target: Repo, top: Path, head: str) -> None:
    templates = top.parent / "no-templates"
    templates.mkdir(parents=True)
    top.mkdir(parents=True)
    Repo.init(top, templates)
    git_dir = top / ".git"
    (git_dir / "objects" / "info").mkdir(parents=True, exist_ok=True)
    (git_dir / "objects" / "info" / "alternates").write_text(
        str((target.common_dir / "objects").resolve()) + "\n")
    for name in ("exclude", "attributes"):
        source = target.common_dir / "info" / name
        if source.is_file():
            (git_dir / "info").mkdir(exist_ok=True)
            shutil.copyfile(source, git_dir / "info" / name)
    repo = Repo(top)
    with contextlib.suppress(GitFailed):
        for line in target.git("config", "--get-regexp", _COPIED_CONFIG).splitlines():
            key, _, value = line.partition(" ")
            repo.git("config", key, value)
    repo.git("symbolic-ref", "HEAD", f"refs/heads/{target.branch() or 'dry-run'}")
    repo.git("update-ref", "HEAD", head)
    repo.git("read-tree", "HEAD")
    if target.prefix:  # only the target's folder is here: the rest is outside the copy
        outside = [p for p in repo.git("ls-files", "-z").split("\0")
                   if p and not p.startswith(target.prefix + "/")]
        if outside:
            repo.git("update-index", "-z", "--skip-worktree", "--stdin",
                     input="\0".join(outside).encode("utf-8", "surrogateescape") + b"\0")


def _copy_git_area(source: Path, target_scan: Manifest, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for rel, entry in sorted(target_scan.entries.items()):
        if entry.area != GIT or rel == "":
            continue
        copy_entry(source / rel, dest / rel, entry)
        if entry.kind == DIR and (source / rel / ".git").exists():
            (dest / rel / ".git").write_text(_PLACEHOLDER)  # the containment check sees it
    folder_modes(dest, [(r, e) for r, e in target_scan.entries.items()
                        if e.kind == DIR and e.area == GIT])


def _copy_rule_files_above(target: Repo, top: Path) -> None:
    """`.gitignore` and `.gitattributes` of the folders above a target inside its repository
    (they decide what is ignored and how files are read in the target too)."""
    if not target.prefix:
        return
    parts = target.prefix.split("/")
    for depth in range(len(parts)):
        folder = "/".join(parts[:depth])
        for name in (".gitignore", ".gitattributes"):
            source = target.top / folder / name
            if source.is_file() and not source.is_symlink():
                dest = top / folder / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, dest)


@contextlib.contextmanager
def _writable_parent(path: Path) -> Iterator[None]:
    parent = path.parent
    mode = stat.S_IMODE(parent.lstat().st_mode) if parent.is_dir() else None
    if mode is not None and mode & 0o300 != 0o300:
        os.chmod(parent, mode | 0o700)
    try:
        yield
    finally:
        if mode is not None and mode & 0o300 != 0o300:
            os.chmod(parent, mode)


def remove_folder(folder: Path) -> None:
    """Remove a dry-run folder, read-only subfolders included."""
    def retry(function: object, path: str, info: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)

    shutil.rmtree(folder, onerror=retry)


def remove_leftovers() -> list[str]:
    """Remove dry-run folders whose owner process is gone (a dry run killed with kill -9);
    return them. A folder is taken for one only with the owner file this module writes."""
    removed = []
    temp = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for folder in temp.glob(PREFIX + "*"):
            try:
                info = folder.lstat()
                owner = json.loads((folder / OWNER).read_text())
                pid = int(owner["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or _alive(pid):
                continue
            remove_folder(folder)
            removed.append(str(folder))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
