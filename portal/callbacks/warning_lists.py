"""Warning list page: preview for the chosen date and period, publish."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.actions import answered, busy, flash_output, refused, register_dialog
from portal.context import current_account, db, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message, page_count
from portal.layouts.warning_lists import PAGE_SIZE, PUBLISH_LABEL, preview_body, publish_question
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


def _search(day: date, period: str, published_id: int | None = None) -> str:
    params = {"ngay": day.isoformat(), "ky": period}
    if published_id is not None:
        params["cong-bo"] = str(published_id)
    return "?" + urlencode(params)


def register(app: Dash) -> None:
    """Registers the warning callbacks."""

    @guarded_callback(
        app, Capability.VIEW_WARNINGS,
        Output("warnings-preview", "children"), Output("warnings-pager", "max_value"),
        Output("warnings-pager", "active_page"), Output("warnings-pager", "style"),
        Output("warnings-publish-dialog-body", "children"),
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
            return message(error.message), 1, 1, HIDDEN, no_update
        query = urlencode({"ngay": day.isoformat(), "ky": period or "month"})
        pages = page_count(len(report.items), PAGE_SIZE)
        page = min(max(page, 1), pages)
        return (preview_body(report, export_query=query, page=page,
                             can_export=permissions.has(user, Capability.EXPORT)), pages, page,
                None if pages > 1 else HIDDEN, publish_question(report))

    @guarded_callback(
        app, Capability.VIEW_WARNINGS,
        Output("url", "search", allow_duplicate=True),
        Input("warnings-as-of", "date"), Input("warnings-period", "value"),
        prevent_initial_call=True,
    )
    def keep_choice(as_of, period):
        """The chosen day and period go into the address, so a redrawn page keeps them."""
        if ctx.triggered_id is None:  # the page was (re)drawn, nobody changed a control
            raise PreventUpdate
        try:
            return _search(parse_day(as_of), period or "month")
        except DomainError:
            raise PreventUpdate from None

    register_dialog(app, "warnings-publish", "warnings-publish")

    @guarded_callback(
        app, Capability.PUBLISH_WARNINGS,
        flash_output(),
        Output("url", "search", allow_duplicate=True),
        Input("warnings-publish-confirm", "n_clicks"),
        State("warnings-as-of", "date"), State("warnings-period", "value"),
        State("warnings-token", "data"),
        running=busy("warnings-publish", PUBLISH_LABEL, "Đang công bố…"),
        prevent_initial_call=True,
    )
    def publish(clicks, as_of, period, token):
        if not clicks:
            raise PreventUpdate
        try:
            day = parse_day(as_of)
            with unit_of_work() as session:
                published = warning_lists.publish(session, actor=current_account(),
                                                  as_of=day, period_kind=period or "month",
                                                  request_token=token)
                rows = len(published.rows)
                label, published_id = published.period_label, published.id
        except DomainError as error:
            return refused(error.message), no_update
        return (answered(f"Đã công bố danh sách cảnh báo {label}: {rows} nhiệm vụ."),
                _search(day, period or "month", published_id))
