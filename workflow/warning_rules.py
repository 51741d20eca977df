"""Warning lists (plan IV.2.4): which tasks to warn about as of a date, and why.

Rules, evaluated on the history as it stood at the end of ``as_of`` (Asia/Ho_Chi_Minh):
- overdue: the deadline passed (strictly before as_of) and the task was not "hoàn thành";
- behind_schedule: actual completion % < 50% of the expected %, the expected % being the
  elapsed share of the window from plan start to deadline (recurring tasks: the plan year);
- poor_evidence: the latest claim was rejected;
- missing_report: no progress report in the period by the reporting day (e.g. the 18th).
Tasks whose deadline is conditional and has no date are never overdue; they are listed apart
as "chưa xác định thời hạn" so that the office sets one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    CompletionClaim,
    DeadlineKind,
    ProgressReport,
    Task,
    Unit,
)
from workflow import permissions
from workflow.clock import LOCAL_TZ
from workflow.kpi_targets import value_vs_target
from workflow.periods import period_of
from workflow.permissions import Actor, Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import calendar_of, unit_due

OVERDUE, BEHIND, POOR_EVIDENCE, MISSING_REPORT = (
    "overdue", "behind_schedule", "poor_evidence", "missing_report")
REASON_LABELS = {
    OVERDUE: "Quá hạn",
    BEHIND: "Chậm tiến độ (dưới 50% lộ trình)",
    POOR_EVIDENCE: "Minh chứng không đạt",
    MISSING_REPORT: "Chưa báo cáo tiến độ",
}
BEHIND_FACTOR = 0.5


@dataclass(frozen=True)
class Period:
    """The month or quarter a warning list covers."""

    kind: str  # "month" | "quarter"
    start: date
    end: date
    label: str  # "Tháng 10/2026", "Quý IV/2026"
    title: str  # "THÁNG 10/2026", "QUÝ IV/2026"


def period_for(as_of: date, kind: str) -> Period:
    """The month or quarter that contains ``as_of``."""
    if kind not in ("month", "quarter"):
        raise ValueError(kind)
    period = period_of(as_of, kind)
    return Period(kind, period.start, period.end, period.label, period.label.upper())


@dataclass
class WarningItem:
    """One task to warn about, with the figures behind each reason."""

    task_id: int
    task_code: str
    task_title: str
    unit_id: int | None
    unit_name: str
    deadline_text: str
    deadline: date | None
    reasons: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The CLI's JSON object."""
        return {"task_id": self.task_id, "task_code": self.task_code,
                "task_title": self.task_title,
                "unit": self.unit_name, "reasons": list(self.reasons),
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "deadline_text": self.deadline_text, **self.details}


@dataclass
class WarningReport:
    """The evaluated list and the tasks that still need a deadline."""

    as_of: date
    period: Period
    items: list[WarningItem]
    undetermined: list[WarningItem]

    def by_unit(self) -> dict[str, list[WarningItem]]:
        """Rows grouped by lead unit, units in name order."""
        groups: dict[str, list[WarningItem]] = defaultdict(list)
        for item in self.items:
            groups[item.unit_name].append(item)
        return dict(sorted(groups.items()))


