"""Meeting documents: PDF, DOCX and ODT only, recognised by their content (magic bytes and,
for the two ZIP-based formats, their package manifest), never by the file name alone.

Files are stored content-addressed under ``<storage_root>/documents/``; a file written for a
transaction that later rolls back is an unreferenced duplicate, never a wrong document.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path, PurePath
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.http import dump_options_header
from werkzeug.utils import secure_filename

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Message, NotFound, ValidationError
from icat.core.files import store_by_hash
from icat.core.permissions import STAFF, require_role
from icat.meetings import rules
from icat.meetings.access import get_meeting
from icat.meetings.events import DocumentAttached, DocumentRemoved
from icat.meetings.models import Document, Meeting
from icat.meetings.sessions import find_session

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


# A ZIP states each entry's unpacked size; a document may unpack to at most this many times the
# upload limit (text-heavy DOCX/ODT files unpack to 3-10 times their size) and no entry may be
# compressed more tightly than this (XML reaches ~20:1, a ZIP bomb of zeros ~1000:1).
MAX_UNPACKED_FACTOR = 4
MAX_COMPRESSION_RATIO = 100
RATIO_FREE_BYTES = 1 << 20  # a smaller entry cannot hurt, however tightly packed
# The ODF ``mimetype`` entry is a short string; reading more than this of it is never needed.
MIMETYPE_READ_BYTES = 100
# Filenames: control characters (C0, DEL, C1), surrogates, private use, line and paragraph
# separators, and the bidirectional controls that make "evil\u202egpj.exe" look like "evilexe.jpg".
_UNWANTED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# RFC 5987 attr-char: what may stay unescaped in ``filename*=UTF-8''…``.
_ATTR_CHARS = "!#$&+-.^_`|~"


def clean_filename(filename: str) -> str:
    """The name a document is stored and sent under: the last path component (``/`` or ``\\``),
    NFC, without control and bidi characters, whitespace collapsed, no leading dots.
    Letters of every script stay. May return ``""`` when nothing usable is left."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", filename))[-1]
    kept = "".join(c for c in name if unicodedata.category(c) not in _UNWANTED_CATEGORIES and c not in _BIDI_CONTROLS)
    return " ".join(kept.split()).lstrip(". ")


def content_disposition(filename: str) -> str:
    """``Content-Disposition: attachment`` for a stored name (cleaned again, so rows stored before
    names were cleaned still download): an ASCII ``filename=`` fallback for old clients and the
    exact name as RFC 6266 ``filename*=UTF-8''…``."""
    name = PurePath(clean_filename(filename) or "document")
    suffix = secure_filename(name.suffix)
    fallback = (secure_filename(name.stem) or "document") + (f".{suffix}" if suffix else "")
    exact = "UTF-8''" + quote(name.name, safe=_ATTR_CHARS)
    return dump_options_header("attachment", {"filename": fallback, "filename*": exact})


def _zip_problem(archive: zipfile.ZipFile, max_bytes: int) -> Message | None:
    """Why an archive is refused before anything in it is unpacked, judged by its directory."""
    entries = archive.infolist()
    if any(info.flag_bits & 0x1 for info in entries):
        return _l("Encrypted documents are not accepted.")
    unpacked = sum(info.file_size for info in entries)
    if unpacked > max_bytes * MAX_UNPACKED_FACTOR:
        return _l(
            "The archive unpacks to %(size)s bytes; at most %(limit)s are accepted.",
            size=unpacked,
            limit=max_bytes * MAX_UNPACKED_FACTOR,
        )
    if any(info.file_size > max(RATIO_FREE_BYTES, MAX_COMPRESSION_RATIO * info.compress_size) for info in entries):
        return _l("The archive is compressed more tightly than any real document; it was not opened.")
    return None


