"""Checks and command steps run in the app's environment, not the migrator's (issue 12).

The proof runs the app's commands in a Python 3.13 virtual environment (pyenv's) while
the migrator runs on 3.11: the command step records the version it ran on, and a check
that passes only on 3.13 passes, then fails once `--python` points back at the tool's.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from engine_helpers import git, make_app, migrate, write_plan

from migrator import engine
from migrator.environment import AppEnvironment, EnvironmentSetting, resolve_environment
from migrator.errors import PlanError, PreflightError, VerificationFailed

PYTHON_313 = Path.home() / ".pyenv/versions/3.13.0/bin/python3.13"
needs_313 = pytest.mark.skipif(not PYTHON_313.is_file(), reason="pyenv's Python 3.13.0 is missing")

ON_313 = "import sys; assert sys.version_info[:2] == (3, 13), sys.version"
RECORD_VERSION = "import sys; open('ran-on.txt', 'w').write(sys.version)"
SERVE = ("import http.server as h, os; h.test(h.SimpleHTTPRequestHandler, "
         "port=int(os.environ['PORT']), bind='127.0.0.1')")


def make_venv(folder: Path, python: Path | str = PYTHON_313) -> Path:
    """A virtual environment (no pip: fast), with a console script `where` in its bin/."""
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(folder)], check=True)
    script = folder / "bin" / "where"
    script.write_text(f"#!{folder / 'bin' / 'python'}\nimport sys\nprint(sys.prefix)\n")
    script.chmod(0o755)
    return folder


@pytest.fixture
def app_with_venv(tmp_path: Path) -> Path:
    """A committed app whose ignored `.venv/` runs Python 3.13."""
    app = make_app(tmp_path / "app", extras=False)
    (app / ".gitignore").write_text((app / ".gitignore").read_text() + ".venv/\n")
    git(app, "commit", "-qam", "ignore .venv")
    make_venv(app / ".venv")
    return app


PLAN = f"""
name: runs-in-the-app
steps:
  - command: [python, -c, "{RECORD_VERSION}"]
verify:
  - {{name: on 3.13, command: [python, -c, "{ON_313}"]}}
  - {{name: console script from the venv, command: [where]}}
  - name: http setup and start use the app's python
    http:
      start: [python, -c, "{SERVE}"]
      port_env: PORT
      setup: [[python, -c, "{ON_313}"]]
      ready_path: /
      probes: [{{path: /, status: 200}}]
"""


@needs_313
def test_checks_and_command_steps_run_in_the_targets_venv(app_with_venv: Path,
                                                          plans: Path) -> None:
    plan = write_plan(plans, PLAN)

    report = engine.apply(plan, app_with_venv)

    assert (app_with_venv / "ran-on.txt").read_text().startswith("3.13."), "the step ran elsewhere"
    assert report.verification is not None and report.verification.passed, [
        (r.name, r.summary, r.evidence) for r in report.verification.results]
    venv_python = str(app_with_venv / ".venv" / "bin" / "python")
    on_313, where, http_check = report.verification.results
    assert on_313.commands == [[venv_python, "-c", ON_313]]
    assert where.commands == [[str(app_with_venv / ".venv" / "bin" / "where")]]
    assert http_check.commands[0][0] == venv_python


@needs_313
def test_the_same_check_fails_in_the_tools_interpreter(app_with_venv: Path, plans: Path) -> None:
    """`--python` overrides the target's venv: the 3.13-only check then fails (it can fail)."""
    plan = write_plan(plans, f"""
        name: on-313
        steps:
          - command: [python, -c, "{RECORD_VERSION}"]
        verify:
          - {{name: on 3.13, command: [python, -c, "{ON_313}"]}}
        """)
    with pytest.raises(VerificationFailed):
        engine.apply(plan, app_with_venv, python=sys.executable)
    result = engine.verify(plan, app_with_venv, python=sys.executable).results[0]
    assert not result.passed
    assert "3.11" in "\n".join(result.evidence)


