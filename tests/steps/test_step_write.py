"""The write step: plain and Jinja-rendered content shipped beside the plan."""

from __future__ import annotations

import os

import pytest

from migrator.errors import PathEscapesTarget, PreflightError, StepFailed
from migrator.steps.write import WriteStep


@pytest.fixture
def plan_dir(tmp_path):
    files = tmp_path / "plan" / "files"
    files.mkdir(parents=True)
    (files / "cas_service.py").write_text("class CasService:\n    pass\n")
    (files / "config.py.jinja").write_text('PROJECT = "{{ project_name }}"\nS3 = {{ use_s3 }}\n')
    return tmp_path / "plan"


def step(**values):
    return WriteStep.model_validate(values)


def test_creates_a_file_from_the_plan(tmp_path, plan_dir, make_repo, make_ctx):
    target = make_repo(tmp_path / "target", {"app/__init__.py": ""})
    ctx = make_ctx(target, plan_dir=plan_dir)
    write = step(path="app/services/cas_service.py", **{"from": "files/cas_service.py"})
    write.preflight(ctx)
    outcome = write.apply(ctx)
    assert (target / "app/services/cas_service.py").read_text() == "class CasService:\n    pass\n"
    assert outcome.summary == "created app/services/cas_service.py from files/cas_service.py"
    assert write.declared_paths() == ["app/services/cas_service.py"]


def test_renders_with_the_plan_data_and_replaces(tmp_path, plan_dir, make_repo, make_ctx):
    target = make_repo(tmp_path / "target", {"app/config.py": "OLD = 1\n"})
    ctx = make_ctx(target, plan_dir=plan_dir, data={"project_name": "inventory", "use_s3": True})
    outcome = step(path="app/config.py", render=True, **{"from": "files/config.py.jinja"}).apply(ctx)
    assert (target / "app/config.py").read_text() == 'PROJECT = "inventory"\nS3 = True\n'
    assert outcome.summary.startswith("replaced app/config.py")


def test_undefined_variable_fails_the_step(tmp_path, plan_dir, make_repo, make_ctx):
    target = make_repo(tmp_path / "target", {"a.txt": ""})
    ctx = make_ctx(target, plan_dir=plan_dir, data={"project_name": "x"})
    with pytest.raises(StepFailed, match="'use_s3' is undefined"):
        step(path="app/config.py", render=True, **{"from": "files/config.py.jinja"}).apply(ctx)
    assert not (target / "app/config.py").exists()


def test_missing_source_is_refused_in_preflight(tmp_path, plan_dir, make_repo, make_ctx):
    target = make_repo(tmp_path / "target", {"a.txt": ""})
    with pytest.raises(PreflightError, match="'files/nope.py' not found beside the plan"):
        step(path="x.py", **{"from": "files/nope.py"}).preflight(make_ctx(target, plan_dir=plan_dir))


@pytest.mark.parametrize("path", ["../outside.py", "/etc/passwd", "app/../../x.py"])
def test_paths_outside_the_target_are_refused(tmp_path, plan_dir, make_repo, make_ctx, path):
    target = make_repo(tmp_path / "target", {"a.txt": ""})
    with pytest.raises(PathEscapesTarget, match="is not inside the target"):
        step(path=path, **{"from": "files/cas_service.py"}).preflight(make_ctx(target, plan_dir=plan_dir))


def test_symlink_out_of_the_target_is_refused(tmp_path, plan_dir, make_repo, make_ctx):
    target = make_repo(tmp_path / "target", {"a.txt": ""})
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", target / "link")
    with pytest.raises(PathEscapesTarget, match="through a symlink"):
        step(path="link/x.py", **{"from": "files/cas_service.py"}).preflight(
            make_ctx(target, plan_dir=plan_dir)
        )
    assert not (tmp_path / "elsewhere" / "x.py").exists()
