"""The audit log: who did what, when."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import audit
from portal.pages.registry import NavEntry, Page
from workflow import accounts, permissions
from workflow.audit_search import ACTION_LABELS
from workflow.permissions import Capability

PAGE = Page(path="/nhat-ky", title="Nhật ký hoạt động", capability=Capability.VIEW_AUDIT,
            nav=NavEntry("Nhật ký", 60))


def layout(user, **_params) -> html.Div:
    """The log with its filters (the rows come from the filter callback)."""
    permissions.require(user, Capability.VIEW_AUDIT)
    return audit.audit_page(
        actions=sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        actors=[(u.id, u.full_name) for u in accounts.all_people(db(), actor=user)],
    )
