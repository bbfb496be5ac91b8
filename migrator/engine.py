"""The migration API the CLI and the tests call: plan, apply, verify, rollback, status.

One run: preflight -> checkpoint -> steps (journaled before and after each) -> checks ->
keep (optionally commit on a branch) or roll back, keeping the attempt as a patch.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from migrator import workspace
from migrator.environment import AppEnvironment, resolve_environment
from migrator.errors import (
    AlreadyApplied,
    DirtyTree,
    HalfApplied,
    Interrupted,
    MigratorError,
    PathEscapesTarget,
    PreflightError,
    StepFailed,
    Terminated,
    UsageError,
    VerificationFailed,
)
from migrator.paths import inside_target
from migrator.plan import Plan, load_plan
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import stop_all_running
from migrator.workspace import Changes, Journal, Repo

__all__ = ["apply", "load_plan", "plan_report", "rollback", "status", "verify"]

UNFINISHED_STATES = ("starting", "running", "rolling-back", "kept-failed")


class SigTerm(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so a terminated run cleans up the same way."""


def _raise_sigterm(signum: int, frame: object) -> None:
    raise SigTerm


def handle_sigterm() -> None:
    """Make SIGTERM roll back / clean up like Ctrl-C (the console script calls this)."""
    signal.signal(signal.SIGTERM, _raise_sigterm)


def interruption(exc: KeyboardInterrupt) -> Interrupted:
    return Terminated("terminated (SIGTERM)") if isinstance(exc, SigTerm) else \
        Interrupted("interrupted (Ctrl-C)")


class RunObserver:
    """Hooks the CLI uses for progress; the default does nothing."""

    def step_started(self, index: int, total: int, step: StepModel) -> None: ...

    def step_progress(self, description: str, completed: int | None, total: int | None) -> None: ...

    def step_finished(self, report: StepReport) -> None: ...

    def check_started(self, index: int, total: int, check: CheckModel) -> None: ...

    def check_finished(self, result: CheckResult) -> None: ...


# -- reports ------------------------------------------------------------------------------
@dataclass
class StepReport:
    index: int
    title: str
    kind: str
    why: str | None
    changes: Changes
    outcome: StepOutcome | None
    seconds: float


@dataclass
class CheckPlan:
    name: str
    kind: str
    description: str
    commands: list[list[str]]


@dataclass
class PlanReport:
    plan: Plan
    target: Path | None
    steps: list[StepReport]
    checks: list[CheckPlan]
    notes: list[str] = field(default_factory=list)


@dataclass
class VerifyReport:
    results: list[CheckResult]
    environment: str = ""
    """The app's interpreter the checks ran in, and how it was found."""

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]


@dataclass
class ApplyReport:
    plan: Plan
    target: Path
    dry_run: bool
    steps: list[StepReport] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    patch: str = ""
    verification: VerifyReport | None = None
    output: Path | None = None
    committed: str | None = None
    branch: str | None = None
    attempt_patch: Path | None = None
    rolled_back: bool = False
    failure: str | None = None
    seconds: float = 0.0


@dataclass
class RollbackReport:
    target: Path
    rolled_back: bool
    message: str
    plan_name: str | None = None


@dataclass
class StatusReport:
    target: Path
    journal: Journal | None
    checkpoint_ref: str | None
    attempts: list[str]


# -- preflight ----------------------------------------------------------------------------
def _step_label(index: int, step: StepModel) -> str:
    return f"step {index + 1} ({step.title()})"


def _context(plan: Plan, root: Path, target: Path, trust: bool,
             observer: RunObserver | None = None,
             environment: AppEnvironment | None = None) -> StepContext:
    ctx = StepContext(root=root, plan_dir=plan.plan_dir, target=target,
                      data=dict(plan.data), trust=trust,
                      environment=environment or AppEnvironment.of_tool())
    if observer is not None:
        ctx.progress = observer.step_progress
    return ctx


