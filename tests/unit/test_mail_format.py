"""The reminder e-mail is assembled by hand for speed (icat.notifications.compose): the email
package's own parser must read back exactly what went in, and nothing may break its shape."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from icat.notifications.compose import _header_lines, _prototype

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Gr\xc3\xbcnde\r\nEND:VCALENDAR\r\n"


def _parse(subject: str, body: str, ics: bytes | None, method: str = "REQUEST"):
    head = _header_lines([("To", "fp@icat.example"), ("Message-ID", "<k@icat.test>"), ("X-ICAT-Delivery", "k:1")])
    data = head + _prototype(subject, "ICAT Workspace <no-reply@icat.invalid>", body, ics, method)
    assert data.isascii(), "no 8-bit data on the wire: any SMTP server takes it"
    assert b"\n" not in data.replace(b"\r\n", b""), "CRLF line ends only"
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    return message_from_bytes(data, policy=default)


@pytest.mark.parametrize(
    "subject",
    [
        "Reminder: Working group",
        "Rappel : Réunion du groupe de travail — Genève",
        "Напоминание: рабочая группа",
        "Reminder: " + "a very long meeting title " * 8,
    ],
)
def test_subject_body_and_invitation_read_back_as_written(subject: str) -> None:
    body = "Quand, dans votre fuseau horaire (Europe/Paris) :\n  lundi 1 décembre 2026 à 14:00\n"
    message = _parse(subject, body, ICS)
    assert message["Subject"] == subject.strip()
    assert message["From"].addresses[0].addr_spec == "no-reply@icat.invalid"
    assert (message["To"], message["Message-ID"], message["X-ICAT-Delivery"]) == (
        "fp@icat.example",
        "<k@icat.test>",
        "k:1",
    )
    # An invitation: the calendar part and the text as alternatives, the part inline (RFC 6047).
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content() == body
    invite = message.get_body(("calendar",))
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_content_disposition() is None and list(message.iter_attachments()) == []
    assert invite.get_content().encode("utf-8") == ICS


def test_a_cancellation_carries_method_cancel() -> None:
    message = _parse("Cancelled: Working group", "Cancelled.\n", ICS, "CANCEL")
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("calendar",)).get_param("method") == "CANCEL"


def test_a_reminder_attaches_the_meeting_to_publish() -> None:
    message = _parse("Reminder: Working group", "Tomorrow.\n", ICS, "PUBLISH")
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_param("method") == "PUBLISH" and attachment.get_filename() == "invite.ics"
    assert attachment.get_content().encode("utf-8") == ICS


def test_without_an_invitation_the_message_is_plain_text() -> None:
    message = _parse("World Day 2027: theme agreed", "Le thème est convenu.\n", None)
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "Le thème est convenu.\n"


def test_a_line_break_in_a_title_cannot_add_a_header() -> None:
    message = _parse("Reminder: call\r\nBcc: everyone@example.org", "x\n", None)
    assert message["Bcc"] is None
    assert message["Subject"] == "Reminder: call Bcc: everyone@example.org"


def test_an_internationalised_address_is_kept_for_smtputf8() -> None:
    line = _header_lines([("To", "fp@bücher.example")])
    assert line.decode("utf-8").startswith("To: fp@bücher.example")
