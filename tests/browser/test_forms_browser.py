"""Page forms in the browser: a refused form shows each message right beside its field (the
field marked invalid and described by the message, its label bound to it), answers 422 and
saves nothing; an upload form shows its progress while the file goes up, and the file is
stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.meetings.models import Document, Meeting
from tests.browser.test_login_browser import sign_in
from tests.browser.test_meeting_record_browser import signed_in_secretariat
from tests.conftest import PASSWORD, count

pytestmark = pytest.mark.browser

# Records every value the upload's <progress> shows, across the page the server sends back
# (document.open keeps the window, so the list survives in sessionStorage).
RECORD_PROGRESS = """
(() => {
  const seen = () => JSON.parse(sessionStorage.getItem('progress') || '[]');
  const note = (v) => sessionStorage.setItem('progress', JSON.stringify(seen().concat([v])));
  new MutationObserver((changes) => {
    for (const change of changes) {
      const nodes = change.type === 'attributes' ? [change.target] : [...change.addedNodes];
      for (const n of nodes) {
        const bar = n.matches && (n.matches('progress') ? n : n.querySelector && n.querySelector('progress'));
        if (bar && bar.closest('form[data-upload]')) note(bar.value);
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['value']});
})();
"""


def test_a_meeting_without_a_title_is_refused_beside_the_title(
    page: Page, make_user: Callable[..., User], session: Session
) -> None:
    signed_in_secretariat(page, make_user)
    page.goto("/meetings/new")
    page.get_by_label("Starts (local time)").fill("2030-10-07T14:00")
    page.get_by_label("Ends (local time)").fill("2030-10-07T15:00")
    with page.expect_response(re.compile(r"/meetings/new$")) as posted:
        page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    assert posted.value.status == 422
    title = page.get_by_label("Title")  # the label is bound to the input (label for=)
    expect(title).to_have_attribute("aria-invalid", "true")
    message = page.locator(".field", has=title).locator("small.error")
    expect(message).to_have_count(1)
    expect(title).to_have_accessible_description(message.inner_text())
    expect(page.get_by_label("Ends (local time)")).to_have_value("2030-10-07T15:00")
    assert count(session, Meeting) == 0


def test_the_profile_refuses_an_unknown_zone_beside_the_zone(
    page: Page, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user("viewer", email="ana@icat.example")
    sign_in(page, user.email, PASSWORD)
    page.goto("/account")
    zone = page.get_by_label("Time zone")
    zone.fill("Mars/Olympus")
    page.get_by_label("Name", exact=True).fill("Ana")
    with page.expect_response(re.compile(r"/account$")) as posted:
        page.get_by_role("button", name="Save my profile").click()
    page.wait_for_load_state()

    assert posted.value.status == 422
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_attribute("aria-invalid", "true")
    described = zone.get_attribute("aria-describedby") or ""
    errors = page.locator(f"#{described.split()[0]}")
    expect(errors).to_contain_text("IANA time zone")
    expect(page.locator(".field", has=zone).locator("small.error")).to_contain_text("IANA time zone")
    expect(zone).to_have_value("Mars/Olympus")  # what was typed stays
    # The other fields are not marked, and nothing was saved.
    expect(page.get_by_label("Name", exact=True)).not_to_have_attribute("aria-invalid", "true")
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored.timezone == "UTC" and stored.display_name != "Ana"


def test_an_upload_shows_its_progress_and_the_document_is_stored(
    page: Page, make_user: Callable[..., User], make_meeting, session: Session, tmp_path: Path
) -> None:
    meeting = make_meeting(title="Principals meeting")
    signed_in_secretariat(page, make_user)
    page.add_init_script(RECORD_PROGRESS)
    page.goto(f"/meetings/{meeting.id}")
    file = tmp_path / "background-paper.pdf"
    file.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n")  # a few MB

    form = page.locator("form[data-upload]")
    form.get_by_label(re.compile("Upload a document")).set_input_files(str(file))
    with page.expect_response(re.compile(rf"/meetings/{meeting.id}/documents$")) as posted:
        form.get_by_role("button", name="Upload", exact=True).click()
    assert posted.value.request.resource_type == "xhr"  # sent by static/upload.js, not a page load

    # The server's page replaces this one: its message and the stored document.
    expect(page.get_by_role("status").filter(has_text="Document uploaded.")).to_be_visible()
    expect(page.locator("#documents").get_by_role("link", name="background-paper.pdf")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.id}(#documents)?$"))
    shown = page.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    assert shown and shown[0] == 0 and shown[-1] == 100, shown  # the bar appeared, then filled
    assert shown == sorted(shown)
    session.expire_all()
    document = session.query(Document).one()
    assert (document.filename, document.size) == ("background-paper.pdf", file.stat().st_size)


def test_a_refused_upload_shows_the_servers_message_and_the_form_again(
    page: Page, make_user: Callable[..., User], make_meeting, session: Session, tmp_path: Path
) -> None:
    meeting = make_meeting(title="Principals meeting")
    signed_in_secretariat(page, make_user)
    page.goto(f"/meetings/{meeting.id}")
    file = tmp_path / "notes.pdf"
    file.write_bytes(b"not a pdf at all")
    form = page.locator("form[data-upload]")
    form.get_by_label(re.compile("Upload a document")).set_input_files(str(file))
    form.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="is not a PDF document")).to_be_visible()
    expect(page.locator("form[data-upload]").get_by_role("button", name="Upload", exact=True)).to_be_enabled()
    assert count(session, Document) == 0
