"""OIDC of the rendered ``common/auth``: validation, the guard on the rendered app, refresh.

The issuer is ``common.auth.testing.LocalIssuer``: discovery, JWKS and token
endpoints on 127.0.0.1 for an RSA key generated here; no test reaches the network.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Blueprint
from flask.testing import FlaskClient

from common.auth.decorators import allow_roles, current_auth, public, require_auth
from common.auth.guard import protect_blueprint
from common.auth.oidc import (
    AuthenticationError,
    OIDCConfigurationError,
    TokenExpiredError,
    TokenValidator,
)
from common.auth.testing import LocalIssuer, rsa_key

AUDIENCE = "inventory-api"
CLIENT_ID = "inventory-web"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer(audience=AUDIENCE, client_id=CLIENT_ID) as running:
        yield running


@pytest.fixture
def oidc_settings(make_settings: Callable[..., Any], issuer: LocalIssuer) -> Any:
    return make_settings(
        FLASK_ENV="testing",
        DATABASE_URL="sqlite://",
        OIDC_ISSUER_URL=issuer.url,
        OIDC_AUDIENCE=AUDIENCE,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_COOKIE_SECURE=False,
    )


@pytest.fixture
def validator(oidc_settings: Any) -> TokenValidator:
    return TokenValidator(oidc_settings)


def test_valid_token_via_discovery(validator: TokenValidator, issuer: LocalIssuer) -> None:
    claims = validator.validate(issuer.token())
    assert claims["sub"] == "user-42"
    assert claims["aud"] == AUDIENCE


def test_explicit_jwks_url(make_settings: Callable[..., Any], issuer: LocalIssuer) -> None:
    settings = make_settings(
        OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE=AUDIENCE, OIDC_JWKS_URL=f"{issuer.url}/jwks"
    )
    assert TokenValidator(settings).validate(issuer.token())["sub"] == "user-42"


def test_keys_are_cached(validator: TokenValidator, issuer: LocalIssuer) -> None:
    validator.validate(issuer.token())
    validator.validate(issuer.token(sub="other"))
    assert issuer.jwks_requests == 1


def test_rotated_key_is_fetched(oidc_settings: Any, issuer: LocalIssuer) -> None:
    validator = TokenValidator(oidc_settings, key_refresh_cooldown=0)
    validator.validate(issuer.token())
    issuer.keys["key-2"] = rsa_key("key-2")
    assert validator.validate(issuer.token(kid="key-2"))["sub"] == "user-42"


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-api"}, {"iss": "https://impostor.example"}],
    ids=["wrong-audience", "wrong-issuer"],
)
def test_rejected_claims(
    validator: TokenValidator, issuer: LocalIssuer, claims: dict[str, Any]
) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(**claims))


def test_expired_token_is_its_own_error(validator: TokenValidator, issuer: LocalIssuer) -> None:
    with pytest.raises(TokenExpiredError):
        validator.validate(issuer.token(exp=int(time.time()) - 3600))


def test_token_signed_by_another_key_is_rejected(
    validator: TokenValidator, issuer: LocalIssuer
) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate(issuer.token(key=rsa_key("foreign")))


def test_clock_skew_accepts_slightly_expired_tokens(
    make_settings: Callable[..., Any], issuer: LocalIssuer
) -> None:
    settings = make_settings(
        OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE=AUDIENCE, OIDC_CLOCK_SKEW_SECONDS=120
    )
    token = issuer.token(exp=int(time.time()) - 60)
    assert TokenValidator(settings).validate(token)["sub"] == "user-42"


def test_unreachable_issuer_is_a_configuration_error(make_settings: Callable[..., Any]) -> None:
    settings = make_settings(OIDC_ISSUER_URL="http://127.0.0.1:9", OIDC_AUDIENCE=AUDIENCE)
    token = LocalIssuer().token(key=rsa_key("foreign"))
    with pytest.raises(OIDCConfigurationError):
        TokenValidator(settings, http_timeout=1.0).validate(token)


@pytest.fixture
def guarded_app(make_settings: Callable[..., Any], oidc_settings: Any) -> Iterator[Any]:
    """The rendered project's own create_app with a guarded blueprint of its API's shape."""
    from app import create_app

    parts = Blueprint("parts", __name__, url_prefix="/api/parts")

    @parts.get("")
    def list_parts() -> dict[str, Any]:
        auth = current_auth()
        return {"user": auth.subject if auth else None}

    @parts.delete("/<key>")
    @allow_roles("editor")
    def delete_part(key: str) -> dict[str, str]:
        return {"deleted": key}

    @parts.get("/count")
    @public
    def count_parts() -> dict[str, int]:
        return {"count": 3}

    protect_blueprint(parts, admin_roles=["admin"])
    application = create_app(oidc_settings, skip_background_services=True)
    application.register_blueprint(parts)

    @application.get("/api/single")
    @require_auth
    def single() -> dict[str, str]:
        return {"ok": "single"}

    yield application
    application.container.task_service().shutdown()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_guarded_blueprint_on_the_rendered_app(guarded_app: Any, issuer: LocalIssuer) -> None:
    client: FlaskClient = guarded_app.test_client()
    assert client.get("/api/parts").status_code == 401
    assert client.get("/api/parts/count").status_code == 200
    assert client.get("/health/healthz").status_code == 200
    assert client.get("/api/parts", headers=bearer(issuer.token())).get_json() == {
        "user": "user-42"
    }
    viewer = issuer.token(roles=["viewer"])
    assert client.delete("/api/parts/R1", headers=bearer(viewer)).status_code == 403
    for role in ("editor", "admin"):
        response = client.delete("/api/parts/R1", headers=bearer(issuer.token(roles=[role])))
        assert response.status_code == 200, role
    assert client.get("/api/single").status_code == 401
    assert client.get("/api/single", headers=bearer(issuer.token())).status_code == 200


def test_cookie_then_refresh_on_the_rendered_app(guarded_app: Any, issuer: LocalIssuer) -> None:
    client: FlaskClient = guarded_app.test_client()
    client.set_cookie("access_token", issuer.token(sub="cookie-user"))
    assert client.get("/api/parts").get_json() == {"user": "cookie-user"}

    client.set_cookie("access_token", issuer.token(exp=int(time.time()) - 3600))
    client.set_cookie("refresh_token", issuer.refresh_token(sub="refreshed"))
    response = client.get("/api/parts")
    assert response.get_json() == {"user": "refreshed"}
    assert client.get_cookie("access_token") is not None
    assert client.get("/api/parts").get_json() == {"user": "refreshed"}
