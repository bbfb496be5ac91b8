"""Dry run: the same steps in a throwaway worktree; the target gains no file, change or ref."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from engine_helpers import fingerprint, git, git_dir_fingerprint, migrate, write_plan

from migrator import engine
from migrator.steps.base import StepModel

PLAN = """
name: reshape
steps:
  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}
  - test-put: {path: README.md, content: "# reshaped\\n"}
  - test-put: {path: tools/go.sh, content: "#!/bin/sh\\n", mode: 493}
  - codemod: test-rename-name
    old: helper
    new: assist
  - test-remove: [run.sh]
"""


def _full_diff(root: Path, tmp: Path) -> str:
    """Working tree (tracked + untracked) against HEAD, computed independently of migrator."""
    env = {**os.environ, "GIT_INDEX_FILE": str(tmp / "check.index")}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=root, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    return subprocess.run(["git", "diff", "--cached", "--binary", "--no-renames", "HEAD"],
                          cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def test_dry_run_leaves_target_identical_and_its_diff_equals_the_real_one(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    plan = write_plan(plans, PLAN)
    before = fingerprint(app_repo)
    git_before = git_dir_fingerprint(app_repo)
    patch = tmp_path / "dry.patch"
    run = migrate("apply", plan, "--target", app_repo, "--dry-run", "--output", patch)
    assert run.exit_code == 0, run.stderr
    assert fingerprint(app_repo) == before
    assert git_dir_fingerprint(app_repo) == git_before  # not even an object or a log line
    assert not (app_repo / ".git" / "worktrees").exists()
    assert "+NEW = 1" in run.stdout and "assist" in run.stdout

    real = migrate("apply", plan, "--target", app_repo, "--no-verify")
    assert real.exit_code == 0, real.stderr
    assert patch.read_text() == _full_diff(app_repo, tmp_path)
    assert "new mode 100755" in patch.read_text() or "new file mode 100755" in patch.read_text()


def test_dry_run_with_allow_dirty_starts_from_the_uncommitted_state(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    (app_repo / "app" / "util.py").write_text("def helper(x):\n    return x + 2\n")
    (app_repo / "notes.txt").write_text("mine\n")
    before, git_before = fingerprint(app_repo), git_dir_fingerprint(app_repo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--dry-run",
                  "--allow-dirty", "--json")
    assert run.exit_code == 0, run.stderr
    assert fingerprint(app_repo) == before
    assert git_dir_fingerprint(app_repo) == git_before
    import json

    data = json.loads(run.stdout)
    assert "app/util.py" in data["changes"]["modified"]
    assert "notes.txt" not in str(data["changes"])  # already there before the steps ran
    assert "     return x + 2" in data["patch"]  # util.py as the user left it


def test_plan_with_target_shows_per_step_effects_and_changes_nothing(
        app_repo: Path, plans: Path) -> None:
    before, git_before = fingerprint(app_repo), git_dir_fingerprint(app_repo)
    run = migrate("plan", write_plan(plans, PLAN), "--target", app_repo, "--json")
    assert run.exit_code == 0, run.stderr
    import json

    steps = json.loads(run.stdout)["steps"]
    assert steps[0]["changes"]["created"] == ["app/extra/new.py"]
    assert steps[3]["changes"]["modified"] == ["app/main.py", "app/util.py"]
    assert steps[3]["rewrites"] == {"app/main.py": {"test-rename-name": 2},
                                    "app/util.py": {"test-rename-name": 1}}
    assert steps[4]["changes"]["deleted"] == ["run.sh"]
    assert fingerprint(app_repo) == before
    assert git_dir_fingerprint(app_repo) == git_before


def test_ctrl_c_during_a_dry_run_removes_the_worktree(
        app_repo: Path, plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []

    def interrupt(self: StepModel, ctx: object) -> None:
        seen.append(ctx.root)  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    import engine_kinds

    monkeypatch.setattr(engine_kinds.RemoveStep, "apply", interrupt)
    before = fingerprint(app_repo)
    with pytest.raises(KeyboardInterrupt):
        engine.apply(write_plan(plans, PLAN), app_repo, dry_run=True)
    assert seen and not seen[0].exists()
    assert fingerprint(app_repo) == before
    assert "worktree" not in git(app_repo, "worktree", "list").split("\n", 1)[-1]
