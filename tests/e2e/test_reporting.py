"""Reporting upward in Chromium: the office generates a Word report; the admin sets the
calendar and creates an API token that is shown once. Screenshots on desktop and phone."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_smoke import severe_console_errors, sign_in, wait_text

pytestmark = pytest.mark.e2e


def _phone_shot(browser, name: str) -> None:
    try:
        browser.set_window_size(390, 844)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the page must not scroll sideways on a phone"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"phone-{name}.png"))
    finally:
        browser.set_window_size(1366, 900)


def test_office_generates_a_word_report(browser, live_portal):
    browser.get_log("browser")
    sign_in(browser, live_portal.url, "thamdinh", "ThamDinh@2026")
    browser.get(f"{live_portal.url}/bao-cao-dinh-ky")
    wait_text(browser, "Chưa lập báo cáo nào")
    browser.find_element(By.ID, "report-generate").click()
    WebDriverWait(browser, 30).until(
        ec.text_to_be_present_in_element((By.ID, "report-message"), "Đã nhận yêu cầu"))
    # The portal's own consumer thread writes it; the page polls and redraws when done.
    link = WebDriverWait(browser, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "#reports-table a[href$='.docx']")))
    assert link.text == "Tải Word"
    assert severe_console_errors(browser) == []
    screenshot(browser, "page-reports")
    _phone_shot(browser, "reports")


def test_admin_sets_calendar_and_creates_a_token(browser, live_portal):
    browser.get_log("browser")
    sign_in(browser, live_portal.url, "quantri", "QuanTri@2026")
    browser.get(f"{live_portal.url}/")
    wait_text(browser, "Tổng quan")
    browser.find_element(By.ID, "user-menu").click()
    WebDriverWait(browser, 10).until(ec.element_to_be_clickable(
        (By.LINK_TEXT, "Lịch báo cáo và API"))).click()
    wait_text(browser, "Mã truy cập API")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1366, "the navigation bar must fit on one line"
    for field, value in (("calendar-unit-day", "20"), ("calendar-office-day", "21")):
        day = browser.find_element(By.ID, field)
        day.clear()
        day.send_keys(value)
    browser.find_element(By.ID, "calendar-save").click()
    WebDriverWait(browser, 20).until(
        ec.text_to_be_present_in_element((By.ID, "calendar-message"), "ngày 20 hằng tháng"))
    browser.find_element(By.ID, "token-name").send_keys("He thong Tinh")
    browser.find_element(By.ID, "token-create").click()
    WebDriverWait(browser, 20).until(
        ec.presence_of_element_located((By.ID, "token-secret")))
    assert browser.find_element(By.ID, "token-secret").text.startswith("pbk_")
    assert "He thong Tinh" in browser.find_element(By.ID, "tokens-table").text
    assert severe_console_errors(browser) == []
    screenshot(browser, "page-reporting-admin")
    _phone_shot(browser, "reporting-admin")
