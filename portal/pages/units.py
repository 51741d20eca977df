"""Unit administration."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import admin
from portal.pages.registry import NavEntry, Page
from workflow import permissions, units
from workflow.permissions import Capability

PAGE = Page(path="/quan-tri/don-vi", title="Quản lý đơn vị", capability=Capability.MANAGE_UNITS,
            nav=NavEntry("Đơn vị", 80))


def layout(user, **_params) -> html.Div:
    """Units with their aliases and the forms to add them."""
    permissions.require(user, Capability.MANAGE_UNITS)
    return admin.units_page(units=admin.unit_lines(units.list_units(db(), actor=user)))
