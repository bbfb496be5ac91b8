"""What every step kind provides, and what the engine hands it.

A step kind is a pydantic model (the plan's YAML for that step) with a `kind` and an
`apply(ctx)` method. The engine, not the step, works out which files a step created,
modified or deleted (from git), so steps only do their work and report extras such as
rewrite counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from migrator.environment import AppEnvironment
from migrator.paths import detach, inside_target, touched_paths

ProgressCallback = Callable[[str, int | None, int | None], None]
"""progress(description, completed, total); completed/total may be None (indeterminate)."""


def _no_progress(description: str, completed: int | None, total: int | None) -> None:
    return None


def _nothing_to_save(rel: str) -> None:
    return None


@dataclass
class StepContext:
    """One run's view of the tree a step works on (the target, or a dry-run worktree)."""

    root: Path
    """The tree the step changes: the target itself or the dry run's copy of it."""
    plan_dir: Path
    """Folder of the plan file: files shipped with the plan resolve against it."""
    target: Path
    """The real target directory (template sources given relative to it resolve here)."""
    data: dict[str, Any] = field(default_factory=dict)
    """The plan's template data (used to render `write` files)."""
    trust: bool = False
    progress: ProgressCallback = _no_progress
    warnings: list[str] = field(default_factory=list)
    """One-line warnings preflight found acceptable (shown to the user, run continues)."""
    environment: AppEnvironment = field(default_factory=AppEnvironment.of_tool)
    """The app's interpreter / virtual environment `command` steps run in."""
    dry_run: bool = False
    """The steps run in the dry run's copy of the target."""
    on_change: Callable[[str], None] = _nothing_to_save
    """The engine's hook: save (or, in a dry run, copy in) ignored files at or below a path."""

    def will_change(self, rel: str, *, what: str = "path") -> Path:
        """Call before writing, replacing or deleting `rel` (target-relative): refuses a
        path outside the target (see `migrator.paths`), and lets the engine save the ignored
        files there first so rollback can give them back. Returns the absolute path."""
        path = inside_target(self.root, rel, what=what)
        touched = touched_paths(self.root, rel)
        for each in touched:
            self.on_change(each)
        for each in touched:
            detach(self.root / each)
        return path


@dataclass
class StepOutcome:
    """What a step reports beyond the file changes the engine sees for itself."""

    summary: str
    rewrites: dict[str, dict[str, int]] = field(default_factory=dict)
    """path -> {codemod name: number of rewrites} (codemod steps)."""
    notes: list[str] = field(default_factory=list)


class StepModel(BaseModel):
    """Base of every step kind's plan model."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str]
    name: str | None = None
    why: str | None = None
    """Why the plan does this by hand or this way; rendered in the markdown document."""

    def title(self) -> str:
        """A short human title for tables and progress."""
        return self.name or self.kind

    def settings(self) -> dict[str, Any]:
        """The step's settings as the plan writes them (defaults left out), without its
        name and why: what `migrate plan --json` shows."""
        return self.model_dump(mode="json", exclude={"name", "why"}, exclude_defaults=True,
                               by_alias=True)

    def declared_paths(self) -> list[str]:
        """Target-relative paths this step writes, patches or deletes (checked by preflight)."""
        return []

    def writes_anywhere(self, ctx: StepContext) -> bool:
        """Whether the step may write files it does not announce with `ctx.will_change`
        (a command, code from a template). The engine then saves every ignored file first."""
        return True

    def runs(self, trust: bool, dry_run: bool = False,
             environment: AppEnvironment | None = None) -> list[str]:
        """What this step executes on the machine, one line each (a command's argv, quoted
        as a shell would show it), for the user to see before it runs (`migrate plan`, the
        dry run's warning). `trust` is the run's --trust; `environment` the app's, once known
        (a command's program is shown as it will be resolved)."""
        return []

    def preflight(self, ctx: StepContext) -> None:
        """Refuse (raise PreflightError) before anything is written."""

    def apply(self, ctx: StepContext) -> StepOutcome:  # pragma: no cover - abstract
        raise NotImplementedError
