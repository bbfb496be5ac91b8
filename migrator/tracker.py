"""What each step changed, and the promise that nothing outside git's view is lost.

The engine runs every step (real or dry) through a `StepTracker`. Before a step writes an
ignored file (or anything below a folder it deletes) it calls `will_change(path)`; a step
that can write anywhere (a command, a template with tasks) gets every ignored file brought
in first. Bringing means saving into the checkpoint's store (real run) or copying from the
target into the dry run's tree, so the dry run sees the same ignored files the real run
overwrites. After the step the folder is scanned again: the step's changes come from that
scan, and a step that changed a submodule's files, or an ignored file it never announced,
fails (the rollback can then give back all it did).
"""

from __future__ import annotations

from typing import Protocol

from migrator.checkpoint import Checkpoint
from migrator.errors import StepFailed
from migrator.snapshot import DIR, GIT, NESTED, Changes, Manifest, changes, entry_at, same, scan
from migrator.workspace import Repo


class IgnoredSource(Protocol):
    def bring(self, rels: list[str]) -> dict[str, str]:
        """Make the ignored files at or below `rels` safe to change; the paths that
        appeared in the tree because of it, with their area."""

    def unsaved(self, now: Manifest) -> list[str]:
        """Ignored files changed although nothing brought them first."""


class SaveToStore:
    """Real run: ignored files are copied into the checkpoint's store before a change."""

    def __init__(self, checkpoint: Checkpoint, base: Manifest) -> None:
        self.checkpoint = checkpoint
        self.base = base
        self.saved = set(checkpoint.saved())

    def bring(self, rels: list[str]) -> dict[str, str]:
        self.checkpoint.save(self.base, rels)
        self.saved = set(self.checkpoint.saved())
        return {}

    def unsaved(self, now: Manifest) -> list[str]:
        return [rel for rel, entry in self.base.entries.items()
                if entry.area != GIT and entry.kind != DIR and rel not in self.saved
                and not same(entry, now.get(rel))]


class StepTracker:
    def __init__(self, tree: Repo, base: Manifest, source: IgnoredSource) -> None:
        self.tree = tree
        self.base = base
        self.previous = base
        self.source = source

    def will_change(self, rel: str) -> None:
        self._note(self.source.bring([rel]))

    def before_step(self, anywhere: bool) -> None:
        if anywhere:
            self._note(self.source.bring([""]))

    def after_step(self, label: str) -> tuple[Changes, Manifest]:
        now = scan(self.tree.root, self.tree.git, [self.previous, self.base])
        self._refuse_lost_files(now, label)
        result = changes(self.previous, now)
        self.previous = now
        return result, now

    def _note(self, appeared: dict[str, str]) -> None:
        """Files copied into the tree existed before the step: add them to its `before`."""
        for rel, area in appeared.items():
            entry = entry_at(self.tree.root / rel, area)
            self.previous.entries.setdefault(rel, entry)
            self.base.entries.setdefault(rel, entry)

    def _refuse_lost_files(self, now: Manifest, label: str) -> None:
        nested = sorted(rel for rel in set(self.previous.entries) | set(now.entries)
                        if _area(self.previous, now, rel) == NESTED
                        and not same(self.previous.get(rel), now.get(rel)))
        if nested:
            shown = ", ".join(nested[:3]) + (f" and {len(nested) - 3} more" if len(nested) > 3
                                             else "")
            raise StepFailed(f"{label} wrote into a submodule or nested git repository "
                             f"({shown}); the migrator never changes another repository")
        unsaved = self.source.unsaved(now)
        if unsaved:
            raise StepFailed(f"{label} changed the ignored file(s) {', '.join(unsaved[:3])} "
                             "without announcing them, so they were not saved first",
                             "the step kind must call ctx.will_change(path) before writing")


def _area(a: Manifest, b: Manifest, rel: str) -> str:
    entry = a.get(rel) or b.get(rel)
    return entry.area if entry is not None else GIT

