"""Rendering the template with Copier, and what each feature flag contributes."""

import itertools
from collections.abc import Mapping
from pathlib import Path

from copier import run_copy

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
FLAGS = ("use_database", "use_oidc", "use_s3", "use_sse")
ALL_FEATURES: Mapping[str, bool] = dict.fromkeys(FLAGS, True)
ALL_COMBINATIONS: list[dict[str, bool]] = [
    dict(zip(FLAGS, values, strict=True))
    for values in itertools.product((False, True), repeat=len(FLAGS))
]

# Files that exist only with a flag on (and must all exist when it is on).
FEATURE_FILES: Mapping[str, frozenset[str]] = {
    "use_database": frozenset(
        {
            "alembic.ini",
            "alembic/env.py",
            "alembic/script.py.mako",
            "alembic/versions/.gitkeep",
            "app/models/__init__.py",
            "common/database/__init__.py",
            "common/database/migrations.py",
            "common/database/session.py",
            "tests/test_common/test_database.py",
        }
    ),
    "use_oidc": frozenset(
        {
            "common/auth/__init__.py",
            "common/auth/client.py",
            "common/auth/context.py",
            "common/auth/decorators.py",
            "common/auth/guard.py",
            "common/auth/oidc.py",
            "common/auth/testing.py",
            "tests/test_common/test_auth.py",
        }
    ),
    "use_s3": frozenset(
        {
            "common/storage/__init__.py",
            "common/storage/cas.py",
            "common/storage/s3_service.py",
            "tests/test_common/test_storage.py",
        }
    ),
    "use_sse": frozenset(
        {
            "common/sse/__init__.py",
            "common/sse/connection_manager.py",
            "common/sse/routes.py",
            "tests/test_common/test_sse.py",
        }
    ),
}

# Files every combination renders.
ALWAYS_PRESENT = frozenset(
    {
        ".copier-answers.yml",
        ".env.example",
        ".gitignore",
        "pyproject.toml",
        "run.py",
        "scripts/copier-update.sh",
        "app/__init__.py",
        "app/api/__init__.py",
        "app/config.py",
        "app/container.py",
        "common/__init__.py",
        "common/core/__init__.py",
        "common/core/app.py",
        "common/core/container.py",
        "common/core/errors.py",
        "common/core/lifecycle.py",
        "common/core/public.py",
        "common/core/runner.py",
        "common/core/settings.py",
        "common/core/shutdown.py",
        "common/core/spectree.py",
        "common/health/__init__.py",
        "common/health/routes.py",
        "common/metrics/__init__.py",
        "common/metrics/routes.py",
        "common/metrics/service.py",
        "common/tasks/__init__.py",
        "common/tasks/service.py",
        "tests/conftest.py",
        "tests/test_common/__init__.py",
        "tests/test_common/conftest.py",
        "tests/test_common/test_errors.py",
        "tests/test_common/test_health.py",
        "tests/test_common/test_metrics.py",
        "tests/test_common/test_package.py",
        "tests/test_common/test_settings.py",
        "tests/test_common/test_shutdown.py",
        "tests/test_common/test_tasks.py",
    }
)

# The files the application owns once they exist (copier.yml's _skip_if_exists).
APP_OWNED = (
    "app/__init__.py",
    "app/config.py",
    "app/container.py",
    "app/api/__init__.py",
    "app/models/__init__.py",
    "tests/conftest.py",
    "run.py",
)


def expected_files(flags: Mapping[str, bool]) -> frozenset[str]:
    """The exact file set a combination renders."""
    enabled = (FEATURE_FILES[flag] for flag in FLAGS if flags[flag])
    return ALWAYS_PRESENT.union(*enabled)


def combination_id(flags: Mapping[str, bool]) -> str:
    enabled = [flag.removeprefix("use_") for flag in FLAGS if flags[flag]]
    return "+".join(enabled) or "none"


def render(
    destination: Path,
    flags: Mapping[str, bool],
    project_name: str = "demo-service",
    template: Path = TEMPLATE_ROOT,
    answers: Mapping[str, str] | None = None,
) -> Path:
    """Render ``template`` with ``flags`` (and other ``answers``) into ``destination``."""
    run_copy(
        str(template),
        destination,
        data={"project_name": project_name, **flags, **(answers or {})},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return destination


_CACHE_DIRS = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache")


def rendered_files(project: Path) -> set[str]:
    """Every file of a rendered project, relative and POSIX-style, tool caches excluded."""
    files = set()
    for path in project.rglob("*"):
        relative = path.relative_to(project)
        if path.is_file() and not any(part in _CACHE_DIRS for part in relative.parts):
            files.add(relative.as_posix())
    return files
