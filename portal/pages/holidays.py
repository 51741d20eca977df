"""The ward admin's review time limit and head-confirmation settings, with the (national,
province-kept) holiday calendar they count against, read-only here."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import holidays as layout_module
from portal.pages.registry import NavEntry, Page
from workflow import holidays, permissions, review_deadlines
from workflow.permissions import Capability
from workflow.plans import current_plan

PAGE = Page(path="/quan-tri/ngay-nghi", title="Ngày nghỉ lễ và thời hạn thẩm định",
            capability=Capability.MANAGE_CALENDAR,
            nav=NavEntry("Ngày nghỉ lễ, thời hạn thẩm định", 15, user_menu=True))
DONE = {"da-luu": "Đã lưu cài đặt.", "da-them": "Đã cập nhật lịch ngày nghỉ."}


def layout(user, **params) -> html.Div:
    """Settings of the current plan and the calendar; ``da-…`` reports what was just done."""
    session = db()
    plan = current_plan(session, actor=user)
    settings = layout_module.PlanSettings(
        plan.id if plan else None,
        f"Kế hoạch {plan.number} năm {plan.year}" if plan else "chưa có kế hoạch",
        bool(plan and plan.require_head_confirmation),
        bool(plan and plan.require_head_report_confirmation),
        plan.review_working_days if plan else 5,
        tuple(review_deadlines.reviewer_choices(session, actor=user)))
    done = next((text for key, text in DONE.items() if params.get(key)), None)
    return layout_module.holidays_page(
        settings, holidays.list_holidays(session, actor=user), done=done,
        can_edit=permissions.has(user, Capability.MANAGE_HOLIDAYS))
