"""ICAT's record of publications and joint statements, from the reference data, as published
rows without bodies: the title (English), year, kind, number where the data says it exactly,
themes where the data relates them, each with its sources. Unknown stays unknown: a row with
no title is skipped; an uncertain number is kept in the note, not in ``number``."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.publications.events import PublicationDrafted, PublicationPublished
from icat.publications.models import Publication, PublicationText
from icat.publications.texts import content_hash

# The reference file's kinds → DESIGN §4 kinds; the file's own word stays in the note.
KIND_MAP = {
    "issue brief": "issue_brief",
    "issue/policy paper": "policy_paper",
    "issue paper": "policy_paper",
    "overview paper": "policy_paper",
    "analytical review": "policy_paper",
    "analytical paper": "policy_paper",
    "toolkit": "toolkit",
}
CALL_WORDS = ("call to action", "call for action", "call for accelerated action")


def _key(prefix: str, *parts: Any) -> str:
    return f"ref:{prefix}:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _exact_date(text: str | None) -> date | None:
    """A full YYYY-MM-DD date, or None (a month or a year is not a publication date)."""
    return date.fromisoformat(text) if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None


def _themes(data: dict[str, Any], number: int | None) -> list[str]:
    """Thematic priorities the reference data relates to issue brief ``number`` ("IB07")."""
    if number is None:
        return []
    return [t["key"] for t in data.get("thematic_priorities", []) if f"IB{number:02d}" in t.get("related", [])]


def _note(item: dict[str, Any], extra: list[str]) -> str:
    parts = [
        *extra,
        item.get("note") or "",
        item.get("title_confidence") and f"Title confidence: {item['title_confidence']}",
    ]
    return " · ".join(p for p in parts if p)


def from_publication(data: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    kind = KIND_MAP.get(item["kind"], "report")
    raw = item.get("number")
    number = int(raw) if kind == "issue_brief" and raw and str(raw).isdigit() else None
    extra = [f"Reference kind: {item['kind']}"] + ([f"Number: {raw}"] if raw and number is None else [])
    if item.get("date"):
        extra.append(f"Date: {item['date']}")
    return {
        "external_key": _key("publication", item["kind"], raw, item["title"]), "kind": kind, "number": number,
        "year": item.get("year"), "title": item["title"], "published_on": _exact_date(item.get("date")),
        "tags": _themes(data, number), "sources": item.get("sources", []),
        "confidence": item.get("confidence", "medium"), "note": _note(item, extra),
    }  # fmt: skip


def from_statement(item: dict[str, Any]) -> dict[str, Any]:
    title = item["title_or_focus"]
    kind = "call_to_action" if any(w in title.lower() for w in CALL_WORDS) else "joint_statement"
    day = _exact_date(item.get("date"))
    return {
        "external_key": _key("statement", item.get("date"), title), "kind": kind, "number": None,
        "year": day.year if day else None, "title": title, "published_on": day, "tags": [],
        "sources": item.get("sources", []), "confidence": item.get("confidence", "medium"),
        "note": _note(item, [f"Occasion: {item['occasion']}"] if item.get("occasion") else []),
    }  # fmt: skip


def reference_publications(data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Rows for every publication and joint statement with a title; and how many had none."""
    rows = [from_publication(data, p) for p in data.get("publications", []) if p.get("title")]
    rows += [from_statement(s) for s in data.get("joint_statements", []) if s.get("title_or_focus")]
    untitled = len(data.get("publications", [])) + len(data.get("joint_statements", [])) - len(rows)
    return rows, untitled


def _insert(session: Session, actor: Actor, fields: dict[str, Any]) -> Publication:
    now, title = clock.now(), fields.pop("title")
    pub = Publication(**fields, language="en", status="published", created_at=now, updated_at=now)
    pub.texts.append(PublicationText(language="en", title=title, body="", state="final",
                                     content_hash=content_hash(title, ""), updated_at=now))  # fmt: skip
    session.add(pub)
    session.flush()
    outbox.record(session, PublicationDrafted(publication_id=pub.id, kind=pub.kind, language="en", title=title,
                                              number=pub.number), actor=actor)  # fmt: skip
    on = pub.published_on.isoformat() if pub.published_on else ""
    outbox.record(session, PublicationPublished(publication_id=pub.id, published_on=on), actor=actor)
    return pub


def seed_history(session: Session, *, actor: Actor, data: dict[str, Any]) -> tuple[int, int, int]:
    """Add ICAT's published record not yet present; returns (added, kept, skipped without a title).

    Idempotent by ``external_key``: rows already there are left as they are. Emits
    PublicationDrafted and PublicationPublished for each row added.
    """
    rows, untitled = reference_publications(data)
    present = set(session.scalars(sa.select(Publication.external_key).where(Publication.external_key.is_not(None))))
    added = 0
    for fields in rows:
        if fields["external_key"] in present:
            continue
        _insert(session, actor, dict(fields))
        present.add(fields["external_key"])
        added += 1
    return added, len(rows) - added, untitled
