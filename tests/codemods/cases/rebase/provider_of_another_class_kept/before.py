"""Dependency injection container."""

from dependency_injector import containers, providers

from app.services.part_service import PartService
from app.services.s3_service import S3Service
from common.core.settings import CommonSettings


class AppContainer(containers.DeclarativeContainer):
    """The app's services."""

    config = providers.Dependency(instance_of=CommonSettings)
    # Same call as CommonContainer's, but of the app's own S3Service.
    s3_service = providers.Factory(S3Service, settings=config)

    part_service = providers.Factory(PartService, s3=s3_service)
