"""A target that is a folder of its git repository (`--target repo/backend`, issue 12): the
checkpoint, the dry run, rollback and the clean-tree rule cover that folder only; the rest of
the repository (a `frontend/` with uncommitted, untracked and ignored files) stays byte for
byte as it was, and each folder has its own run."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from engine_helpers import APP_FILES, fingerprint, git, migrate, migrate_process, write_plan
from fault_helpers import (
    assert_one_error,
    assert_same,
    kill_at,
    paused_plan,
    state,
    template_repo,
    untouched,
    wait_for,
)

PLAN = """
name: reshape-backend
steps:
  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}
  - test-put: {path: .env, content: "PLAN=1\\n"}
  - codemod: test-rename-name
    old: helper
    new: assist
  - test-remove: [run.sh]
verify:
  - {name: new file, test-file: app/extra/new.py}
"""


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """repo/ with backend/ (the tiny app) and frontend/; the frontend has an uncommitted
    edit, an untracked file and ignored files, the backend an ignored .env."""
    repo = tmp_path / "repo"
    files = {".gitignore": "node_modules/\n*.log\n", "README.md": "# monorepo\n",
             "frontend/package.json": '{"name": "web"}\n', "frontend/src/app.js": "run();\n",
             **{f"backend/{rel}": text for rel, text in APP_FILES.items()}}
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    (repo / "backend" / "run.sh").chmod(0o755)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "monorepo")
    (repo / "frontend" / "src" / "app.js").write_text("run(); // work in progress\n")
    git(repo, "add", "frontend/src/app.js")                          # staged
    (repo / "frontend" / "package.json").write_text('{"name": "web2"}\n')  # unstaged
    (repo / "frontend" / "notes.txt").write_text("untracked\n")
    (repo / "frontend" / "node_modules").mkdir()
    (repo / "frontend" / "node_modules" / "lib.js").write_text("lib\n")  # ignored
    (repo / "frontend" / "debug.log").write_text("log\n")               # ignored
    (repo / "backend" / ".env").write_text("SECRET=1\n")                  # ignored
    return repo


def _outside(repo: Path, folder: str = "backend") -> dict[str, str]:
    """The repository's files outside `folder`."""
    return {k: v for k, v in fingerprint(repo).items()
            if not k.startswith(f"{folder}/") and not k.startswith("<")}


def test_apply_then_rollback_changes_nothing_outside_and_gives_everything_back(
        monorepo: Path, plans: Path) -> None:
    before, outside = state(monorepo), _outside(monorepo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", monorepo / "backend", "--json")
    assert run.exit_code == 0, run.stderr  # the frontend's uncommitted work does not count
    data = json.loads(run.stdout)
    assert data["changes"]["created"] == ["app/extra/new.py"]
    assert data["changes"]["deleted"] == ["run.sh"]
    assert data["changes"]["ignored"]["modified"] == [".env"]
    assert (monorepo / "backend" / "app" / "extra" / "new.py").exists()
    assert_same(outside, _outside(monorepo), "outside the target after the apply")

    back = migrate("rollback", "--target", monorepo / "backend")
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(monorepo), "the whole repository after the rollback")


def test_the_dry_run_touches_no_byte_of_the_repository(monorepo: Path, plans: Path,
                                                       tmp_path: Path) -> None:
    before = untouched(monorepo)
    patch = tmp_path / "backend.patch"
    run = migrate("apply", write_plan(plans, PLAN), "--target", monorepo / "backend",
                  "--dry-run", "--output", patch)
    assert run.exit_code == 0, run.stderr
    assert_same(before, untouched(monorepo))
    assert "modify .env (ignored)" in run.stdout
    assert "diff --git a/app/extra/new.py b/app/extra/new.py" in patch.read_text()
    checked = git(monorepo / "backend", "apply", "--check", "-v", str(patch))
    assert checked == ""  # the patch applies in the target folder


def test_the_clean_tree_rule_covers_the_target_folder(monorepo: Path, plans: Path) -> None:
    (monorepo / "backend" / "app" / "util.py").write_text("changed\n")
    before = untouched(monorepo)
    run = migrate("apply", write_plan(plans, PLAN), "--target", monorepo / "backend")
    assert_one_error(run, 3, "target has uncommitted changes: app/util.py")
    assert "frontend" not in run.stderr
    assert_same(before, untouched(monorepo))


def test_kill_9_then_rollback_gives_the_whole_repository_back(
        monorepo: Path, plans: Path, tmp_path: Path) -> None:
    first = '  - test-put: {path: app/extra/new.py, content: "NEW = 1\\n"}\n' \
            '  - test-put: {path: .env, content: "PLAN=1\\n"}\n'
    plan, reached, _ = paused_plan(plans, tmp_path, first)
    before = state(monorepo)
    kill_at(reached, "apply", plan, "--target", monorepo / "backend")
    assert "paused" in migrate("status", "--target", monorepo / "backend").stdout
    back = migrate("rollback", "--target", monorepo / "backend")
    assert back.exit_code == 0, back.stderr
    assert_same(before, state(monorepo))


