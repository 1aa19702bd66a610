"""The role vocabulary (DESIGN §4 accounts), written once, and the check services call first.

``admin`` and ``secretariat`` see and change all ICAT data (STAFF); a ``focal_point`` acts for
one entity; a ``viewer`` reads members-only pages. Anonymous callers (actor None) see public
data only. Area rules beyond the role (whose proposal, which entity) live in each area's
``access.py``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from icat.core.actor import Actor
from icat.core.errors import Forbidden, Message, Unauthorized

ADMIN, SECRETARIAT, FOCAL_POINT, VIEWER = "admin", "secretariat", "focal_point", "viewer"
ROLES = (ADMIN, SECRETARIAT, FOCAL_POINT, VIEWER)  # order kept: the users.role CHECK names it

ADMINS = frozenset({ADMIN})
STAFF = frozenset({ADMIN, SECRETARIAT})  # the secretariat and admins: all ICAT data
FOCAL_POINTS = frozenset({FOCAL_POINT})
SIGNED_IN = frozenset(ROLES)


def is_signed_in(actor: Actor | None) -> bool:
    return actor is not None and actor.role in SIGNED_IN


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.role in STAFF


def require_role(actor: Actor | None, roles: frozenset[str], action: Message) -> Actor:
    """Return ``actor`` if its role is in ``roles``; raise Unauthorized (nobody signed in)
    or Forbidden naming the action."""
    if actor is None:
        raise Unauthorized(_l("Sign in to %(action)s.", action=action), rule="permissions.sign_in_required")
    if actor.role not in roles:
        raise Forbidden(_l("Your role may not %(action)s.", action=action), rule="permissions.role_refused")
    return actor
