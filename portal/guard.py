"""The one server-side guard that every page, Dash callback and Flask route goes through.

- Pages: anonymous → redirect to /login; a role without the page's capability → 403 page.
- Dash callbacks: anonymous → 401; callbacks must be registered with ``guarded_callback``,
  which names a capability; any other callback is refused (deny by default).
- Flask routes: must be declared public or wrapped by ``route_requires``; others are refused.
The domain services check permissions again: the guard is the outer wall, not the only one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from dash import Dash
from flask import Flask, current_app, redirect, render_template, request, url_for

from portal.context import current_account
from portal.errors import respond
from portal.pages import find_page
from workflow import permissions
from workflow.errors import PermissionDenied
from workflow.permissions import Capability

CAPABILITY_ATTR = "_portal_capability"
DASH_CALLBACK_PATH = "/_dash-update-component"
# Static files and the login form: nothing in them depends on who asks.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/")
PUBLIC_PATHS = {"/login", "/logout", "/healthz", "/_favicon.ico", "/api/v1/openapi.json"}
# Dash's own JSON endpoints that need a session but no particular capability.
DASH_SESSION_PATHS = {"/_dash-layout", "/_dash-dependencies", "/_reload-hash"}

UNAUTHENTICATED = "Bạn cần đăng nhập để tiếp tục."
MALFORMED = "Yêu cầu không hợp lệ: dữ liệu gửi lên không đúng định dạng."
FORBIDDEN = "Bạn không có quyền truy cập chức năng này."


def guarded_callback(app: Dash, capability: Capability, *args: Any, **kwargs: Any) -> Callable:
    """``app.callback`` that first requires a signed-in user with ``capability``."""

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*inner_args: Any, **inner_kwargs: Any) -> Any:
            permissions.require(current_account(), capability)
            return func(*inner_args, **inner_kwargs)

        setattr(wrapper, CAPABILITY_ATTR, capability)
        return app.callback(*args, **kwargs)(wrapper)

    return decorator


def route_requires(capability: Capability) -> Callable:
    """Marks a Flask view with the capability the guard requires for it."""

    def decorator(view: Callable) -> Callable:
        setattr(view, CAPABILITY_ATTR, capability)
        return view

    return decorator


TOKEN_AUTH_ATTR = "_portal_token_auth"


def token_auth(view: Callable) -> Callable:
    """Marks an API view that authenticates its own requests (bearer token or signed link)
    instead of the session: the guard lets it through, and the API blueprint checks."""
    setattr(view, TOKEN_AUTH_ATTR, True)
    return view


def _json_error(message: str, status: int):
    # JSON for callbacks and scripts, a Vietnamese page for a browser opening a link.
    return respond(message, status)


def _callback_capability(dash_app: Dash) -> Capability | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    spec = dash_app.callback_map.get(str(body.get("output", "")))
    if spec is None:
        return None
    # Clientside callbacks have no server function: nothing may call them here.
    return getattr(spec.get("callback"), CAPABILITY_ATTR, None)


def check_request() -> Any:
    """before_request hook: returns a response to refuse, or None to let the request on."""
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if request.routing_exception is not None:
        return None  # no view will run: Flask answers 404/405 (in Vietnamese, portal.errors)
    user = current_account()
    if path == DASH_CALLBACK_PATH:
        if user is None:
            return _json_error(UNAUTHENTICATED, 401)
        if not isinstance(request.get_json(silent=True), dict):
            return _json_error(MALFORMED, 400)
        capability = _callback_capability(current_app.extensions["dash_app"])
        if capability is None or not permissions.has(user, capability):
            return _json_error(FORBIDDEN, 403)
        return None
    if path in DASH_SESSION_PATHS:
        return None if user is not None else _json_error(UNAUTHENTICATED, 401)
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, TOKEN_AUTH_ATTR, False):
        return None
    capability = getattr(view, CAPABILITY_ATTR, None) if view else None
    if capability is not None:
        if user is None:
            return _json_error(UNAUTHENTICATED, 401)
        if not permissions.has(user, capability):
            return _json_error(FORBIDDEN, 403)
        return None
    if request.method != "GET" or request.endpoint not in {"/", "/<path:path>"}:
        # A Flask route that nobody declared: refuse rather than guess.
        return _json_error(FORBIDDEN if user else UNAUTHENTICATED, 403 if user else 401)
    # A Dash page (the catch-all index routes).
    if user is None:
        return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
    found = find_page(path)
    if found is not None and not permissions.has(user, found[0].capability):
        return render_template("error.html", title="Không có quyền truy cập",
                               message=FORBIDDEN), 403
    return None


def init_guard(server: Flask) -> None:
    """Installs the guard and maps domain refusals raised in views to HTTP answers."""
    server.before_request(check_request)

    @server.errorhandler(PermissionDenied)
    def _denied(error: PermissionDenied):
        return _json_error(error.message, 403)
