"""The province admin's ward management: create wards and their first admins."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import province
from portal.pages.registry import NavEntry, Page
from workflow import wards
from workflow.permissions import Capability

PAGE = Page(path="/tinh/phuong-xa", title="Quản lý phường/xã",
            capability=Capability.MANAGE_WARDS, nav=NavEntry("Phường/xã", 7))


def layout(user, **_params) -> html.Div:
    """Wards with the forms to create one and its first admin."""
    return province.wards_admin_page(wards=wards.ward_lines(db(), actor=user))
