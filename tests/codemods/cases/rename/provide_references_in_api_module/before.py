from dependency_injector.wiring import Provide, inject
from flask import Blueprint

from app.container import ServiceContainer
from app.services.part_service import PartService

parts_bp = Blueprint("parts", __name__)


@parts_bp.route("/parts")
@inject
def list_parts(part_service: PartService = Provide[ServiceContainer.part_service]):
    return part_service.list()


@inject
def get_part(key, kit_service=Provide[ServiceContainer.kit_service], part_service=Provide[
    ServiceContainer.part_service
]):
    return part_service.get(key)
