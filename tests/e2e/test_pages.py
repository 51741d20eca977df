"""Every page renders in Chromium for the role that uses it, in Vietnamese, with no
console errors; a screenshot of each is kept under var/screenshots for people to look at."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import severe_console_errors, sign_in, wait_text

pytestmark = pytest.mark.e2e

PASSWORDS = {"quantri": "QuanTri@2026", "thamdinh": "ThamDinh@2026", "lanhdao": "LanhDao@2026",
             "ubnd": "DonVi@2026"}
PAGES = [
    ("ubnd", "/nhiem-vu", "Danh sách nhiệm vụ", "tasks-unit"),
    ("lanhdao", "/nhiem-vu?qua-han=1", "Có ", "tasks-overdue"),
    ("ubnd", "/nhiem-vu/{task}", "Báo cáo tiến độ", "task-detail-unit"),
    ("thamdinh", "/tham-dinh", "Chờ thẩm định", "review-queue"),
    ("thamdinh", "/nhat-ky", "sự kiện", "audit"),
    ("thamdinh", "/canh-bao", "nhiệm vụ.", "warnings"),
    ("lanhdao", "/tong-quan", "Xếp hạng đơn vị", "dashboard"),
    ("ubnd", "/tong-quan", "Đến hạn trong 30 ngày tới", "dashboard-unit"),
    ("thamdinh", "/thong-bao", "Thông báo", "notifications"),
    ("quantri", "/quan-tri/tai-khoan", "Danh sách tài khoản", "admin-users"),
    ("quantri", "/quan-tri/don-vi", "Danh sách đơn vị", "admin-units"),
    ("ubnd", "/quan-tri/tai-khoan", "Không có quyền truy cập", "forbidden"),
    ("ubnd", "/khong-co-trang-nay", "Không tìm thấy trang", "not-found"),
]


@pytest.mark.parametrize("username,path,text,name", PAGES, ids=[p[3] for p in PAGES])
def test_page(browser, live_portal, username, path, text, name):
    browser.get_log("browser")
    sign_in(browser, live_portal.url, username, PASSWORDS[username])
    browser.get(live_portal.url + path.format(task=live_portal.task_id("III.1")))
    if name == "forbidden":
        assert text in browser.page_source
    else:
        wait_text(browser, text)
    assert severe_console_errors(browser) == [] or name == "forbidden"
    screenshot(browser, f"page-{name}")
