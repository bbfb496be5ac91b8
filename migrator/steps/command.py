"""The `command` step: run a tool over the target, e.g. a formatter after the codemods.

    - name: Sort imports the codemods moved
      command: [python, -m, ruff, check, --select, I, --fix, --quiet, .]
    - command: {argv: [python, -m, ruff, format, app, tests], timeout: 120}

An argument list run without a shell, in the tree being changed (the target, or the
dry-run worktree), so its effects show in the diff like any other step's. It runs in the
app's environment (see `migrator.environment`): `python` as the program is the app's
interpreter, `ruff` its virtual environment's. A non-zero exit fails the step with the
output's tail.
"""

from __future__ import annotations

import shlex
from typing import ClassVar

from pydantic import Field

from migrator.environment import AppEnvironment
from migrator.errors import StepFailed
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step
from migrator.verify.command import resolve_argv, run_command, tail


@register_step
class CommandStep(StepModel):
    """Run `argv` in the tree being changed; it must exit 0 within `timeout` seconds."""

    kind: ClassVar[str] = "command"
    shorthand: ClassVar[str] = "argv"

    argv: list[str] = Field(min_length=1)
    timeout: float = Field(default=300, gt=0)

    def title(self) -> str:
        return self.name or " ".join(self.argv)

    def runs(self, trust: bool, dry_run: bool = False,
             environment: AppEnvironment | None = None) -> list[str]:
        return [shlex.join(resolve_argv(self.argv, environment))]

    def apply(self, ctx: StepContext) -> StepOutcome:
        shown = " ".join(self.argv)
        argv = resolve_argv(self.argv, ctx.environment)
        done = run_command(argv, ctx.root, ctx.environment.variables(), self.timeout)
        if done.not_found:
            raise StepFailed(f"cannot run `{shown}`: {done.output}")
        if done.timed_out:
            raise StepFailed(f"`{shown}` timed out after {self.timeout:g}s")
        if done.returncode != 0:
            last = "; ".join(tail(done.output, 5)) or "no output"
            raise StepFailed(f"`{shown}` exited {done.returncode}: {last}")
        return StepOutcome(summary=f"`{shown}` exited 0")
