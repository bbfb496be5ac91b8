"""The app's own fixtures: SQLite schema from the models, and a registry emptied per test."""

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from app import create_app
from app.config import Settings
from app.extensions import db
from common.core.app import App


@pytest.fixture(autouse=True)
def empty_prometheus_registry() -> None:
    """Apps whose metrics are created per service instance start each test from nothing."""
    for collector in list(REGISTRY._collector_to_names):
        REGISTRY.unregister(collector)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        flask_env="testing",
        database_url="sqlite://",
        graceful_shutdown_timeout=5,
        oidc_enabled=False,
        oidc_issuer_url=None,
        oidc_audience=None,
        oidc_leeway=30,
        mqtt_url="mqtt://test",
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    application = create_app(settings, skip_background_services=True)
    with application.app_context():
        db.create_all()
    yield application
    application.container.task_service().shutdown()


@pytest.fixture
def client(app: App) -> FlaskClient:
    return app.test_client()
