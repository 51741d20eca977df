"""Generated periodic reports: each version is stored in the evidence store under
``reports/`` and recorded in the database, listed for the office and downloaded."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import PeriodicReport, Plan, User, Ward
from storage.base import make_key
from workflow import audit_trail, permissions, scope
from workflow.clock import now_utc
from workflow.errors import NotFound
from workflow.permissions import Actor, Capability
from workflow.reports.periodic_data import KIND_LABELS, collect
from workflow.reports.periodic_docx import write_docx

log = logging.getLogger(__name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KEY_PREFIX = "reports"


def file_name(kind: str, period_label: str, version: int) -> str:
    """"Báo cáo tháng 05-2026 (lần 2).docx"."""
    label = period_label.replace("/", "-").replace("Tháng ", "tháng ").replace(
        "Quý ", "quý ").replace("Năm ", "năm ")
    base = {"month": "Báo cáo", "quarter": "Báo cáo sơ kết", "year": "Báo cáo tổng kết"}[kind]
    return f"{base} {label} (lần {version}).docx"


def generate(session: Session, *, actor: Actor, store, kind: str, as_of: date,
             committee: str, office: str, plan_id: int | None = None) -> PeriodicReport:
    """Builds the Word report for the period containing ``as_of`` and keeps it as a new
    version. The object is written first; if the row cannot be written it is removed."""
    data = collect(session, actor=actor, kind=kind, as_of=as_of, plan_id=plan_id)
    content = write_docx(data, committee=committee, office=office)
    version = (session.scalar(select(func.max(PeriodicReport.version)).where(
        PeriodicReport.plan_id == data.plan.id, PeriodicReport.kind == kind,
        PeriodicReport.period_label == data.period.label)) or 0) + 1
    name = file_name(kind, data.period.label, version)
    ward_code = session.get(Ward, data.plan.ward_id).code
    stored = store.put_stream(make_key(f"{KEY_PREFIX}/{ward_code}", name), io.BytesIO(content),
                              content_type=DOCX)
    try:
        report = PeriodicReport(plan_id=data.plan.id, kind=kind,
                                period_label=data.period.label, as_of=as_of, version=version,
                                object_key=stored.key, file_name=name, size_bytes=stored.size,
                                sha256=stored.sha256 or "", created_by_id=actor.id,
                                created_at=now_utc())
        session.add(report)
        session.flush()
        audit_trail.record(session, actor=actor, action="report.generate", object_type="report",
                     object_id=report.id, after={"kind": kind, "period": data.period.label,
                                                 "version": version})
    except Exception:
        try:
            store.delete(stored.key)
        except Exception:  # noqa: BLE001 - the row failed; the object is only clutter
            log.exception("could not remove report object %s", stored.key)
        raise
    return report


def list_reports(session: Session, *, actor: Actor, limit: int = 100) -> list[PeriodicReport]:
    """Every generated version, newest first (office and leaders)."""
    permissions.require(actor, Capability.EXPORT)
    query = select(PeriodicReport).where(PeriodicReport.plan_id.in_(scope.plan_ids(actor)))
    return list(session.scalars(query.order_by(
        PeriodicReport.created_at.desc(), PeriodicReport.id.desc()).limit(limit)))


def open_report(session: Session, *, actor: Actor, store,
                report_id: int) -> tuple[PeriodicReport, BinaryIO]:
    """A stored version and a stream of its bytes."""
    permissions.require(actor, Capability.EXPORT)
    report = session.get(PeriodicReport, report_id)
    if report is None or not scope.in_scope(actor, session.get(Plan, report.plan_id).ward_id):
        raise NotFound("Không tìm thấy báo cáo.")
    return report, store.open(report.object_key)


@dataclass(frozen=True)
class ReportLine:
    """A generated report version as the list shows it."""

    id: int
    kind_label: str
    period_label: str
    version: int
    as_of: date
    file_name: str
    created_at: datetime
    author: str


def report_lines(session: Session, *, actor: Actor) -> list[ReportLine]:
    """Kept report versions with their authors' names, newest first (two queries)."""
    reports = list_reports(session, actor=actor)
    ids = {r.created_by_id for r in reports if r.created_by_id}
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
                 .tuples().all()) if ids else {}
    return [ReportLine(r.id, kind_label(r.kind), r.period_label, r.version, r.as_of,
                       r.file_name, r.created_at, names.get(r.created_by_id, "—"))
            for r in reports]


def kind_label(kind: str) -> str:
    """Vietnamese name of a report kind."""
    return KIND_LABELS.get(kind, kind)
