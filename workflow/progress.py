"""Progress reports (báo cáo tiến độ): append-only, by the units involved in a task."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProgressReport, ReportPeriod, Task, User
from workflow import audit_trail, permissions
from workflow.clock import now_utc, today
from workflow.errors import PermissionDenied, ValidationError
from workflow.periods import period_of
from workflow.permissions import Capability
from workflow.status import is_completed

MAX_TEXT = 5000


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
) -> ProgressReport:
    """Records the unit's progress on a task for the current period."""
    permissions.require(actor, Capability.REPORT_PROGRESS)
    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if not permissions.unit_involved(actor, task):
        raise PermissionDenied("Chỉ đơn vị chủ trì hoặc phối hợp được báo cáo tiến độ nhiệm vụ này.")
    if is_completed(session, task.id):
        raise ValidationError("Nhiệm vụ đã được công nhận hoàn thành; không nhận thêm báo cáo "
                              "tiến độ.")
    try:
        value = int(str(percent).strip())
    except (TypeError, ValueError):
        raise ValidationError("Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.") from None
    if not 0 <= value <= 100:
        raise ValidationError("Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.")
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
        proposals=(proposals or "").strip(), created_at=now_utc(),
    )
    session.add(report)
    session.flush()
    audit_trail.record(session, actor=actor, action="progress.report", object_type="task",
                 object_id=task.id, after={"percent": value, "period": period.label,
                                           "report_id": report.id})
    return report


def history(session: Session, *, actor: User, task_id: int,
            limit: int | None = None) -> list[ProgressReport]:
    """The progress reports of a task the user may see, newest first (the ``limit`` newest)."""
    permissions.require(actor, Capability.VIEW_TASKS)
    permissions.require_task_visible(actor, session.get(Task, task_id))
    return list(session.scalars(select(ProgressReport).where(ProgressReport.task_id == task_id)
                                .order_by(ProgressReport.id.desc()).limit(limit)))
