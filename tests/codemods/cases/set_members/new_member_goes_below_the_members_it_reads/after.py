from dependency_injector import providers

from app.services.cas_service import CASService
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    """The app's services."""

    __self__ = providers.Self()
    s3_service = providers.Factory(object)

    cas_service = providers.Factory(CASService, s3_service=s3_service)

    part_service = providers.Factory(object)
