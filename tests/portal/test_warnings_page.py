"""Warning list page, publishing and exports (XLSX re-opened, PDF text extracted)."""

from __future__ import annotations

from io import BytesIO
from uuid import uuid4

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.portal.conftest import ORIGIN, callback_outputs, content_text, route_page, run_action


def _preview(client, as_of="2026-02-01", period="month", page=1):
    key, outputs = callback_outputs(client.application, "warnings-as-of", "warnings-preview")
    body = {"output": key, "outputs": outputs,
            "inputs": [{"id": "warnings-as-of", "property": "date", "value": as_of},
                       {"id": "warnings-period", "property": "value", "value": period},
                       {"id": "warnings-pager", "property": "active_page", "value": page}],
            "state": [], "changedPropIds": ["warnings-pager.active_page" if page > 1
                                            else "warnings-as-of.date"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _publish(app, client, as_of="2026-02-01", token=None):
    return run_action(app, client, "warnings-publish-confirm", [
        {"id": "warnings-as-of", "property": "date", "value": as_of},
        {"id": "warnings-period", "property": "value", "value": "month"},
        {"id": "warnings-token", "property": "data", "value": token or uuid4().hex}])


def test_reviewer_previews_publishes_and_exports(app, client_for):
    client = client_for("reviewer")
    shown = content_text(_preview(client))
    assert "Danh sách cảnh báo Tháng 02/2026" in shown and "Quá hạn 1 ngày" in shown
    assert "gồm 4 nhiệm vụ, sẽ được lưu cố định" in shown  # what the dialog will say
    response = _publish(app, client, token="page-1")
    published = content_text(response)
    assert "Đã công bố danh sách cảnh báo Tháng 02/2026: 4 nhiệm vụ." in published
    # The page keeps the chosen day and period and shows the list just published first.
    search = response.get_json()["response"]["url"]["search"]
    assert search.startswith("?ngay=2026-02-01&ky=month&cong-bo=")
    page = content_text(route_page(client, "/canh-bao", search))
    assert "Đã công bố: Danh sách cảnh báo Tháng 02/2026" in page
    assert '"date": "2026-02-01"' in page
    # A double click (same page, same token) answers the same; another page is refused.
    assert "Đã công bố danh sách cảnh báo Tháng 02/2026" in content_text(
        _publish(app, client, token="page-1"))
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
    # Dated the day it was issued; the as-of day is in the title block.
    from workflow.clock import today

    pdf = leader.get(f"/canh-bao/{list_id}.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
                    .split())
    issued = today()
    assert (f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}") in text
    assert "tính đến ngày 01/02/2026" in text


def test_bad_date_is_refused_in_vietnamese(client_for):
    assert "Ngày không hợp lệ" in content_text(_preview(client_for("reviewer"), "31-02-2026"))


def test_two_simultaneous_publish_clicks_publish_one_list(app, client_for, settings):
    import threading

    from sqlalchemy import func, select

    from db.models import WarningList
    from db.session import make_engine

    first, second = client_for("reviewer"), client_for("reviewer")
    answers = [None, None]

    def click(slot, client):
        answers[slot] = content_text(_publish(app, client, token="same-page"))

    threads = [threading.Thread(target=click, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for answer in answers:
        assert "Đã công bố danh sách cảnh báo Tháng 02/2026" in answer, answer
    with make_engine(settings.database_url).connect() as connection:
        assert connection.scalar(select(func.count()).select_from(WarningList)) == 1
