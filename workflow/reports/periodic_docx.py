"""The periodic report as an editable Word document in the administrative layout of
Nghị định 30/2020/NĐ-CP: issuing body and national motto, number and place-date line,
title, body, "Nơi nhận" and signature block; Times New Roman 13–14 pt on A4."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workflow.clock import format_date
from workflow.reports.periodic_data import FigureRow, PeriodicReportData, UnitVoice
from workflow.warning_rules import REASON_LABELS

FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 14
SMALL_PT = 12
TABLE_PT = 11
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FIGURE_HEADERS = ("TT", "{name}", "Tổng số nhiệm vụ", "Hoàn thành", "Hoàn thành đúng hạn",
                  "Đang thực hiện", "Quá hạn", "Chưa thực hiện")


def place_name(committee: str) -> str:
    """"Đảng ủy phường Phước Bình" → "Phước Bình" (the place of the date line)."""
    match = re.search(r"(?:phường|xã|thị trấn|đặc khu)\s+(.+)$", committee, re.IGNORECASE)
    return (match[1] if match else committee).strip()


def report_title(data: PeriodicReportData) -> tuple[str, str]:
    """("BÁO CÁO", the line under it) for the report's kind."""
    plan = f"Kế hoạch số {data.plan.number}" if data.plan.number else "Kế hoạch"
    if data.period.kind == "quarter":
        line = f"Sơ kết {data.period.title_phrase} thực hiện {plan}"
    elif data.period.kind == "year":
        line = f"Tổng kết {data.period.title_phrase} thực hiện {plan}"
    else:
        line = f"Kết quả thực hiện {plan} {data.period.title_phrase}"
    return "BÁO CÁO", line


