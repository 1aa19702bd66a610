"""Meeting documents: PDF, DOCX and ODT only, recognised by their content (magic bytes and,
for the two ZIP-based formats, their package manifest), never by the file name alone.

Files are stored content-addressed under ``<storage_root>/documents/``; a file written for a
transaction that later rolls back is an unreferenced duplicate, never a wrong document.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import NotFound, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.meetings import rules
from icat.meetings.access import get_meeting
from icat.meetings.events import DocumentAttached, DocumentRemoved
from icat.meetings.models import Document, Meeting

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def sniff(content: bytes) -> str | None:
    """The document type (``pdf``, ``docx``, ``odt``) the bytes really are, or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == TYPES["odt"].encode():
                return "odt"
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return None
    return None


def _errors(filename: str, content: bytes, max_bytes: int) -> rules.Errors:
    errors: rules.Errors = {}
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if not PurePath(filename).name or len(filename) > rules.LIMITS["filename"]:
        errors["file"] = [f"A file name of 1 to {rules.LIMITS['filename']} characters."]
    elif len(content) > max_bytes:
        errors["file"] = [f"The file is {len(content)} bytes; at most {max_bytes} are accepted."]
    elif not content:
        errors["file"] = ["The file is empty."]
    elif suffix not in TYPES:
        errors["file"] = ["Only PDF, DOCX and ODT documents are accepted."]
    elif sniff(content) != suffix:
        errors["file"] = [f"The file's content is not a {suffix.upper()} document."]
    return errors


def attach_document(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    filename: str,
    content: bytes,
    storage_root: Path,
    max_bytes: int,
) -> Document:
    """Store an uploaded document for a meeting (admin, secretariat).

    Raises Forbidden, NotFound, ValidationError (``file``: wrong type by content or name,
    empty, over ``max_bytes``). Writes the file under ``storage_root/documents``.
    Emits DocumentAttached.
    """
    require_role(actor, STAFF, "upload documents")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    errors = _errors(filename, content, max_bytes)
    if errors:
        raise ValidationError("The document was refused.", fields=errors)
    kind = PurePath(filename).suffix.lower().lstrip(".")
    digest = hashlib.sha256(content).hexdigest()
    relative = f"documents/{digest[:2]}/{digest}.{kind}"
    target = storage_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(content)
    document = Document(
        filename=PurePath(filename).name,
        content_type=TYPES[kind],
        size=len(content),
        sha256=digest,
        stored_path=relative,
        uploaded_by=actor.user_id,
        uploaded_at=clock.now(),
    )
    meeting.documents.append(document)
    session.flush()
    event = DocumentAttached(
        meeting_id=meeting.id,
        document_id=document.id,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        sha256=digest,
    )
    outbox.record(session, event, actor=actor)
    return document


def remove_document(session: Session, *, actor: Actor, meeting_id: int, document_id: int) -> None:
    """Remove a document from a meeting (admin, secretariat). Raises Forbidden, NotFound.
    Emits DocumentRemoved. The stored file may be shared by an identical upload, so it stays."""
    require_role(actor, STAFF, "remove documents")
    document = session.get(Document, document_id)
    if document is None or document.meeting_id != meeting_id:
        raise NotFound(f"No document {document_id} on meeting {meeting_id}.")
    session.delete(document)
    session.flush()
    outbox.record(
        session,
        DocumentRemoved(meeting_id=meeting_id, document_id=document_id, filename=document.filename),
        actor=actor,
    )


def document_for(session: Session, *, actor: Actor | None, meeting_id: int, document_id: int) -> Document:
    """A document of a meeting ``actor`` may see; NotFound otherwise (hidden ones included)."""
    get_meeting(session, meeting_id, actor=actor)
    document = session.get(Document, document_id)
    if document is None or document.meeting_id != meeting_id:
        raise NotFound(f"No document {document_id} on meeting {meeting_id}.")
    return document
