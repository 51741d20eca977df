"""The import page in the browser: upload the Word appendix, see the preview, save."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import FIXTURES
from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import sign_in, wait_text

pytestmark = pytest.mark.e2e


def test_admin_previews_and_saves_a_plan(browser, live_portal):
    sign_in(browser, live_portal.url, "quantri", "QuanTri@2026")
    wait_text(browser, "Tổng quan hệ thống")
    browser.get(f"{live_portal.url}/quan-tri/nhap-ke-hoach")
    wait_text(browser, "Nhập kế hoạch từ tệp")
    browser.find_element(By.ID, "import-number").send_keys("KH/ĐU-2026")
    year = browser.find_element(By.ID, "import-year")
    year.clear()
    year.send_keys("2026")
    upload = browser.find_element(By.CSS_SELECTOR, "#import-upload input[type=file]")
    upload.send_keys(str(FIXTURES / "ke-hoach-phuoc-binh-2026.docx"))
    wait_text(browser, "32 nhiệm vụ")
    assert "32 đã có (sẽ cập nhật)" in browser.find_element(By.ID, "import-preview").text
    screenshot(browser, "import-preview")
    browser.execute_script("document.getElementById('import-confirm').click();")
    wait_text(browser, "Đã lưu kế hoạch")
    assert "không đổi 32" in browser.find_element(By.ID, "import-result").text
