"""Dependency injection container, already on CommonContainer (set_members ran first)."""

from dependency_injector import providers

from app.services.part_service import PartService
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    part_service = providers.Factory(PartService, db=CommonContainer.db_session, s3=CommonContainer.s3_service)
