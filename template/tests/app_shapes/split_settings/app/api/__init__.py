"""The API: every route needs a token unless it is public."""

from flask import Blueprint

from app.exceptions import RecordNotFoundException
from app.extensions import db
from app.models import Device
from common.auth.decorators import allow_roles, public
from common.core.errors import handle_api_errors

api_bp = Blueprint("api", __name__)


@api_bp.get("/devices/<key>")
@handle_api_errors
def get_device(key: str) -> dict[str, object]:
    device = db.session.execute(db.select(Device).filter_by(key=key)).scalar_one_or_none()
    if device is None:
        raise RecordNotFoundException(f"No device {key}")
    return {"key": device.key}


@api_bp.delete("/devices/<key>")
@allow_roles("admin")
def delete_device(key: str) -> dict[str, str]:
    return {"deleted": key}


@api_bp.get("/version")
@public
def version() -> dict[str, str]:
    return {"version": "1.0"}
