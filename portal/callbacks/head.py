"""Unit head callbacks: confirm or return a claim, confirm a monthly report."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.refresh import refresh_output, refresh_token
from workflow import head_confirmation
from workflow.errors import DomainError
from workflow.permissions import Capability


def _clicked(values) -> bool:
    # A button re-created by a re-render has no clicks: that is not a decision.
    trigger = ctx.triggered[0] if ctx.triggered else None
    return bool(trigger and trigger.get("value"))


def register(app: Dash) -> None:
    """Registers the head's callbacks."""

    @guarded_callback(
        app, Capability.CONFIRM_FOR_UNIT,
        Output("head-message", "children"), Output("url", "search", allow_duplicate=True),
        refresh_output(),
        Input({"type": "head-confirm", "index": ALL}, "n_clicks"),
        Input({"type": "head-return", "index": ALL}, "n_clicks"),
        State({"type": "head-note", "index": ALL}, "value"),
        State({"type": "head-note", "index": ALL}, "id"),
        State("head-versions", "data"),
        prevent_initial_call=True,
    )
    def decide(confirm_clicks, return_clicks, notes, note_ids, versions):
        if not _clicked(confirm_clicks) or not isinstance(ctx.triggered_id, dict):
            raise PreventUpdate
        claim_id = int(ctx.triggered_id["index"])
        text = {int(i["index"]): v for i, v in zip(note_ids or [], notes or [], strict=False)}
        note = text.get(claim_id) or ""
        version = int((versions or {}).get(str(claim_id), 0))
        try:
            with unit_of_work() as session:
                if ctx.triggered_id["type"] == "head-confirm":
                    head_confirmation.confirm(session, actor=current_account(),
                                              claim_id=claim_id, version=version, note=note)
                    done = "?da-xac-nhan=1"
                else:
                    head_confirmation.return_claim(session, actor=current_account(),
                                                   claim_id=claim_id, version=version,
                                                   reason=note)
                    done = "?da-tra-lai=1"
        except DomainError as error:
            return message(error.message), no_update, no_update
        return no_update, done, refresh_token()

    @guarded_callback(
        app, Capability.CONFIRM_FOR_UNIT,
        Output("head-message", "children", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True), refresh_output(),
        Input({"type": "head-report-confirm", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def confirm_report(clicks):
        if not _clicked(clicks) or not isinstance(ctx.triggered_id, dict):
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                head_confirmation.confirm_report(session, actor=current_account(),
                                                 report_id=int(ctx.triggered_id["index"]))
        except DomainError as error:
            return message(error.message), no_update, no_update
        return no_update, "?da-xac-nhan-bao-cao=1", refresh_token()
