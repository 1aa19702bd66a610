"""The Atom feed of published texts (RFC 4287), written by feedgen from query results.

One feed per language: with ``language`` each entry is that language's text (only texts that
have one); without, each in its authoritative language. Contributors are the co-signing
entities; bodies go in as the sanitised HTML of the pages (``texts.body_html``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from html import escape

from feedgen.feed import FeedGenerator
from flask_babel import lazy_gettext as _l

from icat.publications import texts
from icat.publications.models import Publication
from icat.publications.services import cosigners

FEED_START = datetime(2000, 1, 1, tzinfo=UTC)


def _entry_html(pub: Publication, language: str) -> str:
    parts = [texts.body_html(pub.text(language))]
    signed = cosigners(pub)
    if signed:
        parts.append(f"<p>{escape(str(_l('Co-signed by:')))} {escape(', '.join(signed))}</p>")
    if pub.status == "withdrawn":
        parts.append(f"<p><strong>{escape(str(_l('Withdrawn.')))}</strong> {escape(pub.withdrawn_note)}</p>")
    return "".join(parts)


def _published(pub: Publication) -> datetime:
    if pub.published_on:
        return datetime.combine(pub.published_on, time(), tzinfo=UTC)
    return datetime(pub.year, 1, 1, tzinfo=UTC) if pub.year else pub.created_at


def atom(pubs: Sequence[Publication], *, language: str | None, base_url: str, feed_title: str) -> bytes:
    """The Atom document of ``pubs`` (already filtered to what the public may read)."""
    fg = FeedGenerator()
    suffix = f"?lang={language}" if language else ""
    fg.id(f"{base_url}/publications.atom{suffix}")
    fg.title(feed_title)
    fg.link(href=f"{base_url}/publications.atom{suffix}", rel="self")
    fg.link(href=f"{base_url}/publications{suffix}", rel="alternate")
    fg.language(language or "en")
    fg.author({"name": "ICAT"})
    fg.updated(max((p.updated_at for p in pubs), default=FEED_START))
    for pub in reversed(list(pubs)):  # feedgen puts the last added first
        lang = language if language and pub.text(language) else texts.shown_language(pub, None)
        text = pub.text(lang)
        entry = fg.add_entry()
        entry.id(f"{base_url}/publications/{pub.id}")
        entry.title(text.title if text else f"Publication {pub.id}")
        entry.link(href=f"{base_url}/publications/{pub.id}?lang={lang}", rel="alternate", hreflang=lang)
        entry.updated(pub.updated_at)
        entry.published(_published(pub))
        entry.content(_entry_html(pub, lang), type="html")
        for acronym in cosigners(pub):
            entry.contributor({"name": acronym})
        for tag in pub.tags:
            entry.category(term=tag)
    return fg.atom_str(pretty=True)
