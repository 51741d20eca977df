"""Reading deadlines as plans write them: "Quý I/2026", "Thường xuyên", "Sau khi ..."."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from workflow.text import fold

FIXED, RECURRING, CONDITIONAL, UNKNOWN = "fixed", "recurring", "conditional", "unknown"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_QUARTER = re.compile(r"(tu\s+)?quy\s*(iv|iii|ii|i|[1-4])\b\s*(?:/|nam)?\s*(\d{4})?")
_MONTH = re.compile(r"thang\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_YEAR = re.compile(r"\b(20\d{2})\b")
RECURRING_WORDS = ("thuong xuyen", "hang nam", "cac nam tiep theo", "lien tuc", "dinh ky")
WHOLE_YEAR_WORDS = ("ca nam", "cuoi nam", "trong nam", "nam ")


@dataclass(frozen=True)
class ParsedDeadline:
    """The deadline as written, what kind it is, and its date when it has one."""

    text: str
    kind: str
    due_date: date | None


def _quarter_end(quarter: int, year: int) -> date:
    month = 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def _first_period(folded: str, plan_year: int) -> tuple[int, date] | None:
    """The earliest quarter or month mentioned: (position, end date)."""
    found: list[tuple[int, date]] = []
    quarter = _QUARTER.search(folded)
    if quarter:
        year = int(quarter.group(3) or plan_year)
        end = date(year, 12, 31) if quarter.group(1) else _quarter_end(ROMAN[quarter.group(2)], year)
        found.append((quarter.start(), end))
    month = _MONTH.search(folded)
    if month and 1 <= int(month.group(1)) <= 12:
        year, number = int(month.group(2)), int(month.group(1))
        found.append((month.start(), date(year, number, calendar.monthrange(year, number)[1])))
    return min(found) if found else None


def parse_deadline(text: str | None, plan_year: int) -> ParsedDeadline:
    """Kind and date of a deadline cell; unknown text is kept as written, never guessed."""
    written = (text or "").strip()
    folded = fold(written)
    if not folded:
        return ParsedDeadline(written, UNKNOWN, None)
    if "sau khi" in folded:
        return ParsedDeadline(written, CONDITIONAL, None)
    explicit = _DATE.search(folded)
    if explicit:
        day, month, year = (int(g) for g in explicit.groups())
        try:
            return ParsedDeadline(written, FIXED, date(year, month, day))
        except ValueError:
            return ParsedDeadline(written, UNKNOWN, None)
    period = _first_period(folded, plan_year)
    if period:
        return ParsedDeadline(written, FIXED, period[1])
    year_match = _YEAR.search(folded)
    year = int(year_match.group(1)) if year_match else plan_year
    if any(word in folded for word in RECURRING_WORDS):
        return ParsedDeadline(written, RECURRING, date(year, 12, 31))
    if year_match or any(word in folded + " " for word in WHOLE_YEAR_WORDS):
        return ParsedDeadline(written, FIXED, date(year, 12, 31))
    return ParsedDeadline(written, UNKNOWN, None)
