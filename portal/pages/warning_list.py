"""One published warning list."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import errors, warning_lists
from portal.pages.registry import Page
from workflow import permissions
from workflow import warning_lists as warning_list_service
from workflow.errors import NotFound
from workflow.permissions import Capability

PAGE = Page(path="/canh-bao/<list_id>", title="Danh sách cảnh báo đã công bố",
            capability=Capability.VIEW_WARNINGS)


def layout(user, *, list_id: int, **_params) -> html.Div:
    """The frozen list (units see their own rows)."""
    try:
        published, rows = warning_list_service.get_published(db(), actor=user, list_id=list_id)
    except NotFound:
        return errors.not_found()
    return warning_lists.published_page(published, rows, permissions.has(user, Capability.EXPORT))
