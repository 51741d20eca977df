"""The frame around every page: navigation bar, page container, footer."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.actions import flash_area


@dataclass(frozen=True)
class NavItem:
    """A link in the navigation bar."""

    label: str
    href: str


@dataclass(frozen=True)
class ShellInfo:
    """What the frame shows about the signed-in user."""

    full_name: str
    role_label: str
    unit_name: str | None
    nav: tuple[NavItem, ...]
    unread: int = 0
    # Less frequent pages, listed in the user menu so the bar stays on one line.
    menu: tuple[NavItem, ...] = ()


def shell(info: ShellInfo | None, footer: str = "") -> html.Div:
    """The application frame. With no user (Dash validating the layout) it shows no data."""
    nav_links = [dbc.NavItem(dbc.NavLink(item.label, href=item.href, active="exact"))
                 for item in (info.nav if info else ())]
    user_menu = None
    if info:
        who = info.full_name
        bell = dbc.NavItem(dbc.NavLink(
            ["Thông báo ", dbc.Badge(str(info.unread) if info.unread else "", color="warning",
                                     text_color="dark", pill=True, id="notif-badge")],
            href="/thong-bao", id="notif-link"))
        user_menu = dbc.DropdownMenu(
            [dbc.DropdownMenuItem(info.role_label, header=True),
             *([dbc.DropdownMenuItem(info.unit_name, header=True)] if info.unit_name else []),
             dbc.DropdownMenuItem(divider=True),
             *[dbc.DropdownMenuItem(item.label, href=item.href) for item in info.menu],
             *([dbc.DropdownMenuItem(divider=True)] if info.menu else []),
             # A POST form: a plain link could be triggered from another site.
             html.Form(html.Button("Đăng xuất", type="submit", className="dropdown-item",
                                   id="logout-link"),
                       action="/logout", method="POST", className="m-0")],
            label=who, nav=True, align_end=True, toggle_class_name="text-white",
            id="user-menu",
        )
    navbar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Cổng minh chứng CĐS", href="/"),
                dbc.NavbarToggler(id="navbar-toggler"),
                dbc.Collapse(
                    [dbc.Nav(nav_links, navbar=True, className="me-auto"),
                     dbc.Nav([bell, user_menu] if user_menu else [], navbar=True)],
                    id="navbar-collapse", navbar=True, is_open=False,
                ),
            ],
            fluid=True,
        ),
        dark=True,
        className="portal-navbar shadow-sm",
        expand="xl",
    )
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="page-refresh", data=0),
            dcc.Interval(id="notif-poll", interval=60_000),
            navbar,
            flash_area(),
            dbc.Container(html.Div(id="page-content"), fluid="lg", className="pb-4"),
            html.Div(footer, className="footer-note"),
        ]
    )
