"""The periodic reports page and the admin's calendar and API token page, through their
callbacks and routes as the browser uses them; wrong roles are refused."""

from __future__ import annotations

import io
import re

from docx import Document

from db.models import ApiToken, Plan
from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN, content_text, route_page
from workflow.api_tokens import hash_token


def _call(app, client, trigger: str, outputs: list[tuple[str, str]], state: list[dict],
          value=1, trigger_prop: str = "n_clicks"):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec["inputs"][0]["id"] == trigger)
    specs = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": key, "outputs": specs if len(specs) > 1 else specs[0],
            "inputs": [{"id": trigger, "property": trigger_prop, "value": value}],
            "state": state, "changedPropIds": [f"{trigger}.{trigger_prop}"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _generate(app, client, kind="month", as_of="2026-05-19"):
    return _call(app, client, "report-generate",
                 [("report-message", "children"), ("jobs-refresh", "data")],
                 [{"id": "report-kind", "property": "value", "value": kind},
                  {"id": "report-as-of", "property": "date", "value": as_of}])


def test_office_generates_and_downloads_versions(app, client_for):
    reviewer = client_for("reviewer")
    page = content_text(route_page(reviewer, "/bao-cao-dinh-ky"))
    assert "Báo cáo định kỳ" in page and "Lập báo cáo Word" in page
    assert "Đơn vị báo cáo ngày 18 hằng tháng" in page
    first = content_text(_generate(app, reviewer))
    assert "Đã nhận yêu cầu “Báo cáo định kỳ (Word)”" in first
    page = content_text(route_page(reviewer, "/bao-cao-dinh-ky"))
    assert "Đã lập “Báo cáo tháng 05-2026 (lần 1).docx”" in page  # the job's line
    _generate(app, reviewer)
    second = content_text(route_page(reviewer, "/bao-cao-dinh-ky"))
    assert "(lần 2)" in second and "Lần 1" in second and "Lần 2" in second
    ids = re.findall(r"/bao-cao-dinh-ky/(\d+)\.docx", second)
    assert len(set(ids)) == 2
    leader = client_for("leader")
    download = leader.get(f"/bao-cao-dinh-ky/{ids[0]}.docx")
    assert download.status_code == 200
    document = Document(io.BytesIO(download.data))
    assert any("tháng 05/2026" in p.text for p in document.paragraphs)
    assert "filename*=UTF-8''B%C3%A1o" in download.headers["Content-Disposition"]


def test_wrong_roles_are_refused(app, client_for):
    leader = client_for("leader")
    assert _generate(app, leader).status_code == 403  # leaders read, the office writes
    member = client_for("member_a")
    assert "không có quyền" in content_text(route_page(member, "/bao-cao-dinh-ky")).lower()
    assert member.get("/bao-cao-dinh-ky/1.docx").status_code == 403
    reviewer = client_for("reviewer")
    assert "không có quyền" in content_text(
        route_page(reviewer, "/quan-tri/bao-cao-api")).lower()
    created = _call(app, reviewer, "token-create",
                    [("token-message", "children"), ("tokens-table", "children"),
                     ("token-name", "value")],
                    [{"id": "token-name", "property": "value", "value": "x"},
                     {"id": "token-expires", "property": "date", "value": "2099-01-01"},
                     {"id": "token-ward", "property": "value", "value": None}])
    assert created.status_code == 403


def test_admin_sets_the_calendar_and_manages_tokens(app, client_for, settings):
    admin = client_for("admin")
    page = content_text(route_page(admin, "/quan-tri/bao-cao-api"))
    assert "Lịch báo cáo" in page and "Mã truy cập API" in page
    state = [{"id": "calendar-unit-day", "property": "value", "value": 20},
             {"id": "calendar-office-day", "property": "value", "value": 21},
             {"id": "calendar-quarter-day", "property": "value", "value": 28},
             {"id": "calendar-year-end", "property": "value", "value": "10/12"}]
    saved = content_text(_call(app, admin, "calendar-save", [("calendar-message", "children")],
                               state))
    assert "Đã lưu. Đơn vị báo cáo ngày 20 hằng tháng" in saved
    bad = content_text(_call(app, admin, "calendar-save", [("calendar-message", "children")],
                             [*state[:3], {"id": "calendar-year-end", "property": "value",
                                           "value": "31/02"}]))
    assert "dd/mm" in bad
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        plan = session.query(Plan).one()
        assert (plan.reporting_day, plan.office_aggregation_day, plan.quarterly_report_day,
                plan.year_end_report_month, plan.year_end_report_day) == (20, 21, 28, 12, 10)

    outputs = [("token-message", "children"), ("tokens-table", "children"),
               ("token-name", "value")]
    created = content_text(_call(app, admin, "token-create", outputs, [
        {"id": "token-name", "property": "value", "value": "Sở KH&CN"},
        {"id": "token-expires", "property": "date", "value": "2099-01-01"},
        {"id": "token-ward", "property": "value", "value": "phuoc-binh"}]))
    assert "Tên mã truy cập phải" in created  # & is not allowed in a name
    created = content_text(_call(app, admin, "token-create", outputs, [
        {"id": "token-name", "property": "value", "value": "So KHCN"},
        {"id": "token-expires", "property": "date", "value": "2099-01-01"},
        {"id": "token-ward", "property": "value", "value": "phuoc-binh"}]))
    secret = re.search(r"pbk_[A-Za-z0-9_-]+", created)[0]
    assert "chỉ hiển thị một lần" in created and "Chưa dùng" in created
    with factory() as session:
        assert session.query(ApiToken.token_hash).scalar() == hash_token(secret)
    assert admin.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}
                     ).status_code == 200
    listed = content_text(route_page(admin, "/quan-tri/bao-cao-api"))
    assert secret not in listed and "So KHCN" in listed and "Chưa dùng" not in listed
    revoked = content_text(_revoke(app, admin, "So KHCN"))
    assert "Đã thu hồi mã truy cập “So KHCN”" in revoked and "Đã thu hồi" in revoked
    assert admin.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}
                     ).status_code == 401


def _revoke(app, client, name: str):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if "token-revoke" in str(spec["inputs"][0]["id"]))
    trigger = {"type": "token-revoke", "index": name}
    body = {"output": key,
            "outputs": [{"id": "token-message", "property": "children"},
                        {"id": "tokens-table", "property": "children"}],
            "inputs": [[{"id": trigger, "property": "n_clicks", "value": 1}]],
            "state": [],
            "changedPropIds": ['{"index":"' + name + '","type":"token-revoke"}.n_clicks']}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)
