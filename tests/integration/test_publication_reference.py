"""ICAT's record of publications and joint statements from the reference data: published
rows without bodies, with sources, loaded once however often the seed runs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.publications import reference
from icat.publications.models import Publication
from icat.publications.queries import PublicationFilter, list_publications
from icat.registry.reference import load_reference
from tests.conftest import count


def test_the_record_is_seeded_once_as_published_rows_with_sources(session: Session) -> None:
    data = load_reference()
    added, kept, untitled = reference.seed_history(session, actor=SYSTEM, data=data)
    session.commit()
    titled = [p for p in data["publications"] if p["title"]] + data["joint_statements"]
    assert (added, kept, untitled) == (len(titled), 0, 2)  # Issue Briefs 01 and 09 are not identified
    assert reference.seed_history(session, actor=SYSTEM, data=data) == (0, len(titled), 2)
    session.commit()
    assert count(session, Publication) == len(titled)
    rows = session.scalars(sa.select(Publication)).all()
    assert all(p.status == "published" and p.sources is not None and p.text("en").body == "" for p in rows)  # type: ignore[union-attr]
    assert all(p.sources for p in rows)


def test_facts_are_mapped_and_unknowns_stay_unknown(session: Session) -> None:
    reference.seed_history(session, actor=SYSTEM, data=load_reference())
    session.commit()
    briefs = {p.number: p for p in list_publications(session, actor=None, flt=PublicationFilter(kind="issue_brief"))}
    assert briefs[8].text("en").title == "Non-Punishment of Victims of Trafficking"  # type: ignore[union-attr]
    assert briefs[8].tags == ["non_punishment"] and briefs[7].tags == ["technology"]
    assert briefs[10].year is None  # the data does not confirm the year
    assert None in briefs and "05 or 06 (not confirmed)" in briefs[None].note  # not given a number it lacks
    calls = list_publications(session, actor=None, flt=PublicationFilter(kind="call_to_action"))
    assert {p.published_on.isoformat() for p in calls} >= {"2021-07-30", "2022-12-02", "2023-11-08"}  # type: ignore[union-attr]
    found = list_publications(session, actor=None, flt=PublicationFilter(q="organ removal"))
    assert [p.number for p in found] == [11]


def test_one_search_over_every_language_prefixes_and_accents(session: Session, draft: Any) -> None:
    pub = draft(
        title="Protection first",
        body="Victims come first.",
        translations={"fr": {"title": "Déclaration", "body": "Les victimes d'abord."}},
    )
    pub.status = "published"
    session.commit()

    def found(words: str) -> list[int]:
        return [p.id for p in list_publications(session, actor=None, flt=PublicationFilter(q=words))]

    assert found("victimes") == [pub.id] and found("Déclaration") == [pub.id]  # the French text
    assert found("protect") == [pub.id]  # a prefix of a word
    assert found("victims absent") == []  # every word must match
    for hostile in ('"', "AND OR NOT", "title:x", "*", "NEAR(a b)", "'; DROP TABLE publications; --"):
        assert found(hostile) == []
    assert count(session, Publication) == 1
