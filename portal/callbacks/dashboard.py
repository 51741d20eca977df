"""Dashboard: filters → aggregated figures → charts; chart clicks open the tasks behind them."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Dash, Input, Output, ctx, no_update

from portal.context import current_account, db
from portal.guard import guarded_callback
from portal.inputs import optional_id
from portal.layouts.common import page_count
from portal.layouts.dashboard import RANKING_PAGE_SIZE, dashboard_body, ranking_table
from workflow import permissions
from workflow.clock import today
from workflow.dashboard import dashboard
from workflow.permissions import Capability
from workflow.ranking import rank_units

CHARTS = ("chart-status", "chart-units", "chart-sections", "chart-warnings")


def click_target(chart: str, point: dict) -> str | None:
    """The task list address for a clicked chart element."""
    data = point.get("customdata")
    if chart == "chart-status" and data:
        return "?" + urlencode({"trang-thai": data if isinstance(data, str) else data[0]})
    if not isinstance(data, list) or len(data) < 3:
        return None
    kind, key, status = data[:3]
    params = {}
    if kind in ("unit", "warning") and key:
        params["don-vi"] = key
    if kind == "section":
        params["nhom"] = key
    if status:
        params["trang-thai"] = status
    if kind == "warning":
        params["qua-han"] = 1
    return "?" + urlencode(params)


def register(app: Dash) -> None:
    """Registers the dashboard callbacks."""

    @guarded_callback(app, Capability.VIEW_ALL_TASKS, Output("ranking-rows", "children"),
                      Input("ranking-pager", "active_page"), prevent_initial_call=True)
    def ranking_page(page):
        ranking = rank_units(db(), actor=current_account(), as_of=today())
        pages = page_count(len(ranking), RANKING_PAGE_SIZE)
        return ranking_table(ranking, min(max(int(page or 1), 1), pages))

    @guarded_callback(app, Capability.VIEW_DASHBOARD, Output("dash-body", "children"),
                      Input("dash-section", "value"), Input("dash-unit", "value"),
                      Input("dash-plan", "value"))
    def refresh(section_id, unit_id, plan_id=None):
        user = current_account()
        # A plan of another ward is NotFound in the domain layer (workflow.plans.plan_for).
        plan_id = optional_id(plan_id)
        data = dashboard(db(), actor=user, unit_id=optional_id(unit_id),
                         section_id=optional_id(section_id), plan_id=plan_id)
        ranking = rank_units(db(), actor=user, as_of=today(), plan_id=plan_id) \
            if permissions.has(user, Capability.VIEW_ALL_TASKS) else None
        return dashboard_body(data, ranking=ranking,
                              can_export=permissions.has(user, Capability.EXPORT))

    @guarded_callback(app, Capability.VIEW_DASHBOARD,
                      Output("url", "pathname", allow_duplicate=True),
                      Output("url", "search", allow_duplicate=True),
                      *[Input(chart, "clickData") for chart in CHARTS],
                      prevent_initial_call=True)
    def open_tasks(*clicks):
        chart = ctx.triggered_id
        point = dict(zip(CHARTS, clicks, strict=False)).get(chart) or {}
        points = point.get("points") or []
        target = click_target(chart, points[0]) if points else None
        if target is None:
            return no_update, no_update
        return "/nhiem-vu", target
