"""The unit head answers for the unit's data (#16): a member's claim waits for the head's
confirmation ("Chờ thủ trưởng xác nhận") before it reaches the office queue, and monthly
progress reports are confirmed the same way when the plan asks for it.

The confirmation records the exact files (id, name, SHA-256), the head, the time and a note;
the database refuses any later change to it or to the files (migration 0009's triggers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db.models import (
    ClaimConfirmation,
    ClaimState,
    CompletionClaim,
    Plan,
    ProgressReport,
    ReportConfirmation,
    ReportPeriod,
    Role,
    Task,
    User,
)
from workflow import audit_trail, notifications, permissions, scope
from workflow.clock import now_utc
from workflow.errors import Conflict, NotFound, ValidationError
from workflow.locks import lock_task
from workflow.permissions import Actor, Capability

MAX_NOTE = 2000
NOT_FOUND = "Không tìm thấy đề nghị đang chờ thủ trưởng đơn vị xác nhận."
DECIDED_MEANWHILE = ("Đề nghị vừa được xử lý ở nơi khác (xác nhận, trả lại hoặc rút). Vui lòng "
                     "tải lại trang để xem tình trạng mới.")


@dataclass(frozen=True)
class WaitingClaim:
    """A claim of the head's unit waiting for confirmation."""

    claim_id: int
    version: int
    task_id: int
    task_code: str
    task_title: str
    claimant: str
    note: str
    created_at: datetime
    files: list[dict]
    follows_claim_id: int | None
    # Against the claim it follows (rejected or returned): files added, kept, removed.
    changes: object | None = None
    follows_reason: str = ""


def task_plan_requires_head(session: Session, task: Task) -> bool:
    """Whether the task's plan asks for the unit head's confirmation of claims."""
    plan = session.get(Plan, task.plan_id)
    return bool(plan and plan.require_head_confirmation)


def needs_head(session: Session, *, actor: User, task: Task) -> bool:
    """Whether a claim the actor files for the task must wait for the unit head."""
    return (task_plan_requires_head(session, task)
            and not permissions.is_unit_head(actor, actor.unit_id))


# A claim with the unit head, or returned by it: the lead unit's own step, which the office
# and everyone outside the unit never see.
UNIT_STEP_STATES = (ClaimState.AWAITING_HEAD, ClaimState.RETURNED)


def sees_unit_steps(actor: Actor, task: Task | None) -> bool:
    """Whether the actor sees the lead unit's own steps (claims with or returned by its
    head): the lead unit's members and heads do, the office and everyone else do not."""
    return (task is not None and not isinstance(actor, permissions.SystemActor)
            and getattr(actor, "role", None) in permissions.UNIT_ROLES
            and actor.unit_id is not None and actor.unit_id == task.lead_unit_id)


def file_list(claim: CompletionClaim) -> list[dict]:
    """The claim's files as a confirmation records them."""
    return [{"id": e.id, "name": e.original_name, "sha256": e.sha256, "size": e.size_bytes}
            for e in claim.evidence]


def record_confirmation(session: Session, *, actor: User, claim: CompletionClaim,
                        note: str = "") -> ClaimConfirmation:
    """Writes the (only) confirmation of a claim, naming its files as they are now."""
    session.refresh(claim, ["evidence"])
    confirmation = ClaimConfirmation(claim_id=claim.id, head_id=actor.id,
                                     files=file_list(claim), note=(note or "").strip(),
                                     confirmed_at=now_utc())
    session.add(confirmation)
    session.flush()
    audit_trail.record(session, actor=actor, action="claim.confirm", object_type="claim",
                       object_id=claim.id,
                       after={"files": [f["sha256"] for f in confirmation.files],
                              "note": confirmation.note})
    return confirmation


def notify_heads(session: Session, *, claim: CompletionClaim) -> None:
    """Tells the unit's heads that a claim waits for them; with no head, the admins, who
    must name one (the claim waits: nothing reaches the office unconfirmed)."""
    task = claim.task
    if not notifications.unit_heads(session, claim.unit_id):
        admins = session.scalars(select(User).where(User.role == Role.ADMIN,
                                                    User.is_active.is_(True))).all()
        notifications.notify(
            session, users=admins, kind="claim.no_head",
            message=f"{claim.unit.name} chưa có tài khoản thủ trưởng đơn vị: đề nghị nhiệm vụ "
                    f"{task.code} đang chờ xác nhận. Vui lòng tạo tài khoản thủ trưởng.",
            link="/quan-tri/tai-khoan", dedupe_key=f"no-head:{claim.id}")
    notifications.notify(
        session, users=notifications.unit_heads(session, claim.unit_id), kind="claim.head",
        message=f"{claim.claimant.full_name} đề nghị công nhận hoàn thành nhiệm vụ "
                f"{task.code}; chờ thủ trưởng xác nhận.",
        link="/xac-nhan")


