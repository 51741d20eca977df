"""Writing simple, readable Excel tables (title row, bold header, sized columns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="F2DEDE")


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                   sheet: str = "Dữ liệu", widths: Sequence[int] | None = None) -> bytes:
    """An .xlsx with a title in A1, the header on row 3 and the rows below it."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(row=3, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = ws.cell(row=3 + count, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers, start=1):
        width = widths[column - 1] if widths else max(12, min(len(header) + 4, 40))
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
