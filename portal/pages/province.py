"""The province dashboard: every ward's figures side by side (province roles)."""

from __future__ import annotations

from dash import html

from portal.context import db
from portal.layouts import province
from portal.pages.registry import NavEntry, Page
from workflow import wards
from workflow.clock import today
from workflow.permissions import Capability

PAGE = Page(path="/tinh", title="Toàn tỉnh", capability=Capability.VIEW_PROVINCE,
            nav=NavEntry("Toàn tỉnh", 5))
PAGE_SIZE = 50


def _int(value, default: int = 0) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return default


def layout(user, **params) -> html.Div:
    """Wards sorted and filtered by the address's ``sap-xep``, ``giam``, ``tim``, ``trang``."""
    session = db()
    sort = params.get("sap-xep") if params.get("sap-xep") in wards.SORT_KEYS else "rank"
    descending = bool(_int(params.get("giam")))
    search = str(params.get("tim") or "")[:100]
    page_no = max(_int(params.get("trang"), 1), 1)
    as_of = today()
    page = wards.province_page(session, actor=user, as_of=as_of, search=search, sort=sort,
                               descending=descending, offset=(page_no - 1) * PAGE_SIZE,
                               limit=PAGE_SIZE)
    return province.province_page(rows=page.rows, ranks=page.ranks, totals=page.totals,
                                  total=page.total, offset=(page_no - 1) * PAGE_SIZE,
                                  limit=PAGE_SIZE, sort=sort, descending=descending,
                                  search=search, as_of=as_of.strftime("%d/%m/%Y"))
