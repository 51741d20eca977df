"""Bounded pages: at the province bench's tenth size (10 wards × 100 tasks, a year of weekly
reports, their claims, evidence and audit events, built by bench/builder.py) no page or list
callback answers with more than 300 KB."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bench.builder import build_province
from db.models import CompletionClaim, User
from db.session import make_engine
from tests.factories import PASSWORD
from tests.portal.conftest import ORIGIN, callback_outputs, content_text, login, route_page
from workflow import accounts

LIMIT = 300 * 1024


@pytest.fixture
def province(settings):
    """The tenth-size province in the portal's database; the newest ward's accounts can sign
    in with the test password."""
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        wards, _ = build_province(connection, wards=10, tasks=100, weeks=52)
        ward = wards[-1]
        connection.execute(update(User).where(User.id.in_(
            [ward.reviewer_id, ward.leader_id, ward.member_ids[ward.unit_ids[1]][0]]))
            .values(password_hash=accounts.hash_password(PASSWORD)))
        names = dict(connection.execute(select(User.id, User.username)).all())
        claim_id = connection.scalar(select(CompletionClaim.id).where(
            CompletionClaim.state == "pending").order_by(CompletionClaim.id.desc()).limit(1))
    engine.dispose()
    return {"reviewer": names[ward.reviewer_id], "leader": names[ward.leader_id],
            "member": names[ward.member_ids[ward.unit_ids[1]][0]], "claim_id": claim_id,
            "task_id": ward.task_ids[0]}


def _callback(client, output: str, outputs: list[tuple[str, str]],
              inputs: list[tuple[str, str, object]],
              state: list[tuple[str, str, object]] = ()):
    specs = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": specs if len(specs) > 1 else specs[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _sizes(client, paths: list[str]) -> dict[str, int]:
    sizes = {}
    for path in paths:
        response = route_page(client, path)
        assert response.status_code == 200, (path, response.data[:200])
        sizes[path] = len(response.data)
    return sizes


def test_no_page_response_exceeds_300_kb(app, province):
    sizes: dict[str, int] = {}
    office = app.test_client()
    assert login(office, province["reviewer"]).status_code == 302
    sizes |= {f"reviewer {p}": n for p, n in _sizes(office, [
        "/", "/nhiem-vu", "/tong-quan", "/canh-bao", "/tham-dinh", "/nhat-ky", "/thong-bao",
        f"/tham-dinh/{province['claim_id']}", f"/nhiem-vu/{province['task_id']}",
        "/bao-cao-dinh-ky"]).items()}
    tasks = _callback(
        office, "..tasks-table.children...tasks-summary.children...tasks-pager.max_value..."
        "tasks-pager.active_page..",
        [("tasks-table", "children"), ("tasks-summary", "children"),
         ("tasks-pager", "max_value"), ("tasks-pager", "active_page")],
        [("tasks-search", "value", ""), ("tasks-unit", "value", None),
         ("tasks-section", "value", None), ("tasks-status", "value", None),
         ("tasks-deadline", "start_date", None), ("tasks-deadline", "end_date", None),
         ("tasks-overdue", "value", []), ("tasks-pager", "active_page", 1),
         ("tasks-plan", "value", None)], [("tasks-ward", "data", None)])
    key, outputs = callback_outputs(app, "warnings-as-of", "warnings-preview")
    warnings = _callback(
        office, key, [(o["id"], o["property"]) for o in outputs],
        [("warnings-as-of", "date", "2026-12-28"), ("warnings-period", "value", "month"),
         ("warnings-pager", "active_page", 1)])
    dashboard = _callback(office, "dash-body.children", [("dash-body", "children")],
                          [("dash-section", "value", None), ("dash-unit", "value", None),
                           ("dash-plan", "value", None)])
    for name, response in (("task list", tasks), ("warnings preview", warnings),
                           ("dashboard", dashboard)):
        assert response.status_code == 200, (name, response.data[:200])
        sizes[f"reviewer {name}"] = len(response.data)
    assert "Danh sách cảnh báo" in content_text(warnings)

    for role in ("leader", "member"):
        client = app.test_client()
        assert login(client, province[role]).status_code == 302
        sizes |= {f"{role} {p}": n for p, n in _sizes(
            client, ["/", "/nhiem-vu", "/tong-quan", "/canh-bao"]).items()}
        response = _callback(client, "dash-body.children", [("dash-body", "children")],
                             [("dash-section", "value", None), ("dash-unit", "value", None)])
        sizes[f"{role} dashboard"] = len(response.data)

    too_large = {name: size for name, size in sizes.items() if size > LIMIT}
    assert not too_large, too_large
    assert len(sizes) >= 20
