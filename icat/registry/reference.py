"""Reading ICAT's reference data (``data/icat_reference.json``) into entity fields.

Pure functions: what the file says, mapped to our vocabulary. Unknown values stay None.
The entities' official names in Arabic, French, Russian and Spanish come from a file of our
own, ``data/entity_names.json`` (the reference file is a copy of a shared one we do not
edit): each name with its sources and confidence. A language without a known name has no
entry, and pages fall back to the English name.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# The reference file's type vocabulary → DESIGN §4 categories.
TYPE_TO_CATEGORY = {
    "UN Secretariat dept": "un_secretariat",
    "UN agency-fund-programme": "un_agency_fund_programme",
    "office of SRSG": "srsg_office",
    "regional organisation": "regional_organization",
    "other intergovernmental org": "intergovernmental_organization",
}


@cache
def load_reference() -> dict[str, Any]:
    """The packaged reference data set (read once per process)."""
    text = resources.files("icat.registry").joinpath("data/icat_reference.json").read_text("utf-8")
    return json.loads(text)


@cache
def load_entity_names() -> dict[str, Any]:
    """The packaged official names in ar, fr, ru, es, with their sources (read once per process)."""
    text = resources.files("icat.registry").joinpath("data/entity_names.json").read_text("utf-8")
    return json.loads(text)


def _category(item: dict[str, Any]) -> str:
    # The two Special Rapporteurs are typed "other intergovernmental org" in the file, with a
    # type_note saying they are Human Rights Council special procedures: DESIGN has a category.
    if "special procedure" in item.get("type_note", "").lower():
        return "special_procedure"
    return TYPE_TO_CATEGORY.get(item["type"], "other")


def _names(item: dict[str, Any], official: dict[str, Any]) -> dict[str, Any]:
    """``names`` (en, zh from the reference file, then the official names known) and
    ``name_sources`` (the sources and confidence of each of those official names)."""
    names = {"en": item["name_en"]}
    if item.get("name_zh_seed"):
        names["zh"] = item["name_zh_seed"]
    known = official.get(item["acronym"], {})
    names |= {lang: entry["name"] for lang, entry in known.items()}
    sources = {lang: {"sources": entry["sources"], "confidence": entry["confidence"]} for lang, entry in known.items()}
    return {"names": names, "name_sources": sources}


def _member(item: dict[str, Any], coordinator: str, official: dict[str, Any]) -> dict[str, Any]:
    return {
        "acronym": item["acronym"],
        "name": item["name_en"],
        **_names(item, official),
        "kind": "member",
        "category": _category(item),
        "joined_year": item.get("join_year"),
        "working_group": bool(item.get("working_group_member")),
        "is_coordinator": item["acronym"] == coordinator,
        "sources": item.get("membership_sources", []) + item.get("join_sources", []),
        "confidence": item.get("membership_confidence", "unconfirmed"),
        "notes": item.get("join_note", ""),
    }


def _partner(item: dict[str, Any], official: dict[str, Any]) -> dict[str, Any]:
    return {
        "acronym": item["acronym"],
        "name": item["name_en"],
        **_names(item, official),
        "kind": "partner",
        "category": _category(item),
        "joined_year": item.get("partner_since"),
        "working_group": bool(item.get("working_group_member")),
        "is_coordinator": False,
        "sources": item.get("sources", []),
        "confidence": "high",  # listed in A/RES/78/228 footnote 20
        "notes": item.get("partner_note", item.get("notes", "")),
    }


def reference_entities(data: dict[str, Any] | None = None, names: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Entity field dicts for every member and partner in the reference data, with the
    official names of ``names`` (default: the packaged entity_names.json)."""
    data = data or load_reference()
    official = (names if names is not None else load_entity_names())["entities"]
    coordinator = data["organization"]["coordinator"]["entity"]
    members = [_member(m, coordinator, official) for m in data["members"]]
    return members + [_partner(p, official) for p in data["partners"]]
