"""The trust store: CA certificates that evidence signatures are checked against."""

from __future__ import annotations

from dash import html

from portal.context import db, services
from portal.layouts import trust
from portal.pages.registry import NavEntry, Page
from workflow import trust_store
from workflow.permissions import Capability

PAGE = Page(path="/quan-tri/chung-thu-tin-cay", title="Chứng thư số tin cậy",
            capability=Capability.MANAGE_TRUST_STORE,
            nav=NavEntry("Chứng thư số tin cậy", 20, user_menu=True))


def layout(user, **_params) -> html.Div:
    """The trusted CAs with the form to add one."""
    return trust.trust_page(trust_store.list_cas(
        db(), actor=user, folder=services().settings.evidence_trust_dir))
