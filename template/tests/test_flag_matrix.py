"""All 16 feature-flag combinations: files, imports, the generated tests, lint and types.

Each combination is rendered once per session, and checked in its own interpreter
(``project_check.py``: imports, app probes, the project's pytest suite); the
checks run in parallel, then ruff (lint and format) runs once over all projects,
and mypy over the two extremes (every feature off, every feature on).
"""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from imports import undeclared
from rendering import (
    ALL_COMBINATIONS,
    ALL_FEATURES,
    FEATURE_FILES,
    FLAGS,
    combination_id,
    expected_files,
    render,
    rendered_files,
)

PROJECT_CHECK = Path(__file__).with_name("project_check.py")
BIN = Path(sys.executable).parent
NO_FEATURES = dict.fromkeys(FLAGS, False)

# CommonSettings fields and container providers each flag adds.
FLAG_SETTINGS = {
    "use_database": {
        "DATABASE_URL",
        "SQLALCHEMY_ECHO",
        "SQLALCHEMY_ENGINE_OPTIONS",
        "DB_POOL_SIZE",
        "DB_POOL_MAX_OVERFLOW",
        "DB_POOL_TIMEOUT",
        "DRAIN_AUTH_KEY",
    },
    "use_oidc": {
        "OIDC_ENABLED",
        "OIDC_ISSUER_URL",
        "OIDC_AUDIENCE",
        "OIDC_JWKS_URL",
        "OIDC_CLOCK_SKEW_SECONDS",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_SCOPES",
        "OIDC_TOKEN_URL",
        "OIDC_TOKEN_SOURCES",
        "OIDC_COOKIE_NAME",
        "OIDC_REFRESH_COOKIE_NAME",
        "OIDC_COOKIE_SECURE",
        "OIDC_COOKIE_SAMESITE",
    },
    "use_s3": {
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_BUCKET_NAME",
        "S3_REGION",
        "S3_USE_SSL",
    },
    "use_sse": {"SSE_GATEWAY_URL", "SSE_CALLBACK_SECRET"},
}
BASE_SETTINGS = {
    "SECRET_KEY",
    "FLASK_ENV",
    "DEBUG",
    "LOG_LEVEL",
    "HOST",
    "PORT",
    "CORS_ORIGINS",
    "GRACEFUL_SHUTDOWN_TIMEOUT",
    "METRICS_UPDATE_INTERVAL",
    "METRICS_INITIAL_DELAY_SECONDS",
    "TASK_MAX_WORKERS",
    "TASK_TIMEOUT_SECONDS",
    "TASK_CLEANUP_INTERVAL_SECONDS",
}
FLAG_PROVIDERS = {
    "use_database": {"session_maker", "db_session"},
    "use_oidc": {"token_validator", "oidc_client"},
    "use_s3": {"s3_service"},
    "use_sse": {"connection_manager"},
}
BASE_PROVIDERS = {
    "config",
    "common_settings",
    "shutdown_coordinator",
    "lifecycle_coordinator",
    "metrics_service",
    "task_service",
}


@dataclass
class Checked:
    flags: Mapping[str, bool]
    project: Path
    returncode: int
    output: str

    @property
    def result(self) -> dict[str, Any]:
        lines = [line for line in self.output.splitlines() if line.startswith("RESULT ")]
        assert lines, f"no result from project_check:\n{self.output}"
        parsed: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
        return parsed


@dataclass
class Matrix:
    checked: dict[str, Checked]
    ruff: subprocess.CompletedProcess[str]
    ruff_format: subprocess.CompletedProcess[str]
    mypy: dict[str, subprocess.CompletedProcess[str]]


