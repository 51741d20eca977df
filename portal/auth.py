"""Sign-in with flask-login: the login page, logout, session loading, rate limiting."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, login_user, logout_user

from db.models import User
from portal.context import db, unit_of_work
from workflow import accounts
from workflow.errors import ValidationError

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bp = Blueprint("auth", __name__)

RATE_LIMITED = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."


class LoginAccount(UserMixin):
    """flask-login's view of an account; the id carries the session version so that a
    password reset or deactivation ends every existing session and remember-me cookie."""

    def __init__(self, account: User) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_version}"

    @property
    def is_active(self) -> bool:
        return bool(self.account.is_active)


@login_manager.user_loader
def _load_user(raw_id: str) -> LoginAccount | None:
    try:
        user_id, version = (int(part) for part in raw_id.split(":", 1))
    except ValueError:
        return None
    account = accounts.get_active(db(), user_id=user_id, session_version=version)
    return LoginAccount(account) if account else None


def _csrf_token() -> str:
    token = session.get("login_csrf")
    if not token:
        token = session["login_csrf"] = secrets.token_urlsafe(32)
    return token


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login page cannot redirect elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def render_login(error: str | None = None, status: int = 200, username: str = ""):
    """The Vietnamese login page."""
    html = render_template(
        "login.html",
        error=error,
        csrf_token=_csrf_token(),
        next=_safe_next(request.values.get("next")),
        username=username,
    )
    return html, status


@bp.get("/login")
def login_page():
    """Shows the login form."""
    return render_login()


@bp.post("/login")
@limiter.limit(lambda: _login_limit(), methods=["POST"],
               deduct_when=lambda response: response.status_code != 302)
def login_submit():
    """Checks the credentials; failures count towards the rate limit."""
    username = (request.form.get("username") or "").strip()
    sent_token = request.form.get("csrf_token") or ""
    if not hmac.compare_digest(sent_token, session.get("login_csrf") or "-"):
        return render_login("Phiên đăng nhập đã hết hạn. Vui lòng thử lại.", 400, username)
    try:
        with unit_of_work() as s:
            account = accounts.authenticate(s, username=username,
                                            password=request.form.get("password") or "")
    except ValidationError as error:
        return render_login(error.message, 401, username)
    session.pop("login_csrf", None)
    login_user(LoginAccount(account), remember=bool(request.form.get("remember")))
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Ends the session and clears the remember-me cookie."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login_page"))


def _login_limit() -> str:
    from portal.context import services

    return services().settings.login_rate_limit


def init_auth(app: Flask) -> None:
    """Binds flask-login and the limiter to the application."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login_page"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(429)
    def _too_many(_error):
        if request.path == "/login":
            return render_login(RATE_LIMITED, 429, (request.form.get("username") or ""))
        return {"error": RATE_LIMITED}, 429
