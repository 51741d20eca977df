"""Warning list page: preview for a month or quarter, publish, and past lists."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import dash_bootstrap_components as dbc
from dash import dcc, html

from db.models import WarningList, WarningRow
from portal.actions import ACTION_BUTTON, confirm_dialog
from portal.layouts.common import empty_state, page_count, page_header, page_links
from workflow.clock import format_date, format_datetime
from workflow.reports.warning_text import reason_lines
from workflow.warning_rules import BEHIND, MISSING_REPORT, OVERDUE, POOR_EVIDENCE, WarningReport

# Rows per page of the preview and of a published list (the exports hold every row).
PAGE_SIZE = 50
REASON_COLOURS = {OVERDUE: "danger", BEHIND: "warning", POOR_EVIDENCE: "danger",
                  MISSING_REPORT: "secondary"}


def _reason_badges(reasons: list[str], details: dict) -> list:
    return [dbc.Badge(text, color=REASON_COLOURS.get(reason, "secondary"),
                      className="me-1 mb-1 text-wrap text-start reason-badge",
                      text_color="dark" if REASON_COLOURS.get(reason) == "warning" else None)
            for reason, text in zip(reasons, reason_lines(reasons, details), strict=False)]


def _unit_table(rows: list[tuple[int | None, str, str, str, date | None, list[str], dict]]):
    head = html.Thead(html.Tr([html.Th("Mã", className="col-code"),
                               html.Th("Nhiệm vụ", className="col-title"),
                               html.Th("Thời hạn", className="col-deadline"),
                               html.Th("Lý do cảnh báo", className="col-reasons")]))
    body = html.Tbody([
        html.Tr([html.Td(code, className="col-code", **{"data-label": "Mã"}),
                 html.Td(dcc.Link(title, href=f"/nhiem-vu/{task_id}") if task_id else title,
                         className="col-title"),
                 html.Td([html.Div(format_date(deadline) or "—"),
                          html.Small(deadline_text, className="text-muted deadline-text",
                                     title=deadline_text)],
                         className="col-deadline", **{"data-label": "Thời hạn"}),
                 html.Td(_reason_badges(reasons, details), className="col-reasons")])
        for task_id, code, title, deadline_text, deadline, reasons, details in rows])
    # Fixed column widths: every unit's card lines up; on a phone rows stack as cards.
    return dbc.Table([head, body], size="sm", hover=True,
                     className="task-table warning-table stack-table mb-0")


def grouped_cards(groups: dict[str, list[tuple]]) -> list:
    """One card per unit."""
    return [dbc.Card([dbc.CardHeader([html.Strong(unit), f" · {len(rows)} nhiệm vụ"]),
                      _unit_table(rows)], className="shadow-sm mb-3 warning-unit")
            for unit, rows in groups.items()]


def preview_groups(report: WarningReport, page: int = 1,
                   size: int | None = None) -> dict[str, list[tuple]]:
    """Preview rows grouped by unit for ``grouped_cards``: one page of ``size`` rows (units
    in name order), or every row when ``size`` is None."""
    rows = [(unit, (i.task_id, i.task_code, i.task_title, i.deadline_text, i.deadline,
                    i.reasons, i.details))
            for unit, items in report.by_unit().items() for i in items]
    if size is not None:
        rows = rows[(page - 1) * size:page * size]
    groups: dict[str, list[tuple]] = {}
    for unit, row in rows:
        groups.setdefault(unit, []).append(row)
    return groups


def published_groups(rows: list[WarningRow]) -> dict[str, list[tuple]]:
    """Published rows grouped by unit."""
    groups: dict[str, list[tuple]] = {}
    for r in rows:
        groups.setdefault(r.unit_name, []).append(
            (r.task_id, r.task_code, r.task_title, r.deadline_text, r.deadline_date,
             list(r.reasons), dict(r.details)))
    return dict(sorted(groups.items()))


def publish_question(report: WarningReport) -> str:
    """What the publish dialog says will happen."""
    return (f"Danh sách cảnh báo {report.period.label}, tính đến ngày "
            f"{format_date(report.as_of)}, gồm {len(report.items)} nhiệm vụ, sẽ được lưu cố "
            "định (không sửa được sau khi công bố) và các đơn vị có tên được thông báo.")


def preview_body(report: WarningReport, *, export_query: str, can_export: bool,
                 page: int = 1) -> html.Div:
    """One page of the evaluated list, grouped by unit, with export links (of all of it)."""
    pages = page_count(len(report.items), PAGE_SIZE)
    page = min(max(page, 1), pages)
    exports = html.Div([
        html.A("Tải Excel", href=f"/canh-bao/xem-truoc.xlsx?{export_query}",
               className="btn btn-outline-success btn-sm me-2", id="warnings-xlsx"),
        html.A("Tải PDF", href=f"/canh-bao/xem-truoc.pdf?{export_query}",
               className="btn btn-outline-danger btn-sm", id="warnings-pdf"),
    ]) if can_export else None
    undetermined = None
    if report.undetermined:
        undetermined = dbc.Alert([
            html.Strong("Chưa xác định thời hạn — đề nghị Văn phòng ấn định: "),
            ", ".join(f"{i.task_code} ({i.unit_name})" for i in report.undetermined)],
            color="info")
    return html.Div([
        html.Div([html.Div(f"Danh sách cảnh báo {report.period.label}, tính đến ngày "
                           f"{format_date(report.as_of)}: {len(report.items)} nhiệm vụ.",
                           className="fw-semibold"), exports],
                 className="d-flex justify-content-between align-items-center mb-2 flex-wrap"),
        undetermined,
        *(grouped_cards(preview_groups(report, page, PAGE_SIZE)) or
          [empty_state("Không có nhiệm vụ nào phải cảnh báo.")]),
        html.Div(f"Trang {page}/{pages} · {PAGE_SIZE} nhiệm vụ mỗi trang; tải Excel hoặc PDF "
                 "để có toàn bộ danh sách.", className="small text-muted text-center")
        if pages > 1 else None,
    ])


PUBLISH_LABEL = "Công bố danh sách"


def _exports(list_id: int) -> html.Div:
    return html.Div([
        html.A("Tải Excel", href=f"/canh-bao/{list_id}.xlsx",
               className="btn btn-outline-success btn-sm me-2"),
        html.A("Tải PDF", href=f"/canh-bao/{list_id}.pdf",
               className="btn btn-outline-danger btn-sm")])


def just_published_card(published: WarningList, rows: list[WarningRow],
                        can_export: bool) -> dbc.Card:
    """The list just published, first on the page: title, number of tasks, exports."""
    return dbc.Card([
        dbc.CardHeader([html.Strong(f"Đã công bố: Danh sách cảnh báo {published.period_label}"),
                        html.Span(f" · {len(rows)} nhiệm vụ", className="ms-1")],
                       className="bg-success-subtle"),
        dbc.CardBody([
            html.Div(f"Tính đến {format_date(published.as_of)} · công bố lúc "
                     f"{format_datetime(published.published_at)}. Danh sách đã công bố được "
                     "lưu cố định và đã gửi thông báo cho các đơn vị có tên.",
                     className="small mb-2"),
            html.Div([dcc.Link("Xem danh sách đã công bố", href=f"/canh-bao/{published.id}",
                               className="btn btn-primary btn-sm me-2"),
                      _exports(published.id) if can_export else None],
                     className="d-flex flex-wrap gap-2"),
        ]),
    ], className="shadow-sm mb-3 border-success", id="warnings-just-published")


def warnings_page(*, as_of: date, can_publish: bool, lists: list[WarningList],
                  can_export: bool, period: str = "month",
                  just_published: tuple[WarningList, list[WarningRow]] | None = None
                  ) -> html.Div:
    """Controls, the list just published (if any), the preview (filled by callback) and
    the published lists."""
    controls = dbc.Row([
        dbc.Col([dbc.Label("Tính đến ngày"),
                 html.Div(dcc.DatePickerSingle(id="warnings-as-of", date=as_of.isoformat(),
                                               initial_visible_month=as_of.isoformat(),
                                               display_format="DD/MM/YYYY",
                                               first_day_of_week=1))], xs="auto"),
        dbc.Col([dbc.Label("Kỳ"),
                 dbc.RadioItems(id="warnings-period", value=period, inline=True,
                                options=[{"label": "Tháng", "value": "month"},
                                         {"label": "Quý", "value": "quarter"}])], xs="auto"),
        dbc.Col(dbc.Button(PUBLISH_LABEL, id="warnings-publish", color="danger",
                           className=ACTION_BUTTON),
                xs="auto", className="align-self-end" + ("" if can_publish else " d-none")),
    ], className="g-3 mb-3")
    past = [html.Tr([html.Td(dcc.Link(w.period_label, href=f"/canh-bao/{w.id}")),
                     html.Td(format_date(w.as_of)), html.Td(format_datetime(w.published_at)),
                     html.Td([html.A("Excel", href=f"/canh-bao/{w.id}.xlsx", className="me-2"),
                              html.A("PDF", href=f"/canh-bao/{w.id}.pdf")] if can_export
                             else "")])
            for w in lists]
    past_table = dbc.Table([html.Thead(html.Tr([html.Th("Kỳ"), html.Th("Tính đến"),
                                                html.Th("Công bố lúc"), html.Th("Tải về")])),
                            html.Tbody(past)], size="sm", className="mb-0") if past \
        else empty_state("Chưa công bố danh sách nào.")
    return html.Div([
        page_header("Danh sách cảnh báo",
                    "Quá hạn, chậm tiến độ, minh chứng không đạt, chưa báo cáo (mục IV.2.4)"),
        just_published_card(*just_published, can_export) if just_published else None,
        dbc.Card(dbc.CardBody(controls), className="shadow-sm mb-3"),
        confirm_dialog("warnings-publish", title="Công bố danh sách cảnh báo?",
                       body="Danh sách sẽ được lưu cố định, không sửa được sau khi công bố, "
                            "và các đơn vị có tên được thông báo.",
                       confirm_label="Công bố", colour="danger"),
        dcc.Store(id="warnings-token", data=uuid4().hex),
        dcc.Loading(html.Div(id="warnings-preview")),
        dbc.Pagination(id="warnings-pager", max_value=1, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, style={"display": "none"},
                       className="justify-content-center mt-2"),
        dbc.Card([dbc.CardHeader("Các danh sách đã công bố"), past_table],
                 className="shadow-sm mt-3"),
    ], id="warnings-page")


def published_page(published: WarningList, rows: list[WarningRow], can_export: bool,
                   *, total: int | None = None, page: int = 1) -> html.Div:
    """A page of a past list exactly as published."""
    total = len(rows) if total is None else total
    pager = page_links(f"/canh-bao/{published.id}", {}, page, page_count(total, PAGE_SIZE),
                       total=total, noun="nhiệm vụ", id="published-pager")
    exports = _exports(published.id) if can_export else None
    return html.Div([
        dcc.Link("← Danh sách cảnh báo", href="/canh-bao", className="small"),
        page_header(f"Danh sách cảnh báo {published.period_label}",
                    f"Tính đến {format_date(published.as_of)} · công bố lúc "
                    f"{format_datetime(published.published_at)}", actions=exports),
        *(grouped_cards(published_groups(rows)) or
          [empty_state("Không có nhiệm vụ nào trong danh sách.")]),
        pager,
    ], id="published-warnings")


def unit_warnings_card(published: WarningList | None, rows: list[WarningRow]):
    """The unit's rows of the newest published list, for its home page."""
    if published is None or not rows:
        return None
    return dbc.Card([
        dbc.CardHeader([html.Strong(f"Cảnh báo {published.period_label}"),
                        f" · {len(rows)} nhiệm vụ của đơn vị"]),
        _unit_table([row for group in published_groups(rows).values() for row in group]),
    ], className="shadow-sm mb-3 border-danger", id="unit-warnings")
