"""Checks of a person's fields, shared by creating, inviting and editing users.

Each check adds ``{field: [message]}`` to an errors dict, so a form or an API client hears
of every wrong field at once (422 naming them), and nothing is written before all pass.
"""

from __future__ import annotations

import functools
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import passwords
from icat.core.errors import ValidationError
from icat.core.permissions import FOCAL_POINT, ROLES
from icat.meetings.models import MEETING_KINDS
from icat.registry.models import UN_LANGUAGES, Entity

Errors = dict[str, list[Any]]


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones a person may choose, sorted; legacy aliases left out where tzdata has them."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def normalise_email(email: str) -> str:
    try:
        checked = validate_email(email.strip(), check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as exc:
        raise ValidationError(
            _l("Invalid email address."), fields={"email": [str(exc)]}, rule="accounts.email_invalid"
        ) from exc
    return checked.normalized.lower()


def check_role(errors: Errors, role: str) -> None:
    if role not in ROLES:
        errors["role"] = [_l("Must be one of: %(roles)s.", roles=", ".join(ROLES))]


def check_language(errors: Errors, language: str, field: str = "language") -> None:
    if language not in UN_LANGUAGES:
        errors[field] = [_l("Must be one of the UN languages: %(codes)s.", codes=", ".join(UN_LANGUAGES))]


def check_zone(errors: Errors, zone: str) -> None:
    if zone not in available_timezones():
        errors["timezone"] = [_l("%(zone)r is not an IANA time zone such as Europe/Vienna.", zone=zone)]


def check_password(errors: Errors, password: str, field: str = "password") -> None:
    if found := passwords.problems(password):
        errors[field] = found


def resolve_entity(session: Session, errors: Errors, role: str, acronym: str | None) -> Entity | None:
    """The entity named by ``acronym``; a focal point must name one (DESIGN §4)."""
    if acronym:
        entity = session.scalar(sa.select(Entity).where(Entity.acronym == acronym))
        if entity is None:
            errors["entity"] = [_l("No entity with acronym %(acronym)r.", acronym=acronym)]
        return entity
    if role == FOCAL_POINT:
        errors["entity"] = [_l("A focal point acts for one entity: name it.")]
    return None


def check_reminder_preferences(errors: Errors, value: Any) -> dict[str, Any]:
    """``{"meeting_kinds": {kind: bool}, "world_day": bool}``, both optional."""
    problems: list[Any] = []
    if not isinstance(value, dict) or set(value) - {"meeting_kinds", "world_day"}:
        problems.append(_l("An object with meeting_kinds and world_day."))
    else:
        kinds = value.get("meeting_kinds", {})
        if (
            not isinstance(kinds, dict)
            or set(kinds) - set(MEETING_KINDS)
            or not all(isinstance(v, bool) for v in kinds.values())
        ):
            problems.append(
                _l("meeting_kinds maps meeting kinds (%(kinds)s) to true or false.", kinds=", ".join(MEETING_KINDS))
            )
        if not isinstance(value.get("world_day", True), bool):
            problems.append(_l("world_day is true or false."))
    if problems:
        errors["reminder_preferences"] = problems
        return {}
    return {"meeting_kinds": dict(value.get("meeting_kinds", {})), "world_day": value.get("world_day", True)}


def check_place(language: str, zone: str) -> tuple[str, str]:
    """An anonymous visitor's choice of language and zone, checked like a profile's."""
    errors: Errors = {}
    check_language(errors, language)
    check_zone(errors, zone)
    if errors:
        raise ValidationError(
            _l("Choose a UN language and an IANA time zone."), fields=errors, rule="accounts.place_invalid"
        )
    return language, zone