def preflight(plan: Plan, target: Path, *, allow_dirty: bool, trust: bool = False,
              real_run: bool = False) -> Repo:
    """Every refusal that can be known before a byte is written; returns the target repo."""
    repo = Repo.open(target)
    journal = Journal.read(repo)
    if real_run and journal is not None and journal.state == "applied" \
            and journal.plan_name == plan.name:
        raise AlreadyApplied(
            f"plan {plan.name!r} is already applied to this target "
            f"(checkpoint {(journal.checkpoint or '')[:12]})",
            f"`migrate rollback --target {target}` undoes it before applying it again; "
            f"`migrate status --target {target}` shows it")
    if journal is not None and journal.state in UNFINISHED_STATES:
        done = f"{journal.steps_done} of {len(journal.steps)} steps done"
        raise HalfApplied(
            f"an earlier run of plan {journal.plan_name!r} is half-applied "
            f"(state {journal.state}, {done})",
            f"run `migrate rollback --target {target}` to undo it, "
            f"or `migrate status --target {target}` to inspect it")
    if not allow_dirty:
        dirty = repo.dirty_paths()
        if dirty:
            shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
            raise DirtyTree(f"target has uncommitted changes: {shown}",
                            "commit or stash them, or pass --allow-dirty to make them "
                            "part of the checkpoint")
    for index, step in enumerate(plan.steps):
        for rel in step.declared_paths():
            try:
                inside_target(repo.root, rel)
            except PathEscapesTarget as exc:
                raise PathEscapesTarget(f"{_step_label(index, step)}: {exc.message}") from None
    for index, step in enumerate(plan.steps):
        try:
            step.preflight(_context(plan, repo.root, repo.root, trust))
        except MigratorError as exc:
            if isinstance(exc, PreflightError):
                exc.message = f"{_step_label(index, step)}: {exc.message}"
                raise
            raise PreflightError(f"{_step_label(index, step)}: {exc.message}", exc.hint) from None
        except Exception as exc:  # noqa: BLE001 - a step's own check broke: one line, exit 3
            raise PreflightError(f"{_step_label(index, step)}: preflight failed: "
                                 f"{type(exc).__name__}: {exc}") from None
    return repo


# -- running steps and checks -------------------------------------------------------------
def _run_step(index: int, step: StepModel, ctx: StepContext) -> StepOutcome:
    try:
        return step.apply(ctx)
    except MigratorError as exc:
        if isinstance(exc, StepFailed):
            exc.message = f"{_step_label(index, step)}: {exc.message}"
            raise
        raise StepFailed(f"{_step_label(index, step)}: {exc.message}", exc.hint) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - any fault in a step is a failed step (exit 4)
        raise StepFailed(f"{_step_label(index, step)} failed: {type(exc).__name__}: {exc}") from None


def select_checks(plan: Plan, only: list[str] | None,
                  skip: list[str] | None = None) -> list[CheckModel]:
    """The plan's checks named by --only (all by default) minus those named by --skip."""
    known = {c.name for c in plan.checks}
    for option, names in (("--only", only or []), ("--skip", skip or [])):
        unknown = sorted(set(names) - known)
        if unknown:
            listed = ", ".join(c.name for c in plan.checks) or "none"
            raise UsageError(f"{option} {unknown[0]!r}: no such check (the plan has: {listed})")
    return [c for c in plan.checks
            if (not only or c.name in only) and c.name not in (skip or [])]


def _run_checks(plan: Plan, root: Path, only: list[str] | None, observer: RunObserver,
                skip: list[str] | None = None, jobs: int = 1,
                environment: AppEnvironment | None = None) -> VerifyReport:
    checks = select_checks(plan, only, skip)
    with tempfile.TemporaryDirectory(prefix="migrate-verify-") as scratch:
        ctx = CheckContext(root=root, plan_dir=plan.plan_dir, scratch=Path(scratch),
                           environment=environment or AppEnvironment.of_tool())
        if jobs <= 1 or len(checks) <= 1:
            results = [_run_check(i, len(checks), c, ctx, observer) for i, c in enumerate(checks)]
        else:
            results = _run_checks_in_parallel(checks, ctx, _SerializedObserver(observer), jobs)
    return VerifyReport(results=results, environment=ctx.environment.describe())


def _run_checks_in_parallel(checks: list[CheckModel], ctx: CheckContext,
                            observer: RunObserver, jobs: int) -> list[CheckResult]:
    """Run `jobs` checks at a time; results come back in plan order."""
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="migrate-check")
    futures = [pool.submit(_run_check, i, len(checks), c, ctx, observer)
               for i, c in enumerate(checks)]
    try:
        return [future.result() for future in futures]
    except BaseException:
        # Ctrl-C / SIGTERM land in this thread: stop what the workers started
        for future in futures:
            future.cancel()
        stop_all_running()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _SerializedObserver(RunObserver):
    """Forwards check events from worker threads one at a time."""

    def __init__(self, inner: RunObserver) -> None:
        self.inner = inner
        self.lock = threading.Lock()

    def check_started(self, index: int, total: int, check: CheckModel) -> None:
        with self.lock:
            self.inner.check_started(index, total, check)

    def check_finished(self, result: CheckResult) -> None:
        with self.lock:
            self.inner.check_finished(result)


