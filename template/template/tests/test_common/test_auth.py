"""OIDC bearer authentication with a locally generated key (no network)."""

import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, g
from flask.testing import FlaskClient

from common.auth.decorators import require_auth
from common.auth.oidc import AuthenticationError, TokenValidator
from common.core.settings import CommonSettings

ISSUER = "https://issuer.test"
AUDIENCE = "api://test"
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StaticKeyClient:
    """Stands in for PyJWKClient: every token is checked against the local public key."""

    def get_signing_key_from_jwt(self, token: str) -> Any:
        return jwt.PyJWK.from_dict(
            {
                **jwt.algorithms.RSAAlgorithm.to_jwk(PRIVATE_KEY.public_key(), as_dict=True),
                "kid": "k1",
                "alg": "RS256",
            }
        )


def make_token(**overrides: Any) -> str:
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "exp": int(time.time()) + 60}
    claims.update(overrides)
    return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
def validator(make_settings: Callable[..., CommonSettings]) -> TokenValidator:
    settings = make_settings(
        OIDC_ISSUER_URL=ISSUER, OIDC_AUDIENCE=AUDIENCE, OIDC_JWKS_URL="https://issuer.test/jwks"
    )
    token_validator = TokenValidator(settings)
    token_validator._jwk_client = StaticKeyClient()  # type: ignore[assignment]
    return token_validator


def test_valid_token(validator: TokenValidator) -> None:
    assert validator.validate(make_token())["sub"] == "user-1"


@pytest.mark.parametrize(
    "overrides",
    [{"iss": "https://other.test"}, {"aud": "api://other"}, {"exp": int(time.time()) - 600}],
)
def test_rejected_tokens(validator: TokenValidator, overrides: dict[str, Any]) -> None:
    with pytest.raises(AuthenticationError):
        validator.validate(make_token(**overrides))


@pytest.fixture
def client(validator: TokenValidator) -> Iterator[FlaskClient]:
    class Container:
        def token_validator(self) -> TokenValidator:
            return validator

    app = Flask(__name__)
    app.container = Container()  # type: ignore[attr-defined]

    @app.get("/me")
    @require_auth
    def me() -> dict[str, str]:
        return {"sub": g.auth_claims["sub"]}

    yield app.test_client()


def test_require_auth(client: FlaskClient) -> None:
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Bearer garbage"}).status_code == 401
    response = client.get("/me", headers={"Authorization": f"Bearer {make_token()}"})
    assert response.status_code == 200
    assert response.get_json() == {"sub": "user-1"}
