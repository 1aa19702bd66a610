"""ICAT's thematic priorities, as the reference data lists them (A/RES/78/228 preamble).

Outcomes may name only these keys; nothing is added here that the data does not say.
"""

from __future__ import annotations

from icat.registry.reference import load_reference


def thematic_priorities() -> dict[str, str]:
    """``{key: English label}`` of every thematic priority in the reference data, in its order."""
    return {item["key"]: item["label"] for item in load_reference().get("thematic_priorities", [])}
