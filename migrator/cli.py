"""The `migrate` command: parses options, calls `migrator.engine`, prints with `migrator.report`.

No logic lives here. Every MigratorError becomes one `error: ...` line and its exit code.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer._click.core import Context
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as OptionError
from typer.core import TyperGroup

from migrator import engine, report
from migrator.errors import MigratorError, UsageError


class _Commands(TyperGroup):
    """A bad option or argument is a failure like any other: one `error:` line, exit 2, and
    under --json the error as JSON on stdout too (instead of Click's usage block)."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Context | None = None, **extra: object) -> Context:
        given = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except OptionError as exc:
            _option_error(exc, given)
        ctx.meta["migrate.args"] = given
        return ctx

    def invoke(self, ctx: Context) -> object:
        try:
            return super().invoke(ctx)
        except OptionError as exc:
            _option_error(exc, ctx.meta.get("migrate.args", []))


def _option_error(exc: OptionError, args: list[str]) -> typing.NoReturn:
    if isinstance(exc, NoArgsIsHelpError):
        raise exc
    command = exc.ctx.command_path if exc.ctx is not None else "migrate"
    message = " ".join(f"{exc.format_message()} (see `{command} --help`)".split())
    if "--json" in args:
        print(report.dumps({"error": message, "exit_code": 2}))
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


app = typer.Typer(
    cls=_Commands,
    name="migrate",
    help="Move a Flask backend onto a shared Copier template: plan, dry-run, apply, verify, "
    "roll back.\n\nExit codes: 0 ok, 1 verification failed, 2 bad usage or plan, "
    "3 preflight refused, 4 a step failed (rolled back), 130 Ctrl-C, 143 SIGTERM.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

PlanArg = Annotated[Path, typer.Argument(help="The plan file (YAML).", show_default=False,
                                         metavar="PLAN")]
TargetOpt = Annotated[Path, typer.Option("--target", "-t", help="The app's folder: a git "
                                         "repository or a folder in one.", show_default=False,
                                         metavar="DIR")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
TrustOpt = Annotated[bool, typer.Option("--trust", help="Let Copier run the template's tasks "
                                        "and extensions even if the plan does not say so.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N", help="How many "
                                      "checks run at a time (results keep the plan's order).")]
SkipOpt = Annotated[list[str] | None, typer.Option("--skip", help="Leave out this check "
                                                   "(repeatable).", show_default=False,
                                                   metavar="NAME")]
PythonOpt = Annotated[str | None, typer.Option(
    "--python", help="The app's interpreter or virtual environment, for checks and command "
    "steps (default: the plan's environment, else the target's .venv/ or venv/, else python "
    "on PATH).", show_default=False, metavar="PATH")]


def _interpreter(value: str | None) -> str | None:
    """`--python` as typed: a path (with a slash, or naming something in the current folder,
    such as `.venv`) is relative to the current folder, any other name is on PATH."""
    if value is None:
        return value
    path = Path(value).expanduser()
    if "/" not in value and not path.exists():
        return value
    return str(path.absolute())


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _output() -> report.Output:
    tty = sys.stdout.isatty()
    return report.Output(Console(highlight=False, soft_wrap=not tty), rich=tty)


@contextlib.contextmanager
def _user_errors(json_out: bool, out: report.Output) -> Iterator[None]:
    """One line per failure, the error's exit code, and any partial report first."""
    try:
        yield
    except KeyboardInterrupt as exc:
        _fail(engine.interruption(exc), json_out, out)
    except MigratorError as exc:
        _fail(exc, json_out, out)


def _print_json(data: dict[str, typing.Any], exit_code: int = 0, error: str | None = None) -> None:
    """Every --json document ends with the same two keys, on success and failure alike."""
    print(report.dumps({**data, "error": error, "exit_code": exit_code}))


def _fail(exc: MigratorError, json_out: bool, out: report.Output) -> None:
    partial = getattr(exc, "report", None)
    if json_out:
        data = report.apply_json(partial) if partial is not None else {}
        _print_json(data, exc.exit_code, str(exc))
    elif partial is not None:
        report.render_apply(out, partial)
    one_line = " ".join(str(exc).split())  # messages quoting files may hold newlines
    print(f"error: {one_line}", file=sys.stderr)
    raise typer.Exit(exc.exit_code)


def _observer(json_out: bool, out: report.Output) -> report.ConsoleObserver | None:
    return None if json_out else report.ConsoleObserver(out)


def _confirm(question: str, yes: bool, json_out: bool) -> None:
    if yes or json_out or not sys.stdin.isatty() or not sys.stdout.isatty():
        return
    if not typer.confirm(question, default=False):
        raise UsageError("not confirmed; nothing was changed (pass --yes to skip the question)")


@app.command("plan")
def plan_command(
    plan: PlanArg,
    target: Annotated[Path | None, typer.Option(
        "--target", "-t", help="Show the concrete effects on this repository (runs preflight and "
        "the steps in the dry run's copy of it).", show_default=False, metavar="DIR")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="text, json or markdown.")] = Format.text,
    json_out: JsonOpt = False,
    trust: TrustOpt = False,
    python: PythonOpt = None,
) -> None:
    """Show what PLAN does to --target, step by step.

    Validates the plan and shows what each step executes; with --target also runs
    preflight and the steps in a copy of the target (in a repository of its own), listing
    the files each step creates, modifies and deletes (ignored files included), the
    rewrites of each codemod and the exact commands each check will run. Changes nothing.

    Example: migrate plan plans/my-app.yaml --target ../my-app
    """
    out = _output()
    as_json = json_out or format is Format.json
    with _user_errors(as_json, out):
        quiet = as_json or format is Format.markdown
        observer = None if quiet else _observer(False, out)
        try:
            result = engine.plan_report(plan, target, trust=trust, observer=observer,
                                        python=_interpreter(python))
        finally:
            if observer:
                observer.close()
        if as_json:
            _print_json(report.plan_json(result))
        elif format is Format.markdown:
            sys.stdout.write(report.render_markdown(result))
        else:
            report.render_plan(out, result)


@app.command("apply")
def apply_command(
    plan: PlanArg,
    target: TargetOpt,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Run in a copy of the target and "
                                          "show the diff; the target and its .git are not "
                                          "touched.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="With --dry-run: write the "
                                                "patch to this file.", show_default=False,
                                                metavar="PATCH")] = None,
    no_verify: Annotated[bool, typer.Option("--no-verify", help="Skip the plan's checks.")] = False,
    keep_on_failure: Annotated[bool, typer.Option("--keep-on-failure", help="Leave a failed "
                                                  "attempt in the tree instead of rolling back.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="On success, commit the result on a "
                                         "new branch.")] = False,
    branch: Annotated[str | None, typer.Option("--branch", help="Branch for --commit "
                                               "(default migrate/<plan name>).",
                                               show_default=False, metavar="NAME")] = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="Run on uncommitted changes "
                                              "(they become part of the checkpoint).")] = False,
    skip: SkipOpt = None,
    jobs: JobsOpt = 1,
    yes: YesOpt = False,
    json_out: JsonOpt = False,
    trust: TrustOpt = False,
    python: PythonOpt = None,
) -> None:
    """Apply PLAN to --target, verify, roll back on failure.

    Takes a checkpoint (refs/worktree/migrator/checkpoint, journal and saved ignored files
    under .git/migrator/), runs the steps, then the checks. If a step or a check fails, the
    target is rolled back and the attempt is kept as a patch under .git/migrator/attempts/.

    Example: migrate apply plans/my-app.yaml --target ../my-app --dry-run
    """
    out = _output()
    with _user_errors(json_out, out):
        if output is not None and not dry_run:
            raise UsageError("--output goes with --dry-run (a real run keeps its changes in the tree)")
        if branch is not None and not commit:
            raise UsageError("--branch goes with --commit")
        if not dry_run:
            _confirm(f"Apply {plan} to {target}?", yes, json_out)
        observer = _observer(json_out, out)
        try:
            result = engine.apply(plan, target, dry_run=dry_run, output=output,
                                  verify=not no_verify, keep_on_failure=keep_on_failure,
                                  commit=commit, branch=branch, allow_dirty=allow_dirty,
                                  trust=trust, skip_checks=skip or None, jobs=jobs,
                                  observer=observer, python=_interpreter(python))
        finally:
            if observer:
                observer.close()
        if json_out:
            _print_json(report.apply_json(result))
        else:
            report.render_apply(out, result)


