"""The header's language switcher in a real browser: on each main page a reader switches to
Chinese, then to Arabic, and stays on that page; the header menu folds on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.registry.models import Entity

pytestmark = pytest.mark.browser

MAIN_PAGES = ["/", "/meetings", "/entities", "/rotation", "/world-day", "/publications", "/workplans", "/login"]


def switch_to(page: Page, name: str) -> None:
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_switching_to_chinese_then_arabic_keeps_each_page(page: Page, session: Session, seeded: list[Entity]) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    for path in MAIN_PAGES:
        page.goto(path)
        switch_to(page, "中文")
        assert (page.evaluate("location.pathname"), page.evaluate("document.documentElement.lang")) == (path, "zh")
        switch_to(page, "العربية")
        assert page.evaluate("location.pathname") == path
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        switch_to(page, "English")  # the next page starts from English again
    assert page.evaluate("document.documentElement.lang") == "en"


def test_the_choice_lasts_on_the_next_click(page: Page, seeded: list[Entity]) -> None:
    page.goto("/entities")
    switch_to(page, "Français")
    page.get_by_role("link", name="Publications").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_on_a_phone_the_menu_folds_behind_its_button(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    calendar = page.locator("[data-site-menu] a", has_text="Calendar")
    assert not calendar.is_visible()
    page.locator("[data-site-menu] summary").click()
    assert calendar.is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("[data-site-menu]").evaluate("d => d.open")
    assert not page.locator("[data-site-menu] summary").is_visible()
