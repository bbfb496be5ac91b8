"""Check one rendered project in a fresh interpreter: ``python project_check.py <project>``.

Imports every module of ``app`` and ``common``, builds the project's own app and
probes it, runs the project's test suite, and prints one JSON line
(``RESULT {...}``) with what it found, for the feature-flag matrix test to assert on.
Run with the project folder as the working directory.
"""

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any


def import_all(package_name: str) -> list[str]:
    package = importlib.import_module(package_name)
    names = [package_name]
    for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
        importlib.import_module(module.name)
        names.append(module.name)
    return names


def probe_app() -> dict[str, int]:
    """The project's own create_app, on an in-memory database, answering its probes."""
    from pydantic_settings import SettingsConfigDict

    from app import create_app
    from app.config import Settings

    class IsolatedSettings(Settings):
        model_config = SettingsConfigDict(env_file=None, extra="ignore")

    overrides: dict[str, Any] = {"FLASK_ENV": "testing"}
    if "DATABASE_URL" in Settings.model_fields:
        from sqlalchemy.pool import StaticPool

        from app.models import Base

        overrides["DATABASE_URL"] = "sqlite://"
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": StaticPool}
    app = create_app(IsolatedSettings(**overrides), skip_background_services=True)
    if "DATABASE_URL" in Settings.model_fields:
        Base.metadata.create_all(app.extensions["sqlalchemy_engine"])
    client = app.test_client()
    statuses = {
        path: client.get(path).status_code
        for path in ("/health/healthz", "/health/readyz", "/metrics", "/api/docs/openapi.json")
    }
    app.container.task_service().shutdown()
    return statuses


def main(project: Path) -> int:
    sys.path.insert(0, str(project))
    import pytest

    from common.core.container import CommonContainer
    from common.core.settings import CommonSettings

    result: dict[str, Any] = {
        "modules": import_all("common") + import_all("app"),
        "settings_fields": sorted(CommonSettings.model_fields),
        "providers": sorted(CommonContainer.providers),
        "probes": probe_app(),
    }
    result["pytest_exit_code"] = int(
        pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "tests"])
    )
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
