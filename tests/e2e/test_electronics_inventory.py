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
    IGNORED_ENV,
    UNTRACKED_NOTE,
    add_user_files,
    assert_same_tree,
    describe_failures,
    file_diff,
    git,
    patch_paths,
    release_v0_2_0,
    run_cli,
    venv_env,
)
from treehash import fingerprint

from migrator import demo, engine, workspace
from migrator.errors import AlreadyApplied, MigratorError, UsageError, VerificationFailed

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
    report = full_apply.report
    verification = report.verification if report else None
    assert verification is not None, f"the apply stopped before verification: {full_apply.error}"
    planned = [check.name for check in engine.load_plan(sources.plan).checks]
    assert "postgres" in planned
    assert [r.name for r in verification.results] == planned, "not every check ran"
    assert verification.passed, (
        f"{len(verification.failed)} of {len(planned)} checks failed:\n"
        + describe_failures(verification))
    assert full_apply.error is None, f"the checks passed but the apply failed: {full_apply.error}"
    assert report is not None and not report.rolled_back
    assert set(REPLACED_FILES) <= set(report.changes.deleted)


def test_rollback_restores_the_tree_byte_for_byte(full_apply: FullApply) -> None:
    app = full_apply.app
    assert full_apply.report is not None and full_apply.report.changes, \
        f"nothing was applied to roll back: {full_apply.error}"
    assert (app / "common").is_dir() and not (app / REPLACED_FILES[0]).exists()

    rolled = run_cli("rollback", "--target", app, "--yes")

    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert (app / UNTRACKED_NOTE).read_text().startswith("call the supplier")
    assert (app / IGNORED_ENV).read_text() == "# local overrides, never committed\n"
    assert not (app / "common").exists()
    assert_same_tree(full_apply.before, fingerprint(app), "after `migrate rollback`")


# -- 3 and 6: dry run vs real run, then the second apply ----------------------------------
@dataclass
class QuickApply:
    app: Path
    before: dict[str, str]
    after_dry_run: dict[str, str]
    dry_run: engine.ApplyReport
    real: engine.ApplyReport
    real_diff: tuple[workspace.Changes, str]
    """The applied tree against the checkpoint, by the workspace's own diff helper."""


@pytest.fixture(scope="module")
def quick_apply(fresh_app: Callable[[str], Path], sources: demo.Sources) -> QuickApply:
    app = fresh_app("DryRunThenApply")
    before = fingerprint(app)
    dry_run = engine.apply(sources.plan, app, dry_run=True, python=demo.APP_PYTHON)
    after_dry_run = fingerprint(app)
    real = engine.apply(sources.plan, app, verify=False, python=demo.APP_PYTHON)
    repo = workspace.Repo.open(app)
    checkpoint = repo.ref(workspace.CHECKPOINT_REF)
    assert checkpoint is not None, "the real apply left no checkpoint"
    changes, patch, _ = workspace.attempt_changes(repo, checkpoint)
    return QuickApply(app, before, after_dry_run, dry_run, real, (changes, patch))


def test_dry_run_diff_equals_the_real_diff_and_touches_nothing(quick_apply: QuickApply) -> None:
    assert_same_tree(quick_apply.before, quick_apply.after_dry_run, "after the dry run")

    dry, real = quick_apply.dry_run, quick_apply.real
    real_changes, real_patch = quick_apply.real_diff
    assert set(REPLACED_FILES) <= set(dry.changes.deleted)
    assert "common/core/settings.py" in dry.changes.created
    assert dry.changes == real_changes, (
        "the dry run and the real run change different files:\n"
        f"only in the dry run: {sorted(patch_paths(dry.patch) - patch_paths(real_patch))}\n"
        f"only in the real run: {sorted(patch_paths(real_patch) - patch_paths(dry.patch))}")
    assert real.patch == real_patch  # the report of the run states what the tree holds
    if dry.patch != real_patch:
        differing = sorted(
            path for path in patch_paths(real_patch)
            if file_diff(dry.patch, path) != file_diff(real_patch, path))
        pytest.fail(f"the dry-run patch differs from the real one in {differing}")


def test_second_apply_is_refused_and_changes_nothing(quick_apply: QuickApply,
                                                     sources: demo.Sources) -> None:
    app = quick_apply.app
    assert quick_apply.real.changes, "the first apply changed nothing"
    before = fingerprint(app)

    with pytest.raises(AlreadyApplied) as refused:
        engine.apply(sources.plan, app, verify=False, python=demo.APP_PYTHON)
    assert refused.value.exit_code == 3
    assert_same_tree(before, fingerprint(app), "after the refused second apply (API)")

    second = run_cli("apply", sources.plan, "--target", app, "--no-verify", "--python",
                     demo.APP_PYTHON)
    assert second.returncode == 3, second.stdout + second.stderr
    assert "already applied" in second.stderr
    assert_same_tree(before, fingerprint(app), "after the refused second apply (CLI)")


# -- 4: a deliberately failing app test ---------------------------------------------------
def test_failing_app_test_exits_1_rolls_back_and_keeps_the_patch(
        fresh_app: Callable[[str], Path], sources: demo.Sources) -> None:
    app = fresh_app("FailingTest")
    failing = app / "tests" / "test_deliberately_failing.py"
    failing.write_text("def test_deliberately_failing() -> None:\n    assert False\n")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "A deliberately failing test")
    add_user_files(app)
    before = fingerprint(app)
    plan = engine.load_plan(sources.plan)
    others = [check.name for check in plan.checks if check.name != "all tests pass"]

    with pytest.raises(VerificationFailed) as failed:
        engine.apply(sources.plan, app, skip_checks=others, allow_dirty=True,
                     python=demo.APP_PYTHON)

    assert failed.value.exit_code == 1
    report: engine.ApplyReport = failed.value.report  # type: ignore[attr-defined]
    assert report.verification is not None
    assert [r.name for r in report.verification.failed] == ["all tests pass"]
    assert "test_deliberately_failing" in "\n".join(report.verification.failed[0].evidence)
    assert report.rolled_back
    assert_same_tree(before, fingerprint(app), "after the automatic rollback")

    patch_file = report.attempt_patch
    assert patch_file is not None and patch_file.is_file(), "no attempt patch was kept"
    patch = patch_file.read_text()
    touched = patch_paths(patch)
    assert set(REPLACED_FILES) <= touched
    assert {"common/core/settings.py", "app/services/cas_service.py",
            ".copier-answers.yml", "app/config.py"} <= touched
    assert "class Settings(CommonSettings)" in patch
    assert "tests/test_deliberately_failing.py" not in touched
    # The kept patch is the whole attempt: it applies cleanly to the rolled-back tree.
    check = subprocess.run(["git", "apply", "--check", "--binary", str(patch_file)], cwd=app,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr


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
