"""Leases on work rows: the claim the outbox relay and the delivery dispatch share.

A leasable table has an ``id`` primary key and ``lease_until`` / ``claimed_by`` columns. A
worker claims due rows for a token of its own (``new_token``) until ``lease_until``; a row
whose lease has expired (its worker died or stalled) is due again. Many workers on one
PostgreSQL database take disjoint rows without waiting for each other (``FOR UPDATE SKIP
LOCKED``); on SQLite the single UPDATE runs under the database write lock, which gives the
same exclusivity.

The functions take the caller's connection or session and leave the transaction to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock

Executor = sa.Connection | Session


def new_token(worker_id: str) -> str:
    """A claim's token: the worker's id (who holds it, for people reading the table) and a
    random part (which claim: a worker's next batch must not settle this one's rows)."""
    return f"{worker_id}:{uuid.uuid4().hex}"


def claim(
    executor: Executor,
    table: sa.Table,
    *,
    due: Iterable[sa.ColumnElement[bool]],
    order_by: Sequence[sa.ColumnElement[Any]],
    limit: int,
    token: str,
    lease_seconds: int,
    returning: Sequence[sa.ColumnElement[Any]],
    now: datetime | None = None,
    values: Mapping[str, Any] | None = None,
) -> Sequence[sa.Row[Any]]:
    """Lease up to ``limit`` rows matching ``due`` (and not leased now) to ``token``, first by
    ``order_by``; also set ``values`` on them. Returns ``returning`` of the rows claimed, in
    no particular order.

    One statement, ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
    RETURNING …``: RETURNING hands back what the caller needs, since finding the rows again
    by token would scan the whole table (``claimed_by`` has no index) and cost a round trip.
    """
    now = now or clock.now()
    ids = (
        sa.select(table.c.id)
        .where(*due, sa.or_(table.c.lease_until.is_(None), table.c.lease_until < now))
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        sa.update(table)
        .where(table.c.id.in_(ids))
        .values(**(values or {}), lease_until=now + timedelta(seconds=lease_seconds), claimed_by=token)
        .returning(*returning)
    )
    return executor.execute(statement).all()


def renew(
    executor: Executor,
    table: sa.Table,
    token: str,
    *,
    lease_seconds: int,
    where: Iterable[sa.ColumnElement[bool]] = (),
) -> set[int]:
    """Extend the lease on every row ``token`` still holds (and matching ``where``); returns
    their ids. A row missing from the answer was re-claimed by another worker meanwhile."""
    statement = (
        sa.update(table)
        .where(table.c.claimed_by == token, *where)
        .values(lease_until=clock.now() + timedelta(seconds=lease_seconds))
        .returning(table.c.id)
    )
    return set(executor.execute(statement).scalars())


def release(
    executor: Executor,
    table: sa.Table,
    token: str,
    ids: Iterable[int],
    *,
    where: Iterable[sa.ColumnElement[bool]] = (),
    **values: Any,
) -> int:
    """End ``token``'s lease on the rows ``ids`` it still holds, setting ``values`` with it
    (``lease_until`` may be given: a row backing off stays unclaimable until then). Never
    touches a row another worker has claimed since. Returns the number of rows released."""
    statement = (
        sa.update(table)
        .where(table.c.id.in_(list(ids)), table.c.claimed_by == token, *where)
        .values(**{"lease_until": None, **values, "claimed_by": None})
    )
    return executor.execute(statement).rowcount
