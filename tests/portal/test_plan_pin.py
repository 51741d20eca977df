"""The admin pins the ward's current plan; another ward's plan cannot be pinned."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Plan
from db.session import make_engine, make_session_factory
from tests.factories import build_world, make_ward
from tests.portal.conftest import ORIGIN, callback_body, content_text


def _pin(client, plan_id):
    body = callback_body("plan-pin-message.children",
                         inputs=[{"id": "plan-pin-save", "property": "n_clicks", "value": 1}],
                         state=[{"id": "plan-pin", "property": "value", "value": plan_id}])
    body["outputs"] = {"id": "plan-pin-message", "property": "children"}
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.data
    return content_text(response)


def test_admin_pins_only_its_own_wards_plans(settings, client_for, web_world):
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        world_b = build_world(session, ward=make_ward(session, "phuong-b", "Phường B"),
                              prefix="b_")
        session.commit()
    client = client_for("admin")
    refused = _pin(client, world_b.plan.id)
    assert "Không tìm thấy kế hoạch" in refused
    assert "Đã lưu" in _pin(client, web_world.plan.id)
    assert "đã ghim" in _pin(client, web_world.plan.id)
    with factory() as session:
        pinned = session.scalars(select(Plan.id).where(Plan.is_pinned)).all()
    assert pinned == [web_world.plan.id]
    assert "theo ngày hôm nay" in _pin(client, 0)
