"""The patch step: clean apply, 3-way fallback, and a hunk that does not apply."""

from __future__ import annotations

import pytest

from migrator.errors import PathEscapesTarget, PreflightError, StepFailed
from migrator.steps.patch import PatchStep, parse_diff

CONFIG = "".join(f"line {i}\n" for i in range(1, 21))


@pytest.fixture
def target(tmp_path, make_repo):
    return make_repo(tmp_path / "target", {"app/config.py": CONFIG, "run.py": "print('hi')\n"})


def ship_diff(git, tmp_path, target, edit):
    """Make a git diff of `edit` applied to the committed tree, then undo the edit (paths
    relative to `target`, a folder inside its repository or the repository itself)."""
    edit(target)
    diff = git(target, "diff", "--relative")
    git(target, "checkout", "--", ".")
    plan = tmp_path / "plan" / "files"
    plan.mkdir(parents=True, exist_ok=True)
    (plan / "hand.diff").write_text(diff)
    return tmp_path / "plan"


def change_line_10(root):
    path = root / "app/config.py"
    path.write_text(path.read_text().replace("line 10\n", "line 10 edited by hand\n"))


def test_applies_and_declares_the_files_it_touches(tmp_path, target, make_ctx, git):
    plan_dir = ship_diff(git, tmp_path, target, change_line_10)
    step = PatchStep.model_validate({"file": "files/hand.diff"})
    ctx = make_ctx(target, plan_dir=plan_dir)
    step.preflight(ctx)
    assert step.declared_paths() == ["app/config.py"]
    outcome = step.apply(ctx)
    assert "line 10 edited by hand\n" in (target / "app/config.py").read_text()
    assert outcome.summary == "applied files/hand.diff to 1 file(s)"


def test_three_way_merge_when_the_context_moved_on(tmp_path, target, make_ctx, git):
    plan_dir = ship_diff(git, tmp_path, target, change_line_10)
    # the target changed right next to the hunk since the diff was made
    path = target / "app/config.py"
    path.write_text(path.read_text().replace("line 8\n", "line 8 changed upstream\n"))
    git(target, "commit", "-qam", "upstream change")
    index_before = (target / ".git/index").read_bytes()

    outcome = PatchStep.model_validate({"file": "files/hand.diff"}).apply(make_ctx(target, plan_dir=plan_dir))

    text = path.read_text()
    assert "line 8 changed upstream\nline 9\nline 10 edited by hand\n" in text
    assert "with a 3-way merge" in outcome.summary
    assert outcome.notes == [
        "files/hand.diff: hunk #1 (@@ -7,7 +7,7 @@) of app/config.py does not apply, merged with --3way instead"
    ]
    # the repository's own index is not touched
    assert (target / ".git/index").read_bytes() == index_before


def test_three_way_merge_over_uncommitted_changes_of_earlier_steps(tmp_path, target, make_ctx, git):
    plan_dir = ship_diff(git, tmp_path, target, change_line_10)
    # an earlier step of the same run changed the file; nothing is committed or staged
    path = target / "app/config.py"
    path.write_text(path.read_text().replace("line 8\n", "line 8 changed by a codemod\n"))

    outcome = PatchStep.model_validate({"file": "files/hand.diff"}).apply(make_ctx(target, plan_dir=plan_dir))

    assert "line 8 changed by a codemod\nline 9\nline 10 edited by hand\n" in path.read_text()
    assert "with a 3-way merge" in outcome.summary
    assert git(target, "diff", "--cached", "--name-only") == ""


def test_a_hunk_that_does_not_apply_fails_naming_file_and_hunk(tmp_path, target, make_ctx, git):
    plan_dir = ship_diff(git, tmp_path, target, change_line_10)
    path = target / "app/config.py"
    path.write_text(path.read_text().replace("line 10\n", "line 10 rewritten differently\n"))
    git(target, "commit", "-qam", "conflicting change")
    before = path.read_bytes()

    with pytest.raises(StepFailed) as failed:
        PatchStep.model_validate({"file": "files/hand.diff"}).apply(make_ctx(target, plan_dir=plan_dir))

    message = str(failed.value)
    assert message.startswith(
        "patch files/hand.diff: hunk #1 (@@ -7,7 +7,7 @@) of app/config.py does not apply; "
        "3-way merge failed: conflicts in app/config.py"
    )
    assert "\n" not in message
    assert path.read_bytes() == before  # no conflict markers left behind
    assert git(target, "status", "--porcelain") == ""


@pytest.fixture
def monorepo(tmp_path, make_repo):
    """The app in backend/ of its repository, a frontend beside it."""
    return make_repo(tmp_path / "repo", {"backend/app/config.py": CONFIG,
                                         "frontend/app/config.py": CONFIG})