@needs_313
def test_plan_names_a_venv_outside_the_usual_folders(tmp_path: Path, plans: Path) -> None:
    app = make_app(tmp_path / "app", extras=False)
    make_venv(tmp_path / "envs" / "app313")
    plan = write_plan(plans, f"""
        name: named-venv
        environment: {{venv: ../envs/app313}}
        steps:
          - command: [python, -c, "{RECORD_VERSION}"]
        verify:
          - {{name: on 3.13, command: [python, -c, "{ON_313}"]}}
        """)
    run = migrate("verify", plan, "--target", app, "--json")
    assert run.exit_code == 0, run.stdout + run.stderr
    [result] = json.loads(run.stdout)["checks"]
    assert result["commands"][0][0] == str(tmp_path / "app" / "../envs/app313/bin/python")


@needs_313
def test_migrate_plan_shows_the_interpreter_checks_will_use(app_with_venv: Path,
                                                            plans: Path) -> None:
    plan = write_plan(plans, f"""
        name: shows-it
        steps:
          - command: [python, -c, "{RECORD_VERSION}"]
        verify:
          - {{name: on 3.13, command: [python, -c, "{ON_313}"]}}
        """)
    run = migrate("plan", plan, "--target", app_with_venv, "--json")
    assert run.exit_code == 0, run.stdout + run.stderr
    shown = json.loads(run.stdout)
    assert shown["checks"][0]["commands"] == [[str(app_with_venv / ".venv/bin/python"), "-c", ON_313]]
    assert any(".venv/ in the target" in note for note in shown["notes"])
    # what a command step runs, resolved the same way, in JSON and in text
    step_runs = shlex.join([str(app_with_venv / ".venv/bin/python"), "-c", RECORD_VERSION])
    assert shown["steps"][0]["runs"] == [step_runs]
    text = migrate("plan", plan, "--target", app_with_venv)
    assert f" runs: {step_runs}\n" in text.stdout
    assert f"  $ {step_runs}\n" in text.stdout  # as the step starts
    assert "  $ python " not in text.stdout


# -- how the environment is found ----------------------------------------------------------
def test_default_is_the_targets_venv_then_python_on_path(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "app"
    target.mkdir()
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "python").write_text("#!/bin/sh\n")
    (fake_bin / "python").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake_bin))
    found = resolve_environment(target)
    assert (found.python, found.venv, found.origin) == (str(fake_bin / "python"), None,
                                                         "python on PATH")
    make_venv(target / "venv", sys.executable)
    found = resolve_environment(target)
    assert (found.python, found.venv) == (str(target / "venv/bin/python"), target / "venv")
    assert found.origin == "venv/ in the target"
    make_venv(target / ".venv", sys.executable)
    assert resolve_environment(target).venv == target / ".venv"


