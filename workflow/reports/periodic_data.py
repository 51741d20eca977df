"""The figures of the periodic report (monthly, quarterly "sơ kết", year-end "tổng kết"),
taken from the same services as the dashboard, warning list and ranking, as of one date."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    Plan,
    ProgressReport,
    Task,
    Unit,
    User,
)
from workflow import permissions, reporting_calendar
from workflow.clock import LOCAL_TZ
from workflow.dashboard import dashboard
from workflow.errors import NotFound, ValidationError
from workflow.labels import REPORT_KIND_LABELS
from workflow.periods import ROMAN, quarter_of
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.ranking import UnitRank, rank_units
from workflow.status import TaskStatus
from workflow.warning_rules import WarningItem, end_of_day, evaluate

KINDS = ("month", "quarter", "year")
KIND_LABELS = REPORT_KIND_LABELS
COMMEND_AT_MOST = 3


@dataclass(frozen=True)
class ReportPeriod:
    """The period a report covers and how its title names it."""

    kind: str
    start: date
    end: date
    label: str        # "Tháng 05/2026", "Quý II/2026", "Năm 2026"
    title_phrase: str  # "tháng 05/2026", "quý II/2026", "năm 2026"


def report_period(kind: str, as_of: date) -> ReportPeriod:
    """The month, quarter or year containing ``as_of``."""
    if kind == "month":
        from workflow.periods import period_of

        found = period_of(as_of, "month")
        return ReportPeriod(kind, found.start, found.end, found.label,
                            f"tháng {as_of.month:02d}/{as_of.year}")
    if kind == "quarter":
        from workflow.periods import period_of

        found = period_of(as_of, "quarter")
        quarter = ROMAN[quarter_of(as_of)]
        return ReportPeriod(kind, found.start, found.end, found.label,
                            f"quý {quarter}/{as_of.year}")
    if kind == "year":
        return ReportPeriod(kind, date(as_of.year, 1, 1), date(as_of.year, 12, 31),
                            f"Năm {as_of.year}", f"năm {as_of.year}")
    raise ValidationError("Loại báo cáo phải là tháng, quý hoặc năm.")


@dataclass(frozen=True)
class FigureRow:
    """Tasks of a section or unit by status, as of the report date."""

    name: str
    tasks: int
    completed: int
    completed_on_time: int
    in_progress: int
    overdue: int
    not_started: int


@dataclass(frozen=True)
class CompletedKpi:
    """A task recognised as completed during the period."""

    code: str
    title: str
    kpi_text: str
    kpi_target: float | None
    kpi_unit: str | None
    unit: str
    approved_on: date
    on_time: bool
    evidence_count: int


@dataclass(frozen=True)
class UnitVoice:
    """What a unit wrote in its progress reports of the period."""

    unit: str
    lines: list[tuple[str, str]]  # (task code, text)


@dataclass
class PeriodicReportData:
    """Everything the Word report says, in the order it says it."""

    plan: Plan
    period: ReportPeriod
    as_of: date
    total: FigureRow
    by_section: list[FigureRow]
    by_unit: list[FigureRow]
    average_percent: float
    completed_in_period: list[CompletedKpi]
    warnings: list[WarningItem]
    commend: list[UnitRank]
    criticise: list[UnitRank]
    difficulties: list[UnitVoice]
    proposals: list[UnitVoice]
    upcoming: list[reporting_calendar.Deadline] = field(default_factory=list)


def _row(name: str, counts: Counter, on_time: int) -> FigureRow:
    in_progress = (counts.get(TaskStatus.IN_PROGRESS.value, 0)
                   + counts.get(TaskStatus.PENDING_REVIEW.value, 0)
                   + counts.get(TaskStatus.NOT_COMPLETED.value, 0))
    return FigureRow(name=name, tasks=sum(v for k, v in counts.items() if k != "overdue"),
                     completed=counts.get(TaskStatus.COMPLETED.value, 0),
                     completed_on_time=on_time, in_progress=in_progress,
                     overdue=counts.get("overdue", 0),
                     not_started=counts.get(TaskStatus.NOT_STARTED.value, 0))


def _approvals(session: Session, plan: Plan, as_of: date):
    """(task, unit name, approval day, on time, evidence count) of every approved task."""
    cutoff = end_of_day(as_of)
    evidence = (select(EvidenceFile.claim_id, func.count(EvidenceFile.id).label("files"))
                .group_by(EvidenceFile.claim_id).subquery())
    rows = session.execute(
        select(Task, Unit.name, CompletionClaim.decided_at, evidence.c.files)
        .join(CompletionClaim, CompletionClaim.task_id == Task.id)
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .outerjoin(evidence, evidence.c.claim_id == CompletionClaim.id)
        .where(Task.plan_id == plan.id, Task.removed_from_plan_at.is_(None),
               CompletionClaim.state == ClaimState.APPROVED,
               CompletionClaim.decided_at < cutoff)
        .order_by(CompletionClaim.id))
    latest: dict[int, tuple] = {}
    for task, unit_name, decided_at, files in rows:
        day = decided_at.astimezone(LOCAL_TZ).date()
        on_time = task.deadline_date is None or day <= task.deadline_date
        latest[task.id] = (task, unit_name or "", day, on_time, files or 0)
    return list(latest.values())


def _voices(session: Session, plan: Plan, period: ReportPeriod, as_of: date,
            column) -> list[UnitVoice]:
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = session.execute(
        select(Unit.name, Task.code, column)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(Unit, Unit.id == ProgressReport.unit_id)
        .where(Task.plan_id == plan.id, ProgressReport.period_start >= period.start,
               ProgressReport.period_start <= period.end,
               ProgressReport.created_at < end_of_day(as_of), column != "")
        .order_by(Unit.name, Task.position, ProgressReport.id))
    for unit_name, code, text in rows:
        text = (text or "").strip()
        if text and (code, text) not in grouped[unit_name]:
            grouped[unit_name].append((code, text))
    return [UnitVoice(unit, lines) for unit, lines in grouped.items()]


def collect(session: Session, *, actor: User, kind: str, as_of: date,
            plan_id: int | None = None) -> PeriodicReportData:
    """The report's data for the period of ``kind`` containing ``as_of`` (office roles)."""
    permissions.require(actor, Capability.WRITE_REPORTS)
    period = report_period(kind, as_of)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        raise NotFound("Chưa có kế hoạch nào để lập báo cáo.")
    figures = dashboard(session, actor=actor, as_of=as_of, plan_id=plan.id)
    approvals = _approvals(session, plan, as_of)
    on_time_by_unit: Counter = Counter()
    on_time_by_section: Counter = Counter()
    for task, _unit, _day, on_time, _files in approvals:
        if on_time:
            on_time_by_unit[task.lead_unit_id] += 1
            on_time_by_section[task.section_id] += 1
    by_section = [_row(name, counts, on_time_by_section[section_id])
                  for (section_id, name), counts in figures.by_section.items()]
    by_unit = [_row(name, counts, on_time_by_unit[unit_id])
               for (unit_id, name), counts in figures.by_unit.items()]
    total_counts = Counter(figures.status)
    total_counts["overdue"] = figures.overdue
    total = _row("Tổng cộng", total_counts, sum(on_time_by_section.values()))
    completed = [CompletedKpi(task.code, task.title, task.kpi_text or "", task.kpi_target,
                              task.kpi_unit, unit_name, day, on_time, files)
                 for task, unit_name, day, on_time, files in approvals
                 if period.start <= day <= period.end]
    completed.sort(key=lambda k: (k.approved_on, k.code))
    warnings = evaluate(session, actor=actor, as_of=as_of, plan_id=plan.id,
                        period_kind="quarter" if kind == "quarter" else "month").items
    ranking = rank_units(session, actor=actor, as_of=as_of, plan_id=plan.id)
    commend = [r for r in ranking if r.completed > 0][:COMMEND_AT_MOST]
    criticise = [r for r in reversed(ranking)
                 if r not in commend and (r.warnings > 0 or (r.reporting_rate or 0) < 80
                                          or (r.on_time_rate or 0) < 50)][:COMMEND_AT_MOST]
    cal = reporting_calendar.calendar_of(plan)
    return PeriodicReportData(
        plan=plan, period=period, as_of=as_of, total=total, by_section=by_section,
        by_unit=by_unit, average_percent=figures.average_percent,
        completed_in_period=completed, warnings=warnings, commend=commend,
        criticise=criticise,
        difficulties=_voices(session, plan, period, as_of, ProgressReport.difficulties),
        proposals=_voices(session, plan, period, as_of, ProgressReport.proposals),
        upcoming=reporting_calendar.upcoming(cal, as_of, days=45))
