"""The cast of the publication tests: three entities (ILO leads, IOM and UNHCR are asked),
a focal point of each, the secretariat; a draft factory and a frozen clock to walk rounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import Actor
from icat.publications import services
from icat.publications.models import Publication

NOW = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=14)
BODY = "ICAT calls on States to **protect** victims.\n\nSecond paragraph with [a link](https://icat.un.org/)."


@dataclass
class PubCast:
    secretariat: User
    lead: User  # ILO's focal point
    iom: User
    unhcr: User
    entities: list[str]

    def actor(self, user: User) -> Actor:
        return accounts.actor_for(user)


@pytest.fixture
def pubcast(make_entity: Callable[..., Any], make_user: Callable[..., User]) -> PubCast:
    for acronym in ("ILO", "IOM", "UNHCR"):
        make_entity(acronym=acronym, name=acronym, working_group=True)
    return PubCast(
        secretariat=make_user("secretariat"),
        lead=make_user("focal_point", "ILO"),
        iom=make_user("focal_point", "IOM"),
        unhcr=make_user("focal_point", "UNHCR"),
        entities=["ILO", "IOM", "UNHCR"],
    )


@pytest.fixture
def draft(session: Session, pubcast: PubCast) -> Callable[..., Publication]:
    """``draft(kind=…, …)`` → a committed draft by the secretariat, led by ILO, in English."""

    def make(**fields: Any) -> Publication:
        defaults: dict[str, Any] = {
            "kind": "joint_statement",
            "language": "en",
            "title": "World Day joint statement",
            "body": BODY,
            "lead_entities": ["ILO"],
            "year": 2030,
        }
        pub = services.create_publication(session, actor=pubcast.actor(pubcast.secretariat), **(defaults | fields))
        session.commit()
        return pub

    return make
