"""Test-only step kinds, check kinds and a codemod, registered by `registered()`.

They are kept out of the global registries except while an engine test runs (other
folders' tests compare the registries with what ships). The crash tests register them in
a `migrate` subprocess too, so a plan can stop the run at an exact point: `test-pause`
creates its `reached` file and waits until its `release` file exists (the test SIGKILLs
the process in between).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import libcst as cst

from migrator.codemods.base import REGISTRY, Codemod, CodemodConfig, SourceFile
from migrator.errors import PreflightError, StepFailed
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import STEP_KINDS, load_step_kinds
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import CHECK_KINDS, load_check_kinds


class _Announced(StepModel):
    """Test steps write only the paths they announce (as the shipped write/delete do)."""

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return False


class PutStep(_Announced):
    """Write `content` to `path` (target-relative), optionally with a file mode."""

    kind: ClassVar[str] = "test-put"
    path: str
    content: str = ""
    mode: int | None = None

    def declared_paths(self) -> list[str]:
        return [self.path]

    def apply(self, ctx: StepContext) -> StepOutcome:
        path = ctx.will_change(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.content, encoding="utf-8")
        if self.mode is not None:
            path.chmod(self.mode)
        return StepOutcome(summary=f"wrote {self.path}")


class RemoveStep(_Announced):
    """Delete the listed target-relative files."""

    kind: ClassVar[str] = "test-remove"
    shorthand: ClassVar[str] = "paths"
    paths: list[str]

    def declared_paths(self) -> list[str]:
        return list(self.paths)

    def apply(self, ctx: StepContext) -> StepOutcome:
        for rel in self.paths:
            ctx.will_change(rel).unlink()
        return StepOutcome(summary=f"removed {len(self.paths)}")


class PauseStep(_Announced):
    """Optionally write `path` first, then signal `reached` and wait for `release`."""

    kind: ClassVar[str] = "test-pause"
    reached: str
    release: str
    path: str | None = None
    content: str = "written before the pause\n"

    def declared_paths(self) -> list[str]:
        return [self.path] if self.path else []

    def apply(self, ctx: StepContext) -> StepOutcome:
        if self.path:
            ctx.will_change(self.path).parent.mkdir(parents=True, exist_ok=True)
            (ctx.root / self.path).write_text(self.content, encoding="utf-8")
        signal_reached(Path(self.reached))
        deadline = time.monotonic() + 60
        while not Path(self.release).exists():
            if time.monotonic() > deadline:
                raise StepFailed("test-pause: never released")
            time.sleep(0.01)
        return StepOutcome(summary="released")


class FailStep(_Announced):
    """Fail with `message` (after optionally writing a file)."""

    kind: ClassVar[str] = "test-fail"
    shorthand: ClassVar[str] = "message"
    message: str
    path: str | None = None

    def declared_paths(self) -> list[str]:
        return [self.path] if self.path else []

    def apply(self, ctx: StepContext) -> StepOutcome:
        if self.path:
            ctx.will_change(self.path).write_text("half done\n", encoding="utf-8")
        raise StepFailed(self.message)


class RefuseStep(StepModel):
    """Refuse in preflight with `message`."""

    kind: ClassVar[str] = "test-refuse"
    shorthand: ClassVar[str] = "message"
    message: str

    def preflight(self, ctx: StepContext) -> None:
        raise PreflightError(self.message)

    def apply(self, ctx: StepContext) -> StepOutcome:  # pragma: no cover - never reached
        raise AssertionError("preflight should have refused")


class FileCheck(CheckModel):
    """Passes when `path` exists in the tree (and holds `contains`, if given)."""

    kind: ClassVar[str] = "test-file"
    shorthand: ClassVar[str] = "path"
    path: str
    contains: str | None = None

    def describe(self) -> str:
        return f"{self.path} exists"

    def run(self, ctx: CheckContext) -> CheckResult:
        start = time.monotonic()
        target = ctx.root / self.path
        ok = target.is_file() and (self.contains is None or self.contains in target.read_text())
        return CheckResult(name=self.name, passed=ok, seconds=time.monotonic() - start,
                           summary=f"{self.path}: {'as expected' if ok else 'missing or different'}",
                           evidence=[] if ok else [f"looked for {target}"])


class PauseCheck(CheckModel):
    """Signal `reached` and wait for `release`, then pass."""

    kind: ClassVar[str] = "test-pause-check"
    reached: str
    release: str

    def run(self, ctx: CheckContext) -> CheckResult:
        signal_reached(Path(self.reached))
        while not Path(self.release).exists():
            time.sleep(0.01)
        return CheckResult(name=self.name, passed=True, seconds=0.0, summary="released")


class RenameNameConfig(CodemodConfig):
    old: str
    new: str


class _Renamer(cst.CSTTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new, self.count = old, new, 0

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value == self.old:
            self.count += 1
            return updated.with_changes(value=self.new)
        return updated


class RenameName(Codemod[RenameNameConfig]):
    """Rename every identifier `old` to `new` (a test codemod)."""

    name: ClassVar[str] = "test-rename-name"
    description: ClassVar[str] = "rename an identifier everywhere"
    Config: ClassVar[type[CodemodConfig]] = RenameNameConfig

    def may_apply(self, source: str) -> bool:
        return self.config.old in source

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        renamer = _Renamer(self.config.old, self.config.new)
        return module.visit(renamer), renamer.count


class SlowRenameConfig(RenameNameConfig):
    reached: str
    release: str


class SlowRename(RenameName):
    """`test-rename-name` that, on each file, signals `reached` (with its pid) and waits for
    `release`: it pauses a run inside the codemod's worker processes."""

    name: ClassVar[str] = "test-slow-rename"
    Config: ClassVar[type[CodemodConfig]] = SlowRenameConfig

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        config = self.config
        assert isinstance(config, SlowRenameConfig)
        signal_reached(Path(config.reached))
        _wait_for(Path(config.release))
        return super().transform(module, file)


