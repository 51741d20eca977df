"""The periodic progress report to the province: every KPI with its completion and the
approved evidence, as Excel (with links) and as a ZIP of the evidence files with a manifest."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from db.models import ClaimState, CompletionClaim, EvidenceFile, Plan, Task, Unit, User
from db.sql import constant, run
from workflow import permissions
from workflow.clock import format_date, to_local
from workflow.kpi_targets import latest_value, value_vs_target
from workflow.labels import STATUS_LABELS
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.reports.archive_paths import archive_path
from workflow.safe_cells import csv_row, safe_value
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
    kpi_value: str = ""  # "60% / 80%" when the task has a numeric target (#16)


# Built once (db.sql): the plan is the parameter.
_PLAN = bindparam("plan_id", type_=Integer)
_LINES = (select(Task.id, Task.code, Task.title, Task.kpi_text, Task.deadline_date, Unit.name,
                 status_expression(), latest_percent(), latest_value(), Task.kpi_target,
                 Task.kpi_unit)
          .outerjoin(Unit, Unit.id == Task.lead_unit_id)
          .where(Task.plan_id == _PLAN, Task.removed_from_plan_at.is_(None))
          .order_by(Task.position))
_APPROVED_EVIDENCE = (
    select(EvidenceFile.id, EvidenceFile.task_id, EvidenceFile.original_name,
           EvidenceFile.object_key, EvidenceFile.sha256, EvidenceFile.size_bytes,
           CompletionClaim.decided_at)
    .join(CompletionClaim, CompletionClaim.id == EvidenceFile.claim_id)
    .join(Task, Task.id == CompletionClaim.task_id)
    .where(CompletionClaim.state == constant(ClaimState.APPROVED), Task.plan_id == _PLAN)
    .order_by(EvidenceFile.id))


def report_lines(session: Session, *, actor: User,
                 plan_id: int | None = None) -> tuple[Plan | None, list[KpiLine]]:
    """Every active task of one plan (the ward's current plan unless named) with completion
    and approved evidence."""
    permissions.require(actor, Capability.EXPORT)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        return None, []
    params = {"plan_id": plan.id}
    rows = run(session, _LINES, params).all()
    evidence: dict[int, list[EvidenceLine]] = {}
    for file_id, task_id, name, key, sha256, size, decided in run(
            session, _APPROVED_EVIDENCE, params).all():
        evidence.setdefault(task_id, []).append(EvidenceLine(
            file_id, name, key, sha256, size, to_local(decided).date()))
    lines = []
    for (task_id, code, title, kpi, deadline, unit, status_value, percent, value,
         target, target_unit) in rows:
        status = TaskStatus(status_value)
        lines.append(KpiLine(code, title, kpi, unit or "",
                             100 if status == TaskStatus.COMPLETED else int(percent or 0),
                             STATUS_LABELS[status], deadline, evidence.get(task_id, []),
                             value_vs_target(value, target, target_unit)))
    return plan, lines


Progress = Callable[[float], None]
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="F2DEDE")
LINK_FONT = Font(color="0563C1", underline="single")
WRAP_TOP, WRAP_CENTRE = (Alignment(wrap_text=True, vertical="top"),
                         Alignment(wrap_text=True, vertical="center"))


def _cell(sheet, value: object, *, font=None, fill=None, alignment=None,
          link: str | None = None) -> WriteOnlyCell:
    """A write-only cell holding a safe value (text always stored as text, never a formula)."""
    safe = safe_value(value)
    cell = WriteOnlyCell(sheet, value=safe)
    if isinstance(safe, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if link:
        cell.hyperlink = link
    return cell


def write_province_xlsx(plan: Plan | None, lines: list[KpiLine], target: str | BinaryIO, *,
                        base_url: str, as_of: date, committee: str,
                        progress: Progress | None = None) -> None:
    """Sheet 1: one row per KPI; sheet 2: one row per approved evidence file, linked.

    Written in openpyxl's write-only mode: rows stream to a temporary file as they are made
    and styles are shared objects, so memory and time grow linearly with the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Chỉ tiêu")
    for column, width in enumerate([6, 9, 50, 36, 24, 12, 12, 16, 12, 40, 18], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.append([_cell(sheet, "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CHUYỂN ĐỔI SỐ — "
                               f"{committee.upper()}", font=Font(bold=True, size=13))])
    sheet.append([_cell(sheet, f"{plan.title if plan else ''} — số liệu tính đến ngày "
                               f"{format_date(as_of)}")])
    sheet.append([])
    headers = ["STT", "Mã", "Nhiệm vụ / chỉ tiêu", "KPI", "Đơn vị chủ trì", "Thời hạn",
               "Tỷ lệ hoàn thành (%)", "Trạng thái", "Số minh chứng được công nhận",
               "Minh chứng", "Giá trị đạt được / chỉ tiêu"]
    sheet.append([_cell(sheet, header, font=HEADER_FONT, fill=HEADER_FILL,
                        alignment=WRAP_CENTRE) for header in headers])
    total = max(1, len(lines) + sum(len(line.evidence) for line in lines))
    done = 0
    for number, line in enumerate(lines, start=1):
        values = [number, line.code, line.title, line.kpi, line.unit,
                  format_date(line.deadline), line.percent, line.status, len(line.evidence)]
        row = [_cell(sheet, value, alignment=WRAP_TOP) for value in values]
        if line.evidence:
            row.append(_cell(sheet, "\n".join(e.name for e in line.evidence),
                             alignment=WRAP_TOP, font=LINK_FONT,
                             link=f"{base_url}/minh-chung/{line.evidence[0].id}"))
        else:
            row.append(_cell(sheet, "", alignment=WRAP_TOP))
        row.append(_cell(sheet, line.kpi_value, alignment=WRAP_TOP))
        sheet.append(row)
        done += 1
        if progress and done % 500 == 0:
            progress(done / total)
    files = book.create_sheet("Minh chứng")
    for column, width in enumerate([9, 50, 40, 14, 66, 16, 50], start=1):
        files.column_dimensions[get_column_letter(column)].width = width
    files.append([_cell(files, header, font=HEADER_FONT)
                  for header in ["Mã", "Nhiệm vụ", "Tệp", "Ngày công nhận", "SHA-256",
                                 "Dung lượng (byte)", "Đường dẫn"]])
    for line in lines:
        for item in line.evidence:
            url = f"{base_url}/minh-chung/{item.id}"
            files.append([_cell(files, value) for value in
                          [line.code, line.title, item.name, format_date(item.approved_on),
                           item.sha256, item.size]]
                         + [_cell(files, url, font=LINK_FONT, link=url)])
            done += 1
            if progress and done % 500 == 0:
                progress(done / total)
    book.save(target)
    if progress:
        progress(1.0)


def province_xlsx(plan: Plan | None, lines: list[KpiLine], *, base_url: str,
                  as_of: date, committee: str) -> bytes:
    """``write_province_xlsx`` into memory (small wards; the background job writes a file)."""
    buffer = io.BytesIO()
    write_province_xlsx(plan, lines, buffer, base_url=base_url, as_of=as_of,
                        committee=committee)
    return buffer.getvalue()


def province_zip(lines: list[KpiLine], store, progress: Progress | None = None) -> BinaryIO:
    """The approved evidence files by task code, with manifest.csv; spooled to disk when large."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(csv_row(["ma_nhiem_vu", "nhiem_vu", "don_vi", "tep_trong_zip", "ten_goc",
                     "sha256", "dung_luong", "ngay_cong_nhan"]))
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        total, written = max(1, sum(len(line.evidence) for line in lines)), 0
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
                written += 1
                if progress:
                    progress(written / total)
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    spool.seek(0)
    return spool
