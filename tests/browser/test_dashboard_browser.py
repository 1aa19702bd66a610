"""The dashboard at a phone's width: every panel fits the 390 px viewport (no fixed widths),
for the secretariat with every panel filled and for an anonymous visitor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.registry.models import Entity
from tests.browser.test_login_browser import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/icat-dashboard-390.png")  # a fixed place to look at after a run
WIDTH = 390
LONG = "Working group on the identification of victims of trafficking in mixed migration flows"


def panels_overflowing(page: Page) -> list[str]:
    """Headings of the dashboard panels whose box reaches past the viewport's right edge."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('.dashboard-panel')]
            .filter(p => p.getBoundingClientRect().right > width + 0.5)
            .map(p => p.querySelector('h2').textContent)""",
        WIDTH,
    )


def test_the_dashboard_fits_a_phone(
    page: Page, session: Session, seeded: list[Entity], make_user: Callable[..., User], make_meeting
) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    make_meeting(title=LONG, starts_at=clock.now() + timedelta(days=2), visibility="public", timezone="Asia/Bangkok")
    user = make_user("secretariat")
    page.set_viewport_size({"width": WIDTH, "height": 800})

    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming public meetings")).to_be_visible()
    assert panels_overflowing(page) == []

    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Entities without a focal point")).to_be_visible()
    expect(page.get_by_text(LONG)).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert panels_overflowing(page) == []
