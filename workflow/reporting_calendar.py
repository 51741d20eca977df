"""The plan's reporting calendar (#15): when units report, when the office aggregates and
sends its monthly, quarterly and year-end reports upward.

Every rule that needs one of these dates (reminders, the "missing report" warning, the
ranking's on-time reporting, the dashboard's "due soon") asks this module, never the plan's
columns directly. Days past a month's end are clamped to its last day (30 → 28/02).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from db.models import Plan
from workflow import audit_trail, scope
from workflow.clock import format_date
from workflow.errors import NotFound, ValidationError
from workflow.labels import REPORTING_DEADLINE_LABELS
from workflow.periods import ROMAN, day_of_month
from workflow.permissions import Actor, Capability, require

DEFAULT_UNIT_DAY = 18
DEFAULT_OFFICE_DAY = 19
DEFAULT_QUARTER_DAY = 30
DEFAULT_YEAR_END = (12, 15)

UNIT_REPORT, OFFICE_MONTHLY, OFFICE_QUARTERLY, OFFICE_YEAR_END = (
    "unit_report", "office_monthly", "office_quarterly", "office_year_end")
DEADLINE_LABELS = REPORTING_DEADLINE_LABELS


@dataclass(frozen=True)
class ReportingCalendar:
    """The days of one plan's calendar."""

    unit_day: int = DEFAULT_UNIT_DAY
    office_day: int = DEFAULT_OFFICE_DAY
    quarter_day: int = DEFAULT_QUARTER_DAY
    year_end_month: int = DEFAULT_YEAR_END[0]
    year_end_day: int = DEFAULT_YEAR_END[1]


@dataclass(frozen=True)
class Deadline:
    """One dated reporting deadline."""

    kind: str
    due: date
    label: str  # "Hạn đơn vị báo cáo tiến độ tháng 05/2026"


def calendar_of(plan: Plan | None) -> ReportingCalendar:
    """The plan's calendar; the defaults when there is no plan (or a column is empty)."""
    if plan is None:
        return ReportingCalendar()
    return ReportingCalendar(
        unit_day=plan.reporting_day or DEFAULT_UNIT_DAY,
        office_day=plan.office_aggregation_day or DEFAULT_OFFICE_DAY,
        quarter_day=plan.quarterly_report_day or DEFAULT_QUARTER_DAY,
        year_end_month=plan.year_end_report_month or DEFAULT_YEAR_END[0],
        year_end_day=plan.year_end_report_day or DEFAULT_YEAR_END[1])


def unit_due(cal: ReportingCalendar, year: int, month: int) -> date:
    """The units' reporting day of a month."""
    return day_of_month(year, month, cal.unit_day)


def office_due(cal: ReportingCalendar, year: int, month: int) -> date:
    """The office's aggregation (monthly report) day of a month."""
    return day_of_month(year, month, cal.office_day)


def quarter_due(cal: ReportingCalendar, year: int, quarter: int) -> date:
    """The quarterly report day, in the quarter's last month."""
    return day_of_month(year, 3 * quarter, cal.quarter_day)


def year_end_due(cal: ReportingCalendar, year: int) -> date:
    """The year-end report date."""
    return day_of_month(year, cal.year_end_month, cal.year_end_day)


def deadlines_between(cal: ReportingCalendar, start: date, end: date) -> list[Deadline]:
    """Every reporting deadline from ``start`` to ``end`` (inclusive), in date order."""
    found: list[Deadline] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        tag = f"tháng {month:02d}/{year}"
        found.append(Deadline(UNIT_REPORT, unit_due(cal, year, month),
                              f"{DEADLINE_LABELS[UNIT_REPORT]} {tag}"))
        found.append(Deadline(OFFICE_MONTHLY, office_due(cal, year, month),
                              f"{DEADLINE_LABELS[OFFICE_MONTHLY]} {tag}"))
        if month % 3 == 0:
            quarter = month // 3
            found.append(Deadline(OFFICE_QUARTERLY, quarter_due(cal, year, quarter),
                                  f"{DEADLINE_LABELS[OFFICE_QUARTERLY]} "
                                  f"{ROMAN[quarter]}/{year}"))
        if month == cal.year_end_month:
            found.append(Deadline(OFFICE_YEAR_END, year_end_due(cal, year),
                                  f"{DEADLINE_LABELS[OFFICE_YEAR_END]} {year}"))
        year, month = (year + (month == 12), month % 12 + 1)
    return sorted((d for d in found if start <= d.due <= end), key=lambda d: (d.due, d.kind))


def upcoming(cal: ReportingCalendar, as_of: date, days: int = 30) -> list[Deadline]:
    """Deadlines from ``as_of`` through the next ``days`` days (the dashboard's "due soon")."""
    return deadlines_between(cal, as_of, as_of + timedelta(days=days))


def describe(cal: ReportingCalendar) -> str:
    """One Vietnamese sentence for pages and the CLI."""
    return (f"Đơn vị báo cáo ngày {cal.unit_day} hằng tháng; Văn phòng tổng hợp ngày "
            f"{cal.office_day}; sơ kết quý ngày {cal.quarter_day} tháng cuối quý; tổng kết "
            f"năm ngày {cal.year_end_day:02d}/{cal.year_end_month:02d}.")


def _day(value: object, label: str) -> int:
    try:
        day = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{label} phải là một số từ 1 đến 31.") from None
    if not 1 <= day <= 31:
        raise ValidationError(f"{label} phải là một số từ 1 đến 31.")
    return day


def parse_year_end(value: object) -> tuple[int, int]:
    """"15/12" (or "15/12/2026", year ignored) → (12, 15)."""
    parts = str(value or "").strip().split("/")
    try:
        day, month = int(parts[0]), int(parts[1])
        date(2024, month, day)  # a leap year accepts 29/02
    except (ValueError, IndexError):
        raise ValidationError("Ngày báo cáo tổng kết năm phải có dạng dd/mm, "
                              "ví dụ 15/12.") from None
    return month, day


def update_calendar(session: Session, *, actor: Actor, plan_id: int, unit_day: object,
                    office_day: object, quarter_day: object, year_end: object) -> Plan:
    """Sets a plan's calendar (admin)."""
    require(actor, Capability.MANAGE_CALENDAR)
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.in_scope(actor, plan.ward_id):
        raise NotFound("Không tìm thấy kế hoạch.")
    before = calendar_of(plan)
    unit = _day(unit_day, "Ngày đơn vị báo cáo")
    office = _day(office_day, "Ngày Văn phòng tổng hợp")
    quarter = _day(quarter_day, "Ngày báo cáo sơ kết quý")
    month, day = parse_year_end(year_end)
    if office < unit:
        raise ValidationError("Ngày Văn phòng tổng hợp không được trước ngày đơn vị báo cáo.")
    plan.reporting_day, plan.office_aggregation_day, plan.quarterly_report_day = (
        unit, office, quarter)
    plan.year_end_report_month, plan.year_end_report_day = month, day
    session.flush()
    audit_trail.record(session, actor=actor, action="plan.calendar", object_type="plan",
                 object_id=plan.id, before=before.__dict__, after=calendar_of(plan).__dict__)
    return plan


def format_deadline(deadline: Deadline) -> str:
    """"Hạn ... — 18/05/2026"."""
    return f"{deadline.label} — {format_date(deadline.due)}"
