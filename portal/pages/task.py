"""One task: details, history, progress form and claim panel."""

from __future__ import annotations

from dash import html

from portal.context import db, services
from portal.layouts import errors, head, task_actions, tasks
from portal.pages.registry import Page
from workflow import claim_chain, claims, head_confirmation, kpi_targets
from workflow.errors import NotFound
from workflow.permissions import Capability
from workflow.tasks import get_for_user
from workflow.timeline import task_timeline

PAGE = Page(path="/nhiem-vu/<task_id>", title="Chi tiết nhiệm vụ",
            capability=Capability.VIEW_TASKS)
AWAITING_HEAD = ("Đơn vị đã gửi đề nghị, đang chờ thủ trưởng đơn vị xác nhận trước khi chuyển "
                 "Văn phòng Đảng ủy thẩm định.")


def layout(user, *, task_id: int, **_params) -> html.Div:
    """The task page, or "not found" for a task the user may not see."""
    session = db()
    try:
        detail = get_for_user(session, actor=user, task_id=task_id)
    except NotFound:
        return errors.not_found()
    state = head_confirmation.unit_claim_state(session, actor=user, task_id=detail.task.id)
    chain = (claim_chain.chain(session, actor=user, claim_id=state.latest_claim_id)
             if state.latest_claim_id else [])
    panel = None
    if detail.can_claim:
        panel = task_actions.claim_panel(
            detail.task.id, max_mb=services().settings.max_upload_mb,
            pending=claims.pending_claim(session, actor=user,
                                         task_id=detail.task.id) is not None,
            pending_text=AWAITING_HEAD if state.awaiting_head else None)
    extras = [head.returned_banner(state.return_reason), head.chain_card(chain)]
    if panel is not None:
        panel = html.Div([*extras, panel])
    page = tasks.task_detail_page(
        detail,
        claim_panel=panel,
        history=task_timeline(session, actor=user, task_id=detail.task.id),
        rejection_reason=claims.latest_rejection_reason(session, actor=user,
                                                        task_id=detail.task.id),
        kpi_progress=kpi_targets.task_kpi_progress(session, actor=user, task_id=detail.task.id),
    )
    if panel is None and chain:
        page.children.append(head.chain_card(chain))
    return page
