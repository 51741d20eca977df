"""The import page's callbacks: preview, hand mapping, confirm; admins only."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from db.models import Task
from db.session import make_engine, make_session_factory
from tests.conftest import FIXTURES
from tests.portal.conftest import ORIGIN, content_text, route_page

STATE_IDS = [("import-upload", "filename"), ("import-number", "value"), ("import-body", "value"),
             ("import-title", "value")]


def _contents(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def _key(app, first_input: str) -> str:
    return next(k for k, spec in app.extensions["dash_app"].callback_map.items()
                if spec["inputs"][0]["id"] == first_input)


def _preview(app, client, data: bytes, name: str, mapping: list | None = None, apply=None,
             changed: str | None = None):
    mapping = mapping or []
    body = {
        "output": _key(app, "import-upload"),
        "outputs": [{"id": "import-preview", "property": "children"},
                    {"id": "import-mapping", "property": "children"},
                    {"id": "import-file-name", "property": "children"}],
        "inputs": [{"id": "import-upload", "property": "contents", "value": _contents(data)},
                   [{"id": {"type": "import-apply-mapping", "index": 0}, "property": "n_clicks",
                     "value": apply}] if apply else [],
                   {"id": "import-year", "property": "value", "value": 2026},
                   mapping],
        "state": [{"id": "import-upload", "property": "filename", "value": name},
                  {"id": "import-number", "property": "value", "value": "09-KH/ĐU"},
                  {"id": "import-body", "property": "value", "value": "Đảng ủy phường"},
                  {"id": "import-title", "property": "value", "value": "Kế hoạch"},
                  [{"id": {"type": "import-map", "field": f["id"]["field"]},
                    "property": "id", "value": f["id"]} for f in mapping]],
        "changedPropIds": [changed or ('{"index":0,"type":"import-apply-mapping"}.n_clicks'
                                       if apply else "import-upload.contents")],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _map(**columns) -> list[dict]:
    return [{"id": {"type": "import-map", "field": f}, "property": "value", "value": v}
            for f, v in columns.items()]


def _confirm(app, client, data: bytes, name: str, units: list[str]):
    body = {
        "output": _key(app, "import-confirm"),
        "outputs": [{"id": "import-result", "property": "children"},
                    {"id": "import-preview", "property": "children"}],
        "inputs": [{"id": "import-confirm", "property": "n_clicks", "value": 1}],
        "state": [{"id": "import-upload", "property": "contents", "value": _contents(data)},
                  {"id": "import-upload", "property": "filename", "value": name},
                  {"id": "import-number", "property": "value", "value": "09-KH/ĐU"},
                  {"id": "import-year", "property": "value", "value": 2026},
                  {"id": "import-body", "property": "value", "value": "Đảng ủy phường"},
                  {"id": "import-title", "property": "value", "value": "Kế hoạch"},
                  {"id": "import-new-units", "property": "value", "value": units}, [], []],
        "changedPropIds": ["import-confirm.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _tasks(settings) -> int:
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Task))


def test_preview_then_confirm(app, client_for, settings):
    client = client_for("admin")
    data = (FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx").read_bytes()
    before = _tasks(settings)
    shown = content_text(_preview(app, client, data, "ke-hoach.xlsx"))
    assert "32 nhiệm vụ" in shown and "Ban Xây dựng Đảng" in shown and "Xác nhận" in shown
    assert _tasks(settings) == before  # preview saves nothing
    refused = content_text(_confirm(app, client, data, "ke-hoach.xlsx", []))
    assert "Cần xác nhận tạo đơn vị mới" in refused and _tasks(settings) == before
    saved = content_text(_confirm(app, client, data, "ke-hoach.xlsx",
                                  ["Ban Xây dựng Đảng", "Ủy ban MTTQ Việt Nam phường",
                                   "Ban Chỉ huy Quân sự phường", "Phòng Văn hóa - Xã hội",
                                   "Phòng Kinh tế, Hạ tầng và Đô thị",
                                   "Văn phòng HĐND và UBND phường"]))
    assert "thêm 32 nhiệm vụ" in saved and _tasks(settings) == before + 32


def test_unrecognised_header_asks_for_a_mapping(app, client_for):
    client = client_for("admin")
    data = "Cột A,Cột B,Cột C\nSố hóa hồ sơ,UBND phường,Quý II/2026\n".encode()
    first = content_text(_preview(app, client, data, "x.csv"))
    assert "Không nhận ra dòng tiêu đề" in first and "Ghép cột thủ công" in first
    mapping = _map(title=0, lead_unit=1, deadline=2)
    second = content_text(_preview(app, client, data, "x.csv", mapping, apply=1))
    assert "Số hóa hồ sơ" in second and "1 nhiệm vụ" in second


def test_bad_file_message(app, client_for):
    shown = content_text(_preview(app, client_for("admin"), b"%PDF-1.4", "ke-hoach.pdf"))
    assert "Chỉ nhập được tệp Excel" in shown


def test_only_admins_import(app, client_for, settings):
    data = (FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx").read_bytes()
    for username in ("reviewer", "leader", "member_a"):
        client = client_for(username)
        assert _preview(app, client, data, "k.xlsx").status_code == 403
        assert _confirm(app, client, data, "k.xlsx", []).status_code == 403
        assert "page-forbidden" in content_text(route_page(client, "/quan-tri/nhap-ke-hoach"))


def _response(response) -> dict:
    return response.get_json()["response"]


def test_preview_shows_columns_sections_skipped_rows_and_kinds(app, client_for):
    client = client_for("admin")
    data = (FIXTURES / "plans" / "vinh-tuy-nq57.docx").read_bytes()
    response = _preview(app, client, data, "vinh-tuy.docx")
    shown = content_text(response)
    assert "23 nhiệm vụ" in shown and "Hệ thống đọc các cột như sau" in shown
    assert "Cột 1: STT › TT" in shown and "Cột 2: STT › Chi tiết" in shown
    assert "Nhóm nhiệm vụ tìm thấy (5)" in shown and "7 nhiệm vụ" in shown
    assert "Dòng không thành nhiệm vụ (6)" in shown
    assert "Dòng 13: tiêu đề bảng lặp lại (sang trang mới)" in shown
    assert "Có điều kiện: 6" in shown and "Thường xuyên: 14" in shown


def test_admin_changes_the_lead_column_and_the_reading_follows(app, client_for, settings):
    client = client_for("admin")
    data = (FIXTURES / "plans" / "two-lead-columns.xlsx").read_bytes()
    first = _response(_preview(app, client, data, "hai-cot.xlsx"))
    mapping = first["import-mapping"]["children"]
    assert "Đơn vị chủ trì theo dõi, hướng dẫn, tổng hợp" in str(mapping)
    shown = content_text(_preview(app, client, data, "hai-cot.xlsx"))
    assert "Theo dõi: Sở Khoa học và Công nghệ" in shown
    before = _tasks(settings)
    # The admin makes the monitoring column the lead: the preview reads it at once.
    swapped = _map(code=0, group=1, title=2, lead_unit=3, monitoring_unit=4,
                   coordinating_units=5, deadline=6, output=7)
    response = _preview(app, client, data, "hai-cot.xlsx", swapped,
                        changed='{"field":"lead_unit","type":"import-map"}.value')
    body = _response(response)
    assert "import-mapping" not in body  # the admin's choices stay as they are
    shown = content_text(response)
    assert "Sở Khoa học và Công nghệ" in shown  # now the lead unit (new to the portal)
    assert "Theo dõi: Sở Khoa học và Công nghệ" not in shown
    assert "Theo dõi: Công an phường" in shown
    assert _tasks(settings) == before  # nothing saved


def test_clearing_the_title_column_is_refused_in_vietnamese(app, client_for):
    client = client_for("admin")
    data = (FIXTURES / "plans" / "two-lead-columns.xlsx").read_bytes()
    shown = content_text(_preview(app, client, data, "x.xlsx", _map(lead_unit=4, deadline=6),
                                  changed='{"field":"title","type":"import-map"}.value'))
    assert "Cần chọn ít nhất cột nội dung nhiệm vụ" in shown
