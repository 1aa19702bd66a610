"""A PDF per language on the drafting page: type checked by content, size limit shown and
enforced, nothing stored after a refusal, served only to who may read the publication."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.publications.models import Attachment, Publication
from tests.conftest import count
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields
from tests.support.publications import NOW, PubCast

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client: FlaskClient, pub_id: int, lang: str, name: str, content: bytes) -> tuple[int, str]:
    page = client.get(f"/publications/{pub_id}/edit?tab={lang if lang in ('en', 'fr') else 'en'}")
    fields = form_fields(page, f"/files/{lang if lang in ('en', 'fr') else 'en'}")
    response = client.post(
        f"/publications/{pub_id}/files/{lang}", data=fields | {"f-file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )  # fmt: skip
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def signed_in(client: FlaskClient, pubcast: PubCast, draft: Callable[..., Publication]) -> Publication:
    assert login(client, pubcast.secretariat.email).status_code == 302
    return draft()


def test_a_pdf_per_language_is_stored_and_served(
    app: Flask, client: FlaskClient, session: Session, signed_in: Publication
) -> None:
    page = client.get(f"/publications/{signed_in.id}/edit?tab=fr").get_data(as_text=True)
    assert "at most 10 MB" in page
    assert _upload(client, signed_in.id, "fr", "déclaration.pdf", PDF)[0] == 302
    assert _upload(client, signed_in.id, "fr", "v2.pdf", PDF + b"%v2\n")[0] == 302  # replaces the French one
    assert count(session, Attachment) == 1
    served = client.get(f"/publications/{signed_in.id}/files/fr.pdf")
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served.data.endswith(b"%v2\n")
    assert "v2.pdf" in served.headers["Content-Disposition"]
    served.close()
    anonymous = app.test_client()
    assert anonymous.get(f"/publications/{signed_in.id}/files/fr.pdf").status_code == 404  # a draft's file


@pytest.mark.parametrize(
    ("lang", "name", "content"),
    [
        ("fr", "fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("fr", "image.svg", b"<svg onload=alert(1)></svg>"),
        ("fr", "empty.pdf", b""),
        ("de", "ok.pdf", PDF),
    ],
)
def test_mistyped_files_are_refused_and_nothing_is_stored(
    client: FlaskClient, session: Session, signed_in: Publication, lang: str, name: str, content: bytes
) -> None:
    status, _page = _upload(client, signed_in.id, lang, name, content)
    assert status == 422
    assert count(session, Attachment) == 0


def test_an_oversized_file_is_refused(
    app: Flask, client: FlaskClient, session: Session, signed_in: Publication
) -> None:
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    status, page = _upload(client, signed_in.id, "en", "big.pdf", PDF + b"0" * 2048)
    assert status == 422 and "over the limit of 1024 bytes" in page
    assert count(session, Attachment) == 0


def test_a_focal_point_of_another_entity_cannot_attach(
    client: FlaskClient, session: Session, draft: Callable, pubcast: PubCast
) -> None:
    pub = draft()
    with clock.frozen(NOW):
        assert login(client, pubcast.iom.email).status_code == 302
        token = form_fields(client.get("/publications"), "/logout")["csrf_token"]
        data = {"csrf_token": token, "f-csrf_token": token, "f-file": (io.BytesIO(PDF), "x.pdf")}
        response = client.post(f"/publications/{pub.id}/files/en", data=data, content_type="multipart/form-data")
    assert response.status_code == 404  # IOM neither leads nor was asked: the draft stays hidden
    assert count(session, Attachment) == 0
