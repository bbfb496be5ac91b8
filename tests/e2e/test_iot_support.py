"""End to end: the IoT Support plan on fresh copies of its monorepo (issue 12).

The same six as for Electronics Inventory, on the second app:

1. `apply` passes every check of the plan, PostgreSQL included.
2. `migrate rollback` afterwards restores the tree byte for byte (untracked and ignored
   user files included).
3. The dry-run diff equals the real apply's diff; the dry run leaves the copy untouched.
4. A deliberately failing app test: apply exits 1, rolls back, keeps the attempt patch.
5. After the migration, a new template release reaches the app through
   `scripts/copier-update.sh`, and the app's tests still pass.
6. Running the plan twice: the second apply is refused (exit 3) and changes nothing.

Each copy is `migrate demo --app iot-support`'s layout: the monorepo `<name>/`, one git
repository, migrated with `--target <name>/backend`; `frontend/` beside the target is proven
untouched by every test (its own digest, and every tree comparison covers the whole
repository). The app runs in its own Python 3.13 environment (`make venv-iot`).
Verification runs where it is the point (1, 4); elsewhere verify=False.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from e2e_helpers import (
    DryRunThenApply,
    add_user_files,
    apply_with_a_failing_test,
    assert_dry_run_equals_the_real_run,
    assert_every_check_passed,
    assert_rollback_restores_the_tree,
    assert_second_apply_is_refused,
    dry_run_then_apply,
    git,
    release_v0_2_0,
    repository_tree,
    venv_env,
)

from migrator import demo, engine
from migrator.errors import MigratorError

pytestmark = pytest.mark.slow

REPLACED_FILES = [  # the infrastructure modules common/ takes over
    "app/utils/lifecycle_coordinator.py",
    "app/api/health.py",
    "app/api/metrics.py",
    "app/services/oidc_client_service.py",
]


@pytest.fixture(scope="module")
def sources() -> demo.Sources:
    return demo.Sources.bundled(demo.IOT_SUPPORT.name)


@pytest.fixture(scope="module")
def app_python() -> str:
    """The app's Python 3.13 environment (its dependencies and what the template adds)."""
    return demo.app_python(demo.IOT_SUPPORT)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sources: demo.Sources) -> demo.World:
    return demo.lay_out(tmp_path_factory.mktemp("iot-world"), sources, fresh=False)


@pytest.fixture(scope="module")
def monorepo(world: demo.World, sources: demo.Sources) -> Callable[[str], demo.World]:
    """A new copy of the monorepo beside the shared template repo: `<root>/<name>`, whose
    backend/ is the target."""

    def make(name: str) -> demo.World:
        copy = demo.World(root=world.root, template=world.template,
                          app=world.root / name / "backend", tag=world.tag,
                          repo=world.root / name, untouched=[world.root / name / "frontend"])
        demo.publish_app(sources, copy, "IoT Support before the migration")
        return copy

    return make


def frontends(copy: demo.World) -> list[str]:
    return [demo.tree_digest(folder) for folder in copy.untouched]


# -- 1 and 2: the full apply, then `migrate rollback` -------------------------------------
@dataclass
class FullApply:
    world: demo.World
    before: dict[str, str]
    frontend: list[str]
    report: engine.ApplyReport | None
    error: MigratorError | None


@pytest.fixture(scope="module")
def full_apply(world: demo.World, sources: demo.Sources, app_python: str) -> FullApply:
    """One apply with every check on the demo's copy, shared by tests 1 and 2 (see the
    Electronics Inventory tests: keep_on_failure, two checks at a time)."""
    add_user_files(world.app)
    before, frontend = repository_tree(world.app), frontends(world)
    try:
        report = engine.apply(sources.plan, world.app, allow_dirty=True, keep_on_failure=True,
                              jobs=2, python=app_python)
        return FullApply(world, before, frontend, report, None)
    except MigratorError as exc:
        return FullApply(world, before, frontend, getattr(exc, "report", None), exc)


def test_apply_passes_every_check_postgres_included(full_apply: FullApply,
                                                    sources: demo.Sources) -> None:
    assert_every_check_passed(full_apply.report, full_apply.error, sources.plan, REPLACED_FILES)
    planned = {check.name for check in engine.load_plan(sources.plan).checks}
    assert {"app starts, health, readiness, metrics, drain, authenticated API",
            "container wiring", "no duplicate code between app/ and common/"} <= planned
    assert frontends(full_apply.world) == full_apply.frontend, "the frontend changed"


def test_rollback_restores_the_tree_byte_for_byte(full_apply: FullApply) -> None:
    assert full_apply.report is not None and full_apply.report.changes, \
        f"nothing was applied to roll back: {full_apply.error}"
    assert_rollback_restores_the_tree(full_apply.world.app, full_apply.before, REPLACED_FILES)
    assert frontends(full_apply.world) == full_apply.frontend, "the frontend changed"


