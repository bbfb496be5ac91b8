"""Items 12, 13 and 14 of issue 9: hostile plans, a corrupted journal, a bad --output and
option errors under --json each give one line and their exit code, never a traceback or a
hang; names a codemod would write are checked at plan load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from engine_helpers import ROOT, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, state, untouched

OK_STEP = "  - test-put: {path: app/new.py, content: \"x = 1\\n\"}\n"


@pytest.mark.parametrize("text", [
    pytest.param('name: bad\nsteps:\n  - test-put: {path: "app/a\\0.py"}\n', id="NUL-in-a-path"),
    pytest.param('name: "bad\\e[31m"\nsteps:\n' + OK_STEP, id="ESC-in-the-name"),
    pytest.param('name: bad\nsteps:\n  - test-put: {path: app/a.py, content: "\\a"}\n',
                 id="BEL-in-content"),
    pytest.param('name: bad\nsteps:\n  - delete: ["app/\\x1b.py"]\n', id="ESC-in-a-delete"),
    pytest.param('name: bad\x1b[2J\nsteps:\n' + OK_STEP, id="raw-ESC"),
    pytest.param('name: bad\nsteps:\n  - test-put: {path: "app/a\x00.py"}\n', id="raw-NUL"),
])
def test_control_characters_in_a_plan(app_repo: Path, plans: Path, text: str) -> None:
    path = plans / "plan.yaml"
    path.write_bytes(text.encode())
    before = untouched(app_repo)
    for args in (["plan", path], ["apply", path, "--target", app_repo],
                 ["apply", path, "--target", app_repo, "--dry-run"]):
        run = migrate(*args)
        line = assert_one_error(run, 2, "plan.yaml:")
        assert "control character" in line or "special characters" in line, line
        assert all(c == "\t" or c >= " " for c in run.stderr.strip()), repr(run.stderr)
    assert_same(before, untouched(app_repo))


def _journal(app: Path) -> Path:
    return app / ".git" / "migrator" / "journal.json"


CORRUPT = {
    "wrong-types": lambda p: p.write_text(json.dumps({
        "plan_name": ["x"], "plan_path": 3, "target": None, "steps": "all",
        "state": "applied", "steps_done": "many"})),
    "a-folder": lambda p: p.mkdir(),
    "deeply-nested": lambda p: p.write_text("[" * 200_000 + "]" * 200_000),
    "not-json": lambda p: p.write_bytes(b"\xff\xfe{"),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPT))
@pytest.mark.parametrize("command", ["status", "rollback", "apply", "dry-run"])
def test_a_corrupted_journal(app_repo: Path, plans: Path, corruption: str, command: str) -> None:
    _journal(app_repo).parent.mkdir(parents=True)
    CORRUPT[corruption](_journal(app_repo))
    before = untouched(app_repo)
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    args = {"status": ["status"], "rollback": ["rollback"], "apply": ["apply", plan],
            "dry-run": ["apply", plan, "--dry-run"]}[command]
    run = migrate(*args, "--target", app_repo)
    assert_one_error(run, 3, "journal", str(_journal(app_repo)))
    assert_same(before, untouched(app_repo))


RECORDS = {  # the run's other records, each damaged in a way json.loads accepts or not
    "after.json": ['{"x": 1}', "garbage", '{"taken_ns": 1, "entries": []}',
                   '{"taken_ns": 1, "entries": {"a": ["file", "644", "git", 0, 0, 0, 0, null]}}'],
    "checkpoint.json": ["garbage", '{"taken_ns": 1}'],
    "saved.json": ['{"a": 1}', "[1, 2"],
}


@pytest.mark.parametrize("record,text", [(r, t) for r, texts in RECORDS.items() for t in texts])
def test_a_damaged_run_record_is_one_clear_refusal(
        app_repo: Path, plans: Path, record: str, text: str) -> None:
    """A damaged after.json, checkpoint.json or saved.json made rollback crash with a
    KeyError/JSONDecodeError traceback (exit 1); it is refused like a damaged journal."""
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    assert migrate("apply", plan, "--target", app_repo).exit_code == 0
    (_journal(app_repo).parent / record).write_text(text)
    before = untouched(app_repo)
    run = migrate("rollback", "--target", app_repo)
    assert_one_error(run, 3, f"the run record {_journal(app_repo).parent / record} is unreadable")
    assert_same(before, untouched(app_repo))


@pytest.mark.parametrize("output", ["missing/folder/x.patch", "a-folder", "a-file/x.patch",
                                    "/proc/migrate-cannot-write-here.patch"])
def test_a_bad_output_path_is_refused_before_the_dry_run(
        app_repo: Path, plans: Path, tmp_path: Path, output: str) -> None:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("not a folder\n")
    before = untouched(app_repo)
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    run = migrate("apply", plan, "--target", app_repo, "--dry-run", "--output", tmp_path / output)
    assert_one_error(run, 2, "--output", str(tmp_path / output))
    assert_same(before, untouched(app_repo))
    assert not (tmp_path / "a-folder" / "x.patch").exists()


@pytest.mark.parametrize("output", [".git/HEAD", ".git/index", ".env", "app/util.py",
                                    "new.patch"])
def test_an_output_path_inside_the_target_or_its_git_folder_is_refused(
        app_repo: Path, plans: Path, output: str) -> None:
    """A dry run changes no byte of the target or its .git: `--output .git/HEAD` used to
    write the patch over HEAD (the repository was gone), `--output .env` over the secrets."""
    before = untouched(app_repo)
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    run = migrate("apply", plan, "--target", app_repo, "--dry-run", "--output",
                  app_repo / output)
    assert_one_error(run, 2, "--output", "which a dry run leaves untouched")
    assert_same(before, untouched(app_repo))


@pytest.mark.parametrize("args", [
    ["apply", "PLAN", "--target", "TARGET", "--jobs", "0", "--json"],
    ["apply", "PLAN", "--json", "--no-such-option"],
    ["apply", "--json"],
    ["verify", "PLAN", "--target", "TARGET", "--json", "--jobs", "many"],
    ["rollback", "--json"],
    ["status", "--json", "--target"],
], ids=["jobs-0", "unknown-option", "missing-plan", "jobs-not-a-number", "missing-target",
        "target-without-value"])
def test_option_errors_under_json_print_json(
        app_repo: Path, plans: Path, args: list[str]) -> None:
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    real = [str(plan) if a == "PLAN" else str(app_repo) if a == "TARGET" else a for a in args]
    run = migrate(*real)
    assert_one_error(run, 2)
    data = json.loads(run.stdout)
    assert data["exit_code"] == 2 and data["error"]


def test_a_yaml_alias_bomb_is_refused_quickly(plans: Path) -> None:
    lines = ["name: bomb", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        cur = chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("steps: [*i]")
    bomb = plans / "plan.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    assert len(bomb.read_bytes()) < 600
    process = subprocess.run([sys.executable, "-m", "migrator", "plan", str(bomb)],
                             capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env={**os.environ}, check=False)
    assert process.returncode == 2, process.stderr
    lines_out = process.stderr.strip().splitlines()
    assert len(lines_out) == 1 and "alias" in lines_out[0], process.stderr


@pytest.mark.parametrize("nested", ["[" * 3000 + "]" * 3000, "{a: " * 3000 + "1" + "}" * 3000])
def test_a_plan_nested_without_end_is_one_clear_error(
        app_repo: Path, plans: Path, nested: str) -> None:
    """PyYAML composes recursively: a plan nested a few thousand levels deep crashed plan
    and apply with a RecursionError traceback (exit 1)."""
    plan = write_plan(plans, "name: deep\nsteps: " + nested + "\n")
    before = untouched(app_repo)
    for args in (["plan", plan], ["apply", plan, "--target", app_repo]):
        assert_one_error(migrate(*args), 2, "plan.yaml:1:", "nests too deeply")
    assert_same(before, untouched(app_repo))


@pytest.mark.parametrize(("params", "key"), [
    ("codemod: rename\n    symbol: app.util.helper\n    to: None", "to"),
    ("codemod: rename\n    symbol: app.util.helper\n    to: class", "to"),
    ("codemod: rename\n    symbol: app.util.helper\n    to: __debug__", "to"),
    ("codemod: rename\n    symbol: app.util.helper\n    to: 'not-a-name'", "to"),
    ("codemod: rename\n    symbol: app.class.helper\n    to: assist", "symbol"),
    ("codemod: move\n    moves: {app.util: app.class.util}", "moves"),
    ("codemod: move\n    moves: {app.util.helper: app.util.None}", "moves"),
    ("codemod: move\n    moves: {app.util: lambda}", "moves"),
    ("relocate: {app.util: app.class}", "relocate"),
    ("relocate: {app.util: app.None.util}", "relocate"),
], ids=["rename-None", "rename-class", "rename-__debug__", "rename-dash", "symbol-keyword",
        "move-keyword-segment", "move-to-None", "move-to-lambda", "relocate-keyword",
        "relocate-None-segment"])
def test_names_that_would_not_compile_are_refused_at_plan_load(
        app_repo: Path, plans: Path, params: str, key: str) -> None:
    plan = write_plan(plans, "name: p\nsteps:\n  - " + params + "\n")
    before = untouched(app_repo)
    for args in (["plan", plan], ["apply", plan, "--target", app_repo]):
        line = assert_one_error(migrate(*args), 2, "plan.yaml:", key)
        assert "keyword" in line or "identifier" in line or "dotted" in line, line
    assert_same(before, untouched(app_repo))


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_plan_file_that_is_a_symlink_loop(app_repo: Path, plans: Path, command: str) -> None:
    os.symlink("b.yaml", plans / "a.yaml")
    os.symlink("a.yaml", plans / "b.yaml")
    before = untouched(app_repo)
    run = migrate(command, plans / "a.yaml", "--target", app_repo)
    assert_one_error(run, 2, "cannot read the plan: a symlink loop")
    assert_same(before, untouched(app_repo))


@pytest.mark.parametrize(("name", "why"), [
    pytest.param("@", "git reads `@` as HEAD", id="at"),
    pytest.param("@{-1}", "git reads it as another branch, 'before'", id="previous-branch"),
    pytest.param("a..b", "`git check-ref-format --branch` refuses it", id="dot-dot"),
    pytest.param("-x", "`git check-ref-format --branch` refuses it", id="dash"),
    pytest.param("HEAD", "`git check-ref-format --branch` refuses it", id="HEAD"),
])
def test_a_branch_name_git_would_not_take_is_refused_before_anything_runs(
        app_repo: Path, plans: Path, name: str, why: str) -> None:
    """`--branch @` made a branch named `@` (git reads `@` as HEAD), and the names
    check-ref-format refuses were only refused after preflight. Now: one line, exit 2,
    before the plan's preflight (this step refuses there) and before a byte is written."""
    subprocess.run(["git", "checkout", "-q", "-b", "before"], cwd=app_repo, check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=app_repo, check=True)
    plan = write_plan(plans, "name: p\nsteps:\n  - test-refuse: preflight ran\n" + OK_STEP)
    before = untouched(app_repo)
    for extra in ([], ["--dry-run"]):
        run = migrate("apply", plan, "--target", app_repo, "--commit", "--branch", name, *extra)
        assert_one_error(run, 2, f"error: {name!r} is not a valid branch name: {why}; nothing "
                         "was run (pass a valid one with --branch NAME)")
        assert_same(before, untouched(app_repo), f"after --branch {name} {extra}")


