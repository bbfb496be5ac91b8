"""OIDC bearer authentication: JWT validation against the issuer's JWKS and a route decorator."""
