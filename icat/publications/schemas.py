"""The publications API contract (DESIGN §7): request and response shapes. Types, choices
and lengths are checked here; the rules (leads, numbers, tags, states) by the services."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.core.fields import Text
from icat.publications import texts
from icat.publications.models import DECISIONS, PROCEDURES, PUBLICATION_KINDS, PUBLICATION_STATUSES, TEXT_STATES
from icat.publications.rules import thematic_priorities
from icat.publications.services import cosigners
from icat.registry.models import UN_LANGUAGES

LANGUAGE = validate.OneOf(UN_LANGUAGES)


class TranslationSchema(Schema):
    title = Text(required=True, validate=validate.Length(1, texts.TITLE_MAX))
    body = Text(load_default="", multiline=True, validate=validate.Length(max=texts.BODY_MAX))
    state = fields.String(load_default="draft", validate=validate.OneOf(TEXT_STATES))


class PublicationFieldsSchema(Schema):
    """Fields a client may set (create; patch loads them partially)."""

    kind = fields.String(required=True, validate=validate.OneOf(PUBLICATION_KINDS))
    title = Text(required=True, validate=validate.Length(1, texts.TITLE_MAX))
    body = Text(load_default="", multiline=True, validate=validate.Length(max=texts.BODY_MAX))
    text_state = fields.String(load_default="draft", validate=validate.OneOf(TEXT_STATES))
    translations = fields.Dict(keys=fields.String(validate=LANGUAGE), values=fields.Nested(TranslationSchema))
    lead_entities = fields.List(Text(validate=validate.Length(1, 20)), load_default=list)
    number = fields.Integer(allow_none=True, load_default=None, metadata={"description": "issue briefs only"})
    year = fields.Integer(allow_none=True, load_default=None)
    tags = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)


class PublicationCreateSchema(PublicationFieldsSchema):
    language = fields.String(required=True, validate=LANGUAGE, metadata={"description": "the authoritative language"})


class PublicationPatchSchema(PublicationFieldsSchema):
    """Loaded with ``partial=True``; ``version`` may instead come as ``If-Match``."""

    version = fields.Integer(validate=validate.Range(min=1))


class CirculationSchema(Schema):
    procedure = fields.String(required=True, validate=validate.OneOf(PROCEDURES))
    deadline = fields.AwareDateTime(required=True)
    entities = fields.List(Text(validate=validate.Length(1, 20)), allow_none=True, load_default=None)
    version = fields.Integer(validate=validate.Range(min=1))


class CirculationOutSchema(Schema):
    round = fields.Integer()
    procedure = fields.String()
    deadline = fields.AwareDateTime()
    entities = fields.List(fields.String())
    status = fields.String()
    version_hash = fields.String()


class ResponseSchema(Schema):
    entity = Text(required=True, validate=validate.Length(1, 20))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = Text(load_default="", multiline=True, validate=validate.Length(max=2000))


class ResponseOutSchema(Schema):
    entity = fields.String()
    decision = fields.String()
    comment = fields.String()
    by = fields.String()
    at = fields.AwareDateTime()
    version_hash = fields.String()


class PublishSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1))
    published_on = fields.Date(load_default=None, allow_none=True)


class PublicationSchema(PublicationCreateSchema):
    """A publication as the API answers it (the contract's fields plus server-owned ones)."""

    id = fields.Integer()
    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(PUBLICATION_STATUSES))
    circulation = fields.Nested(CirculationOutSchema, allow_none=True)
    responses = fields.List(fields.Nested(ResponseOutSchema))
    cosigners = fields.List(fields.String())
    published_on = fields.Date(allow_none=True)
    withdrawn_note = fields.String()
    sources = fields.List(fields.Dict())
    languages = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={"description": "state per language"})


class PublicationListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=validate.OneOf(PUBLICATION_KINDS))
    year = fields.Integer(validate=validate.Range(1900, 2200))
    theme = fields.String(validate=validate.OneOf(tuple(thematic_priorities())))
    language = fields.String(validate=LANGUAGE)
    entity = fields.String(validate=validate.Length(1, 20))
    q = Text(validate=validate.Length(1, 200))
    status = fields.String(validate=validate.OneOf(PUBLICATION_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class FeedArgsSchema(Schema):
    """The Atom feed's arguments: ``lang`` picks the language (only texts in it), and a kind
    or theme narrows it."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(validate=LANGUAGE)
    kind = fields.String(validate=validate.OneOf(PUBLICATION_KINDS))
    theme = fields.String(validate=validate.OneOf(tuple(thematic_priorities())))


class PublicationListSchema(Schema):
    items = fields.List(fields.Nested(PublicationSchema))
    next_cursor = fields.String(allow_none=True)


def _round(pub: Any) -> dict[str, Any] | None:
    r = pub.current_round
    if r is None:
        return None
    return {"round": r.number, "procedure": r.procedure, "deadline": r.deadline.isoformat(),
            "entities": r.entity_acronyms, "status": r.status, "version_hash": r.version_hash}  # fmt: skip


def _responses(pub: Any) -> list[dict[str, Any]]:
    r = pub.current_round
    live = sorted((x for x in r.responses if not x.voided), key=lambda x: x.entity.acronym) if r else []
    return [{"entity": x.entity.acronym, "decision": x.decision, "comment": x.comment, "by": x.by_label,
             "at": x.at.isoformat(), "version_hash": x.version_hash} for x in live]  # fmt: skip


def dump_publication(pub: Any) -> dict[str, Any]:
    """The JSON of one publication (DESIGN §7 shape)."""
    main = pub.text(pub.language)
    others = {t.language: {"title": t.title, "body": t.body, "state": t.state} for t in pub.texts if t is not main}
    states = {s.language: {"state": s.state, "outdated": s.outdated} for s in texts.language_states(pub)}
    return {
        "id": pub.id, "version": pub.version, "kind": pub.kind, "language": pub.language,
        "title": main.title if main else "", "body": main.body if main else "",
        "text_state": main.state if main else "draft", "translations": others,
        "lead_entities": pub.lead_acronyms, "number": pub.number, "year": pub.year, "tags": list(pub.tags),
        "status": pub.status, "circulation": _round(pub), "responses": _responses(pub),
        "cosigners": cosigners(pub), "published_on": pub.published_on.isoformat() if pub.published_on else None,
        "withdrawn_note": pub.withdrawn_note, "sources": pub.sources, "languages": states,
    }  # fmt: skip
