"""Admin callbacks: accounts and units. Each calls one domain function and re-renders."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.admin import unit_lines, units_table, user_lines, users_table
from portal.layouts.common import message
from workflow import accounts, units
from workflow.errors import DomainError
from workflow.permissions import Capability


def _users_view(session, user):
    return users_table(user_lines(accounts.list_users(session, actor=user)))


def _units_view(session, user):
    return units_table(unit_lines(units.list_units(session, actor=user)))


def register(app: Dash) -> None:
    """Registers the admin callbacks."""

    @guarded_callback(
        app, Capability.MANAGE_USERS,
        Output("users-message", "children"), Output("users-table", "children"),
        Output("new-user-password", "value"),
        Input("new-user-submit", "n_clicks"),
        State("new-user-username", "value"), State("new-user-fullname", "value"),
        State("new-user-role", "value"), State("new-user-unit", "value"),
        State("new-user-password", "value"), State("new-user-email", "value"),
        prevent_initial_call=True,
    )
    def create_user(clicks, username, full_name, role, unit_id, password, email):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        user = current_account()
        try:
            with unit_of_work() as session:
                created = accounts.create_user(
                    session, actor=user, username=username or "", full_name=full_name or "",
                    password=password or "", role=role or "", unit_id=unit_id, email=email,
                )
                table = _users_view(session, user)
        except DomainError as error:
            return message(error.message), no_update, no_update
        return message(f"Đã tạo tài khoản “{created.username}”.", "success"), table, ""

    @guarded_callback(
        app, Capability.MANAGE_USERS,
        Output("users-message", "children", allow_duplicate=True),
        Output("reset-password", "value"),
        Input("reset-submit", "n_clicks"),
        State("reset-user", "value"), State("reset-password", "value"),
        prevent_initial_call=True,
    )
    def reset_password(clicks, user_id, password):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        if not user_id:
            return message("Vui lòng chọn tài khoản cần đặt lại mật khẩu."), no_update
        try:
            with unit_of_work() as session:
                target = accounts.reset_password(session, actor=current_account(),
                                                 user_id=int(user_id),
                                                 new_password=password or "")
        except DomainError as error:
            return message(error.message), no_update
        return message(f"Đã đặt lại mật khẩu cho “{target.username}”.", "success"), ""

    @guarded_callback(
        app, Capability.MANAGE_USERS,
        Output("users-message", "children", allow_duplicate=True),
        Output("users-table", "children", allow_duplicate=True),
        Input({"type": "user-toggle", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle_user(clicks):
        if not ctx.triggered_id or not any(clicks or []):
            return no_update, no_update
        user = current_account()
        try:
            with unit_of_work() as session:
                target = accounts.toggle_active(session, actor=user,
                                                user_id=int(ctx.triggered_id["index"]))
                table = _users_view(session, user)
        except DomainError as error:
            return message(error.message), no_update
        text = "Đã mở khóa" if target.is_active else "Đã khóa"
        return message(f"{text} tài khoản “{target.username}”.", "success"), table

    @guarded_callback(
        app, Capability.MANAGE_UNITS,
        Output("units-message", "children"), Output("units-table", "children"),
        Input("new-unit-submit", "n_clicks"),
        State("new-unit-name", "value"), State("new-unit-short", "value"),
        State("new-unit-aliases", "value"),
        prevent_initial_call=True,
    )
    def create_unit(clicks, name, short_name, aliases):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        alias_list = [a.strip() for a in (aliases or "").split(";") if a.strip()]
        try:
            with unit_of_work() as session:
                unit = units.create_unit(session, actor=current_account(), name=name or "",
                                         short_name=short_name, aliases=alias_list)
                table = _units_view(session, current_account())
        except DomainError as error:
            return message(error.message), no_update
        return message(f"Đã thêm đơn vị “{unit.name}”.", "success"), table

    @guarded_callback(
        app, Capability.MANAGE_UNITS,
        Output("units-message", "children", allow_duplicate=True),
        Output("units-table", "children", allow_duplicate=True),
        Input("alias-submit", "n_clicks"),
        State("alias-unit", "value"), State("alias-text", "value"),
        prevent_initial_call=True,
    )
    def add_alias(clicks, unit_id, alias):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        if not unit_id:
            return message("Vui lòng chọn đơn vị."), no_update
        try:
            with unit_of_work() as session:
                units.add_alias(session, actor=current_account(), unit_id=int(unit_id),
                                alias=alias or "")
                table = _units_view(session, current_account())
        except DomainError as error:
            return message(error.message), no_update
        return message("Đã lưu tên gọi khác.", "success"), table
