"""Numeric KPI targets (#16): parsing at import, value vs target in progress reports."""

from __future__ import annotations

import pytest

from db.models import Role
from tests.factories import make_user
from workflow import head_confirmation, progress
from workflow.demo import DEMO_PLAN_FILE
from workflow.errors import NotFound, ValidationError
from workflow.kpi_targets import (
    AT_LEAST,
    KpiTarget,
    derive_percent,
    parse_target,
    value_vs_target,
)
from workflow.plan_import.parser import parse_plan


@pytest.mark.parametrize("text,expected", [
    ("Tỷ lệ cán bộ được bồi dưỡng kỹ năng số 100%", KpiTarget(100, "%")),
    ("≥ 75% giao dịch được thực hiện trên môi trường số", KpiTarget(75, "%", AT_LEAST)),
    ("tối thiểu 01 mô hình", KpiTarget(1, "mô hình", AT_LEAST)),
    ("03 cuộc thi", KpiTarget(3, "cuộc thi")),
    ("Toàn thể đảng viên, cán bộ, công chức", KpiTarget(100, "%")),
    ("Nghị quyết số 57 được quán triệt trong năm 2026", None),
    ("Dự thảo được thông qua và ban hành đúng tiến độ đề ra", None),
    ("", None),
])
def test_targets_in_kpi_texts(text, expected):
    assert parse_target(text) == expected


def test_the_demo_plan_import_finds_these_targets_and_not_those():
    found = {t.code: (t.kpi_target, t.kpi_unit)
             for t in parse_plan(DEMO_PLAN_FILE, plan_year=2026).tasks}
    with_target = {code: target for code, target in found.items() if target != (None, None)}
    assert with_target == {
        "I.1": (100, "%"), "I.2": (100, "%"), "II.1": (100, "%"), "II.5": (100, "%"),
        "IV.1": (100, "%"), "IV.2": (100, "%"), "IV.3": (80, "%"), "IV.4": (100, "%"),
        "V.2.1": (100, "%"), "V.2.2": (1, "mô hình"), "V.2.3": (100, "%"),
        "V.2.4": (100, "%"), "V.2.5": (70, "%"), "V.3": (100, "%"), "V.4": (100, "%"),
        "V.6": (100, "%"), "VI.2": (84, "nền tảng"),
    }
    # Texts that name no number ("Hệ thống được đưa vào khai thác, vận hành", "Dự thảo được
    # thông qua …", "Đúng tiến độ lộ trình đề ra") and an empty KPI keep the % as today.
    assert sorted(set(found) - set(with_target)) == [
        "I.3", "II.2", "II.3", "II.4", "III.1", "V.1.1", "V.1.2", "V.1.3", "V.1.4", "V.1.5",
        "V.1.6", "V.5", "V.7.1", "V.7.2", "VI.1"]


def test_derived_percent():
    assert derive_percent(80, 60) == 75
    assert derive_percent(1, 2) == 100
    assert derive_percent(3, 1) == 33
    assert value_vs_target(60, 80, "%") == "60% / 80%"
    assert value_vs_target(1, 3, "cuộc thi") == "1 / 3 cuộc thi"
    assert value_vs_target(None, 3, "cuộc thi") == "— / 3 cuộc thi"
    assert value_vs_target(5, None, None) == ""


def _report(session, world, **fields):
    fields.setdefault("percent", None)
    return progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                                    narrative="Đã triển khai", **fields)


def test_a_report_records_the_value_and_derives_the_percent(session, world):
    world.task_a.kpi_target, world.task_a.kpi_text = 80, "80% cán bộ được bồi dưỡng"
    report = _report(session, world, kpi_value="60")
    assert (report.kpi_value, report.percent_complete) == (60, 75)
    rate = _report(session, world, kpi_numerator=30, kpi_denominator=40)
    assert (rate.kpi_value, rate.percent_complete, rate.kpi_denominator) == (75, 94, 40)


def test_an_override_needs_a_reason(session, world):
    with pytest.raises(ValidationError, match="lý do"):
        _report(session, world, kpi_value=50, percent=80)
    report = _report(session, world, kpi_value=50, percent=80,
                     override_reason="Phần còn lại đã xong, chờ số liệu")
    assert report.percent_complete == 80 and report.percent_override_reason


@pytest.mark.parametrize("fields,message", [
    ({"kpi_value": "abc"}, "phải là một số"),
    ({"kpi_value": -1}, "không được âm"),
    ({"kpi_numerator": 5}, "cả tử số và mẫu số"),
    ({"kpi_numerator": 5, "kpi_denominator": 0}, "cả tử số và mẫu số"),
    ({"kpi_numerator": 5, "kpi_denominator": 4}, "không được lớn hơn"),
    ({"kpi_numerator": 1, "kpi_denominator": 4, "kpi_value": 90}, "không khớp"),
])
def test_bad_kpi_values_are_refused(session, world, fields, message):
    with pytest.raises(ValidationError, match=message):
        _report(session, world, **fields)


def test_a_task_without_a_numeric_target_keeps_the_percent(session, world):
    world.task_a.kpi_target = world.task_a.kpi_unit = None
    assert _report(session, world, percent=40).percent_complete == 40
    with pytest.raises(ValidationError, match="không có chỉ tiêu định lượng"):
        _report(session, world, percent=40, kpi_value=3)


def test_monthly_reports_wait_for_the_head_when_the_plan_says_so(session, world):
    world.plan.require_head_report_confirmation = True
    head = world.head_a
    head_b = make_user(session, "head_b", Role.UNIT_HEAD, world.unit_b)
    report = _report(session, world, percent=30)
    assert head_confirmation.reports_waiting(session, actor=head) == [report]
    with pytest.raises(NotFound):
        head_confirmation.confirm_report(session, actor=head_b, report_id=report.id)
    head_confirmation.confirm_report(session, actor=head, report_id=report.id, note="Đúng")
    assert head_confirmation.reports_waiting(session, actor=head) == []
    own = progress.report_progress(session, actor=head, task_id=world.task_a.id, percent=40,
                                   narrative="Thủ trưởng báo cáo")
    assert head_confirmation.report_confirmation(session, own.id).head_id == head.id
