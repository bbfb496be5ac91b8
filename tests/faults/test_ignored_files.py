"""Item 3 of issue 9: a step that overwrites or deletes ignored files shows it (dry run too),
and rollback brings them back, byte for byte."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, state, untouched

PY = sys.executable

OVERWRITE_ENV = {
    "write": "  - write: {path: .env, from: files/env}\n",
    "command": f"  - command: ['{PY}', -c, \"open('.env', 'w').write('PLAN=1\\\\n')\"]\n",
    "test-put": "  - test-put: {path: .env, content: \"PLAN=1\\n\"}\n",
}


def _plan(plans: Path, step: str) -> Path:
    (plans / "files").mkdir(exist_ok=True)
    (plans / "files" / "env").write_text("PLAN=1\n")
    return write_plan(plans, "name: env\nsteps:\n" + step)


@pytest.mark.parametrize("kind", sorted(OVERWRITE_ENV))
def test_overwriting_an_ignored_file_is_reported_and_rolled_back(
        app_repo: Path, plans: Path, kind: str) -> None:
    plan = _plan(plans, OVERWRITE_ENV[kind])
    before = untouched(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert json.loads(dry.stdout)["changes"]["ignored"]["modified"] == [".env"]
    text = migrate("apply", plan, "--target", app_repo, "--dry-run")
    assert "modify .env (ignored)" in text.stdout
    assert_same(before, untouched(app_repo), "after the dry runs")

    before = state(app_repo)
    real = migrate("apply", plan, "--target", app_repo, "--json")
    assert real.exit_code == 0, real.stderr
    data = json.loads(real.stdout)
    assert data["steps"][0]["changes"]["ignored"]["modified"] == [".env"]
    assert (app_repo / ".env").read_text() == "PLAN=1\n"
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert (app_repo / ".env").read_text() == "SECRET=1\n"
    assert_same(before, state(app_repo), "after the rollback")


def _legacy_folder(app: Path) -> None:
    (app / "legacy").mkdir()
    (app / "legacy" / "old.py").write_text("OLD = 1\n")
    git(app, "add", "legacy")
    git(app, "commit", "-q", "-m", "legacy")
    (app / "legacy" / "local.log").write_text("only on this machine\n")   # ignored (*.log)
    (app / "legacy" / "venv").mkdir()
    (app / "legacy" / "venv" / "lib.py").write_text("LIB = 1\n")          # ignored (venv/)


@pytest.mark.parametrize("kind", ["delete", "command"])
def test_deleting_a_folder_with_ignored_files_is_reported_and_rolled_back(
        app_repo: Path, plans: Path, kind: str) -> None:
    _legacy_folder(app_repo)
    step = ("  - delete: [legacy]\n" if kind == "delete" else
            f"  - command: ['{PY}', -c, \"import shutil; shutil.rmtree('legacy')\"]\n")
    plan = write_plan(plans, "name: drop-legacy\nsteps:\n" + step)
    before = untouched(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    changes = json.loads(dry.stdout)["changes"]
    assert changes["deleted"] == ["legacy/old.py"]
    assert changes["ignored"]["deleted"] == ["legacy/local.log", "legacy/venv/"]
    assert_same(before, untouched(app_repo), "after the dry run")

    before = state(app_repo)
    real = migrate("apply", plan, "--target", app_repo)
    assert real.exit_code == 0, real.stderr
    assert not (app_repo / "legacy").exists()
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert (app_repo / "legacy" / "local.log").read_text() == "only on this machine\n"
    assert (app_repo / "legacy" / "venv" / "lib.py").read_text() == "LIB = 1\n"
    assert_same(before, state(app_repo), "after the rollback")


def test_a_failed_run_restores_the_ignored_files_it_overwrote(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, """
        name: env-then-fail
        steps:
          - test-put: {path: .env, content: "PLAN=1\\n"}
          - test-put: {path: debug.log, content: "overwritten\\n"}
          - test-fail: boom
    """)
    before = state(app_repo)
    run = migrate("apply", plan, "--target", app_repo)
    assert run.exit_code == 4
    assert_same(before, state(app_repo), "after the automatic rollback")


def test_a_damaged_saved_file_is_never_written_back(app_repo: Path, plans: Path) -> None:
    run = migrate("apply", _plan(plans, OVERWRITE_ENV["write"]), "--target", app_repo)
    assert run.exit_code == 0, run.stderr
    store = app_repo / ".git" / "migrator" / "store"
    (saved,) = list(store.iterdir())
    saved.write_text("SECRET=garbled\n")  # e.g. cut short by a power failure

    back = migrate("rollback", "--target", app_repo)

    assert_one_error(back, 3, ".env", "does not settle")
    assert (app_repo / ".env").read_text() == "PLAN=1\n"  # left as the run left it


def _config_folder_and_link(app: Path) -> None:
    """`cfg/` (tracked) holds an ignored `.env`; `lnk` is a committed symlink to `cfg`."""
    (app / "cfg").mkdir()
    (app / "cfg" / "settings.py").write_text("X = 1\n")
    (app / "lnk").symlink_to("cfg")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "cfg")
    (app / "cfg" / ".env").write_text("CFG_SECRET=1\n")


ODD_SPELLINGS = {
    "dot slash": ("./.env", ".env"),
    "double slash": ("cfg//.env", "cfg/.env"),
    "dot inside": ("cfg/./.env", "cfg/.env"),
    "through a folder link": ("lnk/.env", "cfg/.env"),
}


@pytest.mark.parametrize("name", sorted(ODD_SPELLINGS))
def test_an_ignored_file_named_in_another_spelling_is_saved_and_given_back(
        app_repo: Path, plans: Path, name: str) -> None:
    """The store is keyed by the scan's spelling: a step path that reaches the same file
    another way (`./`, `//`, a symlinked folder) must save it all the same."""
    _config_folder_and_link(app_repo)
    spelled, real = ODD_SPELLINGS[name]
    original = (app_repo / real).read_bytes()
    plan = _plan(plans, f"  - write: {{path: '{spelled}', from: files/env}}\n")
    before = untouched(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert json.loads(dry.stdout)["changes"]["ignored"] == {
        "created": [], "modified": [real], "deleted": []}
    assert_same(before, untouched(app_repo), "after the dry run")

    before = state(app_repo)
    real_run = migrate("apply", plan, "--target", app_repo)
    assert real_run.exit_code == 0, real_run.stderr
    assert (app_repo / real).read_text() == "PLAN=1\n"
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert (app_repo / real).read_bytes() == original
    assert_same(before, state(app_repo), "after the rollback")


def test_deleting_a_folder_through_a_link_saves_its_ignored_files(
        app_repo: Path, plans: Path) -> None:
    _config_folder_and_link(app_repo)
    (app_repo / "cfg" / "sub").mkdir()
    (app_repo / "cfg" / "sub" / "notes.txt").write_text("tracked\n")
    git(app_repo, "add", "-A")
    git(app_repo, "commit", "-q", "-m", "sub")
    (app_repo / "cfg" / "sub" / "local.log").write_text("only here\n")   # ignored
    plan = write_plan(plans, "name: drop-sub\nsteps:\n  - delete: [lnk/sub]\n"
                      "verify:\n  - {name: fails, command: ['false']}\n")
    before = state(app_repo)
    run = migrate("apply", plan, "--target", app_repo)
    assert_one_error(run, 1, "verification failed")
    assert (app_repo / "cfg" / "sub" / "local.log").read_text() == "only here\n"
    assert_same(before, state(app_repo), "after the automatic rollback")


HEADER_ONLY = {  # entries with a `diff --git` header and no ---/+++ lines
    "mode change": "diff --git a/.env b/.env\nold mode 100644\nnew mode 100755\n",
    "empty file deleted": ("diff --git a/empty.log b/empty.log\ndeleted file mode 100644\n"
                           "index e69de29..0000000\n"),
}
A_HUNK = ("diff --git a/app/util.py b/app/util.py\n--- a/app/util.py\n+++ b/app/util.py\n"
          "@@ -1,2 +1,2 @@\n def helper(x):\n-    return x + 1\n+    return x + 2\n")


@pytest.mark.parametrize("entry", sorted(HEADER_ONLY))
def test_a_patch_entry_without_file_lines_saves_the_ignored_file_first(
        app_repo: Path, plans: Path, entry: str) -> None:
    """git apply also applies what only a `diff --git` header says; the patch step must
    announce those paths too, or the ignored file is changed unsaved and never given back."""
    (app_repo / ".env").chmod(0o644)
    (app_repo / "empty.log").write_bytes(b"")   # ignored (*.log)
    (plans / "x.diff").write_text(HEADER_ONLY[entry] + A_HUNK)
    plan = write_plan(plans, "name: header-only\nsteps:\n  - patch: x.diff\n")
    before = untouched(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    ignored = json.loads(dry.stdout)["changes"]["ignored"]
    assert ignored["modified"] + ignored["deleted"] == [".env" if "mode" in entry else "empty.log"]
    assert_same(before, untouched(app_repo), "after the dry run")

    before = state(app_repo)
    real = migrate("apply", plan, "--target", app_repo)
    assert real.exit_code == 0, real.stderr
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert_same(before, state(app_repo), "after the rollback")


def test_a_header_only_patch_entry_into_a_nested_repository_is_refused(
        app_repo: Path, plans: Path) -> None:
    (app_repo / "vendor").mkdir()
    git(app_repo / "vendor", "init", "-q")
    (plans / "x.diff").write_text("diff --git a/vendor/planted b/vendor/planted\n"
                                  "new file mode 100644\nindex 0000000..e69de29\n" + A_HUNK)
    plan = write_plan(plans, "name: nested\nsteps:\n  - patch: x.diff\n")
    before = untouched(app_repo)
    run = migrate("apply", plan, "--target", app_repo, "--allow-dirty")
    assert_one_error(run, 3, "vendor/planted", "nested git repository")
    assert_same(before, untouched(app_repo))


def test_an_ignored_file_a_later_verify_overwrites_comes_back_with_the_rollback(
        app_repo: Path, plans: Path) -> None:
    """The checks `apply` runs get every ignored file saved first; the same checks run by
    `migrate verify` after the apply overwrote .env unsaved, and rollback kept the
    overwritten .env as if the user had written it."""
    plan = write_plan(plans, f"""
        name: clobbering-check
        steps:
          - test-put: {{path: app/new.py, content: "x = 1\\n"}}
        verify:
          - name: clobbers
            command: ['{PY}', -c, "open('.env', 'w').write('CHECK=1\\\\n')"]
    """)
    before = state(app_repo)
    assert migrate("apply", plan, "--target", app_repo, "--no-verify").exit_code == 0
    checked = migrate("verify", plan, "--target", app_repo)
    assert checked.exit_code == 0, checked.stderr
    assert (app_repo / ".env").read_text() == "CHECK=1\n"
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert (app_repo / ".env").read_text() == "SECRET=1\n"
    assert_same(before, state(app_repo), "after the rollback")


@pytest.mark.parametrize("existed", [True, False], ids=["changed-after-the-run",
                                                         "made-after-the-run"])
def test_a_later_verify_never_costs_an_ignored_file_the_user_changed_after_the_run(
        app_repo: Path, plans: Path, existed: bool) -> None:
    """Only the ignored files still as the checkpoint had them were saved before
    `migrate verify`'s checks: a .env the user wrote after the run, then overwritten by a
    check, was lost (rollback put back the checkpoint's). Now it is saved first, verify says
    where, and rollback gives back the user's version, as it keeps it when no check ran."""
    plan = write_plan(plans, f"""
        name: clobbering-check
        steps:
          - test-put: {{path: app/new.py, content: "x = 1\\n"}}
        verify:
          - name: clobbers
            command: ['{PY}', -c, "open('.env', 'w').write('CHECK=1\\\\n')"]
    """)
    if not existed:
        (app_repo / ".env").unlink()
    before = state(app_repo)
    assert migrate("apply", plan, "--target", app_repo, "--no-verify").exit_code == 0
    (app_repo / ".env").write_text("SECRET=mine, written after the run\n")
    mine = state(app_repo)[".env"]

    checked = migrate("verify", plan, "--target", app_repo, "--json")

    assert checked.exit_code == 0, checked.stderr
    assert (app_repo / ".env").read_text() == "CHECK=1\n"
    (note,) = json.loads(checked.stdout)["notes"]
    where = note.split(".env in ", 1)[1].split(" ", 1)[0]
    assert note == ("the checks changed ignored files you changed after the run; your "
                    f"versions are saved: .env in {where} (`migrate rollback` gives them back)")
    assert Path(where).read_text() == "SECRET=mine, written after the run\n"
    assert Path(where).parent == app_repo / ".git" / "migrator" / "store"
    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert (app_repo / ".env").read_text() == "SECRET=mine, written after the run\n"
    assert_same({**before, ".env": mine}, state(app_repo), "after the rollback")
