"""Dependency injection container."""

from dependency_injector import providers

from app.services.part_service import PartService
from common.core.container import CommonContainer
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service


class AppContainer(CommonContainer):
    """The app's services."""

    metrics_service = providers.Singleton(
        MetricsService, container=None, shutdown_coordinator=CommonContainer.shutdown_coordinator
    )

    # Override s3_service to use common implementation
    s3_service = providers.Factory(
        S3Service,
        settings=CommonContainer.config.provided,
    )

    # Override connection_manager to use common implementation
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=CommonContainer.config.provided.SSE_GATEWAY_URL,
        metrics_service=CommonContainer.metrics_service.provided,
        http_timeout=2.0,
    )

    # Domain services
    part_service = providers.Factory(PartService, db=CommonContainer.db_session)
