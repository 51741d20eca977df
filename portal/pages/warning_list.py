"""One published warning list."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import errors, warning_lists
from portal.layouts.common import page_param
from portal.pages.registry import Page
from workflow import permissions
from workflow import warning_lists as warning_list_service
from workflow.errors import NotFound
from workflow.permissions import Capability

PAGE = Page(path="/canh-bao/<list_id>", title="Danh sách cảnh báo đã công bố",
            capability=Capability.VIEW_WARNINGS)


def layout(user, *, list_id: int, **params) -> html.Div:
    """A page of the frozen list (units see their own rows)."""
    page = page_param(params)
    try:
        published, rows, total = warning_list_service.get_published_page(
            db(), actor=user, list_id=list_id, offset=(page - 1) * warning_lists.PAGE_SIZE,
            limit=warning_lists.PAGE_SIZE)
    except NotFound:
        return errors.not_found()
    return warning_lists.published_page(published, rows, permissions.has(user, Capability.EXPORT),
                                        total=total, page=page)
