"""Sessions that end: the Flask glue of workflow.login_sessions.

flask-login's user id is a random token naming a row of ``login_sessions``; the signed
session cookie (and the remember-me cookie) carry it, the database only its SHA-256:

- logout revokes this browser's row, so a captured session or remember-me cookie is refused
  afterwards while the user's other devices stay signed in; a password reset and
  deactivation end every row;
- a remember-me row lasts ``REMEMBER_DAYS`` on the server whatever the browser keeps, and
  is single use: when its cookie signs somebody in, the row is replaced by a new one and
  a new cookie is issued (the old one works for a short grace, see ROTATION_GRACE).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import UserMixin, login_user, user_loaded_from_cookie

from db.models import LoginSession, User
from portal.context import db, unit_of_work
from workflow import login_sessions

REMEMBER_DAYS = login_sessions.REMEMBER_LIFETIME.days
SESSION_EXPIRED = "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."
# Query parameter the browser adds when it sends an expired session to the login page.
EXPIRED_FLAG = "het-han"


class LoginAccount(UserMixin):
    """flask-login's view of an account; its id is the session token."""

    def __init__(self, account: User, token: str, row: LoginSession | None = None) -> None:
        self.account = account
        self.token = token
        self.row = row

    def get_id(self) -> str:
        return self.token

    @property
    def is_active(self) -> bool:
        return bool(self.account.is_active)


def _user_agent() -> str:
    return request.user_agent.string if request else ""


def sign_in(account: User, *, remember: bool) -> None:
    """Opens a server-side session for an authenticated account and signs the browser in."""
    with unit_of_work() as session:
        opened = login_sessions.open_session(
            session, user=account, remember=remember,
            lifetime=current_app.permanent_session_lifetime, user_agent=_user_agent())
    login_user(LoginAccount(account, opened.token), remember=remember,
               duration=login_sessions.REMEMBER_LIFETIME)


def load_user(raw_id: str) -> LoginAccount | None:
    """The account a session or remember-me cookie names, if that session is still valid."""
    session = db()
    row = login_sessions.resolve_session(session, token=raw_id,
                                         lifetime=current_app.permanent_session_lifetime)
    if row is None:
        return None
    account = row.user
    if session.dirty:  # last_seen_at moved (at most every few minutes): save it now
        with unit_of_work():
            pass
    return LoginAccount(account, raw_id, row)


def _rotate_remember_cookie(_app: Flask, user: LoginAccount, **_extra) -> None:
    """A remember-me cookie that signed somebody in is replaced by a new one (single use)."""
    with unit_of_work() as session:
        opened = login_sessions.rotate_remember(session, row=user.row, user_agent=_user_agent())
        remaining = opened.row.expires_at - login_sessions.now()
    login_user(LoginAccount(user.account, opened.token, opened.row), remember=True,
               duration=remaining, fresh=False)


def end_session(user: LoginAccount) -> None:
    """Logout: this browser's session and remember-me token stop working."""
    with unit_of_work() as session:
        login_sessions.revoke_session(session, token=user.token)


def init_sessions(app: Flask) -> None:
    """Remember-me lifetime and rotation."""
    app.config.update(REMEMBER_COOKIE_DURATION=login_sessions.REMEMBER_LIFETIME,
                      REMEMBER_COOKIE_REFRESH_EACH_REQUEST=False)
    user_loaded_from_cookie.connect(_rotate_remember_cookie, app)
