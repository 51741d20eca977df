"""Every page renders in Chromium for the role that uses it, in Vietnamese, with no
console errors; a screenshot of each is kept under var/screenshots for people to look at."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from portal.pages import PAGES as REGISTERED_PAGES
from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import severe_console_errors, sign_in, wait_text

pytestmark = pytest.mark.e2e

PASSWORDS = {"quantri": "QuanTri@2026", "thamdinh": "ThamDinh@2026", "lanhdao": "LanhDao@2026",
             "ubnd": "DonVi@2026", "tinh": "XemTinh@2026", "quantritinh": "QuanTriTinh@2026",
             "tt-ubnd": "ThuTruong@2026"}
# One example per registered page (portal.pages): who opens it, the address parameters and
# query, and a text that shows it rendered. Pages without an example must be listed in
# COVERED_ELSEWHERE with the test that drives them.
EXAMPLES = [
    ("ubnd", "home", "", "Nhiệm vụ của đơn vị", "home-unit"),
    ("ubnd", "tasks", "", "Danh sách nhiệm vụ", "tasks-unit"),
    ("lanhdao", "tasks", "?qua-han=1", "Có ", "tasks-overdue"),
    ("ubnd", "task", "", "Báo cáo tiến độ", "task-detail-unit"),
    ("thamdinh", "review", "", "Chờ thẩm định", "review-queue"),
    ("thamdinh", "audit", "", "sự kiện", "audit"),
    ("thamdinh", "warning_lists", "", "nhiệm vụ.", "warnings"),
    ("lanhdao", "dashboard", "", "Xếp hạng đơn vị", "dashboard"),
    ("ubnd", "dashboard", "", "Đến hạn trong 30 ngày tới", "dashboard-unit"),
    ("thamdinh", "notifications", "", "Thông báo", "notifications"),
    ("quantri", "users", "", "Danh sách tài khoản", "admin-users"),
    ("quantri", "units", "", "Danh sách đơn vị", "admin-units"),
    ("tinh", "province", "", "Xã Bình Lộc", "province"),
    ("tinh", "province_ranking", "", "Đề nghị biểu dương", "province-ranking"),
    ("tinh", "province_ward", "", "chỉ xem", "province-ward"),
    ("quantritinh", "wards", "", "Tạo phường/xã", "province-wards-admin"),
    ("quantritinh", "province_holidays", "", "dùng chung toàn tỉnh", "province-holidays"),
    ("tt-ubnd", "confirmations", "", "Chờ thủ trưởng xác nhận", "head-confirmations"),
    ("quantri", "holidays", "", "Ngày nghỉ lễ và thời hạn thẩm định", "admin-holidays"),
]
COVERED_ELSEWHERE = {
    "claim": "tests/e2e/test_verification_journey.py",
    "warning_list": "tests/portal/test_warnings_page.py",
    "plan_import": "tests/e2e/test_plan_import.py",
    "reports": "tests/e2e/test_reporting.py",
    "reporting_admin": "tests/e2e/test_reporting.py",
    "trust": "tests/e2e/test_signed_evidence_browser.py",
}
REFUSALS = [
    ("ubnd", "/quan-tri/tai-khoan", "Không có quyền truy cập", "forbidden"),
    ("ubnd", "/khong-co-trang-nay", "Không tìm thấy trang", "not-found"),
]
PAGE_BY_NAME = {page.name: page for page in REGISTERED_PAGES}


def test_every_registered_page_has_an_example():
    assert {name for _, name, *_ in EXAMPLES} | set(COVERED_ELSEWHERE) == set(PAGE_BY_NAME)


@pytest.mark.parametrize("username,name,query,text,shot", EXAMPLES, ids=[p[4] for p in EXAMPLES])
def test_page(browser, live_portal, username, name, query, text, shot):
    page = PAGE_BY_NAME[name]
    browser.get_log("browser")
    sign_in(browser, live_portal.url, username, PASSWORDS[username])
    browser.get(live_portal.url + page.url(task_id=live_portal.task_id("III.1"),
                                           ward_id=live_portal.ward_id("tan-phong")) + query)
    wait_text(browser, text)
    WebDriverWait(browser, 10).until(lambda b: b.title == page.document_title)
    assert severe_console_errors(browser) == []
    screenshot(browser, f"page-{shot}")


@pytest.mark.parametrize("username,path,text,name", REFUSALS, ids=[p[3] for p in REFUSALS])
def test_refusal(browser, live_portal, username, path, text, name):
    browser.get_log("browser")
    sign_in(browser, live_portal.url, username, PASSWORDS[username])
    browser.get(live_portal.url + path)
    if name == "forbidden":
        assert text in browser.page_source
    else:
        wait_text(browser, text)
        assert severe_console_errors(browser) == []
    screenshot(browser, f"page-{name}")
