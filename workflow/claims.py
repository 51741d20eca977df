"""Completion claims (đề nghị công nhận hoàn thành): filed with evidence, withdrawn while
pending. No evidence, no claim; one pending claim per task at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from db.models import ClaimState, CompletionClaim, EvidenceFile, Review, Task, User
from db.sql import constants, number, run
from workflow import audit_trail, claim_chain, head_confirmation, notifications, permissions
from workflow.clock import now_utc
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.head_confirmation import task_plan_requires_head
from workflow.locks import lock_task
from workflow.permissions import Actor, Capability
from workflow.status import OFFICE_STATES, is_completed

MAX_NOTE = 5000
NO_EVIDENCE = "Đề nghị công nhận hoàn thành phải kèm ít nhất một file minh chứng hợp lệ."
EVIDENCE_UNAVAILABLE = ("Có file minh chứng không còn dùng được cho đề nghị này (không tồn tại "
                        "hoặc đã được nộp). Vui lòng tải lại trang và chọn lại file.")
ALREADY_PENDING = ("Nhiệm vụ đã có đề nghị đang chờ thẩm định; "
                   "vui lòng chờ kết quả hoặc rút đề nghị trước.")
TASK_COMPLETED = "Nhiệm vụ đã được công nhận hoàn thành; không nhận thêm đề nghị."


def pending_claim(session: Session, *, actor: Actor, task_id: int) -> CompletionClaim | None:
    """The pending claim of a task the actor may see, if any."""
    permissions.require_task_visible(actor, session.get(Task, task_id))
    return _pending(session, task_id)


OPEN_STATES = (ClaimState.PENDING, ClaimState.AWAITING_HEAD)


def _pending(session: Session, task_id: int) -> CompletionClaim | None:
    """The task's open claim: with the office, or waiting for the unit head."""
    return session.scalar(select(CompletionClaim).where(
        CompletionClaim.task_id == task_id, CompletionClaim.state.in_(OPEN_STATES)))


def file_claim(
    session: Session,
    *,
    actor: User,
    task_id: int,
    evidence_ids: Sequence[int],
    note: str = "",
) -> CompletionClaim:
    """Files a claim for the task with the user's staged evidence files attached.

    The task row is locked first, so the checks and the attachment below happen as one step
    for each task. A repeated submission (double click, retried request: same user, same
    files) returns the claim it already filed."""
    permissions.require(actor, Capability.FILE_CLAIM)
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if not permissions.is_lead_member(actor, task):
        raise PermissionDenied("Chỉ cán bộ của đơn vị chủ trì được đề nghị công nhận hoàn thành.")
    if len(note or "") > MAX_NOTE:
        raise ValidationError(f"Ghi chú không quá {MAX_NOTE} ký tự.")
    try:
        ids = sorted({int(i) for i in evidence_ids or []})
    except (TypeError, ValueError):
        raise ValidationError(EVIDENCE_UNAVAILABLE) from None
    if not ids:
        raise ValidationError(NO_EVIDENCE)
    lock_task(session, task.id)
    try:
        # A savepoint: a refused attempt leaves the caller's transaction as it was (the unit
        # of work, not this service, decides about commit and rollback).
        with session.begin_nested():
            return _file_locked(session, actor=actor, task=task, ids=ids, note=note)
    except IntegrityError:
        # The partial unique index caught a second pending claim that got past the lock
        # (it cannot, but the database has the last word): answer as for a repeat.
        existing = _pending(session, task.id)
        if existing is not None and _same_submission(existing, actor, ids):
            return existing
        raise ValidationError(ALREADY_PENDING) from None


def _same_submission(claim: CompletionClaim, actor: User, ids: list[int]) -> bool:
    return claim.claimant_id == actor.id and sorted(e.id for e in claim.evidence) == ids


def _file_locked(session: Session, *, actor: User, task: Task, ids: list[int],
                 note: str) -> CompletionClaim:
    if is_completed(session, task.id):
        raise ValidationError(TASK_COMPLETED)
    existing = _pending(session, task.id)
    if existing is not None:
        session.refresh(existing)
        if _same_submission(existing, actor, ids):
            return existing
        raise ValidationError(ALREADY_PENDING)
    usable = session.scalars(
        select(EvidenceFile.id).join(User, User.id == EvidenceFile.uploaded_by_id)
        .where(EvidenceFile.id.in_(ids), EvidenceFile.task_id == task.id,
               EvidenceFile.claim_id.is_(None), User.unit_id == actor.unit_id)).all()
    if sorted(usable) != ids:
        # Same answer for a file that does not exist, belongs to another unit or task, or
        # is already attached: nothing about other units' files is revealed.
        raise ValidationError(EVIDENCE_UNAVAILABLE)
    needs_head = head_confirmation.needs_head(session, actor=actor, task=task)
    claim = CompletionClaim(task_id=task.id, unit_id=actor.unit_id, claimant_id=actor.id,
                            note=(note or "").strip(),
                            state=ClaimState.AWAITING_HEAD if needs_head else ClaimState.PENDING,
                            follows_claim_id=claim_chain.claim_to_follow(session, task.id),
                            created_at=now_utc())
    session.add(claim)
    session.flush()
    # Attach only files still staged; anything less than all of them undoes the claim
    # (the savepoint in file_claim rolls it back).
    attached = session.execute(
        update(EvidenceFile).where(EvidenceFile.id.in_(ids), EvidenceFile.claim_id.is_(None))
        .values(claim_id=claim.id).execution_options(synchronize_session=False)).rowcount
    if attached != len(ids):
        raise ValidationError(EVIDENCE_UNAVAILABLE)
    session.expire(claim, ["evidence"])
    for evidence in session.scalars(select(EvidenceFile).where(EvidenceFile.id.in_(ids))):
        session.refresh(evidence, ["claim_id"])
    audit_trail.record(session, actor=actor, action="claim.file", object_type="claim", object_id=claim.id,
                 after={"task_id": task.id, "evidence": ids, "state": claim.state.value,
                        "follows": claim.follows_claim_id})
    if needs_head:
        head_confirmation.notify_heads(session, claim=claim)
        return claim
    if permissions.is_unit_head(actor, actor.unit_id) and task_plan_requires_head(session, task):
        # A claim filed by the head is confirmed by filing it.
        head_confirmation.record_confirmation(session, actor=actor, claim=claim,
                                              note="Thủ trưởng đơn vị trực tiếp đề nghị.")
    notifications.notify(
        session, users=notifications.reviewers(session, task.plan.ward_id), kind="claim.new",
        message=f"{task.lead_unit.name if task.lead_unit else 'Đơn vị'} đề nghị công nhận hoàn "
                f"thành nhiệm vụ {task.code}.",
        link=f"/tham-dinh/{claim.id}",
    )
    return claim


