"""Ward management callbacks (province admin): each calls one domain function, re-renders."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.common import message
from portal.layouts.province import ward_options, wards_table
from workflow import wards
from workflow.errors import DomainError
from workflow.permissions import Capability


def _lines(session, user):
    return wards.ward_lines(session, actor=user)


def register(app: Dash) -> None:
    """Registers the ward management callbacks."""

    @guarded_callback(
        app, Capability.MANAGE_WARDS,
        Output("wards-message", "children"), Output("wards-table", "children"),
        Output("ward-admin-ward", "options"),
        Input("new-ward-submit", "n_clicks"),
        State("new-ward-code", "value"), State("new-ward-name", "value"),
        State("new-ward-committee", "value"),
        prevent_initial_call=True,
    )
    def create_ward(clicks, code, name, committee):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        user = current_account()
        try:
            with unit_of_work() as session:
                ward = wards.create_ward(session, actor=user, code=code or "", name=name or "",
                                         committee_name=committee)
                text = f"Đã tạo phường/xã “{ward.name}” (mã {ward.code})."
                lines = _lines(session, user)
        except DomainError as error:
            return message(error.message), no_update, no_update
        return message(text, "success"), wards_table(lines), ward_options(lines)

    @guarded_callback(
        app, Capability.MANAGE_WARDS,
        Output("wards-message", "children", allow_duplicate=True),
        Output("ward-admin-password", "value"),
        Input("ward-admin-submit", "n_clicks"),
        State("ward-admin-ward", "value"), State("ward-admin-username", "value"),
        State("ward-admin-fullname", "value"), State("ward-admin-password", "value"),
        prevent_initial_call=True,
    )
    def create_admin(clicks, ward_id, username, full_name, password):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        if not ward_id:
            return message("Vui lòng chọn phường/xã."), no_update
        try:
            with unit_of_work() as session:
                created = wards.create_first_admin(
                    session, actor=current_account(), ward_id=int(ward_id),
                    username=username or "", full_name=full_name or "",
                    password=password or "")
                name = created.username
        except DomainError as error:
            return message(error.message), no_update
        except ValueError:
            return message("Phường/xã đã chọn không tồn tại."), no_update
        return message(f"Đã tạo tài khoản quản trị “{name}”.", "success"), ""