def signal_reached(reached: Path) -> None:
    """Create `reached` holding this process's pid, whole (written aside, then renamed): a
    test that sees the file reads the pid, never an empty file."""
    aside = reached.with_name(reached.name + ".writing")
    aside.write_text(str(os.getpid()), encoding="utf-8")
    os.replace(aside, reached)


def _wait_for(release: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def pause_inside_from_env() -> None:
    """`MIGRATE_TEST_PAUSE_INSIDE=kind:reached:release` pauses a real run inside the shipped
    step kind `kind`, after it has written part of its work (the crash tests kill it there)."""
    setting = os.environ.get("MIGRATE_TEST_PAUSE_INSIDE")
    if not setting:
        return
    kind, reached, release = setting.split(":")

    def pause() -> None:
        signal_reached(Path(reached))
        _wait_for(Path(release))

    if kind == "copier":  # after rendering and merging, before the answers file is fixed
        from migrator.steps.copier import CopierStep

        original_fix = CopierStep._fix_answers

        def fix_then_pause(self: CopierStep, *args: object) -> object:
            pause()
            return original_fix(self, *args)  # type: ignore[arg-type]

        CopierStep._fix_answers = fix_then_pause  # type: ignore[method-assign]
    elif kind != "command":  # a command step pauses in its own command
        cls = STEP_KINDS[kind]
        original_apply = cls.apply

        def apply_then_pause(self: StepModel, ctx: StepContext) -> StepOutcome:
            outcome = original_apply(self, ctx)
            pause()
            return outcome

        cls.apply = apply_then_pause  # type: ignore[method-assign]


STEPS: list[type[StepModel]] = [PutStep, RemoveStep, PauseStep, FailStep, RefuseStep]
CHECKS: list[type[CheckModel]] = [FileCheck, PauseCheck]
CODEMODS: list[type[Codemod]] = [RenameName, SlowRename]


def register_all() -> None:
    """Add the test kinds to the registries (after the shipped kinds are loaded)."""
    load_step_kinds()
    load_check_kinds()
    STEP_KINDS.update({cls.kind: cls for cls in STEPS})
    CHECK_KINDS.update({cls.kind: cls for cls in CHECKS})
    REGISTRY.update({cls.name: cls for cls in CODEMODS})


def unregister_all() -> None:
    for cls in STEPS:
        STEP_KINDS.pop(cls.kind, None)
    for check in CHECKS:
        CHECK_KINDS.pop(check.kind, None)
    for codemod in CODEMODS:
        REGISTRY.pop(codemod.name, None)


@contextlib.contextmanager
def registered() -> Iterator[None]:
    register_all()
    try:
        yield
    finally:
        unregister_all()
