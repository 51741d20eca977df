"""Unread badge polling and "mark all read"."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate

from portal.context import current_account, db, unit_of_work
from portal.guard import guarded_callback
from portal.refresh import refresh_output, refresh_token
from workflow import notifications
from workflow.permissions import Capability


def register(app: Dash) -> None:
    """Registers the notification callbacks."""

    @guarded_callback(app, Capability.VIEW_TASKS, Output("notif-badge", "children"),
                      Input("notif-poll", "n_intervals"), Input("url", "pathname"))
    def badge(_ticks, _path):
        count = notifications.unread_count(db(), actor=current_account())
        return str(count) if count else ""

    @guarded_callback(app, Capability.VIEW_TASKS,
                      refresh_output(),
                      Input("notif-read-all", "n_clicks"),
                      prevent_initial_call=True)
    def read_all(clicks):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        with unit_of_work() as session:
            notifications.mark_all_read(session, actor=current_account())
        return refresh_token()
