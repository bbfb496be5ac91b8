"""Authenticating requests: token sources, refresh, role checks and the blueprint guard.

A request's access token is looked for in the sources ``OIDC_TOKEN_SOURCES``
names, in order (default: the ``OIDC_COOKIE_NAME`` cookie, then the
``Authorization: Bearer`` header); a guard or a decorator may name its own
(``("bearer",)`` for machine clients). An expired token from the cookie is
replaced by refreshing with the ``OIDC_REFRESH_COOKIE_NAME`` cookie; the new
tokens go back to the browser as cookies on the response.

:func:`protect_blueprint` guards every route of a blueprint (and of the
blueprints nested in it) by default: a request needs a valid token, and, when
the view is marked ``@allow_roles(...)`` or the guard names roles, one of those
roles (``admin_roles`` pass every role check). Views marked ``@public`` are
exempt, as are the health, metrics and SSE callback routes of ``common/``. A
nested blueprint with a guard of its own is checked by that guard only.

With ``OIDC_ENABLED=false`` every request passes and no one is authenticated.
"""

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, has_request_context, request
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response as BaseResponse

from common.auth.client import TokenSet
from common.auth.context import AuthContext
from common.auth.oidc import (
    AccessDeniedError,
    AuthenticationError,
    MissingTokenError,
    OIDCConfigurationError,
    TokenExpiredError,
)
from common.core.app import current_container
from common.core.errors import error_mappings
from common.core.public import is_public
from common.core.settings import CommonSettings

logger = logging.getLogger(__name__)

TOKEN_SOURCES = ("cookie", "bearer")
ALLOWED_ROLES_ATTRIBUTE = "allowed_roles"
GUARDS_EXTENSION_KEY = "common.auth.guards"
# Per-request state lives in the request's WSGI environ, not in ``flask.g``: ``g`` belongs
# to the app context, which tests (and tools) keep pushed around many requests.
AUTH_KEY = "common.auth.context"
GUARDED_KEY = "common.auth.guarded"
REFRESHED_TOKENS_KEY = "common.auth.refreshed_tokens"


@dataclass(frozen=True)
class GuardPolicy:
    """What a guard asks of a request."""

    token_sources: tuple[str, ...] | None = None
    roles: frozenset[str] = frozenset()
    admin_roles: frozenset[str] = frozenset()


def extract_token(settings: CommonSettings, sources: Sequence[str]) -> tuple[str, str] | None:
    """The request's access token and the source it came from, trying ``sources`` in order."""
    for source in sources:
        if source == "cookie":
            token = request.cookies.get(settings.OIDC_COOKIE_NAME, "").strip()
        elif source == "bearer":
            scheme, _, value = request.headers.get("Authorization", "").partition(" ")
            token = value.strip() if scheme.lower() == "bearer" else ""
        else:
            raise ValueError(f"Unknown token source {source!r}; use one of {TOKEN_SOURCES}")
        if token:
            return token, source
    return None


def authenticate_request(token_sources: Sequence[str] | None = None) -> AuthContext | None:
    """Authenticate the current request (see :func:`current_auth`); None when OIDC is off.

    Raises :class:`AuthenticationError` when the request carries no acceptable token
    (:class:`MissingTokenError` when it carries none).
    """
    container = current_container()
    settings = container.common_settings()
    if not settings.OIDC_ENABLED:
        request.environ[AUTH_KEY] = None
        return None
    sources = tuple(token_sources or settings.OIDC_TOKEN_SOURCES)
    validator = container.token_validator()
    found = extract_token(settings, sources)
    try:
        if found is None:
            raise MissingTokenError("No access token")
        claims = validator.validate(found[0])
    except OIDCConfigurationError:
        raise
    except AuthenticationError as error:
        refresh_token = _refresh_token(settings, sources)
        from_cookie_or_absent = found is None or found[1] == "cookie"
        expired_or_absent = found is None or isinstance(error, TokenExpiredError)
        if not (refresh_token and from_cookie_or_absent and expired_or_absent):
            raise
        tokens = container.oidc_client().refresh_access_token(refresh_token)
        claims = validator.validate(tokens.access_token)
        request.environ[REFRESHED_TOKENS_KEY] = tokens
        logger.info("Access token refreshed", extra={"subject": claims.get("sub")})
    auth = AuthContext.from_claims(claims, settings.OIDC_CLIENT_ID or settings.OIDC_AUDIENCE)
    request.environ[AUTH_KEY] = auth
    return auth


def current_auth() -> AuthContext | None:
    """The authenticated caller of the current request, if any (its claims: ``.claims``)."""
    if not has_request_context():
        return None
    auth: AuthContext | None = request.environ.get(AUTH_KEY)
    return auth