def _font(run, size: int, bold: bool = False, italic: bool = False,
          underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _para(container, text: str = "", *, size: int = BODY_PT, bold: bool = False,
          italic: bool = False, underline: bool = False, align=None, indent: bool = False,
          space_after: int = 6):
    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Mm(10)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both honour (grid and every cell)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _cell(cell, text: str, *, size: int = TABLE_PT, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.CENTER, underline: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if paragraph.text:
        paragraph = cell.add_paragraph()
    _font(paragraph.add_run(text), size, bold, italic, underline)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)


def _grid(document, headers: list[str], rows: list[list[str]], widths: list[float],
          left: tuple[int, ...] = (1,)):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        _cell(table.rows[0].cells[i], header, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            _cell(cells[i], value, align=WD_ALIGN_PARAGRAPH.LEFT if i in left
                  else WD_ALIGN_PARAGRAPH.CENTER)
    _widths(table, widths)
    _para(document, "", space_after=2)
    return table


def _figure_table(document, name: str, rows: list[FigureRow], total: FigureRow | None):
    lines = [[str(i), r.name, str(r.tasks), str(r.completed), str(r.completed_on_time),
              str(r.in_progress), str(r.overdue), str(r.not_started)]
             for i, r in enumerate(rows, start=1)]
    if total is not None:
        lines.append(["", total.name, str(total.tasks), str(total.completed),
                      str(total.completed_on_time), str(total.in_progress), str(total.overdue),
                      str(total.not_started)])
    headers = [h.format(name=name) for h in FIGURE_HEADERS]
    return _grid(document, headers, lines, [10, 51, 16, 17, 19, 18, 16, 18])


def _percent(part: int, whole: int) -> str:
    return f"{(100 * part / whole):.1f}%".replace(".", ",") if whole else "0%"


def _voices(document, voices: list[UnitVoice], empty: str) -> None:
    if not voices:
        _para(document, empty, indent=True)
        return
    for voice in voices:
        paragraph = _para(document, indent=True, space_after=2)
        _font(paragraph.add_run(f"- {voice.unit}: "), BODY_PT, bold=True)
        _font(paragraph.add_run("; ".join(f"{text} (nhiệm vụ {code})"
                                          for code, text in voice.lines) + "."), BODY_PT)


def _header(document, *, committee: str, office: str, number: str, place: str,
            day_line: str) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [68, 97])
    left, right = table.rows[0].cells
    _cell(left, committee.upper(), size=SMALL_PT, bold=False)
    _cell(left, office.upper(), size=SMALL_PT, bold=True)
    _cell(left, "*", size=SMALL_PT)
    _cell(left, number, size=BODY_PT)
    _cell(right, MOTTO[0], size=SMALL_PT, bold=True)
    _cell(right, MOTTO[1], size=BODY_PT, bold=True, underline=True)
    _cell(right, "", size=BODY_PT)
    _cell(right, f"{place}, {day_line}", size=BODY_PT, italic=True)


def write_docx(data: PeriodicReportData, *, committee: str, office: str) -> bytes:
    """The report as .docx bytes, ready for the office to edit and sign."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    as_of = data.as_of
    _header(document, committee=committee, office=office, number="Số:      /BC-VPĐU",
            place=place_name(committee),
            day_line=f"ngày {as_of.day:02d} tháng {as_of.month:02d} năm {as_of.year}")
    _para(document, "", space_after=6)
    title, subtitle = report_title(data)
    _para(document, title, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_after=0)
    _para(document, subtitle, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_after=0)
    _para(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    total = data.total
    _para(document, f"Thực hiện {data.plan.title} ({data.plan.number}) của "
                    f"{data.plan.issuing_body}, trên cơ sở dữ liệu trích xuất trực tiếp từ Cổng "
                    f"minh chứng chuyển đổi số tính đến ngày {format_date(as_of)}, "
                    f"{office} báo cáo kết quả {data.period.title_phrase} như sau:", indent=True)

    _para(document, "I. TÌNH HÌNH, KẾT QUẢ THỰC HIỆN", bold=True)
    _para(document, "1. Kết quả chung", bold=True)
    _para(document, f"Tổng số {total.tasks} nhiệm vụ, chỉ tiêu; đã hoàn thành {total.completed} "
                    f"({_percent(total.completed, total.tasks)}), trong đó đúng hạn "
                    f"{total.completed_on_time}; đang thực hiện {total.in_progress}; chưa thực "
                    f"hiện {total.not_started}; quá hạn {total.overdue}. Tỷ lệ hoàn thành bình "
                    f"quân {data.average_percent:g}%.".replace(".%", "%"), indent=True)
    _para(document, "2. Kết quả theo nhóm nhiệm vụ", bold=True)
    _figure_table(document, "Nhóm nhiệm vụ", data.by_section, total)
    _para(document, "3. Kết quả theo đơn vị chủ trì", bold=True)
    _figure_table(document, "Đơn vị chủ trì", data.by_unit, total)

    _para(document, f"4. Chỉ tiêu hoàn thành trong {data.period.title_phrase}", bold=True)
    if data.completed_in_period:
        _grid(document, ["TT", "Mã", "Nhiệm vụ, chỉ tiêu", "Đơn vị chủ trì", "Chỉ tiêu đặt ra",
                         "Ngày công nhận", "Số minh chứng"],
              [[str(i), k.code, k.title, k.unit,
                (f"{k.kpi_target:g} {k.kpi_unit or ''}".strip() if k.kpi_target is not None
                 else k.kpi_text or "—"),
                format_date(k.approved_on) + ("" if k.on_time else " (trễ hạn)"),
                str(k.evidence_count)]
               for i, k in enumerate(data.completed_in_period, start=1)],
              [10, 13, 54, 28, 21, 23, 16], left=(2, 3))
    else:
        _para(document, "Trong kỳ chưa có nhiệm vụ, chỉ tiêu nào được công nhận hoàn thành.",
              indent=True)

    _para(document, "II. NHIỆM VỤ CHẬM TIẾN ĐỘ, QUÁ HẠN (DANH SÁCH CẢNH BÁO)", bold=True)
    if data.warnings:
        _grid(document, ["TT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Lý do cảnh báo"],
              [[str(i), w.task_code, w.task_title, w.unit_name,
                format_date(w.deadline) or w.deadline_text,
                "; ".join(REASON_LABELS.get(r, r) for r in w.reasons)]
               for i, w in enumerate(data.warnings, start=1)],
              [10, 13, 52, 29, 23, 38], left=(2, 3, 5))
    else:
        _para(document, "Không có nhiệm vụ nào thuộc diện cảnh báo.", indent=True)

    _para(document, "III. ĐÁNH GIÁ CHUNG", bold=True)
    _para(document, "1. Đơn vị đề nghị biểu dương", bold=True)
    if data.commend:
        for rank in data.commend:
            _para(document, f"- {rank.unit_name}: hoàn thành {rank.completed}/{rank.tasks} "
                            f"nhiệm vụ, đúng hạn {rank.completed_on_time}; tỷ lệ nộp báo cáo "
                            f"{rank.reporting_rate if rank.reporting_rate is not None else '—'}%.",
                  indent=True, space_after=2)
    else:
        _para(document, "Chưa có đơn vị đủ điều kiện biểu dương trong kỳ.", indent=True)
    _para(document, "2. Đơn vị cần chấn chỉnh, phê bình", bold=True)
    if data.criticise:
        for rank in data.criticise:
            _para(document, f"- {rank.unit_name}: {rank.warnings} lần bị cảnh báo; hoàn thành "
                            f"{rank.completed}/{rank.tasks} nhiệm vụ; tỷ lệ nộp báo cáo "
                            f"{rank.reporting_rate if rank.reporting_rate is not None else '—'}%.",
                  indent=True, space_after=2)
    else:
        _para(document, "Không có đơn vị phải phê bình trong kỳ.", indent=True)

    _para(document, "IV. KHÓ KHĂN, VƯỚNG MẮC", bold=True)
    _voices(document, data.difficulties, "Các đơn vị không báo cáo khó khăn, vướng mắc.")
    _para(document, "V. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _voices(document, data.proposals, "Các đơn vị không có đề xuất, kiến nghị.")
    _para(document, "VI. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", bold=True)
    _para(document, "Tiếp tục đôn đốc các đơn vị hoàn thành nhiệm vụ quá hạn, cập nhật tiến độ "
                    "và minh chứng đúng lịch báo cáo:", indent=True, space_after=2)
    for deadline in data.upcoming:
        _para(document, f"- {deadline.label}: ngày {format_date(deadline.due)}.", indent=True,
              space_after=2)
    _para(document, f"Trên đây là báo cáo {data.period.title_phrase} của {office}.",
          indent=True, space_after=12)

    signature = document.add_table(rows=1, cols=2)
    _no_borders(signature)
    _widths(signature, [85, 80])
    left, right = signature.rows[0].cells
    _cell(left, "Nơi nhận:", size=SMALL_PT, bold=True, italic=True,
          align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("- Thường trực Đảng ủy (b/c),", "- Ban Chỉ đạo 57 (b/c),",
                 "- Các đơn vị liên quan,", "- Lưu Văn phòng."):
        _cell(left, line, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell(right, f"T/M {office.upper()}", size=BODY_PT, bold=True)
    _cell(right, "CHÁNH VĂN PHÒNG", size=BODY_PT, bold=True)
    for _ in range(4):
        _cell(right, "", size=BODY_PT)
    _cell(right, "(Ký, ghi rõ họ tên)", size=BODY_PT, italic=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
