"""Warning lists: preview as of a date, publish, past lists."""

from __future__ import annotations

from datetime import date

from dash import html

from portal.context import db
from portal.layouts import warning_lists
from portal.pages.registry import NavEntry, Page
from workflow import permissions
from workflow import warning_lists as warning_list_service
from workflow.clock import today
from workflow.errors import NotFound
from workflow.permissions import Capability

PAGE = Page(path="/canh-bao", title="Danh sách cảnh báo", capability=Capability.VIEW_WARNINGS,
            nav=NavEntry("Cảnh báo", 50))


def layout(user, **params) -> html.Div:
    """The preview form and the published lists. The chosen day and period live in the
    address (``?ngay=2026-02-01&ky=quarter``), so redrawing the page keeps them; after
    publishing, ``cong-bo`` names the list just published, shown first."""
    try:
        as_of = date.fromisoformat(params.get("ngay") or "")
    except ValueError:
        as_of = today()
    period = params.get("ky") if params.get("ky") in ("month", "quarter") else "month"
    just_published = None
    if str(params.get("cong-bo") or "").isdigit():
        try:
            just_published = warning_list_service.get_published(
                db(), actor=user, list_id=int(params["cong-bo"]))
        except NotFound:
            just_published = None
    return warning_lists.warnings_page(
        as_of=as_of, period=period,
        can_publish=permissions.has(user, Capability.PUBLISH_WARNINGS),
        lists=warning_list_service.published_lists(db(), actor=user),
        can_export=permissions.has(user, Capability.EXPORT), just_published=just_published)
