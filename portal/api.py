"""The read-only JSON API for the systems above the ward: /api/v1 (thin; data in
workflow.api_views).

- Clients send ``Authorization: Bearer <token>``; session cookies are ignored here and tokens
  open no page (the guard lets only views marked ``token_auth`` through without a session).
- Every call is written to the API call log with one INSERT, refused ones included.
- Requests are rate-limited per token (Flask-Limiter, storage from RATELIMIT_STORAGE_URI).
- Responses carry an ETag; ``If-None-Match`` with the same tag answers 304.
- Evidence links are short-lived signed URLs to ``/api/v1/evidence/<id>/download``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from flask import Blueprint, Response, g, jsonify, redirect, request, send_file
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from db.unit_of_work import unit_of_work
from portal.auth import limiter
from portal.context import db, services
from portal.guard import token_auth
from workflow import api_tokens, api_views
from workflow.api_tokens import TokenRefused
from workflow.clock import now_utc
from workflow.errors import DomainError
from workflow.permissions import SYSTEM

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)
RATE_LIMITED = "Vượt quá số lượt gọi API cho phép. Vui lòng thử lại sau."
DOWNLOAD_TTL_SECONDS = 300
NOT_FOUND = "Không tìm thấy địa chỉ API này."
BAD_REQUEST = "Yêu cầu API không hợp lệ."
SERVER_ERROR = "Hệ thống gặp lỗi khi xử lý yêu cầu API. Vui lòng thử lại sau."
HTTP_MESSAGES = {404: NOT_FOUND, 405: "API chỉ cho phép đọc dữ liệu (phương thức GET).",
                 429: RATE_LIMITED}
BAD_LINK = "Liên kết tải file không hợp lệ."
EXPIRED_LINK = "Liên kết tải file đã hết hạn. Vui lòng gọi lại API để lấy liên kết mới."


def _error(message: str, status: int) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _rate_key() -> str:
    """One bucket per token (by its hash), or per address when no token is sent."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "api-token:" + api_tokens.hash_token(header[7:].strip())
    return "api-ip:" + get_remote_address()


def _rate_limit() -> str:
    return services().settings.api_rate_limit


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services().settings.secret_key, salt="api-evidence-download")


def _download_url(evidence) -> tuple[str, object]:
    actor = g.api_actor
    signed = _serializer().dumps({"e": evidence.id, "t": actor.token_id, "n": actor.name})
    url = f"{request.host_url.rstrip('/')}/api/v1/evidence/{evidence.id}/download?sig={signed}"
    return url, now_utc() + timedelta(seconds=DOWNLOAD_TTL_SECONDS)


