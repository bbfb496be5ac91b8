"""What every fault test asserts: the whole tree and `.git`, byte for byte, and one clear
error line with its exit code."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from engine_helpers import Run, git, migrate_process, write_plan
from treehash import differences, fingerprint, git_dir_fingerprint, git_state_fingerprint

__all__ = ["assert_one_error", "assert_same", "kill_at", "paused_plan", "state",
           "template_repo", "untouched", "wait_for"]


def untouched(root: Path) -> dict[str, str]:
    """Tree and every byte of `.git` (objects counted): for runs that must change nothing."""
    return {**fingerprint(root), **git_dir_fingerprint(root)}


def state(root: Path) -> dict[str, str]:
    """Tree and `.git` minus objects, reflogs and the migrator's own folder: what a run
    followed by its rollback must give back."""
    return {**fingerprint(root), **git_state_fingerprint(root)}


def assert_same(before: dict[str, str], after: dict[str, str], what: str = "") -> None:
    diff = differences(before, after)
    assert not diff, f"{what}: {len(diff)} difference(s):\n" + "\n".join(diff[:30])


def assert_one_error(run: Run, exit_code: int, *needles: str) -> str:
    """Exit code, one `error:` line on stderr holding each needle, no traceback."""
    lines = run.stderr.strip().splitlines()
    assert run.exit_code == exit_code, (run.exit_code, run.stderr, run.stdout)
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"migrate exited early ({process.returncode}): {err}{out}")
        assert time.monotonic() < deadline, f"{path.name} was never reached"
        time.sleep(0.01)


def kill_at(reached: Path, *args: str | Path, env: dict[str, str] | None = None) -> None:
    """Start `migrate ARGS`, SIGKILL it once `reached` exists, and wait for its pipes to close
    (a child that outlives it would keep them open)."""
    popen: dict[str, object] = {"env": env} if env is not None else {}
    process = migrate_process(*args, **popen)
    try:
        wait_for(reached, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == -signal.SIGKILL


def paused_plan(plans: Path, signals: Path, first_step: str = "",
                name: str = "plan.yaml") -> tuple[Path, Path, Path]:
    """A plan that runs `first_step`, then pauses (`test-pause`): (plan, reached, release)."""
    reached, release = signals / "reached", signals / "release"
    plan = write_plan(plans, "name: paused\nsteps:\n" + first_step
                      + f"  - test-pause: {{reached: '{reached}', release: '{release}'}}\n",
                      name=name)
    return plan, reached, release


def template_repo(root: Path, files: dict[str, str], links: dict[str, str] | None = None,
                  tag: str | None = "v1") -> Path:
    """A Copier template as its own git repository: `files` (path -> text), `links`
    (path -> symlink target), committed and tagged."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for rel, target in (links or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "template")
    if tag:
        git(root, "tag", tag)
    return root
