"""The notifications page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from db.models import Notification
from portal.layouts.common import empty_state, page_header
from workflow.clock import format_datetime


def notifications_page(items: list[Notification]) -> html.Div:
    """The user's newest notifications, unread ones highlighted."""
    if items:
        body = dbc.ListGroup([
            dbc.ListGroupItem([
                html.Div([dcc.Link(n.message, href=n.link) if n.link else n.message]),
                html.Small(format_datetime(n.created_at), className="text-muted"),
            ], className="" if n.read_at else "list-group-item-warning")
            for n in items
        ], flush=True)
    else:
        body = empty_state("Chưa có thông báo nào.")
    return html.Div([
        page_header("Thông báo", actions=dbc.Button("Đánh dấu tất cả đã đọc", id="notif-read-all",
                                                   color="secondary", outline=True, size="sm")),
        html.Div(id="notif-message"),
        dbc.Card(body, className="shadow-sm"),
    ], id="notifications-page")
