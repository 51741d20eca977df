"""Task list: filters and pager → one domain query → table."""

from __future__ import annotations

from datetime import date
from math import ceil

from dash import Dash, Input, Output, State, ctx

from portal.context import current_account, db
from portal.guard import guarded_callback
from portal.inputs import optional_id
from portal.layouts.tasks import PAGE_SIZE, status_value, task_summary, task_table
from workflow import scope
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.tasks import TaskFilter, list_tasks


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def register(app: Dash) -> None:
    """Registers the task list callback."""

    @guarded_callback(
        app, Capability.VIEW_TASKS,
        Output("tasks-table", "children"), Output("tasks-summary", "children"),
        Output("tasks-pager", "max_value"), Output("tasks-pager", "active_page"),
        Input("tasks-search", "value"), Input("tasks-unit", "value"),
        Input("tasks-section", "value"), Input("tasks-status", "value"),
        Input("tasks-deadline", "start_date"), Input("tasks-deadline", "end_date"),
        Input("tasks-overdue", "value"), Input("tasks-pager", "active_page"),
        Input("tasks-plan", "value"), State("tasks-ward", "data"),
    )
    def refresh(search, unit_id, section_id, status, start, end, overdue, page, plan_id=None,
                ward_id=None):
        # A province drill-down names its ward; scope.focus refuses a ward out of reach.
        user = scope.focus(db(), current_account(), optional_id(ward_id))
        # The plan id comes from the browser: list_tasks keeps to the user's ward anyway.
        try:
            plan_id = int(plan_id) if plan_id else None
        except (TypeError, ValueError):
            plan_id = None
        plan = plan_for(db(), actor=user, plan_id=None) if not plan_id else None
        if ctx.triggered_id != "tasks-pager":
            page = 1
        page = max(int(page or 1), 1)
        filters = TaskFilter(
            unit_id=unit_id, section_id=section_id, status=status_value(status),
            overdue_only=bool(overdue), deadline_from=_date(start), deadline_to=_date(end),
            search=search or "", plan_id=plan_id or (plan.id if plan else None),
        )
        result = list_tasks(db(), actor=user, filters=filters, offset=(page - 1) * PAGE_SIZE,
                            limit=PAGE_SIZE)
        pages = max(ceil(result.total / PAGE_SIZE), 1)
        return (task_table(result.rows),
                task_summary(result.total, page, pages), pages, page)
