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

from migrator import dryrun, runlock, workspace
from migrator.checkpoint import Checkpoint
from migrator.environment import AppEnvironment, resolve_environment
from migrator.errors import (
    AlreadyApplied,
    CheckpointWithoutJournal,
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
from migrator.journal import UNFINISHED_STATES, Journal
from migrator.paths import inside_target
from migrator.plan import Plan, load_plan
from migrator.rollback import ENDED, forget_run
from migrator.rollback import rollback as roll_back
from migrator.snapshot import Changes, Manifest, changes, scan, temporary_index, write_tree
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.tracker import SaveToStore, StepTracker
from migrator.user_versions import record_overwritten, save_before_checks
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import stop_all_running
from migrator.workspace import Repo

__all__ = ["apply", "load_plan", "plan_report", "rollback", "status", "verify"]


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

    def will_run(self, what: str, commands: list[str]) -> None:
        """Before a dry run (`what`) starts: the plan's commands it is about to execute."""

    def step_started(self, index: int, total: int, step: StepModel,
                     runs: list[str] | None = None) -> None:
        """Before step `index` runs; `runs`: what it executes, the app's interpreter resolved."""

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
    trust: bool = False
    """The run's --trust: what each step executes is listed as it would run with it."""
    runs: list[list[str]] = field(default_factory=list)
    """What each step executes, with the app's interpreter resolved when there is a target."""


@dataclass
class VerifyReport:
    results: list[CheckResult]
    environment: str = ""
    """The app's interpreter the checks ran in, and how it was found."""
    notes: list[str] = field(default_factory=list)
    """What the user should know about files the checks changed (where a version is saved)."""

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
    """What the steps changed: the migration (what --commit commits and the patch shows)."""
    check_changes: Changes = field(default_factory=Changes)
    """What the checks left in the tree after the steps (test databases, caches); rollback
    removes them too, but they are not the migration's."""
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
    kept: list[str] = field(default_factory=list)
    """Ignored files changed or made after the run, left as they are."""
    kept_folders: list[str] = field(default_factory=list)
    """Folders made or changed after the run with nothing else kept inside (`logs/`), left
    too."""
    saved_patch: Path | None = None
    saved_branch: str | None = None


@dataclass
class StatusReport:
    target: Path
    journal: Journal | None
    checkpoint_ref: str | None
    """The commit the checkpoint ref points to."""
    attempts: list[str]
    notes: list[str] = field(default_factory=list)
    checkpoint_ref_name: str = workspace.CHECKPOINT_REF


# -- preflight ----------------------------------------------------------------------------
def _step_label(index: int, step: StepModel) -> str:
    return f"step {index + 1} ({step.title()})"


def _context(plan: Plan, root: Path, target: Path, trust: bool,
             observer: RunObserver | None = None, dry_run: bool = False,
             environment: AppEnvironment | None = None) -> StepContext:
    ctx = StepContext(root=root, plan_dir=plan.plan_dir, target=target,
                      data=dict(plan.data), trust=trust, dry_run=dry_run,
                      environment=environment or AppEnvironment.of_tool())
    if observer is not None:
        ctx.progress = observer.step_progress
    return ctx


def preflight(plan: Plan, repo: Repo, *, allow_dirty: bool, trust: bool = False,
              real_run: bool = False) -> None:
    """Every refusal that can be known before a byte is written (the caller holds the lock)."""
    journal = Journal.read(repo.state_dir)
    target = repo.root
    if journal is None and real_run:
        orphan = orphan_checkpoint(repo)
        if orphan is not None:
            raise orphan
    if real_run:
        other = overlapping_run(repo)
        if other is not None:
            raise HalfApplied(
                f"a run of plan {other.plan_name!r} on {other.target} is recorded "
                f"(state {other.state}), and that folder overlaps this one",
                f"roll it back first: `migrate rollback --target {other.target}`")
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
            step.preflight(_context(plan, repo.root, repo.root, trust, dry_run=not real_run))
        except MigratorError as exc:
            if isinstance(exc, PreflightError):
                exc.message = f"{_step_label(index, step)}: {exc.message}"
                raise
            raise PreflightError(f"{_step_label(index, step)}: {exc.message}", exc.hint) from None
        except Exception as exc:  # noqa: BLE001 - a step's own check broke: one line, exit 3
            raise PreflightError(f"{_step_label(index, step)}: preflight failed: "
                                 f"{type(exc).__name__}: {exc}") from None


def overlapping_run(repo: Repo) -> Journal | None:
    """A run recorded for another folder of this worktree that holds this one or lies in it
    (its checkpoint and this run's would each undo the other's files)."""
    runs = repo.git_dir / "migrator"
    for journal_file in [runs / "journal.json", *sorted(runs.glob("targets/*/journal.json"))]:
        if journal_file.parent == repo.state_dir:
            continue
        other = Journal.read(journal_file.parent)
        if other is not None:
            folder = Path(other.target)
            if folder == repo.root or folder in repo.root.parents or repo.root in folder.parents:
                return other
    return None


def orphan_checkpoint(repo: Repo) -> CheckpointWithoutJournal | None:
    """A checkpoint ref with no journal: the last way back, offered, never deleted."""
    ref = repo.checkpoint_ref
    commit = repo.ref(ref)
    if commit is None:
        return None
    subject = repo.git("log", "-1", "--format=%s", commit).strip()
    return CheckpointWithoutJournal(
        f"the checkpoint {ref} ({commit[:12]}, {subject!r}) is left without its journal",
        f"it is the last way back: `git restore --source={commit[:12]} --worktree -- .` in "
        f"{repo.root} restores the files git sees; `git update-ref -d {ref}` drops it once "
        "you no longer need it")


def _check_output(path: Path) -> None:
    """--output must name a file the patch can be written to (checked before the dry run)."""
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder", "give the patch file's path")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}: the folder {path.parent} does not exist",
                         "create it first, or choose another path")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise UsageError(f"--output {path} cannot be written ({exc.strerror})",
                         "choose a path you can write") from None
    if not existed:
        path.unlink()


