"""The Party Office's review: approve, or reject with a reason ("không hoàn thành")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Integer, Select, and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db.base import UtcDateTime
from db.models import (
    AuditEvent,
    ClaimConfirmation,
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    Plan,
    Review,
    ReviewDecision,
    Section,
    Task,
    Unit,
    User,
)
from db.sql import constant, number, run
from workflow import (
    audit_trail,
    claim_chain,
    notifications,
    permissions,
    review_deadlines,
    scope,
    signatures,
)
from workflow.clock import format_date, format_datetime, now_utc, to_local
from workflow.errors import Conflict, NotFound, ValidationError
from workflow.evidence_checks import Check, CheckContext, checks_for_files
from workflow.locks import lock_task
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
DECIDED_MEANWHILE = ("Đề nghị vừa được người khác thẩm định cùng lúc. Vui lòng tải lại trang để "
                     "xem kết quả.")
NO_EVIDENCE_TO_APPROVE = ("Đề nghị không có file minh chứng nào nên không thể công nhận hoàn "
                          "thành; vui lòng trả lại để đơn vị bổ sung.")


# Claims the office may open: not those waiting for, or returned by, the unit head.
OFFICE_VISIBLE = (ClaimState.PENDING, ClaimState.APPROVED, ClaimState.REJECTED,
                  ClaimState.WITHDRAWN)

# A claim waiting this many days or more is flagged in the queue.
WAITING_ALERT_DAYS = 7


@dataclass(frozen=True)
class QueueItem:
    """A claim waiting for review, with how long it has waited."""

    claim_id: int
    version: int
    task_id: int
    task_code: str
    task_title: str
    unit_name: str
    created_at: datetime
    files: int
    waiting_days: int = 0
    signature: str = signatures.UNSIGNED  # workflow.signatures claim state, at a glance
    review_due: date | None = None  # last day of the review time limit (working days)
    review_overdue: bool = False

    @property
    def alert(self) -> bool:
        """Whether the claim has waited long enough to be flagged."""
        return self.waiting_days >= WAITING_ALERT_DAYS


@dataclass(frozen=True)
class EvidenceView:
    """One evidence file as the reviewer sees it."""

    id: int
    name: str
    content_type: str
    size_bytes: int
    kind: str
    document_date: date | None
    uploaded_at: datetime
    has_thumbnail: bool
    checks: list[Check] = field(default_factory=list)
    signature: str = signatures.UNSIGNED


@dataclass(frozen=True)
class PreviousClaim:
    """An earlier claim of the same task and how it ended."""

    claim_id: int
    created_at: datetime
    outcome: str


@dataclass(frozen=True)
class ClaimView:
    """Everything the reviewer needs to decide without downloading anything."""

    claim_id: int
    version: int
    state: str
    task_id: int
    task_code: str
    task_title: str
    required_output: str
    kpi_text: str
    deadline: str
    unit_name: str
    claimant: str
    note: str
    created_at: datetime
    evidence: list[EvidenceView]
    decided: str | None
    next_claim_id: int | None
    reasons: list[tuple[str, str]]
    previous: list[PreviousClaim] = field(default_factory=list)
    # The unit head's confirmation (#16) and the chain of claims this one follows.
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    confirmation_note: str = ""
    confirmed_files: list[dict] = field(default_factory=list)
    chain: list = field(default_factory=list)


def get_for_reviewer(session: Session, *, actor: User, claim_id: int) -> CompletionClaim:
    """A claim with everything the reviewer needs, or NotFound. Reading records nothing: the
    claim page calls ``mark_opened`` for that."""
    permissions.require(actor, Capability.REVIEW)
    claim = session.scalar(select(CompletionClaim).where(CompletionClaim.id == claim_id).options(
        joinedload(CompletionClaim.task).joinedload(Task.lead_unit),
        joinedload(CompletionClaim.unit), joinedload(CompletionClaim.claimant),
        selectinload(CompletionClaim.evidence),
        selectinload(CompletionClaim.reviews).joinedload(Review.reviewer)))
    if (claim is None or claim.state not in OFFICE_VISIBLE
            or not permissions.can_view_task(actor, claim.task)):
        # A claim waiting for (or returned by) the unit head is not the office's yet.
        raise NotFound("Không tìm thấy đề nghị.")
    return claim


def mark_opened(session: Session, *, actor: User, claim_id: int) -> None:
    """Records that the reviewer opened the claim (once): bulk approval requires it."""
    permissions.require(actor, Capability.REVIEW)
    claim = session.get(CompletionClaim, claim_id)
    if (claim is None or claim.state not in OFFICE_VISIBLE
            or not permissions.can_view_task(actor, claim.task)):
        raise NotFound("Không tìm thấy đề nghị.")
    if not _has_opened(session, actor, claim_id):
        audit_trail.record(session, actor=actor, action="claim.view", object_type="claim",
                     object_id=claim_id)
        session.flush()


def _has_opened(session: Session, user: User, claim_id: int) -> bool:
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == "claim.view",
        AuditEvent.object_type == "claim", AuditEvent.object_id == claim_id).limit(1)) is not None


QUEUE_PAGE_SIZE = 50
MAX_QUEUE_PAGE = 200


@dataclass(frozen=True)
class QueuePage:
    """A page of the review queue and the number of claims waiting in all."""

    items: list[QueueItem]
    total: int


@lru_cache(maxsize=32)
def _queue_statement(ward: bool, unit: bool, section: bool, min_age: bool, limited: bool
                     ) -> Select:
    """Pending claims with their task, unit, plan limit, the head's confirmation time and
    the number of matching claims, longest waiting first; built once per shape."""
    query = review_deadlines.pending_claims(
        CompletionClaim.id, CompletionClaim.version, CompletionClaim.task_id, Task.code,
        Task.title, Unit.name, CompletionClaim.created_at, Task.plan_id,
        ClaimConfirmation.confirmed_at, Plan.review_working_days, func.count().over(),
        ward=ward)
    if unit:
        query = query.where(CompletionClaim.unit_id == bindparam("unit_id", type_=Integer))
    if section:
        query = query.where(Task.section_id == bindparam("section_id", type_=Integer))
    if min_age:
        query = query.where(CompletionClaim.created_at
                            <= bindparam("queued_before", type_=UtcDateTime()))
    # Bounds in the text (see db.sql): PostgreSQL keeps one plan per page size.
    query = (query.order_by(CompletionClaim.created_at, CompletionClaim.id)
             .offset(bindparam("offset", type_=Integer, literal_execute=True)))
    if limited:
        query = query.limit(bindparam("limit", type_=Integer, literal_execute=True))
    return query


_QUEUE_FILES = (select(EvidenceFile.claim_id, EvidenceFile.content_type,
                       EvidenceFile.pdf_signatures, EvidenceFile.pdf_signed)
                .where(EvidenceFile.claim_id.in_(bindparam("claim_ids", expanding=True))))


def _queue_rows(session: Session, actor: User, unit_id: int | None, section_id: int | None,
                min_age_days: int | None, offset: int, limit: int | None,
                now: datetime) -> list:
    ward_id = scope.ward_scope(actor)
    statement = _queue_statement(ward_id is not None, bool(unit_id), bool(section_id),
                                 bool(min_age_days), limit is not None)
    return run(session, statement, {
        "ward_id": ward_id, "unit_id": unit_id, "section_id": section_id,
        "queued_before": now - timedelta(days=min_age_days or 0), "offset": offset,
        "limit": limit}).all()


def _queue_items(session: Session, rows: list, now: datetime) -> list[QueueItem]:
    files: dict[int, int] = defaultdict(int)
    pdfs: dict[int, list] = defaultdict(list)
    if rows:
        for claim_id, content_type, checked, signed in run(
                session, _QUEUE_FILES, {"claim_ids": [r[0] for r in rows]}).all():
            files[claim_id] += 1
            if content_type == "application/pdf":
                pdfs[claim_id].append((checked, signed))
    # The review time limit runs from the head's confirmation (or the filing) in working days.
    queued = [to_local(row[8] or row[6]).date() for row in rows]
    today = to_local(now).date()
    calc = review_deadlines.DeadlineCalculator(session, min(queued, default=today),
                                               max(queued, default=today),
                                               limits={row[7]: row[9] for row in rows})
    items = []
    for (claim_id, version, task_id, code, title, unit_name, created_at, plan_id,
         _confirmed, _limit, _total), queued_on in zip(rows, queued, strict=True):
        due = calc.due(plan_id, queued_on)
        items.append(QueueItem(claim_id, version, task_id, code, title, unit_name, created_at,
                               files[claim_id], (now - created_at).days,
                               signatures.claim_state(pdfs[claim_id]), due, today > due))
    return items


def queue(session: Session, *, actor: User, unit_id: int | None = None,
          section_id: int | None = None, min_age_days: int | None = None, offset: int = 0,
          limit: int | None = None) -> list[QueueItem]:
    """Pending claims, longest waiting first, optionally only those waiting N days or more.

    Three statements whatever the queue's length, as plain rows: the claims with their task,
    unit and plan joined, their files' types and signature checks in one IN query, and the
    holidays of the review time limits.
    """
    permissions.require(actor, Capability.REVIEW)
    now = now_utc()
    return _queue_items(session, _queue_rows(session, actor, unit_id, section_id, min_age_days,
                                             offset, limit, now), now)


def queue_page(session: Session, *, actor: User, unit_id: int | None = None,
               section_id: int | None = None, min_age_days: int | None = None,
               offset: int = 0, limit: int = QUEUE_PAGE_SIZE) -> QueuePage:
    """One page of the queue (the page shows at most MAX_QUEUE_PAGE claims at a time)."""
    permissions.require(actor, Capability.REVIEW)
    if offset < 0 or not 0 < limit <= MAX_QUEUE_PAGE:
        raise ValidationError("Tham số phân trang không hợp lệ.")
    now = now_utc()
    rows = _queue_rows(session, actor, unit_id, section_id, min_age_days, offset, limit, now)
    if not rows and offset:  # past the last page: the first row still carries the count
        first = _queue_rows(session, actor, unit_id, section_id, min_age_days, 0, 1, now)
        total = first[0][10] if first else 0
    else:
        total = rows[0][10] if rows else 0
    return QueuePage(_queue_items(session, rows, now), total)


def queue_filters(session: Session, *, actor: User) -> tuple[list[tuple[int, str]],
                                                             list[tuple[int, str]]]:
    """The units and sections that have claims waiting: the queue's filter choices (a
    province's thousand units would not fit a drop-down, nor help)."""
    permissions.require(actor, Capability.REVIEW)
    pending = and_(CompletionClaim.state == ClaimState.PENDING,
                   CompletionClaim.task_id.in_(scope.task_ids(actor)))
    units = session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(
            select(CompletionClaim.unit_id).where(pending))).order_by(Unit.name)).all()
    sections = session.execute(
        select(Section.id, Section.code, Section.title).where(Section.id.in_(
            select(Task.section_id).join(CompletionClaim, CompletionClaim.task_id == Task.id)
            .where(pending))).order_by(Section.plan_id, Section.position)).all()
    return ([(i, name) for i, name in units],
            [(i, f"{code}. {title}") for i, code, title in sections])


