"""The background jobs section of a page: the user's latest jobs with progress, state and the
file when ready; polled while any job is waiting or running."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import empty_state
from workflow.clock import format_datetime
from workflow.jobs import ACTIVE, JobLine, any_active

POLL_MS = 1500
STATE_COLOURS = {"pending": "secondary", "running": "primary", "done": "success",
                 "failed": "danger"}


def _progress(line: JobLine):
    if line.state == "running":
        return dbc.Progress(value=max(line.progress, 3), label=f"{line.progress}%",
                            striped=True, animated=True, style={"height": "1.1rem"})
    if line.state == "pending":
        return html.Span("Đang chờ máy xử lý…", className="text-muted small")
    if line.state == "failed":
        return html.Span(line.message or "Lỗi.", className="text-danger small")
    actions = []
    if line.download_url:
        actions.append(html.A("Tải về",
                              href=line.download_url, className="btn btn-sm btn-success me-2",
                              title=line.file_name or ""))
    if line.view_url:
        actions.append(html.A("Xem danh sách", href=line.view_url,
                              className="btn btn-sm btn-outline-success me-2"))
    return html.Div([*actions, html.Span(line.message or "", className="small text-muted")],
                    className="d-flex flex-wrap align-items-center gap-1")


def job_list(lines: list[JobLine]):
    """The user's latest jobs, newest first."""
    if not lines:
        return empty_state("Chưa có công việc nào. Bấm một nút ở trên để yêu cầu; tệp sẽ "
                           "hiện ở đây khi lập xong, không cần chờ trên trang.")
    items = []
    for line in lines:
        items.append(dbc.ListGroupItem(dbc.Row([
            dbc.Col([html.Div(line.kind_label, className="fw-semibold"),
                     html.Div(" · ".join(p for p in (line.detail,
                                                     format_datetime(line.requested_at)) if p),
                              className="small text-muted")], md=5),
            dbc.Col(dbc.Badge(line.state_label, color=STATE_COLOURS[line.state],
                              className="job-state"), width="auto",
                    className="align-self-center"),
            dbc.Col(_progress(line), className="align-self-center"),
        ], className="g-2 align-items-center"), id=f"job-{line.id}"))
    return dbc.ListGroup(items, flush=True)


def jobs_panel(lines: list[JobLine], kinds: list[str], title: str = "Công việc nền") -> dbc.Card:
    """The section: list, the kinds this page shows, and the poll timer."""
    return dbc.Card([
        dbc.CardHeader([title, html.Span(" — lập ở máy chủ, trang không phải chờ",
                                         className="text-muted small")]),
        html.Div(job_list(lines), id="jobs-list"),
        dcc.Store(id="jobs-kinds", data=kinds),
        dcc.Store(id="jobs-refresh", data=0),
        dcc.Store(id="jobs-watch", data=[line.id for line in lines if line.state in ACTIVE]),
        dcc.Interval(id="jobs-poll", interval=POLL_MS, disabled=not any_active(lines)),
    ], className="shadow-sm mb-3", id="jobs-panel")
