"""The unit head's page through its callbacks (#16): confirm and return, a head of another
unit, the reviewer's view of the confirmation, the task page for the unit."""

from __future__ import annotations

from db.models import ClaimState, CompletionClaim, Plan, Role
from db.session import make_engine, make_session_factory
from tests.factories import make_user
from tests.portal.conftest import ORIGIN, content_text, route_page
from tests.workflow.test_claims_reviews import staged
from workflow import claims


def _session(settings):
    return make_session_factory(make_engine(settings.database_url))()


def _file(settings, world) -> int:
    """Head confirmation on; member A files a claim for task A; unit B gets a head too."""
    with _session(settings) as session:
        session.get(Plan, world.plan.id).require_head_confirmation = True
        make_user(session, "head_b", Role.UNIT_HEAD, session.get(type(world.unit_b),
                                                                 world.unit_b.id))
        member = session.get(type(world.member_a), world.member_a.id)
        task = session.get(type(world.task_a), world.task_a.id)
        claim_id = claims.file_claim(session, actor=member, task_id=task.id,
                                     evidence_ids=[staged(session, member, task).id]).id
        session.commit()
    return claim_id


def _decide(app, client, claim_id: int, button: str, note: str, version: int = 1):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if "head-confirm" in str(spec["inputs"][0]["id"]))
    button_id = {"index": claim_id, "type": button}
    note_id = {"index": claim_id, "type": "head-note"}
    body = {"output": key,
            "outputs": [{"id": "head-message", "property": "children"},
                        {"id": "url", "property": "search"},
                        {"id": "page-refresh", "property": "data"}],
            "inputs": [[{"id": {"index": claim_id, "type": "head-confirm"},
                         "property": "n_clicks", "value": 1 if button == "head-confirm" else None}],
                       [{"id": {"index": claim_id, "type": "head-return"},
                         "property": "n_clicks", "value": 1 if button == "head-return" else None}]],
            "state": [[{"id": note_id, "property": "value", "value": note}],
                      [{"id": note_id, "property": "id", "value": note_id}],
                      {"id": "head-versions", "property": "data",
                       "value": {str(claim_id): version}}],
            "changedPropIds": [f'{{"index":{claim_id},"type":"{button}"}}.n_clicks'],
            "triggered": button_id}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _state(settings, claim_id):
    with _session(settings) as session:
        return session.get(CompletionClaim, claim_id).state


def test_the_head_confirms_and_the_reviewer_sees_who(app, client_for, web_world, settings):
    claim_id = _file(settings, web_world)
    reviewer = client_for("reviewer")
    assert "Không có đề nghị nào đang chờ thẩm định" in content_text(
        route_page(reviewer, "/tham-dinh"))
    assert "page-not-found" in content_text(route_page(reviewer, f"/tham-dinh/{claim_id}"))
    member = client_for("member_a")
    assert "đang chờ thủ trưởng đơn vị xác nhận" in content_text(
        route_page(member, f"/nhiem-vu/{web_world.task_a.id}"))

    head = client_for("head_a")
    page = content_text(route_page(head, "/xac-nhan"))
    assert "bien-ban.pdf" in page and "SHA-256" in page
    answer = _decide(app, head, claim_id, "head-confirm", "Số liệu đúng").get_json()
    assert answer["response"]["url"]["search"] == "?da-xac-nhan=1"
    assert _state(settings, claim_id) == ClaimState.PENDING
    text = content_text(route_page(reviewer, f"/tham-dinh/{claim_id}"))
    assert "Xác nhận của thủ trưởng đơn vị" in text and "Người dùng head_a" in text
    assert "Số liệu đúng" in text


def test_the_head_returns_with_a_reason_the_member_reads(app, client_for, web_world, settings):
    claim_id = _file(settings, web_world)
    head = client_for("head_a")
    refused = content_text(_decide(app, head, claim_id, "head-return", ""))
    assert "lý do trả lại" in refused
    _decide(app, head, claim_id, "head-return", "Thiếu ảnh hội nghị")
    assert _state(settings, claim_id) == ClaimState.RETURNED
    text = content_text(route_page(client_for("member_a"), f"/nhiem-vu/{web_world.task_a.id}"))
    assert "Thủ trưởng đơn vị đã trả lại đề nghị" in text and "Thiếu ảnh hội nghị" in text