@lru_cache(maxsize=2)
def _next_statement(ward: bool) -> Select:
    query = (select(CompletionClaim.id).join(Task, Task.id == CompletionClaim.task_id)
             .where(CompletionClaim.state == constant(ClaimState.PENDING),
                    CompletionClaim.id != bindparam("after", type_=Integer)))
    if ward:
        query = query.join(Plan, Plan.id == Task.plan_id).where(
            Plan.ward_id == bindparam("ward_id", type_=Integer))
    return query.order_by(CompletionClaim.created_at, CompletionClaim.id).limit(number(1))


def next_in_queue(session: Session, *, actor: User, after_claim_id: int) -> int | None:
    """The claim the reviewer opens next: the longest waiting one other than this one."""
    permissions.require(actor, Capability.REVIEW)
    ward_id = scope.ward_scope(actor)
    return run(session, _next_statement(ward_id is not None),
               {"after": after_claim_id, "ward_id": ward_id}).scalar()


def signature_state(claim: CompletionClaim) -> str:
    """Whether the claim's PDFs carry a valid digital signature (workflow.signatures)."""
    return signatures.claim_state((e.pdf_signatures, e.pdf_signed) for e in claim.evidence
                                  if e.content_type == "application/pdf")


def _evidence_count(session: Session, claim_id: int) -> int:
    return session.scalar(select(func.count(EvidenceFile.id))
                          .where(EvidenceFile.claim_id == claim_id)) or 0


