"""The Phước Bình appendix from Excel and from Word, CSV encodings, unreadable files."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from tests.conftest import FIXTURES
from workflow.errors import HeaderNotRecognised, ValidationError
from workflow.plan_import.parser import kpi_target, parse_plan, summary

XLSX = FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx"
DOCX = FIXTURES / "ke-hoach-phuoc-binh-2026.docx"


def _rows(parsed):
    return [(t.code, t.parent_title, t.title, t.output, t.kpi, t.lead_unit,
             tuple(t.coordinating_units), t.coordinates_all_units, t.deadline, t.notes)
            for t in parsed.tasks]


def test_excel_gives_32_tasks_in_6_sections():
    parsed = parse_plan(XLSX, plan_year=2026)
    assert [s.code for s in parsed.sections] == ["I", "II", "III", "IV", "V", "VI"]
    assert summary(parsed)["tasks"] == 32


def test_excel_and_word_give_the_same_tasks():
    assert _rows(parse_plan(XLSX, plan_year=2026)) == _rows(parse_plan(DOCX, plan_year=2026))


def test_fields_of_some_tasks():
    tasks = {t.code: t for t in parse_plan(XLSX, plan_year=2026).tasks}
    first = tasks["V.1.3"]
    assert first.title.startswith("Triển khai các hệ thống thông tin")
    assert first.parent_title.startswith("Tiếp nhận và đưa vào sử dụng")
    assert first.lead_unit == "Văn phòng Đảng ủy" and first.coordinates_all_units
    assert tasks["V.2.3"].coordinating_units == ["Văn phòng Đảng ủy"]  # written "VPĐU"
    assert tasks["II.4"].deadline.due_date == date(2026, 2, 28)
    assert tasks["V.2.2"].kpi_target == 1 and tasks["V.2.2"].kpi_unit == "mô hình"
    assert tasks["IV.2"].title.startswith("Tham gia, hoặc đề xuất")  # sub-task cell empty
    assert tasks["V.7.2"].title == "Tham mưu triển khai công dân số"
    assert tasks["V.6"].lead_unit is None and tasks["V.6"].problems


def test_summary_shape():
    result = summary(parse_plan(XLSX, plan_year=2026))
    assert {"tasks", "sections", "units", "deadlines", "problems"} <= set(result)
    assert {"columns", "sections_detail", "skipped"} <= set(result)
    assert result["columns"]["lead_unit"].startswith("(5) Đơn vị Chủ trì")
    assert [s["tasks"] for s in result["sections_detail"]] == [3, 5, 1, 4, 17, 2]
    assert result["skipped"] == []
    assert result["units"]["UBND phường"] == 14
    assert sum(result["deadlines"].values()) == 32
    assert result["deadlines"]["recurring"] == 4


CSV = ("STT,Nội dung công việc cụ thể,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian hoàn thành\n"
       "I. Chuyển đổi số,,,,\n"
       "1,Số hóa hồ sơ một cửa,Văn phòng HĐND-UBND,Công an phường,Quý II/2026\n"
       "2,Tập huấn kỹ năng số,Phòng VHXH,\"Các cơ quan, đơn vị\",Thường xuyên\n")


@pytest.mark.parametrize("encoded", [CSV.encode("utf-8"), CSV.encode("utf-8-sig")],
                         ids=["utf8", "utf8-bom"])
def test_csv_in_utf8(encoded):
    parsed = parse_plan(encoded, "ke-hoach.csv", plan_year=2026)
    assert [(t.code, t.lead_unit) for t in parsed.tasks] == [
        ("1", "Văn phòng HĐND và UBND phường"), ("2", "Phòng Văn hóa - Xã hội")]
    assert parsed.sections[0].title == "Chuyển đổi số"
    assert parsed.tasks[1].coordinates_all_units


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encodes as Vietnamese Windows software does: base letter, then the tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONE_MARKS))
            tone = "".join(p for p in parts if p in TONE_MARKS)
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def test_csv_in_windows_1258_is_read_and_reported():
    parsed = parse_plan(to_cp1258(CSV), "ke-hoach.csv", plan_year=2026)
    assert parsed.tasks[0].title == "Số hóa hồ sơ một cửa"
    assert any("1258" in problem for problem in parsed.problems)


def test_file_without_a_recognisable_header():
    data = b"a,b,c\n1,2,3\n"
    with pytest.raises(HeaderNotRecognised, match="Không nhận ra dòng tiêu đề"):
        parse_plan(data, "x.csv", plan_year=2026)


def test_hand_mapped_columns():
    data = "x,y,z\nViệc A,UBND phường,Quý I/2026\n".encode()
    parsed = parse_plan(data, "x.csv", plan_year=2026,
                        mapping_override={"title": 0, "lead_unit": 1, "deadline": 2})
    assert [(t.title, t.lead_unit, t.deadline.due_date) for t in parsed.tasks] == [
        ("Việc A", "UBND phường", date(2026, 3, 31))]


@pytest.mark.parametrize("name,data,message", [
    ("ke-hoach.pdf", b"%PDF-1.4", "Chỉ nhập được"),
    ("ke-hoach.xlsx", b"", "Tệp rỗng"),
    ("ke-hoach.xlsx", b"not a zip", "Không đọc được tệp Excel"),
    ("ke-hoach.docx", b"not a zip", "Không đọc được tệp Word"),
])
def test_bad_files(name, data, message):
    with pytest.raises(ValidationError, match=message):
        parse_plan(data, name, plan_year=2026)


@pytest.mark.parametrize("text,expected", [
    ("100% cơ quan triển khai", (100.0, "%")), ("Giảm 70% tài liệu giấy", (70.0, "%")),
    ("84 nền tảng số dùng chung", (84.0, "nền tảng")), ("Dự thảo được thông qua", (None, None)),
])
def test_kpi_target(text, expected):
    assert kpi_target(text) == expected


def _table(rows):
    from workflow.plan_import.readers import RawTable, _full_width

    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return RawTable(rows, [_full_width(r) for r in rows], "Bảng 1")


def test_letter_sections_and_an_implementing_unit_column():
    from workflow.plan_import.parser import parse_tables

    parsed = parse_tables([_table([
        ["TT", "Nội dung công việc", "Đơn vị thực hiện", "Thời gian thực hiện"],
        ["A", "NHIỆM VỤ CHUNG", "", ""],
        ["1", "Tuyên truyền Nghị quyết 57", "Phòng VH-XH", "Quý I/2026"],
        ["B.", "NHIỆM VỤ CỤ THỂ", "", ""],
        ["2", "Số hóa hồ sơ", "VP HĐND-UBND", "Tháng 3/2026"],
    ])], 2026)
    assert [(s.code, s.title, len(s.tasks)) for s in parsed.sections] == [
        ("A", "NHIỆM VỤ CHUNG", 1), ("B", "NHIỆM VỤ CỤ THỂ", 1)]
    assert [t.lead_unit for t in parsed.tasks] == ["Phòng Văn hóa - Xã hội",
                                                   "Văn phòng HĐND và UBND phường"]
    assert parsed.columns["deadline"].header == "Thời gian thực hiện"
    assert not parsed.problems


def test_one_table_per_section_in_word():
    from workflow.plan_import.parser import parse_tables

    header = ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"]
    parsed = parse_tables([
        _table([header, ["I. Thể chế số", "", "", "", ""],
                ["1", "Ban hành quy chế", "VPĐU", "Các ban, ngành, đoàn thể", "Quý I/2026"]]),
        _table([header, ["II. Hạ tầng số", "", "", "", ""],
                ["1", "Nâng cấp mạng nội bộ", "UBND phường", "", "Hàng quý"]]),
    ], 2026)
    assert [(s.code, len(s.tasks)) for s in parsed.sections] == [("I", 1), ("II", 1)]
    # "1" restarts in each section: the section keeps the codes apart.
    assert [t.code for t in parsed.tasks] == ["I.1", "II.1"]
    assert parsed.tasks[0].coordinates_all_units and parsed.tasks[0].coordinating_units == []
    assert parsed.tasks[1].deadline.kind == "recurring"


def test_hand_mapping_below_a_title_block():
    data = ("PHỤ LỤC,,\n(Kèm theo Kế hoạch số 5),,\nViệc,Ai làm,Khi nào\n"
            "Việc A,UBND phường,Quý I/2026\n").encode()
    from workflow.plan_import.readers import column_names

    assert column_names(data, "x.csv") == ["Việc", "Ai làm", "Khi nào"]
    parsed = parse_plan(data, "x.csv", plan_year=2026,
                        mapping_override={"title": 0, "lead_unit": 1, "deadline": 2})
    assert [(t.title, t.lead_unit) for t in parsed.tasks] == [("Việc A", "UBND phường")]


def test_a_parent_row_above_its_numbered_sub_tasks_is_not_a_task():
    from workflow.plan_import.parser import parse_tables

    parsed = parse_tables([_table([
        ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn"],
        ["I", "Chính quyền số", "", "", ""],
        ["1", "Triển khai các hệ thống thông tin dùng chung", "", "", ""],
        ["1.1", "Hệ thống quản lý văn bản", "VPĐU", "", "Quý I/2026"],
        ["1.2", "Hệ thống thư điện tử công vụ", "VPĐU", "", "Quý II/2026"],
        ["2", "Cập nhật dữ liệu dân cư", "Công an phường", "", "Thường xuyên"],
    ])], 2026)
    assert [(t.code, t.parent_title) for t in parsed.tasks] == [
        ("1.1", "Triển khai các hệ thống thông tin dùng chung"),
        ("1.2", "Triển khai các hệ thống thông tin dùng chung"), ("2", None)]
    assert [(s.row_number, s.reason) for s in parsed.skipped] == [(3, "parent_row")]
    assert not parsed.problems


def test_a_task_split_between_two_word_tables_is_joined():
    from workflow.plan_import.parser import parse_tables

    header = ["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"]
    parsed = parse_tables([
        _table([header, ["I. Dữ liệu số", "", "", ""],
                ["1", "Làm sạch dữ liệu dân cư", "Công an phường", "Quý IV/"]]),
        _table([header, ["", "", "", "2026"],
                ["2", "Số hóa hộ tịch", "VP HĐND-UBND", "Quý III/2026"]]),
    ], 2026)
    assert [(t.code, t.deadline.kind, str(t.deadline.due_date)) for t in parsed.tasks] == [
        ("1", "fixed", "2026-12-31"), ("2", "fixed", "2026-09-30")]
    assert [(s.row_number, s.reason) for s in parsed.skipped] == [(5, "continuation")]
