"""The `delete` step: remove files, but only once nothing still names them.

    - delete: [app/services/s3_service.py, app/utils/shutdown_coordinator.py]
    - delete: {paths: [app/api/health.py], missing_ok: false}

Before removing anything it scans the Python files that remain (tracked, and untracked
but not ignored) for imports, attribute chains and dotted strings naming a deleted
module, and refuses with `file:line` for each. Docstrings and prose that merely mention
a deleted module do not block it; the outcome lists them. A listed path that does not exist is
reported in the outcome (or fails the step with `missing_ok: false`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import PurePosixPath
from typing import ClassVar

from pydantic import Field, field_validator

from migrator.codemods.source_roots import source_roots, strip_root
from migrator.errors import PathEscapesTarget, StepFailed
from migrator.paths import inside_target, repository_below
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step
from migrator.verify.references import Reference, find_references

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


def module_of(path: str) -> str | None:
    """The module a deleted file or folder is (`a/b.py` -> `a.b`), None for other files."""
    pure = PurePosixPath(path)
    parts = list(pure.parts)
    if pure.suffix == ".py":
        parts[-1] = pure.stem
        if parts[-1] == "__init__":
            parts.pop()
    elif pure.suffix:
        return None
    if not parts or not all(_IDENTIFIER.match(p) for p in parts):
        return None
    return ".".join(parts)


class DeleteRefused(StepFailed):
    """Remaining code still names a module the step would delete."""

    def __init__(self, references: list[Reference], unparsable: list[str]) -> None:
        places = [f"{r.path}:{r.line} ({r.how} {r.text!r})" for r in references]
        places += [f"{u} (does not parse, cannot be checked)" for u in unparsable]
        modules = sorted({r.module for r in references})
        what = f"{', '.join(modules)} still referenced" if modules else "cannot prove no references"
        super().__init__(
            f"delete refused: {what} at {'; '.join(places)}",
            "move or remove these references first (e.g. a codemod move step before the delete)",
        )
        self.references = references
        self.unparsable = unparsable


@register_step
class DeleteStep(StepModel):
    """Remove files or folders (target-relative) nothing references any more."""

    kind: ClassVar[str] = "delete"
    shorthand: ClassVar[str] = "paths"

    paths: list[str] = Field(json_schema_extra={"minItems": 1})  # the schema refuses [] too
    missing_ok: bool = True
    """A listed path that does not exist is noted in the outcome; false makes it an error."""

    @field_validator("paths")
    @classmethod
    def _not_empty(cls, paths: list[str]) -> list[str]:
        if not paths:
            raise ValueError("list at least one path to delete")
        return [p.rstrip("/") for p in paths]

    def title(self) -> str:
        return self.name or f"delete {len(self.paths)} path(s)"

    def declared_paths(self) -> list[str]:
        return list(self.paths)

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return False

    def preflight(self, ctx: StepContext) -> None:
        for path in self.paths:
            _removable(ctx, path)

    def apply(self, ctx: StepContext) -> StepOutcome:
        present = [p for p in self.paths if inside_target(ctx.root, p, what="delete path").exists()]
        missing = [p for p in self.paths if p not in present]
        if missing and not self.missing_ok:
            raise StepFailed(
                f"delete: {', '.join(missing)} not found", "remove them from the list or set missing_ok: true"
            )
        roots = source_roots(ctx.root)
        modules = [m for p in present if (m := module_of(strip_root(p, roots)))]
        ctx.progress(f"scanning for references to {len(modules)} module(s)", None, None)
        scan = find_references(ctx.root, modules, exclude=present,
                               python=ctx.environment.python)
        if scan.references or (modules and scan.unparsable):
            raise DeleteRefused(scan.references, scan.unparsable)
        for path in present:
            _removable(ctx, path)
            target = ctx.will_change(path, what="delete path")  # saves ignored files inside
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        notes = [f"{p}: not found, nothing to delete" for p in missing]
        notes += [r.ignored() for r in scan.ignored]
        return StepOutcome(summary=f"deleted {len(present)} of {len(self.paths)} path(s)", notes=notes)


def _removable(ctx: StepContext, path: str) -> None:
    """Inside the target, and not a folder holding another repository: removing it would
    take that repository's .git (its commits) with it, which no rollback gives back."""
    inside_target(ctx.root, path, what="delete path")
    nested = repository_below(ctx.root, path)
    if nested is not None:
        raise PathEscapesTarget(f"delete path {path!r} holds {nested}, a submodule or nested "
                                "git repository; deleting it would delete that repository",
                                "delete the files around it one by one, or move it out first")
