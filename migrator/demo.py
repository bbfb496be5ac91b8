"""`migrate demo`: lay out the customer's world in a folder and migrate a bundled app in it.

The customer keeps the template and each app in repositories side by side, so the demo
does too:

    DIR/ModernAppTemplate/backend      the bundled template, its own git repo, tagged v<version>
    DIR/ElectronicsInventory/backend   the Electronics Inventory app (--app electronics-inventory)
    DIR/IoTSupport/                    the IoT Support monorepo (--app iot-support), one git
                                       repo: backend/, the target (a folder inside the
                                       repo), and frontend/, which nothing may touch

and the answers file's `_src_path: ../../ModernAppTemplate/backend` holds from each target.
Then it runs the same engine calls as `migrate plan`, `migrate apply --dry-run` and
`migrate apply` with the app's plan.
"""

from __future__ import annotations

import hashlib
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
from migrator.environment import resolve_environment
from migrator.errors import UsageError
from migrator.workspace import Changes

TEMPLATE_REPO = Path("ModernAppTemplate/backend")
SERVER_CHECKS = ("postgres",)
"""Checks that need a database server; the demo runs on SQLite and leaves them out."""

CHECK_JOBS = 2
"""The demo runs two checks at a time (pytest and mypy dominate, one core each)."""

APP_PYTHON = sys.executable
"""The Electronics Inventory app has no virtual environment of its own in the demo: it runs
in the migrator's, which has the app's dependencies and test tools
(`pip install template-migrator[app,test]`)."""

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
"""The source checkout the package lives in (when it is not installed from a wheel)."""


@dataclass(frozen=True)
class DemoApp:
    """A bundled customer app the demo can migrate."""

    name: str
    """What `--app` says."""
    title: str
    plan: str
    """The plan's file in `migrator/plans`."""
    fixture: str
    """The app's folder under `fixtures/` in a checkout."""
    bundled: str
    """Its folder under `migrator/_bundled/` in a wheel (see pyproject.toml)."""
    repo: Path
    """Where the app's repository goes in the demo folder."""
    code: str = ""
    """The target's folder inside the repository (`backend` of a monorepo), or "" for the root."""
    untouched: tuple[str, ...] = ()
    """Folders of the repository beside the target that the migration must not touch."""
    venv: str | None = None
    """The app's own virtual environment in a checkout (relative to it), made by `make`;
    None: the app runs in the migrator's environment."""
    venv_hint: str = ""

    @property
    def target(self) -> Path:
        return self.repo / self.code if self.code else self.repo


ELECTRONICS_INVENTORY = DemoApp(
    name="electronics-inventory", title="Electronics Inventory",
    plan="electronics-inventory.yaml", fixture="electronics-inventory", bundled="fixture",
    repo=Path("ElectronicsInventory/backend"),
)
IOT_SUPPORT = DemoApp(
    name="iot-support", title="IoT Support", plan="iot-support.yaml", fixture="iot-support",
    bundled="iot_support", repo=Path("IoTSupport"), code="backend", untouched=("frontend",),
    venv="fixtures/iot-support/backend/.venv",
    venv_hint="make venv-iot (Python 3.13, the app's dependencies and what the template adds), "
              "or pass --python",
)
APPS = {app.name: app for app in (ELECTRONICS_INVENTORY, IOT_SUPPORT)}
DEFAULT_APP = ELECTRONICS_INVENTORY.name

_NOT_COPIED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", "*.db",
    "*.egg-info",
)
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "migrate demo", "GIT_AUTHOR_EMAIL": "demo@localhost",
    "GIT_COMMITTER_NAME": "migrate demo", "GIT_COMMITTER_EMAIL": "demo@localhost",
}


def demo_app(name: str) -> DemoApp:
    try:
        return APPS[name]
    except KeyError:
        raise UsageError(f"no bundled app {name!r}",
                         f"use one of {', '.join(sorted(APPS))}") from None


@dataclass(frozen=True)
class Sources:
    """Where the bundled template, the app and its plan live."""

    template: Path
    fixture: Path
    """The app's repository contents (for a monorepo, the folder holding backend/)."""
    plan: Path
    app: DemoApp = ELECTRONICS_INVENTORY

    @classmethod
    def bundled(cls, app: str = DEFAULT_APP) -> Sources:
        spec = demo_app(app)
        plan = PACKAGE / "plans" / spec.plan
        checkout = (CHECKOUT / "template", CHECKOUT / "fixtures" / spec.fixture)
        wheel = (PACKAGE / "_bundled" / "template", PACKAGE / "_bundled" / spec.bundled)
        for template, fixture in (checkout, wheel):
            if (template / "copier.yml").is_file() and (fixture / spec.code / "app").is_dir():
                return cls(template=template, fixture=fixture, plan=plan, app=spec)
        raise UsageError(f"the bundled template and {spec.title} app are missing from this "
                         "installation", "reinstall template-migrator or run `make demo` in "
                         "a source checkout")

    @property
    def app_code(self) -> Path:
        """The app the plan migrates (the backend of a monorepo)."""
        return self.fixture / self.app.code

    def template_version(self) -> str:
        return (self.template / "VERSION").read_text(encoding="utf-8").strip()


