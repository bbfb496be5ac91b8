"""`migrate demo`: lay out the seed's world in a folder and migrate the bundled app in it.

The customer keeps both repositories side by side, so the demo does too:

    DIR/ModernAppTemplate/backend      the bundled template, its own git repo, tagged v<version>
    DIR/ElectronicsInventory/backend   the bundled fixture app, its own git repo

and the answers file's `_src_path: ../../ModernAppTemplate/backend` holds. Then it runs the
same engine calls as `migrate plan`, `migrate apply --dry-run` and `migrate apply`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from migrator import engine
from migrator.errors import UsageError
from migrator.workspace import Changes

PLAN_NAME = "electronics-inventory.yaml"
TEMPLATE_REPO = Path("ModernAppTemplate/backend")
APP_REPO = Path("ElectronicsInventory/backend")
SERVER_CHECKS = ("postgres",)
"""Checks that need a database server; the demo runs on SQLite and leaves them out."""

CHECK_JOBS = 2
"""The demo runs two checks at a time (pytest and mypy dominate, one core each)."""

APP_PYTHON = sys.executable
"""The demo's app has no virtual environment of its own: it runs in the migrator's, which
has the app's dependencies and test tools (`pip install template-migrator[app,test]`)."""

_NOT_COPIED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", "*.db",
    "*.egg-info",
)
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "migrate demo", "GIT_AUTHOR_EMAIL": "demo@localhost",
    "GIT_COMMITTER_NAME": "migrate demo", "GIT_COMMITTER_EMAIL": "demo@localhost",
}


@dataclass(frozen=True)
class Sources:
    """Where the bundled template, fixture app and plan live."""

    template: Path
    fixture: Path
    plan: Path

    @classmethod
    def bundled(cls) -> Sources:
        package = Path(__file__).resolve().parent
        plan = package / "plans" / PLAN_NAME
        checkout = (package.parent / "template", package.parent / "fixtures" / "electronics-inventory")
        wheel = (package / "_bundled" / "template", package / "_bundled" / "fixture")
        for template, fixture in (checkout, wheel):
            if (template / "copier.yml").is_file() and (fixture / "app").is_dir():
                return cls(template=template, fixture=fixture, plan=plan)
        raise UsageError("the bundled template and fixture app are missing from this "
                         "installation", "reinstall template-migrator or run `make demo` in "
                         "a source checkout")

    def template_version(self) -> str:
        return (self.template / "VERSION").read_text(encoding="utf-8").strip()


@dataclass
class World:
    root: Path
    template: Path
    app: Path
    tag: str


@dataclass
class Phase:
    name: str
    seconds: float
    result: str


@dataclass
class DemoReport:
    world: World
    phases: list[Phase] = field(default_factory=list)
    plan: engine.PlanReport | None = None
    dry_run: engine.ApplyReport | None = None
    applied: engine.ApplyReport | None = None

    @property
    def passed(self) -> bool:
        verification = self.applied.verification if self.applied else None
        return verification is not None and verification.passed


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **_GIT_IDENTITY},
                   check=True, capture_output=True)


def publish(source: Path, dest: Path, message: str, tag: str | None = None) -> None:
    """Copy `source` to `dest` as a new git repository with one commit (and a tag)."""
    shutil.copytree(source, dest, ignore=_NOT_COPIED, symlinks=True)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", message)
    if tag:
        _git(dest, "tag", "-a", tag, "-m", f"template {tag}")


def lay_out(root: Path, sources: Sources, *, fresh: bool) -> World:
    """Create the two repositories under `root`; refuse or start over if they exist."""
    existing = [p for p in (root / TEMPLATE_REPO.parts[0], root / APP_REPO.parts[0]) if p.exists()]
    if existing and not fresh:
        raise UsageError(f"{root} already holds a demo ({existing[0].name}/)",
                         "pass --fresh to start over there, or give another folder")
    for path in existing:
        shutil.rmtree(path)
    tag = f"v{sources.template_version()}"
    world = World(root=root, template=root / TEMPLATE_REPO, app=root / APP_REPO, tag=tag)
    publish(sources.template, world.template, f"ModernAppTemplate backend {tag}", tag=tag)
    publish(sources.fixture, world.app, "Electronics Inventory backend before the migration")
    return world


def new_demo_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="migrate-demo-"))


def run(root: Path, *, fresh: bool = False, with_server_checks: bool = False,
        observer: engine.RunObserver | None = None,
        on_phase: Callable[[str, DemoReport], None] | None = None) -> DemoReport:
    """Lay out the world, show the plan and the dry run, apply and verify."""
    sources = Sources.bundled()
    root.mkdir(parents=True, exist_ok=True)

    def timed(name: str, work: Callable[[], str]) -> None:
        started = time.monotonic()
        result = work()
        report.phases.append(Phase(name, time.monotonic() - started, result))
        if on_phase:
            on_phase(name, report)

    started = time.monotonic()
    world = lay_out(root.resolve(), sources, fresh=fresh)
    report = DemoReport(world=world)
    report.phases.append(Phase("lay out the two repositories", time.monotonic() - started,
                               f"template tagged {world.tag}"))
    if on_phase:
        on_phase("lay out", report)

    def plan() -> str:
        # Without a target: validation and the list of steps and checks. The dry run
        # below is what runs the steps in a copy of the app.
        report.plan = engine.plan_report(sources.plan)
        return f"{len(report.plan.steps)} steps, {len(report.plan.checks)} checks"

    def dry_run() -> str:
        report.dry_run = engine.apply(sources.plan, world.app, dry_run=True, observer=observer,
                                      python=APP_PYTHON)
        return _changes(report.dry_run.changes)

    def apply() -> str:
        skip = [] if with_server_checks else [
            c.name for c in engine.load_plan(sources.plan).checks if c.name in SERVER_CHECKS]
        try:
            report.applied = engine.apply(sources.plan, world.app, skip_checks=skip,
                                          jobs=CHECK_JOBS, observer=observer, python=APP_PYTHON)
        except Exception as exc:
            report.applied = getattr(exc, "report", None)
            raise
        return _changes(report.applied.changes)

    timed("migrate plan", plan)
    timed("migrate apply --dry-run", dry_run)
    timed("migrate apply (steps and verification)", apply)
    return report


def _changes(changes: Changes) -> str:
    return (f"{len(changes.created)} created, {len(changes.modified)} modified, "
            f"{len(changes.deleted)} deleted")
