"""One task: details, history, progress form and claim panel."""

from __future__ import annotations

from dash import html

from portal.context import db, services
from portal.layouts import errors, task_actions, tasks
from portal.pages.registry import Page
from workflow import claims
from workflow.errors import NotFound
from workflow.permissions import Capability
from workflow.tasks import get_for_user
from workflow.timeline import task_timeline

PAGE = Page(path="/nhiem-vu/<task_id>", title="Chi tiết nhiệm vụ",
            capability=Capability.VIEW_TASKS)


def layout(user, *, task_id: int, **_params) -> html.Div:
    """The task page, or "not found" for a task the user may not see."""
    session = db()
    try:
        detail = get_for_user(session, actor=user, task_id=task_id)
    except NotFound:
        return errors.not_found()
    panel = None
    if detail.can_claim:
        panel = task_actions.claim_panel(
            detail.task.id, max_mb=services().settings.max_upload_mb,
            pending=claims.pending_claim(session, actor=user,
                                         task_id=detail.task.id) is not None)
    return tasks.task_detail_page(
        detail,
        claim_panel=panel,
        history=task_timeline(session, actor=user, task_id=detail.task.id),
        rejection_reason=claims.latest_rejection_reason(session, actor=user,
                                                        task_id=detail.task.id),
    )
