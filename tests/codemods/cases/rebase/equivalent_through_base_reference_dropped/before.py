"""Dependency injection container, already on CommonContainer (set_members ran first)."""

from dependency_injector import providers

from app.services.part_service import PartService
from common.core.container import CommonContainer
from common.storage.s3_service import S3Service


class AppContainer(CommonContainer):
    """The app's services."""

    s3_service = providers.Factory(S3Service, settings=CommonContainer.config)

    part_service = providers.Factory(PartService, db=CommonContainer.db_session, s3=s3_service)
