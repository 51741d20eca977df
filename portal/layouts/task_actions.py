"""The unit's actions on a task page: progress report form, completion claim form, and
the task's timeline."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import dcc, html

from workflow.clock import format_datetime
from workflow.labels import (
    EVIDENCE_KIND_LABELS,
    REPORT_PERIOD_LABELS,
    TIMELINE_KIND_LABELS,
    options,
)
from workflow.timeline import TimelineEntry

TIMELINE_COLOURS = {"progress": "primary", "claim": "info", "approved": "success",
                    "rejected": "danger", "withdrawn": "secondary"}


def progress_form(task_id: int) -> dbc.Card:
    """Completion %, what was done, difficulties and proposals for the current period."""
    return dbc.Card([
        dbc.CardHeader("Báo cáo tiến độ"),
        dbc.CardBody([
            dbc.Row([
                dbc.Col([dbc.Label("Kỳ báo cáo"),
                         dbc.Select(id="progress-period", options=options(REPORT_PERIOD_LABELS),
                                    value="month")], md=6),
                dbc.Col([dbc.Label("Tỷ lệ hoàn thành (%)", html_for="progress-percent"),
                         dbc.Input(id="progress-percent", type="number", min=0, max=100,
                                   step=1)], md=6),
            ], className="g-2 mb-2"),
            dbc.Label("Nội dung đã thực hiện", html_for="progress-narrative"),
            dbc.Textarea(id="progress-narrative", rows=3, className="mb-2"),
            dbc.Label("Khó khăn, vướng mắc", html_for="progress-difficulties"),
            dbc.Textarea(id="progress-difficulties", rows=2, className="mb-2"),
            dbc.Label("Đề xuất, kiến nghị", html_for="progress-proposals"),
            dbc.Textarea(id="progress-proposals", rows=2, className="mb-3"),
            html.Div(id="progress-message"),
            dbc.Button("Gửi báo cáo tiến độ", id="progress-submit", color="primary"),
            dcc.Store(id="progress-task", data=task_id),
        ]),
    ], className="shadow-sm mb-3", id="progress-card")


def rejection_banner(reason: str | None) -> dbc.Alert | None:
    """The reviewer's reason, shown to the unit until it files a new claim."""
    if not reason:
        return None
    return dbc.Alert([html.Strong("Không hoàn thành — minh chứng bị trả lại. "),
                      html.Span(f"Lý do: {reason}. "),
                      html.Span("Đơn vị có thể bổ sung minh chứng và gửi đề nghị mới.")],
                     color="danger", id="rejection-banner")


def timeline(entries: list[TimelineEntry]) -> dbc.Card:
    """The task's history, newest first."""
    if not entries:
        body = html.Div("Chưa có hoạt động nào.", className="text-muted")
    else:
        items = []
        for entry in entries:
            colour = TIMELINE_COLOURS.get(entry.kind, "secondary")
            label = TIMELINE_KIND_LABELS.get(entry.kind, "")
            files = [html.Li(html.A(f.name, href=f"/minh-chung/{f.id}", target="_blank"))
                     for f in entry.files]
            items.append(dbc.ListGroupItem([
                html.Div([dbc.Badge(label, color=colour, className="me-2"),
                          html.Strong(entry.title)]),
                html.Div(f"{entry.actor} · {format_datetime(entry.at)}",
                         className="small text-muted") if entry.kind != "older" else None,
                html.Div(entry.body, className="mt-1", style={"whiteSpace": "pre-line"})
                if entry.body else None,
                html.Ul(files, className="mb-0 mt-1 small") if files else None,
            ], className=f"timeline-{entry.kind}"))
        body = dbc.ListGroup(items, flush=True)
    return dbc.Card([dbc.CardHeader("Lịch sử thực hiện"), body], className="shadow-sm mb-3",
                    id="task-timeline")


def claim_panel(task_id: int, *, max_mb: int, pending: bool) -> dbc.Card:
    """The completion claim form with the evidence uploader, or a note that one is pending."""
    if pending:
        return dbc.Card([
            dbc.CardHeader("Đề nghị công nhận hoàn thành"),
            dbc.CardBody([
                html.P("Đơn vị đã gửi đề nghị, đang chờ Văn phòng Đảng ủy thẩm định.",
                       className="mb-2"),
                html.Div(id="claim-form-message"),
                dbc.Button("Rút đề nghị", id="claim-withdraw", color="secondary", outline=True,
                           size="sm"),
                dcc.Store(id="claim-task", data=task_id),
            ]),
        ], className="shadow-sm mb-3", id="claim-card")
    return dbc.Card([
        dbc.CardHeader("Đề nghị công nhận hoàn thành"),
        dbc.CardBody([
            html.P("Đính kèm file minh chứng (văn bản pháp lý đã ký, ảnh chụp sản phẩm…). "
                   "Không có minh chứng thì không thể đề nghị công nhận hoàn thành.",
                   className="small text-muted"),
            html.Div(className="evidence-uploader mb-3", id="evidence-uploader",
                     **{"data-task-id": str(task_id), "data-max-mb": str(max_mb),
                        "data-kinds": json.dumps(options(EVIDENCE_KIND_LABELS),
                                                 ensure_ascii=False)}),
            dbc.Label("Ghi chú gửi Văn phòng Đảng ủy", html_for="claim-note"),
            dbc.Textarea(id="claim-note", rows=2, className="mb-3"),
            html.Div(id="claim-form-message"),
            dbc.Button("Gửi đề nghị công nhận hoàn thành", id="claim-submit", color="success"),
            dcc.Store(id="claim-staged", data={"ids": [], "busy": False}),
            dcc.Store(id="claim-task", data=task_id),
        ]),
    ], className="shadow-sm mb-3", id="claim-card")
