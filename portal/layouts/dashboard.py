"""Dashboard: Plotly charts over the visible tasks, and the unit ranking."""

from __future__ import annotations

import functools
import math

import dash_bootstrap_components as dbc
import plotly.io as pio
from dash import dcc, html

from portal.layouts.common import empty_state, page_count, page_header, stat_card
from workflow.clock import format_date
from workflow.dashboard import DUE_SOON_DAYS, DashboardData
from workflow.labels import STATUS_LABELS
from workflow.ranking import UnitRank
from workflow.status import TaskStatus

# The colours offices already read: grey not started, blue in progress, red not completed or
# overdue, green done (teal while waiting for review).
STATUS_HEX = {
    TaskStatus.NOT_STARTED.value: "#6c757d",
    TaskStatus.IN_PROGRESS.value: "#0d6efd",
    TaskStatus.PENDING_REVIEW.value: "#0dcaf0",
    TaskStatus.COMPLETED.value: "#198754",
    TaskStatus.NOT_COMPLETED.value: "#dc3545",
}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"}
# The trace types these charts draw: a template's defaults for any other type never apply.
TRACE_TYPES = ("bar", "pie")

# The figures are the plain dicts that dcc.Graph sends to plotly.js — exactly what
# ``go.Figure(...).to_plotly_json()`` gives for the same traces and layout
# (tests/portal/test_dashboard_figures.py checks it), without building and validating a
# graph object on every request: that cost more CPU than the dashboard's queries.


@functools.cache
def _template() -> dict:
    """plotly's default template, as ``go.Figure()`` puts it in the layout, keeping only the
    trace defaults of TRACE_TYPES. Built once; never modified (shared by every figure)."""
    template = pio.templates[pio.templates.default].to_plotly_json()
    template["data"] = {kind: template["data"][kind] for kind in TRACE_TYPES
                        if kind in template["data"]}
    return template


def _figure(traces: list[dict], height: int = 320, **layout) -> dict:
    """A figure in the dashboard's style: white, compact, legend below, Vietnamese decimal
    separators."""
    return {"data": traces, "layout": {
        "template": _template(), **layout, "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": FONT,
        "legend": {"orientation": "h", "y": -0.15}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "separators": ",."}}


def status_figure(data: DashboardData) -> dict:
    """Donut of tasks by status; each slice carries its status for click-through."""
    statuses = [s for s in STATUS_LABELS if data.status.get(s.value)]
    return _figure([{
        "type": "pie", "labels": [STATUS_LABELS[s] for s in statuses],
        "values": [data.status[s.value] for s in statuses],
        "customdata": [s.value for s in statuses], "hole": 0.55, "sort": False,
        "marker": {"colors": [STATUS_HEX[s.value] for s in statuses]},
        # One precision for every percentage: one decimal (15,6%).
        "texttemplate": "%{value}<br>%{percent:.1%}",
        "hovertemplate": "%{label}: %{value} nhiệm vụ<extra></extra>"}])


def count_axis(largest: int | float, title: str | None = None) -> dict:
    """An axis of counts: whole numbers only, about five ticks."""
    axis = {"tickformat": ",d", "rangemode": "tozero",
            "dtick": max(1, math.ceil((largest or 1) / 5))}
    if title:
        axis["title"] = {"text": title}
    return axis


def _stacked(groups: dict, kind: str, height: int, short=None) -> dict:
    full = [name for _, name in groups]
    names = [short(name) for name in full] if short else full
    keys = [key for key, _ in groups]
    traces = []
    for status in STATUS_LABELS:
        values = [groups[group].get(status.value, 0) for group in groups]
        if any(values):
            traces.append({
                "type": "bar", "y": names, "x": values, "name": STATUS_LABELS[status],
                "orientation": "h", "marker": {"color": STATUS_HEX[status.value]},
                "customdata": [[kind, key, status.value, name]
                               for key, name in zip(keys, full, strict=False)],
                "hovertemplate": "%{customdata[3]}: %{x} nhiệm vụ<extra>"
                                 + STATUS_LABELS[status] + "</extra>"})
    totals = [sum(groups[group].get(s.value, 0) for s in STATUS_LABELS) for group in groups]
    return _figure(traces, height, barmode="stack", yaxis={"autorange": "reversed"},
                   xaxis=count_axis(max(totals, default=1), "Số nhiệm vụ"))


