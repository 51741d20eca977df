"""The Party Office's review: approve, or reject with a reason ("không hoàn thành")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db.models import AuditEvent, ClaimState, CompletionClaim, Review, ReviewDecision, Task, User
from workflow import audit, notifications, permissions
from workflow.clock import format_datetime, now_utc
from workflow.errors import Conflict, NotFound, ValidationError
from workflow.permissions import Capability

STANDARD_REASONS: tuple[tuple[str, str], ...] = (
    ("mismatch", "Minh chứng không khớp sản phẩm đầu ra"),
    ("unsigned", "Văn bản chưa ký"),
    ("unclear", "Ảnh không rõ"),
    ("quality", "Thiếu chất lượng"),
    ("incomplete", "Minh chứng chưa đầy đủ"),
    ("other", "Lý do khác"),
)
REASON_LABELS = dict(STANDARD_REASONS)


@dataclass(frozen=True)
class QueueItem:
    """A claim waiting for review."""

    claim_id: int
    version: int
    task_id: int
    task_code: str
    task_title: str
    unit_name: str
    created_at: datetime
    files: int


def get_for_reviewer(session: Session, *, user: User, claim_id: int) -> CompletionClaim:
    """A claim with everything the reviewer needs, or NotFound."""
    permissions.require(user, Capability.REVIEW)
    claim = session.scalar(select(CompletionClaim).where(CompletionClaim.id == claim_id).options(
        selectinload(CompletionClaim.evidence), selectinload(CompletionClaim.reviews)))
    if claim is None:
        raise NotFound("Không tìm thấy đề nghị.")
    if not _has_opened(session, user, claim.id):
        audit.record(session, actor=user, action="claim.view", object_type="claim",
                     object_id=claim.id)
        session.flush()
    return claim


def _has_opened(session: Session, user: User, claim_id: int) -> bool:
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == "claim.view",
        AuditEvent.object_type == "claim", AuditEvent.object_id == claim_id).limit(1)) is not None


def queue(session: Session, *, user: User, unit_id: int | None = None,
          section_id: int | None = None, min_age_days: int | None = None) -> list[QueueItem]:
    """Pending claims, longest waiting first, optionally only those waiting N days or more."""
    permissions.require(user, Capability.REVIEW)
    query = (select(CompletionClaim).join(Task, Task.id == CompletionClaim.task_id)
             .where(CompletionClaim.state == ClaimState.PENDING)
             .options(selectinload(CompletionClaim.evidence))
             .order_by(CompletionClaim.created_at, CompletionClaim.id))
    if unit_id:
        query = query.where(CompletionClaim.unit_id == unit_id)
    if section_id:
        query = query.where(Task.section_id == section_id)
    if min_age_days:
        query = query.where(CompletionClaim.created_at <= now_utc() - timedelta(days=min_age_days))
    return [QueueItem(c.id, c.version, c.task_id, c.task.code, c.task.title, c.unit.name,
                      c.created_at, len(c.evidence)) for c in session.scalars(query)]


def _already_decided(session: Session, claim: CompletionClaim) -> Conflict:
    review = session.scalar(select(Review).where(Review.claim_id == claim.id))
    if review is not None:
        reviewer = session.get(User, review.reviewer_id)
        return Conflict(f"Đề nghị đã được thẩm định bởi {reviewer.full_name if reviewer else '—'} "
                        f"lúc {format_datetime(review.created_at)}.")
    return Conflict("Đề nghị đã thay đổi (đã rút hoặc đã được xử lý). Vui lòng tải lại trang.")


def decide(session: Session, *, user: User, claim_id: int, version: int, approve: bool,
           reason_code: str | None = None, reason_text: str = "",
           quality_rating: int | None = None) -> Review:
    """Records the decision if the claim is still pending at the version the reviewer saw."""
    permissions.require(user, Capability.REVIEW)
    claim = session.get(CompletionClaim, claim_id)
    if claim is None:
        raise NotFound("Không tìm thấy đề nghị.")
    if claim.state != ClaimState.PENDING or claim.version != int(version):
        raise _already_decided(session, claim)
    reason_text = (reason_text or "").strip()
    if not approve:
        if reason_code and reason_code not in REASON_LABELS:
            raise ValidationError("Lý do trả lại không hợp lệ.")
        if not reason_code and not reason_text:
            raise ValidationError("Vui lòng chọn hoặc nhập lý do trả lại để đơn vị biết cần bổ sung.")
        if reason_code == "other" and not reason_text:
            raise ValidationError("Vui lòng ghi rõ lý do khác.")
    if quality_rating is not None and not 1 <= int(quality_rating) <= 5:
        raise ValidationError("Đánh giá chất lượng từ 1 đến 5.")
    review = Review(claim_id=claim.id, reviewer_id=user.id,
                    decision=ReviewDecision.APPROVE if approve else ReviewDecision.REJECT,
                    reason_code=None if approve else reason_code, reason_text=reason_text,
                    quality_rating=quality_rating, created_at=now_utc())
    claim.state = ClaimState.APPROVED if approve else ClaimState.REJECTED
    claim.decided_at = review.created_at
    session.add(review)
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise _already_decided(session, session.get(CompletionClaim, claim_id)) from None
    audit.record(session, actor=user, action="claim.approve" if approve else "claim.reject",
                 object_type="claim", object_id=claim.id, before={"state": "pending"},
                 after={"state": claim.state.value, "reason_code": review.reason_code,
                        "reason": reason_text})
    task = claim.task
    text = (f"Nhiệm vụ {task.code} đã được công nhận hoàn thành." if approve else
            f"Đề nghị nhiệm vụ {task.code} bị trả lại: {reason_label(review)}")
    notifications.notify(session, users=notifications.unit_members(session, claim.unit_id),
                         kind="claim.decision", message=text, link=f"/nhiem-vu/{task.id}")
    return review


def approve(session: Session, *, user: User, claim_id: int, version: int,
            quality_rating: int | None = None) -> Review:
    """Approves a pending claim: the task becomes "hoàn thành"."""
    return decide(session, user=user, claim_id=claim_id, version=version, approve=True,
                  quality_rating=quality_rating)


def reject(session: Session, *, user: User, claim_id: int, version: int,
           reason_code: str | None, reason_text: str = "") -> Review:
    """Rejects a pending claim with a reason: the task becomes "không hoàn thành"."""
    return decide(session, user=user, claim_id=claim_id, version=version, approve=False,
                  reason_code=reason_code, reason_text=reason_text)


def bulk_approve(session: Session, *, user: User,
                 items: Sequence[tuple[int, int]]) -> list[Review]:
    """Approves several (claim id, version) pairs, each recorded as its own decision.
    The reviewer must have opened every one of them first, so nothing is approved unseen."""
    permissions.require(user, Capability.REVIEW)
    if not items:
        raise ValidationError("Chưa chọn đề nghị nào.")
    unseen = [claim_id for claim_id, _ in items if not _has_opened(session, user, claim_id)]
    if unseen:
        raise ValidationError("Vui lòng mở xem từng đề nghị trước khi phê duyệt hàng loạt.")
    return [approve(session, user=user, claim_id=c, version=v) for c, v in items]


def reason_label(review: Review) -> str:
    """The rejection reason as the unit reads it."""
    label = REASON_LABELS.get(review.reason_code or "", "")
    if review.reason_code == "other":
        label = ""
    return " — ".join(part for part in (label, review.reason_text) if part)
