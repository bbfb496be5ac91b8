"""What the end-to-end migrations of both apps share: git, the CLI, user files, tree
comparison, patches, and a later template release."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from treehash import differences, fingerprint

from migrator import engine, workspace
from migrator.errors import AlreadyApplied, VerificationFailed

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "E2E Test", "GIT_AUTHOR_EMAIL": "e2e@example.invalid",
    "GIT_COMMITTER_NAME": "E2E Test", "GIT_COMMITTER_EMAIL": "e2e@example.invalid",
}
VENV_BIN = Path(sys.executable).parent
"""The venv running these tests: its python has copier (and the Electronics Inventory
app's dependencies)."""

TOOL_CACHES = ("__pycache__/", ".mypy_cache/", ".ruff_cache/", ".pytest_cache/")

UNTRACKED_NOTE = "notes.txt"
IGNORED_ENV = ".env"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_IDENTITY},
                          check=True, capture_output=True, text=True).stdout


def venv_env() -> dict[str, str]:
    """This environment with the venv's bin first on PATH and no COPIER override."""
    env = {k: v for k, v in os.environ.items() if k != "COPIER"}
    env.update(GIT_IDENTITY)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    return env


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `migrate` command (`python -m migrator`) as a process."""
    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)], cwd=cwd,
                          env=venv_env(), capture_output=True, text=True, timeout=300,
                          check=False)


def repository_tree(target: Path) -> dict[str, str]:
    """The fingerprint of the whole repository that holds `target` (its top, or a folder in
    it: then every other folder of the repository is compared too)."""
    return fingerprint(Path(git(target, "rev-parse", "--show-toplevel").strip()))


def add_user_files(app: Path) -> None:
    """An untracked and an ignored file the user has in the tree before migrating."""
    (app / UNTRACKED_NOTE).write_text("call the supplier about the 0402 resistors\n")
    # Only a comment: the app's Settings reads .env, and this must not change any check.
    (app / IGNORED_ENV).write_text("# local overrides, never committed\n")
    folder = git(app, "rev-parse", "--show-prefix").strip()
    assert git(app, "status", "--porcelain", "--ignored", "--", UNTRACKED_NOTE,
               IGNORED_ENV).splitlines() == [f"?? {folder}{UNTRACKED_NOTE}",
                                             f"!! {folder}{IGNORED_ENV}"]


def assert_same_tree(before: dict[str, str], after: dict[str, str], what: str) -> None:
    """Byte for byte. User files are compared first so their difference is reported first;
    then whatever is left (tool caches the run created) must be equal too."""
    diff = differences(before, after)
    other = [d for d in diff if not any(c in d for c in TOOL_CACHES)]
    assert not other, f"{what}: {len(other)} difference(s):\n" + "\n".join(other[:40])
    caches = sorted({d.split(":", 1)[0].split("/", 1)[0] for d in diff})
    assert not diff, (
        f"{what}: only tool caches differ, but they did not exist before the run and are "
        f"still there: {caches} ({len(diff)} files, e.g. {diff[0]})")


def patch_paths(patch: str) -> set[str]:
    return set(re.findall(r"^diff --git a/(\S+) b/", patch, flags=re.MULTILINE))


def describe_failures(verification: engine.VerifyReport) -> str:
    lines = []
    for result in verification.failed:
        lines.append(f"- {result.name}: {result.summary}")
        lines += [f"    {line}" for line in result.evidence[-15:]]
    return "\n".join(lines)


def file_diff(patch: str, path: str) -> str:
    start = patch.find(f"diff --git a/{path} b/{path}\n")
    end = patch.find("\ndiff --git ", start + 1)
    return patch[start:end if end != -1 else None]


def release_v0_2_0(template: Path) -> None:
    """A common/ module edited, a new one added, and an app-owned starting file edited."""
    rendered = template / "template"
    settings = rendered / "common" / "core" / "settings.py.jinja"
    settings.write_text(settings.read_text()
                        + '\n\nTEMPLATE_RELEASE_NOTE = "CommonSettings as of v0.2.0"\n')
    (rendered / "common" / "core" / "version.py").write_text(
        '"""The template release this common/ comes from."""\n\nTEMPLATE_VERSION = "0.2.0"\n')
    starter = rendered / "app" / "config.py.jinja"
    starter.write_text(starter.read_text() + "\n    TEMPLATE_STARTER_FIELD: int = 1\n")
    (template / "VERSION").write_text("0.2.0\n")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "ModernAppTemplate backend v0.2.0")
    git(template, "tag", "-a", "v0.2.0", "-m", "template v0.2.0")


# -- the scenarios both apps go through ---------------------------------------------------
def assert_every_check_passed(report: engine.ApplyReport | None, error: Exception | None,
                              plan: Path, replaced: list[str]) -> None:
    """Test 1: every check of the plan ran and passed, and the replaced files are gone."""
    verification = report.verification if report else None
    assert verification is not None, f"the apply stopped before verification: {error}"
    planned = [check.name for check in engine.load_plan(plan).checks]
    assert "postgres" in planned
    assert [r.name for r in verification.results] == planned, "not every check ran"
    assert verification.passed, (
        f"{len(verification.failed)} of {len(planned)} checks failed:\n"
        + describe_failures(verification))
    assert error is None, f"the checks passed but the apply failed: {error}"
    assert report is not None and not report.rolled_back
    assert set(replaced) <= set(report.changes.deleted)


def assert_rollback_restores_the_tree(app: Path, before: dict[str, str],
                                      replaced: list[str]) -> None:
    """Test 2: `migrate rollback` restores the migrated tree byte for byte, user files too."""
    assert (app / "common").is_dir() and not (app / replaced[0]).exists()

    rolled = run_cli("rollback", "--target", app, "--yes")

    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert (app / UNTRACKED_NOTE).read_text().startswith("call the supplier")
    assert (app / IGNORED_ENV).read_text() == "# local overrides, never committed\n"
    assert not (app / "common").exists()
    assert_same_tree(before, repository_tree(app), "after `migrate rollback`")


@dataclass
class DryRunThenApply:
    app: Path
    before: dict[str, str]
    after_dry_run: dict[str, str]
    dry_run: engine.ApplyReport
    real: engine.ApplyReport
    real_diff: tuple[workspace.Changes, str]
    """The applied tree against the checkpoint, by the workspace's own diff helper."""


