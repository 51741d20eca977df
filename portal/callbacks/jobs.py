"""The background jobs section (portal/layouts/jobs.py): ask for a job, poll its progress.
Each callback calls one domain function; the domain re-checks who may ask for which kind."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from flask import request

from portal.context import current_account, db, services, unit_of_work
from portal.guard import guarded_callback
from portal.layouts import jobs as layouts
from portal.layouts.common import message
from portal.refresh import refresh_output, refresh_token
from workflow import jobs
from workflow.clock import today
from workflow.errors import DomainError
from workflow.labels import JOB_KIND_LABELS
from workflow.permissions import Capability


def ask(kind: str, params: dict):
    """Records the job for the signed-in user; returns (alert, a new jobs-refresh value)."""
    try:
        with unit_of_work() as session:
            job = jobs.request_job(session, actor=current_account(), kind=kind, params=params,
                                   enqueue=services().queue.enqueue)
            job_id = job.id
    except DomainError as error:
        return message(error.message), no_update
    return message(f"Đã nhận yêu cầu “{JOB_KIND_LABELS[kind]}” (số {job_id}). Theo dõi tiến "
                   "độ ở mục Công việc nền; có thể rời trang, công việc vẫn tiếp tục.", "info"), \
        refresh_token()


def register(app: Dash) -> None:
    """Registers the callbacks."""

    @guarded_callback(app, Capability.EXPORT,
                      Output("jobs-list", "children"), Output("jobs-poll", "disabled"),
                      Output("jobs-watch", "data"), refresh_output(),
                      Input("jobs-poll", "n_intervals"), Input("jobs-refresh", "data"),
                      State("jobs-kinds", "data"), State("jobs-watch", "data"),
                      prevent_initial_call=True)
    def poll(_ticks, _refresh, kinds, watched):
        """The list again; when a job the page was waiting for has finished, the page is
        redrawn too (a new report version, a newly published list)."""
        kinds = tuple(k for k in (kinds or []) if k in jobs.KIND_CAPABILITY) or None
        lines = jobs.job_lines(db(), actor=current_account(), kinds=kinds)
        active = [line.id for line in lines if line.state in jobs.ACTIVE]
        finished = set(watched or []) - set(active)
        return (layouts.job_list(lines), not active, active,
                refresh_token() if finished else no_update)

    @guarded_callback(app, Capability.EXPORT,
                      Output("province-message", "children"),
                      Output("jobs-refresh", "data", allow_duplicate=True),
                      Input("job-province-xlsx", "n_clicks"),
                      prevent_initial_call=True)
    def ask_province_xlsx(clicks):
        if not clicks:
            raise PreventUpdate
        return ask("province_xlsx", {"as_of": today().isoformat(),
                                     "base_url": request.host_url.rstrip("/")})

    @guarded_callback(app, Capability.EXPORT,
                      Output("province-message", "children", allow_duplicate=True),
                      Output("jobs-refresh", "data", allow_duplicate=True),
                      Input("job-evidence-zip", "n_clicks"),
                      prevent_initial_call=True)
    def ask_evidence_zip(clicks):
        if not clicks:
            raise PreventUpdate
        return ask("evidence_zip", {"as_of": today().isoformat()})
