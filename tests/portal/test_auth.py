"""Login, logout, rate limiting and session invalidation."""

from __future__ import annotations

from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN, login
from workflow import accounts
from workflow.permissions import SYSTEM


def test_login_page_is_vietnamese(app):
    response = app.test_client().get("/login")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Đăng nhập" in text and "Mật khẩu" in text and 'lang="vi"' in text


def test_it_signs_in_and_redirects_home(app, web_world):
    client = app.test_client()
    response = login(client, "member_a")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_vietnamese_message(app, web_world):
    response = login(app.test_client(), "member_a", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_message(app, web_world):
    response = login(app.test_client(), "khong-ton-tai", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_login_is_rate_limited_after_repeated_failures(app, web_world):
    client = app.test_client()
    statuses = [login(client, "member_a", "sai").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    blocked = login(client, "member_a")  # even the right password waits now
    assert blocked.status_code == 429
    assert "đăng nhập sai quá nhiều lần" in blocked.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_limit(app, web_world):
    for _ in range(7):
        assert login(app.test_client(), "member_a").status_code == 302


def test_login_without_form_token_is_refused(app, web_world):
    client = app.test_client()
    response = client.post("/login", data={"username": "member_a", "password": "x"},
                           headers=ORIGIN)
    assert response.status_code == 400
    assert "Phiên đăng nhập đã hết hạn" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_off_site(app, web_world):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as state:
        token = state["login_csrf"]
    response = client.post("/login", data={"username": "member_a", "password": "MatKhau@123",
                                           "csrf_token": token, "next": "//evil.example/"},
                           headers=ORIGIN)
    assert response.headers["Location"] == "/"


def test_session_cookie_flags(app, web_world):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as state:
        token = state["login_csrf"]
    response = client.post("/login", data={"username": "member_a", "password": "MatKhau@123",
                                           "csrf_token": token, "remember": "1"}, headers=ORIGIN)
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("portal_session", "portal_remember"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_behind_https(settings, web_world):
    from dataclasses import replace

    from portal.app import create_app

    app = create_app(replace(settings, https=True))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_logout_ends_the_session(client_for):
    client = client_for("member_a")
    assert client.post("/logout", headers=ORIGIN).status_code == 302
    assert client.get("/").status_code == 302


def test_password_reset_signs_the_user_out_everywhere(client_for, settings, web_world):
    client = client_for("member_a")
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        accounts.reset_password(session, actor=SYSTEM, user_id=web_world.member_a.id,
                                new_password="MatKhauMoi@1")
        session.commit()
    assert client.get("/").status_code == 302


def test_locked_account_cannot_sign_in(app, settings, web_world):
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        admin = session.get(type(web_world.admin), web_world.admin.id)
        accounts.set_active(session, actor=admin, user_id=web_world.member_a.id, active=False)
        session.commit()
    response = login(app.test_client(), "member_a")
    assert response.status_code == 401
    assert "Tài khoản đã bị khóa" in response.get_data(as_text=True)


def test_password_checks_run_two_at_a_time_per_process(app, web_world, monkeypatch):
    """scrypt holds 32 MB per check: a sign-in rush on a worker's threads waits its turn
    (portal.auth.PASSWORD_CHECKS) instead of holding 8 × 32 MB at once."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from workflow.errors import ValidationError

    running, most = [0], [0]
    lock = threading.Lock()

    def slow_check(_session, *, username, password):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.15)
        with lock:
            running[0] -= 1
        raise ValidationError(accounts.LOGIN_FAILED)

    monkeypatch.setattr(accounts, "authenticate", slow_check)

    def attempt(_):
        return login(app.test_client(), "member_a", "sai").status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(attempt, range(4)))
    assert statuses == [401] * 4
    assert most[0] <= 2
