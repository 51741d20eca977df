"""The warning list as Excel and as a PDF laid out like an official document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workflow.clock import format_date, today
from workflow.reports.warning_text import reason_lines
from workflow.safe_cells import set_cell, write_cell

FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class WarningLine:
    """One row of an exported list."""

    code: str
    title: str
    unit: str
    deadline_text: str
    deadline: date | None
    reasons: list[str]
    details: dict


@dataclass(frozen=True)
class WarningDocument:
    """What the exported document says about itself."""

    committee: str  # "Đảng ủy phường Phước Bình"
    office: str  # "Văn phòng Đảng ủy"
    place: str  # "Phước Bình"
    period_title: str  # "THÁNG 10/2026"
    as_of: date
    published: bool
    lines: list[WarningLine]
    # The day the list was issued (published); a preview is dated the day it is printed.
    issued_on: date | None = None


def _grouped(lines: list[WarningLine]) -> list[tuple[str, list[WarningLine]]]:
    groups: dict[str, list[WarningLine]] = {}
    for line in lines:
        groups.setdefault(line.unit, []).append(line)
    return sorted(groups.items())


def warning_xlsx(document: WarningDocument) -> bytes:
    """The list grouped by unit, one row per warned task."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Cảnh báo"
    set_cell(sheet, "A1", f"DANH SÁCH NHIỆM VỤ CẢNH BÁO {document.period_title}")
    sheet["A1"].font = Font(bold=True, size=13)
    set_cell(sheet, "A2", f"{document.committee} — {document.office}; tính đến ngày "
                          f"{format_date(document.as_of)}"
                          + ("" if document.published else " (bản xem trước, chưa công bố)"))
    headers = ["STT", "Mã nhiệm vụ", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn",
               "Thời hạn (ngày)", "Lý do cảnh báo"]
    for column, header in enumerate(headers, start=1):
        cell = write_cell(sheet, 4, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DEDE")
    row = 5
    number = 0
    for unit, lines in _grouped(document.lines):
        write_cell(sheet, row, 1, f"{unit} ({len(lines)} nhiệm vụ)").font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        row += 1
        for line in lines:
            number += 1
            values = [number, line.code, line.title, line.unit, line.deadline_text,
                      format_date(line.deadline), "; ".join(reason_lines(line.reasons,
                                                                         line.details))]
            for column, value in enumerate(values, start=1):
                cell = write_cell(sheet, row, column, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for column, width in enumerate([6, 12, 60, 26, 24, 14, 50], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _OfficialPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("Serif", "", str(FONTS / "DejaVuSerif.ttf"))
        self.add_font("Serif", "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
        self.add_font("Serif", "I", str(FONTS / "DejaVuSerif-Italic.ttf"))
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Serif", "I", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")


def warning_pdf(document: WarningDocument) -> bytes:
    """Header block, title, table grouped by unit with reasons, date and signature block."""
    pdf = _OfficialPdf()
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw
    left, right = width * 0.42, width * 0.58
    top = pdf.get_y()
    pdf.set_font("Serif", "", 11)
    pdf.multi_cell(left, 5.5, document.committee.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 11)
    pdf.multi_cell(left, 5.5, document.office.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(left, 5.5, "*", align="C", new_x="LMARGIN", new_y="NEXT")
    bottom_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("Serif", "B", 12)
    pdf.cell(right, 6, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font("Serif", "I", 11)
    day = document.issued_on or today()
    pdf.cell(right, 8, f"{document.place}, ngày {day.day:02d} tháng {day.month:02d} năm "
                       f"{day.year}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(bottom_left, pdf.get_y()) + 6)
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(width, 7, f"DANH SÁCH NHIỆM VỤ CẢNH BÁO {document.period_title}",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "I", 11)
    pdf.multi_cell(width, 6, "(Theo dõi thực hiện kế hoạch chuyển đổi số, tính đến ngày "
                             f"{format_date(document.as_of)})"
                   + ("" if document.published else " — BẢN XEM TRƯỚC"), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Serif", "", 10)
    if not document.lines:
        pdf.multi_cell(width, 6, "Không có nhiệm vụ nào phải cảnh báo trong kỳ.", align="C", new_x="LMARGIN", new_y="NEXT")
    else:
        with pdf.table(col_widths=(12, 18, 70, 30, 50), line_height=5.2,
                       text_align=("CENTER", "CENTER", "LEFT", "LEFT", "LEFT"),
                       first_row_as_headings=False,
                       cell_fill_mode=TableCellFillMode.NONE) as table:
            pdf.set_font("Serif", "B", 10)
            header = table.row()
            for title in ("STT", "Mã", "Nhiệm vụ", "Thời hạn", "Lý do cảnh báo"):
                header.cell(title, align="C")
            number = 0
            for unit, lines in _grouped(document.lines):
                pdf.set_font("Serif", "B", 10)
                table.row().cell(f"{unit} ({len(lines)} nhiệm vụ)", colspan=5)
                pdf.set_font("Serif", "", 10)
                for line in lines:
                    number += 1
                    row = table.row()
                    row.cell(str(number))
                    row.cell(line.code)
                    row.cell(line.title)
                    deadline = line.deadline_text or "—"
                    if line.deadline:
                        deadline += f"\n({format_date(line.deadline)})"
                    row.cell(deadline)
                    row.cell("\n".join(reason_lines(line.reasons, line.details)))
    pdf.ln(6)
    pdf.set_font("Serif", "", 10)
    pdf.multi_cell(width, 5.5, f"Tổng số: {len(document.lines)} nhiệm vụ thuộc "
                               f"{len(_grouped(document.lines))} đơn vị.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("Serif", "B", 10)
    pdf.multi_cell(left, 5, "Nơi nhận:", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 10)
    pdf.multi_cell(left, 5, "- Thường trực Đảng ủy;\n- Các đơn vị có tên trong danh sách;\n"
                            "- Lưu Văn phòng.", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("Serif", "B", 11)
    pdf.cell(right, 6, f"T/M {document.office.upper()}", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin + left)
    pdf.cell(right, 6, "CHÁNH VĂN PHÒNG", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font("Serif", "I", 10)
    pdf.cell(right, 5, "(Ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
