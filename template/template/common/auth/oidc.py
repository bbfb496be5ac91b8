"""Validation of OIDC access tokens (JWTs signed with the issuer's published keys).

The signing keys come from ``OIDC_JWKS_URL`` or, when that is unset, from the
``jwks_uri`` of the issuer's discovery document
(``<OIDC_ISSUER_URL>/.well-known/openid-configuration``). Keys are cached and
re-fetched when a token names a key id the cache does not know (key rotation),
at most once per ``key_refresh_cooldown`` seconds. Tests that stand in for the
issuer's keys patch ``common.auth.oidc.PyJWKClient``.
"""

import logging
import threading
from typing import Any

import jwt
import requests
from jwt import PyJWKClient

from common.core.settings import CommonSettings, adapt_settings

logger = logging.getLogger(__name__)

_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"]


class AuthenticationError(Exception):
    """A token is missing, malformed, expired or not signed by the issuer."""


class TokenExpiredError(AuthenticationError):
    """The token was valid but has expired (a refresh token may replace it)."""


class OIDCConfigurationError(AuthenticationError):
    """The OIDC settings are incomplete or the issuer cannot be reached."""


class MissingTokenError(AuthenticationError):
    """The request carries no access token in any of the sources looked at."""


class TokenExchangeError(AuthenticationError):
    """The token endpoint refused (or could not answer) a code exchange or a refresh."""


class AccessDeniedError(Exception):
    """The caller is authenticated but has none of the roles the view requires."""

    def __init__(self, required_roles: frozenset[str]) -> None:
        roles = ", ".join(sorted(required_roles))
        super().__init__(f"Forbidden: requires one of the roles {roles}")
        self.required_roles = required_roles


def issuer_url(settings: CommonSettings) -> str:
    """``OIDC_ISSUER_URL`` without a trailing slash; raises when it is not set."""
    if not settings.OIDC_ISSUER_URL:
        raise OIDCConfigurationError("OIDC_ISSUER_URL is not set")
    return settings.OIDC_ISSUER_URL.rstrip("/")


def fetch_discovery_document(issuer: str, http_timeout: float) -> dict[str, Any]:
    """The issuer's ``/.well-known/openid-configuration``."""
    discovery_url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(discovery_url, timeout=http_timeout)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OIDCConfigurationError(f"Cannot read {discovery_url}: {error}") from error
    if not isinstance(document, dict):
        raise OIDCConfigurationError(f"{discovery_url} is not a JSON object")
    return document


class TokenValidator:
    """Checks signature, issuer, audience and expiry of access tokens."""

    def __init__(
        self,
        settings: object,
        http_timeout: float = 5.0,
        key_refresh_cooldown: float = 30.0,
    ) -> None:
        self.settings = adapt_settings(settings)
        self.http_timeout = http_timeout
        # Minimum seconds between refetches for unknown key ids (bounds abuse with random kids).
        self.key_refresh_cooldown = key_refresh_cooldown
        self._jwk_client: PyJWKClient | None = None
        self._lock = threading.Lock()

    @property
    def issuer(self) -> str:
        return issuer_url(self.settings)

    def validate(self, token: str) -> dict[str, Any]:
        """The token's claims; raises :class:`AuthenticationError` when it is not acceptable."""
        try:
            signing_key = self._jwks_client().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key.key,
                algorithms=_ALGORITHMS,
                issuer=self.issuer,
                audience=self.settings.OIDC_AUDIENCE or None,
                leeway=self.settings.OIDC_CLOCK_SKEW_SECONDS,
                options={
                    "require": ["exp", "iss"],
                    "verify_aud": bool(self.settings.OIDC_AUDIENCE),
                },
            )
        except jwt.PyJWKClientConnectionError as error:
            raise OIDCConfigurationError(f"Cannot fetch the issuer's keys: {error}") from error
        except jwt.ExpiredSignatureError as error:
            raise TokenExpiredError(str(error)) from error
        except jwt.PyJWTError as error:
            raise AuthenticationError(str(error)) from error
        return claims

    def _jwks_client(self) -> PyJWKClient:
        with self._lock:
            if self._jwk_client is None:
                self._jwk_client = PyJWKClient(
                    self._jwks_url(),
                    cache_keys=True,
                    timeout=self.http_timeout,
                    cooldown_duration=self.key_refresh_cooldown,
                )
            return self._jwk_client

    def _jwks_url(self) -> str:
        if self.settings.OIDC_JWKS_URL:
            return self.settings.OIDC_JWKS_URL
        document = fetch_discovery_document(self.issuer, self.http_timeout)
        if "jwks_uri" not in document:
            raise OIDCConfigurationError("The issuer's discovery document has no jwks_uri")
        logger.info("OIDC keys discovered", extra={"jwks_uri": document["jwks_uri"]})
        return str(document["jwks_uri"])
