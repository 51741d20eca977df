"""The unit head's page: the unit's claims and monthly reports waiting for confirmation."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import head
from portal.pages.registry import NavEntry, Page
from workflow import head_confirmation
from workflow.permissions import Capability

PAGE = Page(path="/xac-nhan", title="Chờ thủ trưởng xác nhận",
            capability=Capability.CONFIRM_FOR_UNIT, nav=NavEntry("Xác nhận", 35))


DONE = {"da-xac-nhan": "Đã xác nhận; đề nghị đã chuyển Văn phòng Đảng ủy thẩm định.",
        "da-tra-lai": "Đã trả lại đề nghị cho cán bộ kèm lý do.",
        "da-xac-nhan-bao-cao": "Đã xác nhận báo cáo tiến độ."}


def layout(user, **params) -> html.Div:
    """Claims, then reports, oldest first; ``da-…`` reports what was just done."""
    session = db()
    done = next((text for key, text in DONE.items() if params.get(key)), None)
    return head.waiting_page(head_confirmation.waiting(session, actor=user),
                             head_confirmation.reports_waiting(session, actor=user),
                             user.unit.name if user.unit else "", done=done)
