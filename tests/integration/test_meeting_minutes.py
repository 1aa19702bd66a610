"""Agenda, minutes (decisions and action items) and documents of a meeting."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Forbidden, NotFound, StaleVersion, ValidationError
from icat.core.outbox import OutboxEvent
from icat.meetings import documents
from icat.meetings import minutes as minutes_svc
from icat.meetings.models import ActionItem, AgendaItem, Decision, Document, Meeting
from tests.conftest import count

SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")
VIEWER = Actor(user_id=None, label="viewer@icat.example", role="viewer")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def test_agenda_is_replaced_in_order(session: Session, make_meeting, make_entity) -> None:
    make_entity(acronym="UNODC")
    meeting = make_meeting()
    items = [{"title": "Adoption of the agenda"}, {"title": "World Day statement", "lead_entity": "UNODC"}]
    minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=meeting.id, items=items)
    session.commit()
    minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=meeting.id, items=[*items, {"title": "AOB"}])
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert [a.title for a in stored.agenda_items] == ["Adoption of the agenda", "World Day statement", "AOB"]
    assert stored.agenda_items[1].lead_entity.acronym == "UNODC"
    assert count(session, AgendaItem) == 3 and stored.version == 3


def test_agenda_refusals_write_nothing(session: Session, make_meeting) -> None:
    meeting = make_meeting()
    before = count(session, OutboxEvent)
    bad = [[{"title": ""}], [{"title": "x" * 301}], [{"title": "ok", "lead_entity": "NOPE"}], [{"title": "a"}] * 101]
    for items in bad:
        with pytest.raises(ValidationError) as caught:
            minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=meeting.id, items=items)
        assert "items" in caught.value.fields
        session.rollback()
    with pytest.raises(Forbidden):
        minutes_svc.set_agenda(session, actor=VIEWER, meeting_id=meeting.id, items=[{"title": "x"}])
    session.rollback()
    assert count(session, AgendaItem) == 0 and count(session, OutboxEvent) == before


def test_minutes_with_decisions_and_action_items(session: Session, make_meeting, make_entity) -> None:
    make_entity(acronym="IOM")
    meeting = make_meeting()
    minutes_svc.record_minutes(
        session,
        actor=SECRETARIAT,
        meeting_id=meeting.id,
        text="The group met.",
        decisions=["Adopt the brief", "Meet again in May"],
        action_items=[{"text": "Circulate the draft", "owner": "IOM", "due_on": date(2030, 4, 1)}],
    )
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert stored.minutes.text == "The group met."
    assert [d.text for d in stored.decisions] == ["Adopt the brief", "Meet again in May"]
    [action] = stored.action_items
    assert (action.owner.acronym, action.due_on, action.done) == ("IOM", date(2030, 4, 1), False)
    event = session.query(OutboxEvent).filter(OutboxEvent.type == "MinutesRecorded").one()
    assert (event.payload["decisions"], event.payload["action_items"]) == (2, 1)


def test_minutes_refusals_write_nothing(session: Session, make_meeting) -> None:
    meeting = make_meeting()
    for kwargs, field in (
        ({"text": "x" * 50_001}, "text"),
        ({"decisions": [""]}, "decisions"),
        ({"action_items": [{"text": "Do", "owner": "NOPE"}]}, "action_items"),
        ({"action_items": [{"text": "x" * 2001}]}, "action_items"),
    ):
        arguments = {"text": "", "decisions": [], "action_items": []} | kwargs
        with pytest.raises(ValidationError) as caught:
            minutes_svc.record_minutes(session, actor=SECRETARIAT, meeting_id=meeting.id, **arguments)
        assert field in caught.value.fields
        session.rollback()
    assert count(session, Decision) == count(session, ActionItem) == 0


def test_agenda_and_minutes_edited_at_an_old_version_are_refused(session: Session, make_meeting) -> None:
    meeting = make_meeting()
    seen = meeting.version
    minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=meeting.id, items=[{"title": "A"}], version=seen)
    session.commit()
    minutes = {"text": "Mine", "decisions": [], "action_items": []}
    with pytest.raises(StaleVersion):
        minutes_svc.record_minutes(session, actor=SECRETARIAT, meeting_id=meeting.id, version=seen, **minutes)
    session.rollback()
    with pytest.raises(StaleVersion):
        minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=meeting.id, items=[{"title": "B"}], version=seen)
    session.rollback()
    with pytest.raises(NotFound):
        minutes_svc.set_agenda(session, actor=SECRETARIAT, meeting_id=999_999, items=[], version=1)
    session.rollback()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert [a.title for a in stored.agenda_items] == ["A"] and stored.minutes is None
    assert stored.version == seen + 1


@pytest.mark.parametrize(
    ("name", "content", "kind"), [("a.pdf", PDF, "pdf"), ("b.DOCX", DOCX, "docx"), ("c.odt", ODT, "odt")]
)
def test_documents_of_the_three_types_are_stored(
    session: Session, make_meeting, tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    meeting = make_meeting()
    doc = documents.attach_document(
        session,
        actor=SECRETARIAT,
        meeting_id=meeting.id,
        filename=name,
        content=content,
        storage_root=tmp_path,
        max_bytes=10_000,
    )
    session.commit()
    assert doc.content_type == documents.TYPES[kind] and doc.size == len(content)
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    assert (tmp_path / doc.stored_path).read_bytes() == content
    assert documents.document_for(session, actor=VIEWER, meeting_id=meeting.id, document_id=doc.id).id == doc.id
    with pytest.raises(NotFound):
        documents.document_for(session, actor=None, meeting_id=meeting.id, document_id=doc.id)


BAD_FILES = [
    ("virus.pdf", b"MZ\x90\x00 executable", "not a PDF"),
    ("renamed.docx", PDF, "not a DOCX"),
    ("fake.odt", zipped({"mimetype": b"application/zip"}), "not a ODT"),
    ("zip.docx", zipped({"readme.txt": b"hello"}), "not a DOCX"),
    ("notes.txt", b"plain text", "Only PDF, DOCX and ODT"),
    ("big.pdf", PDF + b"0" * 10_000, "at most 10000"),
    ("empty.pdf", b"", "empty"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_documents_of_the_wrong_type_or_too_big_are_refused(
    session: Session, make_meeting, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    meeting = make_meeting()
    with pytest.raises(ValidationError) as caught:
        documents.attach_document(
            session,
            actor=SECRETARIAT,
            meeting_id=meeting.id,
            filename=name,
            content=content,
            storage_root=tmp_path,
            max_bytes=10_000,
        )
    assert message in " ".join(map(str, caught.value.fields["file"]))
    session.rollback()
    assert count(session, Document) == 0 and not (tmp_path / "documents").exists()


def test_remove_document_and_access_checks(session: Session, make_meeting, tmp_path: Path) -> None:
    meeting = make_meeting(visibility="restricted")
    doc = documents.attach_document(
        session,
        actor=SECRETARIAT,
        meeting_id=meeting.id,
        filename="a.pdf",
        content=PDF,
        storage_root=tmp_path,
        max_bytes=10_000,
    )
    session.commit()
    with pytest.raises(NotFound):
        documents.document_for(session, actor=VIEWER, meeting_id=meeting.id, document_id=doc.id)
    with pytest.raises(Forbidden):
        documents.remove_document(session, actor=VIEWER, meeting_id=meeting.id, document_id=doc.id)
    session.rollback()
    documents.remove_document(session, actor=SECRETARIAT, meeting_id=meeting.id, document_id=doc.id)
    session.commit()
    assert count(session, Document) == 0
    assert count(session, OutboxEvent, OutboxEvent.type == "DocumentRemoved") == 1