def _zip_kind(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "mimetype" in names:
        with archive.open("mimetype") as entry:
            if entry.read(MIMETYPE_READ_BYTES).strip() == TYPES["odt"].encode():
                return "odt"
    if {"[Content_Types].xml", "word/document.xml"} <= names:
        return "docx"
    return None


def examine(content: bytes, *, max_bytes: int) -> tuple[str | None, Message | None]:
    """``(kind, problem)``: the type (``pdf``, ``docx``, ``odt``) the bytes really are, or None,
    and for ZIP-based files why the archive is refused (encrypted, damaged, unpacking to more
    than ``MAX_UNPACKED_FACTOR × max_bytes`` or compressed beyond ``MAX_COMPRESSION_RATIO``).
    Reads at most ``MIMETYPE_READ_BYTES`` of any entry, whatever sizes the archive states."""
    if content.startswith(b"%PDF-"):
        return "pdf", None
    if not content.startswith(b"PK\x03\x04"):
        return None, None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = _zip_problem(archive, max_bytes)
            return (None, problem) if problem else (_zip_kind(archive), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, KeyError, ValueError):
        # A damaged archive, an unknown compression method, a truncated or lying entry.
        return None, _l("The archive is damaged or not a ZIP file.")


def sniff(content: bytes, *, max_bytes: int) -> str | None:
    """The document type the bytes really are, or None (also for any refused archive)."""
    kind, problem = examine(content, max_bytes=max_bytes)
    return None if problem else kind


def _errors(filename: str, content: bytes, max_bytes: int) -> rules.Errors:
    errors: rules.Errors = {}
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if not filename or len(filename) > rules.LIMITS["filename"]:
        errors["file"] = [_l("A file name of 1 to %(limit)s characters.", limit=rules.LIMITS["filename"])]
    elif len(content) > max_bytes:
        errors["file"] = [
            _l("The file is %(size)s bytes; at most %(limit)s are accepted.", size=len(content), limit=max_bytes)
        ]
    elif not content:
        errors["file"] = [_l("The file is empty.")]
    elif suffix not in TYPES:
        errors["file"] = [_l("Only PDF, DOCX and ODT documents are accepted.")]
    else:
        kind, problem = examine(content, max_bytes=max_bytes)
        if problem or kind != suffix:
            errors["file"] = [problem or _l("The file's content is not a %(kind)s document.", kind=suffix.upper())]
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
    recurrence_id: datetime | None = None,
) -> Document:
    """Store an uploaded document for a meeting (admin, secretariat).

    Raises Forbidden, NotFound, ValidationError (``file``: wrong type by content or name,
    empty, over ``max_bytes``, an encrypted, damaged or overly packed archive, a name with
    nothing left once cleaned). The name is stored cleaned (see ``clean_filename``).
    Writes the file under ``storage_root/documents``. With ``recurrence_id`` the document is
    one session's (NotFound when the meeting has no such session), else the series'.
    Emits DocumentAttached.
    """
    require_role(actor, STAFF, _l("upload documents"))
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("No meeting %(id)s.", id=meeting_id), rule="meetings.meeting_unknown")
    session_id = _session_of(meeting, recurrence_id)
    filename = clean_filename(filename)
    errors = _errors(filename, content, max_bytes)
    if errors:
        raise ValidationError(_l("The document was refused."), fields=errors, rule="documents.refused")
    kind = PurePath(filename).suffix.lower().lstrip(".")
    digest, relative = store_by_hash(storage_root, "documents", content, kind)
    document = Document(
        filename=filename,
        content_type=TYPES[kind],
        size=len(content),
        sha256=digest,
        stored_path=relative,
        uploaded_by=actor.user_id,
        uploaded_at=clock.now(),
        recurrence_id=session_id,
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


def _session_of(meeting: Meeting, recurrence_id: datetime | None) -> datetime | None:
    if recurrence_id is None:
        return None
    return find_session(meeting, recurrence_id).recurrence_id


def remove_document(session: Session, *, actor: Actor, meeting_id: int, document_id: int) -> None:
    """Remove a document from a meeting (admin, secretariat). Raises Forbidden, NotFound.
    Emits DocumentRemoved. The stored file may be shared by an identical upload, so it stays."""
    require_role(actor, STAFF, _l("remove documents"))
    document = session.get(Document, document_id)
    if document is None or document.meeting_id != meeting_id:
        raise NotFound(
            _l("No document %(document)s on meeting %(meeting)s.", document=document_id, meeting=meeting_id),
            rule="documents.document_unknown",
        )
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
        raise NotFound(
            _l("No document %(document)s on meeting %(meeting)s.", document=document_id, meeting=meeting_id),
            rule="documents.document_unknown",
        )
    return document
