"""The container every project extends (shaped like the template's)."""

from dependency_injector import containers, providers

from common.core.settings import CommonSettings
from common.core.shutdown import ShutdownCoordinator
from common.metrics.service import MetricsService
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service
from common.tasks.service import TaskService


class CommonContainer(containers.DeclarativeContainer):
    """Providers of the shared infrastructure."""

    config = providers.Dependency(instance_of=CommonSettings)
    session_maker = providers.Dependency()
    db_session = providers.ContextLocalSingleton(session_maker.provided.call())

    shutdown_coordinator = providers.Singleton(
        ShutdownCoordinator,
        graceful_shutdown_timeout=config.provided.GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    metrics_service = providers.Singleton(
        MetricsService,
        settings=config,
        shutdown_coordinator=shutdown_coordinator,
    )
    s3_service = providers.Factory(S3Service, settings=config)
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
