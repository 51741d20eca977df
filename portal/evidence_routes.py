"""Evidence upload (streamed straight into the store) and authorized downloads."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, redirect, request, send_file

from portal.context import current_account, db, services, unit_of_work
from portal.guard import route_requires
from portal.settings import build_trust_store
from storage.base import SizedStream
from workflow import evidence as evidence_service
from workflow.errors import DomainError
from workflow.permissions import Capability

bp = Blueprint("evidence", __name__)
INLINE_TYPES = ("image/", "application/pdf")


def _error(error: DomainError):
    return jsonify({"error": error.message}), error.http_status


def _body():
    """The request body; with its declared length when the client sent a Content-Length
    (the store can then send it on in one request), as it is when chunked."""
    if request.content_length is not None:
        return SizedStream(request.stream, request.content_length)
    return request.stream


@bp.post("/api/nhiem-vu/<int:task_id>/minh-chung")
@route_requires(Capability.UPLOAD_EVIDENCE)
def upload(task_id: int):
    """One file per request, as the raw body; its name and kind travel in the query string.

    The body is never parsed as a form: it is read in parts straight into the store (with
    a Content-Length, S3 gets it as one PUT while it arrives)."""
    settings = services().settings
    limit = settings.max_upload_mb * 1024 * 1024
    if request.content_length is not None and request.content_length > limit:
        return jsonify({"error": f"Tệp vượt quá dung lượng cho phép "
                                 f"(tối đa {settings.max_upload_mb} MB)."}), 413
    raw_date = request.args.get("ngay")
    try:
        document_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        return jsonify({"error": "Ngày của văn bản/ảnh không hợp lệ."}), 400
    try:
        with unit_of_work() as session:
            stored = evidence_service.stage_upload(
                session, actor=current_account(), task_id=task_id, stream=_body(),
                filename=request.args.get("ten", ""), store=services().store, max_bytes=limit,
                kind=request.args.get("loai") or None, document_date=document_date,
                trust=build_trust_store(settings))
    except DomainError as error:
        return _error(error)
    return jsonify({"id": stored.id, "name": stored.original_name, "size": stored.size_bytes,
                    "content_type": stored.content_type, "kind": stored.kind.value,
                    "thumbnail": f"/minh-chung/{stored.id}/anh-nho"
                    if stored.thumbnail_key else None}), 201


def _send(key: str, name: str, content_type: str, inline: bool):
    store = services().store
    if not inline:
        url = store.url_for_download(key, name, content_type)
        if url:
            return redirect(url)
    return send_file(store.open(key), mimetype=content_type, as_attachment=not inline,
                     download_name=name, max_age=0)


@bp.get("/minh-chung/<int:evidence_id>")
@route_requires(Capability.DOWNLOAD_EVIDENCE)
def download(evidence_id: int):
    """The file, to people who may see its task (inline for PDFs and images with ?xem=1)."""
    try:
        item = evidence_service.get_for_download(db(), actor=current_account(),
                                                 evidence_id=evidence_id)
    except DomainError as error:
        return _error(error)
    inline = request.args.get("xem") == "1" and item.content_type.startswith(INLINE_TYPES)
    response = _send(item.object_key, item.original_name, item.content_type, inline)
    if inline:
        # The evidence frame may be shown inside the portal's own pages only.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = ("default-src 'none'; img-src 'self'; "
                                                       "style-src 'unsafe-inline'; "
                                                       "frame-ancestors 'self'")
    return response


@bp.get("/minh-chung/<int:evidence_id>/anh-nho")
@route_requires(Capability.DOWNLOAD_EVIDENCE)
def thumbnail(evidence_id: int):
    """The stored thumbnail of a photo."""
    try:
        item = evidence_service.get_for_download(db(), actor=current_account(),
                                                 evidence_id=evidence_id)
    except DomainError as error:
        return _error(error)
    if not item.thumbnail_key:
        return jsonify({"error": "File này không có ảnh thu nhỏ."}), 404
    return send_file(services().store.open(item.thumbnail_key), mimetype="image/jpeg",
                     max_age=3600)