def _run_check(index: int, total: int, check: CheckModel, ctx: CheckContext,
               observer: RunObserver) -> CheckResult:
    observer.check_started(index, total, check)
    start = time.monotonic()
    try:
        result = check.run(ctx)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - every check runs even when one breaks
        message = exc.message if isinstance(exc, MigratorError) else f"{type(exc).__name__}: {exc}"
        result = CheckResult(name=check.name, passed=False,
                             seconds=time.monotonic() - start,
                             summary=f"the check could not run: {message}",
                             commands=check.planned_commands(ctx.environment))
    observer.check_finished(result)
    return result


def _steps_in(tree: workspace.DryRunTree, plan: Plan, target: Path, trust: bool,
              observer: RunObserver,
              environment: AppEnvironment | None = None) -> tuple[list[StepReport], str]:
    reports: list[StepReport] = []
    previous = tree.base
    ctx = _context(plan, tree.repo.root, target, trust, observer, environment)
    for index, step in enumerate(plan.steps):
        observer.step_started(index, len(plan.steps), step)
        start = time.monotonic()
        outcome = _run_step(index, step, ctx)
        now = tree.repo.snapshot(tree.index, None, tree.env)
        report = StepReport(index=index, title=step.title(), kind=step.kind, why=step.why,
                            changes=tree.repo.changes(previous, now, tree.env), outcome=outcome,
                            seconds=time.monotonic() - start)
        observer.step_finished(report)
        reports.append(report)
        previous = now
    return reports, previous


# -- the API ------------------------------------------------------------------------------
def _as_plan(plan: Plan | str | Path) -> Plan:
    return plan if isinstance(plan, Plan) else load_plan(plan)


def app_environment(plan: Plan, target: Path, python: str | None = None) -> AppEnvironment:
    """The app's interpreter for `target`: `python` (e.g. `--python`), the plan's, or found."""
    return resolve_environment(target, plan.environment, python)


def plan_report(plan: Plan | str | Path, target: Path | None = None, *, trust: bool = False,
                observer: RunObserver | None = None, python: str | None = None) -> PlanReport:
    """What the plan will do: per-step effects on `target` (from a throwaway worktree).

    Without a target, check commands are shown as the plan writes them.
    """
    plan = _as_plan(plan)

    def checks(environment: AppEnvironment | None) -> list[CheckPlan]:
        return [CheckPlan(name=c.name, kind=c.kind, description=c.describe(),
                          commands=c.planned_commands(environment))
                for c in plan.checks]

    if target is None:
        steps = [StepReport(index=i, title=s.title(), kind=s.kind, why=s.why, changes=Changes(),
                            outcome=None, seconds=0.0) for i, s in enumerate(plan.steps)]
        return PlanReport(plan=plan, target=None, steps=steps, checks=checks(None))
    repo = preflight(plan, target, allow_dirty=True, trust=trust)
    environment = app_environment(plan, repo.root, python)
    notes = [f"checks and command steps run in {environment.describe()}"]
    dirty = repo.dirty_paths()
    if dirty:
        notes.append(f"the target has {len(dirty)} uncommitted change(s): "
                     "effects shown include them; `apply` needs --allow-dirty")
    with workspace.dry_run_worktree(repo, copy_uncommitted=bool(dirty)) as tree:
        steps, _ = _steps_in(tree, plan, repo.root, trust, observer or RunObserver(), environment)
    return PlanReport(plan=plan, target=repo.root, steps=steps, checks=checks(environment),
                      notes=notes)


