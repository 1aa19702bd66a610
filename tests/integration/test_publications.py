"""Publications: drafting, texts per language with versions and hashes, translations that
go out of date, issue-brief numbers, and refusals that leave nothing half-saved."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.errors import Conflict, Forbidden, StaleVersion, ValidationError
from icat.core.outbox import OutboxEvent
from icat.publications import rules, services, texts
from icat.publications.models import Publication, PublicationText, TextVersion
from tests.conftest import count
from tests.support.publications import NOW, PubCast


def test_a_draft_stores_each_language_as_a_hashed_version(
    session: Session, draft: Callable[..., Any], pubcast: PubCast
) -> None:
    with clock.frozen(NOW):
        pub = draft(
            translations={
                "fr": {"title": "Déclaration", "body": "L'ICAT appelle…"},
                "ar": {"title": "بيان", "body": "نص"},
            }
        )
    session.expire_all()
    stored = session.get(Publication, pub.id)
    assert stored is not None and stored.status == "draft" and stored.lead_acronyms == ["ILO"]
    en = stored.text("en")
    assert en is not None
    assert en.content_hash == hashlib.sha256(json.dumps([en.title, en.body], ensure_ascii=False).encode()).hexdigest()
    assert stored.text("fr").follows_hash == en.content_hash  # type: ignore[union-attr]
    assert count(session, TextVersion, TextVersion.publication_id == pub.id) == 3
    version = session.query(TextVersion).filter_by(publication_id=pub.id, language="en").one()
    assert (version.author_id, version.created_at) == (pubcast.secretariat.id, NOW)
    states = {s.language: s.state for s in texts.language_states(stored)}
    assert states == {"ar": "draft", "zh": "missing", "en": "draft", "fr": "draft", "ru": "missing", "es": "missing"}
    assert count(session, OutboxEvent, OutboxEvent.type == "PublicationTextSaved") == 3


def test_a_translation_is_outdated_once_the_authoritative_text_changes(
    session: Session, draft: Callable[..., Any], pubcast: PubCast
) -> None:
    pub = draft(translations={"es": {"title": "Declaración", "body": "Texto", "state": "final"}})
    actor = pubcast.actor(pubcast.secretariat)
    services.update_publication(
        session, actor=actor, publication_id=pub.id, version=pub.version, changes={"body": "New text."}
    )
    session.commit()
    session.expire_all()
    stored = session.get(Publication, pub.id)
    es = next(s for s in texts.language_states(stored) if s.language == "es")  # type: ignore[arg-type]
    assert (es.state, es.outdated) == ("final", True)
    assert count(session, TextVersion, TextVersion.publication_id == pub.id, TextVersion.language == "en") == 2
    services.update_publication(
        session, actor=actor, publication_id=pub.id, version=stored.version,  # type: ignore[union-attr]
        changes={"translations": {"es": {"title": "Declaración", "body": "Texto nuevo", "state": "final"}}},
    )  # fmt: skip
    session.commit()
    session.expire_all()
    es = next(s for s in texts.language_states(session.get(Publication, pub.id)) if s.language == "es")  # type: ignore[arg-type]
    assert es.outdated is False


def test_an_unchanged_save_makes_no_version(session: Session, draft: Callable[..., Any], pubcast: PubCast) -> None:
    pub = draft()
    services.update_publication(
        session, actor=pubcast.actor(pubcast.secretariat), publication_id=pub.id, version=pub.version,
        changes={"title": pub.text("en").title},
    )  # fmt: skip
    session.commit()
    assert count(session, TextVersion, TextVersion.publication_id == pub.id) == 1


def test_issue_brief_numbers_are_unique_and_the_next_free_is_proposed(
    session: Session, draft: Callable[..., Any]
) -> None:
    draft(kind="issue_brief", number=7, title="Brief seven")
    assert rules.next_number(session) == 8
    with pytest.raises(Conflict, match="next free number is 8"):
        draft(kind="issue_brief", number=7, title="Another seven")
    session.rollback()
    assert count(session, Publication) == 1
    assert count(session, PublicationText) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"language": "de"}, "language"),
        ({"kind": "press_release"}, "kind"),
        ({"tags": ["technology", "weather"]}, "tags"),
        ({"lead_entities": ["NOPE"]}, "lead_entities"),
        ({"title": ""}, "title"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"year": 1999}, "year"),
        ({"kind": "joint_statement", "number": 3}, "number"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(
    session: Session, draft: Callable[..., Any], fields: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(**fields)
    session.rollback()
    assert field in caught.value.fields
    assert count(session, Publication) == 0 and count(session, OutboxEvent, OutboxEvent.type.like("Publication%")) == 0


def test_tags_are_icat_thematic_priorities_from_the_reference_data(draft: Callable[..., Any]) -> None:
    assert {"technology", "non_punishment", "public_procurement"} <= set(rules.thematic_priorities())
    assert draft(tags=["technology"]).tags == ["technology"]


def test_a_focal_point_drafts_only_briefs_its_entity_leads(session: Session, pubcast: PubCast) -> None:
    actor = pubcast.actor(pubcast.iom)
    with pytest.raises(Forbidden):
        services.create_publication(
            session, actor=actor, kind="issue_brief", language="en", title="T", lead_entities=["ILO"]
        )
    with pytest.raises(Forbidden):
        services.create_publication(
            session, actor=actor, kind="joint_statement", language="en", title="T", lead_entities=["IOM"]
        )
    session.rollback()
    pub = services.create_publication(
        session, actor=actor, kind="issue_brief", language="en", title="T", lead_entities=["IOM"]
    )
    session.commit()
    assert count(session, Publication) == 1 and pub.lead_acronyms == ["IOM"]


def test_a_stale_edit_is_refused_and_changes_nothing(
    session: Session, draft: Callable[..., Any], pubcast: PubCast
) -> None:
    pub = draft()
    actor = pubcast.actor(pubcast.secretariat)
    services.update_publication(
        session, actor=actor, publication_id=pub.id, version=pub.version, changes={"year": 2031}
    )
    session.commit()
    with pytest.raises(StaleVersion):
        services.update_publication(session, actor=actor, publication_id=pub.id, version=1, changes={"body": "x"})
    session.rollback()
    session.expire_all()
    assert session.get(Publication, pub.id).text("en").body != "x"  # type: ignore[union-attr]
    assert count(session, TextVersion, TextVersion.publication_id == pub.id) == 1


def test_word_diff_marks_inserted_and_deleted_words_escaped() -> None:
    html = texts.word_diff("ICAT calls on States", "ICAT urges on <b>States</b>")
    assert html.startswith("ICAT <del>calls</del><ins>urges</ins> on ")
    assert "<ins>&lt;b&gt;States&lt;/b&gt;</ins>" in html and "<b>" not in html
