"""``POST /api/sse/callback``: the SSE Gateway reports connects and disconnects here.

The blueprint's URL prefix is a parameter of its registration:
``app.register_blueprint(sse_bp)`` serves ``/api/sse/callback``, and
``app.register_blueprint(sse_bp, url_prefix="/events")`` serves
``/events/callback``. The gateway passes ``SSE_CALLBACK_SECRET`` as the ``secret``
query parameter; with no (or an empty) secret configured every caller is
accepted (development). The route is public to authentication guards: the
secret is its check.
"""

import hmac
import logging
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError

from common.core.app import current_container
from common.core.errors import error_response, validation_details
from common.core.public import public
from common.sse.connection_manager import (
    SSEGatewayConnectCallback,
    SSEGatewayDisconnectCallback,
    request_id_from_url,
)

logger = logging.getLogger(__name__)

DEFAULT_URL_PREFIX = "/api/sse"

sse_bp = Blueprint("sse", __name__, url_prefix=DEFAULT_URL_PREFIX)


@sse_bp.route("/callback", methods=["POST"])
@public
def gateway_callback() -> ResponseReturnValue:
    """Apply one connect or disconnect notification from the gateway."""
    container = current_container()
    expected_secret = container.common_settings().SSE_CALLBACK_SECRET
    if expected_secret:
        given_secret = request.args.get("secret", "")
        if not hmac.compare_digest(given_secret.encode(), expected_secret.encode()):
            logger.warning(
                "SSE callback with a wrong secret", extra={"remote": request.remote_addr}
            )
            return error_response("Invalid callback secret", 401)

    payload: Any = request.get_json(silent=True)
    action = payload.get("action") if isinstance(payload, dict) else None
    connection_manager = container.connection_manager()
    try:
        if action == "connect":
            connect = SSEGatewayConnectCallback.model_validate(payload)
            request_id = request_id_from_url(connect.request.url)
            if request_id is None:
                return error_response("Stream URL has no request_id", 400)
            connection_manager.on_connect(request_id, connect.token, connect.request.url)
        elif action == "disconnect":
            disconnect = SSEGatewayDisconnectCallback.model_validate(payload)
            connection_manager.on_disconnect(disconnect.token)
        else:
            return error_response("Unknown or missing action", 400)
    except ValidationError as error:
        return error_response("Invalid callback payload", 400, validation_details(error))
    return jsonify({}), 200