def test_a_failing_run_prints_no_empty_step_table(app_repo: Path, plans: Path) -> None:
    """A run whose first step failed printed an empty "Applied" table (a title and column
    names) before the error line. Now no table at all; when earlier steps ran, their rows
    under a title that says they were rolled back."""
    before = state(app_repo)
    first = migrate("apply", write_plan(plans, "name: p\nsteps:\n  - test-fail: boom\n"),
                    "--target", app_repo)
    assert_one_error(first, 4, "error: step 1 (test-fail): boom (rolled back to the checkpoint")
    assert first.stdout == "step 1/1 test-fail ...\n", first.stdout
    assert_same(before, state(app_repo), "after the first failure")

    second = migrate("apply", write_plan(plans, "name: p\nsteps:\n" + OK_STEP
                                         + "  - test-fail: boom\n"), "--target", app_repo)
    assert_one_error(second, 4, "error: step 2 (test-fail): boom (rolled back")
    table = second.stdout.split("step 2/2 test-fail ...\n", 1)[1].splitlines()
    assert table[0] == "Steps done before the failure (rolled back)", second.stdout
    assert table[1].split() == ["#", "step", "created", "modified", "deleted", "rewrites", "time"]
    assert table[2].split()[:5] == ["1", "test-put", "1", "0", "0"] and len(table) == 3
    assert "Applied" not in second.stdout
    assert_same(before, state(app_repo), "after the second failure")


