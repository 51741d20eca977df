"""Month and quarter arithmetic, in its one module."""

from __future__ import annotations

from datetime import date

from workflow import overview
from workflow.periods import day_of_month, month_end, period_of, quarter_end, quarter_of
from workflow.warning_rules import period_for


def test_month_and_quarter_ends():
    assert month_end(2028, 2) == date(2028, 2, 29) and month_end(2026, 12) == date(2026, 12, 31)
    assert day_of_month(2026, 2, 31) == date(2026, 2, 28) and day_of_month(2026, 3, 18).day == 18
    assert [quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == [1, 1, 2, 3, 4, 4]
    assert quarter_end(2026, 3) == date(2026, 9, 30)


def test_reporting_and_warning_periods_agree():
    day = date(2026, 11, 5)
    assert period_of(day, "quarter").label == "Quý IV/2026"
    warning = period_for(day, "quarter")
    assert (warning.start, warning.end, warning.title) == (date(2026, 10, 1), date(2026, 12, 31),
                                                           "QUÝ IV/2026")
    assert period_for(day, "month").title == "THÁNG 11/2026"


def test_home_page_by_role(session, world):
    office = overview.home(session, actor=world.reviewer)
    assert isinstance(office, overview.OfficeHome) and office.title == "Tổng quan thẩm định"
    assert overview.home(session, actor=world.leader).title == "Tổng quan kế hoạch"
    unit = overview.home(session, actor=world.member_a)
    assert isinstance(unit, overview.UnitHome) and unit.unit_name == "Văn phòng Đảng ủy"
