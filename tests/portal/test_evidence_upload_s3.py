"""The upload route with the S3 store (moto's server over HTTP): a body with a
Content-Length goes out as one PUT; a cut-off body or a chunked one leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from dataclasses import replace
from urllib.parse import quote

import pytest
from sqlalchemy import select

from db.models import EvidenceFile
from db.session import make_engine
from portal.app import create_app
from tests.portal.conftest import ORIGIN, login
from tests.storage.samples import EXE, pdf_bytes


@pytest.fixture
def s3_app(settings, s3_endpoint):
    return create_app(replace(settings, storage_backend="s3",
                              s3_bucket=f"evidence-{uuid.uuid4().hex[:10]}",
                              s3_endpoint_url=s3_endpoint, s3_access_key="testing",
                              s3_secret_key="testing", s3_create_bucket=True))


@pytest.fixture
def operations(s3_app) -> list[str]:
    """Names of the S3 write operations the portal's store sends."""
    store, seen = s3_app.extensions["evidence_portal"].store, []
    for client in (store.client, store._streaming_client):
        client.meta.events.register(
            "before-call.s3", lambda model, **_: seen.append(model.name)
            if model.name not in {"HeadObject", "GetObject"} else None)
    return seen


def _big_pdf(megabytes: int) -> bytes:
    """A valid PDF of about that size (random bytes as an attached file)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("du-lieu.bin", os.urandom(megabytes * 1024 * 1024))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _url(task_id: int, name: str) -> str:
    return f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote(name)}&loai=signed_document"


def _rows(settings) -> list[EvidenceFile]:
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        return connection.execute(select(EvidenceFile.sha256, EvidenceFile.size_bytes)).all()


def _left_in_store(app) -> tuple[list[str], list]:
    store = app.extensions["evidence_portal"].store
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
    return [key for key, _ in store.list_keys("evidence/")], uploads


def test_upload_with_a_length_is_one_put_and_recorded(s3_app, operations, settings,
                                                      web_world):
    client = s3_app.test_client()
    login(client, "member_a")
    data = _big_pdf(6)  # above the 5 MB part size
    response = client.post(_url(web_world.task_a.id, "Biên bản họp.pdf"), data=data,
                           content_type="application/octet-stream", headers=ORIGIN)
    assert response.status_code == 201, response.get_json()
    assert operations == ["PutObject"]
    assert _rows(settings) == [(hashlib.sha256(data).hexdigest(), len(data))]
    keys, uploads = _left_in_store(s3_app)
    assert len(keys) == 1 and uploads == []


def test_chunked_upload_still_goes_through_multipart(s3_app, operations, settings, web_world):
    client = s3_app.test_client()
    login(client, "member_a")
    data = _big_pdf(6)
    response = client.post(_url(web_world.task_a.id, "bien-ban.pdf"),
                           input_stream=io.BytesIO(data), headers={
                               **ORIGIN, "Transfer-Encoding": "chunked",
                               "Content-Type": "application/octet-stream"},
                           # What a WSGI server says once it has de-chunked the body.
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 201, response.get_json()
    assert operations[0] == "CreateMultipartUpload" and operations[-1] == (
        "CompleteMultipartUpload")
    assert _rows(settings) == [(hashlib.sha256(data).hexdigest(), len(data))]


def test_a_client_that_disconnects_mid_body_leaves_nothing(s3_app, settings, web_world):
    client = s3_app.test_client()
    login(client, "member_a")
    data = _big_pdf(3)
    response = client.post(_url(web_world.task_a.id, "bien-ban.pdf"),
                           input_stream=io.BytesIO(data[:len(data) // 2]), headers={
                               **ORIGIN, "Content-Type": "application/octet-stream"},
                           environ_overrides={"CONTENT_LENGTH": str(len(data))})
    assert response.status_code == 400
    assert _rows(settings) == []
    assert _left_in_store(s3_app) == ([], [])


def test_wrong_type_is_refused_before_anything_is_sent(s3_app, operations, settings,
                                                      web_world):
    client = s3_app.test_client()
    login(client, "member_a")
    response = client.post(_url(web_world.task_a.id, "bien-ban.pdf"), data=EXE,
                           content_type="application/octet-stream", headers=ORIGIN)
    assert response.status_code == 400
    assert "không phải" in response.get_json()["error"]
    assert operations == [] and _rows(settings) == []


def test_s3_down_with_a_length_records_nothing(settings, web_world):
    from tests.conftest import free_port

    app = create_app(replace(settings, storage_backend="s3", s3_bucket="evidence",
                             s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
                             s3_access_key="x", s3_secret_key="y"))
    client = app.test_client()
    login(client, "member_a")
    data = pdf_bytes(1)
    response = client.post(_url(web_world.task_a.id, "a.pdf"), data=data,
                           content_type="application/octet-stream", headers=ORIGIN)
    assert response.status_code == 503
    assert "kho lưu trữ" in response.get_json()["error"]
    assert _rows(settings) == []
