"""OIDC: token validation against a local issuer (127.0.0.1), the guard, roles and refresh."""

import base64
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Blueprint
from flask.testing import FlaskClient

from common.auth.client import OidcClient
from common.auth.decorators import allow_roles, current_auth, public, require_auth
from common.auth.guard import protect_blueprint
from common.auth.oidc import (
    AccessDeniedError,
    AuthenticationError,
    MissingTokenError,
    TokenExchangeError,
    TokenExpiredError,
    TokenValidator,
)
from common.auth.testing import LocalIssuer, rsa_key
from common.core.app import App
from common.core.errors import register_error_mapping
from common.core.settings import CommonSettings

AUDIENCE = "device-api"
CLIENT_ID = "device-console"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer(audience=AUDIENCE, client_id=CLIENT_ID) as running:
        yield running


@pytest.fixture
def oidc_settings(make_settings: Callable[..., CommonSettings], issuer: LocalIssuer) -> Any:
    def build(**overrides: Any) -> CommonSettings:
        return make_settings(
            FLASK_ENV="testing",
            OIDC_ISSUER_URL=issuer.url,
            OIDC_AUDIENCE=AUDIENCE,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET="client-secret",
            OIDC_COOKIE_SECURE=False,
            **overrides,
        )

    return build


def test_valid_token_via_discovery(oidc_settings: Any, issuer: LocalIssuer) -> None:
    claims = TokenValidator(oidc_settings()).validate(issuer.token())
    assert claims["sub"] == "user-42"


def test_expired_and_foreign_tokens_are_rejected(oidc_settings: Any, issuer: LocalIssuer) -> None:
    validator = TokenValidator(oidc_settings())
    with pytest.raises(TokenExpiredError):
        validator.validate(issuer.token(exp=int(time.time()) - 3600))
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(key=rsa_key("foreign")))
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(aud="another-api"))


def build_api() -> tuple[Blueprint, Blueprint]:
    """/api (cookie or bearer) with /api/devices nested (machine clients: bearer only)."""
    api = Blueprint("api", __name__, url_prefix="/api")
    devices = Blueprint("devices", __name__, url_prefix="/devices")

    @api.get("/me")
    def me() -> dict[str, Any]:
        auth = current_auth()
        return {"sub": auth.subject if auth else None, "roles": sorted(auth.roles) if auth else []}

    @api.get("/settings")
    @allow_roles("editor")
    def settings() -> dict[str, str]:
        return {"ok": "settings"}

    @api.get("/version")
    @public
    def version() -> dict[str, str]:
        return {"version": "1"}

    @devices.get("/config")
    def device_config() -> dict[str, str]:
        return {"ok": "config"}

    protect_blueprint(api, admin_roles=["admin"])
    protect_blueprint(devices, token_sources=["bearer"])
    api.register_blueprint(devices)
    return api, devices