def _outcome(step: claim_chain.ClaimStep) -> str | None:
    """The verdict on a claim as the reviewer reads it, or None while it is pending."""
    if step.review_decision is not None:
        verdict = ("Đã phê duyệt — hoàn thành" if step.review_decision == ReviewDecision.APPROVE
                   else f"Đã trả lại — {reason_label(step)}")
        return (f"{verdict}. Người thẩm định: {step.reviewer}, lúc "
                f"{format_datetime(step.reviewed_at)}.")
    if step.state == ClaimState.WITHDRAWN:
        return "Đơn vị đã rút đề nghị này."
    return None


# The claim page's claim with its task, plan, unit and claimant, as one plain row (db.sql).
_CLAIM_PAGE = (
    select(CompletionClaim.id, CompletionClaim.version, CompletionClaim.state,
           CompletionClaim.note, CompletionClaim.created_at, CompletionClaim.task_id,
           Task.code, Task.title, Task.required_output, Task.kpi_text, Task.deadline_text,
           Task.deadline_date, Task.plan_id, Task.lead_unit_id, Plan.ward_id, Plan.start_date,
           Plan.end_date, Unit.name.label("unit_name"), User.full_name.label("claimant"))
    .join(Task, Task.id == CompletionClaim.task_id)
    .join(Plan, Plan.id == Task.plan_id)
    .join(Unit, Unit.id == CompletionClaim.unit_id)
    .join(User, User.id == CompletionClaim.claimant_id)
    .where(CompletionClaim.id == bindparam("claim_id", type_=Integer)))


