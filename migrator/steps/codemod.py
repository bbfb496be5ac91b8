"""The `codemod` step: run one registered LibCST codemod over the tree's Python files.

    - codemod: move
      moves: {app.services.s3_service: common.storage.s3_service}

The keys beside `codemod:` (other than `name` and `why`) are the codemod's parameters,
validated by that codemod's `Config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import model_validator
from pydantic.json_schema import SkipJsonSchema

from migrator.codemods.base import REGISTRY, CodemodConfig
from migrator.codemods.runner import run_codemods
from migrator.errors import PathEscapesTarget, PreflightError
from migrator.paths import inside_target
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step


@register_step
class CodemodStep(StepModel):
    """Run the codemod registered as `codemod` with the parameters beside it."""

    kind: ClassVar[str] = "codemod"
    shorthand: ClassVar[str] = "codemod"

    codemod: str
    config: SkipJsonSchema[CodemodConfig]

    @model_validator(mode="before")
    @classmethod
    def _split_params(cls, value: Any) -> Any:
        """`{codemod: move, name, why, **params}` -> params validated by the codemod's Config."""
        if not isinstance(value, dict) or "config" in value:
            return value
        name = value.get("codemod")
        if not isinstance(name, str):
            return value
        if name not in REGISTRY:
            known = ", ".join(sorted(REGISTRY)) or "none registered"
            raise ValueError(f"unknown codemod {name!r} (one of: {known})")
        own = {k: value[k] for k in ("codemod", *StepModel.model_fields) if k in value}
        params = {k: v for k, v in value.items() if k not in own}
        return {**own, "config": REGISTRY[name].Config.model_validate(params)}

    def title(self) -> str:
        return self.name or f"codemod {self.codemod}"

    def settings(self) -> dict[str, Any]:
        """`{codemod: NAME, **its parameters}`, as the plan writes them (the `config` field is
        typed as the base Config, so a plain dump would drop every parameter)."""
        params = self.config.model_dump(mode="json", exclude_defaults=True, by_alias=True)
        return {"codemod": self.codemod, **params}

    def preflight(self, ctx: StepContext) -> None:
        if self.codemod not in REGISTRY:
            raise PreflightError(f"codemod {self.codemod!r} is not registered")

    def _run(self, ctx: StepContext, *, write: bool) -> StepOutcome:
        codemod = REGISTRY[self.codemod](self.config, root=ctx.root)
        ctx.progress(f"codemod {self.codemod}", None, None)
        notes = codemod.notes()
        report = run_codemods(ctx.root, [codemod], write=write)
        total = sum(sum(counts.values()) for counts in report.changed.values())
        verb = "rewrote" if write else "would rewrite"
        notes += [
            f"{link}: a symlink to a file outside the tree, not rewritten (a codemod never "
            "writes through a link)"
            for link in report.skipped_links
            if not _points_inside(ctx.root, link)
        ]
        return StepOutcome(
            summary=(
                f"{self.codemod}: {verb} {len(report.changed)} file(s), {total} rewrite(s) "
                f"({report.files_parsed} of {report.files_seen} files parsed)"
            ),
            rewrites=report.changed,
            notes=notes,
        )

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return False  # only Python files git sees, never through a link

    def preview(self, ctx: StepContext) -> StepOutcome:
        """What `apply` would rewrite on this tree, writing nothing (for `migrate plan`)."""
        return self._run(ctx, write=False)

    def apply(self, ctx: StepContext) -> StepOutcome:
        return self._run(ctx, write=True)


def _points_inside(root: Path, link: str) -> bool:
    try:
        return inside_target(root, link).is_file()
    except PathEscapesTarget:
        return False
