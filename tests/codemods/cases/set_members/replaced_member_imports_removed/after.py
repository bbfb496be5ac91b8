"""Dependency injection container."""

from typing import TYPE_CHECKING

from dependency_injector import providers

from common.core.container import CommonContainer
from common.storage.s3_service import S3Service

if TYPE_CHECKING:
    from app.services.part_service import PartService


class AppContainer(CommonContainer):
    """The app's services."""

    s3_service = providers.Factory(S3Service, settings=CommonContainer.config.provided)
    part_service: "providers.Factory[PartService]" = providers.Factory(object)
