"""The unit head's pieces (#16): claims and reports waiting for confirmation, the head's
confirmation as the reviewer reads it, and a claim's chain with files added/kept/removed."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from db.models import ProgressReport
from portal.layouts.common import empty_state, message, page_header
from workflow.claim_chain import ChainLink
from workflow.clock import format_datetime
from workflow.head_confirmation import WaitingClaim
from workflow.kpi_targets import format_value

CHAIN_COLOURS = {"approved": "success", "rejected": "danger", "returned": "warning",
                 "pending": "info", "awaiting_head": "primary", "withdrawn": "secondary"}


def _files(files: list[dict]) -> html.Ul:
    return html.Ul([html.Li([html.A(f["name"], href=f"/minh-chung/{f['id']}", target="_blank"),
                             html.Span(f" · SHA-256 {f['sha256'][:12]}…",
                                       className="text-muted", title=f["sha256"])])
                    for f in files], className="small mb-2 ps-3")


def _refiled(item: WaitingClaim) -> dbc.Alert | None:
    """For a claim filed again: why the last one was turned down and what changed."""
    if item.changes is None:
        return None
    changes = item.changes
    parts = [f"{title}: {', '.join(names)}" for title, names in (
        ("Thêm", changes.added), ("Giữ nguyên", changes.kept), ("Bỏ", changes.removed))
        if names]
    return dbc.Alert([
        html.Div(f"Nộp lại sau lần bị trả lại. Lý do lần trước: {item.follows_reason or '—'}"),
        html.Div("; ".join(parts) or "Không thay đổi file.", className="small"),
    ], color="info", className="py-2 small mb-2 head-refiled")


def _waiting_card(item: WaitingClaim) -> dbc.Card:
    key = item.claim_id
    return dbc.Card([
        dbc.CardHeader([html.Strong(f"{item.task_code} · "),
                        dcc.Link(item.task_title, href=f"/nhiem-vu/{item.task_id}")]),
        dbc.CardBody([
            html.Div(f"{item.claimant} gửi lúc {format_datetime(item.created_at)}",
                     className="small text-muted mb-1"),
            html.P(item.note, className="mb-2") if item.note else None,
            _refiled(item),
            html.Div(f"File minh chứng ({len(item.files)}):", className="small fw-semibold"),
            _files(item.files),
            dbc.Textarea(id={"type": "head-note", "index": key}, rows=2, className="mb-2",
                         placeholder="Ghi chú khi xác nhận, hoặc lý do trả lại cho cán bộ"),
            html.Div([
                dbc.Button("Xác nhận, chuyển Văn phòng Đảng ủy thẩm định",
                           id={"type": "head-confirm", "index": key}, color="success",
                           className="me-2 mb-1"),
                dbc.Button("Trả lại cán bộ", id={"type": "head-return", "index": key},
                           color="warning", outline=True, className="mb-1"),
            ]),
        ]),
    ], className="shadow-sm mb-3 head-waiting", id=f"head-claim-{key}")


def _report_row(report: ProgressReport) -> html.Tr:
    value = format_value(report.kpi_value, report.task.kpi_unit)
    return html.Tr([
        html.Td(report.task.code, className="col-code"),
        html.Td(dcc.Link(report.task.title, href=f"/nhiem-vu/{report.task_id}")),
        html.Td(report.period_label),
        html.Td(f"{report.percent_complete}%" + (f" ({value})" if value else "")),
        html.Td(report.author.full_name),
        html.Td(dbc.Button("Xác nhận", id={"type": "head-report-confirm", "index": report.id},
                           size="sm", color="success", outline=True)),
    ])


def waiting_page(claims: list[WaitingClaim], reports: list[ProgressReport],
                 unit_name: str, done: str | None = None) -> html.Div:
    """What waits for the head: the unit's claims, then its monthly reports."""
    versions = {str(c.claim_id): c.version for c in claims}
    report_table = (dbc.Table([html.Thead(html.Tr([html.Th("Mã"), html.Th("Nhiệm vụ"),
                                                   html.Th("Kỳ"), html.Th("Tiến độ"),
                                                   html.Th("Người báo cáo"), html.Th("")])),
                               html.Tbody([_report_row(r) for r in reports])],
                              size="sm", responsive=True, className="bg-white mb-0")
                    if reports else empty_state("Không có báo cáo tháng nào chờ xác nhận."))
    return html.Div([
        page_header("Chờ thủ trưởng xác nhận",
                    f"{unit_name}: thủ trưởng đơn vị chịu trách nhiệm về độ chính xác và đầy "
                    "đủ của dữ liệu trước khi gửi Văn phòng Đảng ủy"),
        html.Div(message(done, "success") if done else None, id="head-message"),
        html.H2(f"Đề nghị công nhận hoàn thành ({len(claims)})", className="h5 mt-3"),
        *([_waiting_card(c) for c in claims] or
          [empty_state("Không có đề nghị nào chờ thủ trưởng xác nhận.")]),
        html.H2(f"Báo cáo tiến độ tháng ({len(reports)})", className="h5 mt-4"),
        dbc.Card(report_table, className="shadow-sm"),
        dcc.Store(id="head-versions", data=versions),
    ], id="head-page")


