"""Sessions that end: logout on the server, remember-me limits, no-store, expired callbacks."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from db.session import make_engine, make_session_factory
from portal.sessions import REMEMBER_DAYS, SESSION_EXPIRED
from tests.portal.conftest import ORIGIN, content_text, route_page
from workflow import accounts


def _cookie(client: FlaskClient, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _signed_in_with_remember(app, username: str = "member_a") -> FlaskClient:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as state:
        token = state["login_csrf"]
    response = client.post("/login", data={"username": username, "password": "MatKhau@123",
                                           "csrf_token": token, "remember": "1"},
                           headers=ORIGIN)
    assert response.status_code == 302
    return client


def test_session_cookie_replayed_after_logout_is_refused(app, client_for):
    client = client_for("member_a")
    captured = _cookie(client, "portal_session")
    assert client.post("/logout", headers=ORIGIN).status_code == 302

    attacker = app.test_client()
    attacker.set_cookie("portal_session", captured)
    assert attacker.get("/").status_code == 302
    assert route_page(attacker, "/nhiem-vu").status_code == 401


def test_remember_cookie_replayed_after_logout_is_refused(app, web_world):
    client = _signed_in_with_remember(app)
    remembered = _cookie(client, "portal_remember")
    assert remembered
    # Without the session, the remember-me cookie alone signs the user back in …
    fresh = app.test_client()
    fresh.set_cookie("portal_remember", remembered)
    assert fresh.get("/").status_code == 200
    # … until the user logs out, which also deletes the cookie in the browser.
    response = client.post("/logout", headers=ORIGIN)
    assert any(c.startswith("portal_remember=;") for c in response.headers.getlist("Set-Cookie"))
    replay = app.test_client()
    replay.set_cookie("portal_remember", remembered)
    assert replay.get("/").status_code == 302


def test_remember_cookie_lives_fourteen_days_and_rotates_on_use(app, web_world, monkeypatch):
    client = _signed_in_with_remember(app)
    remembered = _cookie(client, "portal_remember")
    assert app.config["REMEMBER_COOKIE_DURATION"].days == REMEMBER_DAYS

    monkeypatch.setattr(time, "time", lambda real=time.time(): real + 3600)
    user = app.test_client()
    user.set_cookie("portal_remember", remembered)
    response = user.get("/")
    assert response.status_code == 200
    rotated = _cookie(user, "portal_remember")
    assert rotated and rotated != remembered

    # Past 14 days the server refuses the cookie whatever the browser kept.
    monkeypatch.setattr(time, "time", lambda real=time.time(): real + 15 * 86400)
    late = app.test_client()
    late.set_cookie("portal_remember", remembered)
    assert late.get("/").status_code == 302


def test_logout_by_get_or_from_another_site_does_not_sign_out(client_for):
    client = client_for("member_a")
    page = client.get("/logout")
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    cross = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert client.post("/logout").status_code == 403  # no Origin, no Referer
    assert client.get("/").status_code == 200


def test_deactivation_ends_the_session_and_callbacks_answer_401(client_for, settings,
                                                                 web_world):
    client = client_for("member_a")
    assert route_page(client, "/nhiem-vu").status_code == 200
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        admin = session.get(type(web_world.admin), web_world.admin.id)
        accounts.set_active(session, actor=admin, user_id=web_world.member_a.id, active=False)
        session.commit()
    response = route_page(client, "/nhiem-vu")
    assert response.status_code == 401
    assert "đăng nhập" in response.get_json()["error"]


def test_pages_and_data_are_not_cached(client_for):
    client = client_for("member_a")
    for response in (client.get("/"), client.get("/nhiem-vu"), route_page(client, "/"),
                     client.get("/login")):
        assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/assets/portal.css").headers.get("Cache-Control", "")


def test_login_page_explains_an_ended_session(app):
    text = app.test_client().get("/login?het-han=1&next=/nhiem-vu").get_data(as_text=True)
    assert SESSION_EXPIRED in text
    assert 'value="/nhiem-vu"' in text


def test_the_navigation_logs_out_with_a_post_form(client_for):
    client = client_for("member_a")
    layout = client.get("/_dash-layout")
    text = content_text(layout)
    assert '"action": "/logout"' in text and '"method": "POST"' in text
