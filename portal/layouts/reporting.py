"""Reporting upward: the office's periodic reports page, and the admin's page for the plan's
reporting calendar and the API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.common import empty_state, page_header
from workflow.clock import format_date, format_datetime
from workflow.labels import REPORT_KIND_CHOICES, TOKEN_STATE_LABELS
from workflow.periodic_reports import ReportLine

KIND_OPTIONS = [{"label": text, "value": kind} for kind, text in REPORT_KIND_CHOICES.items()]
STATE_COLOURS = {"active": "success", "revoked": "secondary", "expired": "warning"}


def reports_table(lines: list[ReportLine]):
    """Every kept version, newest first, each with its download link."""
    if not lines:
        return empty_state("Chưa lập báo cáo nào.")
    rows = [html.Tr([html.Td(line.kind_label), html.Td(line.period_label),
                     html.Td(f"Lần {line.version}"), html.Td(format_date(line.as_of)),
                     html.Td(format_datetime(line.created_at), className="text-nowrap"),
                     html.Td(line.author),
                     html.Td(html.A("Tải Word", href=f"/bao-cao-dinh-ky/{line.id}.docx",
                                    className="text-nowrap"))])
            for line in lines]
    return dbc.Table([html.Thead(html.Tr([html.Th("Loại"), html.Th("Kỳ"), html.Th("Phiên bản"),
                                          html.Th("Số liệu đến"), html.Th("Lập lúc"),
                                          html.Th("Người lập"), html.Th("")])),
                      html.Tbody(rows)], size="sm", hover=True, responsive=True,
                     className="mb-0")


def province_card() -> dbc.Card:
    """The province report and the evidence archive, each made by a background job."""
    return dbc.Card(dbc.CardBody([
        html.Div("Báo cáo gửi tỉnh", className="fw-semibold mb-1"),
        html.Div("Tiến độ từng chỉ tiêu kèm đường dẫn tới minh chứng được công nhận (Excel), "
                 "và toàn bộ tệp minh chứng được công nhận kèm bảng kê (ZIP). Số liệu tính "
                 "đến hôm nay.", className="text-muted small mb-2"),
        html.Div([
            dbc.Button("Lập báo cáo gửi tỉnh (Excel)", id="job-province-xlsx",
                       color="success", className="me-2 mb-1"),
            dbc.Button("Đóng gói tệp minh chứng (ZIP)", id="job-evidence-zip",
                       color="outline-secondary", className="mb-1"),
        ], className="d-flex flex-wrap"),
        html.Div(id="province-message", className="mt-2"),
    ]), className="shadow-sm mb-3", id="province")


def reports_page(*, lines: list[ReportLine], can_generate: bool, as_of: date,
                 calendar_text: str, jobs=None) -> html.Div:
    """Generate a report (office) and download any kept version (office and leaders)."""
    controls = dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([dbc.Label("Loại báo cáo"),
                     dbc.RadioItems(id="report-kind", value="month", inline=True,
                                    options=KIND_OPTIONS)], md="auto"),
            dbc.Col([dbc.Label("Số liệu tính đến ngày"),
                     html.Div(dcc.DatePickerSingle(id="report-as-of", date=as_of.isoformat(),
                                                   display_format="DD/MM/YYYY",
                                                   first_day_of_week=1))], md="auto"),
            dbc.Col(dbc.Button("Lập báo cáo Word", id="report-generate", color="primary"),
                    md="auto", className="align-self-end"),
        ], className="g-3"),
        html.Div("Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP, số liệu lấy trực tiếp từ cổng; "
                 "Văn phòng tải về, chỉnh sửa và trình ký. Mỗi lần lập được lưu thành một "
                 "phiên bản.", className="text-muted small mt-2"),
        html.Div(id="report-message", className="mt-2"),
    ]), className="shadow-sm mb-3" + ("" if can_generate else " d-none"))
    return html.Div([
        page_header("Báo cáo định kỳ", calendar_text),
        controls,
        province_card(),
        jobs,
        dbc.Card([dbc.CardHeader("Các báo cáo đã lập"),
                  dcc.Loading(html.Div(reports_table(lines), id="reports-table"))],
                 className="shadow-sm"),
    ], id="reports-page")


@dataclass(frozen=True)
class CalendarForm:
    """The plan's calendar as the admin form shows it."""

    plan_id: int | None
    plan_label: str
    unit_day: int
    office_day: int
    quarter_day: int
    year_end: str  # "15/12"


def tokens_table(lines) -> html.Div:
    """Every token: name, ward, expiry, last use, state, a revoke button."""
    if not lines:
        return empty_state("Chưa có mã truy cập API nào.")
    rows = []
    for line in lines:
        label, colour = TOKEN_STATE_LABELS[line.state].capitalize(), STATE_COLOURS[line.state]
        rows.append(html.Tr([
            html.Td(line.name), html.Td(line.ward_code or "—"),
            html.Td(format_date(line.expires_on)),
            html.Td(format_datetime(line.last_used_at) or "Chưa dùng", className="text-nowrap"),
            html.Td(str(line.calls)), html.Td(dbc.Badge(label, color=colour)),
            html.Td(dbc.Button("Thu hồi", id={"type": "token-revoke", "index": line.name},
                               color="outline-danger", size="sm")
                    if line.state == "active" else ""),
        ]))
    return dbc.Table([html.Thead(html.Tr([html.Th("Tên"), html.Th("Phường/xã"),
                                          html.Th("Hết hạn"), html.Th("Lần dùng cuối"),
                                          html.Th("Lượt gọi"), html.Th("Trạng thái"),
                                          html.Th("")])),
                      html.Tbody(rows)], size="sm", hover=True, responsive=True,
                     className="mb-0")


