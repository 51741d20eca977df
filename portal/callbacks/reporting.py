"""Reporting upward: callbacks of the periodic reports page and of the admin's calendar and
API token page (the pages are portal/pages/reports.py and reporting_admin.py). Each callback
calls one domain function."""

from __future__ import annotations

from datetime import date

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.callbacks.jobs import ask
from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts import reporting as layouts
from portal.layouts.common import message
from workflow import api_tokens, plans, reporting_calendar
from workflow.clock import today
from workflow.errors import DomainError, ValidationError
from workflow.permissions import Capability
from workflow.plans import current_plan


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else today()
    except ValueError:
        raise ValidationError("Ngày không hợp lệ.") from None


def register(app: Dash) -> None:
    """Registers the callbacks."""

    @guarded_callback(app, Capability.WRITE_REPORTS,
                      Output("report-message", "children"),
                      Output("jobs-refresh", "data", allow_duplicate=True),
                      Input("report-generate", "n_clicks"),
                      State("report-kind", "value"), State("report-as-of", "date"),
                      prevent_initial_call=True)
    def generate(clicks, kind, as_of):
        """The Word report is written by a background job (portal/callbacks/jobs.py)."""
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        return ask("periodic_report", {"report_kind": kind or "month", "as_of": as_of})

    @guarded_callback(app, Capability.IMPORT_PLAN,
                      Output("plan-pin-message", "children"),
                      Input("plan-pin-save", "n_clicks"), State("plan-pin", "value"),
                      prevent_initial_call=True)
    def pin_plan(clicks, plan_id):
        if not clicks:
            raise PreventUpdate
        try:
            wanted = int(plan_id or 0) or None
        except (TypeError, ValueError):
            return message("Kế hoạch đã chọn không hợp lệ.")
        try:
            with unit_of_work() as session:
                pinned = plans.pin_plan(session, actor=current_account(), plan_id=wanted)
                current = plans.current_plan(session, actor=current_account())
                text = (f"Kế hoạch hiện hành: {current.number} năm {current.year}"
                        if current else "Chưa có kế hoạch")
        except DomainError as error:
            return message(error.message)
        how = "đã ghim" if pinned else "theo ngày hôm nay"
        return message(f"Đã lưu. {text} ({how}).", "success")

    @guarded_callback(app, Capability.MANAGE_CALENDAR,
                      Output("calendar-message", "children"),
                      Input("calendar-save", "n_clicks"),
                      State("calendar-unit-day", "value"), State("calendar-office-day", "value"),
                      State("calendar-quarter-day", "value"), State("calendar-year-end", "value"),
                      prevent_initial_call=True)
    def save_calendar(clicks, unit_day, office_day, quarter_day, year_end):
        if not clicks:
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                plan = current_plan(session, actor=current_account())
                if plan is None:
                    raise ValidationError("Chưa có kế hoạch để đặt lịch báo cáo.")
                reporting_calendar.update_calendar(
                    session, actor=current_account(), plan_id=plan.id, unit_day=unit_day,
                    office_day=office_day, quarter_day=quarter_day, year_end=year_end)
                text = reporting_calendar.describe(reporting_calendar.calendar_of(plan))
        except DomainError as error:
            return message(error.message)
        return message(f"Đã lưu. {text}", "success")

    @guarded_callback(app, Capability.MANAGE_API_TOKENS,
                      Output("token-message", "children"), Output("tokens-table", "children"),
                      Output("token-name", "value"),
                      Input("token-create", "n_clicks"),
                      State("token-name", "value"), State("token-expires", "date"),
                      State("token-ward", "value"),
                      prevent_initial_call=True)
    def create_token(clicks, name, expires, ward):
        if not clicks:
            raise PreventUpdate
        user = current_account()
        try:
            with unit_of_work() as session:
                created = api_tokens.create_token(
                    session, actor=user, name=name or "",
                    expires_on=_day(expires) if expires else None, ward_code=ward)
                table = layouts.tokens_table(api_tokens.token_lines(session, actor=user))
        except DomainError as error:
            return message(error.message), no_update, no_update
        return layouts.new_token_notice(created.token.name, created.secret), table, ""

    @guarded_callback(app, Capability.MANAGE_API_TOKENS,
                      Output("token-message", "children", allow_duplicate=True),
                      Output("tokens-table", "children", allow_duplicate=True),
                      Input({"type": "token-revoke", "index": ALL}, "n_clicks"),
                      prevent_initial_call=True)
    def revoke_token(clicks):
        if not ctx.triggered_id or not any(clicks or []):
            raise PreventUpdate
        user = current_account()
        name = ctx.triggered_id["index"]
        try:
            with unit_of_work() as session:
                api_tokens.revoke_token(session, actor=user, name=name)
                table = layouts.tokens_table(api_tokens.token_lines(session, actor=user))
        except DomainError as error:
            return message(error.message), no_update
        return message(f"Đã thu hồi mã truy cập “{name}”.", "success"), table
