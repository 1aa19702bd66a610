"""Every main page at a phone's width (390 × 844) and a desktop's (1280 px) in English,
Chinese and Arabic, for an anonymous visitor, a focal point and the secretariat: nothing wider
than the viewport, so nobody scrolls sideways; a full-page screenshot of each is saved under
``tests/browser/artifacts`` (ignored by git) to look at after a run.

One test per language and audience: the scene is seeded once and every page is visited at
both widths in one browser context; the test lists every page that overflowed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings.models import Meeting
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.publications import circulation
from icat.publications import services as publications
from icat.registry.models import Entity
from icat.workplan import activities as workplan_activities
from icat.workplan import services as workplans
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = (PHONE, DESKTOP)
PAGES = {
    "home": "/",
    "meetings": "/meetings",
    "meetings-list": "/meetings?view=list",
    "publications": "/publications",
    "workplans": "/workplans",
    "rotation": "/rotation",
    "world-day": "/world-day",
    "entities": "/entities",
    "login": "/login",
}
LANGUAGES = ("en", "zh", "ar")
AUDIENCES = ("anonymous", "focal_point", "secretariat")
LONG = "Working group on the identification of victims of trafficking in mixed migration flows"
STATEMENT = "Joint statement on the identification and protection of victims of trafficking in persons"
ACTIVITY = "Issue brief on the use of technology to prevent trafficking in persons in supply chains"


def page_overflow(page: Page) -> dict[str, object]:
    """The document's scroll width against the viewport's, and the widest offenders."""
    return page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            wide: [...document.querySelectorAll('body *')]
                .filter(e => { const r = e.getBoundingClientRect();
                               return r.right > window.innerWidth + 0.5 || r.left < -0.5; })
                .slice(0, 5).map(e => e.tagName + '.' + e.className),
        })"""
    )


@dataclass
class Scene:
    """What the signed-in pages show: a meeting, a circulated statement, a workplan."""

    meeting: int
    publication: int
    plan: int

    def pages(self, audience: str) -> dict[str, str]:
        if audience == "anonymous":
            return PAGES
        signed_in = {
            f"dashboard-{audience}": "/",
            f"meeting-{audience}": f"/meetings/{self.meeting}",
            f"publication-{audience}": f"/publications/{self.publication}",
            f"workplan-{audience}": f"/workplans/{self.plan}",
        }
        extra = {"profile": "/account"} if audience == "focal_point" else {"rotation-secretariat": "/rotation"}
        return signed_in | extra


def build_scene(session: Session, make_meeting: Callable[..., Meeting]) -> Scene:
    """Observances, a meeting IOM is invited to, a statement circulated to IOM and ILO, and an
    adopted plan with an activity IOM leads: every panel and section of the pages filled."""
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    meeting = make_meeting(
        title=LONG, starts_at=clock.now() + timedelta(days=1), visibility="public", invitees=["IOM", "ILO"]
    )
    pub = publications.create_publication(
        session,
        actor=SYSTEM,
        kind="joint_statement",
        language="en",
        title=STATEMENT,
        body="ICAT calls on States to **protect** victims.",
        lead_entities=["UNODC"],
        year=clock.today().year,
    )
    circulation.circulate(
        session,
        actor=SYSTEM,
        publication_id=pub.id,
        procedure="endorsement",
        deadline=clock.now() + timedelta(days=14),
        entities=["IOM", "ILO"],
    )
    year = clock.today().year
    plan = workplans.create_plan(
        session, actor=SYSTEM, title="ICAT workplan", start_year=year, end_year=year + 2, adopted_on=date(year, 1, 15)
    )
    workplan_activities.add_activity(
        session,
        actor=SYSTEM,
        plan_id=plan.id,
        title=ACTIVITY,
        pillar="prevention",
        lead_entities=["IOM"],
        co_lead_entities=["UNODC"],
        starts_on=date(year, 2, 1),
        ends_on=date(year + 1, 6, 30),
    )
    session.commit()
    return Scene(meeting=meeting.id, publication=pub.id, plan=plan.id)


