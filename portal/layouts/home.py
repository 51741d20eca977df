"""Home pages: a unit's own tasks, or the office's and leaders' overview."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import page_header, stat_card
from portal.layouts.tasks import task_table
from workflow.overview import UnitSummary
from workflow.status import TaskStatus
from workflow.tasks import TaskRow


def _stat_row(counts: dict[str, int], ward_query: str = "") -> dbc.Row:
    cards = [
        ("Tổng số nhiệm vụ", counts.get("total", 0), "secondary", "/nhiem-vu"),
        ("Đang thực hiện", counts.get(TaskStatus.IN_PROGRESS.value, 0), "primary",
         "/nhiem-vu?trang-thai=in_progress"),
        ("Chờ thẩm định", counts.get(TaskStatus.PENDING_REVIEW.value, 0), "info",
         "/nhiem-vu?trang-thai=pending_review"),
        ("Hoàn thành", counts.get(TaskStatus.COMPLETED.value, 0), "success",
         "/nhiem-vu?trang-thai=completed"),
        ("Không hoàn thành", counts.get(TaskStatus.NOT_COMPLETED.value, 0), "danger",
         "/nhiem-vu?trang-thai=not_completed"),
        ("Quá hạn", counts.get("overdue", 0), "danger", "/nhiem-vu?qua-han=1"),
    ]
    if ward_query:  # a province drill-down: the task list of that ward
        cards = [(label, value, colour, href + ("&" if "?" in href else "?") + ward_query)
                 for label, value, colour, href in cards]
    return dbc.Row([dbc.Col(stat_card(*card), xs=6, md=4, xl=2, className="mb-3")
                    for card in cards], className="g-3 mt-1")


def unit_home(*, unit_name: str, counts: dict[str, int], rows: list[TaskRow],
              warnings=None) -> html.Div:
    """"Nhiệm vụ của đơn vị": the unit's tasks with status, deadline and overdue flag."""
    return html.Div([
        page_header("Nhiệm vụ của đơn vị", unit_name),
        _stat_row(counts),
        warnings,
        dbc.Card([dbc.CardHeader("Nhiệm vụ đơn vị chủ trì hoặc phối hợp"),
                  task_table(rows, show_unit=True)], className="shadow-sm"),
    ], id="home-unit")


def _unit_summary_table(summaries: list[UnitSummary], ward_query: str = "") -> dbc.Table:
    header = html.Thead(html.Tr([html.Th("Đơn vị chủ trì"), html.Th("Số nhiệm vụ"),
                                 html.Th("Hoàn thành"), html.Th("Chờ thẩm định"),
                                 html.Th("Không hoàn thành"), html.Th("Quá hạn"),
                                 html.Th("Tỷ lệ hoàn thành")]))
    body = html.Tbody([
        html.Tr([
            html.Td(dcc.Link(s.unit_name, href=f"/nhiem-vu?don-vi={s.unit_id}"
                             + (f"&{ward_query}" if ward_query else ""))
                    if s.unit_id else s.unit_name),
            html.Td(s.total), html.Td(s.completed), html.Td(s.pending_review),
            html.Td(s.not_completed),
            html.Td(dbc.Badge(s.overdue, color="danger") if s.overdue else "0"),
            html.Td(html.Div([
                dbc.Progress(value=s.completion_rate, color="success", className="flex-grow-1",
                             style={"minWidth": "5rem", "height": "0.6rem"}),
                html.Small(f"{s.completion_rate}%", className="ms-2 text-muted"),
            ], className="d-flex align-items-center")),
        ])
        for s in summaries
    ])
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="bg-white mb-0")


def office_home(*, title: str, subtitle: str, counts: dict[str, int],
                summaries: list[UnitSummary], overdue_rows: list[TaskRow],
                ward_query: str = "", units_total: int | None = None) -> html.Div:
    """Overview of all tasks for the office, leaders and admins, the worst units first
    (``ward_query``, e.g. "phuong=3", keeps the province's drill-down links in that ward)."""
    more = (units_total or 0) - len(summaries)
    overdue_card = dbc.Card([dbc.CardHeader("Nhiệm vụ quá hạn"),
                             task_table(overdue_rows)], className="shadow-sm mb-3")
    return html.Div([
        page_header(title, subtitle),
        _stat_row(counts, ward_query),
        dbc.Card([dbc.CardHeader("Tình hình thực hiện theo đơn vị"),
                  _unit_summary_table(summaries, ward_query),
                  html.Div([f"Và {more} đơn vị khác — xem ",
                            dcc.Link("bảng điều khiển", href="/tong-quan"), "."],
                           className="small text-muted px-3 py-2", id="home-units-more")
                  if more > 0 else None], className="shadow-sm mb-3"),
        overdue_card,
    ], id="home-office")
