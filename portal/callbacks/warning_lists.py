"""Warning list page: preview for the chosen date and period, publish."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from portal.callbacks.jobs import ask
from portal.context import current_account, db
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.layouts.warning_lists import preview_body
from workflow import permissions, warning_lists
from workflow.errors import DomainError, ValidationError
from workflow.permissions import Capability


def parse_day(value: str | None) -> date:
    """An ISO date from a control or query parameter."""
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        raise ValidationError("Ngày không hợp lệ.") from None


def register(app: Dash) -> None:
    """Registers the warning callbacks."""

    @guarded_callback(
        app, Capability.VIEW_WARNINGS,
        Output("warnings-preview", "children"),
        Input("warnings-as-of", "date"), Input("warnings-period", "value"),
    )
    def show(as_of, period):
        user = current_account()
        try:
            day = parse_day(as_of)
            report = warning_lists.preview(db(), actor=user, as_of=day,
                                           period_kind=period or "month")
        except DomainError as error:
            return message(error.message)
        query = urlencode({"ngay": day.isoformat(), "ky": period or "month"})
        return preview_body(report, export_query=query,
                            can_export=permissions.has(user, Capability.EXPORT))

    @guarded_callback(
        app, Capability.PUBLISH_WARNINGS,
        Output("warnings-message", "children"),
        Output("jobs-refresh", "data", allow_duplicate=True),
        Input("warnings-publish", "n_clicks"),
        State("warnings-as-of", "date"), State("warnings-period", "value"),
        prevent_initial_call=True,
    )
    def publish(clicks, as_of, period):
        """Publishing runs as a background job: a province's list is long to evaluate."""
        if not clicks:
            raise PreventUpdate
        try:
            day = parse_day(as_of)
        except DomainError as error:
            return message(error.message), no_update
        return ask("publish_warnings", {"as_of": day.isoformat(),
                                        "period_kind": period or "month"})
