"""Circulation end to end with the worker's own jobs and a frozen clock: both procedures,
answers voided by an edit, reminders for the silent entities only, outcome mail to the leads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.errors import Conflict, Forbidden, ValidationError
from icat.core.outbox import OutboxEvent
from icat.publications import circulation, services
from icat.publications.models import CirculationRound, Publication, RoundResponse
from icat.scheduler import JOBS, deliver_due, relay_outbox, run_job
from tests.conftest import count
from tests.support.publications import DEADLINE, NOW, PubCast

ROUNDS_JOB = next(job for job in JOBS if job.id == "rounds")


def tick(app: Flask, at: datetime) -> None:
    """One pass of the worker at ``at``: close due rounds, relay events, send what is due."""
    with clock.frozen(at):
        run_job(app, ROUNDS_JOB)
        with app.app_context():
            relay_outbox(app)
            deliver_due(app)


def _circulate(session: Session, pub: Publication, cast: PubCast, procedure: str, **kw: Any) -> CirculationRound:
    with clock.frozen(NOW):
        round_ = circulation.circulate(
            session,
            actor=cast.actor(cast.secretariat),
            publication_id=pub.id,
            procedure=procedure,
            deadline=DEADLINE,
            **kw,
        )
        session.commit()
    return round_


def _answer(
    session: Session,
    pub: Publication,
    cast: Any,
    user: Any,
    entity: str,
    decision: str,
    at: datetime = NOW,
    comment: str = "",
) -> None:
    with clock.frozen(at):
        circulation.respond(
            session, actor=cast.actor(user), publication_id=pub.id, entity=entity, decision=decision, comment=comment
        )
        session.commit()


def _reload(session: Session, pub: Publication) -> Publication:
    session.expire_all()
    found = session.get(Publication, pub.id)
    assert found is not None
    return found


def _closed_events(session: Session) -> list[dict]:
    session.expire_all()
    return [
        e.payload for e in session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "CirculationRoundClosed"))
    ]


def test_endorsement_adopted_when_all_endorse_then_published_with_cosigners(
    session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement")
    _answer(session, pub, pubcast, pubcast.lead, "ILO", "endorse")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "abstain")
    assert _reload(session, pub).status == "circulated"
    _answer(session, pub, pubcast, pubcast.unhcr, "UNHCR", "endorse")
    pub = _reload(session, pub)
    assert (pub.status, pub.current_round.status) == ("adopted", "adopted")  # type: ignore[union-attr]
    assert [e["outcome"] for e in _closed_events(session)] == ["adopted"]
    with clock.frozen(NOW + timedelta(days=1)):
        services.publish(session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id)
        session.commit()
    pub = _reload(session, pub)
    assert (pub.status, pub.published_on) == ("published", (NOW + timedelta(days=1)).date())
    assert services.cosigners(pub) == ["ILO", "UNHCR"]  # IOM abstained


def test_endorsement_with_an_objection_is_not_adopted_at_the_deadline(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement")
    for user, entity in ((pubcast.lead, "ILO"), (pubcast.unhcr, "UNHCR")):
        _answer(session, pub, pubcast, user, entity, "endorse")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "object", comment="Paragraph 2 goes too far.")
    assert _reload(session, pub).status == "circulated"  # an endorsement round waits for the deadline
    tick(app, DEADLINE - timedelta(seconds=1))
    assert _reload(session, pub).status == "circulated"
    tick(app, DEADLINE)
    pub = _reload(session, pub)
    assert (pub.status, pub.current_round.status) == ("draft", "not_adopted")  # type: ignore[union-attr]
    assert _closed_events(session)[0]["objectors"] == ["IOM"]
    with pytest.raises(Conflict):
        services.publish(session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id)
    session.rollback()
    assert _reload(session, pub).status == "draft"


def test_a_missing_answer_fails_an_endorsement_round(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement", entities=["ILO", "IOM"])
    _answer(session, pub, pubcast, pubcast.lead, "ILO", "endorse")
    tick(app, DEADLINE + timedelta(hours=1))
    assert _reload(session, pub).current_round.status == "not_adopted"  # type: ignore[union-attr]


def test_silence_broken_at_once_and_reported_to_the_leads(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast, smtp: Any
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    pub = draft()
    _circulate(session, pub, pubcast, "silence")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "object", comment="We cannot join.")
    pub = _reload(session, pub)
    assert (pub.status, pub.current_round.status) == ("draft", "broken")  # type: ignore[union-attr]
    tick(app, NOW + timedelta(minutes=1))
    mails = list(smtp.messages)
    outcome = [m for m in mails if "Circulation closed" in str(m["Subject"])]
    assert [m["To"] for m in outcome] == [pubcast.lead.email]
    assert "IOM" in outcome[0].get_body().get_content()  # type: ignore[union-attr]
    with pytest.raises(Conflict):  # a closed round takes no more answers
        _answer(session, pub, pubcast, pubcast.unhcr, "UNHCR", "endorse", at=NOW + timedelta(hours=1))
    session.rollback()
    assert count(session, RoundResponse) == 1


def test_silence_kept_is_adopted_at_the_deadline_by_the_workers_job(
    app: Flask, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "silence")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "endorse")
    tick(app, DEADLINE - timedelta(minutes=1))
    assert _reload(session, pub).status == "circulated"
    tick(app, DEADLINE)
    tick(app, DEADLINE + timedelta(minutes=5))  # a second pass closes nothing again
    pub = _reload(session, pub)
    assert (pub.status, pub.current_round.status) == ("adopted", "adopted")  # type: ignore[union-attr]
    assert [e["outcome"] for e in _closed_events(session)] == ["adopted"]
    with pytest.raises(Conflict, match=r"deadline|no open"):
        _answer(session, pub, pubcast, pubcast.unhcr, "UNHCR", "object", at=DEADLINE, comment="late")


def test_an_answer_after_the_deadline_is_refused_even_before_the_worker_ran(
    session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement")
    with pytest.raises(Conflict, match="deadline"):
        _answer(session, pub, pubcast, pubcast.iom, "IOM", "endorse", at=DEADLINE)
    session.rollback()
    assert count(session, RoundResponse) == 0


def test_a_focal_point_answers_for_its_own_entity_only(session: Session, draft: Callable, pubcast: PubCast) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement")
    with pytest.raises(Forbidden):
        _answer(session, pub, pubcast, pubcast.iom, "UNHCR", "endorse")
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        _answer(session, pub, pubcast, pubcast.iom, "IOM", "object")  # no reason
    session.rollback()
    assert "comment" in caught.value.fields
    assert count(session, RoundResponse) == 0


def test_editing_the_text_voids_the_rounds_answers_and_keeps_the_round(
    session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    first = _circulate(session, pub, pubcast, "endorsement")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "endorse")
    pub = _reload(session, pub)
    with clock.frozen(NOW + timedelta(days=1)):
        services.update_publication(
            session,
            actor=pubcast.actor(pubcast.lead),
            publication_id=pub.id,
            version=pub.version,
            changes={"body": "Revised."},
        )
        session.commit()
    pub = _reload(session, pub)
    assert pub.status == "draft" and [r.status for r in pub.rounds] == ["voided"]
    assert [(r.entity.acronym, r.voided) for r in pub.rounds[0].responses] == [("IOM", True)]
    with pytest.raises(Conflict):
        _answer(session, pub, pubcast, pubcast.unhcr, "UNHCR", "endorse", at=NOW + timedelta(days=1))
    session.rollback()
    second = _circulate(session, pub, pubcast, "endorsement")
    pub = _reload(session, pub)
    assert [r.number for r in pub.rounds] == [1, 2] and second.version_hash != first.version_hash
    assert pub.rounds[1].responses == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"procedure": "consensus"}, "procedure"),
        ({"deadline": NOW - timedelta(days=1)}, "deadline"),
        ({"entities": ["NOPE"]}, "entities"),
    ],
)
def test_bad_circulations_are_refused_and_nothing_is_stored(
    session: Session, draft: Callable, pubcast: PubCast, changes: dict, field: str
) -> None:
    pub = draft()
    args = {"procedure": "silence", "deadline": DEADLINE} | changes
    with clock.frozen(NOW), pytest.raises(ValidationError) as caught:
        circulation.circulate(session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id, **args)
    session.rollback()
    assert field in caught.value.fields
    assert count(session, CirculationRound) == 0 and _reload(session, pub).status == "draft"


def test_an_empty_authoritative_text_cannot_be_circulated(session: Session, draft: Callable, pubcast: PubCast) -> None:
    pub = draft(body="")
    with clock.frozen(NOW), pytest.raises(ValidationError) as caught:
        circulation.circulate(
            session,
            actor=pubcast.actor(pubcast.secretariat),
            publication_id=pub.id,
            procedure="silence",
            deadline=DEADLINE,
        )
    session.rollback()
    assert "body" in caught.value.fields and count(session, CirculationRound) == 0


def test_a_brief_is_published_only_once_its_leads_approved(session: Session, draft: Callable, pubcast: PubCast) -> None:
    pub = draft(kind="issue_brief", number=13, lead_entities=["ILO", "IOM"])
    _circulate(session, pub, pubcast, "endorsement", entities=["ILO", "IOM"])
    _answer(session, pub, pubcast, pubcast.lead, "ILO", "endorse")
    _answer(session, pub, pubcast, pubcast.iom, "IOM", "abstain")
    assert _reload(session, pub).status == "adopted"
    with clock.frozen(NOW), pytest.raises(Conflict, match="approved by every lead"):
        services.publish(session, actor=pubcast.actor(pubcast.lead), publication_id=pub.id)
    session.rollback()
    assert _reload(session, pub).status == "adopted"


def test_an_adopted_text_edited_goes_back_to_draft_but_translations_may_follow(
    session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    _circulate(session, pub, pubcast, "endorsement", entities=["ILO"])
    _answer(session, pub, pubcast, pubcast.lead, "ILO", "endorse")
    actor = pubcast.actor(pubcast.secretariat)
    pub = _reload(session, pub)
    fr = {"translations": {"fr": {"title": "Déclaration", "body": "Texte", "state": "final"}}}
    services.update_publication(session, actor=actor, publication_id=pub.id, version=pub.version, changes=fr)
    session.commit()
    pub = _reload(session, pub)
    assert pub.status == "adopted"  # translations are made after adoption
    services.update_publication(
        session, actor=actor, publication_id=pub.id, version=pub.version, changes={"body": "Other."}
    )
    session.commit()
    pub = _reload(session, pub)
    assert pub.status == "draft" and pub.rounds[0].status == "adopted"  # the history keeps the round
    with clock.frozen(NOW), pytest.raises(Conflict):
        services.publish(session, actor=actor, publication_id=pub.id)
