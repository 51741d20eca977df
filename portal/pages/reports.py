"""Periodic Word reports (báo cáo định kỳ): the kept versions and the form to write one."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import reporting
from portal.layouts.jobs import jobs_panel
from portal.pages.registry import NavEntry, Page
from workflow import jobs, periodic_reports, permissions, reporting_calendar
from workflow.clock import today
from workflow.permissions import Capability
from workflow.plans import current_plan

PAGE = Page(path="/bao-cao-dinh-ky", title="Báo cáo định kỳ", capability=Capability.EXPORT,
            nav=NavEntry("Báo cáo", 100))


def layout(user, **_params) -> html.Div:
    """The report list, the reporting calendar in words and (office) the generate form."""
    session = db()
    cal = reporting_calendar.calendar_of(current_plan(session, actor=user))
    kinds = ["province_xlsx", "evidence_zip", "periodic_report"]
    return reporting.reports_page(
        lines=periodic_reports.report_lines(session, actor=user),
        can_generate=permissions.has(user, Capability.WRITE_REPORTS), as_of=today(),
        calendar_text=reporting_calendar.describe(cal),
        jobs=jobs_panel(jobs.job_lines(session, actor=user, kinds=tuple(kinds)), kinds))
