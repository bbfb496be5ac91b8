"""Dependency injection container."""

from dependency_injector import providers

from app.services.part_service import PartService
from app.services.s3_service import S3Service
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    # Same call as CommonContainer's, but of the app's own S3Service.
    s3_service = providers.Factory(S3Service, settings=CommonContainer.config)

    part_service = providers.Factory(PartService, s3=s3_service)
