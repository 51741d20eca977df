"""Warning list page, publishing and exports (XLSX re-opened, PDF text extracted)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.portal.conftest import ORIGIN, content_text, route_page


def _preview(client, as_of="2026-02-01", period="month", page=1):
    body = {"output": "..warnings-preview.children...warnings-pager.max_value..."
                      "warnings-pager.active_page...warnings-pager.style..",
            "outputs": [{"id": "warnings-preview", "property": "children"},
                        {"id": "warnings-pager", "property": "max_value"},
                        {"id": "warnings-pager", "property": "active_page"},
                        {"id": "warnings-pager", "property": "style"}],
            "inputs": [{"id": "warnings-as-of", "property": "date", "value": as_of},
                       {"id": "warnings-period", "property": "value", "value": period},
                       {"id": "warnings-pager", "property": "active_page", "value": page}],
            "state": [], "changedPropIds": ["warnings-pager.active_page" if page > 1
                                            else "warnings-as-of.date"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _publish(app, client, as_of="2026-02-01"):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec["inputs"][0]["id"] == "warnings-publish")
    body = {"output": key,
            "outputs": [{"id": "warnings-message", "property": "children"},
                        {"id": "page-refresh", "property": "data"}],
            "inputs": [{"id": "warnings-publish", "property": "n_clicks", "value": 1}],
            "state": [{"id": "warnings-as-of", "property": "date", "value": as_of},
                      {"id": "warnings-period", "property": "value", "value": "month"}],
            "changedPropIds": ["warnings-publish.n_clicks"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_reviewer_previews_publishes_and_exports(app, client_for):
    client = client_for("reviewer")
    shown = content_text(_preview(client))
    assert "Danh sách cảnh báo Tháng 02/2026" in shown and "Quá hạn 1 ngày" in shown
    published = content_text(_publish(app, client))
    assert "Đã công bố danh sách cảnh báo Tháng 02/2026" in published
    again = content_text(_publish(app, client))
    assert "đã được công bố" in again

    sheet = load_workbook(BytesIO(client.get("/canh-bao/xem-truoc.xlsx?ngay=2026-02-01&ky=month")
                                  .data)).active
    assert sheet["A1"].value == "DANH SÁCH NHIỆM VỤ CẢNH BÁO THÁNG 02/2026"
    codes = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert "I.4" in codes

    pdf = client.get("/canh-bao/xem-truoc.pdf?ngay=2026-02-01&ky=month")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "DANH SÁCH NHIỆM VỤ CẢNH BÁO THÁNG 02/2026" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    for code in codes:
        assert code in text


def test_units_see_their_rows_but_cannot_publish_or_export(app, client_for):
    _publish(app, client_for("reviewer"))
    unit = client_for("member_a")
    assert _publish(app, unit, "2026-03-01").status_code == 403
    assert unit.get("/canh-bao/xem-truoc.xlsx?ngay=2026-02-01&ky=month").status_code == 403
    home = content_text(route_page(unit, "/"))
    assert "Cảnh báo Tháng 02/2026" in home and "I.4" in home
    other = content_text(route_page(client_for("member_c"), "/"))
    assert "unit-warnings" not in other


def test_leader_exports_a_published_list(app, client_for, settings):
    from sqlalchemy import select

    from db.models import WarningList
    from db.session import make_engine

    _publish(app, client_for("reviewer"))
    with make_engine(settings.database_url).connect() as connection:
        list_id = connection.scalar(select(WarningList.id))
    leader = client_for("leader")
    page = content_text(route_page(leader, "/canh-bao"))
    assert "Tháng 02/2026" in page and "warnings-publish" in page  # hidden for leaders
    assert _publish(app, leader, "2026-03-01").status_code == 403
    listing = leader.get(f"/canh-bao/{list_id}.xlsx")
    assert listing.status_code == 200
    rows = list(load_workbook(BytesIO(listing.data)).active.iter_rows(min_row=5, values_only=True))
    assert any(row[1] == "I.4" for row in rows)
    shown = content_text(route_page(leader, f"/canh-bao/{list_id}"))
    assert "Danh sách cảnh báo Tháng 02/2026" in shown


def test_bad_date_is_refused_in_vietnamese(client_for):
    assert "Ngày không hợp lệ" in content_text(_preview(client_for("reviewer"), "31-02-2026"))
