"""Items 1 and 2 of issue 9: the one containment check refuses the target itself, `.git` in
every spelling git folds, nested `.git` folders and writes through symlinks that lead out;
nothing runs, in a dry run or a real one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from engine_helpers import git, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, state, template_repo, untouched

from migrator.errors import PathEscapesTarget
from migrator.paths import inside_target

REFUSED = {
    ".": "is the target itself",
    "./": "is the target itself",
    "./.": "is the target itself",
    "app/..": "climbs out",
    ".git": "is inside .git",
    ".GIT": "is inside .git",
    ".git ": "is inside .git",
    ".git.": "is inside .git",
    "GIT~1": "is inside .git",
    "git~1/config": "is inside .git",
    ".g\u200cit/config": "is inside .git",
    "app/.git/config": "is inside .git",
    "app/.Git": "is inside .git",
}


@pytest.mark.parametrize("rel", sorted(REFUSED), ids=lambda r: repr(r))
def test_the_containment_check_refuses(tmp_path: Path, rel: str) -> None:
    with pytest.raises(PathEscapesTarget, match=REFUSED[rel].replace(".", r"\.")):
        inside_target(tmp_path, rel)


@pytest.mark.parametrize("rel", [".", "./", ".git", ".GIT", ".git ", "GIT~1", "app/.git/config"],
                         ids=repr)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_delete_of_the_target_or_git_is_refused_before_anything_runs(
        app_repo: Path, plans: Path, rel: str, dry_run: bool) -> None:
    plan = write_plan(plans, f"""
        name: wipe
        steps:
          - test-put: {{path: app/first.py, content: "x = 1\\n"}}
          - delete: ['{rel}']
    """)
    before = untouched(app_repo)
    run = migrate("apply", plan, "--target", app_repo, *(["--dry-run"] if dry_run else []))
    assert_one_error(run, 3, "step 2 (delete 1 path(s)):")
    assert_same(before, untouched(app_repo))


def test_a_step_into_a_nested_git_folder_is_refused(app_repo: Path, plans: Path) -> None:
    nested = app_repo / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    plan = write_plan(plans, """
        name: nested
        steps:
          - test-put: {path: vendor/lib/hooks.py, content: "x = 1\\n"}
    """)
    before = untouched(app_repo)
    run = migrate("apply", plan, "--target", app_repo, "--allow-dirty")
    assert_one_error(run, 3, "vendor/lib", "git repository")
    assert_same(before, untouched(app_repo))


# -- item 2: symlinks ----------------------------------------------------------------------
CODEMOD = """
name: through-a-link
steps:
  - codemod: test-rename-name
    old: helper
    new: assist
"""


def _link_out(app: Path, absolute: bool) -> Path:
    outside = app.parent / "outside.py"
    outside.write_text("from app.util import helper\n\nVALUE = helper(2)\n")
    os.symlink(outside if absolute else "../../outside.py", app / "app" / "linked.py")
    git(app, "add", "app/linked.py")
    git(app, "commit", "-q", "-m", "a link to shared code")
    return outside


@pytest.mark.parametrize("absolute", [False, True], ids=["relative-link", "absolute-link"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_codemod_never_writes_through_a_link_out_of_the_target(
        app_repo: Path, plans: Path, absolute: bool, dry_run: bool) -> None:
    outside = _link_out(app_repo, absolute)
    original = outside.read_bytes()
    before = untouched(app_repo) if dry_run else state(app_repo)
    run = migrate("apply", write_plan(plans, CODEMOD), "--target", app_repo, "--json",
                  *(["--dry-run"] if dry_run else []))
    assert outside.read_bytes() == original
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert "app/linked.py" not in str(data["changes"])
    assert "app/main.py" in data["changes"]["modified"]
    notes = data["steps"][0]["notes"]
    if absolute or not dry_run:  # (the relative link dangles in the dry run's copy)
        assert any("app/linked.py" in note and "symlink" in note for note in notes), notes
    if dry_run:
        assert_same(before, untouched(app_repo))
    else:
        assert migrate("rollback", "--target", app_repo).exit_code == 0
        assert_same(before, state(app_repo))
        assert outside.read_bytes() == original


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_merge_never_writes_through_a_link_the_template_ships(
        app_repo: Path, plans: Path, tmp_path: Path, dry_run: bool) -> None:
    template_repo(tmp_path / "template",
                  {"copier.yml": "_preserve_symlinks: true\n", "common/__init__.py": ""},
                  links={".gitignore": "../outside.txt"})
    victim = tmp_path / "outside.txt"  # where the link lands from the target's .gitignore
    victim.write_text("not yours\n")
    plan = write_plan(plans, """
        name: linked-template
        steps:
          - copier: {src: ../template, merge: {.gitignore: lines}}
    """)
    before = untouched(app_repo) if dry_run else state(app_repo)
    run = migrate("apply", plan, "--target", app_repo, *(["--dry-run"] if dry_run else []))
    assert victim.read_text() == "not yours\n"
    assert_one_error(run, 4, ".gitignore", "symlink")
    assert_same(before, untouched(app_repo) if dry_run else state(app_repo))


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_copier_never_writes_through_a_committed_link_out_of_the_target(
        app_repo: Path, plans: Path, tmp_path: Path, dry_run: bool) -> None:
    template_repo(tmp_path / "template", {"copier.yml": "{}\n", "common/shared.py": "SHARED = 1\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, app_repo / "common")
    git(app_repo, "add", "common")
    git(app_repo, "commit", "-q", "-m", "common lives elsewhere")
    before = untouched(app_repo) if dry_run else state(app_repo)
    plan = write_plan(plans, "name: into-a-link\nsteps:\n  - copier: {src: ../template}\n")
    run = migrate("apply", plan, "--target", app_repo, *(["--dry-run"] if dry_run else []))
    assert list(elsewhere.iterdir()) == []
    assert_one_error(run, 4, "'common", "outside the target")
    assert_same(before, untouched(app_repo) if dry_run else state(app_repo))


@pytest.mark.parametrize("rel", ["loop/x.py", "loop"], ids=repr)
@pytest.mark.parametrize("kind", ["write", "delete"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_path_through_a_symlink_loop_is_one_clear_refusal(
        app_repo: Path, plans: Path, rel: str, kind: str, dry_run: bool) -> None:
    """Resolving `loop/x.py` (loop -> other -> loop) raises in pathlib; it must be the
    containment check's refusal (exit 3), not a traceback with exit 1."""
    os.symlink("other", app_repo / "loop")
    os.symlink("loop", app_repo / "other")
    git(app_repo, "add", "-A")
    git(app_repo, "commit", "-q", "-m", "a symlink loop")
    (plans / "files").mkdir()
    (plans / "files" / "x.py").write_text("X = 1\n")
    step = (f"  - write: {{path: '{rel}', from: files/x.py}}\n" if kind == "write"
            else f"  - delete: ['{rel}']\n")
    plan = write_plan(plans, "name: loop\nsteps:\n" + step)
    before = untouched(app_repo)
    run = migrate("apply", plan, "--target", app_repo, *(["--dry-run"] if dry_run else []))
    assert_one_error(run, 3, f"path '{rel}' cannot be resolved: a symlink loop")
    assert_same(before, untouched(app_repo))


