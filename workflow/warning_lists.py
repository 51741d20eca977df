"""Publishing warning lists as frozen snapshots, and reading them back by role."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from db.models import User, WarningList, WarningRow
from workflow import audit_trail, notifications, permissions, scope
from workflow.clock import format_datetime, now_utc, to_local
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability
from workflow.plans import plan_for
from workflow.warning_rules import WarningReport, evaluate


def preview(session: Session, *, actor: User, as_of: date, period_kind: str,
            plan_id: int | None = None) -> WarningReport:
    """The list as it would be published now; units see only their own rows."""
    permissions.require(actor, Capability.VIEW_WARNINGS)
    if period_kind not in ("month", "quarter"):
        raise ValidationError("Kỳ cảnh báo phải là tháng hoặc quý.")
    report = evaluate(session, actor=actor, as_of=as_of, period_kind=period_kind,
                      plan_id=plan_id)
    if not permissions.has(actor, Capability.VIEW_ALL_TASKS):
        report.items = [i for i in report.items if i.unit_id == actor.unit_id]
        report.undetermined = [i for i in report.undetermined if i.unit_id == actor.unit_id]
    return report


def _repeat(session: Session, actor: Actor, token: str | None) -> WarningList | None:
    """The list this actor already published from the same page (same token)."""
    if token is None:
        return None
    repeated = session.scalar(select(WarningList).where(WarningList.request_token == token))
    if repeated is not None and repeated.published_by_id != getattr(actor, "id", None):
        raise ValidationError("Trang đã cũ; vui lòng tải lại trang.")
    return repeated


def publish(session: Session, *, actor: Actor, as_of: date,
            period_kind: str, plan_id: int | None = None,
            request_token: str | None = None) -> WarningList:
    """Stores the list of one plan (the ward's current plan unless named) for the period as
    a snapshot; a period is published once per plan.

    ``request_token`` comes from the page the list was published from: a repeated click
    (or retried request) with the same token returns the list it already published."""
    permissions.require(actor, Capability.PUBLISH_WARNINGS)
    token = (request_token or "").strip()[:64] or None
    repeated = _repeat(session, actor, token)
    if repeated is not None:
        return repeated
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        raise ValidationError("Chưa có kế hoạch nào để lập danh sách cảnh báo.")
    report = evaluate(session, actor=actor, as_of=as_of, period_kind=period_kind,
                      plan_id=plan.id)
    existing = session.scalar(select(WarningList).where(
        WarningList.plan_id == plan.id, WarningList.period_kind == report.period.kind,
        WarningList.period_label == report.period.label))
    if existing is not None:
        raise ValidationError(f"Danh sách cảnh báo {report.period.label} đã được công bố lúc "
                              f"{format_datetime(existing.published_at)}; danh sách đã công bố "
                              "không thay đổi.")
    published = WarningList(ward_id=plan.ward_id, plan_id=plan.id, period_kind=report.period.kind,
                            period_label=report.period.label, as_of=as_of,
                            published_by_id=actor.id,
                            published_at=now_utc(), request_token=token)
    try:
        # A savepoint: when a twin request (double click) published first, the unique
        # token or period refuses this one, and the twin's list is the answer.
        with session.begin_nested():
            session.add(published)
            session.flush()
    except IntegrityError:
        repeated = _repeat(session, actor, token)
        if repeated is not None:
            return repeated
        raise ValidationError(f"Danh sách cảnh báo {report.period.label} vừa được công bố; "
                              "danh sách đã công bố không thay đổi.") from None
    for position, item in enumerate(report.items):
        session.add(WarningRow(warning_list_id=published.id, position=position,
                               task_id=item.task_id, task_code=item.task_code,
                               task_title=item.task_title, unit_id=item.unit_id,
                               unit_name=item.unit_name,
                               deadline_text=item.deadline_text, deadline_date=item.deadline,
                               reasons=list(item.reasons), details=dict(item.details)))
    session.flush()
    audit_trail.record(session, actor=actor, action="warnings.publish", object_type="warning_list",
                 object_id=published.id, ward_id=plan.ward_id,
                 after={"period": report.period.label, "rows": len(report.items)})
    units_warned = {item.unit_id for item in report.items if item.unit_id}
    for unit_id in units_warned:
        count = sum(1 for item in report.items if item.unit_id == unit_id)
        notifications.notify(
            session, users=notifications.unit_members(session, unit_id), kind="warnings",
            message=f"Đơn vị có {count} nhiệm vụ trong danh sách cảnh báo {report.period.label}.",
            link="/", dedupe_key=f"warnings:{published.id}")
    return published


def published_lists(session: Session, *, actor: User,
                    plan_id: int | None = None) -> list[WarningList]:
    """Every published list of the actor's ward (of one plan when named), newest first."""
    permissions.require(actor, Capability.VIEW_WARNINGS)
    query = scope.scoped(select(WarningList), actor, WarningList.ward_id)
    if plan_id:
        query = query.where(WarningList.plan_id == plan_id)
    return list(session.scalars(query.order_by(WarningList.published_at.desc(),
                                               WarningList.id.desc())))


def get_published_page(session: Session, *, actor: User, list_id: int, offset: int = 0,
                       limit: int = 50) -> tuple[WarningList, list[WarningRow], int]:
    """A published list, one page of the rows the user may see (units in name order, as the
    page groups them) and how many there are in all."""
    permissions.require(actor, Capability.VIEW_WARNINGS)
    if offset < 0 or not 0 < limit <= 500:
        raise ValidationError("Tham số phân trang không hợp lệ.")
    published = session.get(WarningList, list_id)
    if published is None or not scope.in_scope(actor, published.ward_id):
        raise NotFound("Không tìm thấy danh sách cảnh báo.")
    query = select(WarningRow).where(WarningRow.warning_list_id == list_id)
    if not permissions.has(actor, Capability.VIEW_ALL_TASKS):
        query = query.where(WarningRow.unit_id.is_not(None), WarningRow.unit_id == actor.unit_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(WarningRow.unit_name, WarningRow.position)
                                .offset(offset).limit(limit)))
    return published, rows, total


