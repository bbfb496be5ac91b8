"""``@require_auth``: a view answers 401 unless the request carries a valid bearer token.

The validated claims are available to the view as ``flask.g.auth_claims``.
"""

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from common.auth.oidc import AuthenticationError, OIDCConfigurationError
from common.core.app import current_container

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _unauthorized(message: str) -> ResponseReturnValue:
    response = jsonify({"error": message})
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, 401


def require_auth(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
    """Validate ``Authorization: Bearer <jwt>`` before calling ``view``."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized("Missing bearer token")
        try:
            g.auth_claims = current_container().token_validator().validate(token.strip())
        except OIDCConfigurationError:
            logger.exception("OIDC validation is misconfigured")
            return _unauthorized("Authentication unavailable")
        except AuthenticationError as error:
            logger.info("Bearer token rejected", extra={"reason": str(error)})
            return _unauthorized("Invalid bearer token")
        return view(*args, **kwargs)

    return wrapper
