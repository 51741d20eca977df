"""Account administration."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import admin
from portal.pages.registry import NavEntry, Page
from workflow import accounts, units
from workflow.permissions import ROLE_LABELS, Capability
from workflow.scope import PROVINCE_ROLES

PAGE = Page(path="/quan-tri/tai-khoan", title="Quản lý tài khoản",
            capability=Capability.MANAGE_USERS, nav=NavEntry("Tài khoản", 70))


def layout(user, **_params) -> html.Div:
    """Accounts with the forms to create, reset and lock them."""
    session = db()
    return admin.users_page(
        users=admin.user_lines(accounts.list_users(session, actor=user)),
        roles=[(role.value, label) for role, label in ROLE_LABELS.items()
               if role not in PROVINCE_ROLES],
        units=[(u.id, u.name) for u in units.list_units(session, actor=user, active_only=True)],
    )


