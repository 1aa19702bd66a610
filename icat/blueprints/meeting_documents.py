"""A meeting's documents on its page: upload (the limit shown beside the field; an upload
over the request limit comes back to the page with a message, see ``icat.web.errors``),
download with access checks, and delete after a tick."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.blueprints.meetings import ResponseOrPage, _detail_url, _on_detail
from icat.core.permissions import STAFF
from icat.meetings import documents
from icat.meetings.forms import DocumentDeleteForm, DocumentForm
from icat.web.auth import current_actor, requires
from icat.web.http import current_session
from icat.web.page_forms import submit
from icat.web.uploads import document_upload

bp = Blueprint("meeting_documents", __name__, url_prefix="/meetings")


@bp.post("/<int:meeting_id>/documents")
@login_required
@requires(STAFF, _l("upload documents"))
def upload(meeting_id: int) -> ResponseOrPage:
    form = DocumentForm(prefix="doc")
    outcome = submit(
        form,
        lambda: documents.attach_document(
            current_session(), actor=current_actor(), meeting_id=meeting_id, **document_upload()
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Document uploaded."))


@bp.post("/<int:meeting_id>/documents/<int:document_id>/delete")
@login_required
@requires(STAFF, _l("remove documents"))
def delete_document(meeting_id: int, document_id: int) -> ResponseOrPage:
    form = DocumentDeleteForm(prefix=f"del{document_id}")
    outcome = submit(
        form,
        lambda: documents.remove_document(
            current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Document deleted."), _detail_url(meeting_id) + "#documents")


@bp.get("/<int:meeting_id>/documents/<int:document_id>")
def document(meeting_id: int, document_id: int) -> Response:
    doc = documents.document_for(
        current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
    path = Path(current_app.instance_path) / doc.stored_path
    response = send_file(path, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = documents.content_disposition(doc.filename)  # RFC 6266
    return response