def get_published(session: Session, *, actor: User, list_id: int) -> tuple[WarningList,
                                                                             list[WarningRow]]:
    """A published list and the rows the user may see (units: their own)."""
    permissions.require(actor, Capability.VIEW_WARNINGS)
    published = session.scalar(select(WarningList).where(WarningList.id == list_id)
                               .options(selectinload(WarningList.rows)))
    if published is None or not scope.in_scope(actor, published.ward_id):
        raise NotFound("Không tìm thấy danh sách cảnh báo.")
    rows = list(published.rows)
    if not permissions.has(actor, Capability.VIEW_ALL_TASKS):
        rows = [r for r in rows if r.unit_id is not None and r.unit_id == actor.unit_id]
    return published, rows


def latest_rows_for_unit(session: Session, *, actor: User) -> tuple[WarningList | None,
                                                                     list[WarningRow]]:
    """The unit's rows of the newest published list (for its home page)."""
    lists = published_lists(session, actor=actor)
    if not lists:
        return None, []
    return get_published(session, actor=actor, list_id=lists[0].id)


def document(*, committee: str, office: str, report: WarningReport | None = None,
             published: WarningList | None = None, rows: list[WarningRow] | None = None):
    """The exportable document of a preview (``report``) or a published list."""
    from workflow.reports.warning_exports import WarningDocument, WarningLine
    from workflow.warning_rules import period_for

    place = committee.split("phường")[-1].split("xã")[-1].strip() or committee
    if published is not None:
        period = period_for(published.as_of, published.period_kind)
        lines = [WarningLine(r.task_code, r.task_title, r.unit_name, r.deadline_text,
                             r.deadline_date, list(r.reasons), dict(r.details))
                 for r in rows or []]
        return WarningDocument(committee, office, place, period.title, published.as_of, True,
                               lines, issued_on=to_local(published.published_at).date())
    lines = [WarningLine(i.task_code, i.task_title, i.unit_name, i.deadline_text, i.deadline,
                         list(i.reasons), dict(i.details)) for i in report.items]
    return WarningDocument(committee, office, place, report.period.title, report.as_of, False,
                           lines)
