"""Every main page at a phone's width (390 × 844) and a desktop's (1280 px) in English and in
Arabic: nothing wider than the viewport, so nobody scrolls sideways; a full-page screenshot of each is saved
under ``tests/browser/artifacts`` (ignored by git) to look at after a run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.registry.models import Entity

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
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
LANGUAGES = ("en", "ar")
LONG = "Working group on the identification of victims of trafficking in mixed migration flows"


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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_main_pages_fit_the_window(
    page: Page, session: Session, seeded: list[Entity], make_meeting, name: str, lang: str, viewport: dict[str, int]
) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    make_meeting(title=LONG, starts_at=clock.now() + timedelta(days=1), visibility="public")
    page.set_viewport_size(viewport)
    path = PAGES[name]
    response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{viewport['width']}.png"), full_page=True)
    width = page_overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({lang}) is wider than the window: {width}"


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
