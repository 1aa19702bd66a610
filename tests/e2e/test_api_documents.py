"""End to end: meeting document uploads that must be refused without cost (ZIP bombs, encrypted
or broken archives) and file names that must never break a download (issue 11, item 11).
Each refusal is followed by a look at the database and the storage folder: nothing written."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from icat.core.outbox import OutboxEvent
from icat.meetings import documents
from icat.meetings.models import Document
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error

ODT_TYPE = b"application/vnd.oasis.opendocument.text"
PDF = b"%PDF-1.4\n%%EOF\n"


def odt(mimetype_size: int = 0, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An ODT whose ``mimetype`` entry is the real type followed by ``mimetype_size`` zeros,
    written in chunks so the test itself never holds the unpacked bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = compression
        with archive.open(info, "w", force_zip64=True) as entry:
            entry.write(ODT_TYPE)
            chunk = bytes(1 << 20)
            left = mimetype_size
            while left > 0:
                entry.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def zeros_odt(unpacked: int, *, in_mimetype: bool = False) -> bytes:
    """``unpacked`` bytes of zeros deflated (about a thousandth of that on disk), behind the
    ``mimetype`` entry's type or in an entry of their own."""
    if in_mimetype:
        return odt(unpacked)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_TYPE, compress_type=zipfile.ZIP_STORED)
        with archive.open("Pictures/zeros.bin", "w", force_zip64=True) as entry:
            chunk = bytes(1 << 20)
            for _ in range(unpacked // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def upload(client: FlaskClient, url: str, headers: dict[str, str], content: bytes, name: str) -> Any:
    """POST ``content`` as the multipart field ``file``. The name travels percent-encoded in
    RFC 7578/2231 ``filename*``, so any character (CR, LF, NUL) reaches the server as sent."""
    boundary = "icat-test-boundary-7d1f"
    body = (
        (
            f"--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''{quote(name, safe='')}\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(url, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def docs_url(client: FlaskClient, bearer, make_meeting) -> tuple[str, dict[str, str]]:
    meeting = make_meeting(visibility="public")
    return f"/api/v1/meetings/{meeting.id}/documents", bearer("secretariat")


def assert_nothing_stored(session: Session, app: Flask) -> None:
    assert count(session, Document) == 0
    assert count(session, OutboxEvent, OutboxEvent.type == "DocumentAttached") == 0
    assert not (Path(app.instance_path) / "documents").exists() or not any(
        (Path(app.instance_path) / "documents").rglob("*.*")
    )


@pytest.mark.parametrize("in_mimetype", [True, False], ids=["zeros-in-mimetype", "zeros-in-a-picture"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, app, docs_url, session: Session, in_mimetype) -> None:
    url, sec = docs_url
    bomb = zeros_odt(64 << 20, in_mimetype=in_mimetype)  # 64 MiB of zeros in about 64 KB
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        response = upload(client, url, sec, bomb, "agenda.odt")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    body = assert_error(response, 422, "validation_failed")
    assert "unpacks to" in " ".join(body["fields"]["file"])
    assert peak < 8 << 20, f"the refusal cost {peak} bytes of memory"
    assert_nothing_stored(session, app)


def test_a_tightly_compressed_archive_under_the_size_limit_is_refused(client, app, docs_url, session) -> None:
    url, sec = docs_url
    bomb = zeros_odt(4 << 20, in_mimetype=True)  # 4 MiB unpacked, under the 10 MB limit, but compressed ~1000:1
    body = assert_error(upload(client, url, sec, bomb, "agenda.odt"), 422, "validation_failed")
    assert "compressed" in " ".join(body["fields"]["file"])
    assert_nothing_stored(session, app)


def test_the_type_sniffer_reads_only_a_few_bytes_of_the_mimetype_entry() -> None:
    # A stored (uncompressed) entry passes the size and ratio checks; the old sniffer read it whole.
    content = odt(6 << 20, compression=zipfile.ZIP_STORED)
    tracemalloc.start()
    try:
        kind = documents.sniff(content, max_bytes=10 << 20)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kind is None  # the entry is not exactly the ODT type
    assert peak < 1 << 20, f"sniffing cost {peak} bytes of memory"
    assert documents.sniff(odt(), max_bytes=10 << 20) == "odt"


def test_encrypted_and_broken_archives_are_refused(client, app, docs_url, session) -> None:
    url, sec = docs_url
    # zipfile cannot write encrypted entries: set the "encrypted" flag (bit 0 of the general
    # purpose flags) in the local header and the central directory, as an encrypting tool would.
    archive = bytearray(odt())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = archive.index(signature) + offset
        archive[at] |= 0x1
    assert zipfile.ZipFile(io.BytesIO(archive)).infolist()[0].flag_bits & 0x1
    encrypted = assert_error(upload(client, url, sec, bytes(archive), "secret.odt"), 422, "validation_failed")
    assert "ncrypted" in " ".join(encrypted["fields"]["file"])
    broken = assert_error(
        upload(client, url, sec, b"PK\x03\x04" + b"\x00" * 200, "broken.docx"), 422, "validation_failed"
    )
    assert "file" in broken["fields"]
    truncated = assert_error(upload(client, url, sec, odt()[:-30], "cut.odt"), 422, "validation_failed")
    assert "file" in truncated["fields"]
    assert_nothing_stored(session, app)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("minutes\r\nSet-Cookie: x=1.pdf", "minutesSet-Cookie: x=1.pdf"),
        ("notes\x00.pdf", "notes.pdf"),
        ("C:\\Users\\amina\\report\t2030.pdf", "report2030.pdf"),
        ("../../etc/Протокол заседания.pdf", "Протокол заседания.pdf"),
        ("évaluation\u202egpj.pdf", "évaluationgpj.pdf"),
    ],
)
def test_file_names_are_cleaned_on_the_way_in_and_sent_with_rfc_6266(
    client, app, docs_url, session, sent: str, stored: str
) -> None:
    url, sec = docs_url
    response = upload(client, url, sec, PDF, sent)
    assert response.status_code == 201, response.get_data(as_text=True)
    session.expire_all()
    assert [d.filename for d in session.query(Document)] == [stored]
    download = client.get(response.headers["Location"], headers=sec)
    assert download.status_code == 200 and download.data == PDF
    assert_disposition(download.headers["Content-Disposition"], stored)
    download.close()
    page = client.get(response.headers["Location"].replace("/api/v1", ""))
    assert page.status_code == 200
    assert_disposition(page.headers["Content-Disposition"], stored)
    page.close()


def assert_disposition(header: str, name: str) -> None:
    """RFC 6266: ``attachment``, an ASCII ``filename=`` fallback without path separators, and the
    exact name percent-encoded in ``filename*=UTF-8''…`` (which a client such as werkzeug prefers)."""
    assert header.isascii() and "\r" not in header and "\n" not in header
    exact = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    fallback = re.search(r'filename=("(?:[^"\\]|\\.)*"|[^;\s]+)', header)
    assert exact and fallback, header
    assert unquote(exact.group(1)) == name
    assert fallback.group(1).strip('"').endswith(".pdf") and not re.search(r"[/\\]", fallback.group(1))
    value, options = parse_options_header(header)
    assert (value, options["filename"]) == ("attachment", name)


def test_a_name_of_only_controls_is_refused(client, app, docs_url, session) -> None:
    url, sec = docs_url
    body = assert_error(upload(client, url, sec, PDF, "\r\n\x00"), 422, "validation_failed")
    assert "file" in body["fields"]
    assert_nothing_stored(session, app)


def test_documents_stored_with_bad_names_before_the_fix_still_download(client, app, docs_url, session: Session) -> None:
    url, sec = docs_url
    good = upload(client, url, sec, PDF, "plain.pdf")
    assert good.status_code == 201
    document = session.get(Document, good.get_json()["id"])
    document.filename = "old\r\nrow\x1b.pdf"  # as rows were stored before names were cleaned (PostgreSQL refuses NUL)
    session.commit()
    for location in (good.headers["Location"], good.headers["Location"].replace("/api/v1", "")):
        download = client.get(location, headers=sec)
        assert download.status_code == 200 and download.data == PDF
        assert_disposition(download.headers["Content-Disposition"], "oldrow.pdf")
        download.close()
