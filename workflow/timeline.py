"""A task's history in one list: progress reports, claims with their files, and reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    EvidenceFile,
    ProgressReport,
    ReportConfirmation,
    ReviewDecision,
    User,
)
from workflow import claims, progress
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
    task_claims = claims.claims_of_task(session, actor=actor, task_id=task_id)
    people = {r.author_id for r in reports} | {c.claimant_id for c in task_claims} | {
        review.reviewer_id for c in task_claims for review in c.reviews}
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(people))).all())
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
    for claim in task_claims:
        evidence: list[EvidenceFile] = claim.evidence
        files = [TimelineFile(e.id, e.original_name, e.kind.value, e.size_bytes) for e in evidence]
        entries.append(TimelineEntry(claim.created_at, "claim", names.get(claim.claimant_id, ""),
                                     "Đề nghị công nhận hoàn thành", claim.note, files))
        if claim.confirmation is not None:
            entries.append(TimelineEntry(claim.confirmation.confirmed_at, "confirmed",
                                         claim.confirmation.head.full_name,
                                         "Thủ trưởng đơn vị xác nhận, chuyển thẩm định",
                                         claim.confirmation.note))
        if claim.state == ClaimState.RETURNED and claim.decided_at:
            entries.append(TimelineEntry(claim.decided_at, "returned",
                                         claim.returned_by.full_name if claim.returned_by
                                         else "", "Thủ trưởng đơn vị trả lại",
                                         claim.return_reason or ""))
        for review in claim.reviews:
            if review.decision == ReviewDecision.APPROVE:
                entries.append(TimelineEntry(review.created_at, "approved",
                                             names.get(review.reviewer_id, ""),
                                             "Văn phòng Đảng ủy công nhận hoàn thành",
                                             review.reason_text))
            else:
                entries.append(TimelineEntry(review.created_at, "rejected",
                                             names.get(review.reviewer_id, ""),
                                             "Trả lại — ghi nhận không hoàn thành",
                                             reason_label(review)))
        if claim.state == ClaimState.WITHDRAWN and claim.decided_at:
            entries.append(TimelineEntry(claim.decided_at, "withdrawn",
                                         names.get(claim.claimant_id, ""), "Rút đề nghị"))
    return sorted(entries, key=lambda e: e.at, reverse=True)
