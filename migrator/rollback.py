"""Rollback: the target folder, HEAD, the branch and the index as they were at the
checkpoint, byte for byte, removing only what the run made.

For a run that ended (applied, or kept after a failure), each path is compared three ways:
as it was at the checkpoint, as the run left it (`after.json`), and now. What still matches
the run's end is put back to the checkpoint; what changed or appeared after the run is the
user's: ignored files are left alone, and changes git would see refuse the rollback unless
`force`, which first saves them as a patch. After a crash (the run never ended), everything
since the checkpoint is the run's.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from migrator.branches import head_moved, restore_head
from migrator.checkpoint import AFTER, Checkpoint
from migrator.checkpoint_gone import checkpoint_gone, lost_bytes
from migrator.errors import ChangedAfterRun, PreflightError
from migrator.journal import Journal
from migrator.snapshot import (
    DIR,
    GIT,
    LINK,
    Entry,
    Manifest,
    folder_modes,
    same,
    scan,
    temporary_index,
    write_tree,
)
from migrator.user_versions import give_back_user_versions
from migrator.workspace import Repo

ENDED = ("applied", "kept-failed")


@dataclass
class RollbackResult:
    kept: list[str] = field(default_factory=list)
    """Ignored files changed or made after the run, left as they are."""
    kept_folders: list[str] = field(default_factory=list)
    """Folders made or changed after the run that hold nothing else kept (empty ones)."""
    saved_patch: Path | None = None
    """`force`: where the changes made after the run were saved before being discarded."""
    saved_branch: str | None = None
    """Where commits added on top of the migration stay reachable."""


@dataclass
class RestorePlan:
    restore: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    """Paths the checkpoint has as a folder (or as a file) where something made after the
    run that rollback keeps now stands as a file (or as a folder with kept files in it)."""


def rollback(repo: Repo, journal: Journal, force: bool) -> RollbackResult:
    """Restore tree, HEAD/branch and index to the checkpoint, then forget the run."""
    checkpoint = Checkpoint(repo)
    base = checkpoint.manifest()
    if base is None:
        raise PreflightError(f"the checkpoint scan of this run is missing from {checkpoint.dir}",
                             f"the checkpoint commit {journal.checkpoint} still holds the "
                             "files git sees")
    saved = checkpoint.saved()
    give_back_user_versions(checkpoint, base, saved)
    resuming = journal.state == "rolling-back"
    started_from = journal.rolling_back_from if resuming else journal.state
    after = checkpoint.after() if started_from in ENDED else None
    lost = lost_bytes(repo, base)
    if lost:
        raise checkpoint_gone(repo, journal, lost)
    moved = head_moved(repo, journal)
    if moved and not force and not resuming:
        raise moved
    lost_end = started_from in ENDED and after is None and not journal.user_patch
    if lost_end and not force:
        raise ChangedAfterRun(
            f"the record of how the run left the folder ({checkpoint.dir / AFTER}) is "
            "missing, so rollback cannot tell the run's changes from work done after it",
            "`migrate rollback --force` saves every change since the checkpoint as a patch "
            "first, then rolls back")
    now = scan(repo.root, repo.git, [m for m in (after, base) if m])
    plan = plan_restore(base, after, now, set(saved))
    if lost_end:  # everything since the checkpoint counts as the run's: saved first
        plan.conflicts = [r for r in plan.restore if _area(base, now, r) == GIT]
        plan.restore = [r for r in plan.restore if r not in plan.conflicts]
    if plan.blocked:
        rel = plan.blocked[0]
        what = "a folder" if base.entries[rel].kind == DIR else "a file"
        raise ChangedAfterRun(
            f"cannot give back {rel} ({what} at the checkpoint): what stands there now was "
            "made after the run and holds files rollback keeps (ignored files are never "
            "discarded, not even with --force)",
            f"move {rel} out of the way, then run `migrate rollback` again")
    result = RollbackResult(*_files_and_folders(plan.keep, now))
    if plan.conflicts and not journal.user_patch:
        if not force:
            shown = ", ".join(plan.conflicts[:8]) + (
                f" and {len(plan.conflicts) - 8} more" if len(plan.conflicts) > 8 else "")
            raise ChangedAfterRun(
                f"files changed after the migration: {shown}; a rollback would discard them",
                "commit or move them first, or `migrate rollback --force` saves them as a "
                "patch and then rolls back")
        result.saved_patch = _save_user_changes(repo, checkpoint, base, now, plan.conflicts,
                                                journal.plan_name)
        journal.user_patch = str(result.saved_patch)
    elif journal.user_patch:
        result.saved_patch = Path(journal.user_patch)
    plan.restore += plan.conflicts
    journal.rolling_back_from = started_from
    journal.state = "rolling-back"
    journal.write(repo.state_dir)
    restore_files(repo, checkpoint, base, now, plan.restore, saved)
    _check_settled(repo, base, set(plan.keep))
    result.saved_branch = restore_head(repo, journal)
    _restore_index(repo, journal, checkpoint.dir / "index.orig")
    forget_run(repo, journal.checkpoint)
    return result


def forget_run(repo: Repo, checkpoint: str | None) -> None:
    Checkpoint(repo).forget(checkpoint)
    Journal.clear(repo.state_dir)


# -- deciding -----------------------------------------------------------------------------
def plan_restore(base: Manifest, after: Manifest | None, now: Manifest,
                 saved: set[str]) -> RestorePlan:
    plan = RestorePlan()
    for rel in sorted(set(base.entries) | set(now.entries) | set(after.entries if after else ())):
        if rel == "" and base.get(rel) is None:
            continue
        c, n = base.get(rel), now.get(rel)
        if same(n, c):
            continue
        if c is not None and c.kind != DIR and c.area != GIT and rel not in saved:
            plan.keep.append(rel)  # never saved, so no step changed it: the user did
            continue
        if after is not None and not same(n, after.get(rel)):
            entry = n or after.get(rel) or c
            assert entry is not None
            if entry.kind == DIR and c is not None and c.kind != DIR:
                plan.restore.append(rel)  # a folder where the checkpoint has a file: it goes
            elif entry.kind == DIR or entry.area != GIT:
                plan.keep.append(rel)
            else:
                plan.conflicts.append(rel)
            continue
        plan.restore.append(rel)
    plan.blocked = _blocked(base, now, plan.keep)
    return plan


def _files_and_folders(keep: list[str], now: Manifest) -> tuple[list[str], list[str]]:
    """What rollback keeps, as the files and the folders to name: a folder is named only
    when nothing kept lies inside it (the files name the others)."""
    folders = {rel for rel in keep if (e := now.get(rel)) is not None and e.kind == DIR}
    files = [rel for rel in keep if rel not in folders]
    inner = [rel + "/" for rel in sorted(folders)
             if not any(k.startswith(rel + "/") for k in keep)]
    return files, inner


def _area(base: Manifest, now: Manifest, rel: str) -> str | None:
    entry = now.get(rel) or base.get(rel)
    return None if entry is None or entry.kind == DIR else entry.area


def _blocked(base: Manifest, now: Manifest, keep: list[str]) -> list[str]:
    """Checkpoint paths that cannot come back without discarding something kept: a kept
    file, link or folder of kept files where the checkpoint has the other kind."""
    kept_files = [k for k in keep if (e := now.get(k)) is not None and e.kind != DIR]
    blocked = []
    for rel, c in base.entries.items():
        n = now.get(rel)
        if n is None or (c.kind == DIR) == (n.kind == DIR):
            continue
        if rel in kept_files or any(k.startswith(rel + "/") for k in kept_files):
            blocked.append(rel)
    return sorted(blocked)


# -- doing --------------------------------------------------------------------------------
def restore_files(repo: Repo, checkpoint: Checkpoint, base: Manifest, now: Manifest,
                  paths: list[str], saved: dict[str, str]) -> None:
    """Put `paths` back as the checkpoint has them (`saved`: the store's file of each
    ignored one). The bytes are read first: a path whose checkpoint bytes cannot be had (a
    damaged saved file) is left exactly as it is, and `_check_settled` names it."""
    root = repo.root
    wanted_git = [e.blob for r in paths if (e := base.get(r)) is not None
                  and e.area == GIT and e.kind != DIR and e.blob]
    blobs = repo.blobs([b for b in wanted_git if b])
    data: dict[str, bytes] = {}
    for rel in paths:
        entry = base.get(rel)
        if entry is not None and entry.kind != DIR:
            found = _bytes_of(rel, entry, blobs, saved, checkpoint)
            if found is None:
                continue
            data[rel] = found
    paths = [p for p in paths if p in data or (e := base.get(p)) is None or e.kind == DIR]
    for rel in sorted(paths, key=_depth, reverse=True):
        current = now.get(rel)
        if current is None or not _real_parent(root, rel) or not os.path.lexists(root / rel):
            continue
        _writable(root, rel)
        if current.kind == DIR and not (root / rel).is_symlink():
            wanted = base.get(rel)
            if wanted is None or wanted.kind != DIR:
                try:
                    (root / rel).rmdir()
                except OSError:
                    pass  # it holds files the user made after the run (kept)
        else:
            (root / rel).unlink()
    for rel in sorted(paths, key=_depth):
        entry = base.get(rel)
        if entry is None or not _real_parent(root, rel):
            continue
        path = root / rel if rel else root
        if entry.kind == DIR:
            if not path.is_dir() or path.is_symlink():
                _writable(root, rel)
                path.mkdir(mode=0o700)
            continue
        _writable(root, rel)
        if os.path.lexists(path) and not path.is_dir():
            path.unlink()
        if entry.kind == LINK:
            os.symlink(os.fsdecode(data[rel]), path)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data[rel])
            os.chmod(path, entry.mode)
    folder_modes(root, [(r, e) for r, e in base.entries.items() if e.kind == DIR])


def _bytes_of(rel: str, entry: Entry, blobs: dict[str, bytes], saved: dict[str, str],
              checkpoint: Checkpoint) -> bytes | None:
    if entry.area == GIT and entry.blob in blobs:
        return blobs[entry.blob]
    blob = saved.get(rel)
    return checkpoint.restorable(blob) if blob is not None else None


def _depth(rel: str) -> int:
    return rel.count("/") + bool(rel)


def _real_parent(root: Path, rel: str) -> bool:
    """Whether every folder above `rel` (below the root) is a real folder, not a symlink
    (rollback never writes through a link)."""
    parts = rel.split("/")[:-1]
    folder = root
    for part in parts:
        folder = folder / part
        if folder.is_symlink():
            return False
    return True


def _writable(root: Path, rel: str) -> None:
    """Let the rollback change `rel` in a read-only folder (folder modes are set last)."""
    if not rel:
        return
    parent = (root / rel).parent
    try:
        mode = stat.S_IMODE(parent.lstat().st_mode)
    except OSError:
        return
    if not parent.is_symlink() and mode & 0o300 != 0o300:
        os.chmod(parent, mode | 0o700)


def _restore_index(repo: Repo, journal: Journal, saved: Path) -> None:
    """The index as it was, byte for byte; for a folder inside its repository, when entries
    outside the folder changed since (the user staged other work), only the folder's
    entries are put back and the rest is left as it is."""
    index = repo.git_dir / "index"
    if not journal.index_saved:
        index.unlink(missing_ok=True)
        return
    if not saved.exists():
        return
    if not repo.prefix or _entries_outside(repo, index) == _entries_outside(repo, saved):
        tmp = repo.git_dir / "index.migrate-tmp"
        tmp.write_bytes(saved.read_bytes())
        os.replace(tmp, index)
        return
    inside = repo.git("ls-files", "-s", "-z", "--full-name", "--", ".",
                      env={"GIT_INDEX_FILE": str(saved)})
    repo.git("rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", ".")
    if inside:
        repo.git("update-index", "-z", "--index-info", input=inside.encode("utf-8",
                                                                          "surrogateescape"))


def _entries_outside(repo: Repo, index: Path) -> list[str]:
    listed = repo.git("ls-files", "-s", "-z", env={"GIT_INDEX_FILE": str(index)}, at_top=True)
    inside = repo.prefix + "/"
    return [e for e in listed.split("\0") if e and not e.split("\t", 1)[-1].startswith(inside)]


def _check_settled(repo: Repo, base: Manifest, keep: set[str]) -> None:
    now = scan(repo.root, repo.git, [base])
    wrong = [rel for rel in sorted(set(base.entries) | set(now.entries))
             if not same(base.get(rel), now.get(rel)) and not _kept(rel, keep)]
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise PreflightError(f"the folder does not settle back to the checkpoint: {shown}",
                             "run `migrate rollback` again; `migrate status` shows the run")


def _kept(rel: str, keep: set[str]) -> bool:
    return rel in keep or any(rel.startswith(k + "/") for k in keep) or \
        any(k.startswith(rel + "/") for k in keep)


def _save_user_changes(repo: Repo, checkpoint: Checkpoint, base: Manifest, now: Manifest,
                       paths: list[str], plan_name: str) -> Path:
    applied = repo.ref(repo.applied_ref)
    old = repo.tree_of(applied) if applied else \
        write_tree(repo.git, base, temporary_index(checkpoint.dir, "checkpoint"),
                   missing_ok=True)
    new = write_tree(repo.git, now, temporary_index(checkpoint.dir, "changes"))
    patch = repo.patch(old, new, *(f":(literal){p}" for p in paths))
    return checkpoint.keep_patch(patch, plan_name, "changes-after-")
