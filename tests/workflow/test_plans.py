"""Saving an imported plan, and re-importing an edited file."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from db.models import Task, Unit
from tests.conftest import FIXTURES
from workflow import claims, progress
from workflow.errors import PermissionDenied, ValidationError
from workflow.plan_import.parser import parse_plan
from workflow.plans import PlanInfo, apply_import, new_unit_names

INFO = PlanInfo(number="09-KH/ĐU", title="Kế hoạch năm 2026", issuing_body="Đảng ủy phường",
                year=2026)


def _parsed():
    return parse_plan(FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx", plan_year=2026)


def test_new_units_must_be_confirmed(session, world):
    parsed = _parsed()
    names = new_unit_names(session, parsed)
    assert "Ban Xây dựng Đảng" in names and "UBND phường" not in names
    with pytest.raises(ValidationError, match="Cần xác nhận tạo đơn vị mới"):
        apply_import(session, actor=world.admin, info=INFO, parsed=parsed)
    session.rollback()
    assert session.scalar(select(Unit).where(Unit.name == "Ban Xây dựng Đảng")) is None


def test_only_admin_imports(session, world):
    with pytest.raises(PermissionDenied):
        apply_import(session, actor=world.reviewer, info=INFO, parsed=_parsed())


def test_reimport_updates_by_code_and_keeps_history(session, world):
    parsed = _parsed()
    outcome = apply_import(session, actor=world.admin, info=INFO, parsed=parsed,
                           create_units=new_unit_names(session, parsed))
    assert len(outcome.created) == 32
    task = session.scalar(select(Task).where(Task.plan_id == outcome.plan_id,
                                             Task.code == "II.4"))
    member = world.member_a  # Văn phòng Đảng ủy leads II.4
    progress.report_progress(session, actor=member, task_id=task.id, percent=50, narrative="x")
    from tests.workflow.test_claims_reviews import staged

    claim = claims.file_claim(session, actor=member, task_id=task.id,
                              evidence_ids=[staged(session, member, task).id])
    session.commit()

    edited = _parsed()
    section_v = edited.sections[4]
    section_v.tasks = [t for t in section_v.tasks if t.code != "V.5"]
    edited.sections[1].tasks = [dataclasses.replace(t, title=t.title + " (sửa)")
                                if t.code == "II.4" else t for t in edited.sections[1].tasks]
    again = apply_import(session, actor=world.admin, info=INFO, parsed=edited)
    session.commit()
    assert again.updated == ["II.4"] and again.removed == ["V.5"] and not again.created
    session.refresh(task)
    assert task.title.endswith("(sửa)")
    assert claims.pending_claim(session, actor=world.reviewer, task_id=task.id).id == claim.id
    assert len(progress.history(session, actor=member, task_id=task.id)) == 1
    removed = session.scalar(select(Task).where(Task.plan_id == outcome.plan_id,
                                                Task.code == "V.5"))
    assert removed.removed_from_plan_at is not None


def _import_corpus(session, world, name: str, year: int = 2026):
    parsed = parse_plan(FIXTURES / "plans" / name, plan_year=year)
    info = PlanInfo(number=name.split(".")[0], title="Kế hoạch", issuing_body="Đảng ủy phường",
                    year=year)
    return parsed, apply_import(session, actor=world.admin, info=info, parsed=parsed,
                                create_units=new_unit_names(session, parsed))


def test_monitoring_unit_group_and_extra_columns_are_saved(session, world):
    _, outcome = _import_corpus(session, world, "two-lead-columns.xlsx")
    task = session.scalar(select(Task).where(Task.plan_id == outcome.plan_id, Task.code == "3"))
    assert task.monitoring_unit == "Công an Thành phố"
    assert task.task_group == "Dữ liệu số"
    assert task.lead_unit.name == "Công an phường"
    _, outcome = _import_corpus(session, world, "title-block-extra-columns.xlsx")
    task = session.scalar(select(Task).where(Task.plan_id == outcome.plan_id, Task.code == "1"))
    assert task.extra_fields == {"Kinh phí (triệu đồng)": "150", "Mức độ ưu tiên": "Cao"}


def test_plan_year_deadlines_are_saved_with_their_kind(session, world):
    _, outcome = _import_corpus(session, world, "no-deadline-column.xlsx")
    kinds = {t.code: (t.deadline_kind.value, t.deadline_text, t.deadline_date)
             for t in session.scalars(select(Task).where(Task.plan_id == outcome.plan_id))}
    assert kinds["3"] == ("plan_year", "Trong năm 2026", date(2026, 12, 31))
    assert kinds["1"] == ("fixed", "tháng 12/2026", date(2026, 12, 31))


def test_word_copy_of_an_imported_excel_appendix_changes_nothing(session, world):
    _, first = _import_corpus(session, world, "vinh-tuy-nq57.xlsx", 2025)
    assert len(first.created) == 23
    session.commit()
    _, again = _import_corpus(session, world, "vinh-tuy-nq57.docx", 2025)
    assert again.plan_id == first.plan_id
    assert (again.created, again.updated, again.removed) == ([], [], [])
    assert len(again.unchanged) == 23
