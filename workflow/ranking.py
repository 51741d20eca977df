"""Unit ranking for commendation and criticism (plan IV.3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
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
from workflow.warning_rules import end_of_day


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
    on-time completion first (office and leaders)."""
    permissions.require(actor, Capability.VIEW_ALL_TASKS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        return []
    cutoff = end_of_day(as_of)
    tasks = list(session.scalars(select(Task).where(Task.plan_id == plan.id,
                                                    Task.removed_from_plan_at.is_(None),
                                                    Task.lead_unit_id.is_not(None))))
    by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_unit[task.lead_unit_id].append(task)
    plan_tasks = select(Task.id).where(Task.plan_id == plan.id)
    claims: dict[int, list[CompletionClaim]] = defaultdict(list)
    for claim in session.scalars(select(CompletionClaim).where(
            CompletionClaim.created_at < cutoff, CompletionClaim.task_id.in_(plan_tasks))
            .order_by(CompletionClaim.id)):
        claims[claim.task_id].append(claim)
    reports: dict[int, list[date]] = defaultdict(list)
    for task_id, created in session.execute(select(ProgressReport.task_id,
                                                   ProgressReport.created_at).where(
            ProgressReport.created_at < cutoff, ProgressReport.task_id.in_(plan_tasks))):
        reports[task_id].append(created.astimezone(LOCAL_TZ).date())
    warnings: dict[int, int] = defaultdict(int)
    for (unit_id,) in session.execute(select(WarningRow.unit_id).join(
            WarningList, WarningList.id == WarningRow.warning_list_id).where(
            WarningList.plan_id == plan.id, WarningRow.unit_id.is_not(None))):
        warnings[unit_id] += 1
    months = _reporting_months(plan.start_date, as_of, calendar_of(plan).unit_day)
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.ward_id == plan.ward_id))
                 .all())
    ranking = []
    for unit_id, unit_tasks in by_unit.items():
        completed = on_time = decided = rejected = expected = filed = filed_on_time = 0
        for task in unit_tasks:
            decided_claims = [c for c in claims[task.id] if c.decided_at and c.decided_at < cutoff
                              and c.state in (ClaimState.APPROVED, ClaimState.REJECTED)]
            decided += len(decided_claims)
            rejected += sum(c.state == ClaimState.REJECTED for c in decided_claims)
            approval = next((c for c in reversed(decided_claims)
                             if c.state == ClaimState.APPROVED), None)
            done_on = approval.decided_at.astimezone(LOCAL_TZ).date() if approval else None
            if approval:
                completed += 1
                if task.deadline_date is None or done_on <= task.deadline_date:
                    on_time += 1
            for first, due in months:
                if done_on is not None and done_on < first:
                    continue  # nothing to report once completed
                expected += 1
                days = [d for d in reports[task.id] if first <= d]
                last_day = month_end(first.year, first.month)
                if any(d <= last_day for d in days):
                    filed += 1
                if any(d <= due for d in days):
                    filed_on_time += 1
        ranking.append(UnitRank(
            unit_id=unit_id, unit_name=names.get(unit_id, ""), tasks=len(unit_tasks),
            completed=completed, completed_on_time=on_time,
            on_time_rate=_rate(on_time, len(unit_tasks)), claims_decided=decided,
            claims_rejected=rejected, rejection_rate=_rate(rejected, decided),
            warnings=warnings[unit_id], reports_expected=expected, reports_filed=filed,
            reports_on_time=filed_on_time, reporting_rate=_rate(filed, expected),
            on_time_reporting_rate=_rate(filed_on_time, expected)))
    return sorted(ranking, key=lambda r: (-(r.on_time_rate or 0), -(r.reporting_rate or 0),
                                          r.warnings, r.unit_name))
