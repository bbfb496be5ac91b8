from dependency_injector import providers

from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    metrics_service = providers.Singleton(object)
    shutdown_coordinator = providers.Singleton(object)
    part_service = providers.Factory(object)
