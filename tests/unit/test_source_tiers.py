"""The pure split of a fact's sources into official and other ones (issue 11 item 17)."""

from __future__ import annotations

from icat.registry.sources import is_confirmed, shown_confidence, split

UN = {"source": "A/RES/78/228", "locator": "OP14", "tier": "official"}
NEWS = {"source": "https://news.example/a", "tier": "press"}
MIRROR = {"source": "https://mirror.example/b", "tier": "aggregator"}
TYPED = {"source": "typed by hand, no tier"}


def test_official_sources_come_first_and_keep_their_order() -> None:
    assert split([NEWS, UN, MIRROR, TYPED]) == ([UN], [NEWS, MIRROR, TYPED])
    assert split(None) == ([], [])


def test_a_fact_with_only_press_or_aggregator_sources_is_unconfirmed_whatever_it_stores() -> None:
    assert not is_confirmed([NEWS, MIRROR])
    assert shown_confidence("high", [NEWS]) == "unconfirmed"
    assert shown_confidence("medium", [MIRROR, NEWS]) == "unconfirmed"


def test_one_official_source_or_one_of_unknown_tier_keeps_the_stored_confidence() -> None:
    assert shown_confidence("high", [NEWS, UN]) == "high"
    assert shown_confidence("low", [TYPED, NEWS]) == "low"
    assert shown_confidence("medium", []) == "medium"  # no source: nothing says otherwise
