"""Dependency injection container."""

from dependency_injector import containers, providers

from app.services.metrics_service import MetricsService
from app.services.version_service import VersionService
from common.core.settings import CommonSettings
from common.core.shutdown import ShutdownCoordinator
from common.sse.connection_manager import ConnectionManager
from common.tasks.service import TaskService


class AppContainer(containers.DeclarativeContainer):
    """The app's services."""

    __self__ = providers.Self()

    config = providers.Dependency(instance_of=CommonSettings)
    shutdown_coordinator = providers.Singleton(
        ShutdownCoordinator,
        graceful_shutdown_timeout=config.provided.GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    # The app's own MetricsService polls domain services through the container.
    metrics_service = providers.Singleton(
        MetricsService,
        container=__self__,
        shutdown_coordinator=shutdown_coordinator,
    )
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=config.provided.SSE_GATEWAY_URL,
        metrics_service=metrics_service,
        http_timeout=2.0,
    )
    task_service = providers.Singleton(
        TaskService,
        shutdown_coordinator=shutdown_coordinator,
        connection_manager=connection_manager,
        max_workers=config.provided.TASK_MAX_WORKERS,
    )
    version_service = providers.Singleton(
        VersionService,
        connection_manager=connection_manager,
        settings=config,
    )
