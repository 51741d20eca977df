"""Reading deadlines as plans write them: "Quý I/2026", "Thường xuyên", "Sau khi ...".

An appendix without a deadline column gives every task the plan year (``PLAN_YEAR``, shown as
"Trong năm 2026"), unless the task text itself names a time ("tính tại thời điểm tháng
12/2026").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workflow.periods import month_end, quarter_end
from workflow.text import fold, nfc

FIXED, RECURRING, CONDITIONAL, UNKNOWN = "fixed", "recurring", "conditional", "unknown"
PLAN_YEAR = "plan_year"
KINDS = (FIXED, RECURRING, CONDITIONAL, PLAN_YEAR, UNKNOWN)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_QUARTER = re.compile(r"(tu\s+)?quy\s*(iv|iii|ii|i|[1-4])\b\s*(?:/|nam)?\s*(\d{4})?")
_MONTH = re.compile(r"(?:thang\s*|^\s*)(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_YEAR = re.compile(r"\b(20\d{2})\b")
RECURRING_WORDS = ("thuong xuyen", "hang nam", "cac nam tiep theo", "lien tuc", "dinh ky",
                   "hang thang", "hang quy")
# Done when something else happens: a decision issued, guidance received.
# "sau khi" anywhere; the others only as the cell's opening words ("Quý I/2026 ... (theo
# hướng dẫn của tỉnh)" has a date and is not conditional).
CONDITIONAL_WORDS = ("sau khi",)
CONDITIONAL_OPENINGS = ("khi co", "theo huong dan", "ngay khi", "cho huong dan")
# Within the plan's own time frame.
PLAN_WORDS = ("theo ke hoach",)
# A time written inside the task text of an appendix without a deadline column.
_IN_TEXT = re.compile(r"\b(?:tinh tai thoi diem|tai thoi diem|den|truoc)\s+"
                      r"((?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|thang\s*\d{1,2}\s*/\s*\d{4}"
                      r"|quy\s*(?:iv|iii|ii|i|[1-4])\s*/\s*\d{4})")
WHOLE_YEAR_WORDS = ("ca nam", "cuoi nam", "trong nam", "nam ")


@dataclass(frozen=True)
class ParsedDeadline:
    """The deadline as written, what kind it is, and its date when it has one."""

    text: str
    kind: str
    due_date: date | None


def _first_period(folded: str, plan_year: int) -> tuple[int, date] | None:
    """The earliest quarter or month mentioned: (position, end date)."""
    found: list[tuple[int, date]] = []
    quarter = _QUARTER.search(folded)
    if quarter:
        year = int(quarter.group(3) or plan_year)
        end = date(year, 12, 31) if quarter.group(1) else quarter_end(year, ROMAN[quarter.group(2)])
        found.append((quarter.start(), end))
    month = _MONTH.search(folded)
    if month and 1 <= int(month.group(1)) <= 12:
        year, number = int(month.group(2)), int(month.group(1))
        found.append((month.start(), month_end(year, number)))
    return min(found) if found else None


def parse_deadline(text: str | None, plan_year: int) -> ParsedDeadline:
    """Kind and date of a deadline cell; unknown text is kept as written, never guessed."""
    written = (text or "").strip()
    folded = fold(written)
    if not folded:
        return ParsedDeadline(written, UNKNOWN, None)
    if any(word in folded for word in CONDITIONAL_WORDS) \
            or folded.startswith(CONDITIONAL_OPENINGS):
        return ParsedDeadline(written, CONDITIONAL, None)
    if any(folded.startswith(word) for word in PLAN_WORDS):
        return ParsedDeadline(written, PLAN_YEAR, date(plan_year, 12, 31))
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


def plan_year_deadline(task_text: str, plan_year: int) -> ParsedDeadline:
    """The deadline of a task in an appendix without a deadline column: a time named in the
    task's own text ("tính tại thời điểm tháng 12/2026"), else the end of the plan year."""
    # Folding keeps one character per character of single-spaced NFC text, so a span found
    # in the folded text is the same span of the written one.
    written = re.sub(r"\s+", " ", nfc(task_text or "")).strip()
    folded = fold(written)
    found = _IN_TEXT.search(folded) if len(folded) == len(written) else None
    if found:
        parsed = parse_deadline(found.group(1), plan_year)
        if parsed.kind == FIXED:
            return ParsedDeadline(written[found.start(1):found.end(1)], FIXED, parsed.due_date)
    return ParsedDeadline(f"Trong năm {plan_year}", PLAN_YEAR, date(plan_year, 12, 31))
