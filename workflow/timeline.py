"""A task's history in one list: progress reports, claims with their files, and reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    ProgressReport,
    ReportConfirmation,
    ReviewDecision,
    Task,
    User,
)
from workflow import claim_chain, head_confirmation, progress
from workflow.kpi_targets import format_value
from workflow.reviews import reason_label


@dataclass(frozen=True)
class TimelineFile:
    """An evidence file as the timeline lists it."""

    id: int
    name: str
    kind: str
    size_bytes: int


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the task's history."""

    at: datetime
    kind: str  # progress | claim | approved | rejected | withdrawn
    actor: str
    title: str
    body: str = ""
    files: list[TimelineFile] = field(default_factory=list)


def _reached(report: ProgressReport) -> str:
    if report.kpi_value is None:
        return ""
    return f" (đạt {format_value(report.kpi_value, report.task.kpi_unit)})"


# Progress reports shown on the task page (a year of weekly reports is ~50 per unit); the
# older ones are counted in one line and stay in the exports and the API.
TIMELINE_REPORTS = 30


def task_timeline(session: Session, *, actor: User, task_id: int,
                  reports_limit: int | None = TIMELINE_REPORTS) -> list[TimelineEntry]:
    """Every claim and review of the task and its newest progress reports, newest first.
    Nothing is ever removed from the history; older reports are summed up in one entry."""
    entries: list[TimelineEntry] = []
    reports: list[ProgressReport] = progress.history(session, actor=actor, task_id=task_id,
                                                     limit=reports_limit)
    if reports_limit is not None and len(reports) == reports_limit:
        older = (session.scalar(select(func.count()).where(
            ProgressReport.task_id == task_id)) or 0) - len(reports)
        if older > 0:
            entries.append(TimelineEntry(
                min(r.created_at for r in reports) - timedelta(seconds=1), "older", "",
                f"Và {older} báo cáo tiến độ cũ hơn",
                "Xem đầy đủ trong báo cáo xuất ra hoặc qua API."))
    task = session.get(Task, task_id)
    steps = [step for step in claim_chain.task_steps(session, task_id).values()
             # Outside the unit, a claim exists once its head has confirmed it.
             if head_confirmation.sees_unit_steps(actor, task)
             or step.state not in head_confirmation.UNIT_STEP_STATES]
    people = {r.author_id for r in reports}
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(people)))
                 .all()) if people else {}
    confirmed = set(session.scalars(select(ReportConfirmation.report_id).where(
        ReportConfirmation.report_id.in_([r.id for r in reports])))) if reports else set()
    for report in reports:
        body = "\n".join(part for part in (
            report.narrative,
            f"Khó khăn, vướng mắc: {report.difficulties}" if report.difficulties else "",
            f"Đề xuất, kiến nghị: {report.proposals}" if report.proposals else "",
        ) if part)
        entries.append(TimelineEntry(report.created_at, "progress", names.get(report.author_id, ""),
                                     f"Báo cáo tiến độ {report.period_label}: "
                                     f"{report.percent_complete}%"
                                     + _reached(report)
                                     + (" · thủ trưởng đã xác nhận" if report.id in confirmed
                                        else ""), body))
    for step in steps:
        files = [TimelineFile(*document) for document in step.documents]
        entries.append(TimelineEntry(step.created_at, "claim", step.claimant,
                                     "Đề nghị công nhận hoàn thành", step.note, files))
        if step.confirmed_at is not None:
            entries.append(TimelineEntry(step.confirmed_at, "confirmed", step.confirmed_by or "",
                                         "Thủ trưởng đơn vị xác nhận, chuyển thẩm định",
                                         step.confirmation_note))
        if step.state == ClaimState.RETURNED and step.decided_at:
            entries.append(TimelineEntry(step.decided_at, "returned", step.returned_by or "",
                                         "Thủ trưởng đơn vị trả lại", step.return_reason or ""))
        if step.review_decision == ReviewDecision.APPROVE:
            entries.append(TimelineEntry(step.reviewed_at, "approved", step.reviewer or "",
                                         "Văn phòng Đảng ủy công nhận hoàn thành",
                                         step.reason_text))
        elif step.review_decision is not None:
            entries.append(TimelineEntry(step.reviewed_at, "rejected", step.reviewer or "",
                                         "Trả lại — ghi nhận không hoàn thành",
                                         reason_label(step)))
        if step.state == ClaimState.WITHDRAWN and step.decided_at:
            entries.append(TimelineEntry(step.decided_at, "withdrawn", step.claimant,
                                         "Rút đề nghị"))
    return sorted(entries, key=lambda e: e.at, reverse=True)