def _output_outside(path: Path, repo: Repo) -> None:
    """The dry run leaves the target and its git folders alone, so the patch may not be
    written into them (`--output .git/HEAD` would break the repository)."""
    try:
        where = path.resolve()
    except (OSError, RuntimeError):
        raise UsageError(f"--output {path} cannot be resolved (a symlink loop)") from None
    for folder, what in ((repo.root, "the target"), (repo.git_dir, "its git folder"),
                         (repo.common_dir, "its git folder")):
        real = folder.resolve()
        if where == real or real in where.parents:
            raise UsageError(f"--output {path} is inside {what} ({real}), which a dry run "
                             "leaves untouched", "write the patch outside the target")


# -- running steps and checks -------------------------------------------------------------
def _run_step(index: int, step: StepModel, ctx: StepContext,
              tracker: StepTracker) -> StepOutcome:
    try:
        tracker.before_step(step.writes_anywhere(ctx))
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
    both = sorted(set(only or []) & set(skip or []))
    if both:
        raise UsageError(f"--only and --skip both name the check {both[0]!r}",
                         "name each check in one of them")
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


def _run_steps(plan: Plan, tracker: StepTracker, ctx: StepContext, observer: RunObserver,
               journal: Journal | None = None, state_dir: Path | None = None,
               reports: list[StepReport] | None = None) -> list[StepReport]:
    """Run every step through the tracker (ignored files brought in first, changes scanned
    after), journaling before and after each one when `journal` is given. Each finished
    step's report is appended to `reports` as it finishes (a failure keeps those before)."""
    ctx.on_change = tracker.will_change
    reports = [] if reports is None else reports
    for index, step in enumerate(plan.steps):
        if journal is not None and state_dir is not None:
            journal.current_step = index
            journal.write(state_dir)
        observer.step_started(index, len(plan.steps), step,
                              step.runs(ctx.trust, ctx.dry_run, ctx.environment))
        start = time.monotonic()
        outcome = _run_step(index, step, ctx, tracker)
        step_changes, _ = tracker.after_step(_step_label(index, step))
        report = StepReport(index=index, title=step.title(), kind=step.kind, why=step.why,
                            changes=step_changes, outcome=outcome,
                            seconds=time.monotonic() - start)
        if journal is not None and state_dir is not None:
            journal.steps_done, journal.current_step = index + 1, None
            journal.write(state_dir)
        observer.step_finished(report)
        reports.append(report)
    return reports


def plan_commands(plan: Plan, trust: bool, dry_run: bool,
                  environment: AppEnvironment | None = None) -> list[str]:
    """Every command the plan's steps execute, one line each."""
    return [line for step in plan.steps for line in step.runs(trust, dry_run, environment)]


# -- the API ------------------------------------------------------------------------------
def _as_plan(plan: Plan | str | Path) -> Plan:
    return plan if isinstance(plan, Plan) else load_plan(plan)


