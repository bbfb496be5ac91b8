"""The copier step on a tiny real template: as its own tagged repo, and as a plain folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from migrator.errors import PathEscapesTarget, PreflightError, StepFailed
from migrator.steps.copier import CopierStep

TEMPLATE = {
    "copier.yml": (
        "_subdirectory: template\n"
        "project_name:\n  type: str\n  default: modern-app\n"
        "use_s3:\n  type: bool\n  default: false\n"
    ),
    "template/{{_copier_conf.answers_file}}.jinja": (
        "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
        "{{ _copier_answers|to_nice_yaml -}}\n"
    ),
    "template/common/__init__.py.jinja": '"""Shared code of {{ project_name }}."""\n',
    "template/common/{% if use_s3 %}storage.py{% endif %}.jinja": "BUCKET = '{{ project_name }}'\n",
    "template/app/config.py": "TEMPLATE_CONFIG = True\n",
    "template/run.py": "print('template runner')\n",
    "template/pyproject.toml.jinja": (
        '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n'
        'dependencies = [\n    "flask>=3.0",\n    "waitress>=3.0",\n]\n\n'
        "[tool.mypy]\nstrict = true\n"
    ),
    "template/.env.example": (
        "# Template settings\n\n# Flask\nSECRET_KEY=dev\n"
        "# Bearer token for /health/drain\nDRAIN_AUTH_KEY=\n"
    ),
    "template/.gitignore": "__pycache__/\n.venv/\n",
}

APP = {
    "app/__init__.py": "",
    "app/config.py": "APP_CONFIG = True\n",
    "run.py": "print('app runner')\n",
    "pyproject.toml": (
        "# the app's build\n[tool.poetry]\nname = \"inventory\"\n\n"
        "[tool.poetry.dependencies]\npython = \"^3.11\"\nFlask = \"^3.0\"  # pinned by us\n"
    ),
    ".env.example": "# Inventory\nSECRET_KEY=change-me\n",
    ".gitignore": "__pycache__/\n*.db\n",
}

STEP = {
    "src": "../../ModernAppTemplate/backend",
    "data": {"project_name": "electronics-inventory", "use_s3": True},
    "skip": ["app/config.py"],
    "merge": {"pyproject.toml": "toml", ".env.example": "dotenv", ".gitignore": "lines"},
}


@pytest.fixture
def layout(tmp_path: Path, make_repo, git):
    """ModernAppTemplate/backend (tagged v0.1.0) beside ElectronicsInventory/backend."""
    template = make_repo(tmp_path / "ModernAppTemplate" / "backend", TEMPLATE)
    git(template, "tag", "v0.1.0")
    target = make_repo(tmp_path / "ElectronicsInventory" / "backend", APP)
    return template, target


def answers(target: Path) -> dict:
    return yaml.safe_load((target / ".copier-answers.yml").read_text())


def test_git_template_records_commit_and_relative_src(layout, make_ctx):
    _, target = layout
    step = CopierStep.model_validate({**STEP, "ref": "v0.1.0"})
    ctx = make_ctx(target)
    step.preflight(ctx)
    outcome = step.apply(ctx)

    assert answers(target) == {
        "_commit": "v0.1.0",
        "_src_path": "../../ModernAppTemplate/backend",
        "project_name": "electronics-inventory",
        "use_s3": True,
    }
    assert ctx.warnings == []
    assert "at v0.1.0" in outcome.summary
    assert (target / "common/__init__.py").read_text() == '"""Shared code of electronics-inventory."""\n'
    assert (target / "common/storage.py").read_text() == "BUCKET = 'electronics-inventory'\n"
    # skipped file kept, other existing files overwritten
    assert (target / "app/config.py").read_text() == "APP_CONFIG = True\n"
    assert (target / "run.py").read_text() == "print('template runner')\n"


def test_merged_files_keep_the_app_and_gain_the_template(layout, make_ctx):
    _, target = layout
    outcome = CopierStep.model_validate(STEP).apply(make_ctx(target))

    pyproject = (target / "pyproject.toml").read_text()
    assert pyproject.startswith("# the app's build\n[tool.poetry]\nname = \"inventory\"\n")
    assert 'Flask = "^3.0"  # pinned by us\nwaitress = ">=3.0"\n' in pyproject
    assert "[project]" not in pyproject and "[tool.mypy]\nstrict = true\n" in pyproject
    assert (target / ".env.example").read_text() == (
        "# Inventory\nSECRET_KEY=change-me\n\n# Bearer token for /health/drain\nDRAIN_AUTH_KEY=\n"
    )
    assert (target / ".gitignore").read_text() == "__pycache__/\n*.db\n\n.venv/\n"
    assert any(n.startswith("pyproject.toml: merged (toml), added") for n in outcome.notes)


def test_overwrite_false_keeps_existing_files_but_still_merges(layout, make_ctx):
    _, target = layout
    CopierStep.model_validate({**STEP, "overwrite": False}).apply(make_ctx(target))
    assert (target / "run.py").read_text() == "print('app runner')\n"
    assert "waitress" in (target / "pyproject.toml").read_text()
    assert (target / "common/__init__.py").exists()
    assert answers(target)["project_name"] == "electronics-inventory"


def test_plain_folder_template_warns_and_records_no_commit(tmp_path, layout, make_ctx):
    template, target = layout
    shutil.rmtree(template / ".git")
    ctx = make_ctx(target)
    step = CopierStep.model_validate(STEP)
    step.preflight(ctx)
    assert len(ctx.warnings) == 1
    assert "plain folder" in ctx.warnings[0] and "copier update" in ctx.warnings[0]
    outcome = step.apply(ctx)
    assert "_commit" not in answers(target)
    assert answers(target)["_src_path"] == "../../ModernAppTemplate/backend"
    assert "(no _commit)" in outcome.summary
    assert any("no _commit" in n for n in outcome.notes)


def test_subfolder_of_a_repository_is_named_in_the_warning(tmp_path, make_repo, make_ctx):
    repo = make_repo(tmp_path / "ModernAppTemplate", {f"backend/{k}": v for k, v in TEMPLATE.items()})
    target = make_repo(tmp_path / "ElectronicsInventory" / "backend", APP)
    ctx = make_ctx(target)
    CopierStep.model_validate(STEP).preflight(ctx)
    assert f"a subfolder of the git repository {repo.resolve()}" in ctx.warnings[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"src": "../../Nowhere/backend"}, "template '../../Nowhere/backend' not found"),
        ({"src": "../../ElectronicsInventory/backend"}, "is not a Copier template: no copier.yml"),
        ({"ref": "v9.9.9"}, "has no tag or commit 'v9.9.9'"),
        ({"merge": {"../outside.toml": "toml"}}, "is not inside the target"),
    ],
)
def test_preflight_refusals(layout, make_ctx, change, message):
    _, target = layout
    with pytest.raises(PreflightError, match=message.replace("(", r"\(")):
        CopierStep.model_validate({**STEP, **change}).preflight(make_ctx(target))


def test_ref_on_a_plain_folder_is_refused(layout, make_ctx):
    template, target = layout
    shutil.rmtree(template / ".git")
    with pytest.raises(PreflightError, match="not a git repository root, so ref 'v0.1.0'"):
        CopierStep.model_validate({**STEP, "ref": "v0.1.0"}).preflight(make_ctx(target))


def _tasks_refused_then_run_with_trust(tmp_path, make_repo, make_ctx, files) -> Path:
    """The template `files` has a task touching `task-ran`: refused without trust, run once
    --trust is given (on the command line is enough). Returns the target."""
    make_repo(tmp_path / "ModernAppTemplate" / "backend", files)
    target = make_repo(tmp_path / "ElectronicsInventory" / "backend", APP)
    with pytest.raises(PreflightError, match="uses tasks, which run code"):
        CopierStep.model_validate(STEP).preflight(make_ctx(target))
    ctx = make_ctx(target, trust=True)
    step = CopierStep.model_validate(STEP)
    step.preflight(ctx)
    step.apply(ctx)
    assert (target / "task-ran").exists()
    return target


def test_tasks_need_trust(tmp_path, make_repo, make_ctx):
    files = dict(TEMPLATE)
    files["copier.yml"] += "_tasks:\n  - [touch, task-ran]\n"
    _tasks_refused_then_run_with_trust(tmp_path, make_repo, make_ctx, files)


def test_a_copier_yml_in_several_documents_and_includes_is_read_as_copier_reads_it(
    tmp_path, make_repo, make_ctx
):
    """Copier merges the documents of copier.yml and resolves `!include`; the step's own
    reading of it (tasks need trust, `_skip_if_exists`) must see the same configuration."""
    files = dict(TEMPLATE)
    files["copier.yml"] = (
        "_subdirectory: template\n"
        "---\n"
        "project_name:\n  type: str\n  default: modern-app\n"
        "use_s3:\n  type: bool\n  default: false\n"
        "---\n"
        "!include includes/*.yml\n"
    )
    files["includes/tasks.yml"] = "_tasks:\n  - [touch, task-ran]\n"
    target = _tasks_refused_then_run_with_trust(tmp_path, make_repo, make_ctx, files)
    assert (target / "common/storage.py").read_text() == "BUCKET = 'electronics-inventory'\n"


@pytest.mark.parametrize(
    "config", ["_subdirectory: [template\n", "_subdirectory: template\n---\n!include ../*.yml\n"],
    ids=["bad-yaml", "include-outside"],
)
def test_an_unreadable_copier_yml_is_one_line_naming_it(tmp_path, make_repo, make_ctx, config):
    (tmp_path / "ModernAppTemplate").mkdir()
    (tmp_path / "ModernAppTemplate" / "outside.yml").write_text("_tasks: [[touch, pwned]]\n")
    template = make_repo(tmp_path / "ModernAppTemplate" / "backend", {**TEMPLATE, "copier.yml": config})
    target = make_repo(tmp_path / "ElectronicsInventory" / "backend", APP)
    with pytest.raises(PreflightError) as refused:
        CopierStep.model_validate(STEP).preflight(make_ctx(target))
    message = str(refused.value)
    assert message.startswith(f"template {template / 'copier.yml'} is not a valid Copier configuration")
    assert "\n" not in message


def test_escape_is_a_path_error(layout, make_ctx):
    _, target = layout
    with pytest.raises(PathEscapesTarget):
        CopierStep.model_validate({**STEP, "answers_file": "/tmp/answers.yml"}).preflight(
            make_ctx(target)
        )


def test_copier_update_works_afterwards(layout, make_ctx, git):
    """The recorded _src_path/_commit are what `copier update` needs."""
    template, target = layout
    CopierStep.model_validate({**STEP, "ref": "v0.1.0"}).apply(make_ctx(target))
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "migrated")
    (template / "template/run.py").write_text("print('template runner v2')\n")
    git(template, "commit", "-qam", "v0.2.0")
    git(template, "tag", "v0.2.0")
    subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--skip-answered", "--trust"],
        cwd=target, check=True, capture_output=True,
    )
    assert answers(target)["_commit"] == "v0.2.0"
    assert (target / "run.py").read_text() == "print('template runner v2')\n"


def test_a_merged_file_the_app_lacks_comes_from_the_template(layout, make_ctx):
    _, target = layout
    (target / ".gitignore").unlink()
    outcome = CopierStep.model_validate(STEP).apply(make_ctx(target))
    assert (target / ".gitignore").read_text() == "__pycache__/\n.venv/\n"
    assert ".gitignore: taken from the template (the app had none)" in outcome.notes


def test_an_app_file_that_does_not_parse_fails_the_merge_and_is_kept(layout, make_ctx):
    _, target = layout
    (target / "pyproject.toml").write_text("[tool.poetry\nname = 'broken'\n")
    with pytest.raises(StepFailed, match=r"^merge pyproject.toml \(toml\): "):
        CopierStep.model_validate(STEP).apply(make_ctx(target))
    assert (target / "pyproject.toml").read_text() == "[tool.poetry\nname = 'broken'\n"


def test_a_template_error_is_one_line(tmp_path, make_repo, make_ctx):
    files = {**TEMPLATE, "template/broken.txt.jinja": "{{ project_name | no_such_filter }}\n"}
    make_repo(tmp_path / "ModernAppTemplate" / "backend", files)
    target = make_repo(tmp_path / "ElectronicsInventory" / "backend", APP)
    with pytest.raises(StepFailed) as failed:
        CopierStep.model_validate(STEP).apply(make_ctx(target))
    assert str(failed.value).startswith("copier ../../ModernAppTemplate/backend: ")
    assert "no_such_filter" in str(failed.value) and "\n" not in str(failed.value)


def test_exclude_creates_nothing_there_and_leaves_the_apps_file(layout, make_ctx):
    """`exclude`: template files not created at all; `skip`: existing files not overwritten."""
    _, target = layout
    (target / "common").mkdir()
    (target / "common/storage.py").write_text("APP_STORAGE = True\n")
    step = CopierStep.model_validate({**STEP, "exclude": ["common/storage.py", "run.py"]})
    step.apply(make_ctx(target))
    assert (target / "common/__init__.py").exists()
    assert (target / "common/storage.py").read_text() == "APP_STORAGE = True\n"
    assert (target / "run.py").read_text() == "print('app runner')\n"
    fresh = CopierStep.model_validate({**STEP, "exclude": ["common/"]})
    (target / "common/__init__.py").unlink()
    fresh.apply(make_ctx(target))
    assert not (target / "common/__init__.py").exists()


def test_excluded_files_stay_away_after_copier_update(layout, make_ctx, git):
    template, target = layout
    step = CopierStep.model_validate({**STEP, "ref": "v0.1.0", "exclude": ["common/storage.py"]})
    step.apply(make_ctx(target))
    assert not (target / "common/storage.py").exists()
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "migrated")
    (template / "template/run.py").write_text("print('template runner v2')\n")
    git(template, "commit", "-qam", "v0.2.0")
    git(template, "tag", "v0.2.0")
    subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--skip-answered", "--trust"],
        cwd=target, check=True, capture_output=True,
    )
    assert (target / "run.py").read_text() == "print('template runner v2')\n"
    assert not (target / "common/storage.py").exists()


@pytest.mark.parametrize(("values", "message"), [
    ({"exclude": ["pyproject.toml"]}, "pyproject.toml is both excluded and merged"),
    ({"exclude": [".copier-answers.yml"]}, "the answers file .copier-answers.yml cannot be excluded"),
])
def test_exclude_conflicts_are_plan_errors(values, message):
    with pytest.raises(ValueError, match=message):
        CopierStep.model_validate({**STEP, **values})
