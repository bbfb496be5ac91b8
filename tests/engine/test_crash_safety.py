"""Crash safety: `migrate apply` is SIGKILLed at each step boundary and inside a step, then
`migrate rollback` restores the tree; Ctrl-C rolls back by itself and exits 130."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from engine_helpers import fingerprint, migrate, migrate_process, write_plan


def _plan(plans: Path, signals: Path, pause_at: str) -> Path:
    """Three real steps and a check; a pause (with a write first when 'inside') at `pause_at`."""
    reached, release = signals / "reached", signals / "release"
    pause = f"  - test-pause: {{reached: '{reached}', release: '{release}'}}\n"
    inside = (f"  - test-pause: {{reached: '{reached}', release: '{release}', "
              f"path: app/util.py}}\n")
    steps = [
        "  - test-put: {path: app/new.py, content: \"NEW = 1\\n\"}\n",
        "  - test-put: {path: run.sh, content: \"changed\\n\", mode: 420}\n",
        "  - test-remove: [README.md]\n",
    ]
    positions = {"before-first": 0, "after-first": 1, "after-second": 2, "after-last": 3}
    if pause_at in positions:
        steps.insert(positions[pause_at], pause)
    elif pause_at == "inside-second":
        steps.insert(1, inside)
    verify = "verify:\n  - {name: new, test-file: app/new.py}\n"
    if pause_at == "during-verify":
        verify += f"  - {{name: pause, test-pause-check: {{reached: '{reached}', release: '{release}'}}}}\n"
    return write_plan(plans, "name: crashy\nsteps:\n" + "".join(steps) + verify)


def _wait_for(path: Path, process: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:  # type: ignore[attr-defined]
            _, err = process.communicate()  # type: ignore[attr-defined]
            raise AssertionError(f"migrate exited early ({process.returncode}): {err}")  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the pause point was never reached"
        time.sleep(0.01)


POINTS = ["before-first", "after-first", "after-second", "inside-second", "after-last",
          "during-verify"]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_then_rollback_restores_the_tree(
        app_repo: Path, plans: Path, tmp_path: Path, point: str) -> None:
    (app_repo / "notes.txt").write_text("untracked, mine\n")
    before = fingerprint(app_repo)
    signals = tmp_path / "signals"
    signals.mkdir()
    process = migrate_process("apply", _plan(plans, signals, point), "--target", app_repo,
                              "--allow-dirty")
    try:
        _wait_for(signals / "reached", process)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert fingerprint(app_repo) != before or point == "before-first"

    status = migrate("status", "--target", app_repo)
    assert "crashy" in status.stdout and "migrate rollback" in status.stdout
    refused = migrate("apply", plans / "plan.yaml", "--target", app_repo, "--allow-dirty")
    assert refused.exit_code == 3 and "half-applied" in refused.stderr

    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert fingerprint(app_repo) == before
    assert migrate("rollback", "--target", app_repo).stdout.startswith("nothing to roll back")


@pytest.mark.parametrize(("sig", "code", "said"), [
    (signal.SIGINT, 130, "error: interrupted (Ctrl-C)"),
    (signal.SIGTERM, 143, "error: terminated (SIGTERM)"),
], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_inside_a_step_rolls_back(
        app_repo: Path, plans: Path, tmp_path: Path, sig: signal.Signals, code: int,
        said: str) -> None:
    before = fingerprint(app_repo)
    signals = tmp_path / "signals"
    signals.mkdir()
    process = migrate_process("apply", _plan(plans, signals, "inside-second"),
                              "--target", app_repo)
    try:
        _wait_for(signals / "reached", process)
        process.send_signal(sig)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(said)
    assert "rolled back to the checkpoint" in lines[0] and ".patch" in lines[0]
    assert fingerprint(app_repo) == before
    assert migrate("status", "--target", app_repo).stdout.startswith("no migration recorded")


def test_rollback_refuses_while_the_apply_is_still_running(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    process = migrate_process("apply", _plan(plans, signals, "inside-second"), "--target", app_repo)
    try:
        _wait_for(signals / "reached", process)
        refused = migrate("rollback", "--target", app_repo)
        assert refused.exit_code == 3
        assert f"another migrate process (pid {process.pid}:" in refused.stderr
        assert " apply " in refused.stderr
        assert "still running" in migrate("status", "--target", app_repo).stdout
        (signals / "release").write_text("go")
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
