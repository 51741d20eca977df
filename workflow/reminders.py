"""Reminders before deadlines and before the monthly reporting day, sent once each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Plan, Task
from workflow import notifications
from workflow.clock import format_date
from workflow.status import TaskStatus, status_expression

DEADLINE_DAYS = (7, 1)
REPORTING_DAY_NOTICE = 3


@dataclass(frozen=True)
class ReminderRun:
    """What a run sent."""

    deadline_reminders: int
    reporting_reminders: int


def send_reminders(session: Session, *, as_of: date) -> ReminderRun:
    """Notifies lead-unit members 7 days and 1 day before a deadline, and every unit with
    open tasks 3 days before the reporting day. Each reminder goes out once (dedupe key)."""
    plan = session.scalar(select(Plan).order_by(Plan.year.desc(), Plan.id.desc()))
    if plan is None:
        return ReminderRun(0, 0)
    open_tasks = session.execute(
        select(Task, status_expression()).where(
            Task.plan_id == plan.id, Task.removed_from_plan_at.is_(None),
            Task.lead_unit_id.is_not(None))).all()
    open_tasks = [task for task, status in open_tasks
                  if status not in (TaskStatus.COMPLETED.value, TaskStatus.PENDING_REVIEW.value)]
    deadline_sent = 0
    for task in open_tasks:
        if task.deadline_date is None:
            continue
        days_left = (task.deadline_date - as_of).days
        if days_left in DEADLINE_DAYS:
            created = notifications.notify(
                session, users=notifications.unit_members(session, task.lead_unit_id),
                kind="reminder.deadline",
                message=f"Nhiệm vụ {task.code} đến hạn ngày {format_date(task.deadline_date)} "
                        f"(còn {days_left} ngày). Vui lòng cập nhật tiến độ và nộp minh chứng.",
                link=f"/nhiem-vu/{task.id}",
                dedupe_key=f"deadline:{task.id}:{task.deadline_date.isoformat()}:{days_left}")
            deadline_sent += len(created)
    reporting_sent = 0
    reporting_day = date(as_of.year, as_of.month, min(plan.reporting_day or 18, 28))
    if reporting_day - timedelta(days=REPORTING_DAY_NOTICE) == as_of:
        for unit_id in sorted({task.lead_unit_id for task in open_tasks}):
            count = sum(1 for task in open_tasks if task.lead_unit_id == unit_id)
            created = notifications.notify(
                session, users=notifications.unit_members(session, unit_id),
                kind="reminder.report",
                message=f"Hạn báo cáo tiến độ tháng {as_of.month:02d}/{as_of.year} là ngày "
                        f"{format_date(reporting_day)}: đơn vị còn {count} nhiệm vụ cần cập nhật.",
                link="/", dedupe_key=f"report:{unit_id}:{reporting_day.isoformat()}")
            reporting_sent += len(created)
    return ReminderRun(deadline_sent, reporting_sent)
