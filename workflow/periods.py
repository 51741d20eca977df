"""Reporting periods: the week, month or quarter a date falls in, with Vietnamese labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from db.models import ReportPeriod


@dataclass(frozen=True)
class Period:
    """A reporting period: kind, first day, last day, label such as "Tháng 10/2026"."""

    kind: ReportPeriod
    start: date
    end: date
    label: str


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_of(day: date, kind: ReportPeriod | str) -> Period:
    """The period of ``kind`` that contains ``day``."""
    kind = ReportPeriod(kind)
    if kind == ReportPeriod.WEEK:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
        week = start.isocalendar().week
        return Period(kind, start, end, f"Tuần {week:02d}/{start.isocalendar().year}")
    if kind == ReportPeriod.MONTH:
        return Period(kind, date(day.year, day.month, 1), _month_end(day.year, day.month),
                      f"Tháng {day.month:02d}/{day.year}")
    quarter = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * quarter - 2, 1)
    return Period(kind, start, _month_end(day.year, 3 * quarter),
                  f"Quý {ROMAN[quarter]}/{day.year}")
