"""Item 9 of issue 9: the dry run works in a repository of its own (own object store,
config, refs and stash), never prunes what the tool did not create, and cleans up on every
exit path; a killed one is cleaned up by the next run."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_same, kill_at, paused_plan, untouched

PY = sys.executable

GIT_HAPPY_COMMAND = f"""
name: git-happy
steps:
  - test-put: {{path: app/new.py, content: "x = 1\\n"}}
  - command:
    - {PY}
    - -c
    - |
      import subprocess
      def git(*args):
          subprocess.run(["git", *args], check=True, capture_output=True)
      git("-c", "user.name=x", "-c", "user.email=x@x", "tag", "-a", "-m", "dry", "from-the-dry-run")
      git("config", "dryrun.was", "here")
      git("hash-object", "-w", "app/new.py")
      git("add", "-A")
      git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "in the dry run")
      open("app/new.py", "a").write("y = 2\\n")
      git("-c", "user.name=x", "-c", "user.email=x@x", "stash")
      git("stash", "pop")
"""


def test_git_commands_in_a_dry_run_leave_the_targets_git_alone(app_repo: Path, plans: Path) -> None:
    before = untouched(app_repo)
    run = migrate("apply", write_plan(plans, GIT_HAPPY_COMMAND), "--target", app_repo,
                  "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert_same(before, untouched(app_repo))
    assert git(app_repo, "tag") == "" and git(app_repo, "stash", "list") == ""


def test_the_dry_run_never_prunes_a_worktree_it_did_not_create(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-feature"
    git(app_repo, "worktree", "add", "-q", "-b", "feature", str(mine))
    away = tmp_path / "on-a-usb-stick"
    shutil.move(str(mine), str(away))  # its folder is absent for a while
    before = untouched(app_repo)
    run = migrate("apply", write_plan(plans, GIT_HAPPY_COMMAND), "--target", app_repo,
                  "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert_same(before, untouched(app_repo))
    assert (app_repo / ".git" / "worktrees" / "my-feature").is_dir()


def test_a_killed_dry_run_leaves_no_registration_and_the_next_run_cleans_up(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    plan, reached, _ = paused_plan(plans, tmp_path,
                                   '  - test-put: {path: app/new.py, content: "x = 1\\n"}\n')
    before = untouched(app_repo)
    kill_at(reached, "apply", plan, "--target", app_repo, "--dry-run",
            env={**os.environ, "TMPDIR": str(temp)})
    assert_same(before, untouched(app_repo), "after the killed dry run")
    assert git(app_repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert list(temp.iterdir()), "the killed dry run left nothing to clean up (test is moot)"

    os.environ["TMPDIR"] = str(temp)
    try:
        import tempfile
        tempfile.tempdir = None
        status = migrate("status", "--target", app_repo)
    finally:
        del os.environ["TMPDIR"]
        tempfile.tempdir = None
    assert status.exit_code == 0, status.stderr
    assert list(temp.iterdir()) == []
    assert "removed the leftovers of a dry run" in status.stdout
    assert_same(before, untouched(app_repo))
