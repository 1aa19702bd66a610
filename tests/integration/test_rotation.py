"""Co-chair rules, the seeded history, the planner and the 1 January handover."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from icat.core import clock
from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, Forbidden, StaleVersion, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.registry.models import Entity
from icat.registry.reference import load_reference
from icat.rotation import jobs, rules, services
from icat.rotation.models import ChairSeat, ChairTerm
from icat.rotation.queries import known_chairs, term_for
from tests.conftest import count

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(NOW):
        yield


def record(session: Session, year: int, chairs: list[str] | None, **kw) -> ChairTerm:
    term = services.record_term(session, actor=SYSTEM, year=year, chairs=chairs, **kw)
    session.commit()
    return term


def refused(session: Session, year: int, chairs, field: str, match: str, **kw) -> None:
    """The term is refused naming ``field`` and the rule; nothing at all is written."""
    before = (count(session, ChairTerm), count(session, ChairSeat), count(session, OutboxEvent))
    with pytest.raises(ValidationError) as err:
        services.record_term(session, actor=SYSTEM, year=year, chairs=chairs, **kw)
    session.rollback()
    assert field in err.value.fields, err.value.fields
    assert match in " ".join(map(str, err.value.fields[field]))
    assert (count(session, ChairTerm), count(session, ChairSeat), count(session, OutboxEvent)) == before


@pytest.mark.parametrize(
    "chairs", [["UNODC"], ["UNHCR", "ICMPD"], ["OSCE", "UN-Women"], ["UNICEF", "OHCHR"], ["OSRSG-VAC", "OAS"]]
)
def test_valid_terms_are_recorded_with_an_event(session: Session, seeded, chairs: list[str]) -> None:
    term = record(session, 2028, chairs)
    assert term.chairs == chairs
    event = session.scalar(sa.select(OutboxEvent).where(OutboxEvent.type == "ChairTermRecorded"))
    assert event.payload == {"year": 2028, "chairs": chairs, "previous": None, "confirmed_repeat": False}


@pytest.mark.parametrize(
    ("chairs", "field", "match"),
    [
        (["CoE", "UNODC"], "chairs", "partner, not a member"),
        (["SR-TIP"], "chairs", "partner, not a member"),
        (["NOPE", "UNODC"], "chairs", "No entity with acronym NOPE"),
        (["UNODC", "UNODC"], "chairs", "different entities"),
        (["UNODC", "ILO", "IOM"], "chairs", "one or two co-chairs"),
        ([], "chairs", "one or two co-chairs"),
        (["OSCE"], "chairs", "A/RES/78/228 OP14"),
        (["OSCE", "ICMPD"], "chairs", "A/RES/78/228 OP14"),
    ],
)
def test_rule_breaking_terms_are_refused_naming_the_rule(session: Session, seeded, chairs, field, match) -> None:
    refused(session, 2028, chairs, field, match)


@pytest.mark.parametrize(("year", "match"), [(2010, "began in 2011"), (2037, "At most 10 years ahead")])
def test_years_outside_the_rotation_are_refused(session: Session, seeded, year: int, match: str) -> None:
    refused(session, year, ["UNODC"], "year", match)


def test_a_member_must_have_joined_before_1_january(session: Session, seeded) -> None:
    refused(session, 2020, ["CBSS", "UNODC"], "chairs", "joined in 2020")  # joined April 2020
    record(session, 2021, ["CBSS", "UNODC"])
    cbss = session.scalar(sa.select(Entity).where(Entity.acronym == "CBSS"))
    cbss.left_on = dt.date(2029, 6, 30)
    session.commit()
    refused(session, 2030, ["CBSS", "ILO"], "chairs", "left ICAT")


def test_two_years_running_needs_explicit_confirmation(session: Session, seeded) -> None:
    record(session, 2027, ["IOM", "OSCE"])
    refused(session, 2028, ["IOM", "UNODC"], "confirmed_repeat", "IOM also chair(s) in 2027")
    refused(session, 2026, ["ILO", "OSCE"], "confirmed_repeat", "OSCE also chair(s) in 2027")
    assert record(session, 2028, ["IOM", "UNODC"], confirmed_repeat=True).confirmed_repeat


def test_one_term_per_year_replaced_only_at_its_version(session: Session, seeded) -> None:
    term = record(session, 2027, ["ILO"])
    with pytest.raises(Conflict):
        services.record_term(session, actor=SYSTEM, year=2027, chairs=["UNHCR"])
    session.rollback()
    with pytest.raises(StaleVersion):
        services.record_term(session, actor=SYSTEM, year=2027, chairs=["UNHCR"], version=9)
    session.rollback()
    with pytest.raises(StaleVersion):  # If-Match → 412 is the web layer's (test_rotation_web.py)
        services.record_term(session, actor=SYSTEM, year=2027, chairs=["UNHCR"], version=0)
    session.rollback()
    replaced = record(session, 2027, ["ILO", "OSCE"], version=term.version)
    assert (replaced.chairs, replaced.version, count(session, ChairTerm, ChairTerm.year == 2027)) == (
        ["ILO", "OSCE"],
        2,
        1,
    )


@pytest.mark.parametrize(
    ("actor", "error"),
    [(None, Unauthorized), (Actor(1, "f", "focal_point", 1), Forbidden), (Actor(2, "v", "viewer"), Forbidden)],
)
def test_only_admin_and_secretariat_record_terms(session: Session, seeded, actor, error) -> None:
    with pytest.raises(error):
        services.record_term(session, actor=actor, year=2027, chairs=["ILO"])


def test_the_seeded_history_matches_the_reference_data(session: Session, seeded) -> None:
    reference = load_reference()["chairs"]
    added, kept = services.seed_history(session, actor=SYSTEM, chairs=reference)
    session.commit()
    assert (added, kept) == (len(reference), 0)
    assert services.seed_history(session, actor=SYSTEM, chairs=reference) == (0, len(reference))
    for row in reference:
        term = term_for(session, row["year"])
        assert term.chairs == row["chairs"], row["year"]  # None where unknown: never guessed
        assert (term.confidence, term.sources) == (row["confidence"], row["sources"])
    assert [t.year for t in session.scalars(sa.select(ChairTerm).where(ChairTerm.confirmed_repeat))] == [2022, 2024]


def _obeys_every_rule(session: Session, plan, history: dict[int, list[str]]) -> None:
    entities = {e.acronym: e for e in session.scalars(sa.select(Entity))}
    chaired = dict(history)
    for item in plan:
        chosen = [entities[a] for a in item.chairs]
        assert rules.chairs_problems(item.year, chosen) == [], item
        assert rules.repeat_problem(item.year, chosen, chaired, confirmed=False) is None, item
        assert all(entities[a].working_group for a in item.chairs)
        assert item.reasons and all(str(r) for r in item.reasons)  # lazy strings, rendered per language
        chaired[item.year] = item.chairs


def test_the_planner_obeys_the_rules_over_ten_years_and_is_stable(session: Session, seeded) -> None:
    services.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    plan = services.plan(session, through=2036)
    assert [i.year for i in plan] == list(range(2027, 2037))
    _obeys_every_rule(session, plan, known_chairs(session))
    assert services.plan(session, through=2036) == plan  # deterministic for the same data
    first = plan[0]
    assert "never chaired" in first.reasons[0] and first.chairs[0] == "ILO"  # ILO: no known term
    assert "OP14" in " ".join(map(str, first.reasons))


def _willing_working_group(session: Session, years: range) -> list[str]:
    members = session.scalars(sa.select(Entity).where(Entity.working_group.is_(True)))
    return sorted(e.acronym for e in members if all(rules.member_on_new_year(e, y) is None for y in years))


def test_the_ten_year_plan_is_fair_to_every_willing_working_group_member(session: Session, seeded) -> None:
    """Issue 11 item 16: the old planner paired every year with OSCE or ICMPD (five terms each,
    one for UN-Women, UNHCR, IOM, UNODC); now the terms per member differ by at most one."""
    services.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    horizon = range(2027, 2037)
    plan = services.plan(session, through=2036)
    assert [i.year for i in plan] == list(horizon)
    _obeys_every_rule(session, plan, known_chairs(session))
    terms = {a: 0 for a in _willing_working_group(session, horizon)}
    for item in plan:
        for acronym in item.chairs:
            terms[acronym] += 1
    assert {"OSCE", "ICMPD", "UN-Women", "UNHCR", "IOM", "UNODC", "ILO"} <= set(terms)
    assert max(terms.values()) - min(terms.values()) <= 1, terms
    assert services.plan_view(session, through=2036).terms == terms


def test_recorded_years_inside_the_horizon_count_towards_fairness(session: Session, seeded) -> None:
    services.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    record(session, 2028, ["UNHCR", "ICMPD"])
    record(session, 2031, ["UNODC", "OSCE"])
    view = services.plan_view(session, through=2036)
    assert [i.year for i in view.items] == [2027, 2029, 2030, 2032, 2033, 2034, 2035, 2036]
    _obeys_every_rule(session, view.items, known_chairs(session))
    assert view.terms["UNHCR"] >= 1 and view.terms["OSCE"] >= 1
    assert max(view.terms.values()) - min(view.terms.values()) <= 1, view.terms
    assert set(view.terms) == set(_willing_working_group(session, range(2027, 2037)))


def test_the_planner_respects_unwillingness_and_skips_recorded_years(session: Session, seeded) -> None:
    services.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    services.set_unwilling(session, actor=SYSTEM, year=2027, entities=["ILO", "OSCE"])
    record(session, 2028, ["UNHCR", "ICMPD"])
    plan = services.plan(session, through=2030)
    assert [i.year for i in plan] == [2027, 2029, 2030]
    assert not {"ILO", "OSCE"} & set(plan[0].chairs)
    assert any("ILO is marked unwilling for 2027" in r for r in plan[0].reasons)
    _obeys_every_rule(session, plan, known_chairs(session))


def test_with_no_willing_non_un_organization_two_un_entities_are_proposed(session: Session, seeded) -> None:
    services.set_unwilling(session, actor=SYSTEM, year=2027, entities=["OSCE", "ICMPD"])
    session.commit()
    (item,) = services.plan(session, through=2027)
    entities = {e.acronym: e for e in session.scalars(sa.select(Entity))}
    assert len(item.chairs) == 2 and all(entities[a].is_un for a in item.chairs)
    assert any("two UN entities" in r for r in item.reasons)


def _started(session: Session) -> list[dict]:
    session.expire_all()
    rows = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "ChairTermStarted"))
    return [r.payload for r in rows]


def test_handover_fires_once_on_1_january_across_restarts(
    session: Session, session_factory: sessionmaker[Session], seeded
) -> None:
    record(session, 2027, ["ILO", "OSCE"])
    with clock.frozen(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)):
        assert "started 2026" not in jobs.hand_over(session_factory)  # December: nothing to hand over
    with clock.frozen(datetime(2027, 1, 1, 0, 5, tzinfo=UTC)):
        assert jobs.hand_over(session_factory) == ["started 2027"]
        assert jobs.hand_over(session_factory) == []  # the same worker, an hour later
        assert jobs.hand_over(sessionmaker(bind=session_factory.kw["bind"])) == []  # a restarted worker
    with clock.frozen(datetime(2027, 1, 2, 8, 0, tzinfo=UTC)):
        assert jobs.hand_over(session_factory) == []
    assert _started(session) == [{"year": 2027, "chairs": ["ILO", "OSCE"]}]


def test_a_worker_down_on_1_january_hands_over_when_it_returns(
    session: Session, session_factory: sessionmaker[Session], seeded
) -> None:
    with clock.frozen(datetime(2027, 1, 4, 9, 0, tzinfo=UTC)):
        assert jobs.hand_over(session_factory) == ["started 2027"]
    with clock.frozen(datetime(2028, 6, 1, 9, 0, tzinfo=UTC)):  # months late: no stale notice
        assert "started 2028" not in jobs.hand_over(session_factory)
    assert _started(session) == [{"year": 2027, "chairs": None}]


def test_concurrent_workers_hand_over_once(session: Session, session_factory: sessionmaker[Session], seeded) -> None:
    barrier, results = threading.Barrier(4), []

    def worker() -> None:
        barrier.wait()
        with clock.frozen(datetime(2027, 1, 1, 0, 1, tzinfo=UTC)):
            results.append(jobs.hand_over(session_factory))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(tuple, results)) == [(), (), (), ("started 2027",)]
    assert len(_started(session)) == 1


def test_warnings_60_and_30_days_before_a_year_without_co_chairs(
    session: Session, session_factory: sessionmaker[Session], seeded
) -> None:
    def missing() -> list[dict]:
        session.expire_all()
        return [
            r.payload for r in session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "ChairTermMissing"))
        ]

    with clock.frozen(datetime(2026, 11, 1, 9, 0, tzinfo=UTC)):  # 61 days before
        assert jobs.hand_over(session_factory) == []
    for day in (2, 3):  # 60 and 59 days before: one warning
        with clock.frozen(datetime(2026, 11, day, 9, 0, tzinfo=UTC)):
            jobs.hand_over(session_factory)
    with clock.frozen(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)):
        jobs.hand_over(session_factory)
    assert missing() == [{"year": 2027, "days_before": 60}, {"year": 2027, "days_before": 30}]
    record(session, 2028, ["UNHCR", "ICMPD"])
    with clock.frozen(datetime(2027, 11, 2, 9, 0, tzinfo=UTC)):  # 2028 is recorded: no warning
        jobs.hand_over(session_factory)
    assert len(missing()) == 2


def test_a_late_start_sends_only_the_nearest_warning(session: Session, session_factory, seeded) -> None:
    with clock.frozen(datetime(2026, 12, 10, 9, 0, tzinfo=UTC)):  # 22 days before: both thresholds passed
        assert jobs.hand_over(session_factory) == ["missing 2027 (30 days)"]
        assert jobs.hand_over(session_factory) == []


def test_the_handover_and_the_warnings_reach_the_inboxes_through_the_wiring_table(
    app, session: Session, session_factory: sessionmaker[Session], seeded, make_user
) -> None:
    """The notices are written by notifications' handlers (bootstrap's table), not by rotation."""
    from icat.notifications.models import Notice
    from icat.scheduler import relay_outbox

    roles = ("viewer", "focal_point", "secretariat", "admin")
    people = {role: make_user(role, entity="ILO" if role == "focal_point" else None).id for role in roles}
    record(session, 2027, ["ILO", "OSCE"])
    with clock.frozen(datetime(2027, 1, 1, 0, 5, tzinfo=UTC)):
        jobs.hand_over(session_factory)
    with clock.frozen(datetime(2027, 11, 2, 9, 0, tzinfo=UTC)):  # 60 days before an unrecorded 2028
        jobs.hand_over(session_factory)
        with app.app_context():
            relay_outbox(app)
            relay_outbox(app)  # a second pass writes nothing more
    session.expire_all()
    got = sorted((n.user_id, n.kind, tuple(sorted(n.params.items()))) for n in session.scalars(sa.select(Notice)))
    started = ("chair_term_started", (("chairs", ["ILO", "OSCE"]), ("year", 2027)))
    missing = ("chair_term_missing", (("days_before", 60), ("year", 2028)))
    assert got == sorted(
        [(people[r], *started) for r in ("focal_point", "secretariat", "admin")]
        + [(people[r], *missing) for r in ("secretariat", "admin")]
    )
