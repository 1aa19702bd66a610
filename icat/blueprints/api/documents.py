"""Meeting documents in the API: upload (the series', or one session's), download with
access checks, delete (secretariat)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Response, current_app, send_file, url_for
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.meetings import documents
from icat.meetings.schemas import DOCUMENT_FILE, DOCUMENT_UPLOAD, WRITE_ERRORS, DocumentOutSchema
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, transactional
from icat.web.uploads import document_upload


def storage_root() -> Path:
    return Path(current_app.instance_path)


# What an upload takes and answers (the series' documents, and one session's).
UPLOAD: dict[str, Any] = {"body": DOCUMENT_UPLOAD, "response": DocumentOutSchema, "status": 201, "errors": WRITE_ERRORS}


@bp.post("/meetings/<int:meeting_id>/documents")
@doc("Upload a PDF, DOCX or ODT (multipart field 'file')", **UPLOAD)
@requires(STAFF, _l("upload documents"))
@transactional
def documents_upload(meeting_id: int) -> Response:
    return uploaded(meeting_id)


def uploaded(meeting_id: int, recurrence_id: datetime | None = None) -> Response:
    """Store the uploaded document (the series', or one session's) and answer 201 with it."""
    doc = documents.attach_document(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        recurrence_id=recurrence_id,
        **document_upload(),
    )
    body = {"id": doc.id, "filename": doc.filename, "content_type": doc.content_type, "size": doc.size}
    response = json_response(body | {"sha256": doc.sha256}, 201)
    response.headers["Location"] = url_for("api.documents_download", meeting_id=meeting_id, document_id=doc.id)
    return response


@bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
@doc("Download a document of a meeting the caller may see", response=DOCUMENT_FILE, errors=(404,))
def documents_download(meeting_id: int, document_id: int) -> Response:
    doc = documents.document_for(
        current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
    response = send_file(storage_root() / doc.stored_path, mimetype=doc.content_type)
    # RFC 6266 with an ASCII fallback; send_file would send only filename= for ASCII names.
    response.headers["Content-Disposition"] = documents.content_disposition(doc.filename)
    return response


@bp.delete("/meetings/<int:meeting_id>/documents/<int:document_id>")
@doc("Remove a document (secretariat)", status=204, errors=(401, 403, 404))
@requires(STAFF, _l("remove documents"))
@transactional
def documents_delete(meeting_id: int, document_id: int) -> Response:
    documents.remove_document(current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id)
    return Response(status=204)