def withdraw_claim(session: Session, *, actor: User, claim_id: int) -> CompletionClaim:
    """Withdraws a pending claim of the user's unit. Its files stay, attached to it."""
    permissions.require(actor, Capability.FILE_CLAIM)
    claim = session.get(CompletionClaim, claim_id)
    if claim is None or claim.unit_id != actor.unit_id:
        raise NotFound("Không tìm thấy đề nghị.")
    if claim.state not in OPEN_STATES:
        raise ValidationError("Chỉ rút được đề nghị đang chờ thẩm định.")
    before = claim.state.value
    claim.state = ClaimState.WITHDRAWN
    claim.decided_at = now_utc()
    session.flush()
    audit_trail.record(session, actor=actor, action="claim.withdraw", object_type="claim",
                 object_id=claim.id, before={"state": before}, after={"state": "withdrawn"})
    return claim


def withdraw_pending(session: Session, *, actor: Actor, task_id: int) -> CompletionClaim:
    """Withdraws the pending claim of a task the actor's unit leads (the unit's "Rút đề
    nghị" button).

    A task the actor may not see, and one without a pending claim, get the same answer as
    far as they can tell: nothing about other units' tasks is revealed."""
    permissions.require(actor, Capability.FILE_CLAIM)
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if not permissions.is_lead_member(actor, task):
        raise PermissionDenied("Chỉ cán bộ của đơn vị chủ trì được rút đề nghị.")
    lock_task(session, task.id)
    pending = _pending(session, task.id)
    if pending is None:
        # A repeated click answers as the first did when the task's newest claim is the
        # one the unit withdrew; anything else has really nothing left to withdraw.
        newest = session.scalar(select(CompletionClaim).where(
            CompletionClaim.task_id == task.id).order_by(CompletionClaim.id.desc()).limit(1))
        if (newest is not None and newest.state == ClaimState.WITHDRAWN
                and newest.unit_id == actor.unit_id):
            return newest
        raise ValidationError("Không còn đề nghị nào đang chờ thẩm định.")
    return withdraw_claim(session, actor=actor, claim_id=pending.id)


def claims_of_task(session: Session, *, actor: User, task_id: int) -> list[CompletionClaim]:
    """Every claim of a task the user may see, oldest first, with evidence and reviews."""
    permissions.require(actor, Capability.VIEW_TASKS)
    permissions.require_task_visible(actor, session.get(Task, task_id))
    query = (select(CompletionClaim).where(CompletionClaim.task_id == task_id)
             .options(selectinload(CompletionClaim.evidence),
                      selectinload(CompletionClaim.reviews),
                      selectinload(CompletionClaim.confirmation))
             .order_by(CompletionClaim.id))
    if not head_confirmation.sees_unit_steps(actor, session.get(Task, task_id)):
        # Outside the unit, a claim exists once its head has confirmed it.
        query = query.where(CompletionClaim.state.not_in(head_confirmation.UNIT_STEP_STATES))
    return list(session.scalars(query))


# The task's newest claim the office saw, with its decision (one review at most per claim).
_LATEST_DECIDED = (
    select(CompletionClaim.state, Review.id.label("review_id"), Review.reason_code,
           Review.reason_text)
    .outerjoin(Review, Review.claim_id == CompletionClaim.id)
    .where(CompletionClaim.task_id == bindparam("task_id", type_=Integer),
           CompletionClaim.state.in_(constants(OFFICE_STATES)))
    .order_by(CompletionClaim.id.desc()).limit(number(1)))


def latest_rejection_reason(session: Session, *, actor: User, task_id: int) -> str | None:
    """The reason the task's newest claim was rejected, when that is where it stands."""
    from workflow.reviews import reason_label

    permissions.require(actor, Capability.VIEW_TASKS)
    permissions.require_task_visible(actor, session.get(Task, task_id))
    latest = run(session, _LATEST_DECIDED, {"task_id": task_id}).first()
    if latest is None or latest.state != ClaimState.REJECTED or latest.review_id is None:
        return None
    return reason_label(latest)


def filed_message(claim: CompletionClaim) -> str:
    """What the unit is told once its claim is filed: where the claim goes next."""
    next_step = ("thủ trưởng đơn vị sẽ xác nhận trước khi chuyển Văn phòng Đảng ủy"
                 if claim.state == ClaimState.AWAITING_HEAD else "Văn phòng Đảng ủy sẽ thẩm định")
    return (f"Đã gửi đề nghị công nhận hoàn thành nhiệm vụ {claim.task.code} kèm "
            f"{len(claim.evidence)} file minh chứng; {next_step}.")
