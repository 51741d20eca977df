"""The periodic Word report: administrative layout, the dashboard's figures for the same
date, the units' own difficulties and proposals, and every version kept."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from db.models import (
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    EvidenceKind,
    PeriodicReport,
    ProgressReport,
    ReportPeriod,
)
from tests.workflow.test_warning_rules import at, claim, report
from workflow import periodic_reports
from workflow.dashboard import dashboard
from workflow.errors import PermissionDenied
from workflow.reports.periodic_data import collect, report_period
from workflow.reports.periodic_docx import place_name

AS_OF = date(2026, 5, 19)
COMMITTEE, OFFICE = "Đảng ủy phường Phước Bình", "Văn phòng Đảng ủy"


def _history(session, world):
    claim(session, world, world.task_overdue, date(2026, 5, 2), ClaimState.APPROVED,
          date(2026, 5, 5))
    approved = session.scalar(select(CompletionClaim))
    for name in ("Biên bản.pdf", "Ảnh hội nghị.jpg"):
        session.add(EvidenceFile(
            claim_id=approved.id, task_id=world.task_overdue.id,
            uploaded_by_id=world.member_a.id, object_key=f"evidence/x/{name.encode().hex()}",
            original_name=name, content_type="application/pdf", size_bytes=10,
            sha256="0" * 64, kind=EvidenceKind.OTHER, derived={}, created_at=at(AS_OF)))
    report(session, world, world.task_a, date(2026, 5, 10), 40)
    session.add(ProgressReport(task_id=world.task_b.id, unit_id=world.unit_b.id,
                               author_id=world.member_b.id, period_kind=ReportPeriod.MONTH,
                               period_start=date(2026, 5, 1), period_label="Tháng 05/2026",
                               percent_complete=30, narrative="Đang khảo sát",
                               difficulties="Thiếu máy tính cho bộ phận một cửa",
                               proposals="Đề nghị bổ sung 02 máy tính",
                               created_at=at(date(2026, 5, 12))))
    session.flush()


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _figures(table) -> dict[str, list[int]]:
    return {row.cells[1].text: [int(c.text) for c in row.cells[2:]] for row in table.rows[1:]}


def test_monthly_report_holds_the_dashboard_figures(session, world, local_store):
    _history(session, world)
    stored = periodic_reports.generate(session, actor=world.reviewer, store=local_store,
                                       kind="month", as_of=AS_OF, committee=COMMITTEE,
                                       office=OFFICE)
    session.commit()
    with local_store.open(stored.object_key) as handle:
        document = Document(io.BytesIO(handle.read()))
    text = _text(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Phước Bình, ngày 19 tháng 05 năm 2026" in text
    assert "Số:" in text and "Nơi nhận:" in text and "(Ký, ghi rõ họ tên)" in text
    assert "Kết quả thực hiện Kế hoạch số 01-KH/ĐU tháng 05/2026" in text
    # Times New Roman 11–14 pt everywhere text is written.
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in document.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs if r.text.strip()]
    assert runs and {r.font.name for r in runs} == {"Times New Roman"}
    assert {r.font.size.pt for r in runs} <= {11, 12, 13, 14}

    data = dashboard(session, actor=world.reviewer, as_of=AS_OF)
    # Tables: 0 header, 1 sections, 2 units, 3 KPIs completed, 4 warnings, 5 signature.
    by_section = _figures(document.tables[1])
    by_unit = _figures(document.tables[2])
    completed = data.status.get("completed", 0)
    assert by_section["Tổng cộng"][:2] == [data.total, completed]
    assert by_section["Tổng cộng"][4] == data.overdue
    assert by_section["Tổng cộng"][5] == data.status.get("not_started", 0)
    for (_unit_id, name), counts in data.by_unit.items():
        tasks = sum(v for k, v in counts.items() if k != "overdue")
        row = by_unit[name]
        assert row[0] == tasks and row[1] == counts.get("completed", 0)
        assert row[4] == counts.get("overdue", 0)
        assert row[5] == counts.get("not_started", 0)
    assert by_unit["Văn phòng Đảng ủy"][2] == 0  # approved 05/05 after the 31/01 deadline
    kpis = document.tables[3].rows[1].cells
    assert kpis[1].text == "I.4" and kpis[5].text == "05/05/2026 (trễ hạn)"
    assert kpis[6].text == "2"  # evidence files of the approved claim
    warned = {row.cells[1].text for row in document.tables[4].rows[1:]}
    assert warned == {item.task_code for item in collect(
        session, actor=world.reviewer, kind="month", as_of=AS_OF).warnings}
    assert "UBND phường: Thiếu máy tính cho bộ phận một cửa (nhiệm vụ I.2)" in text
    assert "Đề nghị bổ sung 02 máy tính (nhiệm vụ I.2)" in text


def test_every_version_is_kept(session, world, local_store):
    first = periodic_reports.generate(session, actor=world.reviewer, store=local_store,
                                      kind="quarter", as_of=AS_OF, committee=COMMITTEE,
                                      office=OFFICE)
    second = periodic_reports.generate(session, actor=world.reviewer, store=local_store,
                                       kind="quarter", as_of=AS_OF, committee=COMMITTEE,
                                       office=OFFICE)
    session.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.object_key.startswith("reports/") and first.object_key != second.object_key
    assert local_store.exists(first.object_key) and local_store.exists(second.object_key)
    assert second.file_name == "Báo cáo sơ kết quý II-2026 (lần 2).docx"
    listed = periodic_reports.list_reports(session, actor=world.leader)
    assert [r.id for r in listed] == [second.id, first.id]
    report, stream = periodic_reports.open_report(session, actor=world.leader,
                                                  store=local_store, report_id=first.id)
    with stream:
        text = _text(Document(io.BytesIO(stream.read())))
    assert "Sơ kết quý II/2026 thực hiện Kế hoạch số 01-KH/ĐU" in text
    year = periodic_reports.generate(session, actor=world.reviewer, store=local_store,
                                     kind="year", as_of=date(2026, 12, 10),
                                     committee=COMMITTEE, office=OFFICE)
    with local_store.open(year.object_key) as handle:
        assert "Tổng kết năm 2026" in _text(Document(io.BytesIO(handle.read())))


@pytest.mark.parametrize("role", ["leader", "admin", "unit_member"])
def test_only_the_office_generates(session, world, local_store, role):
    with pytest.raises(PermissionDenied):
        periodic_reports.generate(session, actor=world.users()[role], store=local_store,
                                  kind="month", as_of=AS_OF, committee=COMMITTEE,
                                  office=OFFICE)
    assert session.scalar(select(PeriodicReport.id)) is None
    assert list(local_store.list_keys("reports/")) == []


def test_units_cannot_list_reports(session, world):
    with pytest.raises(PermissionDenied):
        periodic_reports.list_reports(session, actor=world.member_a)


def test_periods_and_place():
    assert report_period("quarter", date(2026, 11, 3)).label == "Quý IV/2026"
    assert report_period("year", AS_OF).start == date(2026, 1, 1)
    assert place_name("Đảng ủy phường Phước Bình") == "Phước Bình"
    assert place_name("Đảng ủy xã Tân Lập") == "Tân Lập"
