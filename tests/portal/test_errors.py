"""The one error handler: Vietnamese answers with a logged reference id for unexpected
failures, 503 when the database or the evidence store fails, and /healthz telling the truth."""

from __future__ import annotations

import logging
import re
import shutil
import socket
from dataclasses import replace
from urllib.parse import quote

import boto3
import pytest

from portal.app import create_app
from portal.errors import DATABASE_DOWN, UNEXPECTED
from portal.guard import guarded_callback, route_requires
from portal.settings import Settings
from storage.errors import STORE_DOWN
from tests.portal.conftest import ORIGIN, callback_body, login
from tests.portal.test_province_report import _approved_claim
from tests.storage.samples import jpeg_bytes
from workflow.permissions import Capability

REFERENCE = re.compile(r"mã tham chiếu ([0-9A-F]{8})")


@pytest.fixture
def settings(sqlite_url, tmp_path, s3_endpoint) -> Settings:
    """A portal whose evidence lives in moto's S3 server (so the store can fail for real)."""
    return Settings(database_url=sqlite_url, secret_key="test-secret", var_dir=tmp_path,
                    storage_backend="s3", s3_bucket=f"evidence-{tmp_path.name[-12:].lower()}"
                    .replace("_", "-"), s3_endpoint_url=s3_endpoint, s3_access_key="testing",
                    s3_secret_key="testing", s3_create_bucket=True, testing=True,
                    login_rate_limit="100 per minute")


def _said(response) -> str:
    """The message of a refusal, whether JSON or an HTML page."""
    if response.is_json:
        return response.get_json()["error"]
    import html

    return html.unescape(response.get_data(as_text=True))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bucket(settings: Settings):
    return boto3.client("s3", endpoint_url=settings.s3_endpoint_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _upload_photo(client, task_id: int) -> dict:
    response = client.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote('ảnh.jpg')}"
                           "&loai=photo", data=jpeg_bytes(), headers=ORIGIN,
                           content_type="application/octet-stream")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_unexpected_failures_are_vietnamese_with_a_logged_reference(settings, web_world,
                                                                    caplog):
    from dash import Input, Output

    app = create_app(settings)

    @route_requires(Capability.VIEW_TASKS)
    def broken_view():
        raise RuntimeError("boom in a route")

    app.add_url_rule("/thu-loi", "broken", broken_view)
    dash_app = app.extensions["dash_app"]

    @guarded_callback(dash_app, Capability.VIEW_TASKS, Output("thu-loi", "children"),
                      Input("thu-loi-nut", "n_clicks"))
    def broken_callback(_clicks):
        raise RuntimeError("boom in a callback")

    client = app.test_client()
    login(client, "member_a")
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        page = client.get("/thu-loi", headers={"Accept": "text/html"})
        callback = client.post("/_dash-update-component", headers=ORIGIN, json=callback_body(
            "thu-loi.children", [{"id": "thu-loi-nut", "property": "n_clicks", "value": 1}]))
    assert page.status_code == 500 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Đã xảy ra lỗi ngoài dự kiến" in html and "Internal Server Error" not in html
    assert callback.status_code == 500
    body = callback.get_json()
    assert body["error"] == UNEXPECTED.format(ref=body["ref"])
    references = {REFERENCE.search(html).group(1), body["ref"]}
    logged = {record.getMessage().split("ref=")[1].split()[0]: record for record in caplog.records
              if "unexpected failure" in record.getMessage()}
    assert references <= set(logged)
    assert all(logged[ref].exc_info and "boom" in str(logged[ref].exc_info[1])
               for ref in references)


def test_unknown_addresses_and_methods_are_vietnamese(app, web_world):
    client = app.test_client()
    login(client, "member_a")
    missing = client.get("/minh-chung/2147483648", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "Không tìm thấy" in missing.get_data(as_text=True)
    thumbnail = client.get("/minh-chung/99999999999999999999/anh-nho")
    assert thumbnail.status_code == 404 and "Không tìm thấy" in _said(thumbnail)
    wrong_method = client.put("/login", headers=ORIGIN)
    assert wrong_method.status_code == 405
    assert "Not Allowed" not in wrong_method.get_data(as_text=True)


def test_bad_dates_in_export_links_are_400(client_for):
    for url in ("/canh-bao/xem-truoc.xlsx?ngay=31/02/2026", "/canh-bao/xem-truoc.pdf?ngay=x",
                "/nhat-ky/xuat.xlsx?from=2026-02-31", "/nhat-ky/xuat.xlsx?actor=abc"):
        response = client_for("admin" if "nhat-ky" in url else "reviewer").get(url)
        assert response.status_code == 400, url
        assert "không hợp lệ" in _said(response)


def test_missing_evidence_objects_answer_503_in_vietnamese(app, client_for, web_world,
                                                           settings):
    member = client_for("member_a")
    photo = _upload_photo(member, web_world.task_a.id)
    s3 = _bucket(settings)
    for item in s3.list_objects_v2(Bucket=settings.s3_bucket)["Contents"]:
        s3.delete_object(Bucket=settings.s3_bucket, Key=item["Key"])
    for url in (f"/minh-chung/{photo['id']}?xem=1", photo["thumbnail"]):
        response = member.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 503, url
        assert response.mimetype == "text/html"
        assert "minh chứng" in _said(response)


def test_store_down_answers_503_on_preview_thumbnail_zip_and_health(app, client_for,
                                                                    web_world, settings):
    photo = _upload_photo(client_for("member_a"), web_world.task_a.id)
    _approved_claim(app, client_for, web_world, settings)
    down = create_app(replace(settings, s3_create_bucket=False,
                              s3_endpoint_url=f"http://127.0.0.1:{_closed_port()}"))
    member = down.test_client()
    login(member, "member_a")
    leader = down.test_client()
    login(leader, "leader")
    for client, url in ((member, f"/minh-chung/{photo['id']}?xem=1"),
                        (member, photo["thumbnail"]), (leader, "/bao-cao-tinh.zip")):
        response = client.get(url)
        assert response.status_code == 503, url
        assert STORE_DOWN in _said(response)
    health = down.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["evidence_store"] != "ok" and health.get_json()["database"] == "ok"
    assert app.test_client().get("/healthz").status_code == 200


def test_database_gone_mid_session_answers_503_and_health_says_so(app, web_world, settings,
                                                                   tmp_path):
    client = app.test_client()
    login(client, "member_a")
    assert client.get("/").status_code == 200
    database = settings.database_url.removeprefix("sqlite:///")
    shutil.move(database, tmp_path / "moved.db")
    try:
        (tmp_path / "placeholder").mkdir()
        shutil.move(tmp_path / "placeholder", database)  # a folder where the file was
        app.extensions["evidence_portal"].engine.dispose()
        page = client.get("/nhiem-vu", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in page.get_data(as_text=True)
        callback = client.post("/_dash-update-component", headers=ORIGIN, json=callback_body(
            "notif-badge.children", [{"id": "notif-poll", "property": "n_intervals",
                                      "value": 1}]))
        assert callback.status_code == 503
        assert callback.get_json()["error"] == DATABASE_DOWN.format(
            ref=callback.get_json()["ref"])
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] != "ok"
    finally:
        shutil.rmtree(database, ignore_errors=True)
        shutil.move(tmp_path / "moved.db", database)
