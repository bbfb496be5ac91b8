"""The relocate step: modules and packages move with their history, imports and references.

`cases/relocate/<case>/` holds a `before/` tree, the `after/` tree the step must leave
(every file, byte for byte) and `params.yaml` (the step's settings as a plan gives them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from migrator.errors import CodemodParseError, PathEscapesTarget, PreflightError
from migrator.plan import load_plan
from migrator.steps.relocate import RelocateStep

CASES = Path(__file__).parent / "cases" / "relocate"


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def repo_from(tree: Path, where: Path, git) -> Path:
    shutil.copytree(tree, where)
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "before")
    return where


def step_of(case: Path) -> RelocateStep:
    return RelocateStep.model_validate(yaml.safe_load((case / "params.yaml").read_text()))


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_case(case: Path, tmp_path: Path, git, make_ctx) -> None:
    root = repo_from(case / "before", tmp_path / "app", git)
    step_of(case).apply(make_ctx(root))
    got, expected = files_of(root), files_of(case / "after")
    assert sorted(got) == sorted(expected)
    for rel, data in expected.items():
        assert got[rel].decode() == data.decode(), rel
    for rel in expected:
        if rel.endswith(".py"):
            compile(got[rel], rel, "exec")
    # a second run finds its sources gone and refuses before writing anything
    with pytest.raises(PreflightError, match="the source is missing"):
        step_of(case).preflight(make_ctx(root))


def test_git_sees_the_moves_as_renames(tmp_path: Path, git, make_ctx) -> None:
    case = CASES / "package_relative_imports_every_depth"
    root = repo_from(case / "before", tmp_path / "app", git)
    step_of(case).apply(make_ctx(root))
    git(root, "add", "-A")
    status = git(root, "diff", "--cached", "-M", "--name-status", "HEAD")
    renames = {line.split("\t")[1]: line.split("\t")[2] for line in status.splitlines()
               if line.startswith("R")}
    assert renames["app/domain/services/task_service.py"] == "app/core/services/task_service.py"
    assert renames["app/domain/services/templates/mail.txt"] == \
        "app/core/services/templates/mail.txt"
    assert renames["app/domain/services/workers/runner.py"] == "app/core/services/workers/runner.py"


def test_outcome_and_ignored_files_left_behind(tmp_path: Path, git, make_ctx) -> None:
    case = CASES / "package_relative_imports_every_depth"
    root = repo_from(case / "before", tmp_path / "app", git)
    (root / ".gitignore").write_text("__pycache__/\n")
    cache = root / "app/domain/services/__pycache__"
    cache.mkdir()
    (cache / "task_service.cpython-311.pyc").write_bytes(b"\0")
    outcome = step_of(case).apply(make_ctx(root))
    assert outcome.summary.startswith("relocated 1 module(s)/package(s), 6 file(s); "
                                      "re-anchored relative imports in 3 file(s); move: rewrote ")
    assert "created app/core/__init__.py" in outcome.notes
    assert ("app/domain/services/ stays for 1 file(s) git ignores: "
            "__pycache__/task_service.cpython-311.pyc") in outcome.notes
    assert (cache / "task_service.cpython-311.pyc").exists(), "ignored files are never moved"
    assert outcome.rewrites["app/core/services/workers/runner.py"] == {"relocate": 1}


def test_the_bare_map_and_the_moves_key_are_the_same_step(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: p\nsteps:\n"
                    "  - relocate: {app.a: app.b}\n"
                    "  - relocate: {moves: {app.c: app.d}}\n    name: second\n")
    first, second = load_plan(plan).steps
    assert isinstance(first, RelocateStep) and first.moves == {"app.a": "app.b"}
    assert first.title() == "relocate app.a -> app.b"
    assert isinstance(second, RelocateStep) and second.moves == {"app.c": "app.d"}


TREE = {
    "app/__init__.py": "",
    "app/a.py": "X = 1\n",
    "app/b.py": "from .a import X\n",
    "app/pkg/__init__.py": "",
    "app/pkg/c.py": "Y = 2\n",
    "app/util.py": "Z = 3\n",
}


@pytest.mark.parametrize(("moves", "message"), [
    ({"app.missing": "app.new"}, ("relocate app.missing: the source is missing (neither "
                                 "app/missing.py nor app/missing/)")),
    ({"app.a": "app.b"}, "relocate app.a: the destination app/b.py exists"),
    ({"app.a": "app.pkg"}, "relocate app.a: the destination app/pkg exists"),
    ({"app.a": "app.new", "app.b": "app.new"}, "relocate: app.a and app.b both move to app.new"),
    ({"app.pkg": "app.core", "app.pkg.c": "app.c2"}, ("relocate: app.pkg.c lies inside the "
                                                     "source app.pkg of another move")),
    ({"app.a": "app.core", "app.b": "app.core.b"}, ("relocate: app.core.b lies inside the "
                                                   "destination app.core of another move")),
    ({"app.a": "app.pkg.a", "app.pkg": "app.other"}, ("relocate: app.pkg.a lies inside the "
                                                     "source app.pkg of another move")),
    ({"app.a": "app.util.a"}, ("relocate app.a: app/util.py is a module, so app.util.a cannot "
                              "be created inside it")),
])
def test_refusals_before_anything_is_written(tmp_path: Path, make_repo, make_ctx, moves,
                                             message) -> None:
    root = make_repo(tmp_path / "app", TREE)
    before = files_of(root)
    with pytest.raises(PreflightError) as refused:
        RelocateStep(moves=moves).preflight(make_ctx(root))
    assert refused.value.message == message
    assert refused.value.exit_code == 3
    assert files_of(root) == before


def test_a_source_that_is_both_module_and_package_is_refused(tmp_path: Path, make_repo,
                                                             make_ctx) -> None:
    root = make_repo(tmp_path / "app", {**TREE, "app/pkg.py": "W = 0\n"})
    with pytest.raises(PreflightError, match="both a module file and a package folder"):
        RelocateStep(moves={"app.pkg": "app.x"}).preflight(make_ctx(root))


def test_a_symlink_among_the_moved_files_is_refused(tmp_path: Path, make_repo, make_ctx) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 1\n")
    root = make_repo(tmp_path / "app", TREE)
    (root / "app/pkg/linked.py").symlink_to(outside)
    with pytest.raises(PreflightError, match="relocate: app/pkg/linked.py is a symbolic link"):
        RelocateStep(moves={"app.pkg": "app.core"}).preflight(make_ctx(root))
    with pytest.raises(PreflightError, match="relocate: app/pkg/linked.py is a symbolic link"):
        RelocateStep(moves={"app.pkg": "app.core"}).apply(make_ctx(root))
    assert outside.read_text() == "SECRET = 1\n"
    assert (root / "app/pkg/c.py").exists()


def test_a_symlink_out_of_the_target_is_refused(tmp_path: Path, make_repo, make_ctx) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = make_repo(tmp_path / "app", TREE)
    (root / "app/escape").symlink_to(outside)
    with pytest.raises(PathEscapesTarget, match="through a symlink, outside the target"):
        RelocateStep(moves={"app.a": "app.escape.a"}).preflight(make_ctx(root))
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("moves", [{"app.a": "app.a.b"}, {"app.a.b": "app.a"},
                                   {"app/a": "app.b"}])
def test_moves_into_themselves_or_not_dotted_are_plan_errors(moves) -> None:
    with pytest.raises(ValueError, match="into itself|not a dotted module name"):
        RelocateStep(moves=moves)


def test_a_moved_file_that_does_not_parse_fails_with_nothing_written(tmp_path: Path, make_repo,
                                                                    make_ctx) -> None:
    root = make_repo(tmp_path / "app", {**TREE, "app/a.py": "def broken(:\n"})
    before = files_of(root)
    with pytest.raises(CodemodParseError, match="app/a.py:1: cannot parse"):
        RelocateStep(moves={"app.a": "app.core.a"}).apply(make_ctx(root))
    assert files_of(root) == before
    assert not (root / "app/core").exists()


def test_folders_left_empty_are_removed(tmp_path: Path, make_repo, make_ctx) -> None:
    root = make_repo(tmp_path / "app", {**TREE, "scripts/jobs/nightly.py": "RUN = 1\n",
                                        "scripts/jobs/weekly.py": "RUN = 7\n"})
    RelocateStep(moves={"scripts.jobs.nightly": "app.jobs.nightly",
                        "scripts.jobs.weekly": "app.jobs.weekly"}).apply(make_ctx(root))
    assert (root / "app/jobs/nightly.py").read_text() == "RUN = 1\n"
    assert (root / "app/jobs/weekly.py").read_text() == "RUN = 7\n"
    assert not (root / "scripts").exists()
    assert (root / "app/pkg").is_dir(), "other folders stay"


def test_untracked_files_move_with_the_package(tmp_path: Path, make_repo, make_ctx) -> None:
    root = make_repo(tmp_path / "app", TREE)
    (root / "app/pkg/new.py").write_text("from .c import Y\n")
    RelocateStep(moves={"app.pkg": "lib.pkg"}).apply(make_ctx(root))
    assert (root / "lib/pkg/new.py").read_text() == "from .c import Y\n"
    assert (root / "lib/__init__.py").read_bytes() == b""
    assert not (root / "app/pkg").exists()
    assert subprocess.run(["git", "status", "--porcelain", "--", "app/pkg"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.startswith(" D")
