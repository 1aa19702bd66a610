from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from icat.core import clock
from icat.core.events import Event, event_class
from icat.registry.events import EntityUpdated


def test_frozen_clock_returns_the_frozen_instant_in_utc() -> None:
    at = datetime(2026, 7, 30, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    with clock.frozen(at):
        assert clock.now() == at
        assert clock.now().utcoffset() == timedelta(0)
        assert clock.today().isoformat() == "2026-07-30"
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"), clock.frozen(datetime(2026, 1, 1)):
        pass


def test_events_round_trip_through_their_payload() -> None:
    event = EntityUpdated(entity_id=3, acronym="ILO", version=2, changes={"name": ["a", "b"]})
    restored = event_class("EntityUpdated").from_payload(event.to_payload())
    assert restored == event
    assert restored.subject_key() == "entity:ILO"


def test_two_event_classes_cannot_share_a_name() -> None:
    with pytest.raises(TypeError, match="two event classes named EntityUpdated"):

        @dataclass(frozen=True)
        class EntityUpdated(Event):
            x: int