@pytest.mark.parametrize("folder", ["a-file", "a-file/below", "/proc/migrate-demo-here"],
                         ids=["a-file", "below-a-file", "cannot-be-made"])
def test_a_demo_folder_that_is_a_file_or_cannot_be_made(tmp_path: Path, folder: str) -> None:
    """`migrate demo FILE` crashed with a FileExistsError traceback (exit 1); `migrate demo
    FILE/x` and an unmakeable folder with NotADirectoryError/FileNotFoundError."""
    (tmp_path / "a-file").write_text("not a folder\n")
    for json_out in ([], ["--json"]):
        run = migrate("demo", tmp_path / folder, *json_out)
        assert_one_error(run, 2, "demo folder", str(tmp_path / folder))
        if json_out:
            data = json.loads(run.stdout)
            assert data["exit_code"] == 2 and data["error"]
    assert (tmp_path / "a-file").read_text() == "not a folder\n"


def test_demo_python_is_relative_to_the_current_folder_and_checked_before_the_lay_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README's `migrate demo DIR --app iot-support --python fixtures/iot-support/backend/.venv`
    looked for the folder under the demo's target (exit 3), and only after laying out the
    repositories, so the next try also needed --fresh."""
    monkeypatch.chdir(tmp_path)
    run = migrate("demo", tmp_path / "demo", "--app", "iot-support", "--python",
                  "no/such/.venv")
    assert_one_error(run, 3, "interpreter", f"looked at {tmp_path / 'no/such/.venv'}")
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("command", ["plan", "apply", "verify", "rollback", "status", "demo",
                                     "init"])
def test_help_names_option_values_for_people_not_python_types(command: str) -> None:
    """`migrate apply --help` showed `--skip <list[str]>`, `--python <str>`, `--jobs <int
    range>`: Python types, not what to type."""
    run = migrate(command, "--help")
    assert run.exit_code == 0
    for python_type in ("list[str]", "<str>", "<int", "<path>]"):
        assert python_type not in run.stdout.split("Arguments:")[-1], (python_type, run.stdout)


@pytest.mark.parametrize(("where", "says"), [
    ("missing", "does not exist (give the app's folder)"),
    ("a-file", "is not a folder (give the app's folder)"),
    ("app/.git", "is a git folder, not the app's folder"),
    ("app/.git/refs", "is a git folder, not the app's folder"),
])
@pytest.mark.parametrize("command", ["apply", "status"])
def test_a_target_that_is_missing_a_file_or_a_git_folder(
        app_repo: Path, plans: Path, tmp_path: Path, where: str, says: str,
        command: str) -> None:
    """A missing target said `is not a directory` with nothing to do, and `--target
    app/.git` said `is not in a git repository (run git init ...)`, advice that is wrong
    there."""
    (tmp_path / "a-file").write_text("x\n")
    target = app_repo / where[len("app/"):] if where.startswith("app/") else tmp_path / where
    plan = write_plan(plans, "name: p\nsteps:\n" + OK_STEP)
    before = untouched(app_repo)
    args = ["apply", plan] if command == "apply" else ["status"]
    assert_one_error(migrate(*args, "--target", target), 3, f"target {target} {says}")
    assert_same(before, untouched(app_repo))
