"""A person signs in, filters the registry and signs out, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from icat.accounts.models import User
from icat.registry.models import Entity
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/icat-browser.png")  # a fixed place to look at after a run


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/")
    link = page.get_by_role("link", name="Sign in")
    if not link.is_visible():  # on a phone the header menu is folded behind its button
        page.locator("[data-site-menu] summary").click()
    link.click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_filter_partners_and_sign_out(page: Page, seeded: list[Entity], make_user: Callable[..., User]) -> None:
    partners = {e.acronym for e in seeded if e.kind == "partner"}
    assert partners == {"CoE", "SR-TIP", "SR-Slavery"}
    user = make_user("viewer")

    sign_in(page, user.email, PASSWORD)

    sign_out = page.get_by_role("button", name=f"Sign out {user.email}")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)

    page.get_by_role("link", name="Members and partners").click()
    expect(page.get_by_role("heading", name="Members and partners")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(seeded))

    page.get_by_label("Kind").select_option("partner")
    with page.expect_response(re.compile(r"/entities\?")) as filtered:
        page.get_by_role("button", name="Filter").click()
    response = filtered.value
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOT), full_page=True)  # taken first, so a failure leaves a picture
    assert response.status == 200, f"GET {response.url} answered {response.status}: {page.locator('main').inner_text()}"

    expect(page).to_have_url(re.compile(r"/entities\?(.*&)?kind=partner(&|$)"))
    expect(page.get_by_label("Kind")).to_have_value("partner")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("3 entities", exact=True)).to_be_visible()
    assert set(rows.locator("td:first-child").all_inner_texts()) == partners
    expect(rows.locator("td:nth-child(3)")).to_have_text(["partner"] * 3)
    expect(sign_out).to_be_visible()  # still signed in on the filtered list

    sign_out.click()

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_have_count(0)


def test_wrong_password_shows_the_error(page: Page, make_user: Callable[..., User]) -> None:
    user = make_user("viewer")

    sign_in(page, user.email, PASSWORD + " but wrong")

    expect(page.get_by_role("alert")).to_have_text("Email or password is wrong.")
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_have_count(0)
    expect(page.get_by_label("Email")).to_have_value(user.email)


def test_arabic_start_page_is_right_to_left(page: Page) -> None:
    page.goto("/?lang=ar")

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
