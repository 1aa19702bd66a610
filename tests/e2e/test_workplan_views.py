"""Workplan pages: the plan grouped by pillar and outcome (progress, RAG as text, overdue
milestones, filters), drafts hidden from the public, the server-drawn timeline checked as
SVG structure with lxml for 200 activities, and the "changed since baseline" view."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.workplan import activities, importing, services
from icat.workplan.access import get_plan
from tests.e2e.test_pages_auth import login

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
COMMON = {"lead_entities": ["UNODC"], "starts_on": date(2026, 1, 1), "ends_on": date(2027, 12, 31)}


@pytest.fixture
def plan_id(session: Session, plan_entities) -> int:
    with clock.frozen(TODAY - timedelta(days=400)):
        plan = services.create_plan(session, actor=SYSTEM, title="Workplan 2026–2030", start_year=2026, end_year=2030)
        outcome = services.add_outcome(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="Safer technology",
            pillar="prevention",
            priorities=["technology"],
        )
        activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="Brief on online recruitment",
            outcome_id=outcome.id,
            progress=35,
            status="in_progress",
            rag={"period": 2027, "rating": "amber", "reason": "Waiting for data"},
            milestones=[{"title": "Draft circulated", "due_on": date(2027, 2, 1)}],
            **COMMON,
        )
        activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="Judges' training",
            pillar="prosecution",
            co_lead_entities=["IPU"],
            **COMMON | {"lead_entities": ["ILO"]},
        )
        session.commit()
    return plan.id


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    with clock.frozen(TODAY):
        response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def sign_in(client: FlaskClient, make_user, role: str = "viewer") -> None:
    """Signed in at the tests' frozen today, so the login session is fresh then."""
    user = make_user(role)
    with clock.frozen(TODAY):
        assert login(client, user.email).status_code == 302


def test_plan_page_groups_by_pillar_and_outcome_with_text_labels(client: FlaskClient, make_user, plan_id: int) -> None:
    page(client, f"/workplans/{plan_id}", 404)  # a draft: not for the public
    sign_in(client, make_user)
    tree = etree.HTML(page(client, f"/workplans/{plan_id}?period=2027"))
    headings = [h.text for h in tree.iter("h2", "h3")]
    assert headings == ["Prevention", "Safer technology", "Prosecution", "Not under an outcome"]
    row = tree.xpath("//tr[td[contains(., 'Brief on online recruitment')]]")[0]
    assert row.xpath(".//progress/@value") == ["35"] and "35 %" in "".join(row.itertext())
    assert row.xpath(".//span[contains(@class, 'rag')]/text()") == ["Amber"]  # a word, not only a colour
    assert row.xpath(".//span[@class='overdue']/text()") == ["overdue"]
    assert "Trafficking in persons and technology" in "".join(tree.itertext())  # as the reference data names it


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("entity=IPU", ["Judges' training"]),
        ("pillar=prevention", ["Brief on online recruitment"]),
        ("status=planned", ["Judges' training"]),
        ("rating=amber&period=2027", ["Brief on online recruitment"]),
        ("rating=unrated&period=2027", ["Judges' training"]),
    ],
)
def test_filters(client: FlaskClient, make_user, plan_id: int, query: str, titles: list[str]) -> None:
    sign_in(client, make_user)
    tree = etree.HTML(page(client, f"/workplans/{plan_id}?{query}"))
    assert [html.unescape(t.strip()) for t in tree.xpath("//tbody/tr/td[1]/text()[1]")] == titles


def test_bad_filter_is_a_422_page(client: FlaskClient, make_user, plan_id: int) -> None:
    sign_in(client, make_user)
    page(client, f"/workplans/{plan_id}?pillar=policing", 422)


def big_plan(session: Session) -> int:
    """An adopted plan of 200 activities, each with a milestone on a known date."""
    with clock.frozen(TODAY - timedelta(days=500)):
        plan = services.create_plan(
            session, actor=SYSTEM, title="Big", start_year=2026, end_year=2030, adopted_on=date(2025, 12, 1)
        )
        rows = []
        for n in range(200):
            start = date(2026, 1, 1) + timedelta(days=7 * n)
            due = start + timedelta(days=30)
            rows.append(
                COMMON
                | {
                    "title": f"Activity number {n:03d} with a rather long title that needs cutting",
                    "pillar": "partnerships",
                    "starts_on": start.isoformat(),
                    "ends_on": (start + timedelta(days=90)).isoformat(),
                    "milestones": [{"title": f"M{n}", "due_on": due.isoformat(), "done": n % 2 == 0}],
                    "lead_entities": ["UNODC"],
                }
            )
        importing.import_activities(session, actor=SYSTEM, plan_id=plan.id, rows=rows)
        session.commit()
    return plan.id