def _claim_for_head(session: Session, actor: Actor, claim_id: int) -> CompletionClaim:
    permissions.require(actor, Capability.CONFIRM_FOR_UNIT)
    try:
        claim = session.get(CompletionClaim, int(claim_id))
    except (TypeError, ValueError):
        claim = None
    # A claim of another unit gets the same answer as one that does not exist.
    if claim is None or not permissions.is_unit_head(actor, claim.unit_id):
        raise NotFound(NOT_FOUND)
    return claim


def waiting(session: Session, *, actor: Actor) -> list[WaitingClaim]:
    """The head's unit's claims waiting for confirmation, oldest first; a claim filed again
    shows what changed against the one it follows and why that one was turned down."""
    from workflow.claim_chain import compare_files
    from workflow.reviews import reason_label

    permissions.require(actor, Capability.CONFIRM_FOR_UNIT)
    claims = session.scalars(
        select(CompletionClaim).where(CompletionClaim.unit_id == actor.unit_id,
                                      CompletionClaim.state == ClaimState.AWAITING_HEAD)
        .options(selectinload(CompletionClaim.evidence), selectinload(CompletionClaim.task),
                 selectinload(CompletionClaim.claimant))
        .order_by(CompletionClaim.created_at, CompletionClaim.id))
    claims = list(claims)
    earlier = {c.id: c for c in session.scalars(
        select(CompletionClaim).where(CompletionClaim.id.in_(
            [c.follows_claim_id for c in claims if c.follows_claim_id]))
        .options(selectinload(CompletionClaim.evidence),
                 selectinload(CompletionClaim.reviews)))}
    items = []
    for c in claims:
        previous = earlier.get(c.follows_claim_id)
        changes = reason = None
        if previous is not None:
            changes = compare_files([(e.original_name, e.sha256) for e in previous.evidence],
                                    [(e.original_name, e.sha256) for e in c.evidence])
            reason = (reason_label(previous.reviews[-1]) if previous.reviews
                      else previous.return_reason)
        items.append(WaitingClaim(c.id, c.version, c.task_id, c.task.code, c.task.title,
                                  c.claimant.full_name, c.note, c.created_at, file_list(c),
                                  c.follows_claim_id, changes, reason or ""))
    return items


def _lock_still_waiting(session: Session, claim: CompletionClaim, version: int) -> None:
    """Holds the task and refuses a claim another request has confirmed or returned since the
    head saw it (the version the page showed)."""
    lock_task(session, claim.task_id)
    session.refresh(claim)
    if claim.state != ClaimState.AWAITING_HEAD or claim.version != int(version):
        raise Conflict(DECIDED_MEANWHILE)


def confirm(session: Session, *, actor: Actor, claim_id: int, version: int,
            note: str = "") -> ClaimConfirmation:
    """Confirms a claim of the head's unit: it goes to the office queue with its files
    recorded as they are now."""
    claim = _claim_for_head(session, actor, claim_id)
    if len(note or "") > MAX_NOTE:
        raise ValidationError(f"Ghi chú không quá {MAX_NOTE} ký tự.")
    _lock_still_waiting(session, claim, version)
    try:
        with session.begin_nested():
            claim.state = ClaimState.PENDING
            session.flush()
            confirmation = record_confirmation(session, actor=actor, claim=claim, note=note)
    except (StaleDataError, IntegrityError):
        raise Conflict(DECIDED_MEANWHILE) from None
    task = claim.task
    notifications.notify(
        session, users=notifications.reviewers(session, task.plan.ward_id), kind="claim.new",
        message=f"{task.lead_unit.name if task.lead_unit else 'Đơn vị'} đề nghị công nhận hoàn "
                f"thành nhiệm vụ {task.code} (thủ trưởng đã xác nhận).",
        link=f"/tham-dinh/{claim.id}")
    return confirmation


