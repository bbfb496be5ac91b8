from dependency_injector import providers

from common.core.container import CommonContainer
from common.storage.s3_service import S3Service


class AppContainer(CommonContainer):
    metrics_service = providers.Singleton(object)
    shutdown_coordinator = providers.Singleton(object)
    s3_service = providers.Factory(S3Service)
    part_service = providers.Factory(object)
