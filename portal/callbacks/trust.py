"""Trust store callbacks: add and remove CA certificates (admin only)."""

from __future__ import annotations

import base64
import binascii

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, db, services, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.layouts.trust import trust_table
from workflow import trust_store
from workflow.errors import DomainError
from workflow.permissions import Capability


def _table(user):
    return trust_table(trust_store.list_cas(db(), actor=user,
                                            folder=services().settings.evidence_trust_dir))


def register(app: Dash) -> None:
    """Registers the trust store callbacks."""

    @guarded_callback(
        app, Capability.MANAGE_TRUST_STORE,
        Output("trust-message", "children"), Output("trust-table", "children"),
        Input("trust-upload", "contents"), State("trust-upload", "filename"),
        prevent_initial_call=True,
    )
    def add(contents, filename):
        if not contents:
            raise PreventUpdate
        user = current_account()
        try:
            data = base64.b64decode(contents.partition(",")[2], validate=True)
        except (binascii.Error, ValueError):
            return message("Không đọc được tệp tải lên."), no_update
        try:
            with unit_of_work() as session:
                added = trust_store.add_ca(session, actor=user,
                                           folder=services().settings.evidence_trust_dir,
                                           data=data, file_name=filename or "")
        except DomainError as error:
            return message(error.message), no_update
        return (message(f"Đã thêm chứng thư “{added.name}” vào danh sách tin cậy.",
                        "success"), _table(user))

    @guarded_callback(
        app, Capability.MANAGE_TRUST_STORE,
        Output("trust-message", "children", allow_duplicate=True),
        Output("trust-table", "children", allow_duplicate=True),
        Input({"type": "trust-remove", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def remove(clicks):
        if not ctx.triggered_id or not any(clicks or []):
            raise PreventUpdate
        user = current_account()
        try:
            with unit_of_work() as session:
                removed = trust_store.remove_ca(session, actor=user,
                                                folder=services().settings.evidence_trust_dir,
                                                sha256=ctx.triggered_id["index"])
        except DomainError as error:
            return message(error.message), no_update
        return (message(f"Đã gỡ chứng thư “{removed.name}” khỏi danh sách tin cậy.",
                        "success"), _table(user))