def app_environment(plan: Plan, target: Path, python: str | None = None) -> AppEnvironment:
    """The app's interpreter for `target`: `python` (e.g. `--python`), the plan's, or found."""
    return resolve_environment(target, plan.environment, python)


def plan_report(plan: Plan | str | Path, target: Path | None = None, *, trust: bool = False,
                observer: RunObserver | None = None, python: str | None = None) -> PlanReport:
    """What the plan will do: per-step effects on `target` (from the dry run's copy).

    Without a target, check commands are shown as the plan writes them.
    """
    plan = _as_plan(plan)
    observer = observer or RunObserver()

    def checks(environment: AppEnvironment | None) -> list[CheckPlan]:
        return [CheckPlan(name=c.name, kind=c.kind, description=c.describe(),
                          commands=c.planned_commands(environment))
                for c in plan.checks]

    if target is None:
        steps = [StepReport(index=i, title=s.title(), kind=s.kind, why=s.why, changes=Changes(),
                            outcome=None, seconds=0.0) for i, s in enumerate(plan.steps)]
        return PlanReport(plan=plan, target=None, steps=steps, checks=checks(None), trust=trust,
                          runs=[s.runs(trust) for s in plan.steps])
    repo = Repo.open(target)
    with runlock.locked(repo, shared=True):
        preflight(plan, repo, allow_dirty=True, trust=trust)
        environment = app_environment(plan, repo.root, python)
        notes = [f"checks and command steps run in {environment.describe()}"]
        dirty = repo.dirty_paths()
        if dirty:
            notes.append(f"the target has {len(dirty)} uncommitted change(s): "
                         "effects shown include them; `apply` needs --allow-dirty")
        steps, _ = _dry_run(plan, repo, trust, observer, "plan --target", environment)
    return PlanReport(plan=plan, target=repo.root, steps=steps, checks=checks(environment), trust=trust,
                      notes=notes, runs=[s.runs(trust, False, environment) for s in plan.steps])


def _dry_run(plan: Plan, repo: Repo, trust: bool, observer: RunObserver, what: str,
             environment: AppEnvironment) -> tuple[list[StepReport], tuple[Changes, str]]:
    """The steps in the dry run's copy of the target: per-step reports, total changes, patch."""
    commands = plan_commands(plan, trust, dry_run=True, environment=environment)
    if commands:
        observer.will_run(what, commands)
    with dryrun.dry_run_tree(repo) as tree:
        tracker = StepTracker(tree.repo, tree.base, tree.source)
        ctx = _context(plan, tree.repo.root, repo.root, trust, observer, dry_run=True,
                       environment=environment)
        steps = _run_steps(plan, tracker, ctx, observer)
        after = tracker.previous
        index_dir = tree.repo.git_dir
        old = write_tree(tree.repo.git, tree.base, temporary_index(index_dir, "base"))
        new = write_tree(tree.repo.git, after, temporary_index(index_dir, "after"))
        return steps, (changes(tree.base, after), tree.repo.patch(old, new))


def apply(plan: Plan | str | Path, target: Path, *, dry_run: bool = False,
          output: Path | None = None, verify: bool = True, keep_on_failure: bool = False,
          commit: bool = False, branch: str | None = None, allow_dirty: bool = False,
          trust: bool = False, skip_checks: list[str] | None = None, jobs: int = 1,
          observer: RunObserver | None = None, python: str | None = None) -> ApplyReport:
    """Apply the plan to `target` (or to the dry run's copy of it with `dry_run`).

    `skip_checks` names checks verification leaves out; `jobs` checks run at a time.
    `python` (an interpreter or a virtual environment) overrides the app's environment
    checks and command steps run in. Failures raise MigratorError; a failure after steps
    ran carries the partial ApplyReport as `error.report`.
    """
    plan = _as_plan(plan)
    select_checks(plan, None, skip_checks)  # refuse unknown names before anything runs
    if output is not None:
        _check_output(output)
    observer = observer or RunObserver()
    started = time.monotonic()
    repo = Repo.open(target)
    if output is not None:
        _output_outside(output, repo)
    if commit:  # refused before anything runs; whether it exists is known under the lock
        workspace.valid_branch_name(repo, branch or f"migrate/{plan.name}")
    dryrun.remove_leftovers()
    with runlock.locked(repo, shared=dry_run):
        preflight(plan, repo, allow_dirty=allow_dirty, trust=trust, real_run=not dry_run)
        environment = app_environment(plan, repo.root, python)
        branch_name = branch or f"migrate/{plan.name}"
        if commit and not dry_run:
            workspace.check_branch_name(repo, branch_name)
        report = ApplyReport(plan=plan, target=repo.root, dry_run=dry_run)
        if dry_run:
            report.steps, (report.changes, report.patch) = _dry_run(
                plan, repo, trust, observer, "dry run", environment)
        else:
            _real_run(plan, repo, report, verify=verify, keep_on_failure=keep_on_failure,
                      commit=commit, branch=branch_name, trust=trust, skip_checks=skip_checks,
                      jobs=jobs, observer=observer, environment=environment)
    if dry_run and output is not None:
        try:
            output.write_text(report.patch, encoding="utf-8", errors="surrogateescape")
        except OSError as exc:
            raise UsageError(f"--output {output} cannot be written ({exc.strerror})") from None
        report.output = output
    report.seconds = time.monotonic() - started
    return report