def apply(plan: Plan | str | Path, target: Path, *, dry_run: bool = False,
          output: Path | None = None, verify: bool = True, keep_on_failure: bool = False,
          commit: bool = False, branch: str | None = None, allow_dirty: bool = False,
          trust: bool = False, skip_checks: list[str] | None = None, jobs: int = 1,
          observer: RunObserver | None = None, python: str | None = None) -> ApplyReport:
    """Apply the plan to `target` (or to a throwaway worktree with `dry_run`).

    `skip_checks` names checks verification leaves out; `jobs` checks run at a time.
    `python` (an interpreter or a virtual environment) overrides the app's environment
    checks and command steps run in. Failures raise MigratorError; a failure after steps
    ran carries the partial ApplyReport as `error.report`.
    """
    plan = _as_plan(plan)
    select_checks(plan, None, skip_checks)  # refuse unknown names before anything runs
    observer = observer or RunObserver()
    started = time.monotonic()
    repo = preflight(plan, target, allow_dirty=allow_dirty, trust=trust, real_run=not dry_run)
    environment = app_environment(plan, repo.root, python)
    branch_name = branch or f"migrate/{plan.name}"
    if commit and not dry_run:
        workspace.check_branch_name(repo, branch_name)
    report = ApplyReport(plan=plan, target=repo.root, dry_run=dry_run)
    if dry_run:
        with workspace.dry_run_worktree(repo, copy_uncommitted=allow_dirty) as tree:
            report.steps, after = _steps_in(tree, plan, repo.root, trust, observer, environment)
            report.changes = tree.repo.changes(tree.base, after, tree.env)
            report.patch = tree.repo.patch(tree.base, after, tree.env)
        if output is not None:
            output.write_text(report.patch, encoding="utf-8", errors="surrogateescape")
            report.output = output
        report.seconds = time.monotonic() - started
        return report
    _real_run(plan, repo, report, verify=verify, keep_on_failure=keep_on_failure,
              commit=commit, branch=branch_name, trust=trust, skip_checks=skip_checks,
              jobs=jobs, observer=observer, environment=environment)
    report.seconds = time.monotonic() - started
    return report


def _real_run(plan: Plan, repo: Repo, report: ApplyReport, *, verify: bool,
              keep_on_failure: bool, commit: bool, branch: str, trust: bool,
              skip_checks: list[str] | None, jobs: int, observer: RunObserver,
              environment: AppEnvironment) -> None:
    journal = Journal(plan_name=plan.name, plan_path=str(plan.path), target=str(repo.root),
                      steps=[s.title() for s in plan.steps], head=repo.head(),
                      branch=repo.branch(), index_saved=(repo.git_dir / "index").exists())
    journal.write(repo)
    try:
        journal.checkpoint = workspace.create_checkpoint(
            repo, f"migrate checkpoint before {plan.name}")
    except BaseException:
        workspace.forget_run(repo)  # nothing was changed yet: leave no half-started record
        raise
    journal.state = "running"
    journal.write(repo)
    try:
        _run_steps_journaled(plan, repo, journal, report, trust, observer, environment)
        if verify and plan.checks:
            report.verification = _run_checks(plan, repo.root, None, observer, skip_checks, jobs,
                                              environment)
            if not report.verification.passed:
                names = ", ".join(r.name for r in report.verification.failed)
                raise VerificationFailed(f"verification failed: {names}")
        report.changes, report.patch, _ = workspace.attempt_changes(repo, journal.checkpoint)
        if commit:
            journal.created_branch = branch
            journal.write(repo)
            report.committed = workspace.commit_on_branch(repo, branch, _commit_message(plan))
            report.branch = branch
            journal.created_branch, journal.created_commit = branch, report.committed
        journal.state, journal.current_step = "applied", None
        journal.write(repo)
    except BaseException as exc:  # noqa: BLE001 - Ctrl-C too must roll back; re-raised inside
        _after_failure(plan, repo, journal, report, exc, keep_on_failure)


