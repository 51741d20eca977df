"""Home page: the office's overview, or the unit's own tasks and warnings."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import home
from portal.layouts import warning_lists as warning_layouts
from portal.pages.registry import NavEntry, Page
from workflow import overview, scope
from workflow.permissions import Capability

PAGE = Page(path="/", title="Trang chủ", capability=Capability.VIEW_TASKS,
            nav=NavEntry("Trang chủ", 10))


def layout(user, **_params) -> html.Div:
    """The home page the user's role gets (decided in workflow.overview.home); the province
    roles get the province dashboard."""
    if scope.is_province(user):
        from portal.pages import province

        return province.layout(user, **_params)
    view = overview.home(db(), actor=user)
    if isinstance(view, overview.OfficeHome):
        return home.office_home(title=view.title, subtitle=view.subtitle, counts=view.counts,
                                summaries=view.summaries, overdue_rows=view.overdue_rows,
                                units_total=view.units_total)
    return home.unit_home(unit_name=view.unit_name, counts=view.counts, rows=view.rows,
                          warnings=warning_layouts.unit_warnings_card(view.warning_list,
                                                                      view.warning_rows))
