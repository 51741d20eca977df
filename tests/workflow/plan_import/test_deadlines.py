"""Every deadline form the plans use, pinned."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.plan_import.deadlines import parse_deadline, plan_year_deadline

CASES = [
    ("Quý I/2026", "fixed", date(2026, 3, 31)),
    ("Quý 1/2026", "fixed", date(2026, 3, 31)),
    ("Trong quý II/2026", "fixed", date(2026, 6, 30)),
    ("Từ Quý II/2026", "fixed", date(2026, 12, 31)),
    ("Quý IV/2026", "fixed", date(2026, 12, 31)),
    ("quy iii/2026", "fixed", date(2026, 9, 30)),
    ("Tháng 02/2026", "fixed", date(2026, 2, 28)),
    ("Tháng 4/2026", "fixed", date(2026, 4, 30)),
    ("Tháng 12/2026", "fixed", date(2026, 12, 31)),
    ("Năm 2026", "fixed", date(2026, 12, 31)),
    ("2026", "fixed", date(2026, 12, 31)),
    ("Cả năm", "fixed", date(2026, 12, 31)),
    ("Cuối năm", "fixed", date(2026, 12, 31)),
    ("Hàng năm", "recurring", date(2026, 12, 31)),
    ("Thường xuyên", "recurring", date(2026, 12, 31)),
    ("Nhiệm vụ thường xuyên", "recurring", date(2026, 12, 31)),
    ("trước ngày 15/12/2026", "fixed", date(2026, 12, 15)),
    ("Phân kỳ năm 2026 theo Quyết định số 204-QĐ/TU", "fixed", date(2026, 12, 31)),
    ("2026 và các năm tiếp theo", "recurring", date(2026, 12, 31)),
    ("Quý I/2026 hoàn thành xây dựng Đề án, triển khai nhiệm vụ theo phân kỳ năm 2026",
     "fixed", date(2026, 3, 31)),
    ("- Sổ tay đảng viên trong quý I/2026. - Hồ sơ CBCB trong năm 2026.", "fixed",
     date(2026, 3, 31)),
    ("Sau khi Quyết định của UBND Thành phố được ban hành", "conditional", None),
    ("Theo kế hoạch", "plan_year", date(2026, 12, 31)),
    ("Theo Kế hoạch", "plan_year", date(2026, 12, 31)),
    ("Định kỳ", "recurring", date(2026, 12, 31)),
    ("Hằng năm", "recurring", date(2026, 12, 31)),
    ("Kế hoạch công tác hằng năm", "recurring", date(2026, 12, 31)),
    ("Quý I", "fixed", date(2026, 3, 31)),
    ("Quý IV", "fixed", date(2026, 12, 31)),
    ("Tháng 01/2026", "fixed", date(2026, 1, 31)),
    ("9/2026", "fixed", date(2026, 9, 30)),
    ("Quý IV/ 2026", "fixed", date(2026, 12, 31)),
    ("Năm 2025", "fixed", date(2025, 12, 31)),
    ("Ngay sau khi UBND Thành phố ban hành Công văn", "conditional", None),
    ("Theo hướng dẫn của cấp trên", "conditional", None),
    ("Khi có văn bản của cấp trên", "conditional", None),
    ("Tùy tình hình", "unknown", None),
    ("", "unknown", None),
    (None, "unknown", None),
    ("trước ngày 31/02/2026", "unknown", None),
]


@pytest.mark.parametrize("text,kind,due", CASES, ids=[str(c[0])[:30] for c in CASES])
def test_parse_deadline(text, kind, due):
    parsed = parse_deadline(text, 2026)
    assert (parsed.kind, parsed.due_date) == (kind, due)
    assert parsed.text == (text or "").strip()


def test_plan_year_is_used_when_the_text_has_none():
    assert parse_deadline("Cả năm", 2027).due_date == date(2027, 12, 31)
    assert parse_deadline("Thường xuyên", 2027).due_date == date(2027, 12, 31)


@pytest.mark.parametrize("text,written,kind,due", [
    ("Tỷ lệ hồ sơ xử lý trực tuyến đạt 90% (tính tại thời điểm tháng 12/2026)",
     "tháng 12/2026", "fixed", date(2026, 12, 31)),
    ("Hoàn thành số hóa trước 30/6/2026", "30/6/2026", "fixed", date(2026, 6, 30)),
    ("Chi trả an sinh không dùng tiền mặt đạt 100% (tính từ 01/10/2026)", "Trong năm 2026",
     "plan_year", date(2026, 12, 31)),
    ("Nâng cao kỹ năng số cho người dân", "Trong năm 2026", "plan_year", date(2026, 12, 31)),
])
def test_deadline_read_from_the_task_text(text, written, kind, due):
    parsed = plan_year_deadline(text, 2026)
    assert (parsed.text, parsed.kind, parsed.due_date) == (written, kind, due)
