"""Evidence upload and download through the portal's routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from db.models import EvidenceFile
from db.session import make_engine, make_session_factory
from portal.app import create_app
from tests.portal.conftest import ORIGIN, login
from tests.storage.samples import EXE, jpeg_bytes, pdf_bytes
from workflow import claims
from workflow.evidence import collect_garbage
from workflow.permissions import SYSTEM


def _upload(client, task_id: int, data: bytes, name: str, kind: str = "signed_document"):
    return client.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote(name)}&loai={kind}",
                       data=data, content_type="application/octet-stream", headers=ORIGIN)


def _rows(settings) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(EvidenceFile))


def _objects(app) -> list[str]:
    return [key for key, _ in app.extensions["evidence_portal"].store.list_keys("evidence/")]


def test_lead_unit_uploads_a_pdf(app, client_for, web_world, settings):
    response = _upload(client_for("member_a"), web_world.task_a.id, pdf_bytes(2),
                       "Biên bản nghiệm thu.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Biên bản nghiệm thu.pdf" and body["content_type"] == "application/pdf"
    assert _rows(settings) == 1 and len(_objects(app)) == 1


def test_photo_gets_a_thumbnail_route(app, client_for, web_world):
    client = client_for("member_a")
    body = _upload(client, web_world.task_a.id, jpeg_bytes(taken="2026:05:01 08:00:00"),
                   "anh.jpg", "photo").get_json()
    thumb = client.get(body["thumbnail"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"


@pytest.mark.parametrize("username,status", [("member_b", 403), ("member_c", 404),
                                             ("reviewer", 403), ("leader", 403)])
def test_others_cannot_upload(app, client_for, web_world, settings, username, status):
    response = _upload(client_for(username), web_world.task_a.id, pdf_bytes(), "a.pdf")
    assert response.status_code == status
    assert _rows(settings) == 0 and _objects(app) == []


def test_bad_file_gets_a_vietnamese_message_and_nothing_is_kept(app, client_for, web_world,
                                                                settings):
    response = _upload(client_for("member_a"), web_world.task_a.id, EXE, "bao-cao.pdf")
    assert response.status_code == 400
    assert "không phải PDF, ảnh" in response.get_json()["error"]
    assert _rows(settings) == 0 and _objects(app) == []


def test_oversize_is_refused_before_reading(settings, web_world):
    app = create_app(replace(settings, max_upload_mb=1))
    client = app.test_client()
    login(client, "member_a")
    response = _upload(client, web_world.task_a.id, b"%PDF-" + b"0" * (2 * 1024 * 1024), "to.pdf")
    assert response.status_code == 413
    assert "tối đa 1 MB" in response.get_json()["error"]


def test_s3_down_records_nothing(settings, web_world):
    from tests.conftest import free_port

    app = create_app(replace(settings, storage_backend="s3", s3_bucket="evidence",
                             s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
                             s3_access_key="x", s3_secret_key="y"))
    client = app.test_client()
    login(client, "member_a")
    response = _upload(client, web_world.task_a.id, pdf_bytes(), "a.pdf")
    assert response.status_code == 503
    assert "kho lưu trữ" in response.get_json()["error"]
    assert _rows(settings) == 0


def test_database_failure_leaves_no_orphan(app, client_for, web_world, settings):
    client = client_for("member_a")
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:  # a real failure: the table is gone
        connection.execute(sa.text("ALTER TABLE evidence_files RENAME TO evidence_files_away"))
    try:
        response = _upload(client, web_world.task_a.id, jpeg_bytes(), "anh.jpg", "photo")
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE evidence_files_away RENAME TO evidence_files"))
    assert response.status_code == 503
    assert "cơ sở dữ liệu" in response.get_json()["error"]
    assert _objects(app) == []


def test_gc_removes_objects_no_row_references(app, client_for, web_world, settings):
    store = app.extensions["evidence_portal"].store
    _upload(client_for("member_a"), web_world.task_a.id, pdf_bytes(), "giu-lai.pdf")
    import io

    from storage.ingest import ingest
    from tests.storage.samples import png_bytes

    orphan = ingest(io.BytesIO(png_bytes()), original_name="mo-coi.png", store=store,
                    max_bytes=10**7)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        dry = collect_garbage(session, actor=SYSTEM, store=store, older_than=timedelta(0), dry_run=True)
        assert sorted(dry.orphaned) == sorted([orphan.key, orphan.derived["thumbnail_key"]])
        assert dry.removed == [] and store.exists(orphan.key)
        young = collect_garbage(session, actor=SYSTEM, store=store, older_than=timedelta(hours=1))
        assert young.orphaned == []
        done = collect_garbage(session, actor=SYSTEM, store=store, older_than=timedelta(0))
    assert sorted(done.removed) == sorted(dry.orphaned)
    assert len(_objects(app)) == 1


def test_download_rules(app, client_for, web_world, settings):
    owner = client_for("member_a")
    evidence_id = _upload(owner, web_world.task_a.id, pdf_bytes(), "Quyết định.pdf").get_json()["id"]
    response = owner.get(f"/minh-chung/{evidence_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf" in \
        response.headers["Content-Disposition"]
    assert client_for("member_c").get(f"/minh-chung/{evidence_id}").status_code == 404
    leader = client_for("leader")
    assert leader.get(f"/minh-chung/{evidence_id}").status_code == 404  # still staged
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        member = session.get(type(web_world.member_a), web_world.member_a.id)
        claims.file_claim(session, actor=member, task_id=web_world.task_a.id,
                          evidence_ids=[evidence_id])
        session.commit()
    inline = leader.get(f"/minh-chung/{evidence_id}?xem=1")
    assert inline.status_code == 200 and inline.headers["Content-Disposition"].startswith("inline")
    assert client_for("admin").get(f"/minh-chung/{evidence_id}").status_code == 403
