"""Task list (filters + server-side paged table) and task detail."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import (
    empty_state,
    field,
    page_header,
    status_badge,
    status_badge_element,
)
from portal.layouts.task_actions import progress_form, rejection_banner, timeline
from portal.layouts.wire import element
from workflow.clock import format_date
from workflow.kpi_targets import format_value
from workflow.labels import DEADLINE_KIND_LABELS, STATUS_LABELS, label
from workflow.status import TaskStatus
from workflow.tasks import TaskDetail, TaskRow
from workflow.timeline import TimelineEntry

PAGE_SIZE = 50


def task_table(rows: list[TaskRow], *, show_unit: bool = True) -> html.Div:
    """A table of tasks: code, title (linked), unit, deadline, status and progress."""
    if not rows:
        return empty_state("Không có nhiệm vụ nào phù hợp.")
    header = html.Thead(html.Tr(
        [html.Th("Mã", className="col-code"), html.Th("Nhiệm vụ")]
        + ([html.Th("Đơn vị chủ trì")] if show_unit else [])
        + [html.Th("Thời hạn", className="col-deadline"), html.Th("Tiến độ"),
           html.Th("Trạng thái")]
    ))
    # The rows repeat (a page holds up to 100): built as sent (portal.layouts.wire).
    body = html.Tbody([
        element(html.Tr,
            [element(html.Td, row.code, className="col-code", **{"data-label": "Mã"}),
             element(html.Td, element(dcc.Link, row.title, href=f"/nhiem-vu/{row.id}",
                                      className="task-title-link"),
                     className="col-title")]
            + ([element(html.Td, row.lead_unit or "—", **{"data-label": "Đơn vị chủ trì"})]
               if show_unit else [])
            + [element(html.Td,
                       [element(html.Div, format_date(row.deadline_date) or "—"),
                        element(html.Small, row.deadline_text,
                                className="text-muted deadline-text", title=row.deadline_text)]
                       if row.deadline_text else "—", className="col-deadline",
                       **{"data-label": "Thời hạn"}),
               element(html.Td, f"{row.percent}%" if row.percent is not None else "—",
                       **{"data-label": "Tiến độ"}),
               element(html.Td, status_badge_element(row.status, row.overdue, row.late),
                       className="col-status", **{"data-label": "Trạng thái"})],
            className="task-row",
        )
        for row in rows
    ])
    # On a phone each row becomes a small card (portal.css .stack-table).
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="task-table stack-table bg-white mb-0")


def task_list_page(*, units: list[tuple[int, str]], sections: list[tuple[int, str]],
                   show_unit_filter: bool, initial_status: str | None = None,
                   initial_overdue: bool = False, initial_unit: int | None = None,
                   initial_section: int | None = None,
                   plans: list[tuple[int, str]] = (),
                   initial_plan: int | None = None, ward_id: int | None = None) -> html.Div:
    """The task list page: plan selector (the ward's current plan first chosen, past plans
    read as they were), filter bar, result table, pager. Rows arrive by callback."""
    status_options = [{"label": label, "value": status.value}
                      for status, label in STATUS_LABELS.items()]
    filters = dbc.Row(
        [
            dbc.Col(dcc.Dropdown(id="tasks-plan", placeholder="Kế hoạch", clearable=False,
                                 options=[{"label": n, "value": i} for i, n in plans],
                                 value=initial_plan), md=12, lg=3,
                    className="" if len(plans) > 1 else "d-none"),
            dbc.Col(dbc.Input(id="tasks-search", type="search", debounce=True,
                              placeholder="Tìm theo mã, nội dung, sản phẩm, KPI…"), md=4),
            dbc.Col(dcc.Dropdown(id="tasks-unit", placeholder="Đơn vị chủ trì",
                                 options=[{"label": n, "value": i} for i, n in units],
                                 value=initial_unit),
                    md=3, className="" if show_unit_filter else "d-none"),
            dbc.Col(dcc.Dropdown(id="tasks-section", placeholder="Nhóm nhiệm vụ",
                                 options=[{"label": n, "value": i} for i, n in sections],
                                 value=initial_section), md=3),
            dbc.Col(dcc.Dropdown(id="tasks-status", placeholder="Trạng thái",
                                 options=status_options, value=initial_status), md=2),
            dbc.Col(dcc.DatePickerRange(id="tasks-deadline", display_format="DD/MM/YYYY",
                                        start_date_placeholder_text="Thời hạn từ",
                                        end_date_placeholder_text="đến",
                                        first_day_of_week=1, clearable=True), md="auto"),
            dbc.Col(dbc.Checkbox(id="tasks-overdue", label="Chỉ nhiệm vụ quá hạn",
                                 value=initial_overdue), md="auto", className="pt-2"),
        ],
        className="g-2 align-items-center",
    )
    return html.Div([
        page_header("Danh sách nhiệm vụ", "Các nhiệm vụ, chỉ tiêu của kế hoạch"),
        dbc.Card(dbc.CardBody(filters), className="mb-3 shadow-sm"),
        dcc.Store(id="tasks-ward", data=ward_id),
        html.Div(id="tasks-summary", className="text-muted small mb-2"),
        dbc.Card(dcc.Loading(html.Div(id="tasks-table")), className="shadow-sm"),
        html.Div(dbc.Pagination(id="tasks-pager", max_value=1, active_page=1,
                                fully_expanded=False, first_last=True, previous_next=True),
                 className="d-flex justify-content-center mt-3"),
    ])


def task_summary(total: int, page: int, pages: int) -> str:
    """"Có N nhiệm vụ · trang x/y"."""
    return f"Có {total} nhiệm vụ · trang {page}/{max(pages, 1)}"


def task_detail_page(detail: TaskDetail, *, history: list[TimelineEntry] | None = None,
                     rejection_reason: str | None = None, claim_panel=None,
                     kpi_progress: str = "") -> html.Div:
    """Every field of the plan row, the derived status and the deadline as written and
    parsed; for the unit, its progress and claim forms; for everyone, the timeline."""
    task = detail.task
    coordinating = ", ".join(detail.coordinating_units)
    if task.coordinates_all_units:
        coordinating = ", ".join(filter(None, ["Các cơ quan, đơn vị", coordinating]))
    kpi_target = ""
    if task.kpi_target is not None:
        kpi_target = format_value(task.kpi_target, task.kpi_unit)
    left = dbc.Card(dbc.CardBody([
        field("Nhiệm vụ tổng quát", task.parent_title),
        field("Tiểu nhiệm vụ", task.title),
        field("Sản phẩm đầu ra bắt buộc", task.required_output),
        field("KPI đo lường", task.kpi_text),
        field("Chỉ tiêu định lượng", kpi_target),
        field("Giá trị đạt được / chỉ tiêu", kpi_progress) if kpi_progress else None,
        field("Căn cứ", task.basis) if task.basis else None,
        field("Ghi chú", task.notes),
    ]), className="shadow-sm mb-3")
    right = dbc.Card(dbc.CardBody([
        field("Trạng thái", status_badge(detail.status, detail.overdue, detail.late)),
        field("Tỷ lệ hoàn thành", f"{detail.percent}%" if detail.percent is not None else
              "Chưa có báo cáo"),
        field("Công nhận hoàn thành",
              f"{format_date(detail.approved_at)} · {detail.approved_by or '—'}")
        if detail.status == TaskStatus.COMPLETED and detail.approved_at else None,
        field("Đơn vị chủ trì", detail.lead_unit),
        field("Đơn vị phối hợp", coordinating),
        field("Thời hạn (theo kế hoạch)", task.deadline_text),
        field("Thời hạn (đã xác định)", format_date(task.deadline_date) or "Chưa xác định"),
        field("Loại thời hạn", label(task.deadline_kind, DEADLINE_KIND_LABELS)),
        field("Nhóm nhiệm vụ", f"{detail.section.code}. {detail.section.title}"),
    ]), className="shadow-sm mb-3", id="task-status-card")
    main = [left]
    if detail.can_report:
        main.append(progress_form(task.id, kpi_target or None, task.kpi_unit == "%"))
    if claim_panel is not None:
        main.append(claim_panel)
    main.append(timeline(history or []))
    return html.Div([
        dcc.Link("← Danh sách nhiệm vụ", href="/nhiem-vu", className="small"),
        page_header(f"{task.code} · {task.title}"),
        rejection_banner(rejection_reason),
        # On a phone the status card (status, %, deadline) comes first.
        dbc.Row([dbc.Col(main, lg=8, className="order-2 order-lg-1"),
                 dbc.Col(right, lg=4, className="order-1 order-lg-2")], className="mt-2"),
    ], id="task-detail")


def status_value(value: str | None) -> TaskStatus | None:
    """A status from a filter control, or None."""
    return TaskStatus(value) if value else None
