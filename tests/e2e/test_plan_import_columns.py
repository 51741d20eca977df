"""The import page reads another ward's appendix; the admin changes the lead column and the
preview follows before anything is saved."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import FIXTURES
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_smoke import sign_in, wait_text

pytestmark = pytest.mark.e2e
LEAD = '{"field":"lead_unit","type":"import-map"}'
MONITORING = '{"field":"monitoring_unit","type":"import-map"}'


def _upload(browser, live_portal, path):
    sign_in(browser, live_portal.url, "quantri", "QuanTri@2026")
    wait_text(browser, "Tổng quan hệ thống")
    browser.get(f"{live_portal.url}/quan-tri/nhap-ke-hoach")
    wait_text(browser, "Nhập kế hoạch từ tệp")
    browser.find_element(By.ID, "import-number").send_keys("12-KH/ĐU")
    upload = browser.find_element(By.CSS_SELECTOR, "#import-upload input[type=file]")
    upload.send_keys(str(path))


def _choose(browser, dropdown_id: str, option_text: str) -> None:
    browser.execute_script("document.getElementById(arguments[0]).scrollIntoView({block: "
                           "'center'}); document.getElementById(arguments[0]).click();",
                           dropdown_id)
    option = WebDriverWait(browser, 10).until(ec.element_to_be_clickable(
        (By.XPATH, f"//*[@role='option'][contains(., '{option_text}')]")))
    option.click()


def test_admin_swaps_the_chu_tri_columns(browser, live_portal):
    _upload(browser, live_portal, FIXTURES / "plans" / "two-lead-columns.xlsx")
    wait_text(browser, "Hệ thống đọc các cột như sau")
    preview = browser.find_element(By.ID, "import-preview")
    assert "Theo dõi: Sở Khoa học và Công nghệ" in preview.text
    assert "Nhóm nhiệm vụ tìm thấy (2)" in preview.text
    screenshot(browser, "import-columns")
    _choose(browser, LEAD, "Cột 4: Đơn vị chủ trì theo dõi")
    _choose(browser, MONITORING, "Cột 5: Đơn vị chủ trì thực hiện")
    wait_text(browser, "Theo dõi: Công an phường")
    assert "Theo dõi: Sở Khoa học và Công nghệ" not in \
        browser.find_element(By.ID, "import-preview").text


def test_preview_on_a_phone(browser, live_portal):
    try:
        browser.set_window_size(390, 844)
        _upload(browser, live_portal, FIXTURES / "plans" / "vinh-tuy-nq57.docx")
        wait_text(browser, "Dòng không thành nhiệm vụ (6)")
        time.sleep(0.5)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the page must not scroll sideways on a phone"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(390, min(int(height) + 40, 6000))
        browser.save_screenshot(str(SCREENSHOTS / "phone-import-preview.png"))
    finally:
        browser.set_window_size(1366, 900)
