"""Reviewer callbacks: approve or reject one claim, bulk approve, queue filter."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.actions import answered, busy, flash_output, refused, register_dialog
from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.review import APPROVE_LABEL, BULK_LABEL, REJECT_LABEL
from portal.refresh import refresh_output, refresh_token
from workflow import reviews
from workflow.errors import DomainError
from workflow.permissions import Capability


def register(app: Dash) -> None:
    """Registers the review callbacks."""

    register_dialog(app, "claim-approve", "claim-approve")
    register_dialog(app, "claim-reject", "claim-reject")

    def _decide(approve: bool, ref, reason_code, reason_text):
        if not ref:
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                reviews.decide(session, actor=current_account(), claim_id=int(ref["id"]),
                               version=int(ref["version"]), approve=approve,
                               reason_code=reason_code or None, reason_text=reason_text or "")
        except DomainError as error:
            return refused(error.message), no_update
        code = ref.get("code") or ""
        text = (f"Đã phê duyệt đề nghị nhiệm vụ {code}: hoàn thành." if approve else
                f"Đã trả lại đề nghị nhiệm vụ {code}: không hoàn thành; đơn vị được báo lý do.")
        target = f"/tham-dinh/{ref['next']}" if ref.get("next") else "/tham-dinh"
        return answered(text), target

    @guarded_callback(
        app, Capability.REVIEW,
        flash_output(), Output("claim-redirect", "pathname", allow_duplicate=True),
        Input("claim-approve-confirm", "n_clicks"),
        State("claim-ref", "data"),
        running=busy("claim-approve", APPROVE_LABEL),
        prevent_initial_call=True,
    )
    def approve(clicks, ref):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        return _decide(True, ref, None, "")

    @guarded_callback(
        app, Capability.REVIEW,
        flash_output(), Output("claim-redirect", "pathname", allow_duplicate=True),
        Input("claim-reject-confirm", "n_clicks"),
        State("claim-ref", "data"), State("claim-reason", "value"),
        State("claim-reason-text", "value"),
        running=busy("claim-reject", REJECT_LABEL),
        prevent_initial_call=True,
    )
    def reject(clicks, ref, reason_code, reason_text):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        return _decide(False, ref, reason_code, reason_text)

    register_dialog(app, "queue-bulk-approve", "queue-bulk-approve")

    @guarded_callback(
        app, Capability.REVIEW,
        flash_output(), refresh_output(),
        Input("queue-bulk-approve-confirm", "n_clicks"),
        State({"type": "queue-select", "index": ALL}, "value"),
        State({"type": "queue-select", "index": ALL}, "id"),
        State("queue-versions", "data"),
        running=busy("queue-bulk-approve", BULK_LABEL),
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
            return refused(error.message), no_update
        return answered(f"Đã phê duyệt {len(done)} đề nghị: các nhiệm vụ được công nhận "
                        "hoàn thành."), refresh_token()

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
