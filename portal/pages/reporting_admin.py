"""The admin's reporting calendar and API tokens."""

from __future__ import annotations

from datetime import timedelta

from dash import html

from portal.context import db
from portal.layouts import reporting
from portal.pages.registry import NavEntry, Page
from workflow import api_tokens, permissions, plans, reporting_calendar
from workflow.clock import today
from workflow.permissions import Capability
from workflow.plans import current_plan

PAGE = Page(path="/quan-tri/bao-cao-api", title="Lịch báo cáo và API",
            capability=Capability.MANAGE_API_TOKENS,
            nav=NavEntry("Lịch báo cáo và API", 10, user_menu=True))


def calendar_form(session, user) -> reporting.CalendarForm:
    """The current plan's calendar as the form shows it."""
    plan = current_plan(session, actor=user)
    cal = reporting_calendar.calendar_of(plan)
    label = f"Kế hoạch {plan.number} năm {plan.year}" if plan else "chưa có kế hoạch"
    return reporting.CalendarForm(plan.id if plan else None, label, cal.unit_day, cal.office_day,
                                  cal.quarter_day,
                                  f"{cal.year_end_day:02d}/{cal.year_end_month:02d}")


def layout(user, **_params) -> html.Div:
    """The calendar form and the token list with the form to issue one."""
    permissions.require(user, Capability.MANAGE_API_TOKENS)
    session = db()
    return reporting.admin_page(calendar=calendar_form(session, user),
                                plans=[(p.id, f"{p.year} · {p.number} — {p.title[:80]}",
                                        p.is_pinned)
                                       for p in plans.ward_plans(session, actor=user)],
                                tokens=api_tokens.token_lines(session, actor=user),
                                default_expiry=today() + timedelta(days=365))
