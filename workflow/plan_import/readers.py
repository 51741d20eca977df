"""Table readers for .xlsx, .docx and .csv with merged cells resolved."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from workflow.errors import ValidationError
from workflow.text import nfc

SUPPORTED = (".xlsx", ".docx", ".csv")


@dataclass
class RawTable:
    """A table as rows of cell text. ``full_width[i]`` marks a row whose non-empty cells all
    carry one merged value (a section title spanning the table)."""

    rows: list[list[str]]
    full_width: list[bool]
    source: str
    notes: list[str] = field(default_factory=list)


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(nfc(line) for line in text.split("\n")).strip()


def _full_width(row: list[str]) -> bool:
    values = [c for c in row if c]
    return len(values) > 1 and len(set(values)) == 1


def read_xlsx(data: bytes) -> list[RawTable]:
    """Every sheet; values of merged ranges copied into each covered cell."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - any corrupt workbook
        raise ValidationError("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc sai định dạng.") \
            from error
    tables = []
    for sheet in book.worksheets:
        width, height = sheet.max_column, sheet.max_row
        grid = [[_clean(sheet.cell(r, c).value) for c in range(1, width + 1)]
                for r in range(1, height + 1)]
        spanning: set[int] = set()
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    grid[r - 1][c - 1] = value
            if merged.min_col == 1 and merged.max_col >= width and merged.min_row == merged.max_row:
                spanning.add(merged.min_row - 1)
        full = [i in spanning or _full_width(row) for i, row in enumerate(grid)]
        tables.append(RawTable(grid, full, f"Trang tính “{sheet.title}”"))
    return tables


def read_docx(data: bytes) -> list[RawTable]:
    """Every table of the document; python-docx repeats merged cells across their span."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001
        raise ValidationError("Không đọc được tệp Word (.docx): tệp bị hỏng hoặc sai định dạng.") \
            from error
    tables = []
    for number, table in enumerate(document.tables, start=1):
        grid = [[_clean(cell.text) for cell in row.cells] for row in table.rows]
        width = max((len(r) for r in grid), default=0)
        grid = [r + [""] * (width - len(r)) for r in grid]
        tables.append(RawTable(grid, [_full_width(r) for r in grid], f"Bảng {number}"))
    return tables


def _decode_csv(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise ValidationError("Không nhận ra bảng mã của tệp CSV. Vui lòng lưu tệp dưới dạng "
                              "CSV UTF-8 rồi nhập lại.") from None
    return text, ["Tệp CSV dùng bảng mã Windows-1258 (CP1258); đã chuyển sang Unicode."]


def read_csv(data: bytes) -> list[RawTable]:
    """A CSV in UTF-8 (with or without BOM) or Windows-1258; delimiter detected."""
    text, notes = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = [[_clean(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    return [RawTable(grid, [_full_width(r) for r in grid], "Tệp CSV", notes)]


def read_tables(data: bytes, filename: str) -> list[RawTable]:
    """Dispatches on the file extension."""
    suffix = Path(filename or "").suffix.lower()
    if not data:
        raise ValidationError("Tệp rỗng, không có nội dung.")
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".csv":
        return read_csv(data)
    raise ValidationError("Chỉ nhập được tệp Excel (.xlsx), Word (.docx) hoặc CSV (.csv).")


def column_names(data: bytes, filename: str) -> list[str]:
    """The likely header row of the first table: what the admin maps columns from."""
    from workflow.plan_import.headers import widest_row

    for table in read_tables(data, filename):
        if any(any(row) for row in table.rows):
            row = table.rows[widest_row(table.rows)]
            return [cell or f"Cột {i + 1}" for i, cell in enumerate(row)]
    return []
