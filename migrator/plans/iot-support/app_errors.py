"""The app's rows in common's exception table (see ``common.core.errors``).

The frontend and the devices in the field switch on an error's ``code``, so every
answer keeps the app's shape: a summary of the status as ``error``, the exception's
message as ``details.message``, and its code. The rows cover the domain exceptions
(answered by ``@handle_api_errors`` on the views), the token errors of ``common.auth``
(the guard of ``/api`` and the device API answer from this table too), and validation
and integrity errors.
"""

from collections.abc import Mapping
from typing import Any

from flask import Flask
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from app.exceptions import (
    AuthenticationException,
    AuthorizationException,
    BusinessLogicException,
    ExternalServiceException,
    InvalidOperationException,
    ProcessingException,
    RecordExistsException,
    RecordNotFoundException,
    ServiceUnavailableException,
    ValidationException,
)
from common.auth.oidc import (
    AccessDeniedError,
    AuthenticationError,
    MissingTokenError,
    OIDCConfigurationError,
    TokenExchangeError,
    TokenExpiredError,
)
from common.core.errors import register_error_mapping, validation_details

SUMMARIES: Mapping[int, str] = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}

# The base class answers every other domain error.
DOMAIN_STATUSES: Mapping[type[BusinessLogicException], int] = {
    ValidationException: 400,
    AuthenticationException: 401,
    AuthorizationException: 403,
    RecordNotFoundException: 404,
    RecordExistsException: 409,
    InvalidOperationException: 409,
    ProcessingException: 500,
    ExternalServiceException: 502,
    ServiceUnavailableException: 503,
    BusinessLogicException: 400,
}

TOKEN_ERRORS: Mapping[type[Exception], tuple[int, str]] = {
    MissingTokenError: (401, "AUTHENTICATION_REQUIRED"),
    AuthenticationError: (401, "INVALID_TOKEN"),
    TokenExpiredError: (401, "TOKEN_EXPIRED"),
    TokenExchangeError: (401, "TOKEN_EXCHANGE_FAILED"),
    OIDCConfigurationError: (503, "SERVICE_UNAVAILABLE"),
    AccessDeniedError: (403, "FORBIDDEN"),
}


def register_error_mappings(app: Flask) -> None:
    """Add the app's rows to the exception table of ``app``."""
    for domain_error, status in DOMAIN_STATUSES.items():
        register_error_mapping(
            app,
            domain_error,
            status,
            message=SUMMARIES[status],
            code=_error_code,
            details=_message,
        )
    for token_error, (status, code) in TOKEN_ERRORS.items():
        register_error_mapping(
            app, token_error, status, message=SUMMARIES[status], code=code, details=_message
        )
    register_error_mapping(
        app,
        ValidationError,
        400,
        message="Validation failed",
        code="VALIDATION_FAILED",
        details=validation_details,
    )
    register_error_mapping(
        app,
        IntegrityError,
        409,
        message="Conflict",
        code="INTEGRITY_ERROR",
        details=lambda error: {"message": str(error.orig)},
    )


def _error_code(error: BusinessLogicException) -> str:
    return error.error_code


def _message(error: Exception) -> dict[str, Any]:
    return {"message": getattr(error, "message", str(error))}
