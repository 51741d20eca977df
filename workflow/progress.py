"""Progress reports (báo cáo tiến độ): append-only, by the units involved in a task."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ProgressReport, ReportPeriod, Task, User
from workflow import audit_trail, head_confirmation, kpi_targets, permissions
from workflow.clock import now_utc, today
from workflow.errors import PermissionDenied, ValidationError
from workflow.periods import period_of
from workflow.permissions import Capability
from workflow.status import is_completed

MAX_TEXT = 5000
MAX_TOKEN = 64


def report_progress(
    session: Session,
    *,
    actor: User,
    task_id: int,
    percent: int | str | None,
    narrative: str = "",
    difficulties: str = "",
    proposals: str = "",
    period_kind: ReportPeriod | str = ReportPeriod.MONTH,
    kpi_value: float | str | None = None,
    kpi_numerator: float | str | None = None,
    kpi_denominator: float | str | None = None,
    override_reason: str | None = None,
    request_token: str | None = None,
) -> ProgressReport:
    """Records the unit's progress on a task for the current period. When the task has a
    numeric target, the value reached (for rates also numerator and denominator) gives the
    completion %, unless the unit gives another % with a reason (workflow.kpi_targets).

    ``request_token`` is drawn by the form when it is shown; a repeated submission with the
    same token (double click, retried request) returns the report already filed. A unique
    index holds this under concurrency too."""
    permissions.require(actor, Capability.REPORT_PROGRESS)
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if not permissions.unit_involved(actor, task):
        raise PermissionDenied("Chỉ đơn vị chủ trì hoặc phối hợp được báo cáo tiến độ nhiệm vụ này.")
    token = (request_token or "").strip() or None
    if token is not None:
        if len(token) > MAX_TOKEN:
            raise ValidationError("Biểu mẫu không hợp lệ; vui lòng tải lại trang.")
        repeated = _by_token(session, actor, task.id, token)
        if repeated is not None:
            return repeated
    if is_completed(session, task.id):
        raise ValidationError("Nhiệm vụ đã được công nhận hoàn thành; không nhận thêm báo cáo "
                              "tiến độ.")
    reading = kpi_targets.read_report(task, percent=percent, value=kpi_value,
                                      numerator=kpi_numerator, denominator=kpi_denominator,
                                      override_reason=override_reason)
    value = reading.percent
    if not (narrative or "").strip():
        raise ValidationError("Vui lòng nêu nội dung đã thực hiện.")
    if any(len(text or "") > MAX_TEXT for text in (narrative, difficulties, proposals)):
        raise ValidationError(f"Mỗi nội dung không quá {MAX_TEXT} ký tự.")
    try:
        kind = ReportPeriod(period_kind)
    except ValueError:
        raise ValidationError("Kỳ báo cáo không hợp lệ.") from None
    period = period_of(today(), kind)
    report = ProgressReport(
        task_id=task.id, unit_id=actor.unit_id, author_id=actor.id, period_kind=kind,
        period_start=period.start, period_label=period.label, percent_complete=value,
        narrative=narrative.strip(), difficulties=(difficulties or "").strip(),
        proposals=(proposals or "").strip(), kpi_value=reading.value,
        kpi_numerator=reading.numerator, kpi_denominator=reading.denominator,
        percent_override_reason=reading.override_reason, created_at=now_utc(),
        request_token=token,
    )
    try:
        # A savepoint: when a concurrent twin of this request won the race on the token,
        # only this insert is undone and the twin's report is the answer.
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        repeated = _by_token(session, actor, task.id, token) if token else None
        if repeated is None:
            raise ValidationError("Biểu mẫu không hợp lệ; vui lòng tải lại trang.") from None
        return repeated
    head_confirmation.after_report(session, actor=actor, report=report)
    audit_trail.record(session, actor=actor, action="progress.report", object_type="task",
                 object_id=task.id, after={"percent": value, "period": period.label,
                                           "report_id": report.id, "kpi_value": reading.value,
                                           "override": reading.override_reason})
    return report


def _by_token(session: Session, actor: User, task_id: int, token: str) -> ProgressReport | None:
    """The report this user already filed for this task with this token. A token used by
    someone else (or for another task) is refused rather than answered with their report."""
    report = session.scalar(select(ProgressReport).where(ProgressReport.request_token == token))
    if report is None:
        return None
    if report.author_id != actor.id or report.task_id != task_id:
        raise ValidationError("Biểu mẫu không hợp lệ; vui lòng tải lại trang.")
    return report


def history(session: Session, *, actor: User, task_id: int,
            limit: int | None = None) -> list[ProgressReport]:
    """The progress reports of a task the user may see, newest first (the ``limit`` newest)."""
    permissions.require(actor, Capability.VIEW_TASKS)
    permissions.require_task_visible(actor, session.get(Task, task_id))
    return list(session.scalars(select(ProgressReport).where(ProgressReport.task_id == task_id)
                                .order_by(ProgressReport.id.desc()).limit(limit)))
