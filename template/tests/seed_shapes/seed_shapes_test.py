"""Runs inside a rendered project whose app files have the seed's after-migration shapes."""

from pydantic_settings import SettingsConfigDict
from sqlalchemy.pool import StaticPool

from app import create_app
from app.config import Settings
from app.container import PartService
from common.core.app import App
from common.metrics.service import MetricsService
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service


class IsolatedSettings(Settings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")


def make_app() -> App:
    settings = IsolatedSettings(
        FLASK_ENV="testing",
        DATABASE_URL="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={"poolclass": StaticPool},
        DRAIN_AUTH_KEY="key",
        MOUSER_API_KEY="mouser",
    )
    return create_app(settings, skip_background_services=True)


def test_container_overrides_resolve() -> None:
    app = make_app()
    container = app.container
    assert isinstance(container.s3_service(), S3Service)
    manager = container.connection_manager()
    assert isinstance(manager, ConnectionManager)
    assert manager.http_timeout == 2.0
    assert isinstance(manager.metrics_service, MetricsService)
    assert manager.metrics_service is container.metrics_service()
    assert container.task_service().connection_manager is manager
    with app.app_context():
        part_service = container.part_service()
        assert isinstance(part_service, PartService)
        assert part_service.db is container.db_session()
    assert container.config().MOUSER_API_KEY == "mouser"


def test_endpoints() -> None:
    client = make_app().test_client()
    assert client.get("/health/healthz").status_code == 200
    assert client.get("/health/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    callback = client.post(
        "/api/sse/callback",
        json={"action": "connect", "token": "t1", "request": {"url": "/s?request_id=r1"}},
    )
    assert callback.status_code == 200
    assert client.post("/health/drain", headers={"Authorization": "Bearer key"}).status_code == 200
