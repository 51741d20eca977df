"""Rows built as sent (portal.layouts.wire) are exactly what the components would send."""

from __future__ import annotations

import json
from datetime import date

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly

from portal.layouts.common import status_badge, status_badge_element
from portal.layouts.tasks import task_table
from portal.layouts.wire import element
from workflow.clock import format_date
from workflow.status import TaskStatus
from workflow.tasks import TaskRow


def _sent(value) -> object:
    return json.loads(to_json_plotly(value))


@pytest.mark.parametrize(("cls", "children", "props"), [
    (html.Td, "B1.2", {"className": "col-code", "data-label": "Mã"}),
    (html.Td, None, {}),
    (html.Div, ["a", html.B("b")], {"style": {"whiteSpace": "pre-line"}}),
    (html.Small, "Quý III", {"className": "text-muted", "title": "Quý III"}),
    (dcc.Link, "Nhiệm vụ", {"href": "/nhiem-vu/3", "className": "task-title-link"}),
    (dbc.Badge, "Quá hạn", {"color": "danger", "className": "overdue-flag"}),
    (html.Tr, [], {"className": "task-row", "id": "r"}),
])
def test_element_is_the_components_json(cls, children, props):
    assert _sent(element(cls, children, **props)) == _sent(cls(children, **props))


def test_element_refuses_what_the_component_refuses():
    with pytest.raises(TypeError):
        element(html.Td, "x", colour="red")
    with pytest.raises(TypeError):
        element(html.Td, "x", title=html.B("x"))
    with pytest.raises(TypeError):
        element(html.Td, "x", id=3)


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("overdue", [False, True])
def test_status_badge_element(overdue, late):
    for status in TaskStatus:
        assert _sent(status_badge_element(status, overdue, late)) == \
            _sent(status_badge(status, overdue, late))


def _reference_table(rows: list[TaskRow], show_unit: bool):
    """task_table as it was made of components."""
    header = html.Thead(html.Tr(
        [html.Th("Mã", className="col-code"), html.Th("Nhiệm vụ")]
        + ([html.Th("Đơn vị chủ trì")] if show_unit else [])
        + [html.Th("Thời hạn", className="col-deadline"), html.Th("Tiến độ"),
           html.Th("Trạng thái")]))
    body = html.Tbody([html.Tr(
        [html.Td(row.code, className="col-code", **{"data-label": "Mã"}),
         html.Td(dcc.Link(row.title, href=f"/nhiem-vu/{row.id}", className="task-title-link"),
                 className="col-title")]
        + ([html.Td(row.lead_unit or "—", **{"data-label": "Đơn vị chủ trì"})]
           if show_unit else [])
        + [html.Td([html.Div(format_date(row.deadline_date) or "—"),
                    html.Small(row.deadline_text, className="text-muted deadline-text",
                               title=row.deadline_text)]
                   if row.deadline_text else "—", className="col-deadline",
                   **{"data-label": "Thời hạn"}),
           html.Td(f"{row.percent}%" if row.percent is not None else "—",
                   **{"data-label": "Tiến độ"}),
           html.Td(status_badge(row.status, row.overdue, row.late), className="col-status",
                   **{"data-label": "Trạng thái"})],
        className="task-row") for row in rows])
    return dbc.Table([header, body], hover=True, responsive=True, size="sm",
                     className="task-table stack-table bg-white mb-0")


@pytest.mark.parametrize("show_unit", [True, False])
def test_task_table_is_what_the_components_made(show_unit):
    rows = [
        TaskRow(1, "A.1", "Số hóa hồ sơ <một cửa>", "A", "Văn phòng", "Quý III/2026",
                date(2026, 9, 30), TaskStatus.IN_PROGRESS, 40, False),
        TaskRow(2, "A.2", "Tập huấn", "A", "", "", None, TaskStatus.NOT_STARTED, None, True),
        TaskRow(3, "B.1", "Báo cáo", "B", "Ban Tuyên giáo", "Thường xuyên", None,
                TaskStatus.COMPLETED, 100, False, late=True),
    ]
    assert _sent(task_table(rows, show_unit=show_unit)) == \
        _sent(_reference_table(rows, show_unit))


def _reference_timeline(entries):
    """timeline as it was made of components."""
    from portal.layouts.task_actions import TIMELINE_COLOURS, TIMELINE_KIND_LABELS
    from workflow.clock import format_datetime

    items = []
    for entry in entries:
        files = [html.Li(html.A(f.name, href=f"/minh-chung/{f.id}", target="_blank"))
                 for f in entry.files]
        items.append(dbc.ListGroupItem([
            html.Div([dbc.Badge(TIMELINE_KIND_LABELS.get(entry.kind, ""),
                                color=TIMELINE_COLOURS.get(entry.kind, "secondary"),
                                className="me-2"), html.Strong(entry.title)]),
            html.Div(f"{entry.actor} · {format_datetime(entry.at)}",
                     className="small text-muted") if entry.kind != "older" else None,
            html.Div(entry.body, className="mt-1", style={"whiteSpace": "pre-line"})
            if entry.body else None,
            html.Ul(files, className="mb-0 mt-1 small") if files else None,
        ], className=f"timeline-{entry.kind}"))
    return dbc.Card([dbc.CardHeader("Lịch sử thực hiện"), dbc.ListGroup(items, flush=True)],
                    className="shadow-sm mb-3", id="task-timeline")


def test_timeline_is_what_the_components_made():
    from datetime import UTC, datetime

    from portal.layouts.task_actions import timeline
    from workflow.timeline import TimelineEntry, TimelineFile

    at = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    entries = [
        TimelineEntry(at, "claim", "Nguyễn Văn A", "Đề nghị công nhận", "Đã xong.\nHai dòng",
                      [TimelineFile(7, "Quyết định.pdf", "signed_document", 1200)]),
        TimelineEntry(at, "progress", "Trần B", "Báo cáo tuần 42: 40%"),
        TimelineEntry(at, "older", "", "Và 22 báo cáo trước đó"),
        TimelineEntry(at, "strange", "C", "Không rõ loại"),
    ]
    assert _sent(timeline(entries)) == _sent(_reference_timeline(entries))
