"""The province admin's public-holiday calendar: one for every ward (review deadlines skip it)."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import holidays as layout_module
from portal.pages.registry import NavEntry, Page
from workflow import holidays
from workflow.permissions import Capability

PAGE = Page(path="/tinh/ngay-nghi", title="Lịch ngày nghỉ lễ, Tết",
            capability=Capability.MANAGE_HOLIDAYS,
            nav=NavEntry("Lịch ngày nghỉ lễ", 8, user_menu=True))


def layout(user, **params) -> html.Div:
    """The calendar with its form; ``da-them`` reports that it was just changed."""
    done = "Đã cập nhật lịch ngày nghỉ." if params.get("da-them") else None
    return layout_module.holidays_page(None, holidays.list_holidays(db(), actor=user), done=done)
