"""Read side of publications: the filtered list and the one text search behind it.

Who may see what is ``icat.publications.access`` (re-exported). ``search_clause`` is the one
place the search is spelled: PostgreSQL full-text search (``to_tsvector``/``plainto_tsquery``
with the ``simple`` configuration, fit for six languages; computed per query, without an
index: ICAT's texts number in the hundreds), and SQLite's FTS5 index kept by triggers
(migration 0007), which also folds accents. Neither segments Chinese words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.publications.access import get_publication, public_clause, visible_clause
from icat.publications.models import (
    CirculationRound,
    Publication,
    PublicationText,
    RoundResponse,
    TextVersion,
    publication_leads,
)
from icat.registry.models import Entity

__all__ = ["PublicationFilter", "get_publication", "list_publications", "search_clause"]


@dataclass(frozen=True)
class PublicationFilter:
    kind: str | None = None
    year: int | None = None
    theme: str | None = None  # a thematic priority key
    language: str | None = None  # has a text in this language
    entity: str | None = None  # a lead or co-signing entity
    q: str | None = None  # words searched in titles and bodies
    status: str | None = None
    public_only: bool = False

    @classmethod
    def from_args(cls, args: dict[str, object]) -> PublicationFilter:
        """The filter of a list's query arguments (the API's and the index page's)."""
        names = ("kind", "year", "theme", "language", "entity", "q", "status")
        return cls(**{k: args.get(k) for k in names})  # type: ignore[arg-type]


def search_words(text: str) -> list[str]:
    """The words searched for: letters and digits only (at most ten), so none of the search
    engines' syntax (quotes, operators, columns) can come from the user."""
    return re.findall(r"\w+", text.lower())[:10]


def search_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """Publications with a text (any language) containing every word of ``text`` as a word
    or a word's beginning: PostgreSQL full-text search, or SQLite's FTS5 index."""
    words = search_words(text)
    if not words:
        return sa.false()
    if session.get_bind().dialect.name == "postgresql":
        document = sa.func.to_tsvector("simple", PublicationText.title + " " + PublicationText.body)
        query = sa.func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
        return Publication.id.in_(sa.select(PublicationText.publication_id).where(document.bool_op("@@")(query)))
    terms = " ".join(f'"{w}"*' for w in words)
    matched = sa.select(sa.column("publication_id")).select_from(sa.table("publication_texts_fts"))
    return Publication.id.in_(matched.where(sa.text("publication_texts_fts MATCH :terms").bindparams(terms=terms)))


def _entity_clause(acronym: str) -> sa.ColumnElement[bool]:
    led = (
        sa.select(publication_leads.c.publication_id)
        .join(Entity, Entity.id == publication_leads.c.entity_id)
        .where(Entity.acronym == acronym)
    )
    endorsed = (
        sa.select(CirculationRound.publication_id)
        .join(RoundResponse, RoundResponse.round_id == CirculationRound.id)
        .join(Entity, Entity.id == RoundResponse.entity_id)
        .where(CirculationRound.status == "adopted", RoundResponse.decision == "endorse", Entity.acronym == acronym)
    )
    return sa.or_(Publication.id.in_(led), Publication.id.in_(endorsed))


def _filtered(session: Session, query: sa.Select, flt: PublicationFilter) -> sa.Select:
    if flt.kind:
        query = query.where(Publication.kind == flt.kind)
    if flt.year:
        query = query.where(Publication.year == flt.year)
    if flt.status:
        query = query.where(Publication.status == flt.status)
    if flt.theme:
        query = query.where(sa.cast(Publication.tags, sa.Text).like(f'%"{flt.theme}"%'))
    if flt.language:
        has = sa.select(PublicationText.publication_id).where(PublicationText.language == flt.language)
        query = query.where(Publication.id.in_(has))
    if flt.entity:
        query = query.where(_entity_clause(flt.entity))
    if flt.q and flt.q.strip():
        query = query.where(search_clause(session, flt.q.strip()))
    return query


def list_publications(
    session: Session, *, actor: Actor | None, flt: PublicationFilter, limit: int | None = None, after: object = None
) -> Sequence[Publication]:
    """Publications ``actor`` may see matching ``flt``, newest first (by id), after the cursor (an id)."""
    visible = visible_clause(None if flt.public_only else actor)
    query = _filtered(session, sa.select(Publication).where(visible), flt)
    query = query.order_by(Publication.year.desc().nulls_last(), Publication.id.desc()) if flt.public_only else query
    if after is not None:
        if not isinstance(after, int) or isinstance(after, bool):
            raise ValidationError(
                _l("Invalid cursor."), fields={"cursor": [_l("Not a cursor this API sent.")]}, rule="http.cursor_forged"
            )
        query = query.where(Publication.id < after)
    if not flt.public_only:
        query = query.order_by(Publication.id.desc())
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def available_years(session: Session) -> list[int]:
    """Years of public publications, newest first (the index's year filter)."""
    query = sa.select(Publication.year).where(public_clause(), Publication.year.is_not(None)).distinct()
    return sorted(session.scalars(query), reverse=True)


def text_versions(session: Session, publication_id: int) -> list[TextVersion]:
    """Every saved version of every language, oldest first."""
    query = sa.select(TextVersion).where(TextVersion.publication_id == publication_id)
    return list(session.scalars(query.order_by(TextVersion.id)))


def last_seen_text(session: Session, pub: Publication, entity_id: int) -> TextVersion | None:
    """The authoritative text as ``entity_id`` last answered it in an earlier round, or None."""
    current = pub.current_round
    earlier = [r for r in pub.rounds if r is not current]
    for round_ in reversed(earlier):
        answer = next((a for a in round_.responses if a.entity_id == entity_id), None)
        if answer is not None:
            query = sa.select(TextVersion).where(
                TextVersion.publication_id == pub.id,
                TextVersion.language == pub.language,
                TextVersion.content_hash == answer.version_hash,
            )
            return session.scalars(query.order_by(TextVersion.id.desc()).limit(1)).first()
    return None
