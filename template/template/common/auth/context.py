"""Who a validated token says the caller is: :class:`AuthContext`."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def roles_from_claims(claims: Mapping[str, Any], client_id: str | None = None) -> frozenset[str]:
    """Roles granted by the token: ``roles``, ``realm_access.roles`` (Keycloak) and
    ``resource_access.<client_id>.roles``."""
    found: set[str] = set()

    def add(values: Any) -> None:
        if isinstance(values, Iterable) and not isinstance(values, str | bytes):
            found.update(str(value) for value in values)

    add(claims.get("roles"))
    realm_access = claims.get("realm_access")
    if isinstance(realm_access, Mapping):
        add(realm_access.get("roles"))
    resource_access = claims.get("resource_access")
    if client_id and isinstance(resource_access, Mapping):
        client_access = resource_access.get(client_id)
        if isinstance(client_access, Mapping):
            add(client_access.get("roles"))
    return frozenset(found)


@dataclass(frozen=True)
class AuthContext:
    """The authenticated caller of the current request."""

    subject: str
    email: str | None = None
    name: str | None = None
    roles: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], client_id: str | None = None) -> "AuthContext":
        return cls(
            subject=str(claims.get("sub", "")),
            email=claims.get("email"),
            name=claims.get("name") or claims.get("preferred_username"),
            roles=roles_from_claims(claims, client_id),
            claims=dict(claims),
        )

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)
