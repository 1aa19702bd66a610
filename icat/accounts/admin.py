"""User administration (DESIGN §4, §7 users): invite, change, deactivate and reactivate.

Who may: an admin manages everyone; the secretariat manages people of the non-admin roles
(it may neither make anyone admin nor touch an admin). A person edits their own name,
language, zone and reminder preferences, never their own role, entity or state. The last
active admin cannot be deactivated nor lose the role, so the workspace keeps someone who
can manage it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import links, rules
from icat.accounts.events import UserDeactivated, UserInvited, UserReactivated, UserUpdated
from icat.accounts.models import Token, User
from icat.accounts.services import end_sessions, refuse_taken
from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, NotFound, ValidationError
from icat.core.permissions import ADMIN, SIGNED_IN, STAFF, require_role

# API name → column; "entity" and "active" are handled apart.
USER_COLUMNS = {"name": "display_name", "language": "locale", "timezone": "timezone", "role": "role"}
OWN_FIELDS = frozenset({"name", "language", "timezone", "reminder_preferences"})
USER_EDITABLE = frozenset({*USER_COLUMNS, "entity", "active", "reminder_preferences"})


def may_manage(actor: Actor | None, role: str) -> bool:
    """Whether ``actor`` may invite or change a person who has (or gets) ``role``."""
    return actor is not None and (actor.role == ADMIN or (actor.role in STAFF and role != ADMIN))


def _require_manage(actor: Actor, role: str) -> None:
    if not may_manage(actor, role):
        raise Forbidden(_l("Only an admin may make someone an admin or change an admin."), rule="accounts.admin_only")


def get_user(session: Session, *, actor: Actor | None, user_id: int) -> User:
    """A person as staff (or that person) sees them. Raises Unauthorized, Forbidden, NotFound."""
    require_role(actor, SIGNED_IN, _l("see people"))
    user = session.get(User, user_id)
    if user is None or (actor.user_id != user_id and actor.role not in STAFF):
        raise NotFound(_l("No such person."), rule="accounts.person_unknown")
    return user


def invite(
    session: Session,
    *,
    actor: Actor,
    email: str,
    role: str,
    entity: str | None = None,
    language: str = "en",
    timezone: str = "UTC",
    name: str = "",
    secret: str,
) -> User:
    """Create an account without a password and send its invitation (7 days, single use).

    Raises Forbidden (secretariat inviting an admin), ValidationError (bad email, unknown
    role, language, zone or entity, focal point without entity), Conflict (address taken).
    Emits UserInvited and AccountLinkIssued."""
    require_role(actor, STAFF, _l("invite people"))
    errors: rules.Errors = {}
    rules.check_role(errors, role)
    rules.check_language(errors, language)
    rules.check_zone(errors, timezone)
    found = rules.resolve_entity(session, errors, role, entity)
    if errors:
        raise ValidationError(
            _l("The invitation could not be sent."), fields=errors, rule="accounts.invitation_invalid"
        )
    _require_manage(actor, role)
    address = rules.normalise_email(email)
    refuse_taken(session, address)
    now = clock.now()
    user = User(email=address, display_name=name.strip(), password_hash="", role=role, entity=found)
    user.locale, user.timezone, user.created_at, user.invited_at = language, timezone, now, now
    user.reminder_preferences = {}
    session.add(user)
    session.flush()
    event = UserInvited(user_id=user.id, email=address, role=role, entity=entity or None, language=language)
    outbox.record(session, event, actor=actor)
    links.issue(session, actor=actor, user=user, purpose="invitation", secret=secret)
    return user


def resend_invitation(session: Session, *, actor: Actor, user_id: int, secret: str) -> User:
    """A new invitation link replaces the old one (which stops working). Raises NotFound,
    Forbidden, Conflict (the person has signed up already)."""
    require_role(actor, STAFF, _l("invite people"))
    user = get_user(session, actor=actor, user_id=user_id)
    _require_manage(actor, user.role)
    if user.state != "invited":
        raise Conflict(_l("%(email)s has signed up already.", email=user.email), rule="accounts.signed_up_already")
    user.invited_at = clock.now()
    links.issue(session, actor=actor, user=user, purpose="invitation", secret=secret)
    return user


def update_user(session: Session, *, actor: Actor, user_id: int, version: int | None, changes: dict[str, Any]) -> User:
    """Change a person at ``version``: ``name, language, timezone, reminder_preferences``
    (themselves or staff), ``role, entity, active`` (staff, never their own).

    Raises Forbidden, NotFound, ValidationError (unknown fields or values, focal point
    without entity), StaleVersion, Conflict (the last active admin). Emits UserUpdated, and
    UserDeactivated or UserReactivated when ``active`` changes."""
    user = get_user(session, actor=actor, user_id=user_id)
    edits.refuse_unknown(changes, USER_EDITABLE)
    edits.check_version(user, version, label=user.email)
    if actor.user_id == user.id:  # the last admin editing themselves hears the reason (409) first
        _keep_an_admin(session, user, changes)
    _check_rights(actor, user, changes)
    _keep_an_admin(session, user, changes)
    values = _values(session, user, changes)
    diff = edits.apply_changes(user, values, set(values))
    if not diff:
        return user
    session.flush()
    outbox.record(session, UserUpdated(user_id=user.id, version=user.version, changes=_api_names(diff)), actor=actor)
    if "is_active" in diff:
        _record_state(session, actor, user)
    return user


def _check_rights(actor: Actor, user: User, changes: dict[str, Any]) -> None:
    staff_fields = set(changes) - OWN_FIELDS
    if actor.user_id == user.id and staff_fields:
        raise Forbidden(
            _l("You cannot change your own role, entity or state; ask an admin."), rule="accounts.own_rights_fixed"
        )
    if actor.user_id != user.id:
        require_role(actor, STAFF, _l("change other people"))
        _require_manage(actor, user.role)
        _require_manage(actor, changes.get("role", user.role))


def _values(session: Session, user: User, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes as column values, every field checked first (422 naming each)."""
    errors: rules.Errors = {}
    if "role" in changes:
        rules.check_role(errors, changes["role"])
    if "language" in changes:
        rules.check_language(errors, changes["language"])
    if "timezone" in changes:
        rules.check_zone(errors, changes["timezone"])
    values = {USER_COLUMNS[k]: v for k, v in changes.items() if k in USER_COLUMNS}
    if "reminder_preferences" in changes:
        values["reminder_preferences"] = rules.check_reminder_preferences(errors, changes["reminder_preferences"])
    role = changes.get("role", user.role)
    if "entity" in changes or "role" in changes:
        acronym = changes.get("entity", user.entity.acronym if user.entity else None)
        values["entity"] = rules.resolve_entity(session, errors, role, acronym)
    if "active" in changes:
        values["is_active"] = bool(changes["active"])
    if errors:
        raise ValidationError(_l("The person could not be changed."), fields=errors, rule="accounts.person_invalid")
    return values


