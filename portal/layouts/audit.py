"""The audit page: who did what and when."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import empty_state, page_header
from workflow.audit_search import AuditLine
from workflow.clock import format_datetime

PAGE_SIZE = 100


def audit_rows(lines: list[AuditLine]) -> html.Div:
    """The events as a table."""
    if not lines:
        return empty_state("Không có sự kiện nào phù hợp.")
    body = html.Tbody([html.Tr([html.Td(format_datetime(line.at), className="text-nowrap"),
                                html.Td(line.actor, className="text-nowrap"),
                                html.Td(line.action_label, className="col-action"),
                                html.Td(line.object_label, className="text-nowrap"),
                                html.Td(html.Small(line.details, className="text-muted"))])
                       for line in lines])
    head = html.Thead(html.Tr([html.Th("Thời gian"), html.Th("Người thực hiện"),
                               html.Th("Thao tác"), html.Th("Đối tượng"), html.Th("Chi tiết")]))
    return dbc.Table([head, body], hover=True, responsive=True, size="sm",
                     className="audit-table bg-white mb-0")


def audit_page(*, actions: list[tuple[str, str]], actors: list[tuple[int, str]]) -> html.Div:
    """Filters, the table (filled by callback) and the export link."""
    return html.Div([
        page_header("Nhật ký hoạt động", "Ai đã làm gì, vào lúc nào",
                    actions=html.A("Xuất Excel", id="audit-export", href="/nhat-ky/xuat.xlsx",
                                   className="btn btn-outline-success btn-sm")),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id="audit-action", placeholder="Thao tác",
                                 options=[{"label": lbl, "value": v} for v, lbl in actions]),
                    md=4),
            dbc.Col(dcc.Dropdown(id="audit-actor", placeholder="Người thực hiện",
                                 options=[{"label": n, "value": i} for i, n in actors]), md=4),
            dbc.Col(dcc.DatePickerRange(id="audit-dates", display_format="DD/MM/YYYY",
                                        start_date_placeholder_text="Từ ngày",
                                        end_date_placeholder_text="đến ngày",
                                        first_day_of_week=1, clearable=True), md=4),
        ], className="g-2 mb-3"),
        html.Div(id="audit-summary", className="small text-muted mb-2"),
        dbc.Card(html.Div(id="audit-table"), className="shadow-sm"),
    ], id="audit-page")
