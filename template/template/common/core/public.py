"""``@public``: marks a view that needs no authentication.

Authentication guards (``common.auth``) let requests to such views through; the
health, metrics and SSE callback routes of ``common/`` carry the mark, so an
application that guards every route keeps its probes reachable.
"""

from collections.abc import Callable
from typing import Any, TypeVar

PUBLIC_ATTRIBUTE = "is_public"

V = TypeVar("V", bound=Callable[..., Any])


def public(view: V) -> V:
    """Let requests reach ``view`` without a token."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def is_public(view: Callable[..., Any] | None) -> bool:
    """True if ``view`` (or the view it wraps) is marked :func:`public`."""
    while view is not None:
        if getattr(view, PUBLIC_ATTRIBUTE, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False
