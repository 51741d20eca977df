"""Reviewer callbacks: approve or reject one claim, bulk approve, queue filter."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from workflow import reviews
from workflow.errors import DomainError
from workflow.permissions import Capability


def register(app: Dash) -> None:
    """Registers the review callbacks."""

    @guarded_callback(
        app, Capability.REVIEW,
        Output("claim-message", "children"), Output("claim-redirect", "pathname"),
        Input("claim-approve", "n_clicks"), Input("claim-reject", "n_clicks"),
        State("claim-ref", "data"), State("claim-reason", "value"),
        State("claim-reason-text", "value"),
        prevent_initial_call=True,
    )
    def decide(approve_clicks, reject_clicks, ref, reason_code, reason_text):
        if not (approve_clicks or reject_clicks):
            raise PreventUpdate
        if not ref or ctx.triggered_id not in ("claim-approve", "claim-reject"):
            return no_update, no_update
        try:
            with unit_of_work() as session:
                reviews.decide(session, actor=current_account(), claim_id=int(ref["id"]),
                               version=int(ref["version"]),
                               approve=ctx.triggered_id == "claim-approve",
                               reason_code=reason_code or None, reason_text=reason_text or "")
        except DomainError as error:
            return message(error.message), no_update
        target = f"/tham-dinh/{ref['next']}" if ref.get("next") else "/tham-dinh"
        return no_update, target

    @guarded_callback(
        app, Capability.REVIEW,
        Output("queue-message", "children"), Output("url", "search", allow_duplicate=True),
        Input("queue-bulk-approve", "n_clicks"),
        State({"type": "queue-select", "index": ALL}, "value"),
        State({"type": "queue-select", "index": ALL}, "id"),
        State("queue-versions", "data"),
        prevent_initial_call=True,
    )
    def bulk_approve(clicks, selected, ids, versions):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        chosen = [(int(i["index"]), int((versions or {}).get(str(i["index"]), 0)))
                  for i, value in zip(ids or [], selected or [], strict=False) if value]
        try:
            with unit_of_work() as session:
                done = reviews.bulk_approve(session, actor=current_account(), items=chosen)
        except DomainError as error:
            return message(error.message), no_update
        return no_update, f"?da-duyet={len(done)}"

    @guarded_callback(
        app, Capability.REVIEW,
        Output("url", "search", allow_duplicate=True),
        Input("queue-unit", "value"), Input("queue-section", "value"),
        Input("queue-age", "value"),
        prevent_initial_call=True,
    )
    def filter_queue(unit_id, section_id, min_age):
        if ctx.triggered_id is None:  # the page was (re)drawn, nobody changed a filter
            raise PreventUpdate
        params = {"don-vi": unit_id, "nhom": section_id, "cho-tu": min_age}
        return "?" + urlencode({k: v for k, v in params.items() if v}) if any(
            params.values()) else ""
