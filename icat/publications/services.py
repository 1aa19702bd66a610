"""Publication rules: draft, edit (texts are versioned), publish, withdraw.

The secretariat and the lead entities' focal points draft and edit. Editing the
authoritative text while a round is open voids that round (``circulation.void_open_round``).
Services record events and never commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, ValidationError
from icat.core.permissions import FOCAL_POINTS, STAFF, is_staff, require_role
from icat.publications import circulation, rules, texts
from icat.publications.access import publication_to_manage
from icat.publications.events import PublicationDrafted, PublicationPublished, PublicationUpdated, PublicationWithdrawn
from icat.publications.models import ADOPTED_KINDS, Publication
from icat.registry.models import Entity

FIELDS_EDITABLE = ("kind", "lead_entities", "number", "year", "tags")
TEXT_FIELDS = ("title", "body", "text_state", "translations")
PUBLICATION_EDITABLE = (*FIELDS_EDITABLE, *TEXT_FIELDS)
FROZEN_STATUSES = ("published", "withdrawn")


def create_publication(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    language: str,
    title: str,
    body: str = "",
    text_state: str = "draft",
    translations: dict[str, dict[str, str]] | None = None,
    lead_entities: list[str] | tuple[str, ...] = (),
    number: int | None = None,
    year: int | None = None,
    tags: list[str] | tuple[str, ...] = (),
) -> Publication:
    """Draft a publication (secretariat; a focal point for briefs its own entity leads).

    Raises Unauthorized, Forbidden, ValidationError (each field named), Conflict (number
    taken; the message names the next free one). Emits PublicationDrafted and one
    PublicationTextSaved per language given.
    """
    require_role(actor, STAFF | FOCAL_POINTS, _l("draft publications"))
    fields = {"kind": kind, "language": language, "number": number, "year": year, "tags": list(tags)}
    errors = rules.field_errors(fields) | texts.text_errors(title, body)
    leads = rules.resolve_leads(session, lead_entities, errors)
    if errors:
        raise ValidationError(
            _l("Some fields of the publication are invalid."), fields=errors, rule="publications.fields_invalid"
        )
    _check_drafter(actor, kind, leads)
    rules.check_number_kind(kind, number)
    rules.check_number_free(session, kind, number)
    now = clock.now()
    pub = Publication(**fields, leads=leads, created_by=actor.user_id, created_at=now, updated_at=now)
    session.add(pub)
    session.flush()
    outbox.record(
        session,
        PublicationDrafted(
            publication_id=pub.id, kind=kind, language=language, title=title, leads=pub.lead_acronyms, number=number
        ),
        actor=actor,
    )
    texts.save_text(session, pub, actor=actor, language=language, title=title, body=body, state=text_state)
    _save_translations(session, pub, actor, translations or {})
    return pub


def _check_drafter(actor: Actor, kind: str, leads: list[Entity]) -> None:
    """A focal point drafts only what its own entity leads, and never an ICAT-wide statement."""
    if is_staff(actor):
        return
    if kind in ADOPTED_KINDS or actor.entity_id not in {e.id for e in leads}:
        raise Forbidden(
            _l("A focal point drafts briefs and papers its own entity leads; the secretariat drafts statements."),
            rule="publications.draft_refused",
        )


def _save_translations(session: Session, pub: Publication, actor: Actor, items: dict[str, dict[str, str]]) -> int:
    """Save each translation given; the authoritative language goes through title/body."""
    saved = 0
    for lang, text in sorted(items.items()):
        texts.check_language(lang, field=f"translations.{lang}")
        if lang == pub.language:
            raise ValidationError(
                _l("The authoritative text is the title and body."),
                fields={f"translations.{lang}": [_l("Use title and body.")]},
                rule="publications.translation_authoritative",
            )
        title, body, state = text.get("title", ""), text.get("body", ""), text.get("state", "draft")
        saved += (
            texts.save_text(session, pub, actor=actor, language=lang, title=title, body=body, state=state) is not None
        )
    return saved


def update_publication(
    session: Session, *, actor: Actor, publication_id: int, version: int | None, changes: dict[str, Any]
) -> Publication:
    """Edit a publication at ``version`` (secretariat, lead focal points).

    ``changes`` may hold fields (kind, lead_entities, number, year, tags) and texts (title,
    body, text_state for the authoritative language; translations). A changed authoritative
    text during an open round voids it; after adoption it returns the text to draft. Raises
    Forbidden, NotFound, ValidationError, StaleVersion, Conflict (published or withdrawn;
    number taken). Emits PublicationUpdated, PublicationTextSaved, CirculationRoundClosed (voided).
    """
    pub = publication_to_manage(session, publication_id, actor, _l("edit publications"))
    edits.check_version(pub, version, label=_l("Publication %(id)s", id=publication_id))
    edits.refuse_unknown(changes, PUBLICATION_EDITABLE)
    if pub.status in FROZEN_STATUSES:
        raise Conflict(
            _l("Publication %(id)s is %(status)s; it cannot be edited.", id=publication_id, status=pub.status),
            rule="publications.frozen",
        )
    diff = _apply_fields(session, pub, {k: v for k, v in changes.items() if k in FIELDS_EDITABLE})
    before = texts.content_hash(*_current_text(pub))
    changed_texts = _apply_texts(session, pub, actor, changes)
    if texts.content_hash(*_current_text(pub)) != before:
        circulation.void_open_round(session, pub, actor=actor)
        if pub.status == "adopted":
            pub.status = "draft"  # what was adopted is no longer the text: circulate it again
    if diff or changed_texts:
        pub.updated_at = clock.now()
        session.flush()
        outbox.record(
            session, PublicationUpdated(publication_id=pub.id, version=pub.version, changes=diff), actor=actor
        )
    return pub


def _current_text(pub: Publication) -> tuple[str, str]:
    text = pub.text(pub.language)
    return (text.title, text.body) if text else ("", "")


def _apply_fields(session: Session, pub: Publication, changes: dict[str, Any]) -> dict[str, list[Any]]:
    merged = {k: changes.get(k, getattr(pub, k)) for k in ("kind", "number", "year", "tags")}
    errors = rules.field_errors(merged)
    if "lead_entities" in changes:
        changes = {**changes, "lead_entities": rules.resolve_leads(session, changes["lead_entities"], errors)}
    if errors:
        raise ValidationError(
            _l("Some fields of the publication are invalid."), fields=errors, rule="publications.fields_invalid"
        )
    rules.check_number_kind(merged["kind"], merged["number"])
    if "number" in changes or "kind" in changes:
        rules.check_number_free(session, merged["kind"], merged["number"], own_id=pub.id)
    if "lead_entities" in changes:
        changes["leads"] = changes.pop("lead_entities")
    return edits.apply_changes(
        pub,
        changes,
        ("kind", "leads", "number", "year", "tags"),
        to_json=lambda v: [e.acronym for e in v] if isinstance(v, list) and v and isinstance(v[0], Entity) else v,
    )


def _apply_texts(session: Session, pub: Publication, actor: Actor, changes: dict[str, Any]) -> int:
    saved = 0
    if {"title", "body", "text_state"} & set(changes):
        title, body = _current_text(pub)
        current = pub.text(pub.language)
        state = changes.get("text_state", current.state if current else "draft")
        title, body = changes.get("title", title), changes.get("body", body)
        saved += (
            texts.save_text(session, pub, actor=actor, language=pub.language, title=title, body=body, state=state)
            is not None
        )
    return saved + _save_translations(session, pub, actor, changes.get("translations") or {})


def cosigners(pub: Publication) -> list[str]:
    """The lead entities and those that endorsed in the adopting round (acronyms, sorted)."""
    adopted = next((r for r in reversed(pub.rounds) if r.status == "adopted"), None)
    endorsed = (
        {r.entity.acronym for r in adopted.responses if r.decision == "endorse" and not r.voided} if adopted else set()
    )
    return sorted(set(pub.lead_acronyms) | endorsed)


def _approved(pub: Publication) -> bool:
    """Adopted as the text now stands, and for briefs and papers endorsed by every lead entity
    in that round."""
    round_ = next((r for r in reversed(pub.rounds) if r.status == "adopted"), None)
    if pub.status != "adopted" or round_ is None or round_.version_hash != texts.content_hash(*_current_text(pub)):
        return False
    if pub.kind in ADOPTED_KINDS:
        return True
    endorsed = {r.entity_id for r in round_.responses if r.decision == "endorse" and not r.voided}
    return {e.id for e in pub.leads} <= endorsed


def _check_publishable(pub: Publication) -> None:
    """Conflict unless ``pub`` is adopted (statements, calls to action) or approved by every
    lead entity (briefs, papers) as its text now stands."""
    if _approved(pub):
        return
    if pub.kind in ADOPTED_KINDS:
        raise Conflict(
            _l("Publication %(id)s is %(status)s: only a text adopted can be published.", id=pub.id, status=pub.status),
            rule="publications.publish_not_adopted",
        )
    raise Conflict(
        _l(
            "Publication %(id)s is %(status)s: only a text approved by every lead entity can be published.",
            id=pub.id,
            status=pub.status,
        ),
        rule="publications.publish_not_approved",
    )


def publish(
    session: Session, *, actor: Actor, publication_id: int, version: int | None = None, on: date | None = None
) -> Publication:
    """Publish an adopted statement or call to action, or a brief or paper its leads approved.

    Raises Forbidden, NotFound, StaleVersion, Conflict (not adopted/approved). Emits
    PublicationPublished with the co-signers.
    """
    pub = publication_to_manage(session, publication_id, actor, _l("publish publications"))
    edits.check_version(pub, version, label=_l("Publication %(id)s", id=publication_id), required=False)
    _check_publishable(pub)
    pub.status, pub.published_on, pub.updated_at = "published", on or clock.today(), clock.now()
    session.flush()
    event = PublicationPublished(
        publication_id=pub.id, published_on=pub.published_on.isoformat(), cosigners=cosigners(pub)
    )
    outbox.record(session, event, actor=actor)
    return pub


def withdraw(
    session: Session, *, actor: Actor, publication_id: int, note: str, version: int | None = None
) -> Publication:
    """Withdraw a publication (secretariat), keeping it with ``note``. Raises Forbidden,
    NotFound, ValidationError (no note), Conflict (withdrawn already). Emits PublicationWithdrawn."""
    require_role(actor, STAFF, _l("withdraw publications"))
    pub = publication_to_manage(session, publication_id, actor, _l("withdraw publications"))
    edits.check_version(pub, version, label=_l("Publication %(id)s", id=publication_id), required=False)
    if not note.strip() or len(note) > 2000:
        raise ValidationError(
            _l("Say why it is withdrawn."),
            fields={"note": [_l("Between %(low)s and %(high)s characters.", low=1, high=2000)]},
            rule="publications.withdraw_note_invalid",
        )
    if pub.status == "withdrawn":
        raise Conflict(
            _l("Publication %(id)s is withdrawn already.", id=publication_id), rule="publications.withdrawn_already"
        )
    circulation.void_open_round(session, pub, actor=actor)
    pub.status, pub.withdrawn_note, pub.updated_at = "withdrawn", note, clock.now()
    session.flush()
    outbox.record(session, PublicationWithdrawn(publication_id=pub.id, note=note), actor=actor)
    return pub
