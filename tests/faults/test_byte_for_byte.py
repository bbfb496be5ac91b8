"""Item 10 of issue 9: rollback restores folder modes, empty folders and the bytes on disk
(not git's normalised view: `core.autocrlf`, `.gitattributes`), and file modes exactly."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, state

PY = sys.executable


def test_folder_modes_and_empty_folders_come_back(app_repo: Path, plans: Path) -> None:
    (app_repo / "secret").mkdir()
    (app_repo / "secret" / "keys.py").write_text("KEY = 1\n")
    git(app_repo, "add", "secret")
    git(app_repo, "commit", "-q", "-m", "secret")
    (app_repo / "secret").chmod(0o700)
    (app_repo / "app").chmod(0o750)
    (app_repo / "uploads").mkdir()               # an empty folder the app expects
    (app_repo / "uploads" / "cache").mkdir()     # and an empty one inside it
    (app_repo / "app" / "util.py").chmod(0o600)  # git only knows 644/755
    before = state(app_repo)
    plan = write_plan(plans, f"""
        name: folders
        steps:
          - delete: [secret]
          - command: ['{PY}', -c, "import os; os.rmdir('uploads/cache'); os.rmdir('uploads'); os.makedirs('made/by/run'); os.chmod('app', 0o755)"]
          - test-put: {{path: app/util.py, content: "def helper(x):\\n    return x\\n"}}
    """)
    run = migrate("apply", plan, "--target", app_repo)
    assert run.exit_code == 0, run.stderr
    assert not (app_repo / "uploads").exists() and (app_repo / "made" / "by" / "run").is_dir()

    assert migrate("rollback", "--target", app_repo).exit_code == 0

    assert (app_repo / "secret").stat().st_mode & 0o777 == 0o700
    assert (app_repo / "app").stat().st_mode & 0o777 == 0o750
    assert (app_repo / "uploads" / "cache").is_dir()
    assert not (app_repo / "made").exists()
    assert (app_repo / "app" / "util.py").stat().st_mode & 0o777 == 0o600
    assert_same(before, state(app_repo))


@pytest.mark.parametrize("conversion", ["autocrlf", "attributes"])
def test_line_endings_come_back_as_they_were_on_disk(
        app_repo: Path, plans: Path, conversion: str) -> None:
    (app_repo / "notes.txt").write_bytes(b"line one\nline two\n")
    (app_repo / "dos.txt").write_bytes(b"dos one\r\ndos two\r\n")
    git(app_repo, "add", "notes.txt", "dos.txt")
    git(app_repo, "commit", "-q", "-m", "text files")
    if conversion == "autocrlf":
        git(app_repo, "config", "core.autocrlf", "true")
    else:
        (app_repo / ".git" / "info" / "attributes").write_text("*.txt text eol=crlf\n")
    before = state(app_repo)
    plan = write_plan(plans, """
        name: endings
        steps:
          - test-put: {path: notes.txt, content: "rewritten\\n"}
          - test-remove: [dos.txt]
    """)
    # with the conversion on, git sees the files on disk as changed: the run takes them as is
    run = migrate("apply", plan, "--target", app_repo, "--allow-dirty")
    assert run.exit_code == 0, run.stderr
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert (app_repo / "notes.txt").read_bytes() == b"line one\nline two\n"
    assert (app_repo / "dos.txt").read_bytes() == b"dos one\r\ndos two\r\n"
    assert_same(before, state(app_repo))


@pytest.mark.parametrize("name", ["app/a\nb.py", '"app/quoted.py'], ids=["newline", "quote"])
def test_a_step_that_changes_only_an_oddly_named_file_is_scanned_and_rolled_back(
        app_repo: Path, plans: Path, name: str) -> None:
    """A step whose only change is a file git's --stdin-paths cannot list (a newline, a
    leading quote) used to make the scan pass one empty path to git: the run failed, its
    automatic rollback failed the same way, and `migrate rollback` could never finish."""
    plan = write_plan(plans, "name: odd\nsteps:\n  - test-put: {path: " + json.dumps(name)
                      + ", content: \"x = 1\\n\"}\nverify:\n  - {name: fails, command: ['false']}\n")
    for path in app_repo.rglob("*"):  # old enough that later scans reuse their hashes
        if ".git" not in path.relative_to(app_repo).parts:
            os.utime(path, (time.time() - 60, time.time() - 60), follow_symlinks=False)
    before = state(app_repo)
    run = migrate("apply", plan, "--target", app_repo)
    assert_one_error(run, 1, "verification failed")
    assert_same(before, state(app_repo), "after the automatic rollback")
    assert migrate("apply", plan, "--target", app_repo, "--no-verify").exit_code == 0
    assert (app_repo / name).exists()
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert_same(before, state(app_repo), "after the rollback")
