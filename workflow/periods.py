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


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def month_end(year: int, month: int) -> date:
    """The last day of the month."""
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def day_of_month(year: int, month: int, day: int) -> date:
    """The ``day``-th of the month, or its last day when the month is shorter (the 31st of
    February is the 28th or 29th)."""
    return date(year, month, min(day, month_end(year, month).day))


def quarter_of(day: date) -> int:
    """The quarter (1–4) the day falls in."""
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of the quarter."""
    return month_end(year, 3 * quarter)


def period_of(day: date, kind: ReportPeriod | str) -> Period:
    """The period of ``kind`` that contains ``day``."""
    kind = ReportPeriod(kind)
    if kind == ReportPeriod.WEEK:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
        week = start.isocalendar().week
        return Period(kind, start, end, f"Tuần {week:02d}/{start.isocalendar().year}")
    if kind == ReportPeriod.MONTH:
        return Period(kind, date(day.year, day.month, 1), month_end(day.year, day.month),
                      f"Tháng {day.month:02d}/{day.year}")
    quarter = quarter_of(day)
    start = date(day.year, 3 * quarter - 2, 1)
    return Period(kind, start, quarter_end(day.year, quarter), f"Quý {ROMAN[quarter]}/{day.year}")