def claim_view(session: Session, *, actor: User, claim_id: int) -> ClaimView:
    """The claim page's view model: the claim, its task, evidence with checks, the verdict,
    the task's earlier claims and the next claim in the queue.

    Six plain statements for a claim with one photo: the claim with its task, the task's
    history and every file of it (claim_chain.task_steps), same-content and near-duplicate
    searches, and the next claim."""
    from workflow.head_confirmation import sees_unit_steps

    permissions.require(actor, Capability.REVIEW)
    claim = run(session, _CLAIM_PAGE, {"claim_id": claim_id}).first()
    if claim is None or claim.state not in OFFICE_VISIBLE or not scope.in_scope(
            actor, claim.ward_id):
        raise NotFound("Không tìm thấy đề nghị.")
    task = None
    if not permissions.has(actor, Capability.VIEW_ALL_TASKS):
        # Beyond the ward, a reviewer without every task's view sees its unit's tasks only.
        task = session.get(Task, claim.task_id)
        if not permissions.can_view_task(actor, task):
            raise NotFound("Không tìm thấy đề nghị.")
    steps = claim_chain.task_steps(session, claim.task_id)
    step = steps[claim.id]
    files = step.file_rows
    checks = checks_for_files(session, files, CheckContext(
        claim.task_id, claim.ward_id, claim.start_date, claim.deadline_date or claim.end_date,
        claim.unit_name))
    next_claim_id = next_in_queue(session, actor=actor, after_claim_id=claim.id)
    earlier = [s for s in reversed(steps.values())
               if s.id < claim.id and s.state in OFFICE_VISIBLE]
    own_unit = sees_unit_steps(actor, claim)  # the row carries the task's lead unit
    return ClaimView(
        claim_id=claim.id, version=claim.version, state=ClaimState(claim.state).value,
        task_id=claim.task_id, task_code=claim.code, task_title=claim.title,
        required_output=claim.required_output, kpi_text=claim.kpi_text,
        deadline=" — ".join(filter(None, [claim.deadline_text,
                                          format_date(claim.deadline_date)])),
        unit_name=claim.unit_name, claimant=claim.claimant, note=claim.note,
        created_at=claim.created_at,
        evidence=[EvidenceView(
            id=e.id, name=e.original_name, content_type=e.content_type, size_bytes=e.size_bytes,
            kind=e.kind.value, document_date=e.document_date, uploaded_at=e.created_at,
            has_thumbnail=bool(e.thumbnail_key), checks=checks.get(e.id, []),
            signature=signatures.file_state(e.pdf_signatures, e.pdf_signed))
            for e in files],
        decided=_outcome(step), next_claim_id=next_claim_id,
        reasons=list(STANDARD_REASONS),
        previous=[PreviousClaim(s.id, s.created_at, _outcome(s) or "Đang chờ thẩm định.")
                  for s in earlier],
        confirmed_by=step.confirmed_by, confirmed_at=step.confirmed_at,
        confirmation_note=step.confirmation_note, confirmed_files=step.confirmed_files,
        chain=claim_chain.links(steps, claim.id, own_unit=own_unit),
    )


def _already_decided(session: Session, claim: CompletionClaim) -> Conflict:
    review = session.scalar(select(Review).where(Review.claim_id == claim.id))
    if review is not None:
        reviewer = session.get(User, review.reviewer_id)
        return Conflict(f"Đề nghị đã được thẩm định bởi {reviewer.full_name if reviewer else '—'} "
                        f"lúc {format_datetime(review.created_at)}.")
    return Conflict("Đề nghị đã thay đổi (đã rút hoặc đã được xử lý). Vui lòng tải lại trang.")