def dry_run_then_apply(plan: Path, app: Path, python: str) -> DryRunThenApply:
    """Tests 3 and 6 share this: a dry run, then the real apply (no checks)."""
    before = repository_tree(app)
    dry_run = engine.apply(plan, app, dry_run=True, python=python)
    after_dry_run = repository_tree(app)
    real = engine.apply(plan, app, verify=False, python=python)
    repo = workspace.Repo.open(app)
    checkpoint = repo.ref(repo.checkpoint_ref)
    assert checkpoint is not None, "the real apply left no checkpoint"
    changes, patch, _ = workspace.attempt_changes(repo, checkpoint)
    return DryRunThenApply(app, before, after_dry_run, dry_run, real, (changes, patch))


def assert_dry_run_equals_the_real_run(runs: DryRunThenApply, replaced: list[str],
                                       created: set[str]) -> None:
    """Test 3: the dry run left the tree alone, and its diff is the real run's."""
    assert_same_tree(runs.before, runs.after_dry_run, "after the dry run")

    dry, real = runs.dry_run, runs.real
    real_changes, real_patch = runs.real_diff
    assert set(replaced) <= set(dry.changes.deleted)
    assert created <= set(dry.changes.created)
    assert dry.changes == real_changes, (
        "the dry run and the real run change different files:\n"
        f"only in the dry run: {sorted(patch_paths(dry.patch) - patch_paths(real_patch))}\n"
        f"only in the real run: {sorted(patch_paths(real_patch) - patch_paths(dry.patch))}")
    assert real.patch == real_patch  # the report of the run states what the tree holds
    differing = sorted(
        path for path in patch_paths(real_patch)
        if file_diff(dry.patch, path) != file_diff(real_patch, path))
    assert dry.patch == real_patch, f"the dry-run patch differs from the real one in {differing}"


def assert_second_apply_is_refused(plan: Path, app: Path, python: str) -> None:
    """Test 6: applying the plan again is refused (exit 3), by the API and the CLI alike,
    and changes nothing."""
    before = repository_tree(app)

    with pytest.raises(AlreadyApplied) as refused:
        engine.apply(plan, app, verify=False, python=python)
    assert refused.value.exit_code == 3
    assert_same_tree(before, repository_tree(app), "after the refused second apply (API)")

    second = run_cli("apply", plan, "--target", app, "--no-verify", "--python", python)
    assert second.returncode == 3, second.stdout + second.stderr
    assert "already applied" in second.stderr
    assert_same_tree(before, repository_tree(app), "after the refused second apply (CLI)")


def apply_with_a_failing_test(plan: Path, app: Path, python: str) -> tuple[str, set[str]]:
    """Test 4: with a deliberately failing app test, apply exits 1 (its test check names the
    test), rolls back byte for byte and keeps the attempt as a patch that applies to the
    rolled-back tree. Returns the patch and the paths it touches."""
    failing = app / "tests" / "test_deliberately_failing.py"
    failing.write_text("def test_deliberately_failing() -> None:\n    assert False\n")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "A deliberately failing test")
    add_user_files(app)
    before = repository_tree(app)
    others = [check.name for check in engine.load_plan(plan).checks
              if check.name != "all tests pass"]

    with pytest.raises(VerificationFailed) as failed:
        engine.apply(plan, app, skip_checks=others, allow_dirty=True, python=python)

    assert failed.value.exit_code == 1
    report: engine.ApplyReport = failed.value.report  # type: ignore[attr-defined]
    assert report.verification is not None
    assert [r.name for r in report.verification.failed] == ["all tests pass"]
    assert "test_deliberately_failing" in "\n".join(report.verification.failed[0].evidence)
    assert report.rolled_back
    assert_same_tree(before, repository_tree(app), "after the automatic rollback")

    patch_file = report.attempt_patch
    assert patch_file is not None and patch_file.is_file(), "no attempt patch was kept"
    patch = patch_file.read_text()
    touched = patch_paths(patch)
    assert "tests/test_deliberately_failing.py" not in touched
    check = subprocess.run(["git", "apply", "--check", "--binary", str(patch_file)], cwd=app,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    return patch, touched