def test_each_folder_has_its_own_run_and_overlapping_ones_are_refused(
        monorepo: Path, plans: Path) -> None:
    before = state(monorepo)
    frontend_plan = write_plan(plans, """
        name: reshape-frontend
        steps:
          - test-put: {path: src/extra.js, content: "extra();\\n"}
    """, name="frontend.yaml")
    backend, frontend = monorepo / "backend", monorepo / "frontend"
    assert migrate("apply", write_plan(plans, PLAN), "--target", backend).exit_code == 0
    assert migrate("apply", frontend_plan, "--target", frontend, "--allow-dirty").exit_code == 0
    refs = git(monorepo, "for-each-ref", "--format=%(refname)", "refs/worktree/").split()
    assert len([r for r in refs if r.endswith("/checkpoint")]) == 2
    assert "reshape-backend" in migrate("status", "--target", backend).stdout
    assert "reshape-frontend" in migrate("status", "--target", frontend).stdout

    after_both = state(monorepo)
    for overlapping in (monorepo, backend / "app"):
        run = migrate("apply", write_plan(plans, PLAN), "--target", overlapping, "--allow-dirty")
        assert_one_error(run, 3, "reshape-backend", str(backend))
        assert_same(after_both, state(monorepo))

    assert migrate("rollback", "--target", frontend).exit_code == 0
    assert (backend / "app" / "extra" / "new.py").exists()
    assert not (frontend / "src" / "extra.js").exists()
    assert migrate("rollback", "--target", backend).exit_code == 0
    assert_same(before, state(monorepo))


def test_the_answers_file_records_the_template_relative_to_the_target_folder(
        monorepo: Path, plans: Path, tmp_path: Path) -> None:
    template_repo(tmp_path / "template", {
        "copier.yml": "project_name:\n  type: str\n  default: demo\n",
        "common/__init__.py": "",
        "{{ _copier_conf.answers_file }}.jinja":
            "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml }}"})
    plan = write_plan(plans, "name: template\nsteps:\n  - copier: {src: ../../template}\n")
    backend = monorepo / "backend"
    run = migrate("apply", plan, "--target", backend)
    assert run.exit_code == 0, run.stderr
    answers = (backend / ".copier-answers.yml").read_text()
    assert "_src_path: ../../template" in answers
    assert (backend / "../../template").resolve() == (tmp_path / "template").resolve()
    assert (backend / "common" / "__init__.py").exists()
    assert not (monorepo / "common").exists()


def test_commit_holds_only_the_target_folders_changes(monorepo: Path, plans: Path) -> None:
    backend = monorepo / "backend"
    run = migrate("apply", write_plan(plans, PLAN), "--target", backend, "--commit")
    assert run.exit_code == 0, run.stderr
    committed = git(monorepo, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sorted(filter(None, committed)) == [
        "A\tbackend/app/extra/new.py", "D\tbackend/run.sh", "M\tbackend/app/main.py",
        "M\tbackend/app/util.py"]
    status = git(monorepo, "status", "--porcelain")
    assert "M  frontend/src/app.js" in status       # still staged
    assert " M frontend/package.json" in status     # still unstaged
    assert "?? frontend/notes.txt" in status


def test_rollback_keeps_what_was_staged_outside_the_folder_after_the_run(
        monorepo: Path, plans: Path) -> None:
    backend = monorepo / "backend"
    assert migrate("apply", write_plan(plans, PLAN), "--target", backend).exit_code == 0
    git(monorepo, "add", "frontend/package.json")  # the user stages more frontend work
    assert migrate("rollback", "--target", backend).exit_code == 0
    status = git(monorepo, "status", "--porcelain")
    assert "M  frontend/package.json" in status and "M  frontend/src/app.js" in status
    assert git(backend, "status", "--porcelain", "--", ".") == ""


def test_a_second_process_on_another_folder_of_the_worktree_is_refused(
        monorepo: Path, plans: Path, tmp_path: Path) -> None:
    plan, reached, release = paused_plan(plans, tmp_path)
    first = migrate_process("apply", plan, "--target", monorepo / "backend")
    try:
        wait_for(reached, first)
        run = migrate("apply", write_plan(plans, PLAN, name="other.yaml"), "--target",
                      monorepo / "frontend", "--allow-dirty")
        assert_one_error(run, 3, f"pid {first.pid}")
        release.write_text("go")
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGKILL)
            first.communicate()
    assert first.returncode == 0

