"""The `command` check, and running a command in its own process group (shared by checks).

    - name: tests
      command: [python, -m, pytest, -q]
    - name: migrations
      command: {argv: [python, -m, alembic, upgrade, head], cwd: ., env: {DATABASE_URL: "sqlite://"},
                timeout: 120, expect_exit: 0}

Commands are argument lists run without a shell, in the app's environment (see
`migrator.environment`): `python` as the program is the app's interpreter, and console
scripts such as `pytest` come from its virtual environment first. On timeout the whole
process group is stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from migrator.environment import AppEnvironment
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import register_check

TAIL_LINES = 30


def resolve_argv(argv: list[str], environment: AppEnvironment | None) -> list[str]:
    """argv with its program resolved in `environment`; as written when there is none yet."""
    return environment.argv(argv) if environment is not None else list(argv)


def tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    return [line.rstrip() for line in text.rstrip().splitlines()[-lines:]]


_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


def track(process: subprocess.Popen[bytes]) -> None:
    """Remember a started process group so an interrupted run can stop it."""
    with _RUNNING_LOCK:
        _RUNNING.add(process)


def untrack(process: subprocess.Popen[bytes]) -> None:
    with _RUNNING_LOCK:
        _RUNNING.discard(process)


def stop_all_running() -> None:
    """Stop every process group checks started that is still running (Ctrl-C, SIGTERM)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        stop_group(process, grace=2.0)


def stop_group(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a process started with start_new_session and every process in its group."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # the leader is gone; members of the group may still linger
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@dataclass
class Finished:
    argv: list[str]
    returncode: int | None
    """None when the command timed out or could not start."""
    output: str
    """stdout and stderr, interleaved."""
    seconds: float
    timed_out: bool = False
    not_found: bool = False


def run_command(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> Finished:
    """Run argv (no shell) in its own process group; stop the group on timeout."""
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        return Finished(argv, None, f"{exc.strerror}: {exc.filename}", 0.0, not_found=True)
    track(process)
    try:
        out, _ = process.communicate(timeout=timeout)
        return Finished(argv, process.returncode, out.decode("utf-8", "replace"), time.monotonic() - started)
    except subprocess.TimeoutExpired:
        stop_group(process, grace=2.0)
        out, _ = process.communicate()
        return Finished(
            argv, None, out.decode("utf-8", "replace"), time.monotonic() - started, timed_out=True
        )
    finally:
        if process.poll() is None:
            stop_group(process, grace=0.5)
        untrack(process)


def _seconds(value: float) -> str:
    return f"{value:g}s"


@register_check
class CommandCheck(CheckModel):
    """Run a command; it passes when it exits with `expect_exit` within `timeout` seconds."""

    kind: ClassVar[str] = "command"
    shorthand: ClassVar[str] = "argv"

    argv: list[str] = Field(min_length=1)
    cwd: str | None = None
    """Working directory, relative to the target (default: the target)."""
    env: dict[str, str] = Field(default_factory=dict)
    """Variables added to the environment."""
    timeout: float = Field(default=600, gt=0)
    expect_exit: int = 0

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        return [resolve_argv(self.argv, environment)]

    def describe(self) -> str:
        return " ".join(self.argv)

    def run(self, ctx: CheckContext) -> CheckResult:
        argv = resolve_argv(ctx.expand_all(self.argv), ctx.environment)
        cwd = ctx.root / self.cwd if self.cwd else ctx.root
        if not cwd.resolve().is_relative_to(ctx.root.resolve()):
            return CheckResult(self.name, False, 0.0, f"cwd {self.cwd!r} is outside the target")
        env = {**ctx.environment.variables(),
               **{key: ctx.expand(value) for key, value in self.env.items()}}
        done = run_command(argv, cwd, env, self.timeout)
        shown = " ".join(self.argv)
        if done.not_found:
            summary, passed = f"cannot run `{shown}`: {done.output}", False
        elif done.timed_out:
            summary, passed = f"`{shown}` timed out after {_seconds(self.timeout)}", False
        elif done.returncode != self.expect_exit:
            summary = f"`{shown}` exited {done.returncode} (expected {self.expect_exit})"
            passed = False
        else:
            summary, passed = f"`{shown}` exited {done.returncode}", True
        return CheckResult(
            name=self.name,
            passed=passed,
            seconds=done.seconds,
            summary=summary,
            evidence=[] if passed else tail(done.output),
            commands=[argv],
        )
