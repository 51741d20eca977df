"""Audit page and its Excel export."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.portal.conftest import content_text, route_page


def test_reviewer_exports_the_audit_log(client_for):
    client = client_for("reviewer")
    response = client.get("/nhat-ky/xuat.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet["A1"].value.startswith("NHẬT KÝ HOẠT ĐỘNG")
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert any(row[3] == "Đăng nhập" and row[2] == "Người dùng reviewer" for row in rows)


def test_filtered_export(client_for):
    client = client_for("admin")
    response = client.get("/nhat-ky/xuat.xlsx?action=user.create")
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(min_row=4,
                                                                       values_only=True))
    assert rows == []


def test_leader_and_units_cannot_read_the_audit_log(client_for):
    for username in ("leader", "member_a"):
        client = client_for(username)
        assert client.get("/nhat-ky/xuat.xlsx").status_code == 403
        assert "page-forbidden" in content_text(route_page(client, "/nhat-ky"))
