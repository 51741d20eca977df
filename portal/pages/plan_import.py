"""Importing a plan appendix."""

from __future__ import annotations

from dash import html

from portal.layouts import plan_import
from portal.pages.registry import NavEntry, Page
from workflow import permissions
from workflow.clock import today
from workflow.permissions import Capability

PAGE = Page(path="/quan-tri/nhap-ke-hoach", title="Nhập kế hoạch",
            capability=Capability.IMPORT_PLAN, nav=NavEntry("Nhập kế hoạch", 90))


def layout(user, **_params) -> html.Div:
    """The upload form."""
    permissions.require(user, Capability.IMPORT_PLAN)
    return plan_import.import_page(default_year=today().year)
