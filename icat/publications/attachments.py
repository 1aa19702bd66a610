"""A PDF per language: checked by content (not by name), within a size limit, stored under
the instance folder by its hash; served to whoever may read the publication."""

from __future__ import annotations

from pathlib import Path, PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Message, NotFound, ValidationError
from icat.core.files import store_by_hash
from icat.meetings.documents import clean_filename, examine
from icat.publications.access import get_publication, publication_to_manage
from icat.publications.events import PublicationFileAttached
from icat.publications.models import Attachment
from icat.publications.texts import check_language

FILENAME_MAX = 255


def _problem(filename: str, content: bytes, max_bytes: int) -> Message | None:
    if not filename or len(filename) > FILENAME_MAX:
        return _l("A file name of 1 to %(limit)s characters.", limit=FILENAME_MAX)
    if len(content) > max_bytes:
        return _l("The file is over the limit of %(limit)s bytes.", limit=max_bytes)
    if not content:
        return _l("The file is empty.")
    kind, problem = examine(content, max_bytes=max_bytes)
    if problem or kind != "pdf" or PurePath(filename).suffix.lower() != ".pdf":
        return problem or _l("Only PDF files are accepted (checked by their content).")
    return None


def attach_pdf(
    session: Session,
    *,
    actor: Actor,
    publication_id: int,
    language: str,
    filename: str,
    content: bytes,
    storage_root: Path,
    max_bytes: int,
) -> Attachment:
    """Store ``language``'s PDF (secretariat, lead focal points), replacing an earlier one.

    Raises Forbidden, NotFound, ValidationError (``language``; ``file``: not a PDF by
    content, empty, over ``max_bytes``, a bad name). Emits PublicationFileAttached."""
    pub = publication_to_manage(session, publication_id, actor, _l("attach files"))
    check_language(language)
    filename = clean_filename(filename)
    if problem := _problem(filename, content, max_bytes):
        raise ValidationError(_l("The file was refused."), fields={"file": [problem]}, rule="publications.file_refused")
    digest, relative = store_by_hash(storage_root, "publications", content, "pdf")
    row = pub.attachment(language) or Attachment(language=language)
    if row not in pub.attachments:
        pub.attachments.append(row)
    row.filename, row.size, row.sha256, row.stored_path = filename, len(content), digest, relative
    row.uploaded_by, row.uploaded_at, pub.updated_at = actor.user_id, clock.now(), clock.now()
    session.flush()
    event = PublicationFileAttached(
        publication_id=pub.id, language=language, filename=filename, size=len(content), sha256=digest
    )
    outbox.record(session, event, actor=actor)
    return row


def attachment_for(session: Session, *, actor: Actor | None, publication_id: int, language: str) -> Attachment:
    """The PDF of a publication ``actor`` may read; NotFound otherwise."""
    pub = get_publication(session, publication_id, actor=actor)
    row = pub.attachment(language)
    if row is None:
        raise NotFound(
            _l("Publication %(id)s has no %(language)s file.", id=publication_id, language=language),
            rule="publications.file_unknown",
        )
    return row
