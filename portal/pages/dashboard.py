"""Charts over the plan (the figures come from the dashboard callback)."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import dashboard
from portal.pages.registry import NavEntry, Page
from workflow import permissions, plans, units
from workflow.permissions import Capability
from workflow.tasks import sections_of_visible

PAGE = Page(path="/tong-quan", title="Biểu đồ tổng quan", capability=Capability.VIEW_DASHBOARD,
            nav=NavEntry("Biểu đồ", 30))


def layout(user, **_params) -> html.Div:
    """The dashboard frame with its filters."""
    session = db()
    office = permissions.has(user, Capability.VIEW_ALL_TASKS)
    current = plans.plan_for(session, actor=user, plan_id=None)
    return dashboard.dashboard_page(
        plans=[(p.id, f"{p.year} · {p.number}") for p in plans.ward_plans(session, actor=user)],
        initial_plan=current.id if current else None,
        units=[(u.id, u.name) for u in units.list_units(session, actor=user)],
        sections=[(s.id, f"{s.code}. {s.title}") for s in sections_of_visible(session, actor=user)],
        show_unit_filter=office,
        title="Biểu đồ tổng quan" if office else "Biểu đồ nhiệm vụ của đơn vị",
        can_export=permissions.has(user, Capability.EXPORT))