def test_timeline_of_200_activities_is_valid_svg_with_one_bar_each(
    client: FlaskClient, session: Session, plan_entities
) -> None:
    plan = big_plan(session)
    with clock.frozen(TODAY):
        response = client.get(f"/workplans/{plan}/timeline.svg")  # adopted: public
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = etree.fromstring(response.get_data())  # valid XML, or this raises
    assert svg.tag == f"{SVG}svg"
    bars = svg.findall(f".//{SVG}rect[@class]")
    bars = [b for b in bars if b.get("class").startswith("bar")]
    assert len(bars) == 200
    labels = svg.findall(f".//{SVG}text[@class='label']")
    assert len(labels) == 200 and all(len(t.text) <= 44 for t in labels)
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys) and len(set(ys)) == 200  # one row per activity
    years = {int(line.get("data-year")): float(line.get("x1")) for line in svg.findall(f".//{SVG}line[@class='year']")}
    assert sorted(years) == list(range(2026, 2032))
    marks = svg.findall(f".//{SVG}path")
    marks = [m for m in marks if m.get("class", "").startswith("milestone")]
    assert len(marks) == 200
    for mark in marks:
        due = date.fromisoformat(mark.get("data-due"))
        start, end = years[due.year], years[due.year + 1]
        fraction = (due - date(due.year, 1, 1)).days / (date(due.year + 1, 1, 1) - date(due.year, 1, 1)).days
        expected = start + fraction * (end - start)
        tip_x = float(mark.get("d").split()[1])  # the diamond's top point is on the date
        assert abs(tip_x - expected) < 1.0, (due, tip_x, expected)
    overdue = [m for m in marks if "overdue" in m.get("class")]
    assert overdue and all(date.fromisoformat(m.get("data-due")) < TODAY.date() for m in overdue)
    [today] = svg.findall(f".//{SVG}line[@class='today']")
    assert years[2027] < float(today.get("x1")) < years[2028]
    # bars start on the activity's start date
    first = bars[0]
    assert abs(float(first.get("x")) - years[2026]) < 0.01


def test_timeline_page_inlines_the_chart(client: FlaskClient, session: Session, plan_entities) -> None:
    plan = big_plan(session)
    body = page(client, f"/workplans/{plan}/timeline?pillar=partnerships")
    assert body.count('class="bar ') == 200 and "<svg" in body


def test_changed_since_baseline(client: FlaskClient, session: Session, plan_id: int) -> None:
    services.update_plan(session, actor=SYSTEM, plan_id=plan_id, version=1, changes={"adopted_on": date(2025, 12, 15)})
    session.commit()
    assert "Nothing changed" in page(client, f"/workplans/{plan_id}/changes")
    plan = get_plan(session, plan_id, actor=SYSTEM)
    brief, training = plan.activities
    [milestone] = brief.milestones
    moved = {
        "ends_on": date(2028, 6, 30),
        "milestones": [{"id": milestone.id, "title": "Draft circulated", "due_on": date(2027, 4, 1)}],
    }
    activities.update_activity(session, actor=SYSTEM, activity_id=brief.id, version=brief.version, changes=moved)
    activities.update_activity(
        session, actor=SYSTEM, activity_id=training.id, version=training.version, changes={"status": "cancelled"}
    )
    activities.add_activity(session, actor=SYSTEM, plan_id=plan_id, title="New", pillar="protection", **COMMON)
    session.commit()
    tree = etree.HTML(page(client, f"/workplans/{plan_id}/changes"))
    cells = [[("".join(td.itertext())).strip() for td in tr.findall("td")] for tr in tree.xpath("//tbody/tr")]
    assert ["Brief on online recruitment", "end", "2027-12-31", "2028-06-30"] in cells
    assert ["Brief on online recruitment", "milestone: Draft circulated", "2027-02-01", "2027-04-01"] in cells
    items = [("".join(li.itertext())).strip() for li in tree.iter("li")]
    assert any(i.startswith("New (") for i in items) and "Judges' training — cancelled" in [
        html.unescape(i) for i in items
    ]
