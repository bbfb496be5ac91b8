"""End to end: the Electronics Inventory plan on fresh copies of the fixture (issue 6).

1. `apply` passes every check of the plan, PostgreSQL included.
2. `migrate rollback` afterwards restores the tree byte for byte (untracked and ignored
   user files included).
3. The dry-run diff equals the real apply's diff; the dry run leaves the copy untouched.
4. A deliberately failing app test: apply exits 1, rolls back, keeps the attempt patch.
5. After the migration, a new template release reaches the app through
   `scripts/copier-update.sh`, and the app's tests still pass.
6. Running the plan twice: the second apply is refused (exit 3) and changes nothing.
Plus `migrate demo DIR` on an existing demo: refused without --fresh, replaced with it.

The apps share one template repo (only read); only test 5 has its own, since it releases
a new version. Verification runs where it is the point (1, 4); elsewhere verify=False.
"""

from __future__ import annotations

import re
import subprocess
import sys
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
    run_cli,
    venv_env,
)
from treehash import fingerprint

from migrator import demo, engine
from migrator.errors import MigratorError, UsageError

pytestmark = pytest.mark.slow

REPLACED_FILES = [  # the seed's eight replaced modules (all exist in the fixture)
    "app/services/s3_service.py",
    "app/services/connection_manager.py",
    "app/services/task_service.py",
    "app/services/shutdown_coordinator.py",
    "app/api/health.py",
    "app/api/metrics.py",
    "app/utils/flask_error_handlers.py",
    "app/utils/shutdown_coordinator.py",
]


# -- 1 and 2: the full apply, then `migrate rollback` -------------------------------------
@dataclass
class FullApply:
    app: Path
    before: dict[str, str]
    report: engine.ApplyReport | None
    error: MigratorError | None


@pytest.fixture(scope="module")
def full_apply(world: demo.World, sources: demo.Sources) -> FullApply:
    """One apply with every check on the demo's app copy, shared by tests 1 and 2.

    keep_on_failure: a failed verification leaves the attempt in place, so test 2 still
    rolls back a migrated tree (and test 1 alone reports the failing checks). Two checks
    at a time, as the demo runs them."""
    add_user_files(world.app)
    before = fingerprint(world.app)
    try:
        report = engine.apply(sources.plan, world.app, allow_dirty=True, keep_on_failure=True,
                              jobs=2, python=demo.APP_PYTHON)
        return FullApply(world.app, before, report, None)
    except MigratorError as exc:
        return FullApply(world.app, before, getattr(exc, "report", None), exc)


def test_apply_passes_every_check_postgres_included(full_apply: FullApply,
                                                    sources: demo.Sources) -> None:
    assert_every_check_passed(full_apply.report, full_apply.error, sources.plan, REPLACED_FILES)


def test_rollback_restores_the_tree_byte_for_byte(full_apply: FullApply) -> None:
    assert full_apply.report is not None and full_apply.report.changes, \
        f"nothing was applied to roll back: {full_apply.error}"
    assert_rollback_restores_the_tree(full_apply.app, full_apply.before, REPLACED_FILES)


# -- 3 and 6: dry run vs real run, then the second apply ----------------------------------
@pytest.fixture(scope="module")
def quick_apply(fresh_app: Callable[[str], Path], sources: demo.Sources) -> DryRunThenApply:
    return dry_run_then_apply(sources.plan, fresh_app("DryRunThenApply"), demo.APP_PYTHON)


def test_dry_run_diff_equals_the_real_diff_and_touches_nothing(
        quick_apply: DryRunThenApply) -> None:
    assert_dry_run_equals_the_real_run(quick_apply, REPLACED_FILES, {"common/core/settings.py"})


def test_second_apply_is_refused_and_changes_nothing(quick_apply: DryRunThenApply,
                                                     sources: demo.Sources) -> None:
    assert quick_apply.real.changes, "the first apply changed nothing"
    assert_second_apply_is_refused(sources.plan, quick_apply.app, demo.APP_PYTHON)


# -- 4: a deliberately failing app test ---------------------------------------------------
def test_failing_app_test_exits_1_rolls_back_and_keeps_the_patch(
        fresh_app: Callable[[str], Path], sources: demo.Sources) -> None:
    patch, touched = apply_with_a_failing_test(sources.plan, fresh_app("FailingTest"),
                                               demo.APP_PYTHON)

    assert set(REPLACED_FILES) <= touched
    assert {"common/core/settings.py", "app/services/cas_service.py",
            ".copier-answers.yml", "app/config.py"} <= touched
    assert "class Settings(CommonSettings)" in patch


