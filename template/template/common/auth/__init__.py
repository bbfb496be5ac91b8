"""OIDC authentication: JWT validation against the issuer's JWKS, token refresh, route guards.

- :mod:`.oidc`: :class:`~.oidc.TokenValidator` (signature, issuer, audience, expiry).
- :mod:`.client`: :class:`~.client.OidcClient` (discovery, PKCE, code exchange, refresh).
- :mod:`.guard`: token sources (cookie, then bearer), refresh, :func:`~.guard.protect_blueprint`.
- :mod:`.decorators`: ``@public``, ``@allow_roles``, ``@require_auth``, ``current_auth()``.
"""
