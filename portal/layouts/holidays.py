"""The admin's page for the unit head's confirmation settings, the review time limit and the
public-holiday calendar it skips (#16)."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from db.models import Holiday
from portal.layouts.common import empty_state, message, page_header
from workflow.clock import format_date

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class PlanSettings:
    """The current plan's settings as the form shows them."""

    plan_id: int | None
    label: str
    claims: bool
    reports: bool
    review_days: int
    reviewers: tuple[tuple[int, str, bool], ...] = ()


def _settings_card(settings: PlanSettings) -> dbc.Card:
    checked = [v for v, on in (("claims", settings.claims), ("reports", settings.reports)) if on]
    return dbc.Card([
        dbc.CardHeader(f"Xác nhận của thủ trưởng và thời hạn thẩm định · {settings.label}"),
        dbc.CardBody([
            dbc.Checklist(id="plan-head-settings", value=checked, className="mb-2", options=[
                {"label": "Đề nghị công nhận hoàn thành của cán bộ phải được thủ trưởng đơn vị "
                          "xác nhận trước khi gửi Văn phòng Đảng ủy", "value": "claims"},
                {"label": "Báo cáo tiến độ tháng phải được thủ trưởng đơn vị xác nhận",
                 "value": "reports"}]),
            dbc.Label("Thời hạn thẩm định (ngày làm việc, không tính thứ Bảy, Chủ nhật và ngày "
                      "nghỉ lễ)", html_for="plan-review-days"),
            dbc.Input(id="plan-review-days", type="number", min=1, max=60, step=1,
                      value=settings.review_days, className="mb-2", style={"maxWidth": "8rem"}),
            dbc.Label("Chánh Văn phòng / người nhận nhắc nhở đề nghị quá hạn thẩm định",
                      html_for="office-heads"),
            dcc.Dropdown(id="office-heads", multi=True, className="mb-3",
                         placeholder="Chọn tài khoản thẩm định",
                         options=[{"label": name, "value": i}
                                  for i, name, _ in settings.reviewers],
                         value=[i for i, _, head in settings.reviewers if head]),
            html.Div(id="plan-settings-message"),
            dbc.Button("Lưu cài đặt", id="plan-settings-save", color="primary",
                       disabled=settings.plan_id is None),
            dcc.Store(id="plan-settings-plan", data=settings.plan_id),
        ]),
    ], className="shadow-sm mb-3", id="plan-settings")


def _holiday_row(holiday: Holiday, can_edit: bool) -> html.Tr:
    return html.Tr([
        html.Td(format_date(holiday.day)), html.Td(WEEKDAYS[holiday.day.weekday()]),
        html.Td(holiday.name),
        html.Td(dbc.Button("Xóa", id={"type": "holiday-remove", "index": holiday.id},
                           size="sm", color="danger", outline=True) if can_edit else None),
    ])


def holidays_page(settings: PlanSettings | None, holidays: list[Holiday],
                  done: str | None = None, can_edit: bool = True) -> html.Div:
    """Settings (a ward's plan; none on the province's page), then the calendar, with the form
    to add a day for those who keep it (the province: holidays are national)."""
    table = (dbc.Table([html.Thead(html.Tr([html.Th("Ngày"), html.Th("Thứ"),
                                            html.Th("Tên ngày nghỉ"), html.Th("")])),
                        html.Tbody([_holiday_row(h, can_edit) for h in holidays])],
                       size="sm", responsive=True, className="bg-white mb-0", id="holiday-table")
             if holidays else empty_state("Lịch chưa có ngày nghỉ lễ nào."))
    return html.Div([
        page_header("Ngày nghỉ lễ và thời hạn thẩm định" if settings else "Lịch ngày nghỉ lễ, Tết",
                    "Thời hạn thẩm định tính theo ngày làm việc, bỏ qua các ngày trong lịch này"),
        html.Div(message(done, "success") if done else None, id="holiday-message"),
        _settings_card(settings) if settings else None,
        dbc.Card([
            dbc.CardHeader("Lịch ngày nghỉ lễ, Tết (dùng chung toàn tỉnh)"),
            dbc.CardBody([
                _holiday_form() if can_edit else html.P(
                    "Lịch ngày nghỉ lễ do quản trị tỉnh cập nhật.", className="text-muted small"),
                table,
            ]),
        ], className="shadow-sm mb-3"),
    ], id="holidays-page")


def _holiday_form() -> dbc.Row:
    return dbc.Row([
        dbc.Col(dcc.DatePickerSingle(id="holiday-day", display_format="DD/MM/YYYY",
                                     placeholder="Ngày nghỉ", first_day_of_week=1),
                md="auto"),
        dbc.Col(dbc.Input(id="holiday-name", placeholder="Tên ngày nghỉ (ví dụ: "
                                                         "Tết Nguyên đán)"), md=5),
        dbc.Col(dbc.Button("Thêm ngày nghỉ", id="holiday-add", color="primary"),
                md="auto"),
        dbc.Col(dbc.Button("Thêm các ngày nghỉ lễ năm 2026", id="holiday-defaults",
                           color="secondary", outline=True), md="auto"),
    ], className="g-2 mb-3 align-items-center")


def review_limit_form(plan_id: int | None, days: int, saved: bool = False) -> html.Div | None:
    """The office's own control of its review time limit, under the queue."""
    if plan_id is None:
        return None
    return html.Div([
        dbc.Row([
            dbc.Col(dbc.Label("Thời hạn thẩm định (ngày làm việc)", html_for="queue-review-days",
                              className="mb-0"), xs="auto"),
            dbc.Col(dbc.Input(id="queue-review-days", type="number", min=1, max=60, step=1,
                              value=days, size="sm", style={"width": "5.5rem"}), xs="auto"),
            dbc.Col(dbc.Button("Lưu", id="queue-review-days-save", size="sm",
                               color="secondary", outline=True), xs="auto"),
        ], className="g-2 align-items-center"),
        html.Div(message("Đã lưu thời hạn thẩm định.", "success") if saved else None,
                 id="queue-review-days-message", className="mt-2"),
        dcc.Store(id="queue-review-plan", data=plan_id),
    ], className="mt-3 small", id="queue-review-limit")