def _real_run(plan: Plan, repo: Repo, report: ApplyReport, *, verify: bool,
              keep_on_failure: bool, commit: bool, branch: str, trust: bool,
              skip_checks: list[str] | None, jobs: int, observer: RunObserver,
              environment: AppEnvironment) -> None:
    journal = Journal(plan_name=plan.name, plan_path=str(plan.path), target=str(repo.root),
                      steps=[s.title() for s in plan.steps], head=repo.head(),
                      branch=repo.branch(), index_saved=(repo.git_dir / "index").exists())
    journal.write(repo.state_dir)
    checkpoint = Checkpoint(repo)
    try:
        journal.checkpoint, base = checkpoint.take(f"migrate checkpoint before {plan.name}")
        journal.write(repo.state_dir)
        repo.git("update-ref", repo.checkpoint_ref, journal.checkpoint, "")
    except BaseException:
        forget_run(repo, journal.checkpoint)  # nothing was changed yet: leave no record
        raise
    journal.state = "running"
    journal.write(repo.state_dir)
    tracker = StepTracker(repo, base, SaveToStore(checkpoint, base))
    try:
        ctx = _context(plan, repo.root, repo.root, trust, observer, environment=environment)
        _run_steps(plan, tracker, ctx, observer, journal, repo.state_dir, report.steps)
        steps_end = tracker.previous
        if verify and plan.checks:
            tracker.before_step(anywhere=True)  # checks write caches, maybe over ignored files
            report.verification = _run_checks(plan, repo.root, None, observer, skip_checks, jobs,
                                              environment)
            tracker.after_step("verification")
            if not report.verification.passed:
                names = ", ".join(r.name for r in report.verification.failed)
                raise VerificationFailed(f"verification failed: {names}")
        end = tracker.previous
        report.changes, report.check_changes = changes(base, steps_end), changes(steps_end, end)
        new = write_tree(repo.git, steps_end, temporary_index(repo.state_dir, "end"))
        report.patch = repo.patch(repo.target_tree(journal.checkpoint), new)
        if commit:
            journal.created_branch = branch
            journal.write(repo.state_dir)
            paths = report.changes.created + report.changes.modified + report.changes.deleted
            report.committed = workspace.commit_on_branch(repo, branch, _commit_message(plan),
                                                          paths)
            report.branch = branch
            journal.created_branch, journal.created_commit = branch, report.committed
        checkpoint.record_end(end)
        journal.state, journal.current_step = "applied", None
        journal.write(repo.state_dir)
    except BaseException as exc:  # noqa: BLE001 - Ctrl-C too must roll back; re-raised inside
        _after_failure(plan, repo, journal, report, exc, keep_on_failure)


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
        checkpoint = Checkpoint(repo)
        try:
            report.attempt_patch = checkpoint.save_attempt(journal.checkpoint, plan.name)
            saved = f"attempt saved as {report.attempt_patch}"
        except (MigratorError, OSError) as problem:
            saved = f"the attempt could not be saved as a patch: {problem}"
        journal.attempt_patch = str(report.attempt_patch) if report.attempt_patch else None
        journal.failure = report.failure = error.message
        if keep_on_failure:
            try:
                checkpoint.record_end(scan(repo.root, repo.git, _known(checkpoint)))
            except (MigratorError, OSError):
                pass  # without it, rollback takes every change since the checkpoint as the run's
            journal.state = "kept-failed"
            journal.write(repo.state_dir)
            what = "the failed attempt is left in the tree (`migrate rollback` undoes it)"
        else:
            try:
                roll_back(repo, journal, force=True)
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
    """Run the plan's checks (those in `only`, minus those in `skip`); all of them run.

    What the checks write (caches, bytecode) after an apply is added to the run's record, so
    a later rollback removes it too."""
    plan = _as_plan(plan)
    repo = Repo.open(target)
    with runlock.locked(repo):
        journal = Journal.read(repo.state_dir)
        checkpoint = Checkpoint(repo)
        recorded = journal is not None and journal.state in ENDED and checkpoint.after()
        before = scan(repo.root, repo.git, _known(checkpoint)) if recorded else None
        users = {}
        if before is not None:
            checkpoint.save_unchanged(before)
            users = save_before_checks(checkpoint, before)
        result = _run_checks(plan, repo.root, only, observer or RunObserver(), skip, jobs,
                             app_environment(plan, repo.root, python))
        if before is not None:
            now = scan(repo.root, repo.git, [before])
            overwritten = record_overwritten(checkpoint, users, before, now)
            checkpoint.record_tool_writes(before, now)
            if overwritten:
                copies = ", ".join(f"{rel} in {checkpoint.stored(users[rel].blob or '')}"
                                   for rel in overwritten)
                result.notes.append(f"the checks changed ignored files you changed after the "
                                    f"run; your versions are saved: {copies} "
                                    "(`migrate rollback` gives them back)")
        return result


