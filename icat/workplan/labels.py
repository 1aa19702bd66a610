"""Translated labels for the workplan's stored codes (pages, exports' readers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from icat.workplan.reference import thematic_priorities

# The Global Plan of Action's own headings (A/RES/64/293, annex sections I–IV), shortened.
PILLAR_LABELS = {
    "prevention": _l("Prevention"),
    "protection": _l("Protection of and assistance to victims"),
    "prosecution": _l("Prosecution"),
    "partnerships": _l("Partnerships"),
}
ACTIVITY_STATUS_LABELS = {
    "planned": _l("planned"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "delayed": _l("delayed"),
    "cancelled": _l("cancelled"),
}
RAG_LABELS = {"red": _l("Red"), "amber": _l("Amber"), "green": _l("Green"), "unrated": _l("not rated")}
EVIDENCE_LABELS = {"meeting": _l("meeting"), "publication": _l("publication"), "action_item": _l("action item")}


def labels() -> dict[str, dict[str, object]]:
    """Every label table, for the templates; thematic priorities as the reference data names them."""
    return {
        "pillar": dict(PILLAR_LABELS),
        "status": dict(ACTIVITY_STATUS_LABELS),
        "rag": dict(RAG_LABELS),
        "evidence": dict(EVIDENCE_LABELS),
        "priority": dict(thematic_priorities()),
    }
