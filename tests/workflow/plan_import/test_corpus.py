"""Every appendix of the corpus reads exactly as its hand-written expected file says."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from workflow.plan_import.parser import parse_plan, summary

CORPUS = FIXTURES / "plans"
SOURCES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".docx"))


def _expected(source: Path) -> dict:
    return json.loads((CORPUS / f"{source.name}.expected.json").read_text(encoding="utf-8"))


def test_every_source_has_an_expected_file():
    assert len(SOURCES) >= 11
    for source in SOURCES:
        assert (CORPUS / f"{source.name}.expected.json").exists(), source.name


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_reads_as_expected(source):
    expected = _expected(source)
    parsed = parse_plan(source, plan_year=expected["plan_year"])
    result = summary(parsed)
    assert result["tasks"] == expected["tasks"]
    assert result["sections_detail"] == expected["sections"]
    assert sorted({t.lead_unit for t in parsed.tasks if t.lead_unit}) \
        == sorted(expected["lead_units"])
    assert sum(1 for t in parsed.tasks if not t.lead_unit) == expected["tasks_without_lead"]
    assert result["deadlines"] == expected["deadlines"]
    assert [{"row": s["row"], "reason": s["reason"]} for s in result["skipped"]] \
        == expected["skipped"]
    assert parsed.extra_columns == expected["extra_columns"]
    if "codes" in expected:
        assert [t.code for t in parsed.tasks] == expected["codes"]
    if "columns" in expected:
        assert result["columns"] == expected["columns"]
    if "title" in expected:
        assert parsed.title == expected["title"]
    notes = [p for p in parsed.problems if "không có cột thời hạn" in p]
    assert len(notes) == expected.get("no_deadline_column_notes", 0)
    assert not any("không có thời hạn" in p for p in parsed.problems)
    tasks = {t.code: t for t in parsed.tasks}
    for check in expected["checks"]:
        task = tasks[check["code"]]
        for key, value in check.items():
            if key == "code":
                continue
            if key == "deadline_kind":
                assert task.deadline.kind == value, (task.code, key)
            elif key == "deadline_text":
                assert task.deadline.text == value, (task.code, key)
            elif key == "due":
                assert task.deadline.due_date == (date.fromisoformat(value) if value else None), \
                    (task.code, key)
            else:
                assert getattr(task, key) == value, (task.code, key)


def _rows(parsed):
    return [(t.code, t.parent_title, t.title, t.lead_unit, tuple(t.coordinating_units),
             t.coordinates_all_units, t.deadline, t.monitoring_unit, t.group, t.extra_fields)
            for t in parsed.tasks]


@pytest.mark.parametrize("stem", sorted({p.stem for p in SOURCES
                                         if (CORPUS / f"{p.stem}.xlsx").exists()
                                         and (CORPUS / f"{p.stem}.docx").exists()}))
def test_excel_and_word_of_one_appendix_give_the_same_tasks(stem):
    year = _expected(CORPUS / f"{stem}.xlsx")["plan_year"]
    assert _rows(parse_plan(CORPUS / f"{stem}.xlsx", plan_year=year)) \
        == _rows(parse_plan(CORPUS / f"{stem}.docx", plan_year=year))
