from dependency_injector import providers

from common.core.container import CommonContainer
from common.storage.s3_service import S3Service


class AppContainer(CommonContainer):
    part_service = providers.Factory(object)
