"""Admin callbacks: the holiday calendar and the plan's head/review settings."""

from __future__ import annotations

from datetime import date

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.refresh import refresh_output, refresh_token
from workflow import head_confirmation, holidays, review_deadlines
from workflow.errors import DomainError
from workflow.permissions import Capability


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def register(app: Dash) -> None:
    """Registers the calendar and settings callbacks."""

    @guarded_callback(
        app, Capability.MANAGE_HOLIDAYS,
        Output("holiday-message", "children"), Output("url", "search", allow_duplicate=True),
        refresh_output(),
        Input("holiday-add", "n_clicks"), Input("holiday-defaults", "n_clicks"),
        Input({"type": "holiday-remove", "index": ALL}, "n_clicks"),
        State("holiday-day", "date"), State("holiday-name", "value"),
        prevent_initial_call=True,
    )
    def change(add_clicks, default_clicks, remove_clicks, day, name):
        trigger = ctx.triggered[0] if ctx.triggered else None
        if not trigger or not trigger.get("value"):  # a re-created button is not a click
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                actor = current_account()
                if ctx.triggered_id == "holiday-add":
                    holidays.add_holiday(session, actor=actor, day=_day(day), name=name or "")
                elif ctx.triggered_id == "holiday-defaults":
                    holidays.add_defaults(session, actor=actor)
                elif isinstance(ctx.triggered_id, dict):
                    holidays.remove_holiday(session, actor=actor,
                                            holiday_id=int(ctx.triggered_id["index"]))
                else:
                    raise PreventUpdate
        except DomainError as error:
            return message(error.message), no_update, no_update
        return no_update, "?da-them=1", refresh_token()

    @guarded_callback(
        app, Capability.MANAGE_CALENDAR,
        Output("plan-settings-message", "children"),
        Output("url", "search", allow_duplicate=True), refresh_output(),
        Input("plan-settings-save", "n_clicks"),
        State("plan-settings-plan", "data"), State("plan-head-settings", "value"),
        State("plan-review-days", "value"), State("office-heads", "value"),
        prevent_initial_call=True,
    )
    def save(clicks, plan_id, checked, review_days, office_heads=None):
        if not clicks or not plan_id:
            raise PreventUpdate
        checked = checked or []
        try:
            with unit_of_work() as session:
                actor = current_account()
                head_confirmation.set_plan_settings(session, actor=actor, plan_id=int(plan_id),
                                                    claims="claims" in checked,
                                                    reports="reports" in checked)
                review_deadlines.set_review_limit(session, actor=actor, plan_id=int(plan_id),
                                                  working_days=review_days)
                review_deadlines.set_office_heads(session, actor=actor,
                                                  user_ids=office_heads or [])
        except DomainError as error:
            return message(error.message), no_update, no_update
        return no_update, "?da-luu=1", refresh_token()

    @guarded_callback(
        app, Capability.REVIEW,
        Output("queue-review-days-message", "children"),
        Output("url", "search", allow_duplicate=True),
        Input("queue-review-days-save", "n_clicks"),
        State("queue-review-plan", "data"), State("queue-review-days", "value"),
        prevent_initial_call=True,
    )
    def save_review_limit(clicks, plan_id, days):
        if not clicks or not plan_id:
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                review_deadlines.set_review_limit(session, actor=current_account(),
                                                  plan_id=int(plan_id), working_days=days)
        except DomainError as error:
            return message(error.message), no_update
        return no_update, "?da-luu-han=1"
