"""Unit side of the claim: submit with staged evidence, or withdraw a pending claim."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from portal.actions import answered, busy, flash_output, refused, register_dialog
from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.task_actions import CLAIM_LABEL, WITHDRAW_LABEL, draft_cleared
from portal.refresh import refresh_output, refresh_token
from workflow import claims
from workflow.errors import DomainError
from workflow.permissions import Capability

STILL_UPLOADING = "Còn file đang tải lên; vui lòng chờ tải xong rồi gửi đề nghị."


def register(app: Dash) -> None:
    """Registers the claim callbacks."""

    @guarded_callback(
        app, Capability.FILE_CLAIM,
        flash_output(),
        refresh_output(),
        Output("claim-form-message", "children"),
        Input("claim-submit", "n_clicks"),
        State("claim-task", "data"), State("claim-staged", "data"), State("claim-note", "value"),
        running=busy("claim-submit", CLAIM_LABEL, "Đang gửi đề nghị…"),
        prevent_initial_call=True,
    )
    def submit(clicks, task_id, staged, note):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        staged = staged or {}
        if staged.get("busy"):
            return refused(STILL_UPLOADING, "warning"), no_update, no_update
        try:
            with unit_of_work() as session:
                claim = claims.file_claim(
                    session, actor=current_account(), task_id=int(task_id),
                    evidence_ids=[int(i) for i in staged.get("ids") or []], note=note or "")
                text = claims.filed_message(claim)
        except DomainError as error:
            return refused(error.message), no_update, no_update
        return answered(text), refresh_token(), draft_cleared(f"claim-{task_id}")

    register_dialog(app, "claim-withdraw", "claim-withdraw")

    @guarded_callback(
        app, Capability.FILE_CLAIM,
        flash_output(),
        refresh_output(),
        Input("claim-withdraw-confirm", "n_clicks"),
        State("claim-task", "data"),
        running=busy("claim-withdraw", WITHDRAW_LABEL, "Đang rút…"),
        prevent_initial_call=True,
    )
    def withdraw(clicks, task_id):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                claim = claims.withdraw_pending(session, actor=current_account(),
                                                task_id=int(task_id))
                text = f"Đã rút đề nghị công nhận hoàn thành nhiệm vụ {claim.task.code}."
        except DomainError as error:
            return refused(error.message), no_update
        return answered(text), refresh_token()