HARD_LINKED = {
    "write over an ignored file": "  - write: {path: .env, from: files/env}\n",
    "write over a tracked file": "  - write: {path: app/util.py, from: files/env}\n",
    "codemod": "  - codemod: test-rename-name\n    old: helper\n    new: assist\n",
    "copier": "  - copier: {src: ../template}\n",
}


@pytest.mark.parametrize("kind", sorted(HARD_LINKED))
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_step_never_writes_through_a_hard_link_to_a_file_outside(
        app_repo: Path, plans: Path, tmp_path: Path, kind: str, dry_run: bool) -> None:
    """A file of the target hard-linked from outside is one inode: writing it in place
    changed the outside file too, and rollback (which writes a new file) never changed it
    back."""
    outside = tmp_path / "outside"
    outside.mkdir()
    for rel in (".env", "app/util.py"):
        os.link(app_repo / rel, outside / rel.replace("/", "-"))
    template_repo(tmp_path / "template", {"copier.yml": "{}\n", "app/util.py": "U = 1\n",
                                          ".env": "T=1\n"})
    (plans / "files").mkdir()
    (plans / "files" / "env").write_text("PLAN=1\n")
    plan = write_plan(plans, "name: hard-links\nsteps:\n" + HARD_LINKED[kind])
    keep = {p.name: p.read_bytes() for p in outside.iterdir()}
    before = untouched(app_repo) if dry_run else state(app_repo)
    run = migrate("apply", plan, "--target", app_repo, *(["--dry-run"] if dry_run else []))
    assert run.exit_code == 0, run.stderr
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == keep
    if not dry_run:
        assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == keep
    assert_same(before, untouched(app_repo) if dry_run else state(app_repo))


THROUGH_A_LINK = {  # committed link -> step path
    "hook through a link to .git": ("gl", ".git", "gl/hooks/post-checkout"),
    "config through a link to .git": ("gl", ".git", "gl/config"),
    "nested repository through a link": ("vl", "vendor/lib", "vl/planted.py"),
}


@pytest.mark.parametrize("case", sorted(THROUGH_A_LINK))
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_link_inside_the_target_never_leads_a_step_into_git_or_a_nested_repository(
        app_repo: Path, plans: Path, case: str, dry_run: bool) -> None:
    """`gl -> .git` resolves inside the target, so 'write gl/hooks/post-checkout' planted a
    git hook (never rolled back) and 'write gl/config' broke the repository."""
    link, points_to, path = THROUGH_A_LINK[case]
    nested = app_repo / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    os.symlink(points_to, app_repo / link)
    git(app_repo, "add", link)
    git(app_repo, "commit", "-q", "-m", "a link")
    (plans / "files").mkdir()
    (plans / "files" / "hook").write_text("#!/bin/sh\necho planted\n")
    plan = write_plan(plans, f"name: via-link\nsteps:\n  - write: {{path: {path}, from: files/hook}}\n")
    before = untouched(app_repo)
    run = migrate("apply", plan, "--target", app_repo, "--allow-dirty",
                  *(["--dry-run"] if dry_run else []))
    assert_one_error(run, 3, f"path '{path}' resolves to", "through a symlink")
    assert_same(before, untouched(app_repo))
