"""The periodic progress report to the province: every KPI with its completion and the
approved evidence, as Excel (with links) and as a ZIP of the evidence files with a manifest."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ClaimState, CompletionClaim, EvidenceFile, Plan, Task, Unit, User
from workflow import permissions
from workflow.clock import format_date, to_local
from workflow.labels import STATUS_LABELS
from workflow.permissions import Capability
from workflow.plans import current_plan
from workflow.reports.archive_paths import archive_path
from workflow.safe_cells import csv_row, set_cell, write_cell
from workflow.status import TaskStatus, latest_percent, status_expression


@dataclass
class EvidenceLine:
    """An approved evidence file."""

    id: int
    name: str
    object_key: str
    sha256: str
    size: int
    approved_on: date


@dataclass
class KpiLine:
    """One task of the report."""

    code: str
    title: str
    kpi: str
    unit: str
    percent: int
    status: str
    deadline: date | None
    evidence: list[EvidenceLine] = field(default_factory=list)


def report_lines(session: Session, *, actor: User) -> tuple[Plan | None, list[KpiLine]]:
    """Every active task of the latest plan with completion and approved evidence."""
    permissions.require(actor, Capability.EXPORT)
    plan = current_plan(session, actor=actor)
    if plan is None:
        return None, []
    rows = session.execute(
        select(Task.id, Task.code, Task.title, Task.kpi_text, Task.deadline_date, Unit.name,
               status_expression(), latest_percent())
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.plan_id == plan.id, Task.removed_from_plan_at.is_(None))
        .order_by(Task.position)).all()
    evidence: dict[int, list[EvidenceLine]] = {}
    for file_id, task_id, name, key, sha256, size, decided in session.execute(
            select(EvidenceFile.id, EvidenceFile.task_id, EvidenceFile.original_name,
                   EvidenceFile.object_key, EvidenceFile.sha256, EvidenceFile.size_bytes,
                   CompletionClaim.decided_at)
            .join(CompletionClaim, CompletionClaim.id == EvidenceFile.claim_id)
            .join(Task, Task.id == CompletionClaim.task_id)
            .where(CompletionClaim.state == ClaimState.APPROVED, Task.plan_id == plan.id)
            .order_by(EvidenceFile.id)):
        evidence.setdefault(task_id, []).append(EvidenceLine(
            file_id, name, key, sha256, size, to_local(decided).date()))
    lines = []
    for task_id, code, title, kpi, deadline, unit, status_value, percent in rows:
        status = TaskStatus(status_value)
        lines.append(KpiLine(code, title, kpi, unit or "",
                             100 if status == TaskStatus.COMPLETED else int(percent or 0),
                             STATUS_LABELS[status], deadline, evidence.get(task_id, [])))
    return plan, lines


def province_xlsx(plan: Plan | None, lines: list[KpiLine], *, base_url: str,
                  as_of: date, committee: str) -> bytes:
    """Sheet 1: one row per KPI; sheet 2: one row per approved evidence file, linked."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu"
    set_cell(sheet, "A1", f"BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CHUYỂN ĐỔI SỐ — {committee.upper()}")
    sheet["A1"].font = Font(bold=True, size=13)
    set_cell(sheet, "A2", f"{plan.title if plan else ''} — số liệu tính đến ngày "
                          f"{format_date(as_of)}")
    headers = ["STT", "Mã", "Nhiệm vụ / chỉ tiêu", "KPI", "Đơn vị chủ trì", "Thời hạn",
               "Tỷ lệ hoàn thành (%)", "Trạng thái", "Số minh chứng được công nhận",
               "Minh chứng"]
    for column, header in enumerate(headers, start=1):
        cell = write_cell(sheet, 4, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DEDE")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, line in enumerate(lines, start=1):
        row = 4 + number
        values = [number, line.code, line.title, line.kpi, line.unit, format_date(line.deadline),
                  line.percent, line.status, len(line.evidence),
                  "\n".join(e.name for e in line.evidence)]
        for column, value in enumerate(values, start=1):
            cell = write_cell(sheet, row, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line.evidence:
            link = sheet.cell(row=row, column=10)
            link.hyperlink = f"{base_url}/minh-chung/{line.evidence[0].id}"
            link.font = Font(color="0563C1", underline="single")
    for column, width in enumerate([6, 9, 50, 36, 24, 12, 12, 16, 12, 40], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    files = book.create_sheet("Minh chứng")
    for column, header in enumerate(["Mã", "Nhiệm vụ", "Tệp", "Ngày công nhận", "SHA-256",
                                     "Dung lượng (byte)", "Đường dẫn"], start=1):
        write_cell(files, 1, column, header).font = Font(bold=True)
    row = 1
    for line in lines:
        for item in line.evidence:
            row += 1
            url = f"{base_url}/minh-chung/{item.id}"
            for column, value in enumerate([line.code, line.title, item.name,
                                            format_date(item.approved_on), item.sha256,
                                            item.size, url], start=1):
                write_cell(files, row, column, value)
            files.cell(row=row, column=7).hyperlink = url
            files.cell(row=row, column=7).font = Font(color="0563C1", underline="single")
    for column, width in enumerate([9, 50, 40, 14, 66, 16, 50], start=1):
        files.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def province_zip(lines: list[KpiLine], store) -> BinaryIO:
    """The approved evidence files by task code, with manifest.csv; spooled to disk when large."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(csv_row(["ma_nhiem_vu", "nhiem_vu", "don_vi", "tep_trong_zip", "ten_goc",
                     "sha256", "dung_luong", "ngay_cong_nhan"]))
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()  # case-folded: Windows would merge "A.pdf" and "a.pdf"
        for line in lines:
            for item in line.evidence:
                path = archive_path((line.code, "nhiem-vu"), (item.name, f"tep-{item.id}"))
                if path.casefold() in used:
                    path = archive_path((line.code, "nhiem-vu"),
                                        (f"{item.id}-{item.name}", f"tep-{item.id}"))
                used.add(path.casefold())
                with store.open(item.object_key) as source, archive.open(path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
                writer.writerow(csv_row([line.code, line.title, line.unit, path, item.name,
                                         item.sha256, item.size,
                                         format_date(item.approved_on)]))
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    spool.seek(0)
    return spool
