"""Two first writes racing (defects issue, item 9): the first RSVP of an entity, one person
following twice, two creates of one acronym. Before, about one in three answered 500.

Each round starts two requests at one barrier, on two threads with their own app contexts
(and so their own database sessions and connections), many rounds over."""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from icat.core.events import Event  # noqa: F401  (event classes registered for the outbox)
from icat.core.outbox import OutboxEvent
from icat.meetings.models import Follower, Rsvp
from icat.registry.models import Entity
from tests.conftest import count

ROUNDS = 12


def race(app: Flask, *requests: Callable) -> list:
    """Run each ``request(client)`` on its own thread, all released at once; their responses."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i: int, request: Callable) -> None:
        client = app.test_client()
        barrier.wait()
        results[i] = request(client)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_first_rsvps_of_one_entity_both_succeed_and_leave_one_answer(
    app: Flask, session: Session, make_entity, make_meeting, bearer
) -> None:
    make_entity(acronym="ILO")
    headers = [bearer("focal_point", "ILO"), bearer("secretariat")]
    for n in range(ROUNDS):
        meeting = make_meeting(invitees=["ILO"], title=f"Round {n}")
        url = f"/api/v1/meetings/{meeting.id}/rsvp"
        answers = race(
            app,
            lambda c, url=url: c.put(url, json={"entity": "ILO", "response": "yes"}, headers=headers[0]),
            lambda c, url=url: c.put(url, json={"entity": "ILO", "response": "no"}, headers=headers[1]),
        )
        assert [a.status_code for a in answers] == [200, 200], [a.get_json() for a in answers]
        assert count(session, Rsvp, Rsvp.meeting_id == meeting.id) == 1
        events = session.scalars(
            sa.select(OutboxEvent.payload).where(OutboxEvent.type == "RsvpGiven").order_by(OutboxEvent.id)
        ).all()
        mine = [e for e in events if e["meeting_id"] == meeting.id]
        assert 1 <= len(mine) <= 2 and mine[0]["previous"] is None
        stored = session.scalar(sa.select(Rsvp.response).where(Rsvp.meeting_id == meeting.id))
        assert stored == mine[-1]["response"]  # the answer kept is the one recorded last


def test_one_person_following_twice_at_once_follows_once(app: Flask, session: Session, make_meeting, bearer) -> None:
    headers = bearer("viewer")
    for n in range(ROUNDS):
        meeting = make_meeting(title=f"Round {n}")
        url = f"/api/v1/meetings/{meeting.id}/follow"
        answers = race(
            app, lambda c, url=url: c.put(url, headers=headers), lambda c, url=url: c.put(url, headers=headers)
        )
        assert all(a.status_code < 300 for a in answers), [a.get_data(as_text=True) for a in answers]
        assert count(session, Follower, Follower.meeting_id == meeting.id) == 1
        followed = [
            e
            for e in session.scalars(sa.select(OutboxEvent.payload).where(OutboxEvent.type == "MeetingFollowed"))
            if e["meeting_id"] == meeting.id
        ]
        assert len(followed) == 1


def test_two_creates_of_one_acronym_give_one_entity_and_a_409(app: Flask, session: Session, bearer) -> None:
    headers = bearer("secretariat")
    for n in range(ROUNDS):
        body = {"acronym": f"RACE{n}", "name": f"Race {n}", "kind": "member", "category": "other"}
        answers = race(
            app,
            lambda c, body=body: c.post("/api/v1/entities", json=body, headers=headers),
            lambda c, body=body: c.post("/api/v1/entities", json=body, headers=headers),
        )
        assert sorted(a.status_code for a in answers) == [201, 409], [a.get_json() for a in answers]
        loser = next(a for a in answers if a.status_code == 409).get_json()
        assert loser["error"] == "conflict" and set(loser) == {"error", "rule", "message", "fields"}
        assert count(session, Entity, Entity.acronym == f"RACE{n}") == 1
