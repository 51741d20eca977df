"""Reviewer pages: the queue ("Chờ thẩm định") and one claim with its evidence."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.actions import ACTION_BUTTON, confirm_dialog
from portal.layouts import head
from portal.layouts.common import empty_state, message, page_count, page_header, page_links
from portal.layouts.common import field as labelled
from workflow.claim_history import NEW, REMOVED, UNCHANGED, ClaimHistory
from workflow.clock import format_date, format_datetime, format_elapsed
from workflow.labels import CLAIM_OUTCOMES, EVIDENCE_KIND_LABELS, SIGNATURE_LABELS, label
from workflow.reviews import QUEUE_PAGE_SIZE, ClaimView, EvidenceView, QueueItem
from workflow.signatures import SUMMARY_COLOURS

CHECK_COLOURS = {"ok": "success", "warning": "warning", "danger": "danger"}
APPROVE_LABEL = "Phê duyệt — Hoàn thành (Alt+A)"
REJECT_LABEL = "Trả lại — Không hoàn thành (Alt+R)"
BULK_LABEL = "Phê duyệt các đề nghị đã chọn"
CHANGE_LABELS = {NEW: ("Mới", "success"), REMOVED: ("Đã bỏ", "danger"),
                 UNCHANGED: ("Không đổi", "secondary")}


def waiting_label(since: datetime) -> str:
    """"3 ngày", "5 giờ" — how long a claim has waited."""
    return format_elapsed(since)


AGE_OPTIONS = [{"label": "Chờ từ 3 ngày", "value": 3}, {"label": "Chờ từ 7 ngày", "value": 7},
               {"label": "Chờ từ 15 ngày", "value": 15}]


def signature_badge(state: str) -> dbc.Badge:
    """At a glance: does the claim carry a valid digital signature?"""
    return dbc.Badge(SIGNATURE_LABELS[state], color=SUMMARY_COLOURS[state],
                     className=f"signature-{state} text-wrap", title=SIGNATURE_LABELS[state])


def review_due_badge(item: QueueItem) -> html.Span | None:
    """The last day of the review time limit, red with "Quá hạn thẩm định" once past."""
    if item.review_due is None:
        return None
    if item.review_overdue:
        return html.Span([format_date(item.review_due), " ",
                          dbc.Badge("Quá hạn thẩm định", color="danger",
                                    className="review-overdue")])
    return html.Span(format_date(item.review_due))


def queue_page(items: list[QueueItem], *, units: list[tuple[int, str]],
               sections: list[tuple[int, str]], unit_id: int | None, section_id: int | None,
               min_age: int | None, approved: int = 0, total: int | None = None,
               page: int = 1, review_limit: html.Div | None = None) -> html.Div:
    """A page of pending claims, longest waiting first, with bulk approval of opened claims."""
    total = len(items) if total is None else total
    pages = page_count(total, QUEUE_PAGE_SIZE)
    pager = page_links("/tham-dinh", {"don-vi": unit_id, "nhom": section_id, "cho-tu": min_age},
                       page, pages, total=total, noun="đề nghị", id="queue-pager")
    if items:
        rows = [html.Tr([
            html.Td(dbc.Checkbox(id={"type": "queue-select", "index": i.claim_id},
                                 value=False)),
            html.Td(i.task_code, className="col-code"),
            html.Td(dcc.Link(i.task_title, href=f"/tham-dinh/{i.claim_id}")),
            html.Td(i.unit_name),
            html.Td(i.files),
            html.Td(signature_badge(i.signature)),
            html.Td(format_datetime(i.created_at)),
            html.Td(dbc.Badge(waiting_label(i.created_at),
                              color="danger" if i.alert else "secondary")),
            html.Td(review_due_badge(i)),
        ]) for i in items]
        table = dbc.Table([html.Thead(html.Tr([html.Th(""), html.Th("Mã"), html.Th("Nhiệm vụ"),
                                               html.Th("Đơn vị"), html.Th("Số file"),
                                               html.Th("Chữ ký số"),
                                               html.Th("Ngày gửi"), html.Th("Đã chờ"),
                                               html.Th("Hạn thẩm định")])),
                           html.Tbody(rows)], hover=True, responsive=True, size="sm",
                          className="task-table bg-white mb-0")
    else:
        table = empty_state("Không có đề nghị nào đang chờ thẩm định.")
    versions = {str(i.claim_id): i.version for i in items}
    return html.Div([
        page_header("Chờ thẩm định", f"{total} đề nghị, cũ nhất ở trên cùng"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id="queue-unit", placeholder="Lọc theo đơn vị",
                                 options=[{"label": n, "value": i} for i, n in units],
                                 value=unit_id), md=3),
            dbc.Col(dcc.Dropdown(id="queue-section", placeholder="Lọc theo nhóm nhiệm vụ",
                                 options=[{"label": n, "value": i} for i, n in sections],
                                 value=section_id), md=3),
            dbc.Col(dcc.Dropdown(id="queue-age", placeholder="Thời gian chờ",
                                 options=AGE_OPTIONS, value=min_age), md=2),
            dbc.Col(dbc.Button(BULK_LABEL, id="queue-bulk-approve",
                               color="success", outline=True, className=ACTION_BUTTON),
                    md="auto"),
        ], className="g-2 mb-2"),
        confirm_dialog("queue-bulk-approve", title="Phê duyệt các đề nghị đã chọn?",
                       body="Mỗi đề nghị đã chọn được ghi nhận là một quyết định phê duyệt: "
                            "nhiệm vụ chuyển sang “Hoàn thành” và đơn vị được thông báo. "
                            "Quyết định đã ghi không sửa được.",
                       confirm_label="Phê duyệt", colour="success"),
        html.Div(message(f"Đã phê duyệt {approved} đề nghị.", "success") if approved else None,
                 id="queue-message"),
        dbc.Card(table, className="shadow-sm"),
        pager,
        dcc.Store(id="queue-versions", data=versions),
        review_limit,
        html.Small("Mẹo: mở từng đề nghị để xem minh chứng; chỉ đề nghị đã mở mới được "
                   "phê duyệt hàng loạt.", className="text-muted d-block mt-2"),
    ], id="review-queue")


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(size // 1024, 1)} KB"


def _evidence_card(item: EvidenceView) -> dbc.Card:
    href = f"/minh-chung/{item.id}"
    if item.content_type.startswith("image/"):
        preview = html.A(html.Img(src=f"{href}/anh-nho" if item.has_thumbnail else href,
                                  className="evidence-thumb", alt=item.name),
                         href=f"{href}?xem=1", target="_blank", title="Xem ảnh kích thước đầy đủ")
    elif item.content_type == "application/pdf":
        preview = html.Iframe(src=f"{href}?xem=1", className="evidence-pdf", title=item.name)
    else:
        preview = html.A("Tải xuống để xem", href=href, className="btn btn-outline-secondary btn-sm")
    checks = [dbc.Badge(c.text, color=CHECK_COLOURS.get(c.level, "secondary"),
                        text_color="dark" if c.level == "warning" else None,
                        className="me-1 mb-1 text-wrap text-start evidence-check")
              for c in item.checks]
    meta = (f"{label(item.kind, EVIDENCE_KIND_LABELS) or item.kind} · {_size(item.size_bytes)} · tải lên "
            f"{format_datetime(item.uploaded_at)}")
    if item.document_date:
        meta += f" · ngày văn bản/ảnh {format_date(item.document_date)}"
    return dbc.Card([
        dbc.CardHeader([html.A(item.name, href=href), " ",
                        signature_badge(item.signature)
                        if item.content_type == "application/pdf" else None]),
        dbc.CardBody([preview, html.Div(meta, className="small text-muted mt-2"),
                      html.Div(checks, className="mt-1")]),
    ], className="shadow-sm mb-3 evidence-card")


def history_card(history: ClaimHistory | None) -> dbc.Card | None:
    """For a resubmission: the earlier claims with verdict, reason and reviewer, and which
    files are new, removed or unchanged since the claim this one follows."""
    if history is None or not history.earlier:
        return None
    earlier = []
    for c in history.earlier:
        verdict = CLAIM_OUTCOMES.get(c.state, "")
        who = f" · {c.reviewer}, {format_datetime(c.decided_at)}" if c.reviewer else (
            f" · {format_datetime(c.decided_at)}" if c.decided_at else "")
        earlier.append(html.Li([
            html.Div([html.Strong(verdict), html.Span(who, className="text-muted")]),
            html.Div(f"Lý do: {c.reason}", className="text-danger") if c.reason else None,
            html.Div(f"Gửi {format_datetime(c.created_at)} · {c.claimant} · {c.files} file",
                     className="small text-muted"),
        ], className="mb-2"))
    changes = [html.Li([dbc.Badge(CHANGE_LABELS[c.state][0], color=CHANGE_LABELS[c.state][1],
                                  className="me-2 change-badge"),
                        html.A(c.name, href=f"/minh-chung/{c.evidence_id}", target="_blank",
                               className="text-break"),
                        html.Small(f" · SHA-256 {c.sha256[:12]}…", className="text-muted")],
                       className=f"mb-1 file-{c.state}") for c in history.changes]
    summary = (f"So với đề nghị trước: {history.count(NEW)} file mới, "
               f"{history.count(REMOVED)} file đã bỏ, {history.count(UNCHANGED)} file không đổi "
               "(so theo nội dung SHA-256).")
    return dbc.Card([
        dbc.CardHeader("Đề nghị gửi lại — các lần trước"),
        dbc.CardBody([
            html.Ul(earlier, className="list-unstyled mb-2"),
            html.Div(summary, className="small fw-semibold mb-1") if history.follows else None,
            html.Ul(changes, className="list-unstyled small mb-0"),
        ]),
    ], className="shadow-sm mb-3 border-warning", id="claim-history")


def claim_page(view: ClaimView, history: ClaimHistory | None = None) -> html.Div:
    """The claim, the task's required output and KPI beside its evidence, and the decision."""
    task_card = dbc.Card(dbc.CardBody([
        labelled("Nhiệm vụ", f"{view.task_code} · {view.task_title}"),
        labelled("Sản phẩm đầu ra bắt buộc", view.required_output),
        labelled("KPI đo lường", view.kpi_text),
        labelled("Thời hạn", view.deadline),
        labelled("Đơn vị đề nghị", f"{view.unit_name} — {view.claimant}"),
        labelled("Ngày gửi", format_datetime(view.created_at)),
        labelled("Ghi chú của đơn vị", view.note),
    ]), className="shadow-sm mb-3 claim-task")
    if view.decided:
        decision = dbc.Alert(view.decided, color="secondary", id="claim-decided")
    else:
        decision = dbc.Card([
            dbc.CardHeader("Kết quả thẩm định"),
            dbc.CardBody([
                html.Button(APPROVE_LABEL, id="claim-approve", accessKey="a",
                            className=f"btn btn-success w-100 mb-3 {ACTION_BUTTON}"),
                dbc.Label("Lý do trả lại"),
                dbc.Select(id="claim-reason", options=[{"label": lbl, "value": code}
                                                       for code, lbl in view.reasons],
                           placeholder="Chọn lý do", className="mb-2"),
                dbc.Textarea(id="claim-reason-text", rows=3, className="mb-2",
                             placeholder="Ghi rõ nội dung đơn vị cần bổ sung"),
                html.Button(REJECT_LABEL, id="claim-reject", accessKey="r",
                            className=f"btn btn-outline-danger w-100 {ACTION_BUTTON}"),
                confirm_dialog("claim-approve", title="Phê duyệt đề nghị?",
                               body=f"Nhiệm vụ {view.task_code} sẽ được công nhận “Hoàn "
                                    f"thành”; {view.unit_name} được thông báo. Quyết định đã "
                                    "ghi không sửa được.",
                               confirm_label="Phê duyệt", colour="success"),
                confirm_dialog("claim-reject", title="Trả lại đề nghị?",
                               body=f"Nhiệm vụ {view.task_code} sẽ ghi nhận “Không hoàn "
                                    f"thành”; {view.unit_name} nhận lý do đã chọn và có thể "
                                    "gửi đề nghị mới. Quyết định đã ghi không sửa được.",
                               confirm_label="Trả lại", colour="danger"),
            ]),
        ], className="shadow-sm mb-3")
    next_link = (dcc.Link("Đề nghị tiếp theo →", href=f"/tham-dinh/{view.next_claim_id}",
                          className="btn btn-link") if view.next_claim_id else None)
    return html.Div([
        html.Div([dcc.Link("← Chờ thẩm định", href="/tham-dinh", className="small"), next_link],
                 className="d-flex justify-content-between align-items-center"),
        page_header(f"Thẩm định đề nghị · {view.task_code}", view.unit_name),
        html.Div(id="claim-message"),
        dcc.Store(id="claim-ref", data={"id": view.claim_id, "version": view.version,
                                        "next": view.next_claim_id, "code": view.task_code}),
        dcc.Location(id="claim-redirect", refresh="callback-nav"),
        dbc.Row([
            dbc.Col([html.H2(f"Minh chứng ({len(view.evidence)} file)", className="h6 mt-2"),
                     *[_evidence_card(item) for item in view.evidence]], lg=8),
            dbc.Col([decision,
                     head.confirmation_card(view.confirmed_by, view.confirmed_at,
                                            view.confirmation_note, view.confirmed_files),
                     head.chain_card(view.chain, view.claim_id),
                     history_card(history), task_card], lg=4),
        ]),
    ], id="claim-page")
