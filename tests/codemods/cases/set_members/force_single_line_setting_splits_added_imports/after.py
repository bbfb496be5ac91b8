from dependency_injector import providers

from app.services.part_service import PartService
from common.core.container import CommonContainer
from common.storage.s3_service import S3Service
from common.storage.s3_service import S3ServiceError


class AppContainer(CommonContainer):
    s3_service = providers.Factory(S3Service, settings=CommonContainer.config.provided, errors=S3ServiceError)
    part_service = providers.Factory(PartService)