def unit_figure(data: DashboardData) -> dict:
    """Tasks per lead unit, stacked by status."""
    return _stacked(data.by_unit, "unit", max(260, 40 * len(data.by_unit) + 80))


def section_figure(data: DashboardData) -> dict:
    """Tasks per section, stacked by status."""
    return _stacked(data.by_section, "section", max(260, 40 * len(data.by_section) + 80),
                    short=lambda name: "Nhóm " + name.split(".", 1)[0])


def approvals_figure(data: DashboardData) -> dict:
    """Approvals per month."""
    months = list(data.approvals_by_month)
    labels = [f"{m[5:]}/{m[:4]}" for m in months]
    values = [data.approvals_by_month[m] for m in months]
    # Bars on a whole-number axis: one month reads as a bar, never as a lone dot at 0,2.
    return _figure([{"type": "bar", "x": labels, "y": values,
                     "marker": {"color": STATUS_HEX["completed"]},
                     "text": [str(v) for v in values],  # as plotly's validator sends them
                     "textposition": "outside",
                     "hovertemplate": "Tháng %{x}: %{y} nhiệm vụ được công nhận<extra></extra>"}],
                   280, yaxis=count_axis(max(values, default=1), "Nhiệm vụ được công nhận"),
                   xaxis={"type": "category"})


def warnings_figure(data: DashboardData) -> dict:
    """Warned tasks per unit (as of today)."""
    groups = list(data.warnings_by_unit)
    return _figure([{"type": "bar", "x": [data.warnings_by_unit[g] for g in groups],
                     "y": [name for _, name in groups], "orientation": "h",
                     "marker": {"color": "#dc3545"},
                     "customdata": [["warning", key, ""] for key, _ in groups],
                     "hovertemplate": "%{y}: %{x} nhiệm vụ bị cảnh báo<extra></extra>"}],
                   max(260, 40 * len(groups) + 80), yaxis={"autorange": "reversed"},
                   xaxis=count_axis(max(data.warnings_by_unit.values(), default=1),
                                    "Số nhiệm vụ"))


def empty_figure() -> dict:
    """"Chưa có dữ liệu" in place of a chart, without axes."""
    return _figure([], 200, annotations=[{"text": "Chưa có dữ liệu", "showarrow": False,
                                          "font": {"size": 14}}],
                   xaxis={"visible": False}, yaxis={"visible": False})


def _shown(groups: dict, hidden: int, what: str) -> str:
    """" (15/100 đơn vị nhiều quá hạn nhất)" when a chart leaves groups out."""
    if not hidden:
        return ""
    return f" ({len(groups)}/{len(groups) + hidden} {what})"


def _chart(title: str, figure: dict, chart_id: str, empty: bool) -> dbc.Card:
    if empty:  # the graph stays in the page so that click callbacks always find it
        figure = empty_figure()
    body = dcc.Graph(id=chart_id, figure=figure,
                     config={"displayModeBar": False, "locale": "vi"})
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body, className="p-2")],
                    className="shadow-sm mb-3 h-100")


