"""Security headers, cookie flags, and same-origin JSON for state-changing requests."""

from __future__ import annotations

from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, request

from portal.errors import respond

CROSS_SITE = "Yêu cầu không hợp lệ: chỉ chấp nhận yêu cầu từ chính cổng thông tin."
JSON_ONLY = "Yêu cầu không hợp lệ: dữ liệu phải ở dạng JSON."
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/", "/_favicon.ico")


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return (parts.scheme, parts.netloc) == (request.scheme, request.host)


def check_origin():
    """Refuses state-changing requests that come from another site.

    Browsers send Origin on every cross-site POST; when it is missing we fall back on
    Referer, and refuse when neither says the request comes from here.
    """
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    if origin and origin != "null":
        allowed = _same_origin(origin)
    elif referer:
        allowed = _same_origin(referer)
    else:
        allowed = False
    if not allowed:
        return respond(CROSS_SITE, 403)
    if request.path == "/_dash-update-component" and request.mimetype != "application/json":
        # A cross-site <form> can only send form or text/plain bodies.
        return respond(JSON_ONLY, 415)
    return None


def content_security_policy(dash_app: Dash) -> str:
    """A CSP that Dash pages work under: no inline script except Dash's own, by hash."""
    script_hashes = " ".join(dash_app.csp_hashes())
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {script_hashes}",
        # Dash components set inline style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def init_security(server: Flask, dash_app: Dash, *, https: bool) -> None:
    """Cookie flags, the origin check and the response headers."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_NAME="portal_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=https,
        REMEMBER_COOKIE_NAME="portal_remember",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 12,
    )
    server.before_request(check_origin)
    policy = content_security_policy(dash_app)

    @server.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
        if https:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if not request.path.startswith(STATIC_PREFIXES):
            # Pages and data are per user: Back after logout must not show them again.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