def _day_input(id_: str, label: str, value: int, hint: str):
    return dbc.Col([dbc.Label(label, html_for=id_),
                    dbc.Input(id=id_, type="number", min=1, max=31, step=1, value=value),
                    dbc.FormText(hint)], xs=6, md=3)


def plan_card(plans: list[tuple[int, str, bool]]) -> dbc.Card:
    """The ward's plans and which one is current: pinned by the admin, or "the plan covering
    today" (value 0)."""
    pinned = next((pid for pid, _label, is_pinned in plans if is_pinned), 0)
    options = [{"label": "Tự động: kế hoạch có thời gian bao gồm hôm nay", "value": 0}] + [
        {"label": label, "value": pid} for pid, label, _p in plans]
    return dbc.Card([
        dbc.CardHeader("Kế hoạch hiện hành"),
        dbc.CardBody([
            html.P("Các trang, cảnh báo, xếp hạng, nhắc việc và báo cáo dùng kế hoạch hiện "
                   "hành; kế hoạch các năm trước vẫn xem được (chỉ đọc).",
                   className="small text-muted"),
            dbc.Row([
                dbc.Col(dbc.Select(id="plan-pin", options=options, value=pinned), md=8),
                dbc.Col(dbc.Button("Lưu", id="plan-pin-save", color="primary"), md="auto"),
            ], className="g-2"),
            html.Div(id="plan-pin-message", className="mt-2"),
        ]),
    ], className="shadow-sm mb-3")


def admin_page(*, calendar: CalendarForm, tokens, default_expiry: date,
               plans: list[tuple[int, str, bool]] = ()) -> html.Div:
    """The ward's current plan, the plan's reporting calendar and the API tokens for the
    systems above the ward."""
    calendar_card = dbc.Card([
        dbc.CardHeader(f"Lịch báo cáo — {calendar.plan_label}"),
        dbc.CardBody([
            dbc.Row([
                _day_input("calendar-unit-day", "Đơn vị báo cáo ngày", calendar.unit_day,
                           "hằng tháng"),
                _day_input("calendar-office-day", "Văn phòng tổng hợp ngày",
                           calendar.office_day, "hằng tháng"),
                _day_input("calendar-quarter-day", "Sơ kết quý ngày", calendar.quarter_day,
                           "tháng cuối quý"),
                dbc.Col([dbc.Label("Tổng kết năm", html_for="calendar-year-end"),
                         dbc.Input(id="calendar-year-end", value=calendar.year_end,
                                   placeholder="dd/mm"),
                         dbc.FormText("ngày/tháng")], xs=6, md=3),
            ], className="g-3"),
            dbc.Button("Lưu lịch báo cáo", id="calendar-save", color="primary",
                       className="mt-3", disabled=calendar.plan_id is None),
            html.Div(id="calendar-message", className="mt-2"),
        ]),
    ], className="shadow-sm mb-3")
    token_form = dbc.Row([
        dbc.Col([dbc.Label("Tên mã truy cập", html_for="token-name"),
                 dbc.Input(id="token-name", placeholder="Ví dụ: Hệ thống theo dõi của Tỉnh",
                           autoComplete="off")], md=5),
        dbc.Col([dbc.Label("Hết hạn ngày"),
                 html.Div(dcc.DatePickerSingle(id="token-expires",
                                               date=default_expiry.isoformat(),
                                               display_format="DD/MM/YYYY",
                                               first_day_of_week=1))], md="auto"),
        dbc.Col([dbc.Label("Mã phường/xã", html_for="token-ward"),
                 dbc.Input(id="token-ward", placeholder="không bắt buộc")], md=2),
        dbc.Col(dbc.Button("Tạo mã", id="token-create", color="primary"), md="auto",
                className="align-self-end"),
    ], className="g-3")
    tokens_card = dbc.Card([
        dbc.CardHeader("Mã truy cập API (chỉ đọc)"),
        dbc.CardBody([
            html.P(["Hệ thống cấp trên gọi ", html.Code("/api/v1"), " với tiêu đề ",
                    html.Code("Authorization: Bearer <mã>"), ". Tài liệu: ",
                    html.A("/api/v1/openapi.json", href="/api/v1/openapi.json",
                           target="_blank"), ". Mỗi mã chỉ đọc dữ liệu của phường/xã đã "
                    "cấp mã."], className="small text-muted"),
            token_form,
            html.Div(id="token-message", className="mt-3"),
        ]),
        html.Div(tokens_table(tokens), id="tokens-table"),
    ], className="shadow-sm")
    return html.Div([
        page_header("Lịch báo cáo và API",
                    "Ngày báo cáo của kế hoạch; mã truy cập cho hệ thống theo dõi cấp trên"),
        plan_card(list(plans)) if plans else None,
        calendar_card,
        tokens_card,
    ], id="reporting-admin-page")


def new_token_notice(name: str, secret: str) -> dbc.Alert:
    """The token, shown this once."""
    return dbc.Alert([
        html.Div(f"Đã tạo mã truy cập “{name}”. Sao chép và lưu lại ngay: mã chỉ hiển thị "
                 "một lần.", className="mb-2"),
        html.Code(secret, id="token-secret", className="user-select-all d-block text-break"),
    ], color="success", className="py-2")