def dashboard_body(data: DashboardData, *, ranking: list[UnitRank] | None,
                   can_export: bool = False) -> html.Div:
    """Figures, charts, deadlines due soon and (for the office) the ranking."""
    completed = data.status.get(TaskStatus.COMPLETED.value, 0)
    cards = dbc.Row([
        dbc.Col(stat_card("Nhiệm vụ", data.total, "secondary", "/nhiem-vu"), xs=6, lg=3),
        dbc.Col(stat_card("Tỷ lệ hoàn thành bình quân",
                          f"{data.average_percent:.1f}%".replace(".", ","), "primary"), xs=6, lg=3),
        dbc.Col(stat_card("Đã công nhận hoàn thành", completed, "success",
                          "/nhiem-vu?trang-thai=completed"), xs=6, lg=3),
        dbc.Col(stat_card("Quá hạn", data.overdue, "danger", "/nhiem-vu?qua-han=1"), xs=6, lg=3),
    ], className="g-3 mb-3")
    due = [html.Tr([html.Td(code), html.Td(dcc.Link(title, href=f"/nhiem-vu/{task_id}")),
                    html.Td(unit), html.Td(format_date(deadline), className="text-nowrap")])
           for task_id, code, title, unit, deadline in data.due_soon]
    calendar_rows = [html.Li([html.Span(format_date(d.due), className="fw-semibold me-2"),
                              d.label], className="small")
                     for d in data.reporting_due]
    due_card = dbc.Card([
        dbc.CardHeader(f"Đến hạn trong {DUE_SOON_DAYS} ngày tới"),
        html.Ul(calendar_rows, id="reporting-due", className="list-unstyled mb-0 px-3 pt-2")
        if calendar_rows else None,
        dbc.Table([html.Thead(html.Tr([html.Th("Mã"), html.Th("Nhiệm vụ"), html.Th("Đơn vị"),
                                       html.Th("Thời hạn")])), html.Tbody(due)],
                  size="sm", hover=True, className="mb-0") if due
        else empty_state(f"Không có nhiệm vụ nào đến hạn trong {DUE_SOON_DAYS} ngày tới."),
        html.Div(f"Và {data.due_soon_total - len(due)} nhiệm vụ khác đến hạn trong "
                 f"{DUE_SOON_DAYS} ngày tới (xem danh sách nhiệm vụ, sắp theo thời hạn).",
                 className="small text-muted px-3 py-2", id="due-soon-more")
        if data.due_soon_total > len(due) else None,
    ], className="shadow-sm mb-3")
    return html.Div([
        cards,
        overdue_reviews_alert(data.overdue_reviews),
        dbc.Row([
            dbc.Col(_chart("Phân bố trạng thái", status_figure(data), "chart-status",
                           not data.total), lg=5),
            dbc.Col(_chart("Theo đơn vị chủ trì" + _shown(
                data.by_unit, data.units_hidden, "đơn vị nhiều quá hạn nhất"),
                unit_figure(data), "chart-units", not data.by_unit), lg=7),
        ], className="g-3"),
        dbc.Row([
            dbc.Col(_chart("Theo nhóm nhiệm vụ" + _shown(
                data.by_section, data.sections_hidden, "nhóm nhiều quá hạn nhất"),
                section_figure(data), "chart-sections", not data.by_section), lg=7),
            dbc.Col(_chart("Nhiệm vụ bị cảnh báo theo đơn vị" + _shown(
                data.warnings_by_unit, data.warned_units_hidden, "đơn vị nhiều cảnh báo nhất"),
                warnings_figure(data), "chart-warnings", not data.warnings_by_unit), lg=5),
        ], className="g-3"),
        dbc.Row([
            dbc.Col(_chart("Công nhận hoàn thành theo tháng", approvals_figure(data),
                           "chart-approvals", not data.approvals_by_month), lg=5),
            dbc.Col(due_card, lg=7),
        ], className="g-3"),
        kpi_card(data.kpis),
        ranking_card(ranking, can_export) if ranking is not None else None,
    ])


def overdue_reviews_alert(count: int | None) -> dbc.Alert | None:
    """For the office: claims past the review time limit, linked to the queue."""
    if not count:
        return None
    return dbc.Alert([html.Strong(f"{count} đề nghị đã quá hạn thẩm định. "),
                      dcc.Link("Mở danh sách chờ thẩm định", href="/tham-dinh")],
                     color="danger", id="overdue-reviews", className="py-2")


def kpi_card(kpis: list[tuple[int, str, str, str, int]]) -> dbc.Card | None:
    """Tasks with a numeric target: the value reached against it, and the %."""
    if not kpis:
        return None
    rows = [html.Tr([html.Td(code, className="col-code"),
                     html.Td(dcc.Link(title, href=f"/nhiem-vu/{task_id}")),
                     html.Td(value, className="text-nowrap"),
                     html.Td(f"{percent}%", className="text-nowrap")])
            for task_id, code, title, value, percent in kpis]
    return dbc.Card([
        dbc.CardHeader("Chỉ tiêu định lượng: giá trị đạt được so với chỉ tiêu"),
        html.Div(dbc.Table([html.Thead(html.Tr([html.Th("Mã"), html.Th("Nhiệm vụ"),
                                                html.Th("Đạt / chỉ tiêu"),
                                                html.Th("Hoàn thành")])),
                            html.Tbody(rows)], size="sm", hover=True, className="mb-0"),
                 className="table-responsive", style={"maxHeight": "22rem", "overflowY": "auto"}),
    ], className="shadow-sm mb-3 mt-3", id="kpi-card")


