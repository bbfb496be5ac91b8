"""Ignored files the user changed or made after the run, kept safe from `migrate verify`'s
checks: before the checks run, each one's bytes are copied into the checkpoint's store;
those a check then changed (a `.env` rewritten by a setup command) are listed in
`user-versions.json`, and rollback gives back that version instead of the checkpoint's,
as it would have kept it had the check not touched it."""

from __future__ import annotations

import os
from dataclasses import replace

from migrator.checkpoint import USER_SAVED, USER_VERSIONS, Checkpoint, unreadable
from migrator.journal import write_durably
from migrator.snapshot import DIR, GIT, Entry, Manifest, same


def save_before_checks(checkpoint: Checkpoint, now: Manifest) -> dict[str, Entry]:
    """Copy into the store every ignored file that differs from how the run (or an earlier
    verify) left it; return them with their content hashes."""
    after = checkpoint.after()
    if after is None:
        return {}
    known = {**_load(checkpoint, USER_SAVED), **recorded(checkpoint)}
    saved: dict[str, Entry] = {}
    for rel, entry in now.entries.items():
        if entry.area == GIT or entry.kind == DIR or same(entry, after.get(rel)):
            continue
        earlier = known.get(rel)
        if earlier is not None and earlier.signature == entry.signature:
            saved[rel] = earlier
            continue
        saved[rel] = replace(entry, blob=checkpoint.store_file(rel, entry))
    if saved:  # the next verify copies only what changed since (a virtualenv made after the run)
        write_durably(checkpoint.dir / USER_SAVED, Manifest(saved).dumps().encode())
    return saved


def record_overwritten(checkpoint: Checkpoint, saved: dict[str, Entry], before: Manifest,
                       now: Manifest) -> list[str]:
    """Remember the saved files the checks changed (rollback gives them back); return them."""
    changed = sorted(rel for rel in saved if not same(before.get(rel), now.get(rel)))
    if changed:
        versions = recorded(checkpoint)
        versions.update({rel: saved[rel] for rel in changed})
        write_durably(checkpoint.dir / USER_VERSIONS, Manifest(versions).dumps().encode())
    return changed


def recorded(checkpoint: Checkpoint) -> dict[str, Entry]:
    """The user's versions of the files checks overwrote, as rollback gives them back."""
    return _load(checkpoint, USER_VERSIONS)


def _load(checkpoint: Checkpoint, name: str) -> dict[str, Entry]:
    path = checkpoint.dir / name
    if not os.path.lexists(path):
        return {}
    try:
        return Manifest.loads(path.read_text(encoding="utf-8")).entries
    except (OSError, ValueError, LookupError, TypeError, AttributeError,
            RecursionError) as exc:
        raise unreadable(path, exc) from None


def give_back_user_versions(checkpoint: Checkpoint, base: Manifest,
                            saved: dict[str, str]) -> None:
    """Make rollback's target for each recorded file the user's version, not the
    checkpoint's (`base` and the store's index `saved`, in memory)."""
    for rel, entry in recorded(checkpoint).items():
        if entry.blob is not None:
            base.entries[rel] = entry
            saved[rel] = entry.blob
