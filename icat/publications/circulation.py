"""Circulation rounds: open one, record entities' answers, close it exactly once.

``endorsement``: adopted the moment every addressed entity endorsed or abstained and none
objects; not adopted if the deadline passes with an objection or a missing answer.
``silence``: adopted at the deadline unless an entity objects; an objection breaks the
silence at once. A round is closed by one conditional UPDATE (``… WHERE status = 'open'``),
so of two workers (or a worker and a last answer) exactly one closes it and records the event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, Forbidden, Message, NotFound, ValidationError
from icat.core.permissions import SIGNED_IN, require_role
from icat.publications import texts
from icat.publications.access import get_publication, may_answer_for, publication_to_manage
from icat.publications.events import CirculationRoundClosed, PublicationCirculated, PublicationResponseRecorded
from icat.publications.models import DECISIONS, PROCEDURES, CirculationRound, Publication, RoundResponse
from icat.registry.models import Entity
from icat.registry.queries import entities_named

ROUNDS: sa.Table = CirculationRound.__table__  # type: ignore[assignment]
COMMENT_MAX = 2000


def _addressees(session: Session, acronyms: Iterable[str] | None) -> list[Entity]:
    """The named entities, or the working group when none are named. ValidationError otherwise."""
    if acronyms is None:
        found = list(session.scalars(sa.select(Entity).where(Entity.working_group).order_by(Entity.acronym)))
        if not found:
            raise ValidationError(
                _l("Name the entities: the registry records no working group."),
                fields={"entities": [_l("Required.")]},
                rule="publications.entities_missing",
            )
        return found
    errors: dict[str, list[Message]] = {}
    found = entities_named(session, acronyms, errors, field="entities")
    if errors or not found:
        raise ValidationError(
            _l("Some entities are unknown."),
            fields=errors or {"entities": [_l("Name at least one entity.")]},
            rule="publications.entities_unknown",
        )
    return found


def _check_circulable(pub: Publication, procedure: str, deadline: datetime) -> str:
    """The authoritative hash to circulate; raises Conflict (state) or ValidationError."""
    if pub.status not in ("draft",):
        raise Conflict(
            _l("Publication %(id)s is %(status)s: only a draft is circulated.", id=pub.id, status=pub.status),
            rule="publications.not_a_draft",
        )
    errors: dict[str, list[Message]] = {}
    if procedure not in PROCEDURES:
        errors["procedure"] = [_l("One of %(choices)s.", choices=", ".join(PROCEDURES))]
    if deadline.tzinfo is None or deadline <= clock.now():
        errors["deadline"] = [_l("A moment in the future, with its offset.")]
    text = pub.text(pub.language)
    if text is None or not text.body.strip() or not text.title.strip():
        errors["body"] = [_l("The authoritative text (%(language)s) is empty.", language=pub.language)]
    if errors:
        raise ValidationError(
            _l("The circulation cannot start."), fields=errors, rule="publications.circulation_invalid"
        )
    assert text is not None
    return text.content_hash


def circulate(
    session: Session,
    *,
    actor: Actor,
    publication_id: int,
    procedure: str,
    deadline: datetime,
    entities: Iterable[str] | None = None,
    version: int | None = None,
) -> CirculationRound:
    """Circulate the current authoritative text (secretariat, lead focal points) to
    ``entities`` (default: the working group) until ``deadline``. Raises Forbidden, NotFound,
    StaleVersion, Conflict (not a draft), ValidationError (procedure, deadline, empty text,
    entities). Emits PublicationCirculated."""
    pub = publication_to_manage(session, publication_id, actor, _l("circulate publications"))
    edits.check_version(pub, version, label=_l("Publication %(id)s", id=publication_id), required=False)
    digest = _check_circulable(pub, procedure, deadline)
    addressed = _addressees(session, entities)
    now = clock.now()
    round_ = CirculationRound(
        number=len(pub.rounds) + 1,
        procedure=procedure,
        deadline=deadline,
        version_hash=digest,
        status="open",
        opened_by=actor.user_id,
        opened_at=now,
        entities=addressed,
    )
    pub.rounds.append(round_)
    pub.status, pub.updated_at = "circulated", now
    session.flush()
    event = PublicationCirculated(
        publication_id=pub.id,
        round_id=round_.id,
        round_number=round_.number,
        procedure=procedure,
        deadline=deadline.isoformat(),
        version_hash=digest,
        entities=round_.entity_acronyms,
    )
    outbox.record(session, event, actor=actor)
    return round_


def _open_round(pub: Publication) -> CirculationRound:
    round_ = pub.current_round
    if round_ is None or round_.status != "open":
        raise Conflict(
            _l("Publication %(id)s has no open circulation round.", id=pub.id), rule="publications.round_not_open"
        )
    if clock.now() >= round_.deadline:
        raise Conflict(
            _l(
                "The deadline of round %(number)s has passed (%(deadline)s).",
                number=round_.number,
                deadline=round_.deadline.isoformat(),
            ),
            rule="publications.deadline_passed",
        )
    return round_


def _check_answer(round_: CirculationRound, entity: Entity | None, acronym: str, decision: str, comment: str) -> None:
    errors: dict[str, list[Message]] = {}
    if entity is None or entity.id not in {e.id for e in round_.entities}:
        errors["entity"] = [_l("%(entity)s was not asked in round %(number)s.", entity=acronym, number=round_.number)]
    if decision not in DECISIONS:
        errors["decision"] = [_l("One of %(choices)s.", choices=", ".join(DECISIONS))]
    if decision == "object" and not comment.strip():
        errors["comment"] = [_l("An objection gives its reason.")]
    if len(comment) > COMMENT_MAX or texts.text_problem(comment, multiline=True):
        errors.setdefault("comment", []).append(_l("At most %(limit)s characters of text.", limit=COMMENT_MAX))
    if errors:
        raise ValidationError(_l("The response is invalid."), fields=errors, rule="publications.response_invalid")


def respond(
    session: Session, *, actor: Actor, publication_id: int, entity: str, decision: str, comment: str = ""
) -> Publication:
    """Record ``entity``'s answer in the open round, pinned to the circulated hash; a new
    answer replaces the entity's earlier one; returns the publication. Raises Unauthorized, NotFound, Forbidden (not
    the actor's entity), Conflict (no open round, deadline passed), ValidationError. Emits
    PublicationResponseRecorded, and CirculationRoundClosed when the answer decides the round."""
    require_role(actor, SIGNED_IN, _l("answer circulations"))
    pub = get_publication(session, publication_id, actor=actor)
    found = session.scalar(sa.select(Entity).where(Entity.acronym == entity))
    if found is None or not may_answer_for(actor, found.id):
        raise Forbidden(
            _l("You do not answer for %(entity)s: a focal point answers for its own entity only.", entity=entity),
            rule="publications.answer_refused",
        )
    round_ = _open_round(pub)
    _check_answer(round_, found, entity, decision, comment)
    response = next((r for r in round_.responses if r.entity_id == found.id), None)
    if response is None:
        response = RoundResponse(entity_id=found.id, entity=found)
        round_.responses.append(response)
    response.decision, response.comment, response.version_hash = decision, comment, round_.version_hash
    response.user_id, response.by_label, response.at = actor.user_id, actor.label, clock.now()
    session.flush()
    event = PublicationResponseRecorded(
        publication_id=pub.id,
        round_id=round_.id,
        entity=entity,
        decision=decision,
        version_hash=round_.version_hash,
        comment=comment,
    )
    outbox.record(session, event, actor=actor)
    if outcome := decided_early(round_):
        close_round(session, round_, outcome, actor=actor)
    return pub


def _live(round_: CirculationRound) -> list[RoundResponse]:
    return [r for r in round_.responses if not r.voided]


def decided_early(round_: CirculationRound) -> str | None:
    """An outcome reached before the deadline: silence broken, or every entity agreed."""
    answers = {r.entity_id: r.decision for r in _live(round_)}
    if round_.procedure == "silence":
        return "broken" if "object" in answers.values() else None
    every = {e.id for e in round_.entities} <= set(answers)
    return "adopted" if every and "object" not in answers.values() else None


def outcome_at_deadline(round_: CirculationRound) -> str:
    """Silence kept → adopted; an endorsement round not yet adopted → not adopted."""
    if round_.procedure == "silence":
        return "broken" if any(r.decision == "object" for r in _live(round_)) else "adopted"
    return decided_early(round_) or "not_adopted"


def close_round(session: Session, round_: CirculationRound, outcome: str, *, actor: Actor) -> bool:
    """Close ``round_`` with ``outcome`` if it is still open; True if this call closed it.

    The conditional UPDATE is the guard: a concurrent closer's UPDATE matches no row (on
    PostgreSQL it waits for the first transaction, then re-reads the status). Sets the
    publication's status (adopted, else back to draft) and emits CirculationRoundClosed."""
    won = session.execute(
        sa.update(ROUNDS)
        .where(ROUNDS.c.id == round_.id, ROUNDS.c.status == "open")
        .values(status=outcome, closed_at=clock.now())
    ).rowcount
    if won != 1:
        return False
    session.expire(round_, ["status", "closed_at"])
    pub = round_.publication
    pub.status, pub.updated_at = ("adopted" if outcome == "adopted" else "draft"), clock.now()
    if outcome == "voided":
        for response in round_.responses:
            response.voided = True
    session.flush()
    objectors = sorted(r.entity.acronym for r in _live(round_) if r.decision == "object")
    title = (pub.text(pub.language) or pub.texts[0]).title if pub.texts else ""
    event = CirculationRoundClosed(
        publication_id=pub.id,
        round_id=round_.id,
        round_number=round_.number,
        procedure=round_.procedure,
        outcome=outcome,
        title=title,
        leads=pub.lead_acronyms,
        objectors=objectors,
    )
    outbox.record(session, event, actor=actor)
    return True