def _pct(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


RANKING_PAGE_SIZE = 20


def ranking_table(ranking: list[UnitRank], page: int = 1):
    """One page of the ranking (RANKING_PAGE_SIZE units, ranks counted over all of them)."""
    head = html.Thead(html.Tr([html.Th("Hạng"), html.Th("Đơn vị"), html.Th("Nhiệm vụ"),
                               html.Th("Hoàn thành đúng hạn"), html.Th("Tỷ lệ đúng hạn"),
                               html.Th("Tỷ lệ bị trả lại"), html.Th("Lần bị cảnh báo"),
                               html.Th("Báo cáo đã nộp"), html.Th("Báo cáo đúng hạn")]))
    first = (page - 1) * RANKING_PAGE_SIZE
    body = html.Tbody([html.Tr([
        html.Td(i), html.Td(r.unit_name), html.Td(r.tasks),
        html.Td(f"{r.completed_on_time}/{r.completed}"), html.Td(_pct(r.on_time_rate)),
        html.Td(_pct(r.rejection_rate)), html.Td(r.warnings),
        html.Td(f"{r.reports_filed}/{r.reports_expected} ({_pct(r.reporting_rate)})"),
        html.Td(_pct(r.on_time_reporting_rate))])
        for i, r in enumerate(ranking[first:first + RANKING_PAGE_SIZE], start=first + 1)])
    # Nine columns do not fit a phone: the table keeps readable widths and scrolls sideways
    # in its responsive wrapper rather than breaking unit names word by word.
    return dbc.Table([head, body], size="sm", hover=True, responsive=True, className="mb-0",
                     style={"minWidth": "48rem"})


def ranking_card(ranking: list[UnitRank], can_export: bool) -> dbc.Card:
    """Units ranked for commendation and criticism, paged, with an Excel export of all."""
    pages = page_count(len(ranking), RANKING_PAGE_SIZE)
    return dbc.Card([
        dbc.CardHeader(html.Div([html.Span("Xếp hạng đơn vị (khen thưởng, phê bình)"),
                                 html.A("Xuất Excel", href="/xep-hang.xlsx",
                                        className="btn btn-outline-success btn-sm")
                                 if can_export else None],
                                className="d-flex justify-content-between align-items-center")),
        html.Div(ranking_table(ranking), id="ranking-rows")
        if ranking else empty_state("Chưa có dữ liệu."),
        dbc.Pagination(id="ranking-pager", max_value=pages, active_page=1,
                       fully_expanded=False, previous_next=True,
                       className="justify-content-center my-2") if pages > 1 else None,
    ], className="shadow-sm mb-3", id="ranking")


def dashboard_page(*, units: list[tuple[int, str]], sections: list[tuple[int, str]],
                   show_unit_filter: bool, title: str, can_export: bool = False,
                   plans: list[tuple[int, str]] = (), initial_plan: int | None = None
                   ) -> html.Div:
    """Plan selector (past plans read as they were) and filters; the body is filled by a
    callback."""
    exports = html.Div([
        html.A("Báo cáo gửi tỉnh (Excel, ZIP minh chứng)", href="/bao-cao-dinh-ky#province",
               className="btn btn-outline-success btn-sm")]) if can_export else None
    return html.Div([
        page_header(title, "Bấm vào biểu đồ để xem các nhiệm vụ tương ứng", actions=exports),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id="dash-plan", placeholder="Kế hoạch", clearable=False,
                                 options=[{"label": n, "value": i} for i, n in plans],
                                 value=initial_plan), md=3,
                    className="" if len(plans) > 1 else "d-none"),
            dbc.Col(dcc.Dropdown(id="dash-section", placeholder="Tất cả nhóm nhiệm vụ",
                                 options=[{"label": n, "value": i} for i, n in sections]), md=5),
            dbc.Col(dcc.Dropdown(id="dash-unit", placeholder="Tất cả đơn vị",
                                 options=[{"label": n, "value": i} for i, n in units]), md=4,
                    className="" if show_unit_filter else "d-none"),
        ], className="g-2 mb-3"),
        dcc.Loading(html.Div(id="dash-body")),
    ], id="dashboard-page")
