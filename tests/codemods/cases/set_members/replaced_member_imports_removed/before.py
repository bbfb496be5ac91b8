"""Dependency injection container."""

from typing import TYPE_CHECKING

from dependency_injector import providers

from app.services.s3_service import S3Service
from app.storage import bucket_name
from common.core.container import CommonContainer

if TYPE_CHECKING:
    from app.config import Settings
    from app.services.part_service import PartService


class AppContainer(CommonContainer):
    """The app's services."""

    s3_service: "providers.Factory[S3Service]" = providers.Factory(
        S3Service, settings=CommonContainer.config, bucket=bucket_name, typed=Settings
    )
    part_service: "providers.Factory[PartService]" = providers.Factory(object)
