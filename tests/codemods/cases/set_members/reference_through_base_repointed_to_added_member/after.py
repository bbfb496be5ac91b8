"""Dependency injection container, after a rebase dropped connection_manager."""

from dependency_injector import providers

from app.services.metrics_service import MetricsService
from app.services.version_service import VersionService
from common.core.container import CommonContainer
from common.sse.connection_manager import ConnectionManager


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()

    metrics_service = providers.Singleton(MetricsService, container=__self__)

    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=CommonContainer.config.provided.SSE_GATEWAY_URL,
        metrics_service=metrics_service,
    )

    version_service = providers.Singleton(
        VersionService,
        connection_manager=connection_manager,
        settings=CommonContainer.config,
    )
