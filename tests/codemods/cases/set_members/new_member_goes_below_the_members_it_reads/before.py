from dependency_injector import providers

from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()
    s3_service = providers.Factory(object)

    part_service = providers.Factory(object)