def test_a_target_inside_a_repository_takes_the_diff_relative_to_it(
        tmp_path, monorepo, make_ctx, git):
    """The diff names app/config.py; git alone would skip it (outside backend/ from the top)."""
    plan_dir = ship_diff(git, tmp_path, monorepo / "backend", change_line_10)
    assert "a/app/config.py" in (plan_dir / "files/hand.diff").read_text()

    outcome = PatchStep.model_validate({"file": "files/hand.diff"}).apply(
        make_ctx(monorepo / "backend", plan_dir=plan_dir))

    assert outcome.summary == "applied files/hand.diff to 1 file(s)"
    assert "line 10 edited by hand\n" in (monorepo / "backend/app/config.py").read_text()
    assert (monorepo / "frontend/app/config.py").read_text() == CONFIG


def test_a_target_inside_a_repository_names_its_own_paths_when_a_hunk_fails(
        tmp_path, monorepo, make_ctx, git):
    backend = monorepo / "backend"
    plan_dir = ship_diff(git, tmp_path, backend, change_line_10)
    path = backend / "app/config.py"
    path.write_text(path.read_text().replace("line 10\n", "line 10 rewritten differently\n"))
    git(monorepo, "commit", "-qam", "conflicting change")

    with pytest.raises(StepFailed) as failed:
        PatchStep.model_validate({"file": "files/hand.diff"}).apply(
            make_ctx(backend, plan_dir=plan_dir))

    assert str(failed.value).startswith(
        "patch files/hand.diff: hunk #1 (@@ -7,7 +7,7 @@) of app/config.py does not apply; "
        "3-way merge failed: conflicts in app/config.py")


def test_a_diff_without_the_blobs_fails_clearly(tmp_path, target, make_ctx):
    plan = tmp_path / "plan" / "files"
    plan.mkdir(parents=True)
    (plan / "hand.diff").write_text(
        "--- a/run.py\n+++ b/run.py\n@@ -1 +1 @@\n-print('something else')\n+print('bye')\n"
    )
    with pytest.raises(StepFailed, match=r"hunk #1 \(@@ -1 \+1 @@\) of run.py does not apply; "
                                         r"3-way merge failed: "):
        PatchStep.model_validate({"file": "files/hand.diff"}).apply(make_ctx(target, plan_dir=tmp_path / "plan"))
    assert (target / "run.py").read_text() == "print('hi')\n"


def test_new_and_deleted_files_are_declared(tmp_path, target, make_ctx, git):
    def edit(root):
        (root / "app/new.py").write_text("NEW = 1\n")
        (root / "run.py").unlink()
        git(root, "add", "-A")

    def staged_diff(root):
        edit(root)
        diff = git(root, "diff", "--cached")
        git(root, "reset", "-q", "--hard")
        return diff

    plan = tmp_path / "plan" / "files"
    plan.mkdir(parents=True)
    (plan / "hand.diff").write_text(staged_diff(target))
    step = PatchStep.model_validate({"file": "files/hand.diff"})
    ctx = make_ctx(target, plan_dir=tmp_path / "plan")
    step.preflight(ctx)
    assert step.declared_paths() == ["app/new.py", "run.py"]
    step.apply(ctx)
    assert (target / "app/new.py").read_text() == "NEW = 1\n"
    assert not (target / "run.py").exists()


def test_paths_escaping_the_target_are_refused(tmp_path, target, make_ctx):
    plan = tmp_path / "plan" / "files"
    plan.mkdir(parents=True)
    (plan / "evil.diff").write_text("--- a/../x.py\n+++ b/../x.py\n@@ -0,0 +1 @@\n+X = 1\n")
    with pytest.raises(PathEscapesTarget):
        PatchStep.model_validate({"file": "files/evil.diff"}).preflight(make_ctx(target, plan_dir=tmp_path / "plan"))


def test_not_a_diff_is_refused(tmp_path, target, make_ctx):
    plan = tmp_path / "plan" / "files"
    plan.mkdir(parents=True)
    (plan / "notes.diff").write_text("just some text\n")
    with pytest.raises(PreflightError, match="is not a unified diff"):
        PatchStep.model_validate({"file": "files/notes.diff"}).preflight(make_ctx(target, plan_dir=tmp_path / "plan"))


def test_parse_diff_strip_levels():
    text = "--- x/y/a.py\n+++ x/y/a.py\n@@ -3,2 +3,3 @@ def f():\n"
    assert [(f.path, f.hunks) for f in parse_diff(text, strip=2)] == [("a.py", [(3, "@@ -3,2 +3,3 @@")])]


def test_a_rename_declares_both_paths():
    text = (
        "diff --git a/app/old.py b/app/new.py\nsimilarity index 100%\n"
        "rename from app/old.py\nrename to app/new.py\n"
    )
    assert sorted({f.path for f in parse_diff(text)}) == ["app/new.py", "app/old.py"]
