"""Every page, Dash callback and Flask route goes through the guard (portal/guard.py)."""

from __future__ import annotations

import re

import pytest

from portal.guard import CAPABILITY_ATTR, PUBLIC_PATHS, PUBLIC_PREFIXES
from portal.pages import PAGES, find_page
from tests.portal.conftest import ORIGIN, callback_body, content_text, route_page
from workflow.permissions import ROLE_CAPABILITIES, Capability, Role

ROLE_USERS = {Role.ADMIN: "admin", Role.REVIEWER: "reviewer", Role.LEADER: "leader",
              Role.UNIT_MEMBER: "member_a", Role.PROVINCE_VIEWER: "province_viewer",
              Role.PROVINCE_ADMIN: "province_admin", Role.UNIT_HEAD: "head_a"}


def page_path(page, world) -> str:
    """A real address of a registered page: an existing task, ids that do not exist otherwise."""
    return page.url(task_id=world.task_a.id, claim_id=999999, list_id=999999,
                    ward_id=world.ward.id)


def _concrete(rule: str) -> str:
    """A real path for a URL rule: numbers for int parts, words for the rest."""
    rule = re.sub(r"<int:[^>]+>", "1", rule)
    return re.sub(r"<[^>]+>", "x", rule)


def test_every_page_is_found_at_its_own_address(web_world):
    assert len(PAGES) >= 16
    for page in PAGES:
        assert find_page(page_path(page, web_world))[0] is page


def test_anonymous_page_request_redirects_to_login(app):
    for path in ["/", "/nhiem-vu", "/nhiem-vu/1", "/quan-tri/tai-khoan", "/khong-co"]:
        response = app.test_client().get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login")


def test_every_flask_route_refuses_an_anonymous_request(app):
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        path = _concrete(rule.rule)
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, headers=ORIGIN, json={})
            assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
            assert b"minh-chung" not in response.data
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login")
            checked += 1
    assert checked >= 5


def test_every_dash_callback_refuses_an_anonymous_request(app):
    dash_app = app.extensions["dash_app"]
    assert dash_app.callback_map, "no callbacks registered"
    client = app.test_client()
    for output in dash_app.callback_map:
        response = client.post("/_dash-update-component", json=callback_body(output),
                               headers=ORIGIN)
        assert response.status_code == 401, output
        assert "response" not in response.get_json()


def test_every_dash_callback_declares_a_capability(app):
    for output, spec in app.extensions["dash_app"].callback_map.items():
        if "callback" not in spec:  # clientside: runs in the browser, never on the server
            continue
        assert isinstance(getattr(spec["callback"], CAPABILITY_ATTR, None), Capability), output


def test_an_unregistered_callback_output_is_refused(client_for):
    client = client_for("admin")
    response = client.post("/_dash-update-component", json=callback_body("no-such.children"),
                           headers=ORIGIN)
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_role_by_callback_permissions(app, client_for, role):
    """Each role may call exactly the callbacks whose capability its role grants.

    The bodies carry no inputs: an allowed call passes the guard and then fails inside
    Dash (500), which is all this test needs to tell it apart from a refusal."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = client_for(ROLE_USERS[role])
    for output, spec in app.extensions["dash_app"].callback_map.items():
        # A clientside callback has no server function: the server refuses to run it.
        capability = getattr(spec.get("callback"), CAPABILITY_ATTR, None)
        response = client.post("/_dash-update-component", json=callback_body(output),
                               headers=ORIGIN)
        allowed = capability in ROLE_CAPABILITIES[role]
        if allowed:
            assert response.status_code not in (401, 403), (role, output)
        else:
            assert response.status_code == 403, (role, output)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_role_by_page_permissions(client_for, web_world, role, page):
    client = client_for(ROLE_USERS[role])
    path = page_path(page, web_world)
    allowed = page.capability in ROLE_CAPABILITIES[role]
    response = client.get(path)
    assert response.status_code == (200 if allowed else 403), (role, path)
    if not allowed:
        assert "Không có quyền truy cập" in response.get_data(as_text=True)
    content = route_page(client, path)
    assert content.status_code == 200
    text = content_text(content)
    assert ("page-forbidden" in text) is (not allowed), (role, path)
    if allowed:  # the browser tab title is the page's own
        assert f'"data-title": "{page.document_title}"' in text, (role, path)


def test_unit_member_cannot_open_another_units_task(client_for, web_world):
    client = client_for("member_c")
    text = content_text(route_page(client, f"/nhiem-vu/{web_world.task_b.id}"))
    assert "page-not-found" in text
    assert web_world.task_b.title not in text


def test_unit_member_sees_a_task_it_coordinates(client_for, web_world):
    client = client_for("member_b")
    text = content_text(route_page(client, f"/nhiem-vu/{web_world.task_a.id}"))
    assert "page-not-found" not in text


def test_cross_site_callback_post_is_refused(client_for):
    client = client_for("admin")
    response = client.post("/_dash-update-component", json=callback_body("page-content.children"),
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403


def test_callback_post_without_origin_or_referer_is_refused(client_for):
    client = client_for("admin")
    response = client.post("/_dash-update-component", json=callback_body("page-content.children"))
    assert response.status_code == 403


def test_text_plain_callback_post_is_refused(client_for):
    client = client_for("admin")
    response = client.post("/_dash-update-component", data='{"output": "x"}',
                           content_type="text/plain", headers=ORIGIN)
    assert response.status_code == 415


def test_security_headers(client_for):
    response = client_for("leader").get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in policy
