"""What the read-only API (/api/v1) returns: plain JSON-ready dicts with stable field names.

Every query starts from ``scoped_plan_ids`` — the one place that decides what a token may
read. Today the portal holds one ward, so a token reads every plan; when wards become
tenants (#13) that function narrows to the token's ``ward_code`` and nothing else changes.
Lists are read with a fixed number of set-based statements per page (no query per row).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    Plan,
    ProgressReport,
    Review,
    Section,
    Task,
    Unit,
    WarningList,
    WarningRow,
)
from workflow import permissions, reporting_calendar, scope
from workflow.api_tokens import TokenActor
from workflow.clock import LOCAL_TZ, today
from workflow.errors import NotFound, ValidationError
from workflow.head_confirmation import UNIT_STEP_STATES
from workflow.permissions import Capability
from workflow.ranking import rank_units
from workflow.reviews import REASON_LABELS
from workflow.status import TaskStatus, approved_at, latest_percent, status_expression
from workflow.warning_rules import evaluate

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# The unit's own steps (with or returned by its head) are not published (#16).
CLAIM_STATES = tuple(state.value for state in ClaimState if state not in UNIT_STEP_STATES)
TASK_STATUSES = tuple(status.value for status in TaskStatus)


@dataclass(frozen=True)
class Paging:
    """Page number (from 1) and size (1 … MAX_PAGE_SIZE)."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows skipped before this page."""
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Period:
    """A month ("2026-05") or quarter ("2026-Q2") filter."""

    kind: str
    start: date
    end: date


# -- input parsing (Vietnamese messages; nothing is read before these pass) -------------------

def parse_paging(page: str | None, size: str | None) -> Paging:
    """``page``/``size`` query parameters, checked."""
    try:
        number = int(page) if page not in (None, "") else 1
        count = int(size) if size not in (None, "") else DEFAULT_PAGE_SIZE
    except ValueError:
        raise ValidationError("Tham số page và size phải là số nguyên.") from None
    if number < 1:
        raise ValidationError("Tham số page phải từ 1 trở lên.")
    if not 1 <= count <= MAX_PAGE_SIZE:
        raise ValidationError(f"Tham số size phải từ 1 đến {MAX_PAGE_SIZE}.")
    return Paging(number, count)


def parse_period(value: str | None) -> Period | None:
    """"2026-05" (month) or "2026-Q2" (quarter)."""
    if not value:
        return None
    text = value.strip().upper()
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    if month and 1 <= int(month[2]) <= 12:
        from workflow.periods import period_of

        found = period_of(date(int(month[1]), int(month[2]), 1), "month")
        return Period("month", found.start, found.end)
    if quarter:
        from workflow.periods import period_of

        found = period_of(date(int(quarter[1]), 3 * int(quarter[2]), 1), "quarter")
        return Period("quarter", found.start, found.end)
    raise ValidationError("Tham số period phải có dạng YYYY-MM (tháng) hoặc YYYY-Qn (quý).")


def parse_since(value: str | None) -> datetime | None:
    """``updated_since``: an ISO date or date-time (a naive value is Vietnamese time)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value.strip()), time.min)
        except ValueError:
            raise ValidationError("Tham số updated_since phải là ngày hoặc thời điểm ISO 8601, "
                                  "ví dụ 2026-05-01 hoặc 2026-05-01T08:00:00+07:00.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def parse_int(value: str | None, name: str) -> int | None:
    """An optional positive integer parameter."""
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError(f"Tham số {name} phải là số nguyên dương.")
    return int(value)


def parse_choice(value: str | None, name: str, choices: tuple[str, ...]) -> str | None:
    """An optional parameter from a fixed list."""
    if value in (None, ""):
        return None
    if value not in choices:
        raise ValidationError(f"Tham số {name} phải là một trong: {', '.join(choices)}.")
    return value


# -- scoping -----------------------------------------------------------------------------

def scoped_plan_ids(actor: TokenActor) -> Select:
    """The plans this token may read, as a subquery: its own ward's (workflow.scope)."""
    permissions.require(actor, Capability.READ_API)  # type: ignore[arg-type]
    return scope.plan_ids(actor)


def _scoped_tasks(actor: TokenActor) -> Select:
    return select(Task.id).where(Task.plan_id.in_(scoped_plan_ids(actor)),
                                 Task.removed_from_plan_at.is_(None))


def _page(session: Session, query: Select, paging: Paging, key) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.order_by(*key).offset(paging.offset).limit(paging.size)).all()
    return rows, total or 0


