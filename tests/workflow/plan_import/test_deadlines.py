"""Every deadline form the plans use, pinned."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.plan_import.deadlines import parse_deadline

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
    ("Theo kế hoạch", "unknown", None),
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
