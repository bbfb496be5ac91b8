"""A local OIDC issuer for tests: discovery, JWKS and token endpoints on 127.0.0.1.

Tests of the application and of ``common/`` sign tokens with a key generated
here and validate them against this server, so no test reaches the network::

    with LocalIssuer(audience="my-api") as issuer:
        settings = ...(OIDC_ISSUER_URL=issuer.url, OIDC_AUDIENCE="my-api")
        token = issuer.token(roles=["admin"])

The token endpoint answers the ``refresh_token`` grant for refresh tokens made
by :meth:`LocalIssuer.refresh_token`, and the ``authorization_code`` grant for
codes made by :meth:`LocalIssuer.authorization_code`.

End-to-end checks of a running app start it as a process of its own, on
127.0.0.1 and the port in ``$PORT`` (or ``--port``), and let it write the
``Authorization`` header values of the tokens they send, one file per
``--token NAME=ROLE,ROLE`` (``NAME.header`` in ``--token-dir``, ``Bearer <token>``)::

    python -m common.auth.testing --audience my-api --token admin=admin \\
        --token nobody= --token-dir /tmp/check
"""

import argparse
import functools
import json
import os
import secrets
import signal
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One generated key per name and process (generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LocalIssuer:
    """An identity provider on a free loopback port, for one test or a session."""

    def __init__(self, audience: str = "api", client_id: str = "app", port: int = 0) -> None:
        self.audience = audience
        self.client_id = client_id
        self.keys: dict[str, rsa.RSAPrivateKey] = {"key-1": rsa_key("key-1")}
        self.jwks_requests = 0
        self.token_requests: list[dict[str, str]] = []
        self._refresh_tokens: dict[str, dict[str, Any]] = {}
        self._codes: dict[str, dict[str, Any]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "LocalIssuer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LocalIssuer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def public_jwk(self, kid: str) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
            self.keys[kid].public_key(), as_dict=True
        )
        return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}

    def token(
        self,
        kid: str = "key-1",
        key: rsa.RSAPrivateKey | None = None,
        roles: list[str] | None = None,
        expires_in: int = 300,
        **claims: Any,
    ) -> str:
        """An access token; ``roles`` become Keycloak-style ``realm_access.roles``."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.url,
            "aud": self.audience,
            "sub": "user-42",
            "email": "user-42@example.test",
            "name": "User Forty-Two",
            "iat": now,
            "exp": now + expires_in,
        }
        if roles is not None:
            payload["realm_access"] = {"roles": roles}
        payload.update(claims)
        return jwt.encode(payload, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def refresh_token(self, **claims: Any) -> str:
        """A refresh token the token endpoint exchanges for an access token with ``claims``."""
        value = secrets.token_urlsafe(16)
        self._refresh_tokens[value] = claims
        return value

    def authorization_code(self, **claims: Any) -> str:
        """A code the token endpoint exchanges for tokens with ``claims``."""
        value = secrets.token_urlsafe(16)
        self._codes[value] = claims
        return value

    def _token_response(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        if form.get("client_id") != self.client_id:
            return 401, {"error": "invalid_client"}
        grants = {"refresh_token": self._refresh_tokens, "authorization_code": self._codes}
        issued = grants.get(form.get("grant_type", ""))
        secret = form.get("refresh_token") or form.get("code") or ""
        if issued is None or secret not in issued:
            return 400, {"error": "invalid_grant"}
        claims = issued[secret]
        return 200, {
            "access_token": self.token(**claims),
            "refresh_token": self.refresh_token(**claims),
            "expires_in": 300,
            "refresh_expires_in": 1800,
            "token_type": "Bearer",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._answer(
                        200,
                        {
                            "issuer": issuer.url,
                            "jwks_uri": f"{issuer.url}/jwks",
                            "authorization_endpoint": f"{issuer.url}/auth",
                            "token_endpoint": f"{issuer.url}/token",
                            "end_session_endpoint": f"{issuer.url}/logout",
                        },
                    )
                elif self.path == "/jwks":
                    issuer.jwks_requests += 1
                    self._answer(200, {"keys": [issuer.public_jwk(kid) for kid in issuer.keys]})
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                if self.path != "/token":
                    self._answer(404, {"error": "not found"})
                    return
                length = int(self.headers.get("Content-Length", "0"))
                fields = parse_qs(self.rfile.read(length).decode())
                status, body = issuer._token_response({k: v[0] for k, v in fields.items()})
                self._answer(status, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


def main(argv: Sequence[str] | None = None) -> None:
    """Serve a :class:`LocalIssuer` until SIGTERM or SIGINT, after writing the token files."""
    parser = argparse.ArgumentParser(description="A local OIDC issuer for end-to-end checks")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    parser.add_argument("--audience", default="api")
    parser.add_argument("--client-id", default="app")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="NAME=ROLES",
        help="write NAME.header for a token with these comma-separated roles (may be empty)",
    )
    parser.add_argument("--token-dir", type=Path, default=Path())
    parser.add_argument("--expires-in", type=int, default=3600)
    args = parser.parse_args(argv)

    issuer = LocalIssuer(audience=args.audience, client_id=args.client_id, port=args.port)
    for spec in args.token:
        name, _, roles = spec.partition("=")
        token = issuer.token(roles=[r for r in roles.split(",") if r], expires_in=args.expires_in)
        (args.token_dir / f"{name}.header").write_text(f"Bearer {token}\n", encoding="utf-8")

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"issuer {issuer.url}", flush=True)
    try:
        issuer._server.serve_forever(poll_interval=0.05)
    finally:
        issuer._server.server_close()


if __name__ == "__main__":
    main()