@app.command("verify")
def verify_command(
    plan: PlanArg,
    target: TargetOpt,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this check "
                                                   "(repeatable).", show_default=False,
                                                   metavar="NAME")] = None,
    skip: SkipOpt = None,
    jobs: JobsOpt = 1,
    json_out: JsonOpt = False,
    python: PythonOpt = None,
) -> None:
    """Run PLAN's checks on --target and show their evidence.

    Every check runs even after one fails; exit 1 if any failed.

    Example: migrate verify plans/my-app.yaml --target ../my-app --only tests
    """
    out = _output()
    with _user_errors(json_out, out):
        observer = _observer(json_out, out)
        try:
            result = engine.verify(plan, target, only=only or None, skip=skip or None,
                                   jobs=jobs, observer=observer, python=_interpreter(python))
        finally:
            if observer:
                observer.close()
        failure = None if result.passed else (
            "verification failed: " + ", ".join(r.name for r in result.failed))
        if json_out:
            _print_json(report.verify_json(result), 0 if failure is None else 1, failure)
        else:
            report.render_verify(out, result)
        if failure is not None:
            print(f"error: {failure}", file=sys.stderr)
            raise typer.Exit(1)


@app.command("rollback")
def rollback_command(
    target: TargetOpt,
    force: Annotated[bool, typer.Option("--force", help="Roll back even if commits were added "
                                        "on top of the migration (kept on a branch) or files "
                                        "changed after it (saved as a patch first).")] = False,
    yes: YesOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Restore --target to its checkpoint, byte for byte.

    The bytes on disk, file and folder modes, empty folders, HEAD, branch and index come
    back, and the ignored files a step overwrote or deleted; only what the run made is
    removed. Work done after the run is never discarded without --force. Works after a
    crash; idempotent.

    Example: migrate rollback --target ../my-app
    """
    out = _output()
    with _user_errors(json_out, out):
        if engine.has_run(target):
            _confirm(f"Roll back {target} to its checkpoint?", yes, json_out)
        result = engine.rollback(target, force=force)
        if json_out:
            _print_json(report.rollback_json(result))
        else:
            report.render_rollback(out, result)


@app.command("status")
def status_command(target: TargetOpt, json_out: JsonOpt = False) -> None:
    """Show the recorded run on --target: plan, steps, checkpoint.

    Example: migrate status --target ../my-app
    """
    out = _output()
    with _user_errors(json_out, out):
        result = engine.status(target)
        if json_out:
            _print_json(report.status_json(result))
        else:
            report.render_status(out, result)


@app.command("schema")
def schema_command(
    json_out: JsonOpt = False,
) -> None:
    """Print the JSON Schema of plan files (for editors).

    Example: migrate schema > plan.schema.json
    """
    from migrator.plan import plan_json_schema_text

    with _user_errors(True, _output()):
        print(plan_json_schema_text())


@app.command("demo")
def demo_command(
    folder: Annotated[Path | None, typer.Argument(
        help="Where to lay out the demo (default: a new temporary folder).", metavar="[DIR]",
        show_default=False)] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Start over if DIR already holds a "
                                        "demo (its two repositories are replaced).")] = False,
    postgres: Annotated[bool, typer.Option("--postgres", help="Also run the checks that need "
                                           "the PostgreSQL server on 127.0.0.1:5432.")] = False,
    app_name: Annotated[str, typer.Option("--app", help="The bundled app: electronics-inventory "
                                          "or iot-support.", metavar="NAME")] = "electronics-inventory",
    python: PythonOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Migrate a bundled customer app onto the bundled template.

    Lays out DIR/ModernAppTemplate/backend (the template as a tagged git repo) and the app
    before migration (DIR/ElectronicsInventory/backend, or the DIR/IoTSupport monorepo
    with --app iot-support), then runs `migrate plan`, the dry run, the real apply and
    every check of the app's checklist, on SQLite.

    Example: migrate demo /tmp/demo --fresh --app iot-support
    """
    from migrator import demo

    out = _output()
    with _user_errors(json_out, out):
        observer = _observer(json_out, out)
        printer = None if json_out else lambda phase, result: report.render_demo_phase(
            out, phase, result)
        try:
            result = demo.run(folder, app=app_name, python=_interpreter(python),
                              fresh=fresh, with_server_checks=postgres, observer=observer,
                              on_phase=printer)
        finally:
            if observer:
                observer.close()
        failure = result.failure
        if json_out:
            _print_json(report.demo_json(result), 0 if failure is None else 1, failure)
        else:
            report.render_demo_end(out, result)
        if failure is not None:
            print(f"error: {failure}", file=sys.stderr)
            raise typer.Exit(1)


@app.command("init")
def init_command(
    template: Annotated[str, typer.Option("--template", help="The Copier template: a folder "
                                          "or a git URL.", show_default=False, metavar="SRC")],
    target: Annotated[Path, typer.Option("--target", "-t", help="The app's folder (read only).",
                                         show_default=False, metavar="APP")],
    data: Annotated[list[str] | None, typer.Option("--data", "-d", help="Answer a template "
                                                   "question (repeatable), e.g. use_s3=true.",
                                                   show_default=False, metavar="KEY=VALUE")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the plan here "
                                                "(default: print it).", show_default=False,
                                                metavar="PLAN")] = None,
    json_out: JsonOpt = False,
    trust: Annotated[bool, typer.Option("--trust", help="Let Copier load the template's Jinja "
                                        "extensions.")] = False,
) -> None:
    """Draft a plan for --target from --template, with the evidence for every entry.

    Renders the template into scratch folders, reads both sides and infers the answers,
    module moves, copier skip/merge lists, rebases, deletes and checks. Each entry's YAML
    comment gives its confidence and evidence; what it cannot decide is written commented
    out with a question. The app and the template are never modified. With --json, prints
    the inference (answers, matches, scores).

    Example: migrate init --template ../template --target ../my-app --output my-app.yaml
    """
    from migrator.init import command as init

    out = _output()
    with _user_errors(json_out, out):
        result = init.run_init(template, target, data or [], output, trust=trust)
        if json_out:
            _print_json(init.result_json(result))
            return
        if output is None:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        print(init.summary(result), file=sys.stderr if output is None else sys.stdout)


def main() -> None:
    """Console-script entry point."""
    # A run builds millions of short-lived LibCST nodes: keep the collector off the
    # modules imported so far and let it run less often (a run is seconds long).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    engine.handle_sigterm()
    try:
        app(prog_name="migrate")
    except KeyboardInterrupt as exc:  # Ctrl-C / SIGTERM outside a command's own cleanup
        error = engine.interruption(exc)
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(error.exit_code) from None