def app_python(app: DemoApp, given: str | None = None) -> str:
    """The interpreter (or virtual environment) the app's checks run in, for the demo."""
    if given is not None:
        return given
    if app.venv is None:
        return APP_PYTHON
    venv = CHECKOUT / app.venv
    if (venv / "bin" / "python").is_file():
        return str(venv)
    raise UsageError(f"the {app.title} app needs its own environment and none was found "
                     f"(looked for {venv})", app.venv_hint)


@dataclass
class World:
    root: Path
    template: Path
    app: Path
    """The migration target."""
    tag: str
    repo: Path | None = None
    """The app's repository, when the target is a folder inside it (`--target repo/backend`)."""
    untouched: list[Path] = field(default_factory=list)
    """Folders beside the target the migration must leave as they are."""


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
    untouched_intact: bool | None = None
    """Whether the folders beside the target are byte for byte as laid out (None: none)."""

    @property
    def passed(self) -> bool:
        verification = self.applied.verification if self.applied else None
        return (verification is not None and verification.passed
                and self.untouched_intact is not False)

    @property
    def failure(self) -> str | None:
        """Why the demo did not pass, in one line (None: it passed)."""
        if self.passed:
            return None
        if self.untouched_intact is False:
            names = ", ".join(f"{folder.name}/" for folder in self.world.untouched)
            return f"the migration changed {names}, which it must leave as it is"
        return "the migrated app did not pass its checks (see the verification table)"


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
    """Create the template's and the app's repositories under `root`; refuse or start over
    if they exist."""
    spec = sources.app
    existing = [p for p in (root / TEMPLATE_REPO.parts[0], root / spec.repo.parts[0])
                if p.exists()]
    if existing and not fresh:
        raise UsageError(f"{root} already holds a demo ({existing[0].name}/)",
                         "pass --fresh to start over there, or give another folder")
    for path in existing:
        shutil.rmtree(path)
    tag = f"v{sources.template_version()}"
    world = World(root=root, template=root / TEMPLATE_REPO, app=root / spec.target, tag=tag,
                  repo=root / spec.repo if spec.code else None,
                  untouched=[root / spec.repo / folder for folder in spec.untouched])
    publish(sources.template, world.template, f"ModernAppTemplate backend {tag}", tag=tag)
    publish_app(sources, world, f"{spec.title} before the migration")
    return world


def publish_app(sources: Sources, world: World, message: str) -> None:
    """The app's repository in `world`: the app itself, or the monorepo that holds it."""
    publish(sources.fixture, world.repo or world.app, message)


def tree_digest(folder: Path) -> str:
    """A digest of every file's path, mode and bytes under `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(oct(path.lstat().st_mode).encode() + b"\0")
        digest.update(os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
    return digest.hexdigest()


def new_demo_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="migrate-demo-"))


def demo_folder(root: Path | None) -> Path:
    """The folder the demo lays out in: `root`, made if missing (None: a new temporary
    folder); one that is a file or cannot be made is a UsageError, not a traceback."""
    if root is not None and (root.exists() or root.is_symlink()) and not root.is_dir():
        raise UsageError(f"demo folder {root} is not a folder",
                         "give a folder, or a path where one can be made")
    try:
        if root is None:
            return new_demo_folder()
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = root if root is not None else Path(tempfile.gettempdir())
        raise UsageError(f"cannot make the demo folder {where}: {exc.strerror or exc}",
                         "give a folder that exists or can be made") from None
    return root


def run(root: Path | None, *, app: str = DEFAULT_APP, python: str | None = None,
        fresh: bool = False, with_server_checks: bool = False,
        observer: engine.RunObserver | None = None,
        on_phase: Callable[[str, DemoReport], None] | None = None) -> DemoReport:
    """Lay out the world in `root` (None: a new temporary folder), show the plan and the dry
    run, apply and verify."""
    sources = Sources.bundled(app)
    interpreter = app_python(sources.app, python)
    resolve_environment(Path.cwd(), None, interpreter)  # a missing one: refused before laying out
    root = demo_folder(root)

    def timed(name: str, work: Callable[[], str]) -> None:
        started = time.monotonic()
        result = work()
        report.phases.append(Phase(name, time.monotonic() - started, result))
        if on_phase:
            on_phase(name, report)

    started = time.monotonic()
    world = lay_out(root.resolve(), sources, fresh=fresh)
    report = DemoReport(world=world)
    before = {folder: tree_digest(folder) for folder in world.untouched}
    report.phases.append(Phase("lay out the repositories", time.monotonic() - started,
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
                                      python=interpreter)
        return _changes(report.dry_run.changes)

    def apply() -> str:
        skip = [] if with_server_checks else [
            c.name for c in engine.load_plan(sources.plan).checks if c.name in SERVER_CHECKS]
        try:
            report.applied = engine.apply(sources.plan, world.app, skip_checks=skip,
                                          jobs=CHECK_JOBS, observer=observer, python=interpreter)
        except Exception as exc:
            report.applied = getattr(exc, "report", None)
            raise
        finally:
            if before:
                report.untouched_intact = all(
                    tree_digest(folder) == digest for folder, digest in before.items())
        return _changes(report.applied.changes)

    timed("migrate plan", plan)
    timed("migrate apply --dry-run", dry_run)
    timed("migrate apply (steps and verification)", apply)
    return report


def _changes(changes: Changes) -> str:
    return (f"{len(changes.created)} created, {len(changes.modified)} modified, "
            f"{len(changes.deleted)} deleted")
