"""Admin pages: user accounts and units."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from db.models import Role
from portal.layouts.common import page_header
from workflow.clock import format_datetime
from workflow.permissions import ROLE_LABELS


@dataclass(frozen=True)
class UserLine:
    """A user as the admin table shows it."""

    id: int
    username: str
    full_name: str
    role_label: str
    unit_name: str
    is_active: bool
    last_login: object


@dataclass(frozen=True)
class UnitLine:
    """A unit as the admin table shows it."""

    id: int
    name: str
    short_name: str
    aliases: str
    is_active: bool
    members: int


def user_lines(users) -> list[UserLine]:
    """Accounts as the admin table shows them."""
    return [UserLine(u.id, u.username, u.full_name, ROLE_LABELS[Role(u.role)],
                     u.unit.name if u.unit else "", u.is_active, u.last_login_at)
            for u in users]


def unit_lines(unit_list) -> list[UnitLine]:
    """Units as the admin table shows them."""
    return [UnitLine(u.id, u.name, u.short_name or "", "; ".join(a.alias for a in u.aliases),
                     u.is_active, len(u.users))
            for u in unit_list]


def users_table(users: list[UserLine]) -> dbc.Table:
    """All accounts, with a lock/unlock button each."""
    header = html.Thead(html.Tr([html.Th("Tên đăng nhập"), html.Th("Họ và tên"),
                                 html.Th("Vai trò"), html.Th("Đơn vị"), html.Th("Trạng thái"),
                                 html.Th("Đăng nhập gần nhất"), html.Th("")]))
    body = html.Tbody([
        html.Tr([
            html.Td(u.username), html.Td(u.full_name), html.Td(u.role_label),
            html.Td(u.unit_name or "—"),
            html.Td(dbc.Badge("Đang hoạt động", color="success") if u.is_active
                    else dbc.Badge("Đã khóa", color="secondary")),
            html.Td(format_datetime(u.last_login) or "—"),
            html.Td(dbc.Button("Khóa" if u.is_active else "Mở khóa",
                               id={"type": "user-toggle", "index": u.id},
                               color="outline-danger" if u.is_active else "outline-success",
                               size="sm")),
        ])
        for u in users
    ])
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="bg-white mb-0")


def users_page(*, users: list[UserLine], roles: list[tuple[str, str]],
               units: list[tuple[int, str]]) -> html.Div:
    """Create accounts, reset passwords, lock and unlock accounts."""
    unit_options = [{"label": n, "value": i} for i, n in units]
    create = dbc.Card([
        dbc.CardHeader("Tạo tài khoản"),
        dbc.CardBody([
            dbc.Row([
                dbc.Col([dbc.Label("Tên đăng nhập", html_for="new-user-username"),
                         dbc.Input(id="new-user-username", autoComplete="off")], md=6),
                dbc.Col([dbc.Label("Họ và tên", html_for="new-user-fullname"),
                         dbc.Input(id="new-user-fullname")], md=6),
            ], className="g-2 mb-2"),
            dbc.Row([
                dbc.Col([dbc.Label("Vai trò"),
                         dcc.Dropdown(id="new-user-role", clearable=False,
                                      options=[{"label": lbl, "value": v} for v, lbl in roles],
                                      value=roles[0][0] if roles else None)], md=6),
                dbc.Col([dbc.Label("Đơn vị"),
                         dcc.Dropdown(id="new-user-unit", options=unit_options,
                                      placeholder="Chọn đơn vị")], md=6),
            ], className="g-2 mb-2"),
            dbc.Row([
                dbc.Col([dbc.Label("Mật khẩu ban đầu", html_for="new-user-password"),
                         dbc.Input(id="new-user-password", type="password",
                                   autoComplete="new-password")], md=6),
                dbc.Col([dbc.Label("Thư điện tử (không bắt buộc)", html_for="new-user-email"),
                         dbc.Input(id="new-user-email", type="email")], md=6),
            ], className="g-2 mb-3"),
            dbc.Button("Tạo tài khoản", id="new-user-submit", color="primary"),
        ]),
    ], className="shadow-sm mb-3")
    reset = dbc.Card([
        dbc.CardHeader("Đặt lại mật khẩu"),
        dbc.CardBody([
            dbc.Label("Tài khoản"),
            dcc.Dropdown(id="reset-user", className="mb-2", placeholder="Chọn tài khoản",
                         options=[{"label": f"{u.username} — {u.full_name}", "value": u.id}
                                  for u in users]),
            dbc.Label("Mật khẩu mới", html_for="reset-password"),
            dbc.Input(id="reset-password", type="password", autoComplete="new-password",
                      className="mb-3"),
            dbc.Button("Đặt lại mật khẩu", id="reset-submit", color="warning"),
        ]),
    ], className="shadow-sm mb-3")
    return html.Div([
        page_header("Quản lý tài khoản", "Tạo, khóa tài khoản và đặt lại mật khẩu"),
        html.Div(id="users-message"),
        dbc.Row([dbc.Col(create, lg=7), dbc.Col(reset, lg=5)]),
        dbc.Card([dbc.CardHeader("Danh sách tài khoản"),
                  html.Div(users_table(users), id="users-table")], className="shadow-sm"),
    ])


def units_table(units: list[UnitLine]) -> dbc.Table:
    """All units with aliases and member counts."""
    header = html.Thead(html.Tr([html.Th("Tên đơn vị"), html.Th("Tên viết tắt"),
                                 html.Th("Tên gọi khác trong kế hoạch"), html.Th("Số tài khoản"),
                                 html.Th("Trạng thái")]))
    body = html.Tbody([
        html.Tr([html.Td(u.name), html.Td(u.short_name or "—"), html.Td(u.aliases or "—"),
                 html.Td(u.members),
                 html.Td(dbc.Badge("Đang hoạt động", color="success") if u.is_active
                         else dbc.Badge("Ngừng hoạt động", color="secondary"))])
        for u in units
    ])
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="bg-white mb-0")


def units_page(*, units: list[UnitLine]) -> html.Div:
    """Create units and record the other names plans use for them."""
    create = dbc.Card([
        dbc.CardHeader("Thêm đơn vị"),
        dbc.CardBody([
            dbc.Label("Tên đơn vị", html_for="new-unit-name"),
            dbc.Input(id="new-unit-name", className="mb-2"),
            dbc.Label("Tên viết tắt", html_for="new-unit-short"),
            dbc.Input(id="new-unit-short", className="mb-2"),
            dbc.Label("Tên gọi khác (phân cách bằng dấu chấm phẩy)", html_for="new-unit-aliases"),
            dbc.Input(id="new-unit-aliases", className="mb-3",
                      placeholder="Ví dụ: VPĐU; Văn phòng đảng ủy"),
            dbc.Button("Thêm đơn vị", id="new-unit-submit", color="primary"),
        ]),
    ], className="shadow-sm mb-3")
    alias = dbc.Card([
        dbc.CardHeader("Thêm tên gọi khác"),
        dbc.CardBody([
            dbc.Label("Đơn vị"),
            dcc.Dropdown(id="alias-unit", className="mb-2", placeholder="Chọn đơn vị",
                         options=[{"label": u.name, "value": u.id} for u in units]),
            dbc.Label("Tên gọi khác", html_for="alias-text"),
            dbc.Input(id="alias-text", className="mb-3"),
            dbc.Button("Lưu tên gọi", id="alias-submit", color="secondary"),
        ]),
    ], className="shadow-sm mb-3")
    return html.Div([
        page_header("Quản lý đơn vị", "Đơn vị chủ trì, phối hợp và các tên gọi trong kế hoạch"),
        html.Div(id="units-message"),
        dbc.Row([dbc.Col(create, lg=6), dbc.Col(alias, lg=6)]),
        dbc.Card([dbc.CardHeader("Danh sách đơn vị"),
                  html.Div(units_table(units), id="units-table")], className="shadow-sm"),
    ])
