"""What every check kind provides and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from migrator.environment import AppEnvironment


@dataclass
class CheckContext:
    root: Path
    """The migrated tree the check inspects or runs in."""
    plan_dir: Path
    scratch: Path | None = None
    """A folder outside the target that lives for one verification run (databases, logs)."""
    environment: AppEnvironment = field(default_factory=AppEnvironment.of_tool)
    """The app's interpreter / virtual environment commands run in (the engine resolves it)."""

    def expand(self, text: str) -> str:
        """Replace `{scratch}` in a plan value; nothing else is interpreted."""
        if self.scratch is None:
            return text
        return text.replace("{scratch}", str(self.scratch))

    def expand_all(self, values: list[str]) -> list[str]:
        return [self.expand(v) for v in values]


@dataclass
class CheckResult:
    name: str
    passed: bool
    seconds: float
    summary: str
    """One line: what was checked and what came back."""
    evidence: list[str] = field(default_factory=list)
    """Lines that prove the result: a failing command's tail, the probe and its answer."""
    commands: list[list[str]] = field(default_factory=list)
    """The exact argv lists the check ran."""


class CheckModel(BaseModel):
    """Base of every check kind's plan model."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str]
    name: str = Field(min_length=1)

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        """The exact commands this check runs in `environment` (shown by `migrate plan`);
        with no environment (no target to find it in), as the plan writes them."""
        return []

    def describe(self) -> str:
        return self.kind

    def run(self, ctx: CheckContext) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError
