"""The World Day from ICAT's reference data (``world_day``), mapped to observance fields.

Pure functions. A year the file does not list gets no theme row: unknown stays unknown.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from icat.registry.reference import load_reference

WORLD_DAY = "world-day-against-trafficking-in-persons"
# Default campaign: (key, days before the day) — DESIGN §4, issue 4.
DEFAULT_STEPS = (
    ("theme_agreed", 90),
    ("draft_statement_circulated", 60),
    ("endorsement_deadline", 30),
    ("translations_ready", 7),
    ("the_day", 0),
)
# The Chinese name as A/RES/78/228 OP7 writes it (docs/un/A-RES-78-228.zh.txt).
_NAMES = {"en": "World Day against Trafficking in Persons", "zh": "世界打击贩运人口行为日"}
_NAME_SOURCE = {"source": "A/RES/78/228 (zh)", "locator": "OP7", "tier": "official"}
_REMARK = re.compile(r"^(.*\S)\s+\(((?:seed|wording)[^()]*)\)$")


def _split_remark(theme: str | None) -> tuple[str | None, str]:
    """``"Text (wording not verified)"`` → ``("Text", "wording not verified")``: the file
    annotates some themes in parentheses; the remark is kept, as a note, not as the theme."""
    match = _REMARK.match(theme or "")
    return (match.group(1), match.group(2)) if match else (theme, "")


def _theme(item: dict[str, Any]) -> dict[str, Any]:
    theme, remark = _split_remark(item.get("theme"))
    return {
        "year": item["year"],
        "theme": theme,
        "note": "; ".join(p for p in (item.get("note", ""), remark) if p),
        "sources": item.get("sources", []),
        "confidence": item.get("confidence", "unconfirmed"),
        "wording_confidence": item.get("wording_confidence", ""),
    }


def world_day(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Observance fields, themes and default steps of the World Day (30 July)."""
    item = (data or load_reference())["world_day"]
    when = datetime.strptime(item["date"], "%d %B")  # "30 July"
    return {
        "slug": WORLD_DAY,
        "name": _NAMES["en"],
        "names": dict(_NAMES),
        "month": when.month,
        "day": when.day,
        "first_year": item["first_observed"],
        "established_by": item["established_by"],
        "sources": [*item.get("sources", []), _NAME_SOURCE],
        "confidence": item.get("confidence", "unconfirmed"),
        "themes": [_theme(t) for t in item.get("themes", [])],
        "steps": [{"key": k, "offset_days": d} for k, d in DEFAULT_STEPS],
    }


def reference_observances() -> list[dict[str, Any]]:
    return [world_day()]
