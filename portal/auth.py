"""Sign-in with flask-login: the login page, logout, session loading, rate limiting."""

from __future__ import annotations

import hmac
import secrets
import threading
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, logout_user

from portal.context import services, unit_of_work
from portal.sessions import (
    EXPIRED_FLAG,
    SESSION_EXPIRED,
    LoginAccount,
    end_session,
    init_sessions,
    load_user,
    sign_in,
)
from workflow import accounts
from workflow.errors import ValidationError

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bp = Blueprint("auth", __name__)

RATE_LIMITED = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."

# A password check (scrypt, workflow.accounts) holds 32 MB while it runs. A sign-in rush on
# one worker's threads (8 by default) held 8 × 32 MB at once: the load test's peak worker
# memory (310–415 MB) came from its sign-in burst, while browsing kept a worker at ~170 MB.
# Two checks at a time per process bound that to 64 MB; scrypt is CPU-bound, so more at once
# would not sign anybody in sooner. The other threads keep serving pages meanwhile.
PASSWORD_CHECKS = threading.BoundedSemaphore(2)


@login_manager.user_loader
def _load_user(raw_id: str) -> LoginAccount | None:
    return load_user(raw_id)


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
        committee=services().settings.committee_name,
    )
    return html, status


@bp.get("/login")
def login_page():
    """Shows the login form (saying why when an ended session sent the user here)."""
    return render_login(SESSION_EXPIRED if request.args.get(EXPIRED_FLAG) else None)


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
        with PASSWORD_CHECKS, unit_of_work() as s:
            account = accounts.authenticate(s, username=username,
                                            password=request.form.get("password") or "")
    except ValidationError as error:
        return render_login(error.message, 401, username)
    session.pop("login_csrf", None)
    sign_in(account, remember=bool(request.form.get("remember")))
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/logout")
def logout_page():
    """A link to /logout (or another site) cannot sign anybody out: it asks to confirm."""
    return render_template("logout.html")


@bp.post("/logout")
def logout():
    """Ends this browser's session on the server and clears the remember-me cookie.

    The same-origin check (portal.security) has already refused cross-site posts."""
    if current_user.is_authenticated:
        end_session(current_user._get_current_object())
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    return redirect(url_for("auth.login_page"))


def _login_limit() -> str:
    from portal.context import services

    return services().settings.login_rate_limit


def init_auth(app: Flask) -> None:
    """Binds flask-login and the limiter to the application."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login_page"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    init_sessions(app)
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(429)
    def _too_many(_error):
        if request.path == "/login":
            return render_login(RATE_LIMITED, 429, (request.form.get("username") or ""))
        return {"error": RATE_LIMITED}, 429
