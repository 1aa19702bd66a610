"""Accessibility in a real browser: Deque's axe-core (the npm package of ``tests/js``, served to
the page from this machine, never from a CDN) checks every main page in English and in Arabic,
anonymous, as a focal point and as the secretariat, and finds no serious or critical violation;
signing in, answering a meeting and endorsing a statement work with the keyboard alone; links
and buttons show where the focus is."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy.orm import Session

from icat.accounts.models import LoginSession, User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import minutes as minutes_svc
from icat.meetings import reference as meeting_history
from icat.meetings.models import Meeting, Rsvp
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.publications import circulation
from icat.publications import reference as publication_history
from icat.publications import services as publications
from icat.publications.models import Publication, RoundResponse
from icat.registry import services as registry
from icat.registry.models import Entity
from icat.registry.reference import load_reference, reference_entities
from icat.rotation import services as rotation
from icat.scheduler import relay_outbox
from icat.workplan import activities
from icat.workplan import services as workplans
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import PASSWORD, count

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
# The pages' Content-Security-Policy (default-src 'self') refuses inline scripts, so axe is not
# inlined (Playwright's add_script_tag(path=…) would be refused): the page loads it by a
# same-origin address that the test answers from the npm package's file on this machine.
AXE_URL = "/__test-tools__/axe.min.js"
GRAVE = ("serious", "critical")
LANGUAGES = ("en", "ar")
STATEMENT = "Joint statement on the identification of victims"
BODY = "ICAT calls on States to **identify** victims early.\n\nA second paragraph with [a link](https://icat.un.org/)."


@dataclass
class Workspace:
    """What the pages show: the reference record and a little current work."""

    focal_point: User  # ILO's
    secretariat: User
    meeting: Meeting  # upcoming and public, ILO invited: the RSVP form
    statement: Publication  # circulated to ILO and IOM for endorsement
    published: Publication  # from the reference record
    plan_id: int


def _seed_reference(session: Session) -> None:
    data = load_reference()
    registry.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    rotation.seed_history(session, actor=SYSTEM, chairs=data["chairs"])
    meeting_history.seed_history(session, actor=SYSTEM, data=data)
    publication_history.seed_history(session, actor=SYSTEM, data=data)
    session.commit()


def _seed_plan(session: Session) -> int:
    plan = workplans.create_plan(session, actor=SYSTEM, title="ICAT workplan 2026–2030", start_year=2026, end_year=2030)
    outcome = workplans.add_outcome(
        session, actor=SYSTEM, plan_id=plan.id, title="Safer technology", pillar="prevention", priorities=["technology"]
    )
    today = clock.today()
    activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title="Issue brief on online recruitment",
        outcome_id=outcome.id,
        lead_entities=["UNODC"],
        co_lead_entities=["ILO"],
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        progress=35,
        status="in_progress",
        rag={"period": today.year, "rating": "amber", "reason": "Waiting for data"},
        milestones=[{"title": "Draft circulated", "due_on": today - timedelta(days=10)}],
    )
    activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title="Training for judges",
        pillar="prosecution",
        lead_entities=["ILO"],
        starts_on=date(2026, 3, 1),
        ends_on=date(2028, 6, 30),
    )
    workplans.update_plan(
        session, actor=SYSTEM, plan_id=plan.id, version=plan.version, changes={"adopted_on": date(2026, 1, 15)}
    )
    session.commit()
    return plan.id


@pytest.fixture
def workspace(app: Flask, session: Session, make_user: Callable[..., User], make_meeting) -> Workspace:
    _seed_reference(session)
    focal_point = make_user("focal_point", "ILO", email="ilo@icat.example", display_name="Ana Ilo")
    secretariat = make_user("secretariat", email="sec@icat.example", display_name="Sam Secretariat")
    now = clock.now()
    meeting = make_meeting(
        title="Working group on victim identification",
        starts_at=now + timedelta(days=3),
        invitees=["ILO", "IOM", "UNODC"],
        location="Vienna International Centre",
        description="The **second** session of the year.",
        reminder_offsets=["P1D"],
        visibility="public",
    )
    past = make_meeting(title="Spring session", starts_at=now - timedelta(days=20), invitees=["ILO"])
    minutes_svc.record_minutes(
        session,
        actor=SYSTEM,
        meeting_id=past.id,
        text="The group agreed to draft a brief.",
        decisions=[],
        action_items=[
            {"text": "Circulate the draft brief", "owner": "ILO", "due_on": clock.today() - timedelta(days=5)},
            {"text": "Book the room", "owner": "IOM", "due_on": clock.today() + timedelta(days=30)},
        ],
    )
    statement = publications.create_publication(
        session, actor=SYSTEM, kind="joint_statement", language="en", title=STATEMENT, body=BODY,
        lead_entities=["UNODC"], year=now.year,
    )  # fmt: skip
    circulation.circulate(
        session,
        actor=SYSTEM,
        publication_id=statement.id,
        procedure="endorsement",
        deadline=now + timedelta(days=14),
        entities=["ILO", "IOM"],
    )
    session.commit()
    plan_id = _seed_plan(session)
    with app.app_context():
        relay_outbox(app)  # the invitations and the circulation reach the inboxes
    published = session.scalars(
        sa.select(Publication).where(Publication.status == "published").order_by(Publication.id)
    ).first()
    assert published is not None
    return Workspace(focal_point, secretariat, meeting, statement, published, plan_id)


# --- axe ------------------------------------------------------------------------------
def _serve_axe(route: Route) -> None:
    route.fulfill(path=str(AXE), content_type="text/javascript")


def grave_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/js`")
    page.route(f"**{AXE_URL}", _serve_axe)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in GRAVE]


def described(path: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{path}: [{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:8])
        for v in violations
    ]


def audit(page: Page, paths: list[str], lang: str, *, by_query: bool) -> list[str]:
    """Visit each page in ``lang`` (asked by ``?lang=``, or the signed-in person's profile)
    and collect what axe finds grave."""
    found: list[str] = []
    for path in paths:
        url = f"{path}{'&' if '?' in path else '?'}lang={lang}" if by_query else path
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
            lang,
            "rtl" if lang == "ar" else "ltr",
        ], url
        found += described(url, grave_violations(page))
    return found


def anonymous_pages(ws: Workspace) -> list[str]:
    return [
        "/",
        "/meetings",
        "/meetings?view=list",
        f"/meetings/{ws.meeting.id}",
        "/publications",
        f"/publications/{ws.published.id}",
        "/workplans",
        f"/workplans/{ws.plan_id}",
        "/rotation",
        "/world-day",
        "/entities",
        "/entities/ILO",
        "/login",
        "/place",
    ]


def signed_in_pages(ws: Workspace, role: str) -> list[str]:
    pages = [
        "/",
        "/account",
        "/inbox",
        "/action-items",
        f"/meetings/{ws.meeting.id}",
        f"/publications/{ws.statement.id}",
        f"/publications/{ws.statement.id}/respond" if role == "focal_point" else f"/workplans/{ws.plan_id}",
    ]
    return pages + (["/admin/users", "/activity"] if role == "secretariat" else [])


def sign_in_directly(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)  # the keyboard-only sign-in is its own test below
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header form[action='/logout'] button")).to_have_count(1)  # in any language


def set_locale(session: Session, user: User, lang: str) -> None:
    session.execute(sa.update(User).where(User.id == user.id).values(locale=lang))
    session.commit()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_anonymous_pages_have_no_grave_violations(page: Page, workspace: Workspace, lang: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})  # on a phone the month is a list
    found = audit(page, anonymous_pages(workspace), lang, by_query=True)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("role", "lang", "width"),
    [(role, lang, 1280) for role in ("focal_point", "secretariat") for lang in LANGUAGES]
    + [("focal_point", "ar", 390), ("secretariat", "ar", 390)],
)
def test_signed_in_pages_have_no_grave_violations(
    page: Page, session: Session, workspace: Workspace, role: str, lang: str, width: int
) -> None:
    user = workspace.focal_point if role == "focal_point" else workspace.secretariat
    set_locale(session, user, lang)  # a signed-in person reads the profile's language
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_directly(page, user.email)
    found = audit(page, signed_in_pages(workspace, role), lang, by_query=False)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


@pytest.fixture
def dark_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A browser whose system asks for dark colours (Pico follows it)."""
    context = browser.new_context(base_url=live_server, locale="en-GB", color_scheme="dark")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_pages_in_dark_colours_have_no_grave_violations(
    dark_page: Page, session: Session, workspace: Workspace
) -> None:
    page = dark_page
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    found = audit(page, anonymous_pages(workspace), "en", by_query=True)
    sign_in_directly(page, workspace.secretariat.email)
    found += audit(page, signed_in_pages(workspace, "secretariat"), "en", by_query=False)
    page.context.clear_cookies()  # signed out: the focal point next
    sign_in_directly(page, workspace.focal_point.email)
    found += audit(page, signed_in_pages(workspace, "focal_point"), "en", by_query=False)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


# --- the keyboard alone ---------------------------------------------------------------
def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, *, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or ``key``) until the focus is on ``selector``, as a person would."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return
    pytest.fail(f"{limit} presses of {key} never reached {selector} on {page.url}")


