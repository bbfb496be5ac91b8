"""Verification: every check runs; a failure rolls back and keeps the attempt as a patch."""

from __future__ import annotations

import json
from pathlib import Path

from engine_helpers import fingerprint, migrate, write_plan

FAILING = """
name: unverified
steps:
  - test-put: {path: app/new.py, content: "NEW = 1\\n"}
verify:
  - {name: missing file, test-file: app/absent.py}
  - {name: new file, test-file: app/new.py}
  - {name: readme, test-file: {path: README.md, contains: nowhere}}
"""


def test_failing_verification_rolls_back_and_leaves_the_attempt_patch(
        app_repo: Path, plans: Path) -> None:
    before = fingerprint(app_repo)
    run = migrate("apply", write_plan(plans, FAILING), "--target", app_repo)
    assert run.exit_code == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: verification failed: missing file, readme")
    patch = Path(lines[0].rsplit("attempt saved as ", 1)[1].rstrip(")"))
    assert patch.parent == app_repo / ".git" / "migrator" / "attempts"
    assert "+NEW = 1" in patch.read_text()
    assert fingerprint(app_repo) == before
    assert "new file" in run.stdout and "FAIL" in run.stdout


def test_keep_on_failure_keeps_the_verified_attempt(app_repo: Path, plans: Path) -> None:
    run = migrate("apply", write_plan(plans, FAILING), "--target", app_repo, "--keep-on-failure")
    assert run.exit_code == 1
    assert (app_repo / "app" / "new.py").exists()
    assert "left in the tree" in run.stderr


def test_verify_runs_every_check_and_reports_each(app_repo: Path, plans: Path) -> None:
    (app_repo / "app" / "new.py").write_text("NEW = 1\n")
    run = migrate("verify", write_plan(plans, FAILING), "--target", app_repo, "--json")
    assert run.exit_code == 1
    checks = json.loads(run.stdout)["checks"]
    assert [(c["name"], c["passed"]) for c in checks] == [
        ("missing file", False), ("new file", True), ("readme", False)]
    assert run.stderr.strip() == "error: verification failed: missing file, readme"


def test_verify_only_runs_the_named_checks(app_repo: Path, plans: Path) -> None:
    (app_repo / "app" / "new.py").write_text("NEW = 1\n")
    run = migrate("verify", write_plan(plans, FAILING), "--target", app_repo, "--only", "new file")
    assert run.exit_code == 0, run.stderr
    assert "new file" in run.stdout and "missing file" not in run.stdout


def test_no_verify_skips_the_checks(app_repo: Path, plans: Path) -> None:
    run = migrate("apply", write_plan(plans, FAILING), "--target", app_repo, "--no-verify", "--json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["verification"] is None


def test_json_output_of_a_failed_apply_carries_the_error_and_the_patch(
        app_repo: Path, plans: Path) -> None:
    run = migrate("apply", write_plan(plans, FAILING), "--target", app_repo, "--json")
    assert run.exit_code == 1
    data = json.loads(run.stdout)
    assert data["exit_code"] == 1 and data["rolled_back"] is True
    assert data["error"].startswith("verification failed: missing file, readme")
    assert Path(data["attempt_patch"]).is_file()
    assert [c["passed"] for c in data["verification"]["checks"]] == [False, True, False]


# Each check waits until the other one has started: only checks that really run side by
# side both pass (one at a time, the first times out waiting).
MEET = """\
import pathlib, sys, time
here, me, other = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
(here / me).touch()
deadline = time.time() + 20
while not (here / other).exists():
    assert time.time() < deadline, other + " never started"
    time.sleep(0.05)
"""

MEETING = """
name: meeting
steps: []
verify:
  - {name: first, command: {argv: [python, "{script}", "{dir}", first, second], timeout: 30}}
  - {name: second, command: {argv: [python, "{script}", "{dir}", second, first], timeout: 30}}
  - {name: third, test-file: README.md}
"""


def test_checks_run_side_by_side_with_jobs_and_report_in_plan_order(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    script = tmp_path / "meet.py"
    script.write_text(MEET)
    plan = write_plan(plans, MEETING.replace("{dir}", str(meeting)).replace("{script}", str(script)))
    run = migrate("verify", plan, "--target", app_repo, "--jobs", "2", "--json")
    assert run.exit_code == 0, run.stdout + run.stderr
    results = json.loads(run.stdout)["checks"]
    assert [r["name"] for r in results] == ["first", "second", "third"]
    assert all(r["passed"] for r in results)


def test_skip_leaves_a_check_out_and_unknown_names_are_refused(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, FAILING)
    run = migrate("verify", plan, "--target", app_repo, "--skip", "missing file",
                  "--skip", "readme", "--json")
    assert [r["name"] for r in json.loads(run.stdout)["checks"]] == ["new file"]
    refused = migrate("verify", plan, "--target", app_repo, "--skip", "nope")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == ("error: --skip 'nope': no such check (the plan has: "
                                      "missing file, new file, readme)")


def test_every_json_document_ends_with_error_and_exit_code(app_repo: Path, plans: Path) -> None:
    """A CI job reads `exit_code` and `error` from any --json output: a successful plan,
    apply, verify, status or rollback had neither key, and a failed `verify --json` (exit 1)
    had no `error` though a failed apply had."""
    plan = write_plan(plans, FAILING)
    runs = {
        "plan": migrate("plan", plan, "--target", app_repo, "--json"),
        "dry run": migrate("apply", plan, "--target", app_repo, "--dry-run", "--json"),
        "apply": migrate("apply", plan, "--target", app_repo, "--no-verify", "--json"),
        "verify passed": migrate("verify", plan, "--target", app_repo, "--only", "new file",
                                 "--json"),
        "verify failed": migrate("verify", plan, "--target", app_repo, "--json"),
        "status": migrate("status", "--target", app_repo, "--json"),
        "rollback": migrate("rollback", "--target", app_repo, "--json"),
    }
    for what, run in runs.items():
        data = json.loads(run.stdout)
        assert list(data)[-2:] == ["error", "exit_code"], (what, list(data))
        assert data["exit_code"] == run.exit_code, what
        if run.exit_code == 0:
            assert data["error"] is None, what
        else:
            assert run.stderr.strip() == f"error: {data['error']}", what
    assert runs["verify failed"].exit_code == 1
    assert json.loads(runs["verify failed"].stdout)["error"] == (
        "verification failed: missing file, readme")


def test_only_and_skip_naming_the_same_check_is_a_usage_error(
        app_repo: Path, plans: Path) -> None:
    """`verify --only readme --skip readme` ran no check and reported success (exit 0)."""
    run = migrate("verify", write_plan(plans, FAILING), "--target", app_repo,
                  "--only", "readme", "--skip", "readme")
    assert run.exit_code == 2
    assert run.stderr.strip() == ("error: --only and --skip both name the check 'readme' "
                                  "(name each check in one of them)")
