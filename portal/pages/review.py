"""The review queue: pending claims, longest waiting first."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import review
from portal.layouts.common import page_param
from portal.layouts.holidays import review_limit_form
from portal.pages.registry import NavEntry, Page
from portal.pages.tasks import int_param
from workflow import reviews
from workflow.permissions import Capability
from workflow.plans import current_plan

PAGE = Page(path="/tham-dinh", title="Chờ thẩm định", capability=Capability.REVIEW,
            nav=NavEntry("Thẩm định", 40))


def layout(user, **params) -> html.Div:
    """The queue; ``don-vi``, ``nhom``, ``cho-tu`` filter it, ``da-duyet`` reports a bulk
    approval."""
    session = db()
    unit_id, section_id = int_param(params, "don-vi"), int_param(params, "nhom")
    min_age = int_param(params, "cho-tu")
    page = page_param(params)
    found = reviews.queue_page(session, actor=user, unit_id=unit_id, section_id=section_id,
                               min_age_days=min_age, offset=(page - 1) * reviews.QUEUE_PAGE_SIZE,
                               limit=reviews.QUEUE_PAGE_SIZE)
    choices = reviews.queue_filters(session, actor=user)
    return review.queue_page(
        found.items, total=found.total, page=page,
        units=choices[0], sections=choices[1],
        unit_id=unit_id, section_id=section_id, min_age=min_age,
        approved=int_param(params, "da-duyet") or 0,
        review_limit=_review_limit(session, user, saved=bool(params.get("da-luu-han"))))


def _review_limit(session, user, *, saved: bool):
    plan = current_plan(session, actor=user)
    return review_limit_form(plan.id if plan else None,
                             plan.review_working_days if plan else 5, saved)
