"""The refusal when a run's checkpoint can no longer give the folder back: its ref was
deleted and `git gc` pruned bytes rollback needs. It says what happened and what is left
(attempt patches, the ignored files saved in the store, the commit before the run)."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.checkpoint import SAVED, STORE, Checkpoint
from migrator.errors import CheckpointGone
from migrator.journal import Journal
from migrator.snapshot import DIR, GIT, Manifest, blob_id, file_blob_id
from migrator.workspace import Repo


def lost_bytes(repo: Repo, base: Manifest) -> list[str]:
    """The checkpoint's files (git's view) whose bytes rollback may have to write back but
    the object store no longer has, and that do not stand on disk as they were either.
    Read only: nothing is hashed into the object store."""
    files = {rel: e.blob for rel, e in base.entries.items()
             if e.area == GIT and e.kind != DIR and e.blob}
    missing = set(repo.missing(list(files.values())))
    return sorted(rel for rel, blob in files.items()
                  if blob in missing and _on_disk(repo.root / rel) != blob)


def _on_disk(path: Path) -> str | None:
    try:
        if path.is_symlink():
            return blob_id(os.fsencode(os.readlink(path)))
        return file_blob_id(path) if path.is_file() else None
    except OSError:
        return None


def checkpoint_gone(repo: Repo, journal: Journal, lost: list[str]) -> CheckpointGone:
    """`lost`: the checkpoint's files whose bytes are gone (`lost_bytes`)."""
    shown = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
    commit = journal.checkpoint or "unknown"
    now = repo.ref(repo.checkpoint_ref)
    if now is None:
        how = f"its ref {repo.checkpoint_ref} was deleted"
    elif now != journal.checkpoint:
        how = f"its ref {repo.checkpoint_ref} now points at {now[:12]}, not {commit[:12]}"
    else:
        how = "its ref is there"
    return CheckpointGone(
        f"the checkpoint of this run ({commit[:12]}) is gone: {how} and its objects were "
        f"pruned (git gc), so the bytes of {shown} cannot be given back; nothing was changed",
        f"what is left: {'; '.join(_left(repo, journal))}; once you have what you need, "
        f"delete {Journal.path(repo.state_dir)} and the migrator forgets the run")


def _left(repo: Repo, journal: Journal) -> list[str]:
    left = []
    attempts = repo.state_dir / "attempts"
    patches = sorted(attempts.glob("*.patch")) if attempts.is_dir() else []
    if patches:
        left.append(f"{len(patches)} saved patch(es) in {attempts}")
    saved = Checkpoint(repo).saved()
    if saved and (repo.state_dir / STORE).is_dir():
        left.append(f"{len(saved)} ignored file(s) as they were before the run in "
                    f"{repo.state_dir / STORE} ({repo.state_dir / SAVED} maps each path "
                    "to its file there)")
    if journal.head and not repo.missing([journal.head]):
        left.append(f"the commit before the run, {journal.head[:12]}, whose files "
                    f"`git restore --source={journal.head[:12]} --worktree -- .` gives back")
    if not left:
        left.append("nothing the migrator kept")
    return left
