"""Warning list page: preview for the chosen date and period, publish."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, db, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message, page_count
from portal.layouts.warning_lists import PAGE_SIZE, preview_body
from portal.refresh import refresh_output, refresh_token
from workflow import permissions, warning_lists
from workflow.errors import DomainError, ValidationError
from workflow.permissions import Capability

HIDDEN = {"display": "none"}  # a pager with a single page is not shown


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
        Output("warnings-preview", "children"), Output("warnings-pager", "max_value"),
        Output("warnings-pager", "active_page"), Output("warnings-pager", "style"),
        Input("warnings-as-of", "date"), Input("warnings-period", "value"),
        Input("warnings-pager", "active_page"),
    )
    def show(as_of, period, page):
        user = current_account()
        # A new date or period starts again on the first page.
        page = int(page or 1) if ctx.triggered_id == "warnings-pager" else 1
        try:
            day = parse_day(as_of)
            report = warning_lists.preview(db(), actor=user, as_of=day,
                                           period_kind=period or "month")
        except DomainError as error:
            return message(error.message), 1, 1, HIDDEN
        query = urlencode({"ngay": day.isoformat(), "ky": period or "month"})
        pages = page_count(len(report.items), PAGE_SIZE)
        page = min(max(page, 1), pages)
        return (preview_body(report, export_query=query, page=page,
                             can_export=permissions.has(user, Capability.EXPORT)), pages, page,
                None if pages > 1 else HIDDEN)

    @guarded_callback(
        app, Capability.PUBLISH_WARNINGS,
        Output("warnings-message", "children"),
        refresh_output(),
        Input("warnings-publish", "n_clicks"),
        State("warnings-as-of", "date"), State("warnings-period", "value"),
        prevent_initial_call=True,
    )
    def publish(clicks, as_of, period):
        if not clicks:
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                published = warning_lists.publish(session, actor=current_account(),
                                                  as_of=parse_day(as_of),
                                                  period_kind=period or "month")
        except DomainError as error:
            return message(error.message), no_update
        return message(f"Đã công bố danh sách cảnh báo {published.period_label}.",
                       "success"), refresh_token()
