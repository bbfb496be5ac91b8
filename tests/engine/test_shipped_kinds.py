"""The engine with the shipped step and check kinds: copier, codemod, write, patch, delete,
command. Dry run equals the real run; rollback restores; the checks pass."""

from __future__ import annotations

import json
from pathlib import Path

from engine_helpers import fingerprint, git, migrate, write_plan

PLAN = """
name: shipped-kinds
data: {project_name: tiny}
steps:
  - copier: {src: ../template, merge: {.gitignore: lines}}
    why: the shared code comes from the template
  - codemod: test-rename-name
    old: helper
    new: assist
  - write: {path: app/extra.py, from: files/extra.py.jinja, render: true}
  - patch: files/readme.diff
    why: the one hand edit
  - delete: [run.sh]
verify:
  - {name: app runs, command: [python, -c, "import app.main; assert app.main.run() == 2"]}
"""

README_DIFF = """\
--- a/README.md
+++ b/README.md
@@ -1 +1,3 @@
 # tiny app
+
+Migrated.
"""


def _template(root: Path) -> None:
    root.mkdir()
    (root / "copier.yml").write_text("project_name:\n  type: str\n  default: demo\n")
    (root / "common").mkdir()
    (root / "common" / "__init__.py.jinja").write_text('"""{{ project_name }}: shared code."""\n')
    (root / ".gitignore").write_text("*.pyc\n.env\n")
    (root / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml }}")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "template")
    git(root, "tag", "v1")


def _plan(plans: Path) -> Path:
    (plans / "files").mkdir()
    (plans / "files" / "extra.py.jinja").write_text('PROJECT = "{{ project_name }}"\n')
    (plans / "files" / "readme.diff").write_text(README_DIFF)
    return write_plan(plans, PLAN)


def test_dry_run_apply_verify_rollback_with_shipped_kinds(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    _template(tmp_path / "template")
    plan = _plan(plans)
    before = fingerprint(app_repo)

    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert fingerprint(app_repo) == before
    dry_patch = json.loads(dry.stdout)["patch"]

    real = migrate("apply", plan, "--target", app_repo, "--json")
    assert real.exit_code == 0, real.stderr
    data = json.loads(real.stdout)
    assert data["verification"]["passed"] is True
    assert (app_repo / "common" / "__init__.py").read_text() == '"""tiny: shared code."""\n'
    assert (app_repo / "app" / "extra.py").read_text() == 'PROJECT = "tiny"\n'
    assert (app_repo / "README.md").read_text() == "# tiny app\n\nMigrated.\n"
    assert "assist" in (app_repo / "app" / "main.py").read_text()
    assert not (app_repo / "run.sh").exists()
    assert ".env" in (app_repo / ".gitignore").read_text()
    answers = (app_repo / ".copier-answers.yml").read_text()
    assert "_commit: v1" in answers and "project_name: tiny" in answers

    from migrator.workspace import Repo, attempt_changes

    repo = Repo(app_repo)
    checkpoint = git(app_repo, "rev-parse", "refs/worktree/migrator/checkpoint").strip()
    _, real_patch, _ = attempt_changes(repo, checkpoint)
    assert real_patch == dry_patch

    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert fingerprint(app_repo) == before


def test_plan_markdown_of_shipped_kinds_is_readable(plans: Path) -> None:
    run = migrate("plan", _plan(plans), "--format", "markdown")
    assert run.exit_code == 0, run.stderr
    md = run.stdout
    assert "### 1. copier ../template" in md and "the shared code comes from the template" in md
    assert "### 4. " in md and "the one hand edit" in md
    assert "### app runs" in md
    # as written in the plan: no machine-specific interpreter path
    assert "command: [python, -c, import app.main; assert app.main.run() == 2]" in md


RELOCATE_PLAN = """
name: relocate-util
steps:
  - relocate: {app.util: app.lib.util}
verify:
  - {name: app runs, command: [python, -c, "import app.main; assert app.main.run() == 2"]}
"""


def test_relocate_dry_run_commit_keeps_history_and_rollback(app_repo: Path, plans: Path) -> None:
    plan = write_plan(plans, RELOCATE_PLAN)
    before = fingerprint(app_repo)
    dry = migrate("apply", plan, "--target", app_repo, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert fingerprint(app_repo) == before
    assert json.loads(dry.stdout)["changes"] == {
        "created": ["app/lib/__init__.py", "app/lib/util.py"], "modified": ["app/main.py"],
        "deleted": ["app/util.py"], "ignored": {"created": [], "deleted": [], "modified": []}}

    real = migrate("apply", plan, "--target", app_repo, "--commit", "--yes", "--json")
    assert real.exit_code == 0, real.stderr
    assert (app_repo / "app/main.py").read_text().startswith("from app.lib.util import helper\n")
    moved = git(app_repo, "diff", "-M", "--name-status", "HEAD~1", "HEAD").splitlines()
    assert "R100\tapp/util.py\tapp/lib/util.py" in moved
    assert git(app_repo, "log", "--follow", "--format=%s", "--", "app/lib/util.py").splitlines() \
        == ["Migrate with plan relocate-util", "initial"]

    back = migrate("rollback", "--target", app_repo)
    assert back.exit_code == 0, back.stderr
    assert fingerprint(app_repo) == before
