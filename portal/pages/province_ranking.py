"""Wards ranked for commendation and criticism (province roles)."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import province
from portal.pages.registry import NavEntry, Page
from workflow import wards
from workflow.clock import today
from workflow.permissions import Capability

PAGE = Page(path="/tinh/xep-hang", title="Xếp hạng phường/xã",
            capability=Capability.VIEW_PROVINCE, nav=NavEntry("Xếp hạng phường/xã", 6))


def layout(user, **_params) -> html.Div:
    """The ranking, best first."""
    as_of = today()
    return province.ranking_page(lines=wards.ward_figures(db(), actor=user, as_of=as_of),
                                 as_of=as_of.strftime("%d/%m/%Y"))