def check_request(policy: GuardPolicy, view: Callable[..., Any] | None) -> Response | None:
    """None when the request may reach ``view``; else the 401 or 403 answer.

    The answer comes from the application's exception table (see
    :mod:`common.core.errors`): :class:`MissingTokenError`, :class:`TokenExpiredError`,
    :class:`TokenExchangeError`, :class:`OIDCConfigurationError` and the other
    :class:`AuthenticationError` classes are 401, :class:`AccessDeniedError` is 403,
    unless the application registered its own status, message or code for them.
    """
    try:
        auth = authenticate_request(policy.token_sources)
    except AuthenticationError as error:
        if isinstance(error, OIDCConfigurationError):
            logger.exception("OIDC validation is misconfigured")
        else:
            logger.info("Request not authenticated", extra={"reason": str(error)})
        response = refusal(error)
        if _refresh_token(current_container().common_settings(), TOKEN_SOURCES):
            clear_auth_cookies(response, current_container().common_settings())
        return response
    required = allowed_roles(view) or policy.roles
    if auth is None or not required or auth.has_any_role(required | policy.admin_roles):
        return None
    logger.info(
        "Request lacks a role",
        extra={"subject": auth.subject, "required": sorted(required)},
    )
    return refusal(AccessDeniedError(required))


def refusal(error: Exception) -> Response:
    """The answer to a refused request, from the app's exception table."""
    response = error_mappings().respond(error)
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def allowed_roles(view: Callable[..., Any] | None) -> frozenset[str]:
    """The roles ``@allow_roles`` put on ``view`` (or the view it wraps)."""
    while view is not None:
        roles = getattr(view, ALLOWED_ROLES_ATTRIBUTE, None)
        if roles is not None:
            return frozenset(roles)
        view = getattr(view, "__wrapped__", None)
    return frozenset()


def set_auth_cookies(response: BaseResponse, tokens: TokenSet, settings: CommonSettings) -> None:
    """Hand ``tokens`` to the browser as the access and refresh cookies."""
    options: dict[str, Any] = {
        "httponly": True,
        "secure": settings.OIDC_COOKIE_SECURE,
        "samesite": settings.OIDC_COOKIE_SAMESITE,
        "path": "/",
    }
    response.set_cookie(
        settings.OIDC_COOKIE_NAME, tokens.access_token, max_age=tokens.expires_in, **options
    )
    if tokens.refresh_token:
        response.set_cookie(
            settings.OIDC_REFRESH_COOKIE_NAME,
            tokens.refresh_token,
            max_age=tokens.refresh_expires_in,
            **options,
        )


def clear_auth_cookies(response: BaseResponse, settings: CommonSettings) -> None:
    """Remove the access and refresh cookies (after a failed refresh, at logout)."""
    for name in (settings.OIDC_COOKIE_NAME, settings.OIDC_REFRESH_COOKIE_NAME):
        response.delete_cookie(name, path="/")


def send_refreshed_tokens(response: Response) -> Response:
    """after_request: set the cookies of tokens refreshed during this request."""
    tokens: TokenSet | None = request.environ.pop(REFRESHED_TOKENS_KEY, None)
    if tokens is not None:
        set_auth_cookies(response, tokens, current_container().common_settings())
    return response


def protect_blueprint(
    blueprint: Blueprint,
    *,
    token_sources: Sequence[str] | None = None,
    roles: Collection[str] = (),
    admin_roles: Collection[str] = (),
) -> None:
    """Require authentication on every route of ``blueprint`` except ``@public`` ones."""
    policy = GuardPolicy(
        tuple(token_sources) if token_sources else None, frozenset(roles), frozenset(admin_roles)
    )

    @blueprint.record
    def remember_policy(state: BlueprintSetupState) -> None:
        name = f"{state.name_prefix}.{state.name}" if state.name_prefix else state.name
        state.app.extensions.setdefault(GUARDS_EXTENSION_KEY, {})[name] = policy

    @blueprint.before_request
    def guard() -> Response | None:
        if request.method == "OPTIONS" or request.environ.get(GUARDED_KEY):
            return None
        request.environ[GUARDED_KEY] = True
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or is_public(view):
            return None
        return check_request(_innermost_policy(policy), view)

    blueprint.after_request(send_refreshed_tokens)


def _innermost_policy(default: GuardPolicy) -> GuardPolicy:
    policies: dict[str, GuardPolicy] = current_app.extensions.get(GUARDS_EXTENSION_KEY, {})
    return next((policies[name] for name in request.blueprints if name in policies), default)


def _refresh_token(settings: CommonSettings, sources: Sequence[str]) -> str | None:
    if "cookie" not in sources:
        return None
    return request.cookies.get(settings.OIDC_REFRESH_COOKIE_NAME) or None