# -- 5: a new template release through scripts/copier-update.sh ---------------------------
def test_new_template_release_reaches_the_migrated_app(
        tmp_path: Path, sources: demo.Sources) -> None:
    own = demo.lay_out(tmp_path, sources, fresh=False)  # this test changes its template
    app = own.app
    applied = engine.apply(sources.plan, app, verify=False, commit=True,
                           python=demo.APP_PYTHON)
    assert applied.committed and git(app, "status", "--porcelain") == ""
    answers = yaml.safe_load((app / ".copier-answers.yml").read_text())
    assert answers["_commit"] == own.tag == "v0.1.0"
    domain = {rel: (app / rel).read_bytes() for rel in git(app, "ls-files", "app").split()}
    release_v0_2_0(own.template)

    update = subprocess.run(["bash", "scripts/copier-update.sh"], cwd=app, env=venv_env(),
                            capture_output=True, text=True, timeout=300, check=False)

    assert update.returncode == 0, update.stdout + update.stderr
    settings = (app / "common" / "core" / "settings.py").read_text()
    assert 'TEMPLATE_RELEASE_NOTE = "CommonSettings as of v0.2.0"' in settings
    assert "class CommonSettings" in settings
    assert 'TEMPLATE_VERSION = "0.2.0"' in (app / "common" / "core" / "version.py").read_text()
    answers = yaml.safe_load((app / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"
    assert answers["_src_path"] == "../../ModernAppTemplate/backend"
    assert answers["project_name"] == "electronics-inventory" and answers["use_s3"] is True

    config = (app / "app" / "config.py").read_text()
    assert re.search(r"^class Settings\(CommonSettings\):", config, re.MULTILINE), config
    for field in ("AI_PROVIDER", "MOUSER_API_KEY", "FRONTEND_VERSION", "LOW_STOCK_THRESHOLD"):
        assert re.search(rf"^    {field}:", config, re.MULTILINE), f"{field} lost from app/config.py"
    assert "TEMPLATE_STARTER_FIELD" not in config
    assert not re.search(r"^    DATABASE_URL:", config, re.MULTILINE)  # inherited, not repeated
    changed_app_files = sorted(
        rel for rel, data in domain.items()
        if not (app / rel).is_file() or (app / rel).read_bytes() != data)
    assert changed_app_files == [], "the update changed the app's own files"
    status = git(app, "status", "--porcelain", "--untracked-files=all").splitlines()
    outside = [line for line in status
               if not (line[3:].startswith("common/") or line[3:] == ".copier-answers.yml")]
    assert outside == [], "the update touched files outside common/ and the answers file"

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-m", "not postgres",
         "-p", "no:cacheprovider"],
        cwd=app, env=venv_env(), capture_output=True, text=True, timeout=600, check=False)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


# -- `migrate demo DIR` on an existing demo -----------------------------------------------
def test_demo_refuses_an_existing_folder_and_fresh_starts_over(
        tmp_path: Path, sources: demo.Sources) -> None:
    first = demo.lay_out(tmp_path, sources, fresh=False)
    (first.app / "leftover.txt").write_text("from the last demo\n")
    git(first.app, "add", "-A")
    git(first.app, "commit", "-q", "-m", "work done in the last demo")
    kept = fingerprint(first.app), fingerprint(first.template)

    refused = run_cli("demo", tmp_path)

    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "already holds a demo" in lines[0] and "--fresh" in lines[0]
    assert (fingerprint(first.app), fingerprint(first.template)) == kept
    with pytest.raises(UsageError):
        demo.lay_out(tmp_path, sources, fresh=False)

    again = demo.lay_out(tmp_path, sources, fresh=True)

    assert again.app == first.app and again.template == first.template
    assert not (again.app / "leftover.txt").exists()
    assert git(again.app, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(again.app, "status", "--porcelain") == ""
    assert git(again.template, "tag", "--list").split() == [f"v{sources.template_version()}"]
    assert (again.app / "app" / "services" / "s3_service.py").is_file()  # before migration
