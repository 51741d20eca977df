"""Writing simple, readable Excel tables (title row, bold header, sized columns); every
cell goes through workflow.safe_cells."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workflow.safe_cells import set_cell, write_cell

HEADER_FILL = PatternFill("solid", fgColor="F2DEDE")


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                   sheet: str = "Dữ liệu", widths: Sequence[int] | None = None) -> bytes:
    """An .xlsx with a title in A1, the header on row 3 and the rows below it."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    set_cell(ws, "A1", title)
    ws["A1"].font = Font(bold=True, size=13)
    for column, header in enumerate(headers, start=1):
        cell = write_cell(ws, 3, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = write_cell(ws, 3 + count, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers, start=1):
        width = widths[column - 1] if widths else max(12, min(len(header) + 4, 40))
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A4"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
