"""Evidence files: staged upload into storage, download authorization, garbage collection.

Consistency: the object is written first, then the row in the caller's transaction. If the
database step fails the objects are deleted at once; if even that fails, ``collect_garbage``
removes objects that no row references.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.models import EvidenceFile, EvidenceKind, Task, User, Ward
from storage.errors import IngestRejected, StorageError
from storage.ingest import ingest
from storage.pdf_signatures import TrustStore
from workflow import audit_trail, permissions
from workflow.clock import now_utc
from workflow.errors import DomainError, NotFound, PermissionDenied, ValidationError
from workflow.permissions import Actor, Capability
from workflow.status import is_completed

log = logging.getLogger(__name__)
STORAGE_DOWN = "Không lưu được file minh chứng do kho lưu trữ đang gặp sự cố. Vui lòng thử lại sau."


DATABASE_DOWN = "Không ghi nhận được file minh chứng do lỗi cơ sở dữ liệu. Vui lòng thử lại sau."


class StorageUnavailable(DomainError):
    """The evidence store failed; nothing was recorded."""

    http_status = 503


def _parse_kind(kind: str | None, content_type: str) -> EvidenceKind:
    if kind:
        try:
            return EvidenceKind(kind)
        except ValueError:
            raise ValidationError("Loại minh chứng không hợp lệ.") from None
    return EvidenceKind.PHOTO if content_type.startswith("image/") else EvidenceKind.OTHER


def _captured_at(value: object) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    from workflow.clock import LOCAL_TZ

    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def stage_upload(
    session: Session,
    *,
    actor: User,
    task_id: int,
    stream: BinaryIO,
    filename: str,
    store,
    max_bytes: int,
    kind: str | None = None,
    document_date: date | None = None,
    trust: TrustStore | None = None,
) -> EvidenceFile:
    """Streams one file into the store and records it, not yet attached to a claim.

    PDF signatures are validated against ``trust`` once, here, and kept on the row."""
    permissions.require(actor, Capability.UPLOAD_EVIDENCE)
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if not permissions.is_lead_member(actor, task):
        raise PermissionDenied("Chỉ cán bộ của đơn vị chủ trì được nộp minh chứng cho nhiệm vụ này.")
    if is_completed(session, task.id):
        raise ValidationError("Nhiệm vụ đã được công nhận hoàn thành; không nhận thêm minh chứng.")
    if kind:
        _parse_kind(kind, "")
    try:
        # Objects of each ward live under their own prefix: evidence/<ward code>/YYYY/MM/...
        ward = session.get(Ward, task.plan.ward_id)
        result = ingest(stream, original_name=filename or "", store=store, max_bytes=max_bytes,
                        trust=trust, key_prefix=f"evidence/{ward.code}")
    except IngestRejected as error:
        raise ValidationError(error.message) from error
    except StorageError as error:
        raise StorageUnavailable(STORAGE_DOWN) from error
    derived = dict(result.derived)
    keys = [result.key] + ([derived["thumbnail_key"]] if derived.get("thumbnail_key") else [])
    try:
        evidence = EvidenceFile(
            task_id=task.id, uploaded_by_id=actor.id, object_key=result.key,
            thumbnail_key=derived.get("thumbnail_key"), original_name=result.original_name,
            content_type=result.content_type, size_bytes=result.size, sha256=result.sha256,
            kind=_parse_kind(kind, result.content_type), document_date=document_date,
            captured_at=_captured_at(derived.get("captured_at")), phash=derived.get("phash"),
            pdf_pages=derived.get("pages"), pdf_signed=derived.get("signed"),
            pdf_encrypted=derived.get("encrypted"), pdf_signatures=derived.get("signatures"),
            pdf_active_content=derived.get("active_content") or None,
            derived={k: v for k, v in derived.items() if isinstance(v, str | int | float | bool)},
            created_at=now_utc(),
        )
        if evidence.document_date is None and evidence.captured_at is not None:
            from workflow.clock import to_local

            evidence.document_date = to_local(evidence.captured_at).date()
        session.add(evidence)
        session.flush()
        audit_trail.record(session, actor=actor, action="evidence.upload", object_type="evidence",
                     object_id=evidence.id, after={"task_id": task.id, "name": result.original_name,
                                                   "sha256": result.sha256, "size": result.size})
        session.flush()
    except SQLAlchemyError as error:
        # The unit of work rolls the transaction back; the objects go at once.
        _delete_quietly(store, keys)
        raise StorageUnavailable(DATABASE_DOWN) from error
    return evidence


def _delete_quietly(store, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # noqa: BLE001 - the garbage collector will find it
            log.exception("could not remove orphaned evidence object %s", key)


def get_for_download(session: Session, *, actor: User, evidence_id: int) -> EvidenceFile:
    """The evidence file, if the user may see its task; NotFound otherwise."""
    permissions.require(actor, Capability.DOWNLOAD_EVIDENCE)
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        raise NotFound("Không tìm thấy file minh chứng.")
    task = session.get(Task, evidence.task_id)
    if not permissions.can_view_task(actor, task):
        raise NotFound("Không tìm thấy file minh chứng.")
    if evidence.claim_id is None and evidence.uploaded_by_id != actor.id and (
            actor.unit_id is None or session.get(User, evidence.uploaded_by_id).unit_id
            != actor.unit_id):
        # A staged upload is private to its unit until a claim is filed.
        raise NotFound("Không tìm thấy file minh chứng.")
    return evidence


@dataclass(frozen=True)
class GarbageReport:
    """What garbage collection found and (unless a dry run) removed."""

    orphaned: list[str]
    removed: list[str]
    # Uploads begun before the threshold and never finished: (key, started), aborted
    # unless a dry run.
    unfinished: list[tuple[str, datetime]] = field(default_factory=list)


def referenced_keys(session: Session) -> set[str]:
    """Every object key a row refers to."""
    keys: set[str] = set()
    for key, thumb in session.execute(select(EvidenceFile.object_key, EvidenceFile.thumbnail_key)):
        keys.add(key)
        if thumb:
            keys.add(thumb)
    return keys


def collect_garbage(session: Session, *, actor: Actor, store, older_than: timedelta,
                    dry_run: bool = False, now: datetime | None = None) -> GarbageReport:
    """Removes stored objects that no evidence row references and are older than given,
    and aborts uploads begun before that threshold and never finished.

    The age threshold protects uploads whose database row is still being written."""
    permissions.require(actor, Capability.COLLECT_GARBAGE)
    now = now or now_utc()
    referenced = referenced_keys(session)
    listed: Iterator[tuple[str, datetime]] = store.list_keys("evidence/")
    orphaned = [key for key, modified in listed
                if key not in referenced and now - modified >= older_than]
    removed: list[str] = []
    if not dry_run:
        for key in orphaned:
            store.delete(key)
            removed.append(key)
    unfinished = store.abort_stale_uploads(before=now - older_than, prefix="evidence/",
                                           dry_run=dry_run)
    return GarbageReport(orphaned=orphaned, removed=removed, unfinished=unfinished)
