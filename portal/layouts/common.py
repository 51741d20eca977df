"""Small shared building blocks: badges, cards, page headers, alerts."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from workflow.labels import STATUS_LABELS
from workflow.status import (
    LATE_LABEL,
    OVERDUE_LABEL,
    STATUS_COLOURS,
    TaskStatus,
)


def status_badge(status: TaskStatus | str, overdue: bool = False, late: bool = False) -> html.Span:
    """The status as a coloured badge (orange when done late), with a red "Quá hạn" flag
    beside it when overdue."""
    status = TaskStatus(status)
    if late:
        parts = [dbc.Badge(LATE_LABEL, color="warning", text_color="dark", className="me-1")]
    else:
        parts = [dbc.Badge(STATUS_LABELS[status], color=STATUS_COLOURS[status],
                           className="me-1")]
    if overdue:
        parts.append(dbc.Badge(OVERDUE_LABEL, color="danger", className="overdue-flag"))
    return html.Span(parts)


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
