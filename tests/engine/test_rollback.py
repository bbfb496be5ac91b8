"""Apply then rollback: byte for byte, user files kept, idempotent, guarded by --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_helpers import fingerprint, git, migrate, write_plan

from migrator import engine
from migrator import rollback as rollback_module

PLAN = """
name: reshape
description: reshape the tiny app
steps:
  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}
  - test-put: {path: run.sh, content: "#!/bin/sh\\necho changed\\n", mode: 420}
  - test-put: {path: notes.txt, content: "overwritten\\n"}
  - codemod: test-rename-name
    old: helper
    new: assist
  - test-remove: [README.md]
verify:
  - {name: new file, test-file: app/extra/new.py}
"""


def _with_user_state(repo: Path) -> None:
    (repo / "notes.txt").write_text("my untracked notes\n")
    (repo / "scratch").mkdir()
    (repo / "scratch" / "idea.py").write_text("IDEA = 1\n")
    (repo / "app" / "util.py").write_text("def helper(x):\n    return x + 41\n")
    git(repo, "add", "app/util.py")  # a staged change: the index must come back too


def test_apply_then_rollback_restores_every_byte(app_repo: Path, plans: Path) -> None:
    _with_user_state(app_repo)
    before = fingerprint(app_repo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--allow-dirty")
    assert run.exit_code == 0, run.stderr
    assert (app_repo / "app" / "extra" / "new.py").exists()
    assert oct((app_repo / "run.sh").stat().st_mode & 0o777) == "0o644"
    assert not (app_repo / "README.md").exists()

    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert "rolled back 'reshape'" in back.stdout
    assert fingerprint(app_repo) == before
    assert (app_repo / ".env").read_text() == "SECRET=1\n"
    assert not (app_repo / "app" / "extra").exists()


def test_rollback_is_idempotent_and_says_when_there_is_nothing(app_repo: Path, plans: Path) -> None:
    assert migrate("rollback", "--target", app_repo).stdout.startswith("nothing to roll back")
    migrate("apply", write_plan(plans, PLAN), "--target", app_repo)
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    before = fingerprint(app_repo)
    again = migrate("rollback", "--target", app_repo)
    assert again.exit_code == 0 and "nothing to roll back" in again.stdout
    assert fingerprint(app_repo) == before


def test_commit_on_a_branch_and_roll_it_back(app_repo: Path, plans: Path) -> None:
    before = fingerprint(app_repo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--commit")
    assert run.exit_code == 0, run.stderr
    assert git(app_repo, "symbolic-ref", "--short", "HEAD").strip() == "migrate/reshape"
    message = git(app_repo, "log", "-1", "--format=%B")
    assert "Migrate with plan reshape" in message and "5. test-remove (test-remove)" in message
    assert git(app_repo, "status", "--porcelain") == ""
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert fingerprint(app_repo) == before
    assert "migrate/reshape" not in git(app_repo, "branch")


def test_commits_on_top_need_force(app_repo: Path, plans: Path) -> None:
    before = fingerprint(app_repo)
    migrate("apply", write_plan(plans, PLAN), "--target", app_repo)
    git(app_repo, "add", "-A")
    git(app_repo, "commit", "-q", "-m", "user work on top")
    after_commit = fingerprint(app_repo)
    refused = migrate("rollback", "--target", app_repo)
    assert refused.exit_code == 3
    assert refused.stderr.startswith("error: commits were added on top of the migration")
    assert fingerprint(app_repo) == after_commit
    forced = migrate("rollback", "--target", app_repo, "--force")
    assert forced.exit_code == 0, forced.stderr
    now = fingerprint(app_repo)
    assert {k: v for k, v in now.items() if k != "<refs>"} == \
        {k: v for k, v in before.items() if k != "<refs>"}


def test_keep_on_failure_leaves_the_attempt_and_blocks_the_next_apply(
        app_repo: Path, plans: Path) -> None:
    before = fingerprint(app_repo)
    plan = write_plan(plans, """
        name: breaks
        steps:
          - test-put: {path: app/half.py, content: "HALF = 1\\n"}
          - test-fail: the second step breaks
    """)
    run = migrate("apply", plan, "--target", app_repo, "--keep-on-failure")
    assert run.exit_code == 4
    assert "step 2 (test-fail): the second step breaks" in run.stderr
    assert (app_repo / "app" / "half.py").exists()
    status = json.loads(migrate("status", "--target", app_repo, "--json").stdout)
    assert status["journal"]["state"] == "kept-failed"
    assert status["journal"]["steps_done"] == 1
    again = migrate("apply", plan, "--target", app_repo, "--allow-dirty")
    assert again.exit_code == 3 and "half-applied" in again.stderr
    assert "migrate rollback" in again.stderr
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert fingerprint(app_repo) == before


def test_status_names_plan_steps_and_checkpoint(app_repo: Path, plans: Path) -> None:
    assert "no migration recorded" in migrate("status", "--target", app_repo).stdout
    migrate("apply", write_plan(plans, PLAN), "--target", app_repo)
    run = migrate("status", "--target", app_repo)
    assert run.exit_code == 0
    assert "plan reshape" in run.stdout and "applied" in run.stdout
    checkpoint = git(app_repo, "rev-parse", "refs/worktree/migrator/checkpoint").strip()
    assert checkpoint in run.stdout


def test_a_rollback_cut_short_is_finished_by_the_next_one(
        app_repo: Path, plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(app_repo)
    migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--commit")

    def crash(*args: object) -> None:
        raise KeyboardInterrupt  # as if killed after the files came back, before HEAD did

    monkeypatch.setattr(rollback_module, "restore_head", crash)
    with pytest.raises(KeyboardInterrupt):
        engine.rollback(app_repo)
    monkeypatch.undo()
    status = json.loads(migrate("status", "--target", app_repo, "--json").stdout)
    assert status["journal"]["state"] == "rolling-back"
    again = migrate("rollback", "--target", app_repo)
    assert again.exit_code == 0, again.stderr
    assert fingerprint(app_repo) == before


def test_rollback_brings_back_a_symlink_the_run_replaced_by_a_file(
        app_repo: Path, plans: Path) -> None:
    import os

    os.symlink("README.md", app_repo / "LATEST")
    git(app_repo, "add", "LATEST")
    git(app_repo, "commit", "-q", "-m", "link")
    before = fingerprint(app_repo)
    plan = write_plan(plans, """
        name: links
        steps:
          - test-remove: [LATEST]
          - test-put: {path: LATEST, content: "now a file\\n"}
    """)
    assert migrate("apply", plan, "--target", app_repo).exit_code == 0
    assert not (app_repo / "LATEST").is_symlink()
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert (app_repo / "LATEST").is_symlink()
    assert fingerprint(app_repo) == before


TOOL_CACHES = """
name: caches
steps:
  - test-put: {path: app/util.py, content: "def helper(x):\\n    return x\\n"}
  - test-put: {path: .tool_cache.log, content: "written by a formatter the plan runs\\n"}
  - test-put: {path: build/out.log, content: "more tool output\\n"}
"""


def test_rollback_removes_ignored_files_the_run_created_and_restores_exact_modes(
        app_repo: Path, plans: Path) -> None:
    (app_repo / "app" / "util.py").chmod(0o664)  # git records 644 only
    before = fingerprint(app_repo)
    run = migrate("apply", write_plan(plans, TOOL_CACHES), "--target", app_repo, "--no-verify")
    assert run.exit_code == 0, run.stderr
    assert (app_repo / ".tool_cache.log").exists()  # ignored by the app's *.log rule

    back = migrate("rollback", "--target", app_repo)

    assert back.exit_code == 0, back.stderr
    assert not (app_repo / ".tool_cache.log").exists()
    assert not (app_repo / "build").exists()
    assert (app_repo / "debug.log").read_text() == "log\n"      # the user's ignored files
    assert (app_repo / "venv" / "lib.py").read_text() == "x = 1\n"
    assert (app_repo / "app" / "util.py").stat().st_mode & 0o777 == 0o664
    assert fingerprint(app_repo) == before
