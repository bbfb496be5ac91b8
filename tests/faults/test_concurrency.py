"""Item 5 of issue 9: one migrate process at a time per target. A second apply, rollback,
verify or dry run is refused with exit 3 naming the holder; two applies started together
never both run."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_helpers import git, migrate, migrate_process, write_plan
from fault_helpers import assert_one_error, kill_at, paused_plan, state, wait_for

PLAN = """
name: reshape
steps:
  - test-put: {path: app/new.py, content: "NEW = 1\\n"}
  - test-remove: [README.md]
verify:
  - {name: new, test-file: app/new.py}
"""


@pytest.mark.parametrize("second", ["apply", "rollback", "verify", "dry-run"])
def test_a_second_process_is_refused_while_the_first_holds_the_target(
        app_repo: Path, plans: Path, tmp_path: Path, second: str) -> None:
    paused, reached, release = paused_plan(
        plans, tmp_path, '  - test-put: {path: app/new.py, content: "NEW = 1\\n"}\n',
        name="paused.yaml")
    plan = write_plan(plans, PLAN)
    first = migrate_process("apply", paused, "--target", app_repo, "--yes")
    try:
        wait_for(reached, first)
        during = state(app_repo)
        args = {"apply": ["apply", plan, "--target", app_repo, "--allow-dirty"],
                "rollback": ["rollback", "--target", app_repo],
                "verify": ["verify", plan, "--target", app_repo],
                "dry-run": ["apply", plan, "--target", app_repo, "--dry-run", "--allow-dirty"]}
        run = migrate(*args[second])
        assert_one_error(run, 3, f"pid {first.pid}", "apply", str(paused))
        assert state(app_repo) == during
        release.write_text("go")
        _, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 0, err


def test_two_applies_started_together_never_both_run(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, PLAN)
    for attempt in range(6):
        processes = [migrate_process("apply", plan, "--target", app_repo) for _ in range(2)]
        results = [(p.wait(60), *p.communicate()) for p in processes]
        codes = sorted(code for code, _, _ in results)
        assert all("Traceback" not in err for _, _, err in results), results
        assert codes == [0, 3], results
        refused = next(err for code, _, err in results if code == 3)
        assert "pid" in refused or "already applied" in refused, refused
        assert migrate("rollback", "--target", app_repo).exit_code == 0, attempt
        assert git(app_repo, "ls-files").count("README.md") == 1
        assert (app_repo / "README.md").exists()


def test_the_lock_is_released_when_the_holder_is_killed(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    paused, reached, _ = paused_plan(plans, tmp_path)
    kill_at(reached, "apply", paused, "--target", app_repo)
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr

