"""Health routes of the rendered ``common/health``: liveness, readiness, drain."""

from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from flask.testing import FlaskClient

from common.core.shutdown import LifetimeEvent


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/health/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "alive"}


def test_healthz_stays_alive_while_shutting_down(client: FlaskClient, app: Any) -> None:
    app.container.shutdown_coordinator().shutdown()
    assert client.get("/health/healthz").status_code == 200


def test_readyz_ok(client: FlaskClient) -> None:
    response = client.get("/health/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "database": {"connected": True},
        "migrations": {"pending": []},
    }


def test_readyz_database_unreachable(make_settings: Any, tmp_path: Path) -> None:
    from app import create_app

    settings = make_settings(
        FLASK_ENV="testing", DATABASE_URL=f"sqlite:///{tmp_path}/missing-folder/db.sqlite"
    )
    app = create_app(settings, skip_background_services=True)
    response = app.test_client().get("/health/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "reason": "database unavailable"}


def test_readyz_when_db_check_fails(client: FlaskClient) -> None:
    with patch("common.health.routes.check_db_connection", return_value=False):
        response = client.get("/health/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database unavailable"


def test_readyz_with_pending_migrations(client: FlaskClient) -> None:
    with patch("common.health.routes.get_pending_migrations", return_value=["a1b2c3", "d4e5f6"]):
        response = client.get("/health/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not ready",
        "reason": "migrations pending",
        "migrations": {"pending": ["a1b2c3", "d4e5f6"]},
    }


def test_readyz_when_migration_check_raises(client: FlaskClient) -> None:
    with patch(
        "common.health.routes.get_pending_migrations", side_effect=RuntimeError("no alembic")
    ):
        response = client.get("/health/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "migration check failed"


def test_readyz_while_shutting_down(client: FlaskClient, app: Any) -> None:
    app.container.shutdown_coordinator().shutdown()
    response = client.get("/health/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "reason": "shutting down"}


def test_helpers_run_inside_an_app_context(app: Any) -> None:
    from common.health.routes import check_db_connection, get_pending_migrations

    with app.app_context():
        assert check_db_connection() is True
        assert get_pending_migrations() == []


def test_drain_endpoint_success(client: FlaskClient, app: Any) -> None:
    events: list[LifetimeEvent] = []
    app.container.shutdown_coordinator().register_lifetime_notification(events.append)

    response = client.post("/health/drain", headers={"Authorization": "Bearer drain-key"})

    assert response.status_code == 200
    assert response.get_json() == {"status": "drained"}
    assert events == [
        LifetimeEvent.PREPARE_SHUTDOWN,
        LifetimeEvent.SHUTDOWN,
        LifetimeEvent.AFTER_SHUTDOWN,
    ]
    assert client.get("/health/readyz").status_code == 503


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Basic drain-key"},
        {"Authorization": "drain-key"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing", "wrong-token", "wrong-scheme", "no-scheme", "empty-token"],
)
def test_drain_endpoint_unauthorized(
    client: FlaskClient, app: Any, headers: dict[str, str]
) -> None:
    response = client.post("/health/drain", headers=headers)
    assert response.status_code == 401
    assert not app.container.shutdown_coordinator().is_shutting_down()


def test_drain_refused_when_no_key_is_configured(make_settings: Any) -> None:
    from app import create_app

    app = create_app(
        make_settings(FLASK_ENV="testing", DATABASE_URL="sqlite://"),
        skip_background_services=True,
    )
    response = app.test_client().post("/health/drain", headers={"Authorization": "Bearer "})
    assert response.status_code == 401
    assert not app.container.shutdown_coordinator().is_shutting_down()


def test_drain_is_post_only(client: FlaskClient) -> None:
    assert client.get("/health/drain").status_code == 405
