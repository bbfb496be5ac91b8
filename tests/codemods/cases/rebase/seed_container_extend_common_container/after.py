"""Dependency injection container."""

from dependency_injector import providers

from app.services.metrics_service import MetricsService
from app.services.part_service import PartService
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    metrics_service = providers.Singleton(
        MetricsService, container=None, shutdown_coordinator=CommonContainer.shutdown_coordinator
    )

    # Domain services
    part_service = providers.Factory(PartService, db=CommonContainer.db_session, s3=CommonContainer.s3_service)
