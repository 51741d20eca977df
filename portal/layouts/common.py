"""Small shared building blocks: badges, cards, page headers, alerts."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from portal.layouts.wire import element
from workflow.labels import STATUS_LABELS
from workflow.status import (
    LATE_LABEL,
    OVERDUE_LABEL,
    STATUS_COLOURS,
    TaskStatus,
)


def _badges(status: TaskStatus | str, overdue: bool, late: bool) -> list[tuple[str, dict]]:
    status = TaskStatus(status)
    if late:
        parts = [(LATE_LABEL, {"color": "warning", "text_color": "dark", "className": "me-1"})]
    else:
        parts = [(STATUS_LABELS[status], {"color": STATUS_COLOURS[status],
                                          "className": "me-1"})]
    if overdue:
        parts.append((OVERDUE_LABEL, {"color": "danger", "className": "overdue-flag"}))
    return parts


def status_badge(status: TaskStatus | str, overdue: bool = False, late: bool = False) -> html.Span:
    """The status as a coloured badge (orange when done late), with a red "Quá hạn" flag
    beside it when overdue."""
    return html.Span([dbc.Badge(text, **props) for text, props in _badges(status, overdue, late)])


def status_badge_element(status: TaskStatus | str, overdue: bool = False,
                         late: bool = False) -> dict:
    """``status_badge`` as sent to the browser, for table rows (portal.layouts.wire)."""
    return element(html.Span, [element(dbc.Badge, text, **props)
                                for text, props in _badges(status, overdue, late)])


def page_header(title: str, subtitle: str | None = None, actions=None) -> html.Div:
    """Title row of a page, with optional actions on the right."""
    return html.Div(
        [
            html.Div([html.H1(title, className="page-title"),
                      html.Div(subtitle, className="page-subtitle") if subtitle else None]),
            html.Div(actions) if actions else None,
        ],
        className="d-flex justify-content-between align-items-start flex-wrap gap-2 mt-3",
    )


def stat_card(label: str, value: int | str, colour: str = "secondary",
              href: str | None = None) -> dbc.Card:
    """A number with a label, optionally linking to the tasks behind it."""
    body = dbc.CardBody([html.Div(str(value), className="stat-value"),
                         html.Div(label, className="stat-label")])
    card = dbc.Card(body, className=f"stat-card stat-{colour} shadow-sm h-100")
    return html.A(card, href=href, className="text-reset text-decoration-none") if href else card


def message(text: str | None, colour: str = "danger") -> dbc.Alert | None:
    """A dismissable alert, or nothing when there is no text."""
    if not text:
        return None
    return dbc.Alert(text, color=colour, dismissable=True, className="py-2")


def empty_state(text: str) -> html.Div:
    """A quiet placeholder for an empty list."""
    return html.Div(text, className="text-muted text-center py-4")


def field(label: str, value) -> html.Div:
    """A labelled value on a detail page."""
    return html.Div([html.Div(label, className="field-label"),
                     html.Div(value if value not in (None, "") else "—", className="field-value")])


def page_count(total: int, size: int) -> int:
    """Number of pages of ``size`` rows for ``total`` rows (at least one)."""
    return max(1, -(-total // size))


def page_links(path: str, params: dict, page: int, pages: int, *, total: int,
               noun: str, id: str) -> html.Nav | None:
    """"‹ Trang trước · Trang x/y (N …) · Trang sau ›" as links that keep the filters."""
    if pages <= 1:
        return None
    def href(number: int) -> str:
        query = {k: v for k, v in {**params, "trang": number}.items() if v not in (None, "")}
        if number == 1:
            query.pop("trang")
        return f"{path}?{urlencode(query)}" if query else path

    return html.Nav([
        dcc.Link("‹ Trang trước", href=href(page - 1), className="btn btn-outline-secondary "
                 "btn-sm") if page > 1 else None,
        html.Span(f"Trang {page}/{pages} · {total} {noun}", className="small text-muted mx-2"),
        dcc.Link("Trang sau ›", href=href(page + 1), className="btn btn-outline-secondary "
                 "btn-sm") if page < pages else None,
    ], className="d-flex align-items-center justify-content-center flex-wrap gap-1 my-2",
        id=id, **{"aria-label": "Phân trang"})


def page_param(params: dict) -> int:
    """The ``trang`` URL parameter as a page number (1 when absent or not a number)."""
    try:
        return max(1, int(params.get("trang") or 1))
    except (TypeError, ValueError):
        return 1
