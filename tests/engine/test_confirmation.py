"""The confirmation question on a terminal: asked before a rollback that would change
something, not when there is nothing to roll back."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from engine_helpers import HERE, ROOT, SUBPROCESS_BOOT, migrate, write_plan
from treehash import fingerprint

PLAN = """
name: reshape
steps:
  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}
"""


def _on_a_terminal(*args: str | Path, answer: str = "n\n") -> tuple[int, str]:
    """`migrate ARGS` with stdin and stdout on a pseudo-terminal, `answer` typed ahead."""
    primary, secondary = pty.openpty()
    code = SUBPROCESS_BOOT.format(here=str(HERE))
    process = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                               stdin=secondary, stdout=secondary, stderr=secondary,
                               env={**os.environ, "COLUMNS": "200"})
    os.close(secondary)
    os.write(primary, answer.encode())
    output = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(timeout=60), output.decode(errors="replace")


def test_nothing_to_roll_back_asks_nothing(app_repo: Path) -> None:
    code, output = _on_a_terminal("rollback", "--target", app_repo)
    assert code == 0, output
    assert "Roll back" not in output
    assert "nothing to roll back" in output


def test_a_rollback_that_would_change_the_tree_asks_first(app_repo: Path, plans: Path) -> None:
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--no-verify").exit_code == 0
    applied = fingerprint(app_repo)
    code, output = _on_a_terminal("rollback", "--target", app_repo)
    assert code == 2, output
    assert "Roll back" in output and "not confirmed; nothing was changed" in output
    assert fingerprint(app_repo) == applied
