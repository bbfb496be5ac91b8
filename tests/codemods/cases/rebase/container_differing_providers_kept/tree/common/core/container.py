"""The container every project extends."""

from dependency_injector import containers, providers

from common.core.settings import CommonSettings
from common.core.shutdown import ShutdownCoordinator
from common.metrics.service import MetricsService


class CommonContainer(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=CommonSettings)
    session_maker = providers.Dependency()
    db_session = providers.ContextLocalSingleton(session_maker.provided.call())
    shutdown_coordinator = providers.Singleton(ShutdownCoordinator, graceful_shutdown_timeout=600)
    metrics_service = providers.Singleton(MetricsService, settings=config, shutdown_coordinator=shutdown_coordinator)
    s3_service = providers.Factory(object)
