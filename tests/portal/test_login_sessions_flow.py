"""Server-side sessions through the portal, on SQLite and PostgreSQL: logout ends this
browser only, replayed cookies are refused, remember-me is single use with a short grace."""

from __future__ import annotations

import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from db.models import LoginSession
from db.session import make_engine, make_session_factory
from portal.settings import Settings
from tests.portal.conftest import ORIGIN, route_page
from workflow import accounts
from workflow.login_sessions import ROTATION_GRACE, hash_token


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    """The portal on the test database of each backend (overrides the SQLite-only one)."""
    return Settings(database_url=db_url, secret_key="test-secret", var_dir=tmp_path,
                    evidence_dir=tmp_path / "evidence", testing=True,
                    evidence_trust_dir=tmp_path / "trust",
                    login_rate_limit="100 per minute")


def _cookie(client: FlaskClient, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _sign_in(app, username: str = "member_a", *, remember: bool = False) -> FlaskClient:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as state:
        token = state["login_csrf"]
    data = {"username": username, "password": "MatKhau@123", "csrf_token": token}
    if remember:
        data["remember"] = "1"
    assert client.post("/login", data=data, headers=ORIGIN).status_code == 302
    return client


def _with_cookie(app, name: str, value: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _rows(settings) -> list[LoginSession]:
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        return list(session.scalars(select(LoginSession).order_by(LoginSession.id)))


def _move_clock(monkeypatch, seconds: float) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


def test_cookies_carry_a_token_the_database_only_knows_hashed(app, settings, web_world):
    client = _sign_in(app, remember=True)
    [row] = _rows(settings)
    assert row.user_id == web_world.member_a.id and row.remember and row.revoked_at is None
    with client.session_transaction() as state:
        token = state["_user_id"]
    assert row.token_hash == hash_token(token)
    assert str(web_world.member_a.id) != token and ":" not in token
    assert "Werkzeug" in (row.user_agent or "")


def test_replayed_session_cookie_after_logout_is_refused(app, web_world):
    client = _sign_in(app)
    captured = _cookie(client, "portal_session")
    assert client.post("/logout", headers=ORIGIN).status_code == 302
    attacker = _with_cookie(app, "portal_session", captured)
    assert not _signed_in(attacker)
    assert route_page(attacker, "/nhiem-vu").status_code == 401


def test_logout_on_one_device_leaves_the_other_signed_in(app, settings, web_world):
    laptop = _sign_in(app)
    phone = _sign_in(app, remember=True)
    phone_remember = _cookie(phone, "portal_remember")
    assert laptop.post("/logout", headers=ORIGIN).status_code == 302
    assert not _signed_in(laptop)
    assert _signed_in(phone)
    assert route_page(phone, "/nhiem-vu").status_code == 200
    assert _signed_in(_with_cookie(app, "portal_remember", phone_remember))
    revoked = [row.revoked_at is not None for row in _rows(settings)]
    assert revoked[:2] == [True, True]  # the laptop, and the phone's rotated-out first token


def test_rotated_out_remember_cookie_works_for_the_grace_then_is_refused(app, settings,
                                                                         web_world,
                                                                         monkeypatch):
    remembered = _cookie(_sign_in(app, remember=True), "portal_remember")
    browser = _with_cookie(app, "portal_remember", remembered)
    assert _signed_in(browser)
    rotated = _cookie(browser, "portal_remember")
    assert rotated and rotated != remembered

    # Dash's other requests of the same page load carry the old cookie: still signed in.
    for _ in range(3):
        concurrent = _with_cookie(app, "portal_remember", remembered)
        assert route_page(concurrent, "/nhiem-vu").status_code == 200
        # each answer carries a cookie that keeps working after the grace
        assert _cookie(concurrent, "portal_remember") not in (None, remembered)

    _move_clock(monkeypatch, ROTATION_GRACE.total_seconds() + 1)
    assert not _signed_in(_with_cookie(app, "portal_remember", remembered))
    assert route_page(_with_cookie(app, "portal_remember", remembered),
                      "/nhiem-vu").status_code == 401
    # The browser that got the new cookie stays signed in (its session cookie, or the
    # new remember-me cookie alone once the browser was closed).
    assert _signed_in(browser)
    assert _signed_in(_with_cookie(app, "portal_remember", rotated))


def test_remember_me_is_limited_to_fourteen_days_on_the_server(app, web_world, monkeypatch):
    remembered = _cookie(_sign_in(app, remember=True), "portal_remember")
    _move_clock(monkeypatch, 13 * 86400)
    browser = _with_cookie(app, "portal_remember", remembered)
    assert _signed_in(browser)
    rotated = _cookie(browser, "portal_remember")
    # Rotation does not extend the limit: the new cookie ends with the first one.
    _move_clock(monkeypatch, 14 * 86400 + 60)
    assert not _signed_in(_with_cookie(app, "portal_remember", rotated))
    assert not _signed_in(_with_cookie(app, "portal_session",
                                       _cookie(browser, "portal_session")))


def test_password_reset_ends_every_session(app, settings, web_world):
    laptop = _sign_in(app)
    phone = _sign_in(app, remember=True)
    phone_remember = _cookie(phone, "portal_remember")
    other_user = _sign_in(app, "member_b")
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        admin = session.get(type(web_world.admin), web_world.admin.id)
        accounts.reset_password(session, actor=admin, user_id=web_world.member_a.id,
                                new_password="MatKhau@456")
        session.commit()
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(_with_cookie(app, "portal_remember", phone_remember))
    assert _signed_in(other_user)
