"""Dependency injection container, after a rebase dropped connection_manager."""

from dependency_injector import providers

from app.services.metrics_service import MetricsService
from app.services.version_service import VersionService
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()

    metrics_service = providers.Singleton(MetricsService, container=__self__)

    version_service = providers.Singleton(
        VersionService,
        connection_manager=CommonContainer.connection_manager,
        settings=CommonContainer.config,
    )