def return_claim(session: Session, *, actor: Actor, claim_id: int, version: int,
                 reason: str) -> CompletionClaim:
    """Returns a claim to the member with a reason; the member may file a new one."""
    claim = _claim_for_head(session, actor, claim_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Vui lòng nêu lý do trả lại để cán bộ biết cần bổ sung gì.")
    if len(reason) > MAX_NOTE:
        raise ValidationError(f"Lý do không quá {MAX_NOTE} ký tự.")
    _lock_still_waiting(session, claim, version)
    try:
        with session.begin_nested():
            claim.state = ClaimState.RETURNED
            claim.returned_by_id = actor.id
            claim.return_reason = reason
            claim.decided_at = now_utc()
            session.flush()
    except StaleDataError:
        raise Conflict(DECIDED_MEANWHILE) from None
    audit_trail.record(session, actor=actor, action="claim.return", object_type="claim",
                       object_id=claim.id, before={"state": "awaiting_head"},
                       after={"state": "returned", "reason": reason})
    notifications.notify(
        session, users=[claim.claimant], kind="claim.returned",
        message=f"Thủ trưởng đơn vị trả lại đề nghị nhiệm vụ {claim.task.code}: {reason}",
        link=f"/nhiem-vu/{claim.task_id}")
    return claim


# Monthly progress reports -------------------------------------------------------------


def report_needs_head(session: Session, report: ProgressReport) -> bool:
    """Whether a report waits for the head: a monthly report under a plan that asks for it."""
    plan = session.get(Plan, report.task.plan_id)
    return bool(plan and plan.require_head_report_confirmation
                and report.period_kind == ReportPeriod.MONTH)


def after_report(session: Session, *, actor: User, report: ProgressReport) -> None:
    """A monthly report filed by the head is confirmed by filing it; one filed by a member
    waits for the head, who is told."""
    if not report_needs_head(session, report):
        return
    if permissions.is_unit_head(actor, report.unit_id):
        _confirm_report_row(session, actor=actor, report=report, note="")
        return
    notifications.notify(
        session, users=notifications.unit_heads(session, report.unit_id), kind="report.head",
        message=f"Báo cáo tiến độ tháng {report.period_label} nhiệm vụ {report.task.code} "
                "chờ thủ trưởng xác nhận.", link="/xac-nhan")


def _confirm_report_row(session: Session, *, actor: User, report: ProgressReport,
                        note: str) -> ReportConfirmation:
    row = ReportConfirmation(report_id=report.id, head_id=actor.id, note=(note or "").strip(),
                             confirmed_at=now_utc())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict("Báo cáo này đã được xác nhận.") from None
    audit_trail.record(session, actor=actor, action="progress.confirm", object_type="task",
                       object_id=report.task_id, after={"report_id": report.id})
    return row


def reports_waiting(session: Session, *, actor: Actor) -> list[ProgressReport]:
    """The head's unit's monthly reports that wait for confirmation, oldest first."""
    permissions.require(actor, Capability.CONFIRM_FOR_UNIT)
    confirmed = select(ReportConfirmation.report_id)
    return list(session.scalars(
        select(ProgressReport).join(Task, Task.id == ProgressReport.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(ProgressReport.unit_id == actor.unit_id,
               ProgressReport.period_kind == ReportPeriod.MONTH,
               Plan.require_head_report_confirmation.is_(True),
               ProgressReport.id.not_in(confirmed))
        .options(selectinload(ProgressReport.task), selectinload(ProgressReport.author))
        .order_by(ProgressReport.id)))


def confirm_report(session: Session, *, actor: Actor, report_id: int,
                   note: str = "") -> ReportConfirmation:
    """Confirms a monthly progress report of the head's unit."""
    permissions.require(actor, Capability.CONFIRM_FOR_UNIT)
    report = session.get(ProgressReport, report_id)
    if report is None or not permissions.is_unit_head(actor, report.unit_id) \
            or not report_needs_head(session, report):
        raise NotFound("Không tìm thấy báo cáo đang chờ thủ trưởng đơn vị xác nhận.")
    if len(note or "") > MAX_NOTE:
        raise ValidationError(f"Ghi chú không quá {MAX_NOTE} ký tự.")
    return _confirm_report_row(session, actor=actor, report=report, note=note)


def report_confirmation(session: Session, report_id: int) -> ReportConfirmation | None:
    """The confirmation of a report, if any."""
    return session.scalar(select(ReportConfirmation)
                          .where(ReportConfirmation.report_id == report_id))


def is_head_role(user: Actor) -> bool:
    """Whether the account is a unit head (for layouts choosing what to show)."""
    return getattr(user, "role", None) == Role.UNIT_HEAD


@dataclass(frozen=True)
class UnitClaimState:
    """What the lead unit sees of its own claim steps on the task page."""

    awaiting_head: bool
    return_reason: str | None
    latest_claim_id: int | None


def unit_claim_state(session: Session, *, actor: Actor, task_id: int) -> UnitClaimState:
    """Whether the task's open claim waits for the head, the head's reason when the newest
    claim was returned, and the newest claim the actor may see (for its chain)."""
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    rows = session.execute(
        select(CompletionClaim.id, CompletionClaim.state, CompletionClaim.return_reason)
        .where(CompletionClaim.task_id == task.id,
               CompletionClaim.state != ClaimState.WITHDRAWN)
        .order_by(CompletionClaim.id.desc())).all()
    if not sees_unit_steps(actor, task):
        rows = [r for r in rows if r.state not in UNIT_STEP_STATES]
    if not rows:
        return UnitClaimState(False, None, None)
    newest = rows[0]
    return UnitClaimState(newest.state == ClaimState.AWAITING_HEAD,
                          newest.return_reason if newest.state == ClaimState.RETURNED else None,
                          newest.id)


def set_plan_settings(session: Session, *, actor: Actor, plan_id: int, claims: bool,
                      reports: bool) -> Plan:
    """The admin turns the head's confirmation of claims and of monthly reports on or off."""
    permissions.require(actor, Capability.MANAGE_CALENDAR)
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.in_scope(actor, plan.ward_id):  # another ward's: unseen
        raise NotFound("Không tìm thấy kế hoạch.")
    before = {"claims": plan.require_head_confirmation,
              "reports": plan.require_head_report_confirmation}
    plan.require_head_confirmation = bool(claims)
    plan.require_head_report_confirmation = bool(reports)
    session.flush()
    audit_trail.record(session, actor=actor, action="plan.head_settings", object_type="plan",
                       object_id=plan.id, before=before,
                       after={"claims": bool(claims), "reports": bool(reports)})
    return plan