def sign_in_as(page: Page, session: Session, audience: str, lang: str) -> None:
    """A user of the audience whose profile speaks ``lang``, signed in on /login."""
    user: User = accounts.create_user(
        session,
        actor=SYSTEM,
        email=f"{audience.replace('_', '.')}@icat.example",
        password=PASSWORD,
        role=audience,
        entity_acronym="IOM" if audience == "focal_point" else None,
        locale=lang,
    )
    session.commit()
    page.goto("/login")
    page.locator("input[name=email]").fill(user.email)  # by name: the labels are in ``lang``
    password = page.locator("input[name=password]")
    password.fill(PASSWORD)
    with page.expect_navigation():
        password.press("Enter")
    assert page.url.endswith("/"), page.url


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_fit_the_window(
    page: Page,
    session: Session,
    seeded: list[Entity],
    make_meeting: Callable[..., Meeting],
    lang: str,
    audience: str,
) -> None:
    scene = build_scene(session, make_meeting)
    if audience != "anonymous":
        sign_in_as(page, session, audience, lang)
    ARTIFACTS.mkdir(exist_ok=True)
    too_wide = []
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        for name, path in scene.pages(audience).items():
            response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            assert response is not None and response.status == 200, f"{name}: {response and response.status}"
            assert page.evaluate("document.documentElement.lang") == lang, name
            assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr"), name
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{viewport['width']}.png"), full_page=True)
            width = page_overflow(page)
            if width["scroll"] > width["viewport"]:
                too_wide.append((name, viewport["width"], width))
    assert too_wide == [], f"wider than the window ({lang}, {audience}): {too_wide}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page, lang: str) -> None:
    response = page.goto(f"/login?lang={lang}")
    assert response is not None and response.status == 200
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    assert focused[0] == "skip-link" and focused[1].strip()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    favicon = page.locator("link[rel=icon]").get_attribute("href")
    assert favicon is not None and page.request.get(favicon).headers["content-type"].startswith("image/svg+xml")


SCHEME_READS_LEFT_TO_RIGHT = """(link) => {
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const colon = node.data.indexOf('://');
        if (colon < 1) continue;
        const left = (start) => { const r = document.createRange(); r.setStart(node, start);
                                  r.setEnd(node, start + 1); return r.getBoundingClientRect().left; };
        const lefts = [...Array(colon + 3).keys()].map(left);  // "webcal://", character by character
        return lefts.every((x, i) => i === 0 || lefts[i - 1] < x);
    }
    return null;
}"""


def test_subscribe_schemes_read_left_to_right_on_an_arabic_page(page: Page, app: Flask, session: Session) -> None:
    """ "webcal://" stays "webcal://" (not "//:webcal") on the calendar's and a workplan's links."""
    app.config["BASE_URL"] = "https://icat.test"
    year = clock.today().year
    plan = workplans.create_plan(
        session, actor=SYSTEM, title="ICAT workplan", start_year=year, end_year=year + 2, adopted_on=date(year, 1, 15)
    )
    session.commit()
    page.set_viewport_size(PHONE)
    for path in ("/meetings", f"/workplans/{plan.id}"):
        page.goto(f"{path}?lang=ar")
        links = page.locator("a[href^='webcal:'], a[href^='https:']")
        assert links.count() >= 2, path
        order = [(link.get_attribute("href"), link.evaluate(SCHEME_READS_LEFT_TO_RIGHT)) for link in links.all()]
        assert all(reads for _, reads in order), f"{path}: {order}"


TABLE_AS_LIST = """() => {
    const table = document.querySelector('main table.responsive');
    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    const row = table.querySelector('tbody tr');
    const cells = [...row.querySelectorAll('td')];
    return {
        row: getComputedStyle(row).display,
        cell: getComputedStyle(cells[0]).display,
        head: table.querySelector('thead').getBoundingClientRect().width,
        heads: heads,
        labels: cells.map(td => td.dataset.label),
        shown: cells.map(td => getComputedStyle(td, '::before').content),
    };
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["/world-day", "/entities"])
def test_tables_read_as_lists_of_labelled_cards_on_a_phone(
    page: Page, session: Session, seeded: list[Entity], path: str, lang: str
) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    page.set_viewport_size(PHONE)
    response = page.goto(f"{path}?lang={lang}")
    assert response is not None and response.status == 200
    phone = page.evaluate(TABLE_AS_LIST)
    assert phone["row"] == "block" and phone["cell"] == "block", phone
    assert phone["head"] <= 1, phone  # kept for screen readers, out of sight
    # Each cell is headed by its column's name, in the page's language (the header's text).
    assert phone["labels"] == phone["heads"][: len(phone["labels"])], phone
    assert phone["shown"] == [f'"{label}"' for label in phone["labels"]], phone
    page.set_viewport_size(DESKTOP)
    desktop = page.evaluate(TABLE_AS_LIST)
    assert desktop["row"] == "table-row" and desktop["shown"] == ["none"] * len(desktop["labels"]), desktop
