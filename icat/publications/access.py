"""Who may see and change which publication: as SQL for lists and as checks on a row.

Published (and withdrawn-after-publishing) texts are public; the secretariat sees all; a
focal point also sees the drafts its entity leads or was asked to answer on. The secretariat
and the lead entities' focal points edit, circulate and publish.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Forbidden, Message, NotFound
from icat.core.permissions import FOCAL_POINT, FOCAL_POINTS, STAFF, is_staff, require_role
from icat.publications.models import CirculationRound, Publication, publication_leads, round_entities


def public_clause() -> sa.ColumnElement[bool]:
    """Published ones, and withdrawn ones that had been published (they stay, with a note).
    ICAT's older record may be published with only a year known (no ``published_on``)."""
    withdrawn = sa.and_(Publication.status == "withdrawn", Publication.published_on.is_not(None))
    return sa.or_(Publication.status == "published", withdrawn)


def is_public(pub: Publication) -> bool:
    """The rule of ``public_clause`` for a loaded row."""
    return pub.status == "published" or (pub.status == "withdrawn" and pub.published_on is not None)


def _of_entity(entity_id: int) -> sa.ColumnElement[bool]:
    led = sa.select(publication_leads.c.publication_id).where(publication_leads.c.entity_id == entity_id)
    asked = (
        sa.select(CirculationRound.publication_id)
        .join(round_entities, round_entities.c.round_id == CirculationRound.id)
        .where(round_entities.c.entity_id == entity_id)
    )
    return sa.or_(Publication.id.in_(led), Publication.id.in_(asked))


def visible_clause(actor: Actor | None) -> sa.ColumnElement[bool]:
    """SQL condition for the publications ``actor`` may see."""
    if is_staff(actor):
        return sa.true()
    if actor is None or actor.role != FOCAL_POINT or actor.entity_id is None:
        return public_clause()
    return sa.or_(public_clause(), _of_entity(actor.entity_id))


def _addressed(pub: Publication, entity_id: int) -> bool:
    return any(entity_id in {e.id for e in r.entities} for r in pub.rounds)


def can_see(actor: Actor | None, pub: Publication) -> bool:
    """The rule of ``visible_clause`` for a loaded row."""
    if is_staff(actor) or is_public(pub):
        return True
    if actor is None or actor.role != FOCAL_POINT or actor.entity_id is None:
        return False
    return actor.entity_id in {e.id for e in pub.leads} or _addressed(pub, actor.entity_id)


def get_publication(session: Session, publication_id: int, *, actor: Actor | None) -> Publication:
    """The publication if ``actor`` may see it; NotFound otherwise (hidden ones are not revealed)."""
    pub = session.get(Publication, publication_id)
    if pub is None or not can_see(actor, pub):
        raise NotFound(_l("No publication %(id)s.", id=publication_id), rule="publications.publication_unknown")
    return pub


def is_lead_focal_point(actor: Actor | None, pub: Publication) -> bool:
    return (
        actor is not None
        and actor.role == FOCAL_POINT
        and actor.entity_id is not None
        and actor.entity_id in {e.id for e in pub.leads}
    )


def may_manage(actor: Actor | None, pub: Publication) -> bool:
    """Edit, circulate, publish: the secretariat, or a focal point of a lead entity."""
    return is_staff(actor) or is_lead_focal_point(actor, pub)


def publication_to_manage(session: Session, publication_id: int, actor: Actor | None, action: Message) -> Publication:
    """The publication ``actor`` may manage. Raises Unauthorized, Forbidden, NotFound."""
    require_role(actor, STAFF | FOCAL_POINTS, action)
    pub = get_publication(session, publication_id, actor=actor)
    if not may_manage(actor, pub):
        raise Forbidden(
            _l("Only the secretariat and the lead entities' focal points may %(action)s.", action=action),
            rule="publications.manage_refused",
        )
    return pub


def may_answer_for(actor: Actor | None, entity_id: int) -> bool:
    """A focal point answers for its own entity only; the secretariat records any entity's answer."""
    if is_staff(actor):
        return True
    return actor is not None and actor.role == FOCAL_POINT and actor.entity_id == entity_id


def answerable_entities(pub: Publication, actor: Actor | None) -> list[str]:
    """Acronyms ``actor`` may answer for in the open round: any addressed entity for the
    secretariat; its own, if addressed, for a focal point."""
    round_ = pub.current_round
    if actor is None or round_ is None or round_.status != "open":
        return []
    return [e.acronym for e in round_.entities if may_answer_for(actor, e.id)]
