"""A meeting document sent as the multipart field ``file``, read for the documents service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from icat.core.errors import ValidationError


def document_upload(field: str = "file") -> dict[str, Any]:
    """``documents.attach_document``'s keyword arguments for the file sent as ``field``:
    its name, its content (read up to the configured limit plus one byte, so the service
    can tell a file that is too large), the limit and the storage root.

    Raises ValidationError naming ``field`` when no file was sent.
    """
    upload = request.files.get(field)
    if upload is None:
        raise _missing(field)
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    return {
        "filename": upload.filename or "",
        "content": upload.read(limit + 1),
        "max_bytes": limit,
        "storage_root": Path(current_app.instance_path),
    }


def _missing(field: str) -> ValidationError:
    return ValidationError(
        _("Send the document as multipart/form-data field '%(field)s'.", field=field),
        fields={field: [_("Choose a file to upload.")]},
        rule="documents.upload_missing",
    )
