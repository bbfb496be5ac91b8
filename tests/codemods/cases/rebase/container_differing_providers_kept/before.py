"""Dependency injection container."""

from dependency_injector import containers, providers

from app.config import Settings
from app.services.metrics_service import MetricsService
from app.services.part_service import PartService
from app.services.s3_service import S3Service
from app.services.shutdown_coordinator import ShutdownCoordinator


class AppContainer(containers.DeclarativeContainer):
    """The app's services."""

    config = providers.Dependency(instance_of=Settings)
    session_maker = providers.Dependency()
    db_session = providers.ContextLocalSingleton(session_maker.provided.call())
    shutdown_coordinator = providers.Singleton(
        ShutdownCoordinator,
        graceful_shutdown_timeout=config.provided.GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    metrics_service = providers.Singleton(
        MetricsService, container=None, shutdown_coordinator=shutdown_coordinator
    )
    s3_service = providers.Factory(S3Service, settings=config)

    # Domain services
    part_service = providers.Factory(PartService, db=db_session, s3=s3_service)
