"""OIDC bearer authentication of the rendered ``common/auth``.

The issuer is a loopback HTTP server publishing a discovery document and a JWKS
for an RSA key generated here; tokens are signed with that key.
"""

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import g
from flask.testing import FlaskClient

from common.auth.decorators import require_auth
from common.auth.oidc import AuthenticationError, OIDCConfigurationError, TokenValidator

AUDIENCE = "inventory-api"


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One generated key per name and session (generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Issuer:
    """Serves ``/.well-known/openid-configuration`` and ``/jwks`` on 127.0.0.1."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"key-1": rsa_key("key-1")}
        self.jwks_requests = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body: dict[str, Any]
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks"}
                elif self.path == "/jwks":
                    issuer.jwks_requests += 1
                    body = {"keys": [issuer.public_jwk(kid) for kid in issuer.keys]}
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def public_jwk(self, kid: str) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
            self.keys[kid].public_key(), as_dict=True
        )
        return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}

    def token(self, kid: str = "key-1", key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": AUDIENCE, "sub": "user-42", "iat": now, "exp": now + 300}
        payload.update(claims)
        return jwt.encode(payload, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def oidc_settings(make_settings: Callable[..., Any], issuer: Issuer) -> Any:
    return make_settings(OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE=AUDIENCE)


@pytest.fixture
def validator(oidc_settings: Any) -> TokenValidator:
    return TokenValidator(oidc_settings)


def test_valid_token_via_discovery(validator: TokenValidator, issuer: Issuer) -> None:
    claims = validator.validate(issuer.token())
    assert claims["sub"] == "user-42"
    assert claims["aud"] == AUDIENCE


def test_explicit_jwks_url(make_settings: Callable[..., Any], issuer: Issuer) -> None:
    settings = make_settings(
        OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE=AUDIENCE, OIDC_JWKS_URL=f"{issuer.url}/jwks"
    )
    assert TokenValidator(settings).validate(issuer.token())["sub"] == "user-42"


def test_keys_are_cached(validator: TokenValidator, issuer: Issuer) -> None:
    validator.validate(issuer.token())
    validator.validate(issuer.token(sub="other"))
    assert issuer.jwks_requests == 1


def test_rotated_key_is_fetched(oidc_settings: Any, issuer: Issuer) -> None:
    validator = TokenValidator(oidc_settings, key_refresh_cooldown=0)
    validator.validate(issuer.token())
    issuer.keys["key-2"] = rsa_key("key-2")
    assert validator.validate(issuer.token(kid="key-2"))["sub"] == "user-42"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-api"},
        {"iss": "https://impostor.example"},
        {"exp": int(time.time()) - 3600},
    ],
    ids=["wrong-audience", "wrong-issuer", "expired"],
)
def test_rejected_claims(validator: TokenValidator, issuer: Issuer, claims: dict[str, Any]) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(**claims))


def test_token_signed_by_another_key_is_rejected(validator: TokenValidator, issuer: Issuer) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(key=rsa_key("foreign")))


def test_garbage_token_is_rejected(validator: TokenValidator) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate("not-a-jwt")


def test_leeway_accepts_slightly_expired_tokens(
    make_settings: Callable[..., Any], issuer: Issuer
) -> None:
    settings = make_settings(
        OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE=AUDIENCE, OIDC_LEEWAY_SECONDS=120
    )
    token = issuer.token(exp=int(time.time()) - 60)
    assert TokenValidator(settings).validate(token)["sub"] == "user-42"


def test_unreachable_issuer_is_a_configuration_error(make_settings: Callable[..., Any]) -> None:
    settings = make_settings(OIDC_ISSUER_URL="http://127.0.0.1:9", OIDC_AUDIENCE=AUDIENCE)
    token = jwt.encode({"sub": "x"}, rsa_key("foreign"), algorithm="RS256", headers={"kid": "k"})
    with pytest.raises(OIDCConfigurationError):
        TokenValidator(settings, http_timeout=1.0).validate(token)


@pytest.fixture
def protected_client(app: Any, issuer: Issuer, oidc_settings: Any) -> FlaskClient:
    """The rendered app with a route behind ``@require_auth``, validating against ``issuer``."""
    app.container.config.override(oidc_settings)
    app.container.token_validator.reset()

    @app.get("/api/me")
    @require_auth
    def me() -> dict[str, Any]:
        return {"sub": g.auth_claims["sub"]}

    return app.test_client()


def test_require_auth_accepts_a_valid_token(protected_client: FlaskClient, issuer: Issuer) -> None:
    response = protected_client.get(
        "/api/me", headers={"Authorization": f"Bearer {issuer.token()}"}
    )
    assert response.status_code == 200
    assert response.get_json() == {"sub": "user-42"}


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic dXNlcjpwYXNz", "Bearer ", "Bearer not-a-jwt"],
    ids=["missing", "basic", "empty", "garbage"],
)
def test_require_auth_rejects(protected_client: FlaskClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = protected_client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in response.get_json()
