"""Validating the access tokens devices call ``/api/iot`` with.

A device token is a client-credentials token of the device's own Keycloak client
(``azp`` = ``iotdevice-<model>-<key>``), signed by the OIDC provider like a user's
token: common's ``TokenValidator`` checks it against the provider's JWKS, and this
service says which device it names. Users' tokens are checked by common's guard.
"""

from dataclasses import dataclass

from common.auth.oidc import (
    AuthenticationError,
    OIDCConfigurationError,
    TokenExpiredError,
    TokenValidator,
)

from ..exceptions import AuthenticationException
from .metrics_service import MetricsService

DEVICE_CLIENT_PREFIX = "iotdevice-"


@dataclass(frozen=True)
class DeviceIdentity:
    """The device behind a device token, and when the token was issued (POSIX seconds)."""

    client_id: str
    issued_at: int


class AuthService:
    """Tells which device a device token was issued to."""

    def __init__(self, token_validator: TokenValidator, metrics_service: MetricsService) -> None:
        self.token_validator = token_validator
        self.metrics_service = metrics_service

    def validate_device_token(self, token: str) -> DeviceIdentity:
        """The device behind ``token``; raises an authentication error if it is not valid."""
        try:
            claims = self.token_validator.validate(token)
        except OIDCConfigurationError:
            self._count("jwks_unavailable")
            raise
        except TokenExpiredError:
            self._count("expired")
            raise
        except AuthenticationError:
            self._count("invalid")
            raise
        client_id = str(claims.get("azp") or claims.get("client_id") or "")
        if not client_id.startswith(DEVICE_CLIENT_PREFIX):
            self._count("not_a_device")
            raise AuthenticationException("Token was not issued to a device", "NOT_A_DEVICE")
        if "iat" not in claims:
            self._count("invalid")
            raise AuthenticationException("Token has no issue time", "INVALID_TOKEN")
        self._count("success")
        return DeviceIdentity(client_id=client_id, issued_at=int(claims["iat"]))

    def _count(self, status: str) -> None:
        self.metrics_service.increment_counter("iot_auth_validation_total", {"status": status})
