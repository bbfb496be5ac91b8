"""Item 11 of issue 9: steps never write into a submodule (refused before, or the step fails
and the submodule's files come back), and each linked worktree has its own run state."""

from __future__ import annotations

import sys
from pathlib import Path

from engine_helpers import git, make_app, migrate, write_plan
from fault_helpers import assert_one_error, assert_same, state

PY = sys.executable


def _with_submodule(app: Path, tmp: Path) -> None:
    lib = make_app(tmp / "lib-src", extras=False)
    git(app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "lib")
    git(app, "commit", "-q", "-m", "a submodule")


def test_a_declared_path_inside_a_submodule_is_refused(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    _with_submodule(app_repo, tmp_path)
    before = state(app_repo)
    plan = write_plan(plans, """
        name: into-sub
        steps:
          - test-put: {path: lib/app/util.py, content: "changed = 1\\n"}
    """)
    for extra in ([], ["--dry-run"]):
        run = migrate("apply", plan, "--target", app_repo, *extra)
        assert_one_error(run, 3, "lib/app/util.py", "submodule")
    assert_same(before, state(app_repo))


def test_a_command_that_writes_into_a_submodule_fails_and_is_undone(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    _with_submodule(app_repo, tmp_path)
    before = state(app_repo)
    sub_before = state(app_repo / "lib")
    plan = write_plan(plans, f"""
        name: into-sub
        steps:
          - command: ['{PY}', -c, "open('lib/app/util.py', 'a').write('# touched\\\\n')"]
    """)
    run = migrate("apply", plan, "--target", app_repo)
    assert_one_error(run, 4, "lib/app/util.py", "submodule", "rolled back")
    assert_same(before, state(app_repo))
    assert_same(sub_before, state(app_repo / "lib"))


def test_each_linked_worktree_has_its_own_run(app_repo: Path, plans: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(app_repo, "worktree", "add", "-q", "-b", "other", str(linked))
    plan = write_plan(plans, """
        name: reshape
        steps:
          - test-put: {path: app/new.py, content: "NEW = 1\\n"}
    """)
    main_before = state(app_repo)
    linked_before = state(linked)
    assert migrate("apply", plan, "--target", linked).exit_code == 0
    assert_same(main_before, state(app_repo), "the main checkout after an apply in the linked one")

    assert "no migration recorded" in migrate("status", "--target", app_repo).stdout
    assert migrate("rollback", "--target", app_repo).stdout.startswith("nothing to roll back")
    assert migrate("apply", plan, "--target", app_repo).exit_code == 0
    assert migrate("rollback", "--target", app_repo).exit_code == 0
    assert_same(main_before, state(app_repo), "the main checkout after its own rollback")
    assert (linked / "app" / "new.py").exists()

    assert migrate("rollback", "--target", linked).exit_code == 0
    assert_same(linked_before, state(linked), "the linked worktree after its rollback")


def test_deleting_a_folder_that_holds_another_repository_is_refused(
        app_repo: Path, plans: Path, tmp_path: Path) -> None:
    """`delete: [vendor]` with a nested repository at vendor/lib removed its .git (its
    commits) with the folder; the step then failed and rollback gave back the files, never
    the repository. A submodule's folder below the deleted one is refused the same way."""
    nested = app_repo / "vendor" / "lib"
    nested.mkdir(parents=True)
    (nested / "lib.py").write_text("LIB = 1\n")
    git(nested, "init", "-q")
    git(nested, "add", "-A")
    git(nested, "commit", "-q", "-m", "work that exists nowhere else")
    (app_repo / "vendor" / "README").write_text("vendored\n")
    _with_submodule(app_repo, tmp_path)
    git(app_repo, "mv", "lib", "vendor/sub")
    git(app_repo, "add", "vendor/README")
    git(app_repo, "commit", "-q", "-m", "vendor")
    before = {**state(app_repo), **state(nested)}
    plan = write_plan(plans, "name: drop-vendor\nsteps:\n  - delete: [vendor]\n")
    for extra in ([], ["--dry-run"]):
        run = migrate("apply", plan, "--target", app_repo, "--allow-dirty", *extra)
        assert_one_error(run, 3, "delete path 'vendor' holds vendor/", "repository")
    assert_same(before, {**state(app_repo), **state(nested)})
