"""Warning lists: preview as of a date, publish, past lists."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import warning_lists
from portal.layouts.jobs import jobs_panel
from portal.pages.registry import NavEntry, Page
from workflow import jobs, permissions
from workflow import warning_lists as warning_list_service
from workflow.clock import today
from workflow.permissions import Capability

PAGE = Page(path="/canh-bao", title="Danh sách cảnh báo", capability=Capability.VIEW_WARNINGS,
            nav=NavEntry("Cảnh báo", 50))


def layout(user, **_params) -> html.Div:
    """The preview form and the published lists."""
    can_publish = permissions.has(user, Capability.PUBLISH_WARNINGS)
    kinds = ["publish_warnings"]
    panel = (jobs_panel(jobs.job_lines(db(), actor=user, kinds=tuple(kinds), limit=5), kinds,
                        "Công bố danh sách (công việc nền)") if can_publish else None)
    return warning_lists.warnings_page(
        as_of=today(), can_publish=can_publish,
        lists=warning_list_service.published_lists(db(), actor=user),
        can_export=permissions.has(user, Capability.EXPORT), jobs=panel)