def test_a_head_of_another_unit_cannot_confirm(app, client_for, web_world, settings):
    claim_id = _file(settings, web_world)
    other = client_for("head_b")
    assert "bien-ban.pdf" not in content_text(route_page(other, "/xac-nhan"))
    answer = content_text(_decide(app, other, claim_id, "head-confirm", ""))
    assert "Không tìm thấy đề nghị" in answer
    assert _state(settings, claim_id) == ClaimState.AWAITING_HEAD
    member = client_for("member_a")
    response = _decide(app, member, claim_id, "head-confirm", "")
    assert response.status_code == 403
    assert _state(settings, claim_id) == ClaimState.AWAITING_HEAD


def test_the_province_export_shows_value_against_target(client_for, web_world, settings):
    import io

    from openpyxl import load_workbook

    from workflow import progress

    with _session(settings) as session:
        member = session.get(type(web_world.member_a), web_world.member_a.id)
        progress.report_progress(session, actor=member, task_id=web_world.task_a.id,
                                 percent=None, narrative="Đã bồi dưỡng 30/40 cán bộ",
                                 kpi_numerator=30, kpi_denominator=40)
        session.commit()
    response = client_for("reviewer").get("/bao-cao-tinh.xlsx")
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[4]]
    column = header.index("Giá trị đạt được / chỉ tiêu")
    rows = {row[1].value: row[column].value for row in sheet.iter_rows(min_row=5)}
    assert rows["I.1"] == "75% / 100%"
    page = content_text(route_page(client_for("member_a"), f"/nhiem-vu/{web_world.task_a.id}"))
    assert "75% / 100%" in page and "(đạt 75%)" in page


def test_the_api_does_not_publish_claims_waiting_for_the_head(app, client_for, web_world,
                                                              settings):
    from tests.portal.test_api import bearer
    from workflow import api_tokens
    from workflow.clock import today
    from workflow.permissions import SYSTEM

    claim_id = _file(settings, web_world)
    with _session(settings) as session:
        from datetime import timedelta

        secret = api_tokens.create_token(session, actor=SYSTEM, name="Tỉnh",
                                         expires_on=today() + timedelta(days=5)).secret
        session.commit()
    client = app.test_client()
    assert client.get("/api/v1/claims", headers=bearer(secret)).get_json()["data"] == []
    assert client.get("/api/v1/claims?status=awaiting_head",
                      headers=bearer(secret)).status_code == 400
    _decide(app, client_for("head_a"), claim_id, "head-confirm", "")
    data = client.get("/api/v1/claims", headers=bearer(secret)).get_json()["data"]
    assert [item["id"] for item in data] == [claim_id]


def _save_limit(app, client, plan_id, days):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec["inputs"][0]["id"] == "queue-review-days-save")
    body = {"output": key,
            "outputs": [{"id": "queue-review-days-message", "property": "children"},
                        {"id": "url", "property": "search"}],
            "inputs": [{"id": "queue-review-days-save", "property": "n_clicks", "value": 1}],
            "state": [{"id": "queue-review-plan", "property": "data", "value": plan_id},
                      {"id": "queue-review-days", "property": "value", "value": days}],
            "changedPropIds": ["queue-review-days-save.n_clicks"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_the_office_sets_its_review_time_limit(app, client_for, web_world, settings):
    reviewer = client_for("reviewer")
    assert "Thời hạn thẩm định (ngày làm việc)" in content_text(route_page(reviewer,
                                                                           "/tham-dinh"))
    assert "từ 1 đến 60" in content_text(_save_limit(app, reviewer, web_world.plan.id, 0))
    answer = _save_limit(app, reviewer, web_world.plan.id, 7).get_json()
    assert answer["response"]["url"]["search"] == "?da-luu-han=1"
    with _session(settings) as session:
        assert session.get(Plan, web_world.plan.id).review_working_days == 7
    assert _save_limit(app, client_for("head_a"), web_world.plan.id, 2).status_code == 403
