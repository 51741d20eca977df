"""The unit's actions on a task page: progress report form, completion claim form, and
the task's timeline."""

from __future__ import annotations

import json
from uuid import uuid4

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.actions import ACTION_BUTTON, confirm_dialog
from portal.layouts.wire import element
from workflow.clock import format_datetime
from workflow.labels import (
    EVIDENCE_KIND_LABELS,
    REPORT_PERIOD_LABELS,
    TIMELINE_KIND_LABELS,
    options,
)
from workflow.timeline import TimelineEntry

PROGRESS_LABEL = "Gửi báo cáo tiến độ"
CLAIM_LABEL = "Gửi đề nghị công nhận hoàn thành"
WITHDRAW_LABEL = "Rút đề nghị"

TIMELINE_COLOURS = {"progress": "primary", "claim": "info", "approved": "success",
                    "rejected": "danger", "withdrawn": "secondary", "confirmed": "success",
                    "returned": "warning"}


def draft_cleared(key: str) -> html.Div:
    """A marker that tells portal/assets/drafts.js the draft ``key`` was sent."""
    return html.Div(hidden=True, className="draft-cleared", **{"data-draft-clear": key})


def progress_form(task_id: int, kpi_target: str | None = None,
                  is_rate: bool = False) -> dbc.Card:
    """Completion %, what was done, difficulties and proposals for the current period; with
    a numeric target (e.g. "80%"), the value reached, from which the % is derived.
    What is typed is kept in the browser until it is sent (portal/assets/drafts.js); the
    form's token makes a repeated submission file one report."""
    return dbc.Card([
        dbc.CardHeader("Báo cáo tiến độ"),
        dbc.CardBody(html.Div([
            dbc.Row([
                dbc.Col([dbc.Label("Kỳ báo cáo"),
                         dbc.Select(id="progress-period", options=options(REPORT_PERIOD_LABELS),
                                    value="month")], md=6),
                dbc.Col([dbc.Label("Tỷ lệ hoàn thành (%)", html_for="progress-percent"),
                         dbc.Input(id="progress-percent", type="number", min=0, max=100,
                                   step=1)], md=6),
            ], className="g-2 mb-2"),
            kpi_fields(kpi_target, is_rate),
            dbc.Label("Nội dung đã thực hiện", html_for="progress-narrative"),
            dbc.Textarea(id="progress-narrative", rows=3, className="mb-2"),
            dbc.Label("Khó khăn, vướng mắc", html_for="progress-difficulties"),
            dbc.Textarea(id="progress-difficulties", rows=2, className="mb-2"),
            dbc.Label("Đề xuất, kiến nghị", html_for="progress-proposals"),
            dbc.Textarea(id="progress-proposals", rows=2, className="mb-3"),
            html.Div(id="progress-message"),
            dbc.Button(PROGRESS_LABEL, id="progress-submit", color="primary",
                       className=ACTION_BUTTON),
            dcc.Store(id="progress-task", data=task_id),
            dcc.Store(id="progress-token", data=uuid4().hex),
        ], **{"data-draft": f"progress-{task_id}"})),
    ], className="shadow-sm mb-3", id="progress-card")


def kpi_fields(kpi_target: str | None, is_rate: bool) -> html.Div:
    """Value reached against the numeric target (hidden, but present for the callback, when
    the task has none)."""
    return html.Div([
        html.Div(f"Chỉ tiêu định lượng: {kpi_target}. Nhập giá trị đạt được để tính tỷ lệ "
                 "hoàn thành; để trống ô tỷ lệ (%) nếu không cần điều chỉnh.",
                 className="small text-muted mb-1"),
        dbc.Row([
            dbc.Col([dbc.Label("Giá trị đạt được", html_for="progress-kpi-value"),
                     dbc.Input(id="progress-kpi-value", type="number", min=0)], md=4),
            dbc.Col([dbc.Label("Tử số (số đã đạt)", html_for="progress-kpi-numerator"),
                     dbc.Input(id="progress-kpi-numerator", type="number", min=0)], md=4,
                    className="" if is_rate else "d-none"),
            dbc.Col([dbc.Label("Mẫu số (tổng số)", html_for="progress-kpi-denominator"),
                     dbc.Input(id="progress-kpi-denominator", type="number", min=0)], md=4,
                    className="" if is_rate else "d-none"),
        ], className="g-2 mb-2"),
        dbc.Label("Lý do điều chỉnh tỷ lệ (khi khác tỷ lệ tính từ giá trị đạt được)",
                  html_for="progress-override-reason"),
        dbc.Input(id="progress-override-reason", className="mb-2"),
    ], className="" if kpi_target else "d-none", id="progress-kpi")


