"""Completion claims (đề nghị công nhận hoàn thành): filed with evidence, withdrawn while
pending. No evidence, no claim; one pending claim per task at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import ClaimState, CompletionClaim, EvidenceFile, Task, User
from workflow import audit, notifications, permissions
from workflow.clock import now_utc
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.permissions import Capability

MAX_NOTE = 5000
NO_EVIDENCE = "Đề nghị công nhận hoàn thành phải kèm ít nhất một file minh chứng hợp lệ."


def pending_claim(session: Session, task_id: int) -> CompletionClaim | None:
    """The task's pending claim, if any."""
    return session.scalar(select(CompletionClaim).where(
        CompletionClaim.task_id == task_id, CompletionClaim.state == ClaimState.PENDING))


def file_claim(
    session: Session,
    *,
    user: User,
    task_id: int,
    evidence_ids: Sequence[int],
    note: str = "",
) -> CompletionClaim:
    """Files a claim for the task with the user's staged evidence files attached."""
    permissions.require(user, Capability.FILE_CLAIM)
    task = permissions.require_task_visible(user, session.get(Task, task_id))
    if not permissions.is_lead_member(user, task):
        raise PermissionDenied("Chỉ cán bộ của đơn vị chủ trì được đề nghị công nhận hoàn thành.")
    if len(note or "") > MAX_NOTE:
        raise ValidationError(f"Ghi chú không quá {MAX_NOTE} ký tự.")
    if pending_claim(session, task.id) is not None:
        raise ValidationError("Nhiệm vụ đã có đề nghị đang chờ thẩm định; "
                              "vui lòng chờ kết quả hoặc rút đề nghị trước.")
    ids = sorted({int(i) for i in evidence_ids or []})
    if not ids:
        raise ValidationError(NO_EVIDENCE)
    files = list(session.scalars(select(EvidenceFile).where(EvidenceFile.id.in_(ids))))
    if len(files) != len(ids):
        raise ValidationError("Có file minh chứng không tồn tại; vui lòng tải lại.")
    for evidence in files:
        if evidence.task_id != task.id or evidence.claim_id is not None:
            raise ValidationError(f"File “{evidence.original_name}” không thuộc đề nghị này.")
        uploader = session.get(User, evidence.uploaded_by_id)
        if uploader is None or uploader.unit_id != user.unit_id:
            raise ValidationError(f"File “{evidence.original_name}” không thuộc đề nghị này.")
    claim = CompletionClaim(task_id=task.id, unit_id=user.unit_id, claimant_id=user.id,
                            note=(note or "").strip(), state=ClaimState.PENDING,
                            created_at=now_utc())
    session.add(claim)
    session.flush()
    for evidence in files:
        evidence.claim_id = claim.id
    audit.record(session, actor=user, action="claim.file", object_type="claim", object_id=claim.id,
                 after={"task_id": task.id, "evidence": ids})
    notifications.notify(
        session, users=notifications.reviewers(session), kind="claim.new",
        message=f"{task.lead_unit.name if task.lead_unit else 'Đơn vị'} đề nghị công nhận hoàn "
                f"thành nhiệm vụ {task.code}.",
        link=f"/tham-dinh/{claim.id}",
    )
    return claim


def withdraw_claim(session: Session, *, user: User, claim_id: int) -> CompletionClaim:
    """Withdraws a pending claim of the user's unit. Its files stay, attached to it."""
    permissions.require(user, Capability.FILE_CLAIM)
    claim = session.get(CompletionClaim, claim_id)
    if claim is None or claim.unit_id != user.unit_id:
        raise NotFound("Không tìm thấy đề nghị.")
    if claim.state != ClaimState.PENDING:
        raise ValidationError("Chỉ rút được đề nghị đang chờ thẩm định.")
    claim.state = ClaimState.WITHDRAWN
    claim.decided_at = now_utc()
    session.flush()
    audit.record(session, actor=user, action="claim.withdraw", object_type="claim",
                 object_id=claim.id, before={"state": "pending"}, after={"state": "withdrawn"})
    return claim


def claims_of_task(session: Session, *, user: User, task_id: int) -> list[CompletionClaim]:
    """Every claim of a task the user may see, oldest first, with evidence and reviews."""
    permissions.require(user, Capability.VIEW_TASKS)
    permissions.require_task_visible(user, session.get(Task, task_id))
    return list(session.scalars(
        select(CompletionClaim).where(CompletionClaim.task_id == task_id)
        .options(selectinload(CompletionClaim.evidence), selectinload(CompletionClaim.reviews))
        .order_by(CompletionClaim.id)))


def latest_rejection_reason(session: Session, *, user: User, task_id: int) -> str | None:
    """The reason the task's newest claim was rejected, when that is where it stands."""
    from workflow.reviews import reason_label

    history = claims_of_task(session, user=user, task_id=task_id)
    decided = [c for c in history if c.state != ClaimState.WITHDRAWN]
    if not decided or decided[-1].state != ClaimState.REJECTED or not decided[-1].reviews:
        return None
    return reason_label(decided[-1].reviews[-1])
