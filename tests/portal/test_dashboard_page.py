"""Dashboard callbacks, chart click-through and the ranking export."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from portal.callbacks.dashboard import click_target
from tests.portal.conftest import ORIGIN, content_text


def _refresh(client, section=None, unit=None):
    body = {"output": "dash-body.children",
            "outputs": {"id": "dash-body", "property": "children"},
            "inputs": [{"id": "dash-section", "property": "value", "value": section},
                       {"id": "dash-unit", "property": "value", "value": unit},
                       {"id": "dash-plan", "property": "value", "value": None}],
            "state": [], "changedPropIds": ["dash-section.value"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_office_dashboard_has_charts_and_ranking(client_for, web_world):
    shown = content_text(_refresh(client_for("leader")))
    for text in ("Phân bố trạng thái", "Theo đơn vị chủ trì", "Xếp hạng đơn vị",
                 "Chưa thực hiện", "Văn phòng Đảng ủy"):
        assert text in shown
    narrowed = content_text(_refresh(client_for("leader"), unit=web_world.unit_c.id))
    assert "Xếp hạng đơn vị" in narrowed and "\"Nhiệm vụ\"" in narrowed


def test_unit_dashboard_has_no_ranking_and_only_its_tasks(client_for):
    shown = content_text(_refresh(client_for("member_c")))
    assert "Xếp hạng đơn vị" not in shown
    assert "UBND phường" in shown  # member_c sees I.3 (all units) led by UBND phường
    assert "Văn phòng Đảng ủy" not in shown


def test_chart_clicks_open_the_tasks_behind_them():
    assert click_target("chart-status", {"customdata": "completed"}) == "?trang-thai=completed"
    assert click_target("chart-units", {"customdata": ["unit", 3, "in_progress"]}) == \
        "?don-vi=3&trang-thai=in_progress"
    assert click_target("chart-sections", {"customdata": ["section", 2, "not_started"]}) == \
        "?nhom=2&trang-thai=not_started"
    assert click_target("chart-warnings", {"customdata": ["warning", 5, ""]}) == \
        "?don-vi=5&qua-han=1"


def test_ranking_export(client_for):
    response = client_for("reviewer").get("/xep-hang.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet["A1"].value.startswith("XẾP HẠNG ĐƠN VỊ")
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert "Văn phòng Đảng ủy" in names and "UBND phường" in names
    assert client_for("member_a").get("/xep-hang.xlsx").status_code == 403
