"""Container wiring."""

from dependency_injector import containers, providers

from app.config import Settings
from app.services.metrics_service import MetricsService
from common.core.shutdown import ShutdownCoordinator
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service
from common.tasks.service import TaskService


class ServiceContainer(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=Settings)
    shutdown_coordinator = providers.Singleton(ShutdownCoordinator, graceful_shutdown_timeout=600)
    s3_service = providers.Factory(S3Service, settings=config)
    connection_manager = providers.Singleton(ConnectionManager, gateway_url="http://x")
    task_service = providers.Singleton(TaskService, shutdown_coordinator=shutdown_coordinator)
    metrics_service = providers.Singleton(MetricsService)
