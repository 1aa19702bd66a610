"""Publication pages: the public index (filters and search), one publication per language
with its co-signers, and the Atom feed. Server-rendered, no JavaScript needed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from icat.publications import texts
from icat.publications.access import answerable_entities, may_manage
from icat.publications.feed import atom
from icat.publications.models import PUBLICATION_KINDS
from icat.publications.queries import PublicationFilter, available_years, get_publication, list_publications
from icat.publications.rules import thematic_priorities
from icat.publications.schemas import FeedArgsSchema, PublicationListArgsSchema
from icat.publications.services import cosigners
from icat.registry.models import UN_LANGUAGES
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor
from icat.web.http import current_session, load_args

bp = Blueprint("publications", __name__)
PAGE_SIZE = 200


def _choices() -> dict[str, Any]:
    session = current_session()
    return {
        "kinds": PUBLICATION_KINDS,
        "years": available_years(session),
        "themes": thematic_priorities(),
        "languages": UN_LANGUAGES,
        "entities": list_entities(session, EntityFilter()),
    }


@bp.get("/publications")
def index() -> str:
    args = load_args(PublicationListArgsSchema())
    rows = list_publications(
        current_session(), actor=current_actor(), flt=PublicationFilter.from_args(args), limit=PAGE_SIZE
    )
    rows = sorted(rows, key=lambda p: (p.year or 0, p.id), reverse=True)
    return render_template("publications/index.html", rows=rows, args=args, texts=texts, **_choices())


def detail_context(publication_id: int) -> dict[str, Any]:
    """What the page of one publication shows, in the language asked for (``?lang=``)."""
    pub = get_publication(current_session(), publication_id, actor=current_actor())
    lang = texts.shown_language(pub, request.args.get("lang"))
    return {
        "pub": pub, "lang": lang, "text": pub.text(lang), "body": texts.body_html(pub.text(lang)),
        "dir": texts.direction(lang), "cosigners": cosigners(pub), "languages": texts.available_languages(pub),
        "states": texts.language_states(pub), "can_manage": may_manage(current_actor(), pub),
        "answers_of": lambda r: {a.entity_id: a for a in r.responses},
        "may_answer": bool(answerable_entities(pub, current_actor())),
    }  # fmt: skip


@bp.get("/publications/<int:publication_id>")
def detail(publication_id: int) -> str:
    return render_template("publications/detail.html", **detail_context(publication_id))


@bp.get("/publications.atom")
def feed() -> Response:
    args = load_args(FeedArgsSchema())
    flt = PublicationFilter(kind=args.get("kind"), theme=args.get("theme"), language=args.get("lang"), public_only=True)
    rows = list_publications(current_session(), actor=None, flt=flt, limit=PAGE_SIZE)
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    body = atom(rows, language=args.get("lang"), base_url=base, feed_title=_("ICAT publications"))
    return Response(body, mimetype="application/atom+xml")
