"""Spreadsheet cells and CSV fields that cannot run code (CSV/formula injection).

Every XLSX and CSV writer of the portal goes through here. Text that a spreadsheet would
read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return; also
their full-width forms, which some spreadsheet programs fold) gets a leading apostrophe, as
OWASP's CSV-injection guidance recommends, and XLSX cells holding text are always stored as
strings: openpyxl never turns a string into a formula. Real numbers, dates and booleans are
written as they are, so totals and percentages stay numeric."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PLAIN_TYPES = (bool, int, float, Decimal, date, datetime)


def neutralise(text: str) -> str:
    """The text without the control characters a worksheet cannot hold (tab, newline and
    carriage return stay), with a leading apostrophe when a spreadsheet could read it as a
    formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_value(value: object) -> object:
    """A value fit for a cell or field: numbers and dates unchanged, None stays empty,
    anything else as neutralised text."""
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    return neutralise(str(value))


def write_cell(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Writes one cell safely; text is stored with data type "s" (never a formula)."""
    cell = sheet.cell(row=row, column=column)
    safe = safe_value(value)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"
    return cell


def set_cell(sheet: Worksheet, coordinate: str, value: object) -> Cell:
    """``write_cell`` for an "A1"-style coordinate."""
    cell = sheet[coordinate]
    return write_cell(sheet, cell.row, cell.column, value)


def csv_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every text field neutralised (numbers stay numbers)."""
    return ["" if value is None else safe_value(value) for value in values]
