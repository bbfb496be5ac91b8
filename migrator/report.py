"""How results look: rich tables and progress on a terminal, plain text otherwise, or JSON.

Also renders a plan as a Markdown migration document (`migrate plan --format markdown`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table

from migrator.engine import (
    ApplyReport,
    PlanReport,
    RollbackReport,
    RunObserver,
    StatusReport,
    StepReport,
    VerifyReport,
)
from migrator.plan import Plan
from migrator.steps.base import StepModel
from migrator.verify.base import CheckModel, CheckResult
from migrator.workspace import Changes

if TYPE_CHECKING:
    from migrator.demo import DemoReport


class Output:
    """Where and how to print: rich when `rich` (a terminal), plain text otherwise."""

    def __init__(self, console: Console, rich: bool) -> None:
        self.console = console
        self.rich = rich

    def line(self, text: str = "", style: str | None = None) -> None:
        if self.rich:
            self.console.print(escape(text), style=style, highlight=False)
        else:
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A titled table; nothing at all when it has no rows (an empty table says nothing)."""
        if not rows:
            return
        if self.rich:
            table = Table(title=title, title_justify="left")
            for column in columns:
                table.add_column(column, overflow="fold")
            for row in rows:
                table.add_row(*(escape(cell) for cell in row))
            self.console.print(table)
            return
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        self.line(title)
        self.line("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
        for row in rows:
            self.line("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())

    def diff(self, patch: str) -> None:
        if self.rich and patch:
            self.console.print(Syntax(patch, "diff", theme="ansi_dark", background_color="default"))
        elif patch:
            self.console.print(patch.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)


class ConsoleObserver(RunObserver):
    """Step and check progress: a live spinner on a terminal, one line per event otherwise."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.progress: Progress | None = None
        self.task: Any = None
        self.check_labels: dict[str, str] = {}

    def _live(self, description: str) -> None:
        if not self.out.rich:
            return
        if self.progress is None:
            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                     TimeElapsedColumn(), console=self.out.console,
                                     transient=True)
            self.progress.start()
            self.task = self.progress.add_task(description, total=None)
        self.progress.update(self.task, description=escape(description), completed=0, total=None)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def will_run(self, what: str, commands: list[str]) -> None:
        self.out.line(f"note: this {what} runs the plan's commands, in a copy of the target:",
                      style="yellow")
        for command in commands:
            self.out.line(f"  $ {command}", style="yellow")

    def step_started(self, index: int, total: int, step: StepModel,
                     runs: list[str] | None = None) -> None:
        self.prefix = f"step {index + 1}/{total} {step.title()}"
        if self.out.rich:
            self._live(self.prefix)
        else:
            self.out.line(f"{self.prefix} ...")
        # a named command still shows what it runs
        for command in step.runs(trust=False) if runs is None else runs:
            self.out.line(f"  $ {command}")

    def step_progress(self, description: str, completed: int | None, total: int | None) -> None:
        if self.progress is not None:
            count = f" {completed}/{total}" if completed is not None and total else ""
            self.progress.update(self.task, description=escape(f"{self.prefix}: {description}{count}"))

    def step_finished(self, report: StepReport) -> None:
        text = f"{'✓ ' if self.out.rich else ''}{self.prefix} done in {report.seconds:.1f}s: " \
               f"{changes_summary(report.changes)}"
        self.out.line(text, style="green")

    def check_started(self, index: int, total: int, check: CheckModel) -> None:
        # checks may run several at a time: remember each one's label by name
        label = self.check_labels[check.name] = f"check {index + 1}/{total} {check.name}"
        if self.out.rich:
            self._live(label)
        else:
            self.out.line(f"{label} ...")

    def check_finished(self, result: CheckResult) -> None:
        label = self.check_labels.get(result.name, f"check {result.name}")
        mark = ("✓ " if result.passed else "✗ ") if self.out.rich else ""
        verdict = "passed" if result.passed else "FAILED"
        self.out.line(f"{mark}{label} {verdict} in {result.seconds:.1f}s: {result.summary}",
                      style="green" if result.passed else "red")


def changes_summary(changes: Changes) -> str:
    parts = [f"{len(changes.created)} created", f"{len(changes.modified)} modified",
             f"{len(changes.deleted)} deleted"]
    ignored = [f"{len(paths)} {label}" for label, paths in changes.ignored.items() if paths]
    if ignored:
        parts.append(f"ignored files: {', '.join(ignored)}")
    return ", ".join(parts) if changes else "no file changes"


def _rewrites(report: StepReport) -> str:
    if report.outcome is None or not report.outcome.rewrites:
        return ""
    total = sum(sum(per.values()) for per in report.outcome.rewrites.values())
    return f"{total} rewrites in {len(report.outcome.rewrites)} files"


# -- text ---------------------------------------------------------------------------------
def _files_lines(out: Output, changes: Changes, indent: str = "    ") -> None:
    for label, paths in (("create", changes.created), ("modify", changes.modified),
                         ("delete", changes.deleted)):
        for path in paths:
            out.line(f"{indent}{label} {path}")
    _ignored_lines(out, changes, indent)


def _ignored_lines(out: Output, changes: Changes, indent: str = "    ") -> None:
    """Ignored files a run changes: no diff shows them, rollback restores them."""
    for label, paths in (("create", changes.ignored_created),
                         ("modify", changes.ignored_modified),
                         ("delete", changes.ignored_deleted)):
        for path in paths:
            out.line(f"{indent}{label} {path} (ignored)")


def _notes(out: Output, steps: Sequence[StepReport]) -> None:
    for step in steps:
        for note in step.outcome.notes if step.outcome else []:
            out.line(f"note (step {step.index + 1}, {step.title}): {note}", style="yellow")


def render_plan(out: Output, report: PlanReport) -> None:
    plan = report.plan
    out.line(f"plan {plan.name}: {len(plan.steps)} steps, {len(plan.checks)} checks", style="bold")
    if plan.description:
        out.line(plan.description.strip())
    if report.target is not None:
        out.line(f"target {report.target}: preflight passed")
    for note in report.notes:
        out.line(f"note: {note}", style="yellow")
    rows = []
    for step in report.steps:
        effect = changes_summary(step.changes) if report.target is not None else ""
        rows.append([str(step.index + 1), step.kind, step.title, effect, _rewrites(step)])
    out.table("Steps", ["#", "kind", "step", "files", "rewrites"], rows)
    for index, model in enumerate(plan.steps):
        if step_settings(model).get("trust") is True:
            out.line(f"  {index + 1}. {model.title()}: trust: true", style="yellow")
        for command in report.runs[index]:
            out.line(f"  {index + 1}. {model.title()} runs: {command}")
    if report.target is not None:
        for step in report.steps:
            if step.changes or (step.outcome and step.outcome.rewrites):
                out.line(f"  {step.index + 1}. {step.title}")
                _files_lines(out, step.changes)
                if step.outcome:
                    for path, per in sorted(step.outcome.rewrites.items()):
                        counts = ", ".join(f"{name} x{n}" for name, n in per.items())
                        out.line(f"    rewrite {path}: {counts}")
    _notes(out, report.steps)
    crows = [[c.name, c.kind, "\n".join(_argv(cmd) for cmd in c.commands) or c.description]
             for c in report.checks]
    out.table("Checks", ["check", "kind", "runs"], crows)


def _argv(argv: Sequence[str]) -> str:
    import shlex

    return shlex.join(argv)


def render_apply(out: Output, report: ApplyReport) -> None:
    if report.dry_run:
        out.diff(report.patch)
    rows = [[str(s.index + 1), s.title, str(len(s.changes.created)), str(len(s.changes.modified)),
             str(len(s.changes.deleted)), _rewrites(s), f"{s.seconds:.1f}s"] for s in report.steps]
    title = "Dry run (nothing was changed)" if report.dry_run else "Applied"
    if report.failure:
        title = "Steps done before the failure" + (" (rolled back)" if report.rolled_back else "")
    out.table(title, ["#", "step", "created", "modified", "deleted", "rewrites", "time"], rows)
    _ignored_lines(out, report.changes, indent="  ")
    _notes(out, report.steps)
    if report.verification is not None:
        render_verify(out, report.verification)
    if report.dry_run:
        out.line(f"total: {changes_summary(report.changes)}")
        if report.output:
            out.line(f"patch written to {report.output}")
        return
    if report.failure:
        return
    out.line(f"{report.plan.name} applied to {report.target} in {report.seconds:.1f}s: "
             f"{changes_summary(report.changes)}", style="green")
    if report.check_changes:
        out.line(f"the checks made: {changes_summary(report.check_changes)} (rollback undoes these too)")
    if report.committed:
        out.line(f"committed {report.committed[:12]} on branch {report.branch}")
    out.line(f"undo with: migrate rollback --target {report.target}")


def render_verify(out: Output, report: VerifyReport) -> None:
    rows = [[r.name, "pass" if r.passed else "FAIL", f"{r.seconds:.1f}s", r.summary]
            for r in report.results]
    out.table("Verification", ["check", "result", "time", "evidence"], rows)
    if report.environment:
        out.line(f"checks ran in {report.environment}")
    for note in report.notes:
        out.line(note, style="yellow")
    for result in report.failed:
        if result.evidence:
            out.line(f"{result.name}:", style="red")
            for line in result.evidence:
                out.line(f"  {line}")


def render_rollback(out: Output, report: RollbackReport) -> None:
    out.line(report.message, style="green" if report.rolled_back else None)


def render_status(out: Output, report: StatusReport) -> None:
    journal = report.journal
    if journal is None:
        out.line(f"no migration recorded for {report.target}")
    else:
        alive = f" (pid {journal.pid} is still running)" if journal.running_elsewhere() else ""
        out.line(f"plan {journal.plan_name} ({journal.plan_path}): {journal.state}{alive}")
        rows = []
        for i, title in enumerate(journal.steps):
            state = "done" if i < journal.steps_done else (
                "started" if journal.current_step == i else "not run")
            rows.append([str(i + 1), title, state])
        out.table("Steps", ["#", "step", "state"], rows)
        out.line(f"checkpoint {journal.checkpoint or 'not taken'} "
                 f"({report.checkpoint_ref and 'ref ' + report.checkpoint_ref_name or 'no ref'})")
        out.line(f"before the run: HEAD {journal.head or 'unborn'}"
                 f"{f' on branch {journal.branch}' if journal.branch else ' (detached)'}")
        if journal.created_branch:
            out.line(f"committed on branch {journal.created_branch} "
                     f"({journal.created_commit or 'commit not made'})")
        if journal.failure:
            out.line(f"failure: {journal.failure}")
        out.line(f"undo with: migrate rollback --target {report.target}")
    for attempt in report.attempts:
        out.line(f"attempt patch: {attempt}")
    for note in report.notes:
        out.line(f"note: {note}", style="yellow")


# -- JSON ---------------------------------------------------------------------------------
def _changes(changes: Changes) -> dict[str, Any]:
    return {"created": changes.created, "modified": changes.modified, "deleted": changes.deleted,
            "ignored": changes.ignored}


def _step_json(step: StepReport) -> dict[str, Any]:
    return {"index": step.index + 1, "title": step.title, "kind": step.kind, "why": step.why,
            "changes": _changes(step.changes), "seconds": round(step.seconds, 3),
            "summary": step.outcome.summary if step.outcome else None,
            "rewrites": step.outcome.rewrites if step.outcome else {},
            "notes": step.outcome.notes if step.outcome else []}


def _result_json(result: CheckResult) -> dict[str, Any]:
    return {"name": result.name, "passed": result.passed, "seconds": round(result.seconds, 3),
            "summary": result.summary, "evidence": result.evidence, "commands": result.commands}


def plan_json(report: PlanReport) -> dict[str, Any]:
    plan = report.plan
    return {
        "plan": plan.name, "description": plan.description, "path": str(plan.path),
        "target": str(report.target) if report.target else None, "notes": report.notes,
        "steps": [{**_step_json(s), "settings": step_settings(plan.steps[s.index]),
                   "runs": report.runs[s.index]} for s in report.steps],
        "checks": [{"name": c.name, "kind": c.kind, "description": c.description,
                    "commands": c.commands} for c in report.checks],
    }


def apply_json(report: ApplyReport) -> dict[str, Any]:
    return {
        "plan": report.plan.name, "target": str(report.target), "dry_run": report.dry_run,
        "steps": [_step_json(s) for s in report.steps], "changes": _changes(report.changes),
        "check_changes": _changes(report.check_changes),
        "verification": verify_json(report.verification) if report.verification else None,
        "output": str(report.output) if report.output else None,
        "committed": report.committed, "branch": report.branch,
        "attempt_patch": str(report.attempt_patch) if report.attempt_patch else None,
        "rolled_back": report.rolled_back, "failure": report.failure,
        "seconds": round(report.seconds, 3),
        "patch": report.patch if report.dry_run else None,
    }


def verify_json(report: VerifyReport) -> dict[str, Any]:
    return {"passed": report.passed, "environment": report.environment,
            "notes": report.notes, "checks": [_result_json(r) for r in report.results]}


def rollback_json(report: RollbackReport) -> dict[str, Any]:
    return {"target": str(report.target), "rolled_back": report.rolled_back,
            "plan": report.plan_name, "message": report.message, "kept": report.kept,
            "kept_folders": report.kept_folders,
            "saved_patch": str(report.saved_patch) if report.saved_patch else None,
            "saved_branch": report.saved_branch}


def status_json(report: StatusReport) -> dict[str, Any]:
    return {"target": str(report.target),
            "journal": report.journal.model_dump() if report.journal else None,
            "checkpoint_ref": report.checkpoint_ref, "attempts": report.attempts,
            "notes": report.notes}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, default=str)


# -- Markdown -----------------------------------------------------------------------------
def step_settings(step: StepModel) -> dict[str, Any]:
    return step.settings()


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, so shipped snippets read as code."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flat = all(isinstance(v, str | int | float | bool) and "\n" not in str(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_BlockDumper.add_representer(str, _str)
_BlockDumper.add_representer(list, _list)


def _yaml_block(data: Any) -> list[str]:
    text = yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True,
                     width=88).rstrip()
    return ["```yaml", text, "```"]


def render_markdown(report: PlanReport) -> str:
    """A readable migration document: what each step does and why, and how it is proven."""
    plan = report.plan
    md: list[str] = [f"# Migration plan: {plan.name}", ""]
    origin = Path(plan.display_path or plan.path).as_posix()
    md += [(f"<!-- Rendered from {origin} by `migrate plan --format markdown`; "
            "edit the plan, not this file. -->"), ""]
    if plan.description:
        md += [plan.description.strip(), ""]
    if plan.data:
        md += ["## Template data", "", "| key | value |", "|---|---|"]
        md += [f"| `{k}` | `{json.dumps(v)}` |" for k, v in plan.data.items()]
        md += [""]
    md += ["## Steps", "", "| # | step | kind |", "|---|---|---|"]
    md += [f"| {i + 1} | [{_md(s.title())}](#step-{i + 1}) | `{s.kind}` |"
           for i, s in enumerate(plan.steps)]
    md += [""]
    for i, step in enumerate(plan.steps):
        md += [f'<a id="step-{i + 1}"></a>', "", f"### {i + 1}. {_md(step.title())}", ""]
        if step.why:
            md += [step.why.strip(), ""]
        source = plan.step_sources[i] if i < len(plan.step_sources) else {}
        settings = {k: v for k, v in source.items() if k not in ("name", "why")}
        if settings:
            md += _yaml_block(settings) + [""]
        paths = step.declared_paths()
        if paths:
            md += ["Files: " + ", ".join(f"`{p}`" for p in paths), ""]
        if report.target is not None and i < len(report.steps):
            effect = report.steps[i]
            for label, files in (("Creates", effect.changes.created),
                                 ("Modifies", effect.changes.modified),
                                 ("Deletes", effect.changes.deleted)):
                if files:
                    md += [f"{label}:", ""] + [f"- `{f}`" for f in files] + [""]
    if plan.checks:
        md += ["## Verification", "",
               ("Every check runs, even after one fails; if any fails, `apply` rolls the "
                "migration back and keeps the attempt as a patch."), "",
               f"Checks and command steps run in {_environment_md(plan)}.", "",
               "| check | kind |", "|---|---|"]
        md += [f"| [{_md(c.name)}](#check-{i + 1}) | `{c.kind}` |" for i, c in enumerate(plan.checks)]
        md += [""]
        for i, check in enumerate(plan.checks):
            source = plan.check_sources[i] if i < len(plan.check_sources) else {}
            md += [f'<a id="check-{i + 1}"></a>', "", f"### {_md(check.name)}", ""]
            md += _yaml_block({k: v for k, v in source.items() if k != "name"}) + [""]
    plan_file = Path(plan.display_path or plan.path).as_posix()
    md += ["## Running it", "", "```bash",
           "# effects on DIR, changes nothing",
           f"migrate plan {plan_file} --target DIR",
           "# the diff, from a copy of DIR",
           f"migrate apply {plan_file} --target DIR --dry-run",
           "# checkpoint, steps, checks; rolls back by itself if anything fails",
           f"migrate apply {plan_file} --target DIR",
           "# back to the checkpoint, byte for byte",
           "migrate rollback --target DIR",
           "```", ""]
    return "\n".join(md)


def _environment_md(plan: Plan) -> str:
    setting = plan.environment
    if setting is not None and setting.venv is not None:
        return f"the virtual environment `{setting.venv}` (relative to the target)"
    if setting is not None and setting.python is not None:
        return f"the interpreter `{setting.python}`"
    return ("the app's environment: `--python` if given, else the target's `.venv/` or "
            "`venv/`, else the pyenv version its `.python-version` names, else `python` on PATH")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# -- the demo -----------------------------------------------------------------------------
def render_demo_phase(out: Output, phase: str, demo: DemoReport) -> None:
    """Print each phase of `migrate demo` as it finishes."""
    if phase == "lay out":
        out.line(f"demo folder: {demo.world.root}", style="bold")
        out.line(f"  template: {demo.world.template} (tagged {demo.world.tag})")
        out.line(f"  app:      {demo.world.app}")
        for folder in demo.world.untouched:
            out.line(f"  beside:   {folder} (must stay untouched)")
    elif phase == "migrate plan" and demo.plan is not None:
        out.line(f"plan {demo.plan.plan.name}: {len(demo.plan.steps)} steps, "
                 f"{len(demo.plan.checks)} checks (migrate plan {demo.plan.plan.path})")
    elif phase == "migrate apply --dry-run" and demo.dry_run is not None:
        rows = [[str(s.index + 1), s.title, str(len(s.changes.created)),
                 str(len(s.changes.modified)), str(len(s.changes.deleted)), _rewrites(s)]
                for s in demo.dry_run.steps]
        out.table("Dry run (in a copy of the app)",
                  ["#", "step", "created", "modified", "deleted", "rewrites"], rows)
        out.line(f"dry run total: {changes_summary(demo.dry_run.changes)}; the app repository "
                 "is untouched")
    elif demo.applied is not None:
        render_apply(out, demo.applied)


def render_demo_end(out: Output, demo: DemoReport) -> None:
    rows = [[p.name, f"{p.seconds:.1f}s", p.result] for p in demo.phases]
    out.table("Timings", ["phase", "time", "result"], rows)
    if demo.untouched_intact is not None:
        names = ", ".join(f"{folder.name}/" for folder in demo.world.untouched)
        out.line(f"{names} byte for byte as laid out" if demo.untouched_intact
                 else f"{names} CHANGED by the migration",
                 style="green" if demo.untouched_intact else "red")
    verdict = "every check passed" if demo.passed else "some checks FAILED"
    out.line(f"{verdict}; the migrated app is in {demo.world.app}",
             style="green" if demo.passed else "red")
    out.line(f"look around: git -C {demo.world.app} status; undo: migrate rollback --target "
             f"{demo.world.app}")


def demo_json(demo: DemoReport) -> dict[str, Any]:
    return {
        "folder": str(demo.world.root), "template": str(demo.world.template),
        "app": str(demo.world.app), "tag": demo.world.tag, "passed": demo.passed,
        "untouched": {str(folder): demo.untouched_intact for folder in demo.world.untouched},
        "phases": [{"name": p.name, "seconds": round(p.seconds, 3), "result": p.result}
                   for p in demo.phases],
        "plan": plan_json(demo.plan) if demo.plan else None,
        "dry_run": apply_json(demo.dry_run) if demo.dry_run else None,
        "apply": apply_json(demo.applied) if demo.applied else None,
    }