@pytest.fixture
def guarded(common_app: App, oidc_settings: Any) -> Callable[..., FlaskClient]:
    """The common app with the guarded API, on settings with ``overrides``."""
    api, _ = build_api()
    common_app.register_blueprint(api)

    def client(**overrides: Any) -> FlaskClient:
        common_app.container.config.override(oidc_settings(**overrides))
        common_app.container.token_validator.reset()
        common_app.container.oidc_client.reset()
        return common_app.test_client()

    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_guard_protects_every_route_but_public_ones(
    guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    client = guarded()
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/version").status_code == 200
    assert client.get("/health/healthz").status_code == 200
    response = client.get("/api/me", headers=bearer(issuer.token(roles=["viewer"])))
    assert response.status_code == 200
    assert response.get_json() == {"sub": "user-42", "roles": ["viewer"]}


def test_unauthorized_answers_in_the_error_shape(guarded: Callable[..., FlaskClient]) -> None:
    response = guarded().get("/api/me", headers=bearer("not-a-jwt"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(response.get_json()) == {"error", "correlationId"}


def test_guard_answers_from_the_application_error_table(
    common_app: App, guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    """An app whose clients switch on codes registers its own rows for the guard's errors."""
    for error, code in (
        (MissingTokenError, "AUTHENTICATION_REQUIRED"),
        (TokenExpiredError, "TOKEN_EXPIRED"),
        (AuthenticationError, "INVALID_TOKEN"),
    ):
        register_error_mapping(common_app, error, 401, message="Authentication required", code=code)
    register_error_mapping(
        common_app,
        AccessDeniedError,
        403,
        code="FORBIDDEN",
        details=lambda error: sorted(error.required_roles),
    )
    client = guarded()

    def answer(**headers: str) -> tuple[int, str | None]:
        response = client.get("/api/settings", headers=headers)
        return response.status_code, response.get_json().get("code")

    assert answer() == (401, "AUTHENTICATION_REQUIRED")
    assert answer(**bearer("not-a-jwt")) == (401, "INVALID_TOKEN")
    assert answer(**bearer(issuer.token(exp=int(time.time()) - 3600))) == (401, "TOKEN_EXPIRED")
    refused = client.get("/api/settings", headers=bearer(issuer.token(roles=["viewer"])))
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "FORBIDDEN"
    assert refused.get_json()["details"] == ["editor"]
    assert client.get("/api/me").headers["WWW-Authenticate"].startswith("Bearer")


def test_authentication_does_not_carry_over_to_the_next_request(
    common_app: App, guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    """Tests keep an app context pushed around their requests: ``g`` outlives a request."""
    client = guarded()
    with common_app.app_context():
        assert client.get("/api/me", headers=bearer(issuer.token())).status_code == 200
        assert client.get("/api/version").status_code == 200
        assert current_auth() is None
        assert client.get("/api/me").status_code == 401


def test_cookie_first_then_bearer(guarded: Callable[..., FlaskClient], issuer: LocalIssuer) -> None:
    client = guarded()
    client.set_cookie("access_token", issuer.token(sub="from-cookie"))
    response = client.get("/api/me", headers=bearer(issuer.token(sub="from-header")))
    assert response.get_json()["sub"] == "from-cookie"

    bearer_only = guarded(OIDC_TOKEN_SOURCES=["bearer"])
    bearer_only.set_cookie("access_token", issuer.token(sub="from-cookie"))
    assert bearer_only.get("/api/me").status_code == 401


def test_roles_and_admin(guarded: Callable[..., FlaskClient], issuer: LocalIssuer) -> None:
    client = guarded()
    viewer = client.get("/api/settings", headers=bearer(issuer.token(roles=["viewer"])))
    assert viewer.status_code == 403
    assert "editor" in viewer.get_json()["error"]
    for role in ("editor", "admin"):
        response = client.get("/api/settings", headers=bearer(issuer.token(roles=[role])))
        assert response.status_code == 200, role


def test_nested_blueprint_with_its_own_guard_takes_bearer_only(
    guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    client = guarded()
    client.set_cookie("access_token", issuer.token())
    assert client.get("/api/devices/config").status_code == 401
    assert client.get("/api/devices/config", headers=bearer(issuer.token())).status_code == 200


def test_expired_cookie_is_refreshed(
    guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    client = guarded()
    client.set_cookie("access_token", issuer.token(exp=int(time.time()) - 3600))
    client.set_cookie("refresh_token", issuer.refresh_token(sub="refreshed-user"))
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.get_json()["sub"] == "refreshed-user"
    cookies = {cookie.split("=", 1)[0] for cookie in response.headers.getlist("Set-Cookie")}
    assert cookies == {"access_token", "refresh_token"}
    assert issuer.token_requests[-1]["grant_type"] == "refresh_token"
    assert issuer.token_requests[-1]["client_secret"] == "client-secret"


def test_refused_refresh_is_401_and_clears_the_cookies(
    guarded: Callable[..., FlaskClient], issuer: LocalIssuer
) -> None:
    client = guarded()
    client.set_cookie("access_token", issuer.token(exp=int(time.time()) - 3600))
    client.set_cookie("refresh_token", "revoked")
    response = client.get("/api/me")
    assert response.status_code == 401
    assert any("access_token=;" in c for c in response.headers.getlist("Set-Cookie"))


def test_oidc_disabled_lets_every_request_through(guarded: Callable[..., FlaskClient]) -> None:
    client = guarded(OIDC_ENABLED=False)
    assert client.get("/api/me").get_json() == {"sub": None, "roles": []}
    assert client.get("/api/settings").status_code == 200


def test_require_auth_on_a_single_route(
    common_app: App, oidc_settings: Any, issuer: LocalIssuer
) -> None:
    common_app.container.config.override(oidc_settings())

    @common_app.get("/single")
    @require_auth
    def single() -> dict[str, Any]:
        auth = current_auth()
        return {"sub": auth.subject if auth else None}

    client = common_app.test_client()
    assert client.get("/single").status_code == 401
    assert client.get("/single", headers=bearer(issuer.token())).get_json() == {"sub": "user-42"}


def test_oidc_client_login_flow_and_refresh(oidc_settings: Any, issuer: LocalIssuer) -> None:
    client = OidcClient(oidc_settings())
    assert client.endpoints.token_endpoint == f"{issuer.url}/token"
    pkce = client.generate_pkce_challenge()
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    url = urlparse(client.generate_authorization_url("https://app/cb", "state-1", pkce.challenge))
    query = parse_qs(url.query)
    assert (query["client_id"], query["state"], query["code_challenge_method"]) == (
        [CLIENT_ID],
        ["state-1"],
        ["S256"],
    )

    tokens = client.exchange_code_for_tokens(
        issuer.authorization_code(sub="logged-in"), "https://app/cb", pkce.verifier
    )
    validator = TokenValidator(oidc_settings())
    assert validator.validate(tokens.access_token)["sub"] == "logged-in"
    assert tokens.refresh_token is not None
    refreshed = client.refresh_access_token(tokens.refresh_token)
    assert validator.validate(refreshed.access_token)["sub"] == "logged-in"
    with pytest.raises(TokenExchangeError, match=r"refresh_token grant \(400: invalid_grant\)"):
        client.refresh_access_token("unknown")


def test_oidc_client_logout_url(oidc_settings: Any, issuer: LocalIssuer) -> None:
    logout = OidcClient(oidc_settings()).generate_logout_url("https://app/", "id-token")
    assert logout is not None
    url = urlparse(logout)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{issuer.url}/logout"
    assert parse_qs(url.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["https://app/"],
        "id_token_hint": ["id-token"],
    }


def test_the_key_client_is_patchable_by_dotted_name(
    oidc_settings: Any, issuer: LocalIssuer
) -> None:
    """Apps' tests stand in for the issuer's keys with patch("common.auth.oidc.PyJWKClient")."""
    from unittest.mock import patch

    with patch("common.auth.oidc.PyJWKClient") as key_client:
        key_client.return_value.get_signing_key_from_jwt.side_effect = AuthenticationError("x")
        with pytest.raises(AuthenticationError):
            TokenValidator(oidc_settings()).validate(issuer.token())
    key_client.assert_called_once()


def test_local_issuer_runs_as_a_process_for_end_to_end_checks(
    make_settings: Callable[..., CommonSettings], tmp_path: Path
) -> None:
    """``python -m common.auth.testing`` serves on $PORT and writes one header per token."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "common.auth.testing", "--audience", AUDIENCE),
            *("--token", "admin=admin,viewer", "--token", "nobody=", "--token-dir", str(tmp_path)),
        ],
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().decode().strip() == f"issuer http://127.0.0.1:{port}"
        validator = TokenValidator(
            make_settings(OIDC_ISSUER_URL=f"http://127.0.0.1:{port}", OIDC_AUDIENCE=AUDIENCE)
        )
        roles = {}
        for name in ("admin", "nobody"):
            scheme, token = (tmp_path / f"{name}.header").read_text().split()
            assert scheme == "Bearer"
            roles[name] = sorted(validator.validate(token).get("realm_access", {})["roles"])
        assert roles == {"admin": ["admin", "viewer"], "nobody": []}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
