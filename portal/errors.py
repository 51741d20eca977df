"""One error handler for Flask routes and Dash callbacks.

Every refusal and every unexpected failure reaches the user in Vietnamese: an HTML page for
a page or a download opened in the browser, JSON ``{"error": ..., "ref": ...}`` for Dash
callbacks and the JSON API (the page shows it as an alert, see assets/session-guard.js).
Unexpected failures carry a short reference id that is logged with the traceback, so the
office can quote it and an administrator can find the cause.
"""

from __future__ import annotations

import logging
import secrets

from dash.exceptions import DependencyException
from flask import Flask, g, jsonify, render_template, request
from flask_login import AnonymousUserMixin
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from portal.context import services
from storage.errors import StorageError
from workflow.errors import DomainError

log = logging.getLogger("portal.errors")

DASH_CALLBACK_PATH = "/_dash-update-component"
BAD_INPUT = "Dữ liệu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại."
UNEXPECTED = ("Đã xảy ra lỗi ngoài dự kiến. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị "
              "viên mã tham chiếu {ref}.")
DATABASE_DOWN = ("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút "
                 "(mã tham chiếu {ref}).")
HTTP_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Bạn cần đăng nhập để tiếp tục.",
    403: "Bạn không có quyền truy cập chức năng này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    405: "Địa chỉ này không nhận kiểu yêu cầu đã gửi.",
    408: "Yêu cầu gửi lên quá chậm. Vui lòng thử lại.",
    409: "Dữ liệu đã thay đổi. Vui lòng tải lại trang.",
    411: "Yêu cầu thiếu độ dài dữ liệu.",
    413: "Dữ liệu gửi lên quá lớn.",
    414: "Địa chỉ yêu cầu quá dài.",
    415: "Định dạng dữ liệu gửi lên không được hỗ trợ.",
    431: "Tiêu đề yêu cầu quá lớn.",
    503: "Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau.",
}
TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    503: "Hệ thống tạm thời gián đoạn",
}
# Values a Dash callback receives come from the browser: when reading them fails the
# request was malformed (an id that is not a number, a missing property), not the server.
CALLBACK_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError,
                         AttributeError)
MAX_DB_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """``<int:...>`` in every route: 1 … 2^31-1, so that no id overflows the database's
    integer columns; anything else is an unknown address (404) before a view runs."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_DB_ID)
        super().__init__(url_map, *args, **kwargs)


def new_reference() -> str:
    """A short id to quote to an administrator (8 characters, unambiguous letters)."""
    return secrets.token_hex(4).upper()


def _wants_json() -> bool:
    """JSON unless a browser is navigating (it asks for text/html before anything else)."""
    if request.path.startswith(("/_dash-", "/api/")) or request.is_json:
        return True
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html"


def respond(message: str, status: int, ref: str | None = None):
    """The answer to a refused or failed request, in the form the caller can show."""
    if _wants_json():
        body = {"error": message}
        if ref:
            body["ref"] = ref
        return jsonify(body), status
    title = TITLES.get(status, "Không thực hiện được yêu cầu")
    return render_template("error.html", title=title, message=message), status


def _http_error(error: HTTPException):
    code = error.code or 500
    message = HTTP_MESSAGES.get(code) or (
        "Yêu cầu không được chấp nhận." if code < 500 else HTTP_MESSAGES[503])
    response = respond(message, code)
    if code == 405 and error.valid_methods:
        response[0].headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _domain_error(error: DomainError):
    return respond(error.message, error.http_status)


def _storage_error(error: StorageError):
    ref = new_reference()
    log.warning("storage failure ref=%s path=%s: %r", ref, request.path, error, exc_info=error)
    return respond(error.message, 503, ref)


def _unexpected(error: Exception):
    ref = new_reference()
    if isinstance(error, DataError):
        # The database refused a value the client sent (out of range, malformed).
        log.warning("bad value ref=%s path=%s: %s", ref, request.path, error)
        return respond(BAD_INPUT, 400, ref)
    if isinstance(error, OperationalError | InterfaceError) or (
            isinstance(error, DBAPIError) and error.connection_invalidated):
        log.error("database unavailable ref=%s path=%s", ref, request.path, exc_info=error)
        # Rendering the page must not ask the database who is signed in again.
        g._login_user = AnonymousUserMixin()
        return respond(DATABASE_DOWN.format(ref=ref), 503, ref)
    if request.path == DASH_CALLBACK_PATH and isinstance(error, CALLBACK_INPUT_ERRORS):
        log.warning("malformed callback input ref=%s", ref, exc_info=error)
        return respond(BAD_INPUT, 400, ref)
    log.error("unexpected failure ref=%s %s %s", ref, request.method, request.path,
              exc_info=error)
    return respond(UNEXPECTED.format(ref=ref), 500, ref)


def health():
    """``/healthz``: 200 when the database and the evidence store answer, 503 otherwise."""
    checks = {"database": "ok", "evidence_store": "ok"}
    portal = services()
    try:
        with portal.engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        log.error("health: database down: %r", error)
        checks["database"] = "Không kết nối được cơ sở dữ liệu."
    try:
        next(iter(portal.store.list_keys("healthz/")), None)
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        log.error("health: evidence store down: %r", error)
        checks["evidence_store"] = "Không kết nối được kho lưu trữ minh chứng."
    if all(value == "ok" for value in checks.values()):
        return {"status": "ok", **checks}
    return {"status": "Hệ thống đang gián đoạn.", **checks}, 503


def init_errors(server: Flask) -> None:
    """Bounded ids in routes (call before routes are added), the handlers and /healthz."""
    server.url_map.converters["int"] = DatabaseId
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(DomainError, _domain_error)
    # Dash's own answer to an unknown component-suite file.
    server.register_error_handler(DependencyException, lambda _error: respond(
        HTTP_MESSAGES[404], 404))
    server.register_error_handler(StorageError, _storage_error)
    server.register_error_handler(Exception, _unexpected)
    server.add_url_rule("/healthz", "healthz", health)
