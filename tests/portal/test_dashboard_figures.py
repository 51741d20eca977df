"""The dashboard's charts are plain dicts (no graph objects per request): each must be exactly
what plotly's graph objects make of the same traces and layout — validated, with the
default template — so that the browser draws the same charts."""

from __future__ import annotations

import json
from collections import Counter

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.io.json import to_json_plotly

from portal.layouts import dashboard as layout
from workflow.dashboard import DashboardData

DATA = DashboardData(
    total=7, status=Counter({"completed": 2, "in_progress": 4, "not_completed": 1}),
    by_unit={(1, "Ban Tuyên giáo"): Counter({"completed": 2, "in_progress": 1}),
             (None, "Chưa giao"): Counter({"in_progress": 3, "not_completed": 1})},
    by_section={(4, "1. Hoàn thiện thể chế"): Counter({"completed": 2}),
                (5, "2. Chuyển đổi số"): Counter({"in_progress": 4, "not_completed": 1})},
    approvals_by_month={"2026-01": 1, "2026-02": 4},
    warnings_by_unit={(1, "Ban Tuyên giáo"): 3, (2, "Văn phòng"): 12})
FIGURES = ["status_figure", "unit_figure", "section_figure", "approvals_figure",
           "warnings_figure"]


def _sent(figure) -> dict:
    """What dcc.Graph sends to the browser, the template's defaults of unused trace types
    left out (plotly.js applies a type's defaults only to traces of that type)."""
    sent = json.loads(to_json_plotly(figure))
    template = sent["layout"]["template"]
    template["data"] = {k: v for k, v in template["data"].items() if k in layout.TRACE_TYPES}
    return sent


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("data", [DATA, DashboardData()], ids=["data", "empty"])
def test_figure_is_what_graph_objects_make(name, data):
    figure = getattr(layout, name)(data)
    own_layout = {k: v for k, v in figure["layout"].items() if k != "template"}
    made = go.Figure(data=figure["data"], layout=own_layout)  # validates every property
    assert _sent(figure) == _sent(made)


def test_template_is_plotlys_default():
    template = layout._template()
    default = pio.templates[pio.templates.default].to_plotly_json()
    assert template["layout"] == default["layout"]
    assert set(template["data"]) == set(layout.TRACE_TYPES)
    assert all(template["data"][kind] == default["data"][kind] for kind in layout.TRACE_TYPES)


def test_empty_chart_is_the_annotated_blank_figure():
    made = go.Figure()
    made.update_layout(height=200, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                       font=layout.FONT, legend={"orientation": "h", "y": -0.15},
                       paper_bgcolor="white", plot_bgcolor="white", separators=",.")
    made.add_annotation(text="Chưa có dữ liệu", showarrow=False, font={"size": 14})
    made.update_xaxes(visible=False)
    made.update_yaxes(visible=False)
    assert _sent(layout.empty_figure()) == _sent(made)


def test_approvals_labels_are_strings_as_plotly_sends_them():
    trace = layout.approvals_figure(DATA)["data"][0]
    assert trace["text"] == ["1", "4"] and trace["y"] == [1, 4]