def confirmation_card(confirmed_by: str | None, confirmed_at, note: str,
                      files: list[dict]) -> dbc.Card:
    """Who confirmed the claim, when, and the exact files they stood behind."""
    if not confirmed_by:
        body = html.Div("Đề nghị gửi trước khi áp dụng xác nhận của thủ trưởng đơn vị.",
                        className="small text-muted")
    else:
        body = html.Div([
            html.Div([html.Strong(confirmed_by), f" xác nhận lúc {format_datetime(confirmed_at)}"]),
            html.Div(f"Ghi chú: {note}", className="small") if note else None,
            html.Div(f"Các file được xác nhận ({len(files)}):", className="small mt-1"),
            _files(files),
        ])
    return dbc.Card([dbc.CardHeader("Xác nhận của thủ trưởng đơn vị"), dbc.CardBody(body)],
                    className="shadow-sm mb-3", id="claim-confirmation")


def _comparison(link: ChainLink) -> html.Div | None:
    if link.comparison is None:
        return None
    parts = []
    for title, names, colour in (("Thêm", link.comparison.added, "success"),
                                 ("Giữ nguyên", link.comparison.kept, "secondary"),
                                 ("Bỏ", link.comparison.removed, "danger")):
        if names:
            parts.append(html.Div([dbc.Badge(f"{title} ({len(names)})", color=colour,
                                             className="me-1"), ", ".join(names)],
                                  className="small mb-1"))
    return html.Div(parts or [html.Div("Không thay đổi file.", className="small")],
                    className="mt-1 chain-files")


def chain_card(links: list[ChainLink], current_id: int | None = None) -> dbc.Card | None:
    """The claims of a chain, oldest first, each with its decision and file changes."""
    if len(links) < 2:
        return None
    items = []
    for number, link in enumerate(links, start=1):
        head = [dbc.Badge(link.state_label, color=CHAIN_COLOURS.get(link.state, "secondary"),
                          className="me-2"),
                html.Strong(f"Lần {number}: đề nghị của {link.claimant}"),
                html.Span(f" · {format_datetime(link.created_at)}", className="text-muted")]
        if link.claim_id == current_id:
            head.append(dbc.Badge("đang xem", color="light", text_color="dark",
                                  className="ms-2"))
        items.append(dbc.ListGroupItem([
            html.Div(head),
            html.Div(f"Thủ trưởng {link.confirmed_by} xác nhận lúc "
                     f"{format_datetime(link.confirmed_at)}", className="small")
            if link.confirmed_by else None,
            html.Div(f"{link.decided_by or ''} · {format_datetime(link.decided_at)} — Lý do: "
                     f"{link.reason}", className="small text-danger")
            if link.reason else None,
            _comparison(link),
        ], className=f"chain-link chain-{link.state}"))
    return dbc.Card([dbc.CardHeader("Chuỗi đề nghị của nhiệm vụ (so sánh file theo SHA-256)"),
                     dbc.ListGroup(items, flush=True)], className="shadow-sm mb-3",
                    id="claim-chain")


def returned_banner(reason: str | None) -> dbc.Alert | None:
    """The head's reason, shown to the unit until it files again."""
    if not reason:
        return None
    return dbc.Alert([html.Strong("Thủ trưởng đơn vị đã trả lại đề nghị. "),
                      html.Span(f"Lý do: {reason}. "),
                      html.Span("Vui lòng bổ sung minh chứng và gửi lại đề nghị.")],
                     color="warning", id="returned-banner")
