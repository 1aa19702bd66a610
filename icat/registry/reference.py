"""Reading ICAT's reference data (``data/icat_reference.json``) into entity fields.

Pure functions: what the file says, mapped to our vocabulary. Unknown values stay None.
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


def _category(item: dict[str, Any]) -> str:
    # The two Special Rapporteurs are typed "other intergovernmental org" in the file, with a
    # type_note saying they are Human Rights Council special procedures: DESIGN has a category.
    if "special procedure" in item.get("type_note", "").lower():
        return "special_procedure"
    return TYPE_TO_CATEGORY.get(item["type"], "other")


def _names(item: dict[str, Any]) -> dict[str, str]:
    names = {"en": item["name_en"]}
    if item.get("name_zh_seed"):
        names["zh"] = item["name_zh_seed"]
    return names


def _member(item: dict[str, Any], coordinator: str) -> dict[str, Any]:
    return {
        "acronym": item["acronym"],
        "name": item["name_en"],
        "names": _names(item),
        "kind": "member",
        "category": _category(item),
        "joined_year": item.get("join_year"),
        "working_group": bool(item.get("working_group_member")),
        "is_coordinator": item["acronym"] == coordinator,
        "sources": item.get("membership_sources", []) + item.get("join_sources", []),
        "confidence": item.get("membership_confidence", "unconfirmed"),
        "notes": item.get("join_note", ""),
    }


def _partner(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "acronym": item["acronym"],
        "name": item["name_en"],
        "names": _names(item),
        "kind": "partner",
        "category": _category(item),
        "joined_year": item.get("partner_since"),
        "working_group": bool(item.get("working_group_member")),
        "is_coordinator": False,
        "sources": item.get("sources", []),
        "confidence": "high",  # listed in A/RES/78/228 footnote 20
        "notes": item.get("partner_note", item.get("notes", "")),
    }


def reference_entities(data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Entity field dicts for every member and partner in the reference data."""
    data = data or load_reference()
    coordinator = data["organization"]["coordinator"]["entity"]
    return [_member(m, coordinator) for m in data["members"]] + [_partner(p) for p in data["partners"]]
