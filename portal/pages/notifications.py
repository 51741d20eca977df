"""The user's notifications."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import notifications
from portal.pages.registry import Page
from workflow import notifications as notification_service
from workflow.permissions import Capability

PAGE = Page(path="/thong-bao", title="Thông báo", capability=Capability.VIEW_TASKS)


def layout(user, **_params) -> html.Div:
    """The newest notifications, with "mark all read"."""
    return notifications.notifications_page(notification_service.latest(db(), actor=user))
