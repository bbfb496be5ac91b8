"""Item 15 of issue 9: after kill -9 of apply during a codemod step, the codemod's worker
processes die with it (they would otherwise hold its output pipe open), and rollback
restores the tree."""

from __future__ import annotations

import os
import time
from pathlib import Path

from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_same, kill_at, state


def _many_files(app: Path, count: int = 40) -> None:
    for n in range(count):
        (app / "app" / f"mod{n}.py").write_text(f"from app.util import helper\n\nV{n} = helper({n})\n")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "many modules")


def test_killing_apply_mid_codemod_kills_the_pool_workers(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    _many_files(app_repo)
    reached, release = tmp_path / "reached", tmp_path / "release"
    plan = write_plan(plans, f"""
        name: slow-codemod
        steps:
          - test-put: {{path: app/first.py, content: "x = 1\\n"}}
          - codemod: test-slow-rename
            old: helper
            new: assist
            reached: '{reached}'
            release: '{release}'
    """)
    before = state(app_repo)
    kill_at(reached, "apply", plan, "--target", app_repo)  # returns once every pipe closed
    worker = int(reached.read_text())
    deadline = time.monotonic() + 30
    while _alive(worker):
        assert time.monotonic() < deadline, f"codemod worker {worker} outlived its parent"
        time.sleep(0.05)
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert_same(before, state(app_repo))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper is dead too
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False
