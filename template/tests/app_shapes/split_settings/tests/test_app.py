"""The app's own tests, on the template's common/."""

import pytest
from flask.testing import FlaskClient

from app.config import Settings
from app.extensions import db
from app.models import Device
from common.auth.testing import LocalIssuer
from common.core.app import App
from common.core.lifecycle import LifecycleCoordinator
from common.database.migrations import configured_target_metadata


def test_the_common_settings_come_from_the_lower_case_model(app: App) -> None:
    common = app.container.common_settings()
    assert common.is_testing
    assert common.GRACEFUL_SHUTDOWN_TIMEOUT == 5
    assert common.OIDC_CLOCK_SKEW_SECONDS == 30
    assert isinstance(app.container.lifecycle_coordinator(), LifecycleCoordinator)


def test_flask_sqlalchemy_metadata_is_what_alembic_reads() -> None:
    assert configured_target_metadata() is db.metadata


def test_health_alias_follows_the_apps_check(app: App, client: FlaskClient) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("common.health.routes.get_pending_migrations", lambda: [])
        assert client.get("/api/health").status_code == 200
        app.container.mqtt_service().connected = False
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "mqtt unavailable"


def test_domain_error_through_the_decorator(client: FlaskClient) -> None:
    response = client.get("/api/devices/missing")
    assert response.status_code == 404
    assert response.get_json()["code"] == "RECORD_NOT_FOUND"


def test_device_found(app: App, client: FlaskClient) -> None:
    with app.app_context():
        db.session.add(Device(key="d1", config={}))
        db.session.commit()
    assert client.get("/api/devices/d1").get_json() == {"key": "d1"}


def test_guard_with_oidc_on(settings: Settings) -> None:
    from app import create_app

    with LocalIssuer(audience="devices") as issuer:
        secured = settings.model_copy(
            update={
                "oidc_enabled": True,
                "oidc_issuer_url": issuer.url,
                "oidc_audience": "devices",
            }
        )
        client = create_app(secured, skip_background_services=True).test_client()
        assert client.get("/api/version").status_code == 200
        assert client.get("/api/health").status_code != 401
        assert client.delete("/api/devices/d1").status_code == 401
        user = {"Authorization": f"Bearer {issuer.token(roles=['viewer'])}"}
        admin = {"Authorization": f"Bearer {issuer.token(roles=['admin'])}"}
        assert client.delete("/api/devices/d1", headers=user).status_code == 403
        assert client.delete("/api/devices/d1", headers=admin).status_code == 200