def _json(payload: dict) -> Response:
    """A JSON answer with a strong ETag, or 304 when the client already has it."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest())
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


def _logged_path() -> str:
    # A download link's signature is a credential: log the path without it.
    if request.endpoint == "api_v1.download":
        return request.path
    return request.full_path.rstrip("?")[:255]


@bp.before_request
def _authenticate():
    g.api_token_name, g.api_token_id = "", None
    if request.endpoint in {"api_v1.openapi", "api_v1.download"}:
        return None
    try:
        actor = api_tokens.authenticate(db(), authorization=request.headers.get("Authorization"))
    except TokenRefused as refused:
        response = _error(refused.message, 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    g.api_actor, g.api_token_name, g.api_token_id = actor, actor.name, actor.token_id
    return None


@bp.after_request
def _audit(response: Response) -> Response:
    if request.endpoint == "api_v1.openapi":
        return response
    actor = g.get("api_actor") or SYSTEM  # the portal itself logs a refused token's call
    try:
        # The request only read; the log row is its one write, in a unit of work of its own
        # so that a failed read does not keep it from being logged.
        with unit_of_work(services().session_factory) as session:
            api_tokens.record_call(session, actor=actor, token_id=g.get("api_token_id"),
                                   token_name=g.get("api_token_name") or "-",
                                   endpoint=_logged_path(), status=response.status_code)
    except SQLAlchemyError:
        return _error("Hệ thống tạm thời không ghi được nhật ký API. Vui lòng thử lại.", 503)
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return _error(error.message, error.http_status)


@bp.errorhandler(429)
def _too_many(_exception):
    return _error(RATE_LIMITED, 429)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    """Anything else still answers JSON in Vietnamese, never an English error page."""
    if isinstance(error, HTTPException):
        return _error(HTTP_MESSAGES.get(error.code or 400, BAD_REQUEST), error.code or 400)
    log.exception("API request failed: %s", request.path)
    return _error(SERVER_ERROR, 500)


def _paging():
    return api_views.parse_paging(request.args.get("page"), request.args.get("size"))


def _since():
    return api_views.parse_since(request.args.get("updated_since"))


@bp.get("/plans")
@token_auth
def plans():
    """Plans the token may read."""
    return _json(api_views.list_plans(db(), actor=g.api_actor))


@bp.get("/plans/<int:plan_id>/sections")
@token_auth
def sections(plan_id: int):
    """Sections of a plan."""
    return _json(api_views.list_sections(db(), actor=g.api_actor, plan_id=plan_id))


@bp.get("/tasks")
@token_auth
def tasks():
    """Tasks (filters: plan_id, unit_id, status, period, updated_since; page, size)."""
    args = request.args
    return _json(api_views.list_tasks(
        db(), actor=g.api_actor, paging=_paging(),
        plan_id=api_views.parse_int(args.get("plan_id"), "plan_id"),
        unit_id=api_views.parse_int(args.get("unit_id"), "unit_id"),
        status=api_views.parse_choice(args.get("status"), "status", api_views.TASK_STATUSES),
        period=api_views.parse_period(args.get("period")), updated_since=_since()))


@bp.get("/progress-reports")
@token_auth
def progress_reports():
    """Progress reports (filters: period, unit_id, task_id, updated_since; page, size)."""
    args = request.args
    return _json(api_views.list_progress_reports(
        db(), actor=g.api_actor, paging=_paging(),
        period=api_views.parse_period(args.get("period")),
        unit_id=api_views.parse_int(args.get("unit_id"), "unit_id"),
        task_id=api_views.parse_int(args.get("task_id"), "task_id"), updated_since=_since()))


@bp.get("/claims")
@token_auth
def claims():
    """Claims with decision and evidence manifest (filters: status, unit_id, task_id,
    updated_since; page, size)."""
    args = request.args
    return _json(api_views.list_claims(
        db(), actor=g.api_actor, paging=_paging(), download_url=_download_url,
        state=api_views.parse_choice(args.get("status"), "status", api_views.CLAIM_STATES),
        unit_id=api_views.parse_int(args.get("unit_id"), "unit_id"),
        task_id=api_views.parse_int(args.get("task_id"), "task_id"), updated_since=_since()))


@bp.get("/warning-lists")
@token_auth
def warning_lists():
    """Published warning lists (filter: period_kind = month | quarter; page, size)."""
    return _json(api_views.list_warning_lists(
        db(), actor=g.api_actor, paging=_paging(),
        period_kind=api_views.parse_choice(request.args.get("period_kind"), "period_kind",
                                           ("month", "quarter"))))


@bp.get("/ranking")
@token_auth
def ranking():
    """Unit ranking as of a date (default today)."""
    raw = request.args.get("as_of")
    as_of = None
    if raw:
        try:
            from datetime import date

            as_of = date.fromisoformat(raw)
        except ValueError:
            return _error("Tham số as_of phải có dạng YYYY-MM-DD.", 400)
    return _json(api_views.unit_ranking(db(), actor=g.api_actor, as_of=as_of))


@bp.get("/evidence/<int:evidence_id>/download")
@token_auth
def download(evidence_id: int):
    """An evidence file through a signed link that expires after a few minutes."""
    try:
        payload = _serializer().loads(request.args.get("sig", ""),
                                      max_age=DOWNLOAD_TTL_SECONDS)
    except SignatureExpired:
        return _error(EXPIRED_LINK, 401)
    except BadSignature:
        return _error(BAD_LINK, 401)
    if payload.get("e") != evidence_id:
        return _error(BAD_LINK, 401)
    g.api_token_name, g.api_token_id = payload.get("n", "-"), payload.get("t")
    # The token must still be valid when the link is used.
    try:
        actor = api_tokens.actor_by_id(db(), token_id=payload.get("t"))
    except TokenRefused as refused:
        return _error(refused.message, 401)
    g.api_actor = actor
    item = api_views.evidence_for_download(db(), actor=actor, evidence_id=evidence_id)
    store = services().store
    url = store.url_for_download(item.object_key, item.original_name, item.content_type)
    if url:
        return redirect(url)
    return send_file(store.open(item.object_key), mimetype=item.content_type,
                     as_attachment=True, download_name=item.original_name, max_age=0)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    from portal.api_spec import openapi_document

    return _json(openapi_document())


@bp.get("/<path:_unknown>")
@token_auth
def unknown(_unknown: str):
    """Any other address under /api/v1 (after the token check)."""
    return _error(NOT_FOUND, 404)


# Once, at import: the limiter and the blueprint are module singletons shared by every app.
limiter.limit(_rate_limit, key_func=_rate_key,
              exempt_when=lambda: request.endpoint == "api_v1.openapi")(bp)


def init_api(app) -> None:
    """Registers the API (its per-token rate limit is attached to the blueprint above)."""
    app.register_blueprint(bp)
