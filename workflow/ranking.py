"""Unit ranking for commendation and criticism (plan IV.3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    CompletionClaim,
    ProgressReport,
    Task,
    Unit,
    User,
    WarningList,
    WarningRow,
)
from workflow import permissions
from workflow.clock import LOCAL_TZ
from workflow.periods import day_of_month, month_end
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import calendar_of
from workflow.warning_rules import end_of_day, start_of_day


@dataclass(frozen=True)
class UnitRank:
    """One unit's figures; rates are whole percentages (None when nothing to rate)."""

    unit_id: int
    unit_name: str
    tasks: int
    completed: int
    completed_on_time: int
    on_time_rate: int | None
    claims_decided: int
    claims_rejected: int
    rejection_rate: int | None
    warnings: int
    reports_expected: int
    reports_filed: int
    reports_on_time: int
    reporting_rate: int | None
    on_time_reporting_rate: int | None


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _reporting_months(start: date, as_of: date, reporting_day: int) -> list[tuple[date, date]]:
    """(first day, reporting day) of each month whose reporting day has passed."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (as_of.year, as_of.month):
        due = day_of_month(year, month, reporting_day)
        if due <= as_of:
            months.append((date(year, month, 1), due))
        year, month = (year + (month == 12), month % 12 + 1)
    return months


def rank_units(session: Session, *, actor: User, as_of: date,
               plan_id: int | None = None) -> list[UnitRank]:
    """Figures per lead unit for one plan (the ward's current plan unless named), best
    on-time completion first (office and leaders).

    Four statements whatever the plan's size: the plan's tasks, their decided claims, the
    first report of each task in each reporting month (grouped in the database), and the
    published warnings per unit.
    """
    permissions.require(actor, Capability.VIEW_ALL_TASKS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        return []
    cutoff = end_of_day(as_of)
    plan_tasks = select(Task.id).where(Task.plan_id == plan.id,
                                       Task.removed_from_plan_at.is_(None),
                                       Task.lead_unit_id.is_not(None))
    tasks = session.execute(
        select(Task.id, Task.lead_unit_id, Task.deadline_date, Unit.name)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.id.in_(plan_tasks))).all()
    claims: dict[int, list[tuple[ClaimState, datetime]]] = defaultdict(list)
    for task_id, state, decided_at in session.execute(
            select(CompletionClaim.task_id, CompletionClaim.state, CompletionClaim.decided_at)
            .where(CompletionClaim.task_id.in_(plan_tasks), CompletionClaim.created_at < cutoff,
                   CompletionClaim.decided_at < cutoff,
                   CompletionClaim.state.in_((ClaimState.APPROVED, ClaimState.REJECTED)))
            .order_by(CompletionClaim.id)):
        claims[task_id].append((state, decided_at))
    months = _reporting_months(plan.start_date, as_of, calendar_of(plan).unit_day)
    # (task, month index) -> local date of the task's first report in that month.
    first_report: dict[tuple[int, int], date] = {}
    if months:
        bounds = [(start_of_day(first), end_of_day(month_end(first.year, first.month)))
                  for first, _ in months]
        bucket = case(*[(and_(ProgressReport.created_at >= low, ProgressReport.created_at < high),
                          n) for n, (low, high) in enumerate(bounds)], else_=None).label("m")
        for task_id, month, first_at in session.execute(
                select(ProgressReport.task_id, bucket, func.min(ProgressReport.created_at))
                .where(ProgressReport.task_id.in_(plan_tasks),
                       ProgressReport.created_at >= bounds[0][0],
                       ProgressReport.created_at < cutoff)
                .group_by(ProgressReport.task_id, bucket)):
            if month is not None:
                first_report[(task_id, month)] = first_at.astimezone(LOCAL_TZ).date()
    warnings = dict(session.execute(
        select(WarningRow.unit_id, func.count())
        .join(WarningList, WarningList.id == WarningRow.warning_list_id)
        .where(WarningList.plan_id == plan.id, WarningRow.unit_id.is_not(None))
        .group_by(WarningRow.unit_id)).all())
    by_unit: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for task_id, unit_id, deadline, name in tasks:
        by_unit[unit_id].append((task_id, deadline))
        names[unit_id] = name
    ranking = []
    for unit_id, unit_tasks in by_unit.items():
        completed = on_time = decided = rejected = expected = filed = filed_on_time = 0
        for task_id, deadline in unit_tasks:
            decided_claims = claims[task_id]
            decided += len(decided_claims)
            rejected += sum(state == ClaimState.REJECTED for state, _ in decided_claims)
            approval = next((at for state, at in reversed(decided_claims)
                             if state == ClaimState.APPROVED), None)
            done_on = approval.astimezone(LOCAL_TZ).date() if approval else None
            if approval:
                completed += 1
                if deadline is None or done_on <= deadline:
                    on_time += 1
            for n, (first, due) in enumerate(months):
                if done_on is not None and done_on < first:
                    continue  # nothing to report once completed
                expected += 1
                day = first_report.get((task_id, n))
                if day is not None:
                    filed += 1
                    filed_on_time += day <= due
        ranking.append(UnitRank(
            unit_id=unit_id, unit_name=names.get(unit_id, ""), tasks=len(unit_tasks),
            completed=completed, completed_on_time=on_time,
            on_time_rate=_rate(on_time, len(unit_tasks)), claims_decided=decided,
            claims_rejected=rejected, rejection_rate=_rate(rejected, decided),
            warnings=warnings.get(unit_id, 0), reports_expected=expected, reports_filed=filed,
            reports_on_time=filed_on_time, reporting_rate=_rate(filed, expected),
            on_time_reporting_rate=_rate(filed_on_time, expected)))
    return sorted(ranking, key=lambda r: (-(r.on_time_rate or 0), -(r.reporting_rate or 0),
                                          r.warnings, r.unit_name))
