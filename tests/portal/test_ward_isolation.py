"""Two wards on one portal: no ward role reaches the other ward's objects (ids, files,
thumbnails, exports, notifications, API), and the province viewer changes nothing.

Ward A is the standard test world; ward B is the same world (same unit names, same task
codes, as two wards importing one appendix) whose task titles are marked "PHƯỜNG B"."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import CompletionClaim, Notification, Task, User
from db.session import make_engine, make_session_factory
from tests.factories import build_world, make_ward
from tests.portal.conftest import ORIGIN, callback_body, content_text, route_page
from tests.storage.samples import jpeg_bytes, pdf_bytes
from workflow import api_tokens, claims, progress, reviews, warning_lists
from workflow.clock import today
from workflow.errors import NotFound, PermissionDenied
from workflow.permissions import SystemActor

MARK = "PHƯỜNG B"
WARD_A_ROLES = ["admin", "reviewer", "leader", "member_a"]


@pytest.fixture
def factory(settings):
    return make_session_factory(make_engine(settings.database_url))


@pytest.fixture
def two_wards(app, factory, web_world, client_for):
    """Ward B with a claim (a PDF and a photo) pending review, a published warning list."""
    with factory() as session:
        world_b = build_world(session, ward=make_ward(session, "phuong-b", "Phường B"),
                              prefix="b_")
        for task in session.scalars(select(Task).where(Task.plan_id == world_b.plan.id)):
            task.title = f"{MARK} {task.code}"
        session.commit()
    member = client_for("b_member_a")
    files = [member.post(f"/api/nhiem-vu/{world_b.task_a.id}/minh-chung?ten={quote(name)}"
                         f"&loai={kind}", data=data, content_type="application/octet-stream",
                         headers=ORIGIN).get_json()
             for name, data, kind in (("Biên bản B.pdf", pdf_bytes(), "signed_document"),
                                      ("Ảnh B.jpg", jpeg_bytes(), "photo"))]
    with factory() as session:
        user = session.get(User, world_b.member_a.id)
        claim = claims.file_claim(session, actor=user, task_id=world_b.task_a.id,
                                  evidence_ids=[f["id"] for f in files])
        published = warning_lists.publish(session, actor=SystemActor(ward_id=world_b.ward.id),
                                          as_of=today(), period_kind="month")
        session.commit()
        ids = {"claim": claim.id, "list": published.id}
    return web_world, world_b, files, ids


def test_uploads_are_kept_under_the_wards_prefix(app, two_wards):
    _a, _b, files, _ids = two_wards
    keys = [key for key, _ in app.extensions["evidence_portal"].store.list_keys("evidence/")]
    assert len(keys) == 3  # the PDF, the photo and its thumbnail
    assert all(key.startswith("evidence/phuong-b/") for key in keys)


@pytest.mark.parametrize("username", WARD_A_ROLES)
def test_ward_a_roles_cannot_reach_ward_b_pages(client_for, two_wards, username):
    _a, world_b, _files, ids = two_wards
    client = client_for(username)
    for path in (f"/nhiem-vu/{world_b.task_a.id}", f"/tham-dinh/{ids['claim']}",
                 f"/canh-bao/{ids['list']}"):
        text = content_text(route_page(client, path))
        assert "page-not-found" in text or "page-forbidden" in text, (username, path)
        assert MARK not in text, (username, path)
    for path in ("/", "/nhiem-vu", "/tham-dinh", "/canh-bao", "/thong-bao", "/nhat-ky",
                 "/tong-quan", "/quan-tri/tai-khoan", "/quan-tri/don-vi"):
        text = content_text(route_page(client, path))
        assert MARK not in text and "b_member_a" not in text, (username, path)
    narrowed = content_text(route_page(client, "/nhiem-vu", f"?phuong={world_b.ward.id}"))
    assert "page-not-found" in narrowed and MARK not in narrowed
    # The province pages are not theirs.
    for path in ("/tinh", f"/tinh/phuong/{world_b.ward.id}"):
        assert "page-forbidden" in content_text(route_page(client, path))


@pytest.mark.parametrize("username", WARD_A_ROLES)
def test_ward_a_roles_cannot_download_ward_b_files_or_thumbnails(client_for, two_wards,
                                                                 username):
    _a, _b, files, _ids = two_wards
    client = client_for(username)
    for file in files:
        for path in (f"/minh-chung/{file['id']}", f"/minh-chung/{file['id']}/anh-nho"):
            response = client.get(path)
            assert response.status_code in (403, 404), (username, path)
            assert b"%PDF" not in response.data and b"JFIF" not in response.data


def test_ward_b_member_downloads_its_own_files(client_for, two_wards):
    _a, _b, files, _ids = two_wards
    client = client_for("b_member_a")
    assert client.get(f"/minh-chung/{files[0]['id']}").status_code == 200
    assert client.get(files[1]["thumbnail"]).status_code == 200


def test_ward_a_exports_hold_nothing_of_ward_b(client_for, two_wards):
    reviewer = client_for("reviewer")
    for path in ("/nhat-ky/xuat.xlsx", "/xep-hang.xlsx", "/bao-cao-tinh.xlsx",
                 f"/canh-bao/xem-truoc.xlsx?ngay={today().isoformat()}&ky=month"):
        response = reviewer.get(path)
        assert response.status_code == 200, path
        book = load_workbook(io.BytesIO(response.data))
        cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows()
                         for c in row if c.value is not None)
        assert MARK not in cells and "b_member_a" not in cells, path
    _a, _b, _files, ids = two_wards
    assert reviewer.get(f"/canh-bao/{ids['list']}.xlsx").status_code == 404


def test_ward_b_claim_notifies_only_ward_b_reviewers(factory, two_wards):
    world_a, world_b, _files, _ids = two_wards
    with factory() as session:
        notified = set(session.scalars(select(Notification.user_id)
                                       .where(Notification.kind == "claim.new")))
    assert notified == {world_b.reviewer.id}
    assert world_a.reviewer.id not in notified


def test_ward_a_reviewer_cannot_decide_ward_b_claim(factory, two_wards):
    world_a, _b, _files, ids = two_wards
    with factory() as session:
        reviewer = session.get(User, world_a.reviewer.id)
        claim = session.get(CompletionClaim, ids["claim"])
        with pytest.raises(NotFound):
            reviews.approve(session, actor=reviewer, claim_id=claim.id, version=claim.version)
        with pytest.raises(NotFound):
            reviews.mark_opened(session, actor=reviewer, claim_id=claim.id)
        assert [item.claim_id for item in reviews.queue(session, actor=reviewer)] == []
        session.rollback()
        assert session.get(CompletionClaim, ids["claim"]).state.value == "pending"


def test_ward_a_token_reads_only_ward_a(app, factory, two_wards):
    world_a, world_b, files, _ids = two_wards
    with factory() as session:
        token = api_tokens.create_token(session, actor=SystemActor(ward_id=world_a.ward.id),
                                        name="Tỉnh A", expires_on=today() + timedelta(days=5))
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token.secret}"}
    tasks = client.get("/api/v1/tasks", headers=headers).get_json()["data"]
    assert tasks and {t["id"] for t in tasks} == {
        world_a.task_a.id, world_a.task_b.id, world_a.task_all.id, world_a.task_overdue.id}
    plans = client.get("/api/v1/plans", headers=headers).get_json()["data"]
    assert [p["id"] for p in plans] == [world_a.plan.id]
    assert client.get(f"/api/v1/plans/{world_b.plan.id}/sections",
                      headers=headers).status_code == 404
    assert client.get("/api/v1/claims", headers=headers).get_json()["data"] == []
    assert client.get("/api/v1/warning-lists", headers=headers).get_json()["data"] == []
    # Evidence downloads need a signed link from a listing, which ward B's files never get.
    assert client.get(f"/api/v1/evidence/{files[0]['id']}/download",
                      headers=headers).status_code in (401, 404)


def test_province_viewer_reads_both_wards_and_changes_nothing(app, factory, client_for,
                                                             two_wards):
    world_a, world_b, files, ids = two_wards
    client = client_for("province_viewer")
    overview = content_text(route_page(client, "/tinh"))
    assert world_a.ward.name in overview and "Phường B" in overview
    drill = content_text(route_page(client, f"/tinh/phuong/{world_b.ward.id}"))
    assert MARK in drill
    task = content_text(route_page(client, f"/nhiem-vu/{world_b.task_a.id}"))
    assert MARK in task and "page-not-found" not in task
    assert client.get(f"/minh-chung/{files[0]['id']}").status_code == 200
    upload = client.post(f"/api/nhiem-vu/{world_b.task_a.id}/minh-chung?ten=a.pdf",
                         data=pdf_bytes(), content_type="application/octet-stream",
                         headers=ORIGIN)
    assert upload.status_code == 403
    with factory() as session:
        viewer = session.get(User, world_a.province_viewer.id)
        claim = session.get(CompletionClaim, ids["claim"])
        for attempt in (
            lambda: reviews.approve(session, actor=viewer, claim_id=claim.id,
                                    version=claim.version),
            lambda: progress.report_progress(session, actor=viewer, task_id=world_b.task_b.id,
                                             percent=50),
            lambda: claims.withdraw_pending(session, actor=viewer, task_id=world_b.task_a.id),
            lambda: warning_lists.publish(session, actor=viewer, as_of=today(),
                                          period_kind="month"),
            lambda: api_tokens.create_token(session, actor=viewer, name="x",
                                            expires_on=today()),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
    assert "page-not-found" in content_text(route_page(client, "/tinh/phuong/999999"))


def _task_list(client, plan_id=None, ward_id=None) -> str:
    inputs = [{"id": i, "property": p, "value": None} for i, p in (
        ("tasks-search", "value"), ("tasks-unit", "value"), ("tasks-section", "value"),
        ("tasks-status", "value"), ("tasks-deadline", "start_date"),
        ("tasks-deadline", "end_date"), ("tasks-overdue", "value"),
        ("tasks-pager", "active_page"))]
    inputs.append({"id": "tasks-plan", "property": "value", "value": plan_id})
    output = ("..tasks-table.children...tasks-summary.children...tasks-pager.max_value..."
              "tasks-pager.active_page..")
    body = callback_body(output, inputs=inputs,
                         state=[{"id": "tasks-ward", "property": "data", "value": ward_id}])
    body["outputs"] = [{"id": i, "property": p} for i, p in (
        ("tasks-table", "children"), ("tasks-summary", "children"),
        ("tasks-pager", "max_value"), ("tasks-pager", "active_page"))]
    response = client.post("/_dash-update-component", headers=ORIGIN, json=body)
    assert response.status_code == 200, (response.status_code, response.data)
    return content_text(response)


@pytest.mark.parametrize("username", WARD_A_ROLES)
def test_ward_a_task_list_holds_only_ward_a_tasks(client_for, two_wards, username):
    world_a, world_b, _files, _ids = two_wards
    client = client_for(username)
    own = _task_list(client)
    assert MARK not in own and "Nhiệm vụ I.1" in own
    assert MARK not in _task_list(client, world_b.plan.id)
    assert "Có 0 nhiệm vụ" in _task_list(client, world_b.plan.id)


def test_ward_b_member_sees_its_own_tasks(client_for, two_wards):
    assert MARK in _task_list(client_for("b_member_a"))


def test_province_viewer_lists_one_wards_tasks(client_for, two_wards):
    world_a, world_b, _files, _ids = two_wards
    client = client_for("province_viewer")
    only_b = _task_list(client, ward_id=world_b.ward.id)
    assert MARK in only_b and "Có 4 nhiệm vụ" in only_b
    only_a = _task_list(client, ward_id=world_a.ward.id)
    assert MARK not in only_a and "Có 4 nhiệm vụ" in only_a
    # A ward account cannot widen its reach with another ward's id.
    with pytest.raises(AssertionError, match="404"):
        _task_list(client_for("leader"), ward_id=world_b.ward.id)


def _dashboard(client, plan_id):
    body = callback_body("dash-body.children", inputs=[
        {"id": "dash-section", "property": "value", "value": None},
        {"id": "dash-unit", "property": "value", "value": None},
        {"id": "dash-plan", "property": "value", "value": plan_id}])
    body["outputs"] = {"id": "dash-body", "property": "children"}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_dashboard_takes_only_the_wards_own_plans(client_for, two_wards):
    world_a, world_b, _files, _ids = two_wards
    client = client_for("leader")
    assert _dashboard(client, world_a.plan.id).status_code == 200
    refused = _dashboard(client, world_b.plan.id)
    assert refused.status_code == 404 and MARK not in refused.get_data(as_text=True)
    assert "Không tìm thấy kế hoạch" in refused.get_json()["error"]
