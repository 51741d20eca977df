"""Task list with filters taken from the address."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import tasks
from portal.pages.registry import NavEntry, Page
from workflow import permissions, plans, scope, units
from workflow.permissions import Capability
from workflow.tasks import sections_of_visible

PAGE = Page(path="/nhiem-vu", title="Danh sách nhiệm vụ", capability=Capability.VIEW_TASKS,
            nav=NavEntry("Nhiệm vụ", 20))


def int_param(params: dict, name: str) -> int | None:
    """A numeric query parameter, or None when absent or not a number."""
    value = params.get(name)
    return int(value) if isinstance(value, str) and value.isdigit() else None


def layout(user, **params) -> html.Div:
    """The task list; ``trang-thai``, ``qua-han``, ``don-vi``, ``nhom`` preset the filters,
    ``phuong`` narrows a province account to one ward."""
    session = db()
    ward_id = int_param(params, "phuong")
    user = scope.focus(session, user, ward_id)  # a province drill-down: that ward only
    listed, current = plans.plans_and_current(session, actor=user)
    return tasks.task_list_page(
        ward_id=ward_id,
        plans=[(p.id, f"{p.year} · {p.number}") for p in listed],
        initial_plan=current.id if current else None,
        units=units.unit_choices(session, actor=user),
        sections=[(s.id, f"{s.code}. {s.title}") for s in sections_of_visible(session, actor=user)],
        show_unit_filter=permissions.has(user, Capability.VIEW_ALL_TASKS),
        initial_status=params.get("trang-thai"),
        initial_overdue=bool(params.get("qua-han")),
        initial_unit=int_param(params, "don-vi"),
        initial_section=int_param(params, "nhom"),
    )
