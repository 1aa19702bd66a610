"""Checks on a publication's fields: kind, language, leads, number, year, tags (pure but for
the entity lookup). Every problem is named by field; nothing is written here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.errors import Conflict, Message, ValidationError
from icat.publications.models import NUMBERED_KINDS, PUBLICATION_KINDS, Publication
from icat.registry.models import UN_LANGUAGES, Entity
from icat.registry.queries import entities_named
from icat.registry.reference import load_reference

Errors = dict[str, list[Message]]


@cache
def thematic_priorities() -> dict[str, str]:
    """ICAT's thematic priorities from the reference data: key → English label."""
    return {item["key"]: item["label"] for item in load_reference().get("thematic_priorities", [])}


def field_errors(fields: dict[str, Any]) -> Errors:
    """Problems of kind, language, number, year and tags among ``fields`` (those present)."""
    errors: Errors = {}
    if "kind" in fields and fields["kind"] not in PUBLICATION_KINDS:
        errors["kind"] = [_l("One of %(choices)s.", choices=", ".join(PUBLICATION_KINDS))]
    if "language" in fields and fields["language"] not in UN_LANGUAGES:
        errors["language"] = [_l("Unknown language; one of %(choices)s.", choices=", ".join(UN_LANGUAGES))]
    year = fields.get("year")
    if year is not None and not 2000 <= year <= 2100:
        errors["year"] = [_l("Between %(low)s and %(high)s.", low=2000, high=2100)]
    number = fields.get("number")
    if number is not None and not 1 <= number <= 9999:
        errors["number"] = [_l("Between %(low)s and %(high)s.", low=1, high=9999)]
    unknown = [t for t in fields.get("tags") or () if t not in thematic_priorities()]
    if unknown:
        errors["tags"] = [_l("Not an ICAT thematic priority: %(tag)s.", tag=t) for t in unknown]
    return errors


def check_number_kind(kind: str, number: int | None) -> None:
    if number is not None and kind not in NUMBERED_KINDS:
        raise ValidationError(
            _l("Only issue briefs are numbered."),
            fields={"number": [_l("Only for issue briefs.")]},
            rule="publications.number_only_for_briefs",
        )


def resolve_leads(session: Session, acronyms: Iterable[str], errors: Errors) -> list[Entity]:
    """The lead entities (members or partners of the registry); unknown ones go to ``errors``."""
    return entities_named(session, acronyms, errors, field="lead_entities")


def next_number(session: Session, kind: str = "issue_brief") -> int:
    """The next free number of a series: one past the highest taken."""
    highest = session.scalar(sa.select(sa.func.max(Publication.number)).where(Publication.kind == kind))
    return (highest or 0) + 1


def check_number_free(session: Session, kind: str, number: int | None, *, own_id: int | None = None) -> None:
    """Conflict (409) when another publication of the series has ``number``; the message
    proposes the next free one. The unique constraint backs this under races."""
    if number is None:
        return
    taken = session.scalar(
        sa.select(Publication.id).where(
            Publication.kind == kind, Publication.number == number, Publication.id != own_id
        )
    )
    if taken is not None:
        free = next_number(session, kind)
        raise Conflict(
            _l(
                "Issue brief %(number)s exists already (publication %(taken)s); the next free number is %(free)s.",
                number=number,
                taken=taken,
                free=free,
            ),
            fields={"number": [_l("Taken; next free: %(free)s.", free=free)]},
            rule="publications.number_taken",
        )
