"""Who may do what. Pure functions of the actor; services call them before changing state."""

from __future__ import annotations

from icat.core.actor import Actor
from icat.core.errors import Forbidden, Unauthorized

REGISTRY_EDITORS = frozenset({"admin", "secretariat"})
SIGNED_IN = frozenset({"admin", "secretariat", "focal_point", "viewer"})


def is_signed_in(actor: Actor | None) -> bool:
    return actor is not None and actor.role in SIGNED_IN


def require_role(actor: Actor | None, roles: frozenset[str], action: str) -> Actor:
    """Return ``actor`` if its role is in ``roles``; raise Forbidden naming the action."""
    if actor is None:
        raise Unauthorized(f"Sign in to {action}.")
    if actor.role not in roles:
        raise Forbidden(f"Your role may not {action}.")
    return actor
