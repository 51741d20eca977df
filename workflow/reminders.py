"""Reminders before deadlines and before the plan calendar's reporting days, sent once each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Task
from workflow import notifications, permissions, review_deadlines
from workflow.clock import format_date
from workflow.permissions import Actor, Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import UNIT_REPORT, calendar_of, deadlines_between, unit_due
from workflow.status import TaskStatus, status_expression

DEADLINE_DAYS = (7, 1)
REPORTING_DAY_NOTICE = 3


@dataclass(frozen=True)
class ReminderRun:
    """What a run sent."""

    deadline_reminders: int
    reporting_reminders: int
    office_reminders: int = 0
    review_reminders: int = 0


def send_reminders(session: Session, *, actor: Actor, as_of: date,
                   plan_id: int | None = None) -> ReminderRun:
    """Notifies lead-unit members 7 days and 1 day before a deadline, and every unit with
    open tasks 3 days before the reporting day, and the office 3 days before each of its own
    deadlines (monthly aggregation, quarterly and year-end reports) of the plan's calendar.
    Each reminder goes out once (dedupe key)."""
    permissions.require(actor, Capability.SEND_REMINDERS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
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
    cal = calendar_of(plan)
    reporting_sent = 0
    reporting_day = unit_due(cal, as_of.year, as_of.month)
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
    office_sent = 0
    notice = as_of + timedelta(days=REPORTING_DAY_NOTICE)
    for deadline in deadlines_between(cal, as_of, notice):
        if deadline.kind == UNIT_REPORT or deadline.due != notice:
            continue
        created = notifications.notify(
            session, users=notifications.reviewers(session, plan.ward_id), kind="reminder.office",
            message=f"{deadline.label}: ngày {format_date(deadline.due)} (còn "
                    f"{REPORTING_DAY_NOTICE} ngày). Vui lòng lập báo cáo định kỳ.",
            link="/bao-cao-dinh-ky",
            dedupe_key=f"office:{deadline.kind}:{deadline.due.isoformat()}")
        office_sent += len(created)
    review_sent = review_deadlines.remind_office_head(session, actor=actor, as_of=as_of)
    return ReminderRun(deadline_sent, reporting_sent, office_sent, review_sent)
