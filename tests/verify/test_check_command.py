"""The command check: argv without a shell, cwd, env, exit codes, and timeouts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from migrator.environment import AppEnvironment
from migrator.verify.command import CommandCheck, resolve_argv


def check(**values):
    return CommandCheck.model_validate({"name": "cmd", **values})


def test_python_means_the_environments_interpreter():
    """A bare context runs in the migrator's own environment (the engine resolves the app's)."""
    tool = AppEnvironment.of_tool()
    assert resolve_argv(["python", "-m", "pytest"], tool) == [sys.executable, "-m", "pytest"]
    assert check(argv=["python", "-V"]).planned_commands(tool) == [[sys.executable, "-V"]]
    assert resolve_argv(["ruff", "check"], tool) == [str(Path(sys.executable).parent / "ruff"), "check"]
    assert resolve_argv(["no-such-tool", "x"], tool) == ["no-such-tool", "x"]


def test_without_an_environment_commands_show_as_written():
    assert check(argv=["python", "-V"]).planned_commands() == [["python", "-V"]]


def test_passes_with_cwd_and_env(tmp_path, ctx):
    (tmp_path / "sub").mkdir()
    code = "import os, pathlib; assert pathlib.Path.cwd().name == 'sub'; assert os.environ['X_FLAG'] == 'on'"
    result = check(argv=["python", "-c", code], cwd="sub", env={"X_FLAG": "on"}).run(ctx(tmp_path))
    assert result.passed, result.evidence
    assert result.summary == f"`python -c {code}` exited 0"
    assert result.commands == [[sys.executable, "-c", code]]
    assert result.evidence == []


def test_wrong_exit_code_fails_with_the_output_tail(tmp_path, ctx):
    code = "import sys\nfor i in range(100): print('line', i)\nsys.exit(3)"
    result = check(argv=["python", "-c", code]).run(ctx(tmp_path))
    assert not result.passed
    assert result.summary.endswith("exited 3 (expected 0)")
    assert len(result.evidence) == 30 and result.evidence[-1] == "line 99"


def test_expected_non_zero_exit(tmp_path, ctx):
    assert check(argv=["python", "-c", "raise SystemExit(2)"], expect_exit=2).run(ctx(tmp_path)).passed


def test_no_shell_is_involved(tmp_path, ctx):
    result = check(argv=["python", "-c", "import sys; print(sys.argv[1])", "$HOME; echo hacked"]).run(ctx(tmp_path))
    assert result.passed
    assert not (tmp_path / "hacked").exists()


def test_timeout_kills_the_whole_process_group(tmp_path, ctx, assert_dead):
    pidfile = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    result = check(argv=["python", "-c", code], timeout=1.5).run(ctx(tmp_path))
    assert time.monotonic() - started < 10
    assert not result.passed
    assert result.summary.endswith("timed out after 1.5s")
    assert result.evidence == ["started"]
    assert_dead(int(pidfile.read_text()))


def test_missing_program_is_a_clear_failure(tmp_path, ctx):
    result = check(argv=["no-such-program-xyz"]).run(ctx(tmp_path))
    assert not result.passed
    assert result.summary.startswith("cannot run `no-such-program-xyz`: No such file or directory")


def test_cwd_outside_the_target_fails(tmp_path, ctx):
    result = check(argv=["python", "-V"], cwd="..").run(ctx(tmp_path))
    assert not result.passed and "outside the target" in result.summary