@needs_313
def test_python_version_names_a_pyenv_interpreter(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions" / "3.13.0" / "bin").mkdir(parents=True)
    (pyenv / "versions" / "3.13.0" / "bin" / "python").symlink_to(PYTHON_313)
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    target = tmp_path / "app"
    target.mkdir()
    (target / ".python-version").write_text("3.12.1\n3.13.0\n")
    found = resolve_environment(target)
    assert found.python == str(pyenv / "versions/3.13.0/bin/python")
    assert found.origin == ".python-version in the target"
    (target / ".python-version").write_text("3.9.1\n")
    assert resolve_environment(target).origin == "python on PATH", "not installed: next rule"


def test_a_venv_puts_its_bin_first_on_path(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "env", sys.executable)
    environment = resolve_environment(tmp_path, EnvironmentSetting(venv="env"))
    variables = environment.variables()
    assert variables["VIRTUAL_ENV"] == str(venv)
    assert variables["PATH"].split(os.pathsep)[0] == str(venv / "bin")
    assert environment.argv(["where", "-x"]) == [str(venv / "bin/where"), "-x"]
    assert environment.argv(["python3", "-V"]) == [str(venv / "bin/python"), "-V"]
    assert environment.argv(["./run.sh"]) == ["./run.sh"]


def test_an_interpreter_on_path_or_by_path(tmp_path: Path) -> None:
    found = resolve_environment(tmp_path, EnvironmentSetting(python="git"))
    assert found.python == shutil.which("git")
    assert found.origin == "environment.python in the plan"
    venv = make_venv(tmp_path / "env", sys.executable)
    by_path = resolve_environment(tmp_path, EnvironmentSetting(python="env/bin/python"))
    assert by_path.venv == venv, "an interpreter inside a venv brings the venv's scripts"
    override = resolve_environment(tmp_path, EnvironmentSetting(python="git"), str(venv))
    assert (override.venv, override.origin) == (venv, "--python")


@pytest.mark.parametrize(("setting", "message"), [
    (EnvironmentSetting(venv="missing"), "has no bin/python (environment.venv in the plan)"),
    (EnvironmentSetting(python="bin/nope"), "interpreter 'bin/nope' not found"),
    (EnvironmentSetting(python="no-such-python-3.99"), "'no-such-python-3.99' is not on PATH"),
])
def test_a_missing_environment_is_refused(tmp_path: Path, setting: EnvironmentSetting,
                                          message: str) -> None:
    with pytest.raises(PreflightError, match="the app's environment: ") as refused:
        resolve_environment(tmp_path, setting)
    assert message in refused.value.message
    assert refused.value.exit_code == 3


def test_a_missing_python_option_is_explained_relative_to_the_current_folder(
        app_repo: Path, plans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--python bin/nope` is looked up from the current folder, but the hint said
    "give a path relative to the target" (true only of the plan's `environment`)."""
    monkeypatch.chdir(tmp_path)
    plan = write_plan(plans, "name: p\nsteps:\n  - command: [python, -c, pass]\n")
    run = migrate("apply", plan, "--target", app_repo, "--dry-run", "--python", "bin/nope")
    assert run.exit_code == 3
    assert f"looked at {tmp_path / 'bin/nope'}" in run.stderr
    assert "relative to the current folder" in run.stderr
    assert "relative to the target" not in run.stderr


def test_apply_refuses_a_missing_venv_before_writing(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, """
        name: missing-venv
        environment: {venv: .venv-313}
        steps:
          - command: [python, -c, "open('x', 'w')"]
        """)
    run = migrate("apply", plan, "--target", app_repo, "--yes")
    assert run.exit_code == 3
    assert run.stderr.startswith("error: the app's environment: ")
    assert not (app_repo / "x").exists()
    assert not (app_repo / ".git" / "migrator" / "journal.json").exists()


@pytest.mark.parametrize("environment", ["{}", "{venv: .venv, python: python3}", "{conda: x}"])
def test_the_setting_names_exactly_one_interpreter(plans: Path, environment: str) -> None:
    plan = write_plan(plans, f"""
        name: bad
        environment: {environment}
        steps:
          - command: [python, -V]
        """)
    with pytest.raises(PlanError, match=r"plan.yaml:2: environment"):
        engine.load_plan(plan)


def test_a_bare_context_uses_the_tools_interpreter() -> None:
    tool = AppEnvironment.of_tool()
    assert tool.python == str(Path(sys.executable).absolute())
    assert tool.origin == "the migrator's own interpreter"


def test_python_option_names_a_folder_of_the_current_directory(tmp_path: Path, monkeypatch) -> None:
    """`--python .venv` in the folder that holds .venv: that folder, not a command `.venv` on
    PATH (which refused the run with "'.venv' is not on PATH")."""
    from migrator.cli import _interpreter

    (tmp_path / ".venv").mkdir()
    monkeypatch.chdir(tmp_path)
    assert _interpreter(".venv") == str(tmp_path / ".venv")
    assert _interpreter("python3") == "python3"
    assert _interpreter("envs/py") == str(tmp_path / "envs/py")