def _run_steps_journaled(plan: Plan, repo: Repo, journal: Journal, report: ApplyReport,
                         trust: bool, observer: RunObserver, environment: AppEnvironment) -> None:
    assert journal.checkpoint is not None
    index = repo.state_dir / "steps.index"
    index.unlink(missing_ok=True)
    previous = repo.tree_of(journal.checkpoint)
    ctx = _context(plan, repo.root, repo.root, trust, observer, environment)
    for i, step in enumerate(plan.steps):
        journal.current_step = i
        journal.write(repo)
        observer.step_started(i, len(plan.steps), step)
        start = time.monotonic()
        outcome = _run_step(i, step, ctx)
        now = repo.snapshot(index, journal.checkpoint)
        step_report = StepReport(index=i, title=step.title(), kind=step.kind, why=step.why,
                                 changes=repo.changes(previous, now), outcome=outcome,
                                 seconds=time.monotonic() - start)
        previous = now
        journal.steps_done, journal.current_step = i + 1, None
        journal.write(repo)
        report.steps.append(step_report)
        observer.step_finished(step_report)
    index.unlink(missing_ok=True)


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """Rollback must not be cut short by a second Ctrl-C (it is re-runnable, but still)."""
    try:
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _after_failure(plan: Plan, repo: Repo, journal: Journal, report: ApplyReport,
                   exc: BaseException, keep_on_failure: bool) -> None:
    with _no_interrupts():
        if isinstance(exc, KeyboardInterrupt):
            error: MigratorError = interruption(exc)
        elif isinstance(exc, StepFailed | VerificationFailed):
            error = exc
        elif isinstance(exc, MigratorError):  # e.g. git refusing the --commit: after steps ran
            error = StepFailed(exc.message)
        else:
            error = StepFailed(f"the run broke: {type(exc).__name__}: {exc}")
        assert journal.checkpoint is not None
        try:
            report.attempt_patch = workspace.save_attempt_patch(repo, journal.checkpoint, plan.name)
            saved = f"attempt saved as {report.attempt_patch}"
        except (MigratorError, OSError) as problem:
            saved = f"the attempt could not be saved as a patch: {problem}"
        journal.attempt_patch = str(report.attempt_patch) if report.attempt_patch else None
        journal.failure = report.failure = error.message
        if keep_on_failure:
            journal.state = "kept-failed"
            journal.write(repo)
            what = "the failed attempt is left in the tree (`migrate rollback` undoes it)"
        else:
            try:
                workspace.rollback(repo, journal, force=True)
                report.rolled_back = True
                what = "rolled back to the checkpoint"
            except (MigratorError, OSError) as problem:
                what = (f"the automatic rollback failed ({problem}); "
                        f"run `migrate rollback --target {repo.root}`")
        error.hint = f"{what}; {saved}"
        error.report = report  # type: ignore[attr-defined]
    raise error from None


def _commit_message(plan: Plan) -> str:
    lines = [f"Migrate with plan {plan.name}", ""]
    if plan.description:
        lines += [plan.description.strip(), ""]
    lines += ["Steps:"] + [f"  {i + 1}. {s.title()} ({s.kind})" for i, s in enumerate(plan.steps)]
    lines += ["", f"Plan: {plan.path.name}"]
    return "\n".join(lines)


def verify(plan: Plan | str | Path, target: Path, only: list[str] | None = None,
           observer: RunObserver | None = None, skip: list[str] | None = None,
           jobs: int = 1, python: str | None = None) -> VerifyReport:
    """Run the plan's checks (those in `only`, minus those in `skip`); all of them run."""
    plan = _as_plan(plan)
    repo = Repo.open(target)
    return _run_checks(plan, repo.root, only, observer or RunObserver(), skip, jobs,
                       app_environment(plan, repo.root, python))


def rollback(target: Path, *, force: bool = False) -> RollbackReport:
    """Undo the recorded run: restore the checkpoint byte for byte. Idempotent."""
    repo = Repo.open(target)
    journal = Journal.read(repo)
    if journal is None:
        leftover = repo.ref(workspace.CHECKPOINT_REF)
        if leftover:
            workspace.forget_run(repo)
        return RollbackReport(target=repo.root, rolled_back=False,
                              message="nothing to roll back: no migration is recorded for this target")
    if journal.checkpoint is None:
        workspace.forget_run(repo)
        return RollbackReport(target=repo.root, rolled_back=False, plan_name=journal.plan_name,
                              message=f"nothing to roll back: the run of {journal.plan_name!r} "
                                      "stopped before changing anything; its journal is cleared")
    with _no_interrupts():
        workspace.rollback(repo, journal, force=force)
    return RollbackReport(target=repo.root, rolled_back=True, plan_name=journal.plan_name,
                          message=f"rolled back {journal.plan_name!r}: the tree, HEAD and index "
                                  f"are as they were at checkpoint {journal.checkpoint[:12]}")


def status(target: Path) -> StatusReport:
    """Which plan ran here, how far it got, and where the checkpoint is."""
    repo = Repo.open(target)
    attempts_dir = repo.state_dir / "attempts"
    attempts = sorted(str(p) for p in attempts_dir.glob("*.patch")) if attempts_dir.is_dir() else []
    return StatusReport(target=repo.root, journal=Journal.read(repo),
                        checkpoint_ref=repo.ref(workspace.CHECKPOINT_REF), attempts=attempts)

