"""The update path: a project generated from tag v0.1.0 is moved to v0.2.0 by copier-update.sh.

The template is published as its own git repository (as the demo lays out
``ModernAppTemplate/backend``), a project is generated from it and gets an
application change, the template gets a change tagged v0.2.0, and
``scripts/copier-update.sh`` brings it over. Copier is found the way this machine
offers it: as ``python -m copier`` of the active environment, no ``copier`` command.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from rendering import APP_OWNED, TEMPLATE_ROOT

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.invalid",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.invalid",
}
METRICS_DOCSTRING = (
    '"""``GET /metrics``: every metric of the process in the Prometheus text format."""'
)


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def only_python_m_copier(tmp_path: Path) -> Mapping[str, str]:
    """An environment whose PATH offers ``python`` (this venv's) and git, but no ``copier``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A wrapper, not a symlink: a venv's python only finds its packages under its own path.
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    git_path = shutil.which("git")
    assert git_path is not None
    (bin_dir / "git").symlink_to(git_path)
    env = {key: value for key, value in os.environ.items() if key != "COPIER"}
    env.update(GIT_IDENTITY)
    env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    return env


def publish_template(root: Path) -> Path:
    """This template published as a git repository with the tag v0.1.0."""
    repo = root / "ModernAppTemplate" / "backend"
    shutil.copytree(
        TEMPLATE_ROOT,
        repo,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"),
    )
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Template 0.1.0")
    git(repo, "tag", "v0.1.0")
    return repo


def generate_project(root: Path, template_repo: Path) -> Path:
    """A project generated from the latest tag and committed, plus an application change."""
    project = root / "inventory"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--data",
            "project_name=inventory",
            "--data",
            "use_s3=true",
            "--data",
            "use_sse=true",
            str(template_repo),
            str(project),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_IDENTITY},
    )
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from the template")

    config = project / "app" / "config.py"
    config.write_text(config.read_text() + "\n    MOUSER_API_KEY: str | None = None\n")
    (project / "app" / "api" / "parts.py").write_text('"""Parts API."""\n')
    commit_all(project, "Application change")
    return project


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    return publish_template(tmp_path)


@pytest.fixture
def project(tmp_path: Path, template_repo: Path) -> Path:
    return generate_project(tmp_path, template_repo)


@pytest.fixture(scope="session")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project for the tests that leave the template as it is."""
    root = tmp_path_factory.mktemp("shared-update")
    return generate_project(root, publish_template(root))


@pytest.fixture
def project_copy(shared_project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "inventory"
    shutil.copytree(shared_project, copy, symlinks=True)
    return copy


def release_template_change(template_repo: Path) -> None:
    """v0.2.0: a new common module, an edited one, and an edit to an app-owned starting file."""
    rendered = template_repo / "template"
    (rendered / "common" / "core" / "version.py").write_text(
        '"""The template release this common/ comes from."""\n\nTEMPLATE_VERSION = "0.2.0"\n'
    )
    metrics_routes = rendered / "common" / "metrics" / "routes.py"
    metrics_routes.write_text(
        metrics_routes.read_text().replace(
            METRICS_DOCSTRING,
            '"""``GET /metrics``: the Prometheus text format, for the scraper (v0.2.0)."""',
        )
    )
    app_config = rendered / "app" / "config.py.jinja"
    app_config.write_text(app_config.read_text() + "\n    TEMPLATE_STARTER_FIELD: int = 1\n")
    (template_repo / "VERSION").write_text("0.2.0\n")
    commit_all(template_repo, "Template 0.2.0")
    git(template_repo, "tag", "v0.2.0")


def run_update(project: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/copier-update.sh"],
        cwd=project,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_answers_file_records_the_release(shared_project: Path) -> None:
    answers = yaml.safe_load((shared_project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.1.0"
    assert answers["project_name"] == "inventory"
    assert answers["use_s3"] is True and answers["use_oidc"] is False


def test_update_brings_the_template_change_and_keeps_the_app_change(
    project: Path, template_repo: Path, only_python_m_copier: Mapping[str, str]
) -> None:
    release_template_change(template_repo)

    completed = run_update(project, only_python_m_copier)
    assert completed.returncode == 0, completed.stdout + completed.stderr

    assert "TEMPLATE_VERSION" in (project / "common" / "core" / "version.py").read_text()
    assert "(v0.2.0)" in (project / "common" / "metrics" / "routes.py").read_text()
    config = (project / "app" / "config.py").read_text()
    assert "MOUSER_API_KEY" in config
    assert "TEMPLATE_STARTER_FIELD" not in config
    assert (project / "app" / "api" / "parts.py").exists()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"
    assert answers["use_sse"] is True


def test_update_stops_on_conflicts(
    project: Path, template_repo: Path, only_python_m_copier: Mapping[str, str]
) -> None:
    routes = project / "common" / "metrics" / "routes.py"
    routes.write_text(
        routes.read_text().replace(METRICS_DOCSTRING, '"""Local edit of the metrics route."""')
    )
    commit_all(project, "Local edit of template-owned code")
    release_template_change(template_repo)

    completed = run_update(project, only_python_m_copier)

    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "conflicts with local changes" in completed.stderr
    assert "common/metrics/routes.py" in completed.stderr
    assert "<<<<<<<" in routes.read_text()


def test_update_refuses_a_dirty_tree(
    project_copy: Path, only_python_m_copier: Mapping[str, str]
) -> None:
    (project_copy / "app" / "config.py").write_text("# uncommitted\n")
    completed = run_update(project_copy, only_python_m_copier)
    assert completed.returncode == 1
    assert "uncommitted changes" in completed.stderr


def test_update_uses_the_copier_variable_and_skips_app_owned_files(
    project_copy: Path, tmp_path: Path, only_python_m_copier: Mapping[str, str]
) -> None:
    recorder = tmp_path / "record-copier"
    arguments = tmp_path / "arguments"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{arguments}"\n')
    recorder.chmod(0o755)

    completed = run_update(project_copy, {**only_python_m_copier, "COPIER": str(recorder)})

    assert completed.returncode == 0, completed.stdout + completed.stderr
    args = arguments.read_text().splitlines()
    assert args[:2] == ["update", "--answers-file"]
    assert {"--trust", "--defaults", "--conflict"} <= set(args)
    skipped = {args[i + 1] for i, arg in enumerate(args) if arg == "--skip"}
    assert skipped == set(APP_OWNED)
