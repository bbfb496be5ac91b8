from dependency_injector import providers

from common.core.container import CommonContainer
from app.services.cas_service import CASService


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()
    s3_service = providers.Factory(object)

    cas_service = providers.Factory(CASService, s3_service=s3_service)

    part_service = providers.Factory(object)
