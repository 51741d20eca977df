"""Progress report form on the task page."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from portal.actions import answered, busy, flash_output, refused
from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts.task_actions import PROGRESS_LABEL, draft_cleared
from portal.refresh import refresh_output, refresh_token
from workflow import progress
from workflow.errors import DomainError
from workflow.permissions import Capability


def register(app: Dash) -> None:
    """Registers the progress form callback."""

    @guarded_callback(
        app, Capability.REPORT_PROGRESS,
        flash_output(),
        refresh_output(),
        Output("progress-message", "children"),
        Input("progress-submit", "n_clicks"),
        State("progress-task", "data"), State("progress-period", "value"),
        State("progress-percent", "value"), State("progress-narrative", "value"),
        State("progress-difficulties", "value"), State("progress-proposals", "value"),
        State("progress-kpi-value", "value"), State("progress-kpi-numerator", "value"),
        State("progress-kpi-denominator", "value"), State("progress-override-reason", "value"),
        State("progress-token", "data"),
        running=busy("progress-submit", PROGRESS_LABEL, "Đang gửi…"),
        prevent_initial_call=True,
    )
    def submit(clicks, task_id, period, percent, narrative, difficulties, proposals,
               kpi_value=None, numerator=None, denominator=None, override_reason=None,
               token=None):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        try:
            with unit_of_work() as session:
                report = progress.report_progress(
                    session, actor=current_account(), task_id=int(task_id), percent=percent,
                    narrative=narrative or "", difficulties=difficulties or "",
                    proposals=proposals or "", period_kind=period or "month",
                    kpi_value=kpi_value, kpi_numerator=numerator, kpi_denominator=denominator,
                    override_reason=override_reason, request_token=token)
                label = report.period_label
        except DomainError as error:
            return refused(error.message), no_update, no_update
        return (answered(f"Đã gửi báo cáo tiến độ {label[:1].lower()}{label[1:]}."),
                refresh_token(), draft_cleared(f"progress-{task_id}"))