def _same_decision(session: Session, actor: User, claim: CompletionClaim, version: int,
                   approve: bool) -> Review | None:
    """The review this reviewer already recorded on the version she saw, with the same
    verdict: a repeated click or retried request, answered as the first one was."""
    review = session.scalar(select(Review).where(Review.claim_id == claim.id))
    wanted = ReviewDecision.APPROVE if approve else ReviewDecision.REJECT
    if (review is not None and review.reviewer_id == actor.id and review.decision == wanted
            and claim.version == version + 1):
        return review
    return None


def decide(session: Session, *, actor: User, claim_id: int, version: int, approve: bool,
           reason_code: str | None = None, reason_text: str = "",
           quality_rating: int | None = None) -> Review:
    """Records the decision if the claim is still pending at the version the reviewer saw."""
    permissions.require(actor, Capability.REVIEW)
    claim = session.get(CompletionClaim, claim_id)
    if (claim is None or claim.state not in OFFICE_VISIBLE
            or not permissions.can_view_task(actor, claim.task)):
        raise NotFound("Không tìm thấy đề nghị.")
    # Deciders of one task queue here (a double click sends two requests at once): the
    # second one then reads the first one's decision and is answered as a repeat.
    lock_task(session, claim.task_id)
    session.refresh(claim)
    if claim.state != ClaimState.PENDING or claim.version != int(version):
        repeated = _same_decision(session, actor, claim, int(version), approve)
        if repeated is not None:
            return repeated
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
    if approve and not _evidence_count(session, claim.id):
        # Checked in the decision's own transaction: no evidence, no completion.
        raise ValidationError(NO_EVIDENCE_TO_APPROVE)
    review = Review(claim_id=claim.id, reviewer_id=actor.id,
                    decision=ReviewDecision.APPROVE if approve else ReviewDecision.REJECT,
                    reason_code=None if approve else reason_code, reason_text=reason_text,
                    quality_rating=quality_rating, created_at=now_utc())
    claim.state = ClaimState.APPROVED if approve else ClaimState.REJECTED
    claim.decided_at = review.created_at
    session.add(review)
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        # Another reviewer decided in the meantime; the unit of work rolls back.
        raise Conflict(DECIDED_MEANWHILE) from None
    audit_trail.record(session, actor=actor, action="claim.approve" if approve else "claim.reject",
                 object_type="claim", object_id=claim.id, before={"state": "pending"},
                 after={"state": claim.state.value, "reason_code": review.reason_code,
                        "reason": reason_text})
    task = claim.task
    text = (f"Nhiệm vụ {task.code} đã được công nhận hoàn thành." if approve else
            f"Đề nghị nhiệm vụ {task.code} bị trả lại: {reason_label(review)}")
    notifications.notify(session, users=notifications.unit_members(session, claim.unit_id),
                         kind="claim.decision", message=text, link=f"/nhiem-vu/{task.id}")
    return review


def approve(session: Session, *, actor: User, claim_id: int, version: int,
            quality_rating: int | None = None) -> Review:
    """Approves a pending claim: the task becomes "hoàn thành"."""
    return decide(session, actor=actor, claim_id=claim_id, version=version, approve=True,
                  quality_rating=quality_rating)


def reject(session: Session, *, actor: User, claim_id: int, version: int,
           reason_code: str | None, reason_text: str = "") -> Review:
    """Rejects a pending claim with a reason: the task becomes "không hoàn thành"."""
    return decide(session, actor=actor, claim_id=claim_id, version=version, approve=False,
                  reason_code=reason_code, reason_text=reason_text)


def bulk_approve(session: Session, *, actor: User,
                 items: Sequence[tuple[int, int]]) -> list[Review]:
    """Approves several (claim id, version) pairs, each recorded as its own decision.
    The reviewer must have opened every one of them first, so nothing is approved unseen."""
    permissions.require(actor, Capability.REVIEW)
    if not items:
        raise ValidationError("Chưa chọn đề nghị nào.")
    unseen = [claim_id for claim_id, _ in items if not _has_opened(session, actor, claim_id)]
    if unseen:
        raise ValidationError("Vui lòng mở xem từng đề nghị trước khi phê duyệt hàng loạt.")
    return [approve(session, actor=actor, claim_id=c, version=v) for c, v in items]


def reason_label(review) -> str:
    """The rejection reason as the unit reads it (of a Review, or anything carrying its
    ``reason_code`` and ``reason_text``)."""
    label = REASON_LABELS.get(review.reason_code or "", "")
    if review.reason_code == "other":
        label = ""
    return " — ".join(part for part in (label, review.reason_text) if part)