def envelope(items: list[dict], paging: Paging, total: int) -> dict:
    """The paged list shape every list endpoint returns."""
    last = max(1, -(-total // paging.size))
    return {"data": items, "page": paging.page, "size": paging.size, "total": total,
            "next_page": paging.page + 1 if paging.page < last else None}


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _unit(unit_id: int | None, name: str | None) -> dict | None:
    return {"id": unit_id, "name": name} if unit_id is not None else None


# -- plans and sections -----------------------------------------------------------------

def _plan_json(plan: Plan) -> dict:
    cal = reporting_calendar.calendar_of(plan)
    return {"id": plan.id, "number": plan.number, "title": plan.title,
            "issuing_body": plan.issuing_body, "year": plan.year,
            "start_date": _iso(plan.start_date), "end_date": _iso(plan.end_date),
            "reporting_calendar": {
                "unit_reporting_day": cal.unit_day, "office_aggregation_day": cal.office_day,
                "quarterly_report_day": cal.quarter_day,
                "year_end_report_date": f"{cal.year_end_month:02d}-{cal.year_end_day:02d}"}}


def list_plans(session: Session, *, actor: TokenActor) -> dict:
    """Every plan the token may read."""
    plans = session.scalars(select(Plan).where(Plan.id.in_(scoped_plan_ids(actor)))
                            .order_by(Plan.year.desc(), Plan.id.desc())).all()
    items = [_plan_json(p) for p in plans]
    return envelope(items, Paging(1, max(1, len(items))), len(items))


def list_sections(session: Session, *, actor: TokenActor, plan_id: int) -> dict:
    """The sections of one plan, with their number of tasks."""
    plan = session.scalar(select(Plan).where(Plan.id == plan_id,
                                             Plan.id.in_(scoped_plan_ids(actor))))
    if plan is None:
        raise NotFound("Không tìm thấy kế hoạch.")
    counts = dict(session.execute(select(Task.section_id, func.count(Task.id)).where(
        Task.plan_id == plan.id, Task.removed_from_plan_at.is_(None)).group_by(Task.section_id)
    ).tuples().all())
    sections = session.scalars(select(Section).where(Section.plan_id == plan.id)
                               .order_by(Section.position, Section.id)).all()
    items = [{"id": s.id, "plan_id": plan.id, "code": s.code, "title": s.title,
              "position": s.position, "task_count": counts.get(s.id, 0)} for s in sections]
    return envelope(items, Paging(1, max(1, len(items))), len(items))


# -- tasks ------------------------------------------------------------------------------

def list_tasks(session: Session, *, actor: TokenActor, paging: Paging,
               plan_id: int | None = None, unit_id: int | None = None,
               status: str | None = None, period: Period | None = None,
               updated_since: datetime | None = None, as_of: date | None = None) -> dict:
    """Tasks with their status, completion, KPI and current warnings.

    ``period`` keeps tasks whose deadline falls in it; ``updated_since`` keeps tasks whose row,
    progress or claims changed since then. Four statements whatever the page size."""
    as_of = as_of or today()
    status_col = status_expression().label("status")
    query = (select(Task.id, Task.code, Task.title, Task.plan_id, Section.id, Section.code,
                    Task.lead_unit_id, Unit.name, Task.deadline_text, Task.deadline_date,
                    Task.deadline_kind, Task.kpi_text, Task.kpi_target, Task.kpi_unit,
                    Task.updated_at, status_col, latest_percent(), approved_at())
             .join(Section, Section.id == Task.section_id)
             .outerjoin(Unit, Unit.id == Task.lead_unit_id)
             .where(Task.id.in_(_scoped_tasks(actor))))
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    if status is not None:
        query = query.where(status_col == status)
    if period is not None:
        query = query.where(Task.deadline_date.between(period.start, period.end))
    if updated_since is not None:
        query = query.where(or_(
            Task.updated_at >= updated_since,
            Task.id.in_(select(ProgressReport.task_id).where(
                ProgressReport.created_at >= updated_since)),
            Task.id.in_(select(CompletionClaim.task_id).where(or_(
                CompletionClaim.created_at >= updated_since,
                CompletionClaim.decided_at >= updated_since)))))
    rows, total = _page(session, query, paging, (Task.plan_id, Task.position, Task.id))
    warned: dict[int, list[str]] = {}
    if rows:
        plans = {row[3] for row in rows}
        for plan in plans:
            for item in evaluate(session, actor=actor, as_of=as_of, plan_id=plan).items:
                warned[item.task_id] = list(item.reasons)
    items = []
    for (task_id, code, title, plan, section_id, section_code, lead_id, lead_name,
         deadline_text, deadline_date, deadline_kind, kpi_text, kpi_target, kpi_unit,
         updated_at, status_value, percent, approved) in rows:
        done = status_value == TaskStatus.COMPLETED.value
        items.append({
            "id": task_id, "plan_id": plan, "code": code, "title": title,
            "section": {"id": section_id, "code": section_code},
            "lead_unit": _unit(lead_id, lead_name),
            "deadline": {"text": deadline_text or "", "date": _iso(deadline_date),
                         "kind": str(deadline_kind.value if hasattr(deadline_kind, "value")
                                     else deadline_kind)},
            "status": status_value,
            "completion_percent": 100 if done else int(percent or 0),
            "completed_at": _iso(approved) if done else None,
            "kpi": ({"text": kpi_text, "target": kpi_target, "unit": kpi_unit}
                    if kpi_text or kpi_target is not None else None),
            "warnings": warned.get(task_id, []),
            "updated_at": _iso(updated_at),
        })
    return envelope(items, paging, total)


# -- progress reports -------------------------------------------------------------------

def list_progress_reports(session: Session, *, actor: TokenActor, paging: Paging,
                          period: Period | None = None, unit_id: int | None = None,
                          task_id: int | None = None,
                          updated_since: datetime | None = None) -> dict:
    """Progress reports, newest first; ``period`` keeps reports whose period starts in it."""
    query = (select(ProgressReport, Task.code, Unit.name)
             .join(Task, Task.id == ProgressReport.task_id)
             .join(Unit, Unit.id == ProgressReport.unit_id)
             .where(ProgressReport.task_id.in_(_scoped_tasks(actor))))
    if period is not None:
        query = query.where(ProgressReport.period_start.between(period.start, period.end))
    if unit_id is not None:
        query = query.where(ProgressReport.unit_id == unit_id)
    if task_id is not None:
        query = query.where(ProgressReport.task_id == task_id)
    if updated_since is not None:
        query = query.where(ProgressReport.created_at >= updated_since)
    rows, total = _page(session, query, paging,
                        (ProgressReport.created_at.desc(), ProgressReport.id.desc()))
    items = [{"id": r.id, "task_id": r.task_id, "task_code": code,
              "unit": _unit(r.unit_id, unit_name), "period_kind": r.period_kind.value,
              "period_label": r.period_label, "period_start": _iso(r.period_start),
              "completion_percent": r.percent_complete, "narrative": r.narrative,
              "difficulties": r.difficulties, "proposals": r.proposals,
              "created_at": _iso(r.created_at)} for r, code, unit_name in rows]
    return envelope(items, paging, total)


# -- claims and their evidence manifest ---------------------------------------------------

def signature_verdict(evidence: EvidenceFile) -> str | None:
    """"signed" / "unsigned" for PDFs whose signature was checked; None when unknown."""
    if evidence.pdf_signed is None:
        return None
    return "signed" if evidence.pdf_signed else "unsigned"


def list_claims(session: Session, *, actor: TokenActor, paging: Paging,
                download_url: Callable[[EvidenceFile], tuple[str, datetime]],
                state: str | None = None, unit_id: int | None = None,
                task_id: int | None = None, updated_since: datetime | None = None) -> dict:
    """Claims with their decision and evidence manifest (three statements per page).

    ``download_url`` makes the short-lived link of one evidence file (the portal signs it)."""
    query = (select(CompletionClaim, Task.code, Unit.name)
             .join(Task, Task.id == CompletionClaim.task_id)
             .join(Unit, Unit.id == CompletionClaim.unit_id)
             .where(CompletionClaim.task_id.in_(_scoped_tasks(actor)),
                    # A claim waiting for (or returned by) the unit head is not the
                    # office's yet, nor the province's (#16).
                    CompletionClaim.state.not_in([ClaimState.AWAITING_HEAD,
                                                  ClaimState.RETURNED])))
    if state is not None:
        query = query.where(CompletionClaim.state == state)
    if unit_id is not None:
        query = query.where(CompletionClaim.unit_id == unit_id)
    if task_id is not None:
        query = query.where(CompletionClaim.task_id == task_id)
    if updated_since is not None:
        query = query.where(or_(CompletionClaim.created_at >= updated_since,
                                CompletionClaim.decided_at >= updated_since))
    rows, total = _page(session, query, paging,
                        (CompletionClaim.created_at.desc(), CompletionClaim.id.desc()))
    ids = [claim.id for claim, _, _ in rows]
    evidence: dict[int, list[EvidenceFile]] = defaultdict(list)
    reviews: dict[int, Review] = {}
    if ids:
        for item in session.scalars(select(EvidenceFile).where(EvidenceFile.claim_id.in_(ids))
                                    .order_by(EvidenceFile.id)):
            evidence[item.claim_id].append(item)
        for review in session.scalars(select(Review).where(Review.claim_id.in_(ids))):
            reviews[review.claim_id] = review
    items = []
    for claim, code, unit_name in rows:
        review = reviews.get(claim.id)
        decision = None
        if review is not None:
            decision = {"decision": review.decision.value, "reason_code": review.reason_code,
                        "reason": " — ".join(filter(None, [
                            REASON_LABELS.get(review.reason_code or "", "")
                            if review.reason_code != "other" else "", review.reason_text])),
                        "decided_at": _iso(review.created_at)}
        manifest = []
        for file in evidence[claim.id]:
            url, expires = download_url(file)
            manifest.append({"id": file.id, "file_name": file.original_name,
                             "content_type": file.content_type, "size_bytes": file.size_bytes,
                             "sha256": file.sha256, "kind": file.kind.value,
                             "signature": signature_verdict(file), "download_url": url,
                             "download_expires_at": _iso(expires)})
        items.append({"id": claim.id, "task_id": claim.task_id, "task_code": code,
                      "unit": _unit(claim.unit_id, unit_name), "state": claim.state.value,
                      "note": claim.note, "created_at": _iso(claim.created_at),
                      "decided_at": _iso(claim.decided_at), "decision": decision,
                      "evidence": manifest})
    return envelope(items, paging, total)


def evidence_for_download(session: Session, *, actor: TokenActor,
                          evidence_id: int) -> EvidenceFile:
    """An evidence file attached to a claim of a plan the token may read."""
    item = session.scalar(select(EvidenceFile).where(
        EvidenceFile.id == evidence_id, EvidenceFile.claim_id.is_not(None),
        EvidenceFile.task_id.in_(_scoped_tasks(actor))))
    if item is None:
        raise NotFound("Không tìm thấy file minh chứng.")
    return item


# -- warning lists and ranking --------------------------------------------------------------

def list_warning_lists(session: Session, *, actor: TokenActor, paging: Paging,
                       period_kind: str | None = None) -> dict:
    """Published warning lists with their frozen rows, newest first (two statements)."""
    query = select(WarningList).where(WarningList.plan_id.in_(scoped_plan_ids(actor)))
    if period_kind is not None:
        query = query.where(WarningList.period_kind == period_kind)
    rows, total = _page(session, query, paging,
                        (WarningList.published_at.desc(), WarningList.id.desc()))
    lists = [row[0] for row in rows]
    by_list: dict[int, list[WarningRow]] = defaultdict(list)
    if lists:
        for row in session.scalars(select(WarningRow).where(
                WarningRow.warning_list_id.in_([w.id for w in lists]))
                .order_by(WarningRow.position)):
            by_list[row.warning_list_id].append(row)
    items = [{"id": w.id, "plan_id": w.plan_id, "period_kind": w.period_kind,
              "period_label": w.period_label, "as_of": _iso(w.as_of),
              "published_at": _iso(w.published_at),
              "rows": [{"task_id": r.task_id, "task_code": r.task_code,
                        "task_title": r.task_title, "unit": _unit(r.unit_id, r.unit_name),
                        "deadline": {"text": r.deadline_text or "",
                                     "date": _iso(r.deadline_date)},
                        "reasons": list(r.reasons)} for r in by_list[w.id]]}
             for w in lists]
    return envelope(items, paging, total)


def unit_ranking(session: Session, *, actor: TokenActor, as_of: date | None = None) -> dict:
    """The unit ranking (commendation and criticism) as of a date."""
    scoped_plan_ids(actor)
    ranking = rank_units(session, actor=actor, as_of=as_of or today())  # type: ignore[arg-type]
    items = [{"rank": i, "unit": _unit(r.unit_id, r.unit_name), "tasks": r.tasks,
              "completed": r.completed, "completed_on_time": r.completed_on_time,
              "on_time_rate": r.on_time_rate, "claims_decided": r.claims_decided,
              "claims_rejected": r.claims_rejected, "rejection_rate": r.rejection_rate,
              "warnings": r.warnings, "reports_expected": r.reports_expected,
              "reports_filed": r.reports_filed, "reports_on_time": r.reports_on_time,
              "reporting_rate": r.reporting_rate,
              "on_time_reporting_rate": r.on_time_reporting_rate}
             for i, r in enumerate(ranking, start=1)]
    return {"as_of": _iso(as_of or today()), "data": items}
