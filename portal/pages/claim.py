"""One claim as the reviewer examines it."""

from __future__ import annotations

from dash import html
from sqlalchemy.orm import Session

from portal.context import db
from portal.layouts import errors, review
from portal.pages.registry import Page
from workflow import reviews
from workflow.claim_history import claim_history
from workflow.errors import NotFound
from workflow.permissions import Capability

PAGE = Page(path="/tham-dinh/<claim_id>", title="Thẩm định đề nghị",
            capability=Capability.REVIEW)


def on_open(session: Session, user, *, claim_id: int, **_params) -> None:
    """Records that the reviewer opened the claim: bulk approval relies on it."""
    reviews.mark_opened(session, actor=user, claim_id=claim_id)


def layout(user, *, claim_id: int, **_params) -> html.Div:
    """The claim with its evidence, checks and decision form."""
    try:
        return review.claim_page(
            reviews.claim_view(db(), actor=user, claim_id=claim_id),
            claim_history(db(), actor=user, claim_id=claim_id))
    except NotFound:
        return errors.not_found()
