"""Route decorators: ``@public``, ``@allow_roles(...)`` and ``@require_auth``.

``@public`` and ``@allow_roles`` mark views for a blueprint guard
(:func:`~common.auth.guard.protect_blueprint`); ``@require_auth`` checks one view
on its own, for routes outside a guarded blueprint. The caller of an
authenticated request is :func:`current_auth` (its claims: ``current_auth().claims``).
"""

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue

from common.auth.guard import (
    ALLOWED_ROLES_ATTRIBUTE,
    GuardPolicy,
    check_request,
    current_auth,
    send_refreshed_tokens,
)
from common.core.public import public

P = ParamSpec("P")
V = TypeVar("V", bound=Callable[..., Any])

__all__ = ["allow_roles", "current_auth", "public", "require_auth"]


def allow_roles(*roles: str) -> Callable[[V], V]:
    """Only callers with one of ``roles`` reach the view (a guard's admin roles always do)."""

    def mark(view: V) -> V:
        setattr(view, ALLOWED_ROLES_ATTRIBUTE, frozenset(roles))
        return view

    return mark


def require_auth(view: Callable[P, ResponseReturnValue]) -> Callable[P, Response]:
    """Answer 401 unless the request carries a valid token (and 403 without an allowed role)."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        endpoint_view = current_app.view_functions.get(request.endpoint or "", wrapper)
        refused = check_request(GuardPolicy(), endpoint_view)
        if refused is not None:
            return refused
        return send_refreshed_tokens(current_app.make_response(view(*args, **kwargs)))

    return wrapper