def check_project(flags: Mapping[str, bool], project: Path) -> Checked:
    if not project.exists():
        render(project, flags)
    completed = subprocess.run(
        [sys.executable, str(PROJECT_CHECK), str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return Checked(flags, project, completed.returncode, completed.stdout + completed.stderr)


def run_mypy(projects: Mapping[str, Path], cache_dir: Path) -> dict[str, Any]:
    """mypy over each project in turn; the shared cache makes the later runs cheap."""
    return {
        name: subprocess.run(
            [sys.executable, "-m", "mypy", "--cache-dir", str(cache_dir), "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        for name, project in projects.items()
    }


@pytest.fixture(scope="session")
def matrix(full_project: Path, render_root: Path) -> Matrix:
    projects = {
        combination_id(flags): (
            flags,
            full_project if flags == ALL_FEATURES else render_root / combination_id(flags),
        )
        for flags in ALL_COMBINATIONS
    }
    none_project = projects[combination_id(NO_FEATURES)][1]
    render(none_project, NO_FEATURES)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        # mypy is the longest job: start it first.
        mypy_future = pool.submit(
            run_mypy, {"none": none_project, "all": full_project}, render_root / ".mypy_cache"
        )
        check_futures = {
            name: pool.submit(check_project, flags, project)
            for name, (flags, project) in projects.items()
        }
        checked = {name: future.result() for name, future in check_futures.items()}
        mypy = mypy_future.result()
    project_dirs = [str(c.project) for c in checked.values()]
    ruff, ruff_format = (
        subprocess.run(
            [str(BIN / "ruff"), *command, "--no-cache", *project_dirs],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        for command in (["check"], ["format", "--check"])
    )
    return Matrix(checked, ruff, ruff_format, mypy)


COMBINATION_IDS = [combination_id(flags) for flags in ALL_COMBINATIONS]


@pytest.mark.parametrize("name", COMBINATION_IDS)
def test_rendered_files_match_the_flags(matrix: Matrix, name: str) -> None:
    checked = matrix.checked[name]
    files = rendered_files(checked.project)
    expected = expected_files(checked.flags)
    assert sorted(expected - files) == [], "files of enabled features are missing"
    assert sorted(files - expected) == [], "files that no enabled feature renders are present"
    for flag, flag_files in FEATURE_FILES.items():
        if not checked.flags[flag]:
            assert not files & flag_files


@pytest.mark.parametrize("name", COMBINATION_IDS)
def test_project_imports_and_its_tests_pass(matrix: Matrix, name: str) -> None:
    checked = matrix.checked[name]
    assert checked.returncode == 0, checked.output
    result = checked.result
    assert result["pytest_exit_code"] == 0, checked.output
    assert "common.core.app" in result["modules"]
    assert result["probes"] == {
        "/health/healthz": 200,
        "/health/readyz": 200,
        "/metrics": 200,
        "/api/docs/openapi.json": 200,
    }


@pytest.mark.parametrize("name", COMBINATION_IDS)
def test_settings_and_providers_follow_the_flags(matrix: Matrix, name: str) -> None:
    checked = matrix.checked[name]
    enabled = [flag for flag in FLAGS if checked.flags[flag]]
    settings = set(BASE_SETTINGS).union(*(FLAG_SETTINGS[flag] for flag in enabled))
    providers = set(BASE_PROVIDERS).union(*(FLAG_PROVIDERS[flag] for flag in enabled))
    assert set(checked.result["settings_fields"]) == settings
    assert set(checked.result["providers"]) == providers


@pytest.mark.parametrize("name", COMBINATION_IDS)
def test_dependencies_follow_the_flags(matrix: Matrix, name: str) -> None:
    checked = matrix.checked[name]
    pyproject = (checked.project / "pyproject.toml").read_text()
    for flag, package in [
        ("use_database", '"sqlalchemy>'),
        ("use_database", '"alembic>'),
        ("use_s3", '"boto3>'),
        ("use_oidc", '"pyjwt[crypto]'),
    ]:
        assert (package in pyproject) is checked.flags[flag], (flag, package)
    needs_requests = checked.flags["use_sse"] or checked.flags["use_oidc"]
    assert ('"requests>' in pyproject) is needs_requests


@pytest.mark.parametrize("name", COMBINATION_IDS)
def test_every_imported_package_is_declared(matrix: Matrix, name: str) -> None:
    """app/, common/, alembic/ and run.py import only declared runtime dependencies; tests/
    and TYPE_CHECKING blocks may also use the dev extra."""
    assert undeclared(matrix.checked[name].project) == []


def test_ruff_is_clean_on_every_combination(matrix: Matrix) -> None:
    assert matrix.ruff.returncode == 0, matrix.ruff.stdout + matrix.ruff.stderr


def test_ruff_format_is_clean_on_every_combination(matrix: Matrix) -> None:
    assert matrix.ruff_format.returncode == 0, matrix.ruff_format.stdout


@pytest.mark.parametrize("extreme", ["none", "all"])
def test_mypy_is_clean(matrix: Matrix, extreme: str) -> None:
    completed = matrix.mypy[extreme]
    assert completed.returncode == 0, completed.stdout + completed.stderr


# -- A real application's shape on the generated tests --------------------------------------
APP_SHAPES = Path(__file__).with_name("app_shapes")
SPLIT_SETTINGS_ANSWERS = {
    "container_module": "app.services.container",
    "migration_tests_database": "postgresql",
    # Both real apps target 3.13; common/ stays 3.11-compatible and lint-clean there too.
    "python_version": "3.13",
}


@dataclass
class ShapedProject:
    project: Path
    tests: subprocess.CompletedProcess[str]
    postgres_tests: subprocess.CompletedProcess[str]
    ruff: subprocess.CompletedProcess[str]
    mypy: subprocess.CompletedProcess[str]


def run_in(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture(scope="session")
def split_settings_app(render_root: Path) -> ShapedProject:
    """Database and OIDC on, the container in app/services/, migration tests on PostgreSQL,
    and app files (``app_shapes/split_settings``) shaped like the customers' real apps."""
    project = render(
        render_root / "split-settings",
        {**NO_FEATURES, "use_database": True, "use_oidc": True},
        answers=SPLIT_SETTINGS_ANSWERS,
    )
    shutil.copytree(APP_SHAPES / "split_settings", project, dirs_exist_ok=True)
    (project / "README.md").unlink()
    ini = project / "alembic.ini"
    ini.write_text(
        ini.read_text().replace(
            "# models_metadata = app.extensions:db.metadata",
            "models_metadata = app.extensions:db.metadata",
        )
    )
    pytest_args = ["-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "tests", "-m"]
    return ShapedProject(
        project,
        run_in(project, *pytest_args, "not postgres"),
        run_in(project, *pytest_args, "postgres"),
        run_in(project, "-m", "ruff", "check", "--no-cache", "."),
        run_in(project, "-m", "mypy", "--cache-dir", str(render_root / ".mypy_cache"), "."),
    )


def test_container_module_places_the_starting_container(render_root: Path) -> None:
    project = render(
        render_root / "container-module",
        NO_FEATURES,
        answers={"container_module": "app.services.container"},
    )
    files = rendered_files(project)
    assert "app/services/container.py" in files and "app/container.py" not in files
    assert (
        "from app.services.container import AppContainer"
        in (project / "app/__init__.py").read_text()
    )
    assert "    app/services/container.py\n" in (project / "scripts/copier-update.sh").read_text()


def test_generated_tests_hold_on_a_real_app_shape(split_settings_app: ShapedProject) -> None:
    """Split settings, Flask-SQLAlchemy metadata, an emptied Prometheus registry: all pass."""
    tests = split_settings_app.tests
    assert tests.returncode == 0, tests.stdout[-6000:] + tests.stderr[-2000:]
    for test in (
        "tests/test_common/test_metrics.py::test_metrics_endpoint_serves_prometheus_text",
        "tests/test_common/test_database.py::test_models_metadata_is_found",
        "tests/test_app.py::test_flask_sqlalchemy_metadata_is_what_alembic_reads",
        "tests/test_app.py::test_guard_with_oidc_on",
    ):
        assert f"PASSED {test}" in tests.stdout, test
    assert "test_project_has_no_pending_migrations_on_a_fresh_schema" not in tests.stdout


def test_postgresql_only_revisions_run_in_the_postgres_group(
    split_settings_app: ShapedProject,
) -> None:
    tests = split_settings_app.postgres_tests
    assert tests.returncode == 0, tests.stdout[-6000:] + tests.stderr[-2000:]
    for test in (
        "tests/test_common/test_database.py::test_project_has_no_pending_migrations_on_a_fresh_schema",
        "tests/test_common/test_health.py::test_readyz_reports_database_and_migrations",
    ):
        assert f"PASSED {test}" in tests.stdout, test


def test_real_app_shape_is_lint_and_type_clean(split_settings_app: ShapedProject) -> None:
    assert split_settings_app.ruff.returncode == 0, split_settings_app.ruff.stdout
    assert split_settings_app.mypy.returncode == 0, split_settings_app.mypy.stdout