def keyboard_sign_in(page: Page, email: str) -> None:
    """From the start page: the skip link, then the sign-in link, then the form, typed."""
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    tab_to(page, "a[href='/login']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))
    tab_to(page, "input[autocomplete=username]")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused_matches(page, "input[autocomplete=current-password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"Sign out {email}")).to_be_visible()


def test_sign_in_with_the_keyboard_alone(page: Page, session: Session, workspace: Workspace) -> None:
    user = workspace.focal_point
    keyboard_sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    session.expire_all()
    assert session.get(User, user.id).last_sign_in_at is not None
    assert count(session, LoginSession, LoginSession.user_id == user.id) == 1
    # Shift+Tab walks back from the sign-out button to the profile link before it.
    tab_to(page, "header button[type=submit]")
    page.keyboard.press("Shift+Tab")
    assert focused_matches(page, "a[href='/account']")


def test_answer_a_meeting_with_the_keyboard_alone(page: Page, session: Session, workspace: Workspace) -> None:
    meeting = workspace.meeting
    keyboard_sign_in(page, workspace.focal_point.email)
    tab_to(page, f".dashboard-panel a[href='/meetings/{meeting.id}']")  # "Replies to invitations"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=meeting.title)).to_be_visible()
    tab_to(page, "select[name='rsvp-entity']")
    tab_to(page, "input[type=radio][name='rsvp-response']")  # the group's first answer, "Yes"
    page.keyboard.press("ArrowDown")  # "No"
    page.keyboard.press("ArrowDown")  # "Maybe": an arrow moves the choice within the group
    assert page.evaluate("document.activeElement.checked && document.activeElement.value") == "maybe"
    tab_to(page, "form[action$='/rsvp'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Your answer is recorded.")
    expect(page.get_by_text("ILO: Maybe")).to_be_visible()
    session.expire_all()
    rsvp = session.scalars(sa.select(Rsvp).where(Rsvp.meeting_id == meeting.id)).one()
    assert (rsvp.entity.acronym, rsvp.response, rsvp.user_id) == ("ILO", "maybe", workspace.focal_point.id)


def test_endorse_a_statement_with_the_keyboard_alone(page: Page, session: Session, workspace: Workspace) -> None:
    statement = workspace.statement
    keyboard_sign_in(page, workspace.focal_point.email)
    tab_to(page, f".dashboard-panel a[href='/publications/{statement.id}']")  # "Texts to endorse"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=STATEMENT, exact=True).first).to_be_visible()
    tab_to(page, f"a[href='/publications/{statement.id}/respond']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Answer the circulation")).to_be_visible()
    tab_to(page, "select[name='r-entity']")
    tab_to(page, "input[type=radio][name='r-decision']")
    page.keyboard.press("Space")  # Tab lands on the first choice, "Endorse"; Space takes it
    assert page.evaluate("document.activeElement.checked && document.activeElement.value") == "endorse"
    page.keyboard.press("Tab")
    assert focused_matches(page, "textarea[name='r-comment']")
    page.keyboard.type("ILO endorses the text.")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Space")  # a button answers Space as well as Enter
    expect(page.get_by_role("status")).to_have_text("Your answer is recorded.")
    session.expire_all()
    answer = session.scalars(sa.select(RoundResponse)).one()
    assert (answer.decision, answer.comment, answer.user_id, answer.voided) == (
        "endorse",
        "ILO endorses the text.",
        workspace.focal_point.id,
        False,
    )
    assert session.get(Entity, answer.entity_id).acronym == "ILO"


# --- where the focus is -----------------------------------------------------------------
# Pico's own mark is a half-transparent shadow, fainter than the 3:1 a focus indicator needs
# against white; icat.css adds a solid 2 px ring in the primary colour on :focus-visible.
FOCUS_RING = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    return {
        tag: e.tagName, text: (e.textContent || e.name || '').trim().slice(0, 40),
        visible: e.matches(':focus-visible'),
        outline: s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 2,
    };
}"""


@pytest.mark.parametrize("path", ["/login", "/meetings", "/entities", "the meeting, signed in"])
def test_every_link_and_button_shows_the_keyboard_focus(page: Page, workspace: Workspace, path: str) -> None:
    if path.startswith("/"):
        page.goto(path)
    else:  # the RSVP, follow and sign-out buttons
        keyboard_sign_in(page, workspace.focal_point.email)
        page.goto(f"/meetings/{workspace.meeting.id}")
    seen: set[str] = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["tag"] == "BODY":
            break  # past the last stop
        if ring["tag"] in ("A", "BUTTON"):
            seen.add(ring["tag"])
            assert ring["visible"] and ring["outline"], f"no focus ring on {ring}"
    assert seen == {"A", "BUTTON"}
