"""How a fact's sources are shown: official ones first, and whether the fact is confirmed.

Pure functions over the stored ``[{source, locator?, tier?}]`` lists (no flask import), shared
by every page that shows sources. The reference data gives each source a ``tier``:
``official`` (UN documents, ICAT's and its members' own sites), ``press`` or ``aggregator``
(document mirrors, blogs). A fact whose only sources are press or aggregators is shown as
unconfirmed whatever its stored ``confidence`` says; the stored value itself is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

OFFICIAL = "official"
TIERS = (OFFICIAL, "press", "aggregator")
NOT_OFFICIAL = frozenset(TIERS) - {OFFICIAL}
UNCONFIRMED = "unconfirmed"

Source = Mapping[str, Any]


def split(sources: Sequence[Source] | None) -> tuple[list[Source], list[Source]]:
    """(official sources, the others), each in stored order. A source without a tier (typed
    in by hand before tiers existed) is not known to be official, so it goes with the others."""
    official = [s for s in sources or () if s.get("tier") == OFFICIAL]
    return official, [s for s in sources or () if s.get("tier") != OFFICIAL]


def is_confirmed(sources: Sequence[Source] | None) -> bool:
    """False when there are sources and every one is press or aggregator. A source of unknown
    tier is not evidence either way, so it does not unconfirm the fact."""
    return not sources or not all(s.get("tier") in NOT_OFFICIAL for s in sources)


def shown_confidence(confidence: str | None, sources: Sequence[Source] | None) -> str:
    """The confidence a page shows: the stored one, or ``unconfirmed`` for a press-only fact."""
    return (confidence or UNCONFIRMED) if is_confirmed(sources) else UNCONFIRMED


def fill_tiers(stored: Sequence[Source] | None, reference: Sequence[Source] | None) -> list[dict[str, Any]] | None:
    """``stored`` with the tier of each untiered source that ``reference`` (the same fact in the
    reference data) lists, or None when nothing changes. A re-seed thus brings rows seeded before
    tiers existed up to date without touching what the secretariat typed in."""
    tiers = {s["source"]: s["tier"] for s in reference or () if s.get("tier")}
    if not any("tier" not in s and s.get("source") in tiers for s in stored or ()):
        return None
    return [
        dict(s) if "tier" in s or s.get("source") not in tiers else {**s, "tier": tiers[s["source"]]} for s in stored
    ]