# -- 3 and 6: dry run vs real run, then the second apply ----------------------------------
@dataclass
class QuickApply:
    world: demo.World
    frontend: list[str]
    runs: DryRunThenApply


@pytest.fixture(scope="module")
def quick_apply(monorepo: Callable[[str], demo.World], sources: demo.Sources,
                app_python: str) -> QuickApply:
    copy = monorepo("DryRunThenApply")
    frontend = frontends(copy)
    return QuickApply(copy, frontend, dry_run_then_apply(sources.plan, copy.app, app_python))


def test_dry_run_diff_equals_the_real_diff_and_touches_nothing(quick_apply: QuickApply) -> None:
    assert_dry_run_equals_the_real_run(quick_apply.runs, REPLACED_FILES,
                                       {"common/auth/guard.py", "common/core/lifecycle.py"})
    assert frontends(quick_apply.world) == quick_apply.frontend, "the frontend changed"


def test_second_apply_is_refused_and_changes_nothing(quick_apply: QuickApply,
                                                     sources: demo.Sources,
                                                     app_python: str) -> None:
    assert quick_apply.runs.real.changes, "the first apply changed nothing"
    assert_second_apply_is_refused(sources.plan, quick_apply.world.app, app_python)
    assert frontends(quick_apply.world) == quick_apply.frontend, "the frontend changed"


# -- 4: a deliberately failing app test ---------------------------------------------------
def test_failing_app_test_exits_1_rolls_back_and_keeps_the_patch(
        monorepo: Callable[[str], demo.World], sources: demo.Sources, app_python: str) -> None:
    copy = monorepo("FailingTest")
    frontend = frontends(copy)

    patch, touched = apply_with_a_failing_test(sources.plan, copy.app, app_python)

    assert set(REPLACED_FILES) <= touched
    assert {"common/auth/guard.py", "app/utils/error_handling.py", ".copier-answers.yml",
            "app/config.py", "app/services/container.py"} <= touched
    assert "class AppContainer(CommonContainer)" in patch
    assert frontends(copy) == frontend, "the frontend changed"


# -- 5: a new template release through scripts/copier-update.sh ---------------------------
def test_new_template_release_reaches_the_migrated_app(
        tmp_path: Path, sources: demo.Sources, app_python: str) -> None:
    own = demo.lay_out(tmp_path, sources, fresh=False)  # this test changes its template
    app = own.app
    applied = engine.apply(sources.plan, app, verify=False, commit=True, python=app_python)
    assert applied.committed and git(app, "status", "--porcelain") == ""
    answers = yaml.safe_load((app / ".copier-answers.yml").read_text())
    assert answers["_commit"] == own.tag == "v0.1.0"
    domain = {rel: (app / rel).read_bytes() for rel in git(app, "ls-files", "app").split()}
    frontend = frontends(own)
    release_v0_2_0(own.template)

    update = subprocess.run(["bash", "scripts/copier-update.sh"], cwd=app, env=venv_env(),
                            capture_output=True, text=True, timeout=300, check=False)

    assert update.returncode == 0, update.stdout + update.stderr
    settings = (app / "common" / "core" / "settings.py").read_text()
    assert 'TEMPLATE_RELEASE_NOTE = "CommonSettings as of v0.2.0"' in settings
    assert 'TEMPLATE_VERSION = "0.2.0"' in (app / "common" / "core" / "version.py").read_text()
    answers = yaml.safe_load((app / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"
    assert answers["_src_path"] == "../../ModernAppTemplate/backend"
    assert answers["container_module"] == "app.services.container"
    assert answers["use_oidc"] is True and answers["use_s3"] is False

    config = (app / "app" / "config.py").read_text()
    assert "TEMPLATE_STARTER_FIELD" not in config  # the starting settings are the app's own
    assert re.search(r"^class Settings\(BaseModel\):", config, re.MULTILINE), config
    assert not (app / "app" / "container.py").exists(), "the update scaffolded a container"
    changed_app_files = sorted(
        rel for rel, data in domain.items()
        if not (app / rel).is_file() or (app / rel).read_bytes() != data)
    assert changed_app_files == [], "the update changed the app's own files"
    status = git(app, "status", "--porcelain", "--untracked-files=all").splitlines()
    outside = [line for line in status  # paths from the monorepo's top
               if not (line[3:].startswith("backend/common/")
                       or line[3:] == "backend/.copier-answers.yml")]
    assert outside == [], "the update touched files outside common/ and the answers file"
    assert frontends(own) == frontend, "the frontend changed"

    python = Path(app_python) / "bin" / "python" if Path(app_python).is_dir() else app_python
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-x", "-m", "not postgres", "-p", "no:cacheprovider"],
        cwd=app, env=venv_env(), capture_output=True, text=True, timeout=600, check=False)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
