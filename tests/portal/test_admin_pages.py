"""Admin pages through their Dash callbacks: create, reset, lock; units and aliases."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Unit, User
from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN, content_text, route_page


def _call(client, output: str, outputs: list[tuple[str, str]], inputs: list[tuple],
          state: list[tuple] = ()):
    body = {
        "output": output,
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


CREATE_OUTPUT = "..users-message.children...users-table.children...new-user-password.value.."
CREATE_OUTPUTS = [("users-message", "children"), ("users-table", "children"),
                  ("new-user-password", "value")]


def _create(client, username="can.bo.moi", password="MatKhau@777", role="unit_member",
            unit_id=None):
    return _call(client, CREATE_OUTPUT, CREATE_OUTPUTS, [("new-user-submit", "n_clicks", 1)], [
        ("new-user-username", "value", username), ("new-user-fullname", "value", "Cán bộ Mới"),
        ("new-user-role", "value", role), ("new-user-unit", "value", unit_id),
        ("new-user-password", "value", password), ("new-user-email", "value", None)])


def _users(settings):
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        return {u.username: u for u in session.scalars(select(User))}


def test_users_page_lists_accounts(client_for):
    text = content_text(route_page(client_for("admin"), "/quan-tri/tai-khoan"))
    assert "Quản lý tài khoản" in text and "member_a" in text


def test_admin_creates_an_account(client_for, settings, web_world):
    response = _create(client_for("admin"), unit_id=web_world.unit_b.id)
    assert response.status_code == 200
    assert "Đã tạo tài khoản" in content_text(response)
    assert _users(settings)["can.bo.moi"].unit_id == web_world.unit_b.id


def test_bad_account_input_shows_a_message_and_writes_nothing(client_for, settings):
    before = set(_users(settings))
    response = _create(client_for("admin"), password="ngan")
    assert "Mật khẩu phải có ít nhất 8 ký tự." in content_text(response)
    assert set(_users(settings)) == before


def test_reviewer_cannot_create_accounts(client_for, settings):
    before = set(_users(settings))
    response = _create(client_for("reviewer"))
    assert response.status_code == 403
    assert set(_users(settings)) == before


def _output_key(app, input_id: str) -> str:
    """The callback_map key of the callback fired by ``input_id`` (duplicates carry a hash)."""
    return next(key for key, spec in app.extensions["dash_app"].callback_map.items()
                if input_id in str(spec["inputs"]))


def test_admin_locks_an_account(app, client_for, settings, web_world):
    target = web_world.member_b.id
    body = {"output": _output_key(app, "user-toggle"),
            "outputs": [{"id": "users-message", "property": "children"},
                        {"id": "users-table", "property": "children"}],
            "inputs": [[{"id": {"type": "user-toggle", "index": target}, "property": "n_clicks",
                         "value": 1}]],
            "state": [],
            "changedPropIds": [f'{{"index":{target},"type":"user-toggle"}}.n_clicks']}
    response = client_for("admin").post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.data
    assert "Đã khóa tài khoản" in content_text(response)
    assert _users(settings)["member_b"].is_active is False


def test_admin_adds_a_unit_and_refuses_a_duplicate(client_for, settings):
    client = client_for("admin")
    outputs = [("units-message", "children"), ("units-table", "children")]
    key = "..units-message.children...units-table.children.."
    state = [("new-unit-name", "value", "Phòng Văn hóa - Xã hội"),
             ("new-unit-short", "value", "VHXH"),
             ("new-unit-aliases", "value", "Phòng VH-XH; Phòng VHXH")]
    ok = _call(client, key, outputs, [("new-unit-submit", "n_clicks", 1)], state)
    assert "Đã thêm đơn vị" in content_text(ok)
    again = _call(client, key, outputs, [("new-unit-submit", "n_clicks", 2)], state)
    assert "đã tồn tại" in content_text(again)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        names = [u.name for u in session.scalars(select(Unit))]
    assert names.count("Phòng Văn hóa - Xã hội") == 1
