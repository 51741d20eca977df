"""One ward seen from the province: its overview and task list, read-only."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import home, province
from portal.pages.registry import Page
from workflow import overview, plans, scope, wards
from workflow.permissions import Capability
from workflow.tasks import TaskFilter, list_tasks

PAGE = Page(path="/tinh/phuong/<ward_id>", title="Phường/xã",
            capability=Capability.VIEW_WARD_DETAIL)
TASKS_SHOWN = 200


def layout(user, ward_id: int | None = None, **params) -> html.Div:
    """The ward's overview of one plan (``ke-hoach``, default its current plan) and tasks."""
    if ward_id is None:
        return html.Div()
    session = db()
    lens = scope.focus(session, user, ward_id)  # NotFound for an unknown ward
    ward = wards.ward_of(session, lens)
    try:
        wanted = int(params.get("ke-hoach") or 0) or None
    except ValueError:
        wanted = None
    plan = plans.plan_for(session, actor=lens, plan_id=wanted)
    view = overview.home(session, actor=lens, plan_id=plan.id if plan else None)
    office = home.office_home(title="Tổng quan", subtitle="Kế hoạch đang xem",
                              counts=view.counts, summaries=view.summaries,
                              overdue_rows=view.overdue_rows,
                              ward_query=f"phuong={ward.id}",
                              units_total=view.units_total) if plan else None
    page = list_tasks(session, actor=lens, filters=TaskFilter(plan_id=plan.id),
                      limit=TASKS_SHOWN) if plan else None
    return province.ward_drilldown(
        ward_name=ward.name, committee=ward.committee_name,
        plan_title=f"{plan.number} ({plan.year})" if plan else None,
        plans=[(p.id, f"{p.year} · {p.number}") for p in plans.ward_plans(session, actor=lens)],
        plan_id=plan.id if plan else None, ward_id=ward.id, overview=office,
        task_rows=page.rows if page else [], task_total=page.total if page else 0)