def void_open_round(session: Session, pub: Publication, *, actor: Actor) -> bool:
    """The text changed: an open round's answers no longer hold. Voids it (kept in the
    history) and returns the publication to draft, to be circulated again."""
    round_ = pub.current_round
    if round_ is None or round_.status != "open":
        return False
    return close_round(session, round_, "voided", actor=actor)


def due_round_ids(session: Session, now: datetime | None = None) -> list[int]:
    """Open rounds whose deadline has come."""
    at = now or clock.now()
    return list(
        session.scalars(
            sa.select(CirculationRound.id)
            .where(CirculationRound.status == "open", CirculationRound.deadline <= at)
            .order_by(CirculationRound.deadline, CirculationRound.id)
        )
    )


def close_due_round(session: Session, round_id: int) -> str | None:
    """Close one due round with its deadline outcome; the outcome, or None when another
    closer was first (or it is not due)."""
    round_ = session.get(CirculationRound, round_id)
    if round_ is None or round_.status != "open" or round_.deadline > clock.now():
        return None
    outcome = outcome_at_deadline(round_)
    return outcome if close_round(session, round_, outcome, actor=SYSTEM) else None


def get_round(pub: Publication, number: int) -> CirculationRound:
    found = next((r for r in pub.rounds if r.number == number), None)
    if found is None:
        raise NotFound(
            _l("Publication %(id)s has no round %(number)s.", id=pub.id, number=number),
            rule="publications.round_unknown",
        )
    return found