def _known(checkpoint: Checkpoint) -> list[Manifest]:
    return [m for m in (checkpoint.after(), checkpoint.manifest()) if m is not None]


def has_run(target: Path) -> bool:
    """Whether --target has a recorded run or a checkpoint ref, i.e. something a rollback
    would act on (reads only; the CLI asks for confirmation only then)."""
    repo = Repo.open(target)
    return Journal.read(repo.state_dir) is not None or repo.ref(repo.checkpoint_ref) is not None


def rollback(target: Path, *, force: bool = False) -> RollbackReport:
    """Undo the recorded run: restore the checkpoint byte for byte. Idempotent."""
    repo = Repo.open(target)
    with runlock.locked(repo):
        journal = Journal.read(repo.state_dir)
        if journal is None:
            orphan = orphan_checkpoint(repo)
            if orphan is not None:
                raise orphan
            return RollbackReport(target=repo.root, rolled_back=False, message=(
                "nothing to roll back: no migration is recorded for this target"))
        if journal.checkpoint is None or Checkpoint(repo).manifest() is None:
            forget_run(repo, journal.checkpoint)
            return RollbackReport(target=repo.root, rolled_back=False, plan_name=journal.plan_name,
                                  message=f"nothing to roll back: the run of {journal.plan_name!r} "
                                          "stopped before changing anything; its journal is cleared")
        with _no_interrupts():
            result = roll_back(repo, journal, force=force)
    message = (f"rolled back {journal.plan_name!r}: the folder, HEAD and index are as they were "
               f"at checkpoint {journal.checkpoint[:12]}")
    if result.kept:
        message += f"; kept the ignored files changed or made after the run: {_few(result.kept)}"
    if result.kept_folders:
        message += f"; kept the folders made or changed after the run: {_few(result.kept_folders)}"
    if result.saved_patch:
        message += f"; the changes made after the run are saved in {result.saved_patch}"
    if result.saved_branch:
        message += f"; the commits made on top of the migration stay on branch {result.saved_branch}"
    return RollbackReport(target=repo.root, rolled_back=True, plan_name=journal.plan_name,
                          message=message, kept=result.kept, kept_folders=result.kept_folders,
                          saved_patch=result.saved_patch, saved_branch=result.saved_branch)


def _few(paths: list[str]) -> str:
    return ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def status(target: Path) -> StatusReport:
    """Which plan ran here, how far it got, and where the checkpoint is. Also removes what
    dry runs killed with kill -9 left in the temporary folder."""
    repo = Repo.open(target)
    notes = [f"removed the leftovers of a dry run that was killed: {folder}"
             for folder in dryrun.remove_leftovers()]
    journal = Journal.read(repo.state_dir)
    if journal is None:
        orphan = orphan_checkpoint(repo)
        if orphan is not None:
            notes.append(str(orphan))
    attempts_dir = repo.state_dir / "attempts"
    attempts = sorted(str(p) for p in attempts_dir.glob("*.patch")) if attempts_dir.is_dir() else []
    return StatusReport(target=repo.root, journal=journal,
                        checkpoint_ref=repo.ref(repo.checkpoint_ref), attempts=attempts,
                        notes=notes, checkpoint_ref_name=repo.checkpoint_ref)
