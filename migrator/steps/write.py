"""The `write` step: create or replace one file from content shipped beside the plan.

    - write: {path: app/services/cas_service.py, from: files/cas_service.py}
    - write: {path: app/config.py, from: files/config.py.jinja, render: true}

With `render: true` the content is a Jinja template rendered with the plan's data; an
undefined variable fails the step instead of rendering as an empty string.
"""

from __future__ import annotations

from typing import ClassVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ConfigDict, Field

from migrator.errors import PreflightError, StepFailed
from migrator.paths import inside_target
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step


@register_step
class WriteStep(StepModel):
    """Create or replace `path` (target-relative) with the file `from` (plan-relative)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: ClassVar[str] = "write"
    shipped_fields: ClassVar[tuple[str, ...]] = ("source",)

    path: str
    source: str = Field(alias="from")
    render: bool = False
    """Render `from` with Jinja using the plan's data."""

    def title(self) -> str:
        return self.name or f"write {self.path}"

    def declared_paths(self) -> list[str]:
        return [self.path]

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return False

    def preflight(self, ctx: StepContext) -> None:
        inside_target(ctx.root, self.path, what="write path")
        if not (ctx.plan_dir / self.source).is_file():
            raise PreflightError(
                f"write {self.path}: file {self.source!r} not found beside the plan ({ctx.plan_dir})"
            )

    def content(self, ctx: StepContext) -> bytes:
        """The bytes the step writes (rendered when `render` is set)."""
        source = ctx.plan_dir / self.source
        raw = source.read_bytes()
        if not self.render:
            return raw
        env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        try:
            return env.from_string(raw.decode("utf-8")).render(**ctx.data).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise StepFailed(f"write {self.path}: {self.source}:{exc.lineno}: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            raise StepFailed(
                f"write {self.path}: rendering {self.source}: {exc.message}",
                "add the variable to the plan's data or set render: false",
            ) from None

    def apply(self, ctx: StepContext) -> StepOutcome:
        data = self.content(ctx)
        target = ctx.will_change(self.path, what="write path")
        existed = target.exists()
        if existed and target.is_dir():
            raise StepFailed(f"write {self.path}: a folder is in the way")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        verb = "replaced" if existed else "created"
        return StepOutcome(summary=f"{verb} {self.path} from {self.source}")