def _keep_an_admin(session: Session, user: User, changes: dict[str, Any]) -> None:
    """Refuse a change that would leave no active admin (Conflict)."""
    if not (user.role == ADMIN and user.is_active):
        return
    if changes.get("role", ADMIN) == ADMIN and changes.get("active", True):
        return
    others = sa.select(sa.func.count()).where(User.role == ADMIN, User.is_active, User.id != user.id)
    if not session.scalar(others):
        raise Conflict(_l("This is the last active admin: make someone else admin first."), rule="accounts.last_admin")


def _record_state(session: Session, actor: Actor, user: User) -> None:
    if user.is_active:
        outbox.record(session, UserReactivated(user_id=user.id, email=user.email), actor=actor)
        return
    end_sessions(session, user.id)
    revoked = session.execute(
        sa.update(Token).where(Token.user_id == user.id, Token.revoked_at.is_(None)).values(revoked_at=clock.now())
    ).rowcount
    outbox.record(session, UserDeactivated(user_id=user.id, email=user.email, tokens_revoked=revoked), actor=actor)


_API_NAMES = {v: k for k, v in USER_COLUMNS.items()} | {"is_active": "active"}


def _api_names(diff: dict[str, list[Any]]) -> dict[str, list[Any]]:
    out = {}
    for column, (old, new) in diff.items():
        if column == "entity":
            old, new = old and old.acronym, new and new.acronym
        out[_API_NAMES.get(column, column)] = [old, new]
    return out
