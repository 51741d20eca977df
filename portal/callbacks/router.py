"""Routing: the URL decides which page's loader runs and which layout renders it."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from db.models import ClaimState, ReviewDecision, Role
from portal.context import current_account, db, services
from portal.guard import guarded_callback
from portal.layouts import admin as admin_layouts
from portal.layouts import audit as audit_layouts
from portal.layouts import dashboard as dashboard_layouts
from portal.layouts import errors, home, review, task_actions, tasks
from portal.layouts import notifications as notification_layouts
from portal.layouts import plan_import as plan_import_layouts
from portal.layouts import warnings as warning_layouts
from portal.pages import Page, find_page
from workflow import (
    accounts,
    claims,
    notifications,
    permissions,
    reviews,
    units,
    warning_lists,
)
from workflow.audit_log import ACTION_LABELS
from workflow.clock import format_date, format_datetime, today
from workflow.errors import NotFound
from workflow.evidence_checks import checks_for_claim
from workflow.overview import unit_summaries
from workflow.permissions import ROLE_LABELS, Capability
from workflow.tasks import TaskFilter, get_for_user, list_tasks, sections_of_visible, status_counts
from workflow.timeline import task_timeline


def _home(user, _match, _query) -> html.Div:
    session = db()
    counts = status_counts(session, user=user)
    if permissions.has(user, Capability.VIEW_ALL_TASKS):
        overdue = list_tasks(session, user=user, filters=TaskFilter(overdue_only=True),
                             limit=20, sort="deadline_date").rows
        titles = {
            Role.REVIEWER: ("Tổng quan thẩm định", "Văn phòng Đảng ủy theo dõi toàn bộ kế hoạch"),
            Role.LEADER: ("Tổng quan kế hoạch", "Tình hình thực hiện nhiệm vụ chuyển đổi số"),
            Role.ADMIN: ("Tổng quan hệ thống", "Toàn bộ nhiệm vụ của kế hoạch"),
        }
        title, subtitle = titles.get(Role(user.role), titles[Role.LEADER])
        return home.office_home(title=title, subtitle=subtitle, counts=counts,
                                summaries=unit_summaries(session, user=user),
                                overdue_rows=overdue)
    rows = list_tasks(session, user=user, limit=200).rows
    published, warned = warning_lists.latest_rows_for_unit(session, user=user)
    return home.unit_home(unit_name=user.unit.name if user.unit else "", counts=counts, rows=rows,
                          warnings=warning_layouts.unit_warnings_card(published, warned))


def _task_list(user, _match, query) -> html.Div:
    session = db()
    show_units = permissions.has(user, Capability.VIEW_ALL_TASKS)
    return tasks.task_list_page(
        units=[(u.id, u.name) for u in units.list_units(session)],
        sections=[(s.id, f"{s.code}. {s.title}") for s in sections_of_visible(session, user=user)],
        show_unit_filter=show_units,
        initial_status=(query.get("trang-thai") or [None])[0],
        initial_overdue=bool(query.get("qua-han")),
        initial_unit=_int_param(query, "don-vi"),
        initial_section=_int_param(query, "nhom"),
    )


def _task_detail(user, match, _query) -> html.Div:
    session = db()
    try:
        detail = get_for_user(session, user=user, task_id=int(match["task_id"]))
    except NotFound:
        return errors.not_found()
    panel = None
    if detail.can_claim:
        panel = task_actions.claim_panel(
            detail.task.id, max_mb=services().settings.max_upload_mb,
            pending=claims.pending_claim(session, detail.task.id) is not None)
    return tasks.task_detail_page(
        detail,
        claim_panel=panel,
        history=task_timeline(session, user=user, task_id=detail.task.id),
        rejection_reason=claims.latest_rejection_reason(session, user=user,
                                                        task_id=detail.task.id),
    )


def _users(user, _match, _query) -> html.Div:
    session = db()
    return admin_layouts.users_page(
        users=user_lines(accounts.list_users(session, actor=user)),
        roles=[(role.value, label) for role, label in ROLE_LABELS.items()],
        units=[(u.id, u.name) for u in units.list_units(session, active_only=True)],
    )


def _units(user, _match, _query) -> html.Div:
    permissions.require(user, Capability.MANAGE_UNITS)
    return admin_layouts.units_page(units=unit_lines(units.list_units(db())))


def user_lines(users) -> list[admin_layouts.UserLine]:
    """Accounts as the admin table shows them."""
    return [admin_layouts.UserLine(u.id, u.username, u.full_name, ROLE_LABELS[Role(u.role)],
                                   u.unit.name if u.unit else "", u.is_active, u.last_login_at)
            for u in users]


def unit_lines(unit_list) -> list[admin_layouts.UnitLine]:
    """Units as the admin table shows them."""
    return [admin_layouts.UnitLine(u.id, u.name, u.short_name or "",
                                   "; ".join(a.alias for a in u.aliases), u.is_active,
                                   len(u.users))
            for u in unit_list]


def _int_param(query: dict, name: str) -> int | None:
    value = (query.get(name) or [None])[0]
    return int(value) if value and value.isdigit() else None


def _review_queue(user, _match, query) -> html.Div:
    session = db()
    unit_id, section_id = _int_param(query, "don-vi"), _int_param(query, "nhom")
    min_age = _int_param(query, "cho-tu")
    return review.queue_page(
        reviews.queue(session, user=user, unit_id=unit_id, section_id=section_id,
                      min_age_days=min_age),
        units=[(u.id, u.name) for u in units.list_units(session)],
        sections=[(s.id, f"{s.code}. {s.title}") for s in sections_of_visible(session, user=user)],
        unit_id=unit_id, section_id=section_id, min_age=min_age,
        approved=_int_param(query, "da-duyet") or 0)


def _claim(user, match, _query) -> html.Div:
    session = db()
    try:
        claim = reviews.get_for_reviewer(session, user=user, claim_id=int(match["claim_id"]))
    except NotFound:
        return errors.not_found()
    session.commit()  # keeps the "opened" record that bulk approval relies on
    checks = checks_for_claim(session, claim)
    decided = None
    if claim.reviews:
        last = claim.reviews[-1]
        verdict = ("Đã phê duyệt — hoàn thành" if last.decision == ReviewDecision.APPROVE
                   else f"Đã trả lại — {reviews.reason_label(last)}")
        decided = (f"{verdict}. Người thẩm định: {last.reviewer.full_name}, lúc "
                   f"{format_datetime(last.created_at)}.")
    elif claim.state == ClaimState.WITHDRAWN:
        decided = "Đơn vị đã rút đề nghị này."
    pending = [item.claim_id for item in reviews.queue(session, user=user)]
    later = [c for c in pending if c != claim.id]
    task = claim.task
    view = review.ClaimView(
        claim_id=claim.id, version=claim.version, state=claim.state.value, task_id=task.id,
        task_code=task.code, task_title=task.title, required_output=task.required_output,
        kpi_text=task.kpi_text,
        deadline=" — ".join(filter(None, [task.deadline_text, format_date(task.deadline_date)])),
        unit_name=claim.unit.name, claimant=claim.claimant.full_name, note=claim.note,
        created_at=claim.created_at,
        evidence=[review.EvidenceView(
            id=e.id, name=e.original_name, content_type=e.content_type, size_bytes=e.size_bytes,
            kind=e.kind.value, document_date=e.document_date, uploaded_at=e.created_at,
            has_thumbnail=bool(e.thumbnail_key), checks=checks.get(e.id, []))
            for e in claim.evidence],
        decided=decided, next_claim_id=later[0] if later else None,
        reasons=list(reviews.STANDARD_REASONS),
    )
    return review.claim_page(view)


def _audit(user, _match, _query) -> html.Div:
    permissions.require(user, Capability.VIEW_AUDIT)
    return audit_layouts.audit_page(
        actions=sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        actors=[(u.id, u.full_name) for u in accounts.all_people(db())],
    )


def _notifications(user, _match, _query) -> html.Div:
    return notification_layouts.notifications_page(notifications.latest(db(), user=user))


def _import(user, _match, _query) -> html.Div:
    permissions.require(user, Capability.IMPORT_PLAN)
    return plan_import_layouts.import_page(default_year=today().year)


def _warnings(user, _match, _query) -> html.Div:
    return warning_layouts.warnings_page(
        as_of=today(), can_publish=permissions.has(user, Capability.PUBLISH_WARNINGS),
        lists=warning_lists.published_lists(db(), user=user),
        can_export=permissions.has(user, Capability.EXPORT))


def _warning_list(user, match, _query) -> html.Div:
    try:
        published, rows = warning_lists.get_published(db(), user=user,
                                                      list_id=int(match["list_id"]))
    except NotFound:
        return errors.not_found()
    return warning_layouts.published_page(published, rows,
                                          permissions.has(user, Capability.EXPORT))


def _dashboard(user, _match, _query) -> html.Div:
    session = db()
    office = permissions.has(user, Capability.VIEW_ALL_TASKS)
    return dashboard_layouts.dashboard_page(
        units=[(u.id, u.name) for u in units.list_units(session)],
        sections=[(s.id, f"{s.code}. {s.title}") for s in sections_of_visible(session, user=user)],
        show_unit_filter=office,
        title="Biểu đồ tổng quan" if office else "Biểu đồ nhiệm vụ của đơn vị",
        can_export=permissions.has(user, Capability.EXPORT))


LOADERS = {
    "dashboard": _dashboard,
    "warnings": _warnings,
    "warning_list": _warning_list,
    "import": _import,
    "notifications": _notifications,
    "audit": _audit,
    "review": _review_queue,
    "claim": _claim,
    "home": _home,
    "tasks": _task_list,
    "task": _task_detail,
    "users": _users,
    "units": _units,
}


def render_page(pathname: str | None, search: str | None) -> html.Div:
    """The content for a URL, as the signed-in user may see it."""
    user = current_account()
    page: Page | None = find_page(pathname or "/")
    if page is None:
        return errors.not_found()
    if not permissions.has(user, page.capability):
        return errors.forbidden()
    match = page.match((pathname or "/").rstrip("/") or "/")
    query = parse_qs((search or "").lstrip("?"))
    return LOADERS[page.name](user, match, query)


def register(app: Dash) -> None:
    """Registers the router callback."""

    @guarded_callback(app, Capability.VIEW_TASKS, Output("page-content", "children"),
                      Input("url", "pathname"), Input("url", "search"))
    def route(pathname: str | None, search: str | None):
        return render_page(pathname, search)

    @guarded_callback(app, Capability.VIEW_TASKS, Output("navbar-collapse", "is_open"),
                      Input("navbar-toggler", "n_clicks"), State("navbar-collapse", "is_open"),
                      prevent_initial_call=True)
    def toggle_navbar(clicks, is_open):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        return not is_open
