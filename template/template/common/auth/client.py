"""The application's side of the OIDC authorization-code flow, and token refresh.

:class:`OidcClient` reads the issuer's endpoints from its discovery document
(``OIDC_TOKEN_URL`` overrides the token endpoint), makes PKCE pairs and
authorization URLs and logout URLs, and exchanges an authorization code or a
refresh token for tokens at the token endpoint, authenticating with
``OIDC_CLIENT_ID`` and ``OIDC_CLIENT_SECRET``; a refused exchange is a
:class:`~common.auth.oidc.TokenExchangeError`.
"""

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from common.auth.oidc import (
    OIDCConfigurationError,
    TokenExchangeError,
    fetch_discovery_document,
    issuer_url,
)
from common.core.settings import adapt_settings


@dataclass(frozen=True)
class OidcEndpoints:
    """Where the issuer's flows happen."""

    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class PkceChallenge:
    """A PKCE verifier (kept by the app) and its S256 challenge (sent to the issuer)."""

    verifier: str
    challenge: str


@dataclass(frozen=True)
class TokenSet:
    """Tokens the token endpoint answered with."""

    access_token: str
    refresh_token: str | None = None
    expires_in: int | None = None
    refresh_expires_in: int | None = None
    id_token: str | None = None

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> "TokenSet":
        if not body.get("access_token"):
            raise TokenExchangeError("The token endpoint answered without an access_token")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token"),
            expires_in=body.get("expires_in"),
            refresh_expires_in=body.get("refresh_expires_in"),
            id_token=body.get("id_token"),
        )


class OidcClient:
    """Discovery, PKCE, authorization URLs, code exchange and refresh for one client."""

    def __init__(self, settings: object, http_timeout: float = 5.0) -> None:
        self.settings = adapt_settings(settings)
        self.http_timeout = http_timeout
        self._endpoints: OidcEndpoints | None = None
        self._lock = threading.Lock()

    @property
    def endpoints(self) -> OidcEndpoints:
        """The issuer's endpoints (discovered once)."""
        with self._lock:
            if self._endpoints is None:
                document = fetch_discovery_document(issuer_url(self.settings), self.http_timeout)
                token_endpoint = self.settings.OIDC_TOKEN_URL or document.get("token_endpoint")
                if not token_endpoint or "authorization_endpoint" not in document:
                    raise OIDCConfigurationError(
                        "The issuer's discovery document lacks its endpoints"
                    )
                self._endpoints = OidcEndpoints(
                    authorization_endpoint=str(document["authorization_endpoint"]),
                    token_endpoint=str(token_endpoint),
                    end_session_endpoint=document.get("end_session_endpoint"),
                )
            return self._endpoints

    @staticmethod
    def generate_pkce_challenge() -> PkceChallenge:
        """A fresh verifier and its S256 challenge (RFC 7636)."""
        verifier = secrets.token_urlsafe(64)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return PkceChallenge(verifier, challenge)

    def generate_authorization_url(self, redirect_uri: str, state: str, code_challenge: str) -> str:
        """Where to send the browser to log in."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._client_id(),
                "redirect_uri": redirect_uri,
                "scope": self.settings.OIDC_SCOPES,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.endpoints.authorization_endpoint}?{query}"

    def generate_logout_url(
        self, post_logout_redirect_uri: str, id_token_hint: str | None = None
    ) -> str | None:
        """Where to send the browser to end its session at the issuer (RP-initiated logout);
        None when the issuer publishes no ``end_session_endpoint``."""
        endpoint = self.endpoints.end_session_endpoint
        if endpoint is None:
            return None
        query = {
            "client_id": self._client_id(),
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
        if id_token_hint:
            query["id_token_hint"] = id_token_hint
        return f"{endpoint}?{urlencode(query)}"

    def exchange_code_for_tokens(
        self, code: str, redirect_uri: str, code_verifier: str
    ) -> TokenSet:
        """Tokens for the authorization code the issuer redirected back with."""
        return self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )

    def refresh_access_token(self, refresh_token: str) -> TokenSet:
        """New tokens for a refresh token; raises :class:`TokenExchangeError` when refused."""
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _client_id(self) -> str:
        if not self.settings.OIDC_CLIENT_ID:
            raise OIDCConfigurationError("OIDC_CLIENT_ID is not set")
        return self.settings.OIDC_CLIENT_ID

    def _token_request(self, form: dict[str, str]) -> TokenSet:
        form = {**form, "client_id": self._client_id()}
        if self.settings.OIDC_CLIENT_SECRET:
            form["client_secret"] = self.settings.OIDC_CLIENT_SECRET
        try:
            response = requests.post(
                self.endpoints.token_endpoint, data=form, timeout=self.http_timeout
            )
        except requests.RequestException as error:
            raise OIDCConfigurationError(f"Cannot reach the token endpoint: {error}") from error
        if response.status_code >= 400:
            raise TokenExchangeError(
                f"The token endpoint refused the {form['grant_type']} grant "
                f"({_refusal_reason(response)})"
            )
        try:
            body = response.json()
        except ValueError as error:
            raise TokenExchangeError("The token endpoint answered no JSON") from error
        return TokenSet.from_response(body)


def _refusal_reason(response: requests.Response) -> str:
    """The status and the OAuth ``error``/``error_description`` of a refusal, as far as given."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return str(response.status_code)
    said = [str(body[key]) for key in ("error", "error_description") if body.get(key)]
    return ": ".join([str(response.status_code), *said])
