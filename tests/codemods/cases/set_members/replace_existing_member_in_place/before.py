from dependency_injector import providers

from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    # storage
    s3_service = providers.Factory(object)
    part_service = providers.Factory(object)
