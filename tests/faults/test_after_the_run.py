"""Items 4, 6, 7 and 8 of issue 9: rollback removes only what the run made, refuses to
discard work done after the run unless --force (which saves it as a patch first), never
deletes the last way back, keeps commits reachable, and a --commit holds only the run's
changes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, kill_at, paused_plan, state, untouched
from treehash import fingerprint

PLAN = """
name: reshape
steps:
  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}
  - test-put: {path: README.md, content: "# reshaped\\n"}
  - test-remove: [run.sh]
"""


def test_ignored_files_written_after_the_run_survive_the_rollback(
        app_repo: Path, plans: Path) -> None:
    (app_repo / ".env").unlink()
    before = state(app_repo)
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    (app_repo / ".env").write_text("SECRET=written after the migration\n")
    (app_repo / "debug.log").write_text("a log line after the run\n")
    (app_repo / "app" / "extra" / "cache.log").write_text("in a folder the run made\n")

    back = migrate("rollback", "--target", app_repo)

    assert back.exit_code == 0, back.stderr
    assert (app_repo / ".env").read_text() == "SECRET=written after the migration\n"
    assert (app_repo / "debug.log").read_text() == "a log line after the run\n"
    assert (app_repo / "app" / "extra" / "cache.log").exists()
    assert not (app_repo / "app" / "extra" / "new.py").exists()
    assert "kept" in back.stdout and ".env" in back.stdout
    expected = {**before}
    after = state(app_repo)
    for kept in (".env", "debug.log", "app/extra/", "app/extra/cache.log"):
        expected.pop(kept, None)
        after.pop(kept, None)
    assert_same(expected, after)


def test_work_done_after_the_run_blocks_the_rollback_until_force_saves_it(
        app_repo: Path, plans: Path) -> None:
    before = state(app_repo)
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    (app_repo / "app" / "main.py").write_text("# my edit after the migration\n")
    (app_repo / "app" / "extra" / "new.py").write_text("NEW = 2  # tuned by hand\n")
    (app_repo / "TODO.txt").write_text("my new notes\n")
    after_edits = state(app_repo)

    refused = migrate("rollback", "--target", app_repo)
    line = assert_one_error(refused, 3, "TODO.txt", "app/extra/new.py", "app/main.py", "--force")
    assert "README.md" not in line
    assert_same(after_edits, state(app_repo), "after the refused rollback")

    forced = migrate("rollback", "--target", app_repo, "--force", "--json")
    assert forced.exit_code == 0, forced.stderr
    saved = Path(json.loads(forced.stdout)["saved_patch"])
    assert str(saved) in json.loads(forced.stdout)["message"]
    assert_same(before, state(app_repo), "after the forced rollback")
    patch = saved.read_text()
    assert "+# my edit after the migration" in patch and "+my new notes" in patch
    assert "-NEW = 1" in patch and "+NEW = 2  # tuned by hand" in patch
    assert "reshaped" not in patch  # the run's own change is not the user's work


def test_a_deleted_journal_never_costs_the_checkpoint_ref(app_repo: Path, plans: Path) -> None:
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    refs = git(app_repo, "for-each-ref", "--format=%(objectname) %(refname)",
               "refs/worktree/migrator/", "refs/migrator/").splitlines()
    checkpoint = next(line.split() for line in refs if line.endswith("/checkpoint"))
    journal = app_repo / ".git" / "migrator" / "journal.json"
    journal.unlink()
    before = state(app_repo)

    run = migrate("rollback", "--target", app_repo)
    line = assert_one_error(run, 3, checkpoint[1], checkpoint[0][:12])
    assert "git restore" in line or "git checkout" in line
    assert_same(before, state(app_repo))
    again = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--allow-dirty")
    assert_one_error(again, 3, checkpoint[1])
    assert_same(before, state(app_repo))
    assert "checkpoint" in migrate("status", "--target", app_repo).stdout


def test_force_over_commits_on_the_same_branch_keeps_them_on_a_named_branch(
        app_repo: Path, plans: Path) -> None:
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    git(app_repo, "add", "-A")
    git(app_repo, "commit", "-q", "-m", "my work on top of the migration")
    mine = git(app_repo, "rev-parse", "HEAD").strip()

    forced = migrate("rollback", "--target", app_repo, "--force")

    assert forced.exit_code == 0, forced.stderr
    named = re.search(r"branch (\S+)", forced.stdout)
    assert named, forced.stdout
    assert git(app_repo, "rev-parse", named.group(1).strip("'.,")).strip() == mine
    holders = git(app_repo, "branch", "--contains", mine).split()
    assert named.group(1).strip("'.,") in holders


def test_commit_holds_only_what_the_steps_changed(app_repo: Path, plans: Path) -> None:
    (app_repo / "local.env").write_text("TOKEN=do-not-commit\n")       # untracked, not ignored
    (app_repo / "app" / "util.py").write_text("def helper(x):\n    return x + 2\n")  # unstaged
    run = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--allow-dirty",
                  "--commit")
    assert run.exit_code == 0, run.stderr
    committed = git(app_repo, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sorted(filter(None, committed)) == ["A\tapp/extra/new.py", "D\trun.sh",
                                               "M\tREADME.md"]
    assert (app_repo / "local.env").read_text() == "TOKEN=do-not-commit\n"
    status = git(app_repo, "status", "--porcelain")
    assert "?? local.env" in status and " M app/util.py" in status
    tree = subprocess.run(["git", "ls-tree", "-r", "--name-only", "HEAD"], cwd=app_repo,
                          capture_output=True, text=True, check=True).stdout
    assert "local.env" not in tree
    assert "return x + 1" in git(app_repo, "show", "HEAD:app/util.py")
    assert "return x + 2" in (app_repo / "app" / "util.py").read_text()


def test_files_the_checks_make_are_not_the_migrations(app_repo: Path, plans: Path) -> None:
    """A check that leaves an untracked file (a test database, a report) is not part of the
    migration: the commit holds only what the steps changed, the summary counts the steps'
    changes and names the checks' apart, and rollback still removes what the checks made."""
    plan = write_plan(plans, PLAN + """
verify:
  - name: leaves a report
    command: [python, -c, "open('check-report.txt', 'w').write('made by a check')"]
""")
    before = state(app_repo)
    run = migrate("apply", plan, "--target", app_repo, "--commit", "--json")
    assert run.exit_code == 0, run.stdout + run.stderr
    shown = json.loads(run.stdout)
    assert shown["changes"]["created"] == ["app/extra/new.py"]
    assert shown["check_changes"]["created"] == ["check-report.txt"]
    committed = git(app_repo, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sorted(filter(None, committed)) == ["A\tapp/extra/new.py", "D\trun.sh",
                                               "M\tREADME.md"]
    assert "?? check-report.txt" in git(app_repo, "status", "--porcelain")
    assert migrate("rollback", "--target", app_repo, "--force").exit_code == 0
    assert_same(before, state(app_repo))


def test_the_summary_names_the_checks_files_apart(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, PLAN + """
verify:
  - name: leaves a report
    command: [python, -c, "open('check-report.txt', 'w').write('made by a check')"]
""")
    run = migrate("apply", plan, "--target", app_repo)
    assert run.exit_code == 0, run.stdout + run.stderr
    text = " ".join(run.stdout.split())
    assert ": 1 created, 1 modified, 1 deleted" in text
    assert "the checks made: 1 created, 0 modified, 0 deleted (rollback undoes these too)" in text


def test_after_a_crash_ignored_files_the_run_never_touched_stay_as_the_user_left_them(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    plan, reached, _ = paused_plan(plans, tmp_path,
                                   '  - write: {path: app/new.py, from: files/new.py}\n')
    (plans / "files").mkdir()
    (plans / "files" / "new.py").write_text("NEW = 1\n")
    before = state(app_repo)
    kill_at(reached, "apply", plan, "--target", app_repo)
    (app_repo / "debug.log").unlink()            # the user cleans up meanwhile
    (app_repo / "venv" / "lib.py").write_text("x = 2\n")

    back = migrate("rollback", "--target", app_repo)

    assert back.exit_code == 0, back.stderr
    assert not (app_repo / "app" / "new.py").exists()
    assert not (app_repo / "debug.log").exists()
    assert (app_repo / "venv" / "lib.py").read_text() == "x = 2\n"
    expected, after = dict(before), state(app_repo)
    for path in ("debug.log", "venv/lib.py"):
        expected.pop(path)
        after.pop(path, None)
    assert_same(expected, after)


def _removes_run_sh_and_legacy(app: Path, plans: Path) -> Path:
    (app / "legacy").mkdir()
    (app / "legacy" / "old.py").write_text("OLD = 1\n")
    git(app, "add", "legacy")
    git(app, "commit", "-q", "-m", "legacy")
    return write_plan(plans, "name: drop\nsteps:\n  - test-remove: [run.sh]\n"
                      "  - delete: [legacy]\n")


def test_something_kept_where_the_checkpoint_has_another_kind_blocks_the_rollback(
        app_repo: Path, plans: Path) -> None:
    """After the run the user made a folder of ignored files where the run deleted a file
    (run.sh/), and an ignored file where it deleted a folder (legacy). Rollback may not
    discard either, so it refuses, even with --force, instead of claiming a rollback that
    left run.sh missing or crashing with a traceback on legacy/old.py; once they are moved
    away it gives everything back."""
    plan = _removes_run_sh_and_legacy(app_repo, plans)
    before = state(app_repo)
    assert migrate("apply", plan, "--target", app_repo).exit_code == 0
    (app_repo / "run.sh").mkdir()
    (app_repo / "run.sh" / "out.log").write_text("mine\n")           # ignored (*.log)
    (app_repo / "legacy").write_text("mine too\n")
    exclude = app_repo / ".git" / "info" / "exclude"
    original = exclude.read_bytes()
    exclude.write_bytes(original + b"/legacy\n")                      # ignored
    made = state(app_repo)
    for force in ([], ["--force"]):
        run = migrate("rollback", "--target", app_repo, *force)
        assert_one_error(run, 3, "cannot give back legacy", "move legacy out of the way")
        assert_same(made, state(app_repo), f"after the refused rollback {force}")
    (app_repo / "legacy").unlink()
    run = migrate("rollback", "--target", app_repo)
    assert_one_error(run, 3, "cannot give back run.sh (a file at the checkpoint)")
    (app_repo / "run.sh" / "out.log").unlink()
    exclude.write_bytes(original)
    back = migrate("rollback", "--target", app_repo)      # an empty folder of the user's goes
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(app_repo), "after the rollback")


def test_a_branch_named_like_a_tag_is_the_branch_rollback_gives_back(
        app_repo: Path, plans: Path) -> None:
    """On branch v1 with a tag v1, `git symbolic-ref --short` says `heads/v1`: the journal
    recorded that, and rollback pointed HEAD at a new branch refs/heads/heads/v1."""
    git(app_repo, "tag", "v1")
    git(app_repo, "checkout", "-q", "-b", "v1")
    before = state(app_repo)
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert git(app_repo, "symbolic-ref", "HEAD").strip() == "refs/heads/v1"
    assert_same(before, state(app_repo), "after the rollback")


def test_a_lost_end_record_never_costs_work_done_after_the_run(
        app_repo: Path, plans: Path) -> None:
    """Without after.json rollback took every change since the checkpoint for the run's and
    deleted a file the user wrote after the run, silently. It now refuses; --force saves
    the changes first and says where."""
    before = state(app_repo)
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    (app_repo / "TODO.txt").write_text("my notes, written after the run\n")
    (app_repo / ".git" / "migrator" / "after.json").unlink()
    refused = migrate("rollback", "--target", app_repo)
    assert_one_error(refused, 3, "after.json", "is missing", "--force")
    assert (app_repo / "TODO.txt").exists()
    forced = migrate("rollback", "--target", app_repo, "--force")
    assert forced.exit_code == 0, forced.stderr
    saved = re.search(r"saved in (\S+\.patch)", forced.stdout)
    assert saved is not None, forced.stdout
    assert "+my notes, written after the run" in Path(saved.group(1)).read_text()
    assert_same(before, state(app_repo), "after the forced rollback")


def test_another_branch_checked_out_after_a_commit_is_named_as_such(
        app_repo: Path, plans: Path) -> None:
    """After `apply --commit` the user checks out main again: rollback said "commits were
    added on top", which nobody did. It now says which branch is checked out instead of the
    migration's, and what to do; checking the migration's branch out lets it through."""
    before = state(app_repo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", app_repo, "--commit")
    assert run.exit_code == 0, run.stderr
    git(app_repo, "checkout", "-q", "main")
    elsewhere = state(app_repo)

    refused = migrate("rollback", "--target", app_repo)

    line = assert_one_error(refused, 3, "branch main is checked out, not the migration's "
                            "branch migrate/reshape", "`git checkout migrate/reshape`",
                            "--force")
    assert "on top" not in line.split("(")[0]
    assert_same(elsewhere, state(app_repo), "after the refused rollback")
    git(app_repo, "checkout", "-q", "migrate/reshape")
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(app_repo), "after the rollback")


def _prune_checkpoint(app: Path) -> None:
    git(app, "update-ref", "-d", "refs/worktree/migrator/checkpoint")
    git(app, "reflog", "expire", "--expire=now", "--all")
    git(app, "gc", "-q", "--prune=now")


def test_a_pruned_checkpoint_is_named_and_nothing_is_changed(
        app_repo: Path, plans: Path) -> None:
    """The user deleted the checkpoint ref and ran `git gc --prune=now`: the bytes of
    notes.txt (untracked, changed by the run) are gone. Rollback refused on an unrelated
    file without --force and printed git's `ambiguous argument` with it (after saving a
    patch). Now both say the checkpoint is gone, what is left, and change nothing."""
    (app_repo / "notes.txt").write_text("my untracked notes\n")
    plan = write_plan(plans, PLAN + '  - test-put: {path: notes.txt, content: "run\\n"}\n')
    run = migrate("apply", plan, "--target", app_repo, "--allow-dirty")
    assert run.exit_code == 0, run.stderr
    (app_repo / "app" / "main.py").write_text("# my edit after the migration\n")
    head = git(app_repo, "rev-parse", "HEAD").strip()
    _prune_checkpoint(app_repo)
    before = untouched(app_repo)

    for force in ([], ["--force"]):
        refused = migrate("rollback", "--target", app_repo, *force)
        line = assert_one_error(
            refused, 3, "the checkpoint of this run", "is gone: its ref "
            "refs/worktree/migrator/checkpoint was deleted and its objects were pruned "
            "(git gc), so the bytes of notes.txt cannot be given back; nothing was changed",
            f"the commit before the run, {head[:12]}", ".git/migrator/journal.json")
        assert "ambiguous" not in line and "app/main.py" not in line
        assert_same(before, untouched(app_repo), f"after the refused rollback {force}")


def test_a_deleted_checkpoint_ref_whose_bytes_are_all_there_still_rolls_back(
        app_repo: Path, plans: Path) -> None:
    """Rollback needs the checkpoint's bytes, not its ref: on a clean tree HEAD keeps every
    blob alive through `git gc`, and --force saves the later edit from the scan."""
    before = fingerprint(app_repo)  # refs by name: gc packs them
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    (app_repo / "app" / "main.py").write_text("# my edit after the migration\n")
    git(app_repo, "update-ref", "-d", "refs/worktree/migrator/applied")
    _prune_checkpoint(app_repo)

    back = migrate("rollback", "--target", app_repo, "--force")

    assert back.exit_code == 0, back.stderr
    saved = re.search(r"saved in (\S+\.patch)", back.stdout)
    assert saved is not None, back.stdout
    assert "+# my edit after the migration" in Path(saved.group(1)).read_text()
    assert_same(before, fingerprint(app_repo), "after the rollback")


def test_a_folder_left_after_the_run_is_named_as_a_folder_not_as_an_ignored_file(
        app_repo: Path, plans: Path) -> None:
    """An empty folder made after the run was listed among "the ignored files changed or
    made after the run". It is now named apart, as a folder, and only when nothing kept
    inside it names it already."""
    before = state(app_repo)
    assert migrate("apply", write_plan(plans, PLAN), "--target", app_repo).exit_code == 0
    (app_repo / "logs").mkdir()                                  # empty, git never sees it
    (app_repo / "cache" / "deep").mkdir(parents=True)
    (app_repo / "out").mkdir()
    (app_repo / "out" / "a.log").write_text("mine\n")            # ignored (*.log)
    (app_repo / ".env").write_text("SECRET=after the run\n")
    made = {k: v for k, v in state(app_repo).items()
            if k.split("/")[0] in ("logs", "cache", "out", ".env")}

    back = migrate("rollback", "--target", app_repo, "--json")

    assert back.exit_code == 0, back.stderr
    result = json.loads(back.stdout)
    assert result["message"].endswith(
        "; kept the ignored files changed or made after the run: .env, out/a.log"
        "; kept the folders made or changed after the run: cache/deep/, logs/")
    assert result["kept"] == [".env", "out/a.log"]
    assert result["kept_folders"] == ["cache/deep/", "logs/"]
    assert_same({**before, **made}, state(app_repo), "after the rollback")
