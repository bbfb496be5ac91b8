"""Dependency injection container."""

from dependency_injector import providers

from app.services.metrics_service import MetricsService
from app.services.version_service import VersionService
from common.core.container import CommonContainer
from common.sse.connection_manager import ConnectionManager
from common.tasks.service import TaskService


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()

    # The app's own MetricsService polls domain services through the container.
    metrics_service = providers.Singleton(
        MetricsService,
        container=__self__,
        shutdown_coordinator=CommonContainer.shutdown_coordinator,
    )
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=CommonContainer.config.provided.SSE_GATEWAY_URL,
        metrics_service=metrics_service,
        http_timeout=2.0,
    )
    task_service = providers.Singleton(
        TaskService,
        shutdown_coordinator=CommonContainer.shutdown_coordinator,
        connection_manager=connection_manager,
        max_workers=CommonContainer.config.provided.TASK_MAX_WORKERS,
    )
    version_service = providers.Singleton(
        VersionService,
        connection_manager=connection_manager,
        settings=CommonContainer.config,
    )
