"""Unit side of the claim: submit with staged evidence, or withdraw a pending claim."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.refresh import refresh_output, refresh_token
from workflow import claims
from workflow.errors import DomainError
from workflow.permissions import Capability

STILL_UPLOADING = "Còn file đang tải lên; vui lòng chờ tải xong rồi gửi đề nghị."


def register(app: Dash) -> None:
    """Registers the claim callbacks."""

    @guarded_callback(
        app, Capability.FILE_CLAIM,
        Output("claim-form-message", "children"),
        refresh_output(),
        Input("claim-submit", "n_clicks"),
        State("claim-task", "data"), State("claim-staged", "data"), State("claim-note", "value"),
        prevent_initial_call=True,
    )
    def submit(clicks, task_id, staged, note):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        staged = staged or {}
        if staged.get("busy"):
            return message(STILL_UPLOADING, "warning"), no_update
        try:
            with unit_of_work() as session:
                claims.file_claim(session, actor=current_account(), task_id=int(task_id),
                                  evidence_ids=[int(i) for i in staged.get("ids") or []],
                                  note=note or "")
        except DomainError as error:
            return message(error.message), no_update
        return no_update, refresh_token()

    @guarded_callback(
        app, Capability.FILE_CLAIM,
        Output("claim-form-message", "children", allow_duplicate=True),
        refresh_output(),
        Input("claim-withdraw", "n_clicks"),
        State("claim-task", "data"),
        prevent_initial_call=True,
    )
    def withdraw(clicks, task_id):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                claims.withdraw_pending(session, actor=current_account(), task_id=int(task_id))
        except DomainError as error:
            return message(error.message), no_update
        return no_update, refresh_token()