def end_of_day(day: date) -> datetime:
    """The last instant of a local day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)


def expected_percent(start: date, deadline: date, as_of: date) -> float:
    """Elapsed share of the window start → deadline, in percent (0–100)."""
    if deadline <= start:
        return 100.0 if as_of >= deadline else 0.0
    elapsed = (min(as_of, deadline) - start).days
    return max(0.0, min(100.0, 100.0 * elapsed / (deadline - start).days))


@dataclass(frozen=True)
class _Claim:
    state: ClaimState
    created_at: datetime
    decided_at: datetime | None


def _claim_state_as_of(claim: _Claim, cutoff: datetime) -> ClaimState | None:
    if claim.created_at >= cutoff:
        return None
    if claim.decided_at is not None and claim.decided_at < cutoff:
        return claim.state
    return ClaimState.PENDING


def evaluate(session: Session, *, actor: Actor, as_of: date, period_kind: str = "month",
             plan_id: int | None = None) -> WarningReport:
    """Evaluates every active task of the plan (the ward's current plan when not given; a
    plan of another ward is NotFound)."""
    permissions.require(actor, Capability.VIEW_WARNINGS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    period = period_for(as_of, period_kind)
    if plan is None:
        return WarningReport(as_of, period, [], [])
    cutoff = end_of_day(as_of)
    tasks = list(session.scalars(select(Task).where(
        Task.plan_id == plan.id, Task.removed_from_plan_at.is_(None)).order_by(Task.position)))
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.ward_id == plan.ward_id))
                 .all())
    plan_tasks = select(Task.id).where(Task.plan_id == plan.id)
    # Plain tuples, not ORM objects: tens of thousands of reports are read per evaluation.
    reports: dict[int, list[tuple[int, date]]] = defaultdict(list)
    values: dict[int, float] = {}  # the newest KPI value reached, per task (#16)
    for task_id, percent, created, value in session.execute(
            select(ProgressReport.task_id, ProgressReport.percent_complete,
                   ProgressReport.created_at, ProgressReport.kpi_value)
            .where(ProgressReport.created_at < cutoff, ProgressReport.task_id.in_(plan_tasks))
            .order_by(ProgressReport.id)):
        reports[task_id].append((percent, created.astimezone(LOCAL_TZ).date()))
        if value is not None:
            values[task_id] = value
    claims: dict[int, list[_Claim]] = defaultdict(list)
    for task_id, state, created, decided in session.execute(
            select(CompletionClaim.task_id, CompletionClaim.state, CompletionClaim.created_at,
                   CompletionClaim.decided_at)
            .where(CompletionClaim.created_at < cutoff, CompletionClaim.task_id.in_(plan_tasks),
                   # Claims the office never saw (with or returned by the unit head).
                   CompletionClaim.state.not_in([ClaimState.AWAITING_HEAD,
                                                 ClaimState.RETURNED]))
            .order_by(CompletionClaim.id)):
        claims[task_id].append(_Claim(state, created, decided))
    due_day = unit_due(calendar_of(plan), as_of.year, as_of.month)
    items, undetermined = [], []
    for task in tasks:
        states = [s for s in (_claim_state_as_of(c, cutoff) for c in claims[task.id])
                  if s is not None and s != ClaimState.WITHDRAWN]
        latest_state = states[-1] if states else None
        completed = latest_state == ClaimState.APPROVED
        item = WarningItem(task.id, task.code, task.title, task.lead_unit_id,
                           units.get(task.lead_unit_id, "Chưa xác định đơn vị"),
                           task.deadline_text, task.deadline_date)
        if task.deadline_date is None:
            if task.deadline_kind in (DeadlineKind.CONDITIONAL, DeadlineKind.UNKNOWN):
                undetermined.append(item)
        elif not completed:
            if task.deadline_date < as_of:
                item.reasons.append(OVERDUE)
                item.details["days_late"] = (as_of - task.deadline_date).days
            task_reports = reports[task.id]
            actual = task_reports[-1][0] if task_reports else 0
            window_start = plan.start_date
            if task.deadline_kind == DeadlineKind.RECURRING:
                window_start = date(plan.year, 1, 1)
            expected = expected_percent(window_start, task.deadline_date, as_of)
            item.details["actual_percent"] = actual
            item.details["expected_percent"] = round(expected, 1)
            if task.kpi_target is not None:
                item.details["kpi"] = value_vs_target(values.get(task.id), task.kpi_target,
                                                      task.kpi_unit)
            if actual < BEHIND_FACTOR * expected:
                item.reasons.append(BEHIND)
        if latest_state == ClaimState.REJECTED:
            item.reasons.append(POOR_EVIDENCE)
        if not completed and as_of >= due_day:
            on_time = [day for _, day in reports[task.id] if period.start <= day <= due_day]
            if not on_time:
                item.reasons.append(MISSING_REPORT)
                item.details["reporting_day"] = due_day.isoformat()
        if item.reasons:
            items.append(item)
    return WarningReport(as_of, period, items, undetermined)
