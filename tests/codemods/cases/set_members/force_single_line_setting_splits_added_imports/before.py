from dependency_injector import providers

from app.services.part_service import PartService
from common.core.container import CommonContainer


class AppContainer(CommonContainer):
    part_service = providers.Factory(PartService)
