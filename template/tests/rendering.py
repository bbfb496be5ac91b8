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

# Paths (files, or folders with everything below them) that exist only with a flag on.
FEATURE_PATHS: Mapping[str, tuple[str, ...]] = {
    "use_database": (
        "common/database",
        "alembic",
        "alembic.ini",
        "app/models",
        "tests/test_common/test_database.py",
    ),
    "use_oidc": ("common/auth", "tests/test_common/test_auth.py"),
    "use_s3": ("common/storage", "tests/test_common/test_storage.py"),
    "use_sse": ("common/sse", "tests/test_common/test_sse.py"),
}

# Files every combination renders.
ALWAYS_PRESENT = (
    ".copier-answers.yml",
    ".env.example",
    ".gitignore",
    "pyproject.toml",
    "run.py",
    "scripts/copier-update.sh",
    "app/__init__.py",
    "app/config.py",
    "app/container.py",
    "app/api/__init__.py",
    "tests/conftest.py",
    "common/core/settings.py",
    "common/core/container.py",
    "common/core/app.py",
    "common/core/spectree.py",
    "common/core/runner.py",
    "common/core/shutdown.py",
    "common/core/errors.py",
    "common/health/routes.py",
    "common/metrics/service.py",
    "common/metrics/routes.py",
    "common/tasks/service.py",
    "tests/test_common/conftest.py",
)


def combination_id(flags: Mapping[str, bool]) -> str:
    enabled = [flag.removeprefix("use_") for flag in FLAGS if flags[flag]]
    return "+".join(enabled) or "none"


def render(
    destination: Path,
    flags: Mapping[str, bool],
    project_name: str = "demo-service",
    template: Path = TEMPLATE_ROOT,
) -> Path:
    """Render ``template`` with ``flags`` into ``destination`` (a new folder)."""
    run_copy(
        str(template),
        destination,
        data={"project_name": project_name, **flags},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return destination


def rendered_files(project: Path) -> set[str]:
    """Every file of a rendered project, relative and POSIX-style, caches excluded."""
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and not any(part.startswith((".mypy", ".ruff", "__pycache__", ".pytest"))
                                      for part in path.relative_to(project).parts)
    }
