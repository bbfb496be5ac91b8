"""Item 16 of issue 9: what a plan runs is visible before it runs: each command's argv,
a warning that a dry run (and `plan --target`) executes the plan's commands, `trust: true`
in `migrate plan`, and no template task in a dry run without an explicit --trust."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from engine_helpers import migrate, write_plan
from fault_helpers import assert_same, template_repo, untouched

PY = sys.executable

NAMED_COMMAND = f"""
name: formats
steps:
  - name: Tidy the code
    command: ['{PY}', -c, "open('ran.txt', 'w').write('ran')"]
"""


def test_plan_shows_each_commands_argv(plans: Path) -> None:
    run = migrate("plan", write_plan(plans, NAMED_COMMAND))
    assert run.exit_code == 0, run.stderr
    assert "Tidy the code" in run.stdout
    assert f"{PY} -c" in run.stdout and "open(" in run.stdout
    data = json.loads(migrate("plan", write_plan(plans, NAMED_COMMAND), "--json").stdout)
    assert data["steps"][0]["runs"] == [shlex.join([PY, "-c", "open('ran.txt', 'w').write('ran')"])]


@pytest.mark.parametrize("args", [["plan", "PLAN", "--target", "APP"],
                                  ["apply", "PLAN", "--target", "APP", "--dry-run"]],
                         ids=["plan-target", "dry-run"])
def test_a_dry_run_says_it_runs_the_plans_commands_before_it_does(
        app_repo: Path, plans: Path, args: list[str]) -> None:
    plan = write_plan(plans, NAMED_COMMAND)
    before = untouched(app_repo)
    real = [str(plan) if a == "PLAN" else str(app_repo) if a == "APP" else a for a in args]
    run = migrate(*real)
    assert run.exit_code == 0, run.stderr
    warning = "runs the plan's commands"
    assert warning in run.stdout, run.stdout
    said = run.stdout.index(warning)
    assert f"{PY} -c" in run.stdout[said:]
    assert run.stdout.index("step 1/1") > said  # said before anything runs
    assert_same(before, untouched(app_repo))


TRUSTED = """
name: trusted
steps:
  - copier: {src: ../template, trust: true}
"""


def test_trust_shows_in_plan_and_tasks_need_explicit_trust_in_a_dry_run(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    task = f"  - ['{PY}', -c, \"open('TASK_RAN', 'w').write('yes')\"]\n"
    template_repo(tmp_path / "template",
                  {"copier.yml": "_tasks:\n" + task, "common/__init__.py": ""})
    plan = write_plan(plans, TRUSTED)
    shown = migrate("plan", plan)
    assert "trust: true" in shown.stdout and "template tasks" in shown.stdout
    assert json.loads(migrate("plan", plan, "--json").stdout)["steps"][0]["runs"]

    before = untouched(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert "TASK_RAN" not in str(data["changes"])
    assert any("--trust" in note for note in data["steps"][0]["notes"])
    trusted = migrate("apply", plan, "--target", app_repo, "--dry-run", "--trust", "--json")
    assert trusted.exit_code == 0, trusted.stderr
    assert "TASK_RAN" in json.loads(trusted.stdout)["changes"]["created"]
    assert_same(before, untouched(app_repo))
