"""The province admin creates wards and their first admins through the page's callbacks."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Role, User, Ward
from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN, callback_body, content_text


def _post(client, outputs, inputs, state, app=None):
    body = callback_body(outputs[0][0] + "." + outputs[0][1], inputs=inputs, state=state)
    body["output"] = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
    if app is not None:  # duplicate outputs carry a hash in the callback's key
        body["output"] = next(key for key, spec in app.extensions["dash_app"].callback_map
                              .items() if inputs[0]["id"] in str(spec["inputs"]))
    body["outputs"] = [{"id": i, "property": p} for i, p in outputs]
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _create_ward(client, code, name):
    return _post(client, [("wards-message", "children"), ("wards-table", "children"),
                          ("ward-admin-ward", "options")],
                 [{"id": "new-ward-submit", "property": "n_clicks", "value": 1}],
                 [{"id": "new-ward-code", "property": "value", "value": code},
                  {"id": "new-ward-name", "property": "value", "value": name},
                  {"id": "new-ward-committee", "property": "value", "value": None}])


def _create_admin(client, ward_id, username, app):
    return _post(client, [("wards-message", "children"), ("ward-admin-password", "value")],
                 [{"id": "ward-admin-submit", "property": "n_clicks", "value": 1}],
                 [{"id": "ward-admin-ward", "property": "value", "value": ward_id},
                  {"id": "ward-admin-username", "property": "value", "value": username},
                  {"id": "ward-admin-fullname", "property": "value", "value": "Quản trị"},
                  {"id": "ward-admin-password", "property": "value", "value": "MatKhau@123"}],
                 app)


def test_province_admin_creates_a_ward_and_its_admin(app, settings, client_for, web_world):
    client = client_for("province_admin")
    created = _create_ward(client, "tan-phong", "Phường Tân Phong")
    assert created.status_code == 200 and "Đã tạo phường/xã" in content_text(created)
    again = content_text(_create_ward(client, "tan-phong", "Phường Tân Phong"))
    assert "Đã có phường/xã mã" in again
    bad = content_text(_create_ward(client, "Tân Phong", "X"))
    assert "Mã phường/xã gồm" in bad
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        ward_id = session.scalar(select(Ward.id).where(Ward.code == "tan-phong"))
    made = content_text(_create_admin(client, str(ward_id), "quantri.tp", app))
    assert "Đã tạo tài khoản quản trị" in made
    assert "Vui lòng chọn phường/xã" in content_text(_create_admin(client, "", "x.y", app))
    assert "không tồn tại" in content_text(_create_admin(client, "abc", "x.y", app))
    with factory() as session:
        admin = session.scalar(select(User).where(User.username == "quantri.tp"))
        assert (admin.role, admin.ward_id) == (Role.ADMIN, ward_id)


def test_ward_roles_and_the_province_viewer_cannot_create_wards(client_for, web_world):
    for username in ("admin", "province_viewer", "reviewer"):
        assert _create_ward(client_for(username), "khac", "Khác").status_code == 403
