"""The unit's task page on a phone-sized screen: collapsed menu, uploader with camera."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_smoke import sign_in, wait_text

pytestmark = pytest.mark.e2e


def test_task_page_on_a_phone(browser, live_portal):
    try:
        browser.set_window_size(390, 844)
        sign_in(browser, live_portal.url, "congan", "DonVi@2026")
        browser.get(f"{live_portal.url}/nhiem-vu/{live_portal.task_id('V.7.2')}")
        wait_text(browser, "Đề nghị công nhận hoàn thành")
        camera = browser.find_element(By.ID, "evidence-camera-input")
        assert camera.get_attribute("capture") == "environment"
        assert camera.get_attribute("accept") == "image/*"
        assert browser.find_element(By.ID, "navbar-toggler").is_displayed()
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the page must not scroll sideways on a phone"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / "phone-task.png"))
    finally:
        browser.set_window_size(1366, 900)