def rejection_banner(reason: str | None) -> dbc.Alert | None:
    """The reviewer's reason, shown to the unit until it files a new claim."""
    if not reason:
        return None
    return dbc.Alert([html.Strong("Không hoàn thành — minh chứng bị trả lại. "),
                      html.Span(f"Lý do: {reason.rstrip(' .')}. "),
                      html.Span("Đơn vị có thể bổ sung minh chứng và gửi đề nghị mới.")],
                     color="danger", id="rejection-banner")


def timeline(entries: list[TimelineEntry]) -> dbc.Card:
    """The task's history, newest first."""
    if not entries:
        body = html.Div("Chưa có hoạt động nào.", className="text-muted p-3")
    else:
        # A year of weekly reports makes dozens of entries: built as sent
        # (portal.layouts.wire).
        items = []
        for entry in entries:
            colour = TIMELINE_COLOURS.get(entry.kind, "secondary")
            label = TIMELINE_KIND_LABELS.get(entry.kind, "")
            files = [element(html.Li, element(html.A, f.name, href=f"/minh-chung/{f.id}",
                                              target="_blank"))
                     for f in entry.files]
            items.append(element(dbc.ListGroupItem, [
                element(html.Div, [element(dbc.Badge, label, color=colour, className="me-2"),
                                   element(html.Strong, entry.title)]),
                element(html.Div, f"{entry.actor} · {format_datetime(entry.at)}",
                        className="small text-muted") if entry.kind != "older" else None,
                element(html.Div, entry.body, className="mt-1",
                        style={"whiteSpace": "pre-line"}) if entry.body else None,
                element(html.Ul, files, className="mb-0 mt-1 small") if files else None,
            ], className=f"timeline-{entry.kind}"))
        body = dbc.ListGroup(items, flush=True)
    return dbc.Card([dbc.CardHeader("Lịch sử thực hiện"), body], className="shadow-sm mb-3",
                    id="task-timeline")


def claim_panel(task_id: int, *, max_mb: int, pending: bool,
                pending_text: str | None = None) -> dbc.Card:
    """The completion claim form with the evidence uploader, or a note that one is pending."""
    if pending:
        return dbc.Card([
            dbc.CardHeader("Đề nghị công nhận hoàn thành"),
            dbc.CardBody([
                html.P(pending_text or
                       "Đơn vị đã gửi đề nghị, đang chờ Văn phòng Đảng ủy thẩm định.",
                       className="mb-2"),
                dbc.Button(WITHDRAW_LABEL, id="claim-withdraw", color="secondary", outline=True,
                           size="sm", className=ACTION_BUTTON),
                confirm_dialog("claim-withdraw", title="Rút đề nghị công nhận hoàn thành?",
                               body="Đề nghị sẽ không còn trong danh sách chờ thẩm định. Các "
                                    "file minh chứng vẫn được lưu cùng đề nghị đã rút; muốn "
                                    "được công nhận, đơn vị gửi đề nghị mới.",
                               confirm_label="Rút đề nghị", colour="danger"),
                dcc.Store(id="claim-task", data=task_id),
            ]),
        ], className="shadow-sm mb-3", id="claim-card")
    return dbc.Card([
        dbc.CardHeader("Đề nghị công nhận hoàn thành"),
        dbc.CardBody(html.Div([
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
            dbc.Button(CLAIM_LABEL, id="claim-submit", color="success",
                       className=ACTION_BUTTON),
            dcc.Store(id="claim-staged", data={"ids": [], "busy": False}),
            dcc.Store(id="claim-task", data=task_id),
        ], **{"data-draft": f"claim-{task_id}"})),
    ], className="shadow-sm mb-3", id="claim-card")
