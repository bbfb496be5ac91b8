"""The checkpoint: everything a rollback needs to give the target folder back, byte for byte.

Taken before the first step, in the target's run-state folder (`Repo.state_dir`):

- `checkpoint.json`: the scan of the folder (`migrator.snapshot`): every file, link and
  folder with its exact mode, each file's raw bytes as a git blob (ignored files by their
  size, times and inode).
- a commit of the raw bytes of the folder's `git` area, under the checkpoint ref (it keeps
  the blobs alive; `git diff` against it shows the run; for a folder inside its repository,
  the rest of the commit is HEAD's), and the user's index, byte for byte.
- `store/`: ignored files (and files of a submodule) a step is about to overwrite or delete,
  saved by content before it does (`saved.json` lists them).
- `user-saved.json`, `user-versions.json`: ignored files the user changed after the run,
  saved in the store before `migrate verify`'s checks, and those a check then changed
  (rollback gives back the user's version of these; `migrator.user_versions`).
- `after.json`: the scan when the run ended (applied, or kept after a failure), with content
  hashes of what the run created and changed, under the applied ref. Rollback removes only
  what still matches it and never what changed or appeared after the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

from migrator.errors import PreflightError, StepFailed
from migrator.journal import fsync_dir, read_json, write_durably
from migrator.snapshot import (
    DIR,
    GIT,
    Changes,
    Entry,
    Manifest,
    blob_id,
    changes,
    file_blob_id,
    same,
    scan,
    temporary_index,
    write_tree,
)
from migrator.workspace import IDENTITY, Repo

CHECKPOINT = "checkpoint.json"
AFTER = "after.json"
SAVED = "saved.json"
STORE = "store"
INDEX_SAVED = "index.orig"
USER_VERSIONS = "user-versions.json"
"""Ignored files a `migrate verify` check overwrote after the user changed them
(`migrator.user_versions`)."""
USER_SAVED = "user-saved.json"
"""Every ignored file the user changed after the run, as saved before the last verify."""


class Checkpoint:
    """The run-state files of one target folder."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.dir = repo.state_dir

    # -- taking it ------------------------------------------------------------------------
    def take(self, message: str) -> tuple[str, Manifest]:
        """Scan the folder, commit its raw bytes, save the user's index; return the commit."""
        self.dir.mkdir(parents=True, exist_ok=True)
        manifest = scan(self.repo.root, self.repo.git)
        write_durably(self.dir / CHECKPOINT, manifest.dumps().encode())
        tree = write_tree(self.repo.git, manifest, temporary_index(self.dir, "checkpoint"))
        head = self.repo.head()
        tree = self.repo.nest(tree, head, temporary_index(self.dir, "nest"))
        parents = ["-p", head] if head else []
        commit = self.repo.git("commit-tree", tree, *parents, "-m", message, env=IDENTITY).strip()
        saved = self.dir / INDEX_SAVED
        saved.unlink(missing_ok=True)
        if (self.repo.git_dir / "index").exists():
            shutil.copy2(self.repo.git_dir / "index", saved)
        return commit, manifest

    def manifest(self) -> Manifest | None:
        """The checkpoint scan, with the content hash of every ignored file saved since."""
        manifest = self._record(CHECKPOINT)
        if manifest is not None:
            fill_saved(manifest, self.saved())
        return manifest

    def after(self) -> Manifest | None:
        return self._record(AFTER)

    def _record(self, name: str) -> Manifest | None:
        """A scan the run wrote; one that is not what the migrator writes is refused."""
        path = self.dir / name
        if not os.path.lexists(path):
            return None
        try:
            return Manifest.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, LookupError, TypeError, AttributeError,
                RecursionError) as exc:
            raise unreadable(path, exc) from None

    # -- the store of ignored files -------------------------------------------------------
    def saved(self) -> dict[str, str]:
        path = self.dir / SAVED
        try:
            data = read_json(path)
        except (OSError, ValueError, RecursionError) as exc:
            raise unreadable(path, exc) from None
        if data is not None and not (isinstance(data, dict) and
                                     all(isinstance(v, str) for v in data.values())):
            raise unreadable(path, TypeError())
        return dict(data) if isinstance(data, dict) else {}

    def stored(self, blob: str) -> Path:
        return self.dir / STORE / blob

    def save(self, base: Manifest, rels: list[str]) -> None:
        """Copy into the store the files outside git's view (ignored, or in a submodule)
        at or below each of `rels`, as they were at the checkpoint, unless already saved;
        `base` learns their content hashes."""
        saved = self.saved()
        fresh: dict[str, str] = {}
        for rel in rels:
            for path, entry in base.under(rel):
                if entry.area == GIT or entry.kind == DIR or path in saved or path in fresh:
                    continue
                fresh[path] = self.store_file(path, entry)
        if fresh:
            fsync_dir(self.dir / STORE)
            write_durably(self.dir / SAVED, json.dumps({**saved, **fresh}).encode())
            fill_saved(base, fresh)

    def save_unchanged(self, now: Manifest) -> None:
        """Before tool code runs after the run (`migrate verify`'s checks): save the ignored
        files still as they were at the checkpoint, so rollback can give back what the
        checks overwrite, as it does for the checks `apply` runs."""
        base = self.manifest()
        if base is None:
            return
        unchanged = [rel for rel, entry in base.entries.items()
                     if entry.area != GIT and entry.kind != DIR
                     and (current := now.get(rel)) is not None
                     and current.signature == entry.signature]
        self.save(base, unchanged)

    def store_file(self, rel: str, entry: Entry) -> str:
        """Copy one file (or a link's target) into the store, named by its git blob id,
        hashing while copying. Not fsync'd one by one (a store of a virtualenv would take
        minutes): the store survives the process being killed, and rollback checks each
        file's hash before it uses it."""
        source = self.repo.root / rel
        if _signature(source) != entry.signature:
            raise StepFailed(f"{rel} (ignored) changed since the checkpoint before it could be "
                             "saved", "something else is writing in the target; run again")
        store = self.dir / STORE
        store.mkdir(parents=True, exist_ok=True)
        if entry.kind == "link":
            data = os.fsencode(os.readlink(source))
            blob = blob_id(data)
            if not self.stored(blob).exists():
                self.stored(blob).write_bytes(data)
            return blob
        tmp = store / f".{rel.replace('/', '%')[-80:]}.tmp"
        digest = hashlib.sha1(b"blob %d\0" % entry.size)
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
        if _signature(source) != entry.signature:
            tmp.unlink()
            raise StepFailed(f"{rel} (ignored) changed while it was being saved",
                             "something else is writing in the target; run again")
        blob = digest.hexdigest()
        os.replace(tmp, self.stored(blob))
        return blob

    def restorable(self, blob: str) -> bytes | None:
        """A stored file's bytes, if they still hash to `blob`."""
        try:
            data = self.stored(blob).read_bytes()
        except OSError:
            return None
        return data if blob_id(data) == blob else None

    # -- the end of the run ---------------------------------------------------------------
    def record_end(self, manifest: Manifest) -> None:
        """Remember the folder as the run left it (what the run made, by content)."""
        end = _with_content(self.repo.root, manifest, self.manifest())
        write_durably(self.dir / AFTER, end.dumps().encode())
        tree = write_tree(self.repo.git, end, temporary_index(self.dir, "after"))
        commit = self.repo.git("commit-tree", tree, "-m", "migrate: the tree as the run left it",
                               env=IDENTITY).strip()
        self.repo.git("update-ref", self.repo.applied_ref, commit)

    def record_tool_writes(self, before: Manifest, now: Manifest) -> None:
        """Add to the run's end what the tool wrote since (a later `migrate verify`'s caches),
        so rollback removes that too; what the user changed meanwhile stays the user's."""
        end = self.after()
        if end is None:
            return
        written = [rel for rel in set(before.entries) | set(now.entries)
                   if not same(before.get(rel), now.get(rel))]
        for rel in written:
            if rel in now.entries:
                end.entries[rel] = now.entries[rel]
            else:
                end.entries.pop(rel, None)
        if written:
            self.record_end(end)

    def forget(self, checkpoint: str | None) -> None:
        """Remove the run's bookkeeping (attempt patches stay) and the refs it made."""
        self.repo.delete_ref(self.repo.checkpoint_ref, checkpoint)
        self.repo.delete_ref(self.repo.applied_ref, self.repo.ref(self.repo.applied_ref))
        for name in (CHECKPOINT, AFTER, SAVED, INDEX_SAVED, USER_VERSIONS,
                     USER_SAVED):
            (self.dir / name).unlink(missing_ok=True)
        shutil.rmtree(self.dir / STORE, ignore_errors=True)
        for leftover in self.dir.glob("*.index"):
            leftover.unlink(missing_ok=True)

    # -- comparing ------------------------------------------------------------------------
    def compare_now(self, checkpoint: str) -> tuple[Changes, str, str]:
        """Changes, unified patch and tree of the folder now against the checkpoint."""
        base = self.manifest()
        if base is None:
            raise StepFailed(f"the checkpoint scan {self.dir / CHECKPOINT} is missing")
        now = scan(self.repo.root, self.repo.git, [m for m in (self.after(), base) if m])
        tree = write_tree(self.repo.git, now, temporary_index(self.dir, "attempt"))
        old = self.repo.target_tree(checkpoint)
        return changes(base, now), self.repo.patch(old, tree), tree

    def save_attempt(self, checkpoint: str, plan_name: str, label: str = "") -> Path:
        _, patch, _ = self.compare_now(checkpoint)
        return self.keep_patch(patch, plan_name, label)

    def keep_patch(self, patch: str, plan_name: str, label: str = "") -> Path:
        folder = self.dir / "attempts"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{label}{_safe(plan_name)}"
        path = folder / f"{stem}.patch"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.patch"
        path.write_text(patch, encoding="utf-8", errors="surrogateescape")
        return path


def unreadable(path: Path, exc: BaseException) -> PreflightError:
    return PreflightError(f"the run record {path} is unreadable ({type(exc).__name__})",
                          "inspect it; the checkpoint ref still holds the files git sees")


def fill_saved(manifest: Manifest, saved: dict[str, str]) -> None:
    for rel, blob in saved.items():
        entry = manifest.get(rel)
        if entry is not None and entry.blob is None:
            manifest.entries[rel] = replace(entry, blob=blob)


def _with_content(root: Path, end: Manifest, base: Manifest | None) -> Manifest:
    """`end` with a content hash for every file outside git's view that differs from the
    checkpoint, so a later change to it (same size, same second) is still told apart."""
    for rel, entry in end.entries.items():
        if entry.kind == "file" and entry.blob is None and base is not None \
                and (old := base.get(rel)) is not None and old.signature == entry.signature:
            continue
        if entry.kind == "file" and entry.blob is None:
            with contextlib.suppress(OSError):
                end.entries[rel] = replace(entry, blob=file_blob_id(root / rel))
    return end


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name) or "plan"
