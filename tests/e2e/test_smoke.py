"""Browser smoke test: each role signs in and reaches its home page, with no CSP or
script errors in the console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

ACCOUNTS = [
    ("quantri", "QuanTri@2026", "Tổng quan hệ thống"),
    ("thamdinh", "ThamDinh@2026", "Tổng quan thẩm định"),
    ("lanhdao", "LanhDao@2026", "Tổng quan kế hoạch"),
    ("ubnd", "DonVi@2026", "Nhiệm vụ của đơn vị"),
]


def sign_in(browser, base: str, username: str, password: str) -> None:
    """Fills and submits the login form."""
    browser.delete_all_cookies()
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    # Wait for the answer to the form: either the portal or the login page with an error.
    WebDriverWait(browser, 20).until(
        lambda d: "/login" not in d.current_url or d.find_elements(By.ID, "login-error"))


def wait_text(browser, text: str, timeout: int = 20) -> None:
    """Waits until the page content shows ``text``."""
    WebDriverWait(browser, timeout).until(
        ec.text_to_be_present_in_element((By.ID, "page-content"), text))


def severe_console_errors(browser) -> list[str]:
    """Console errors, CSP violations included (favicon misses aside)."""
    return [entry["message"] for entry in browser.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]


def test_login_page(browser, live_portal):
    browser.get(f"{live_portal.url}/login")
    assert "Đăng nhập" in browser.page_source
    screenshot(browser, "login")


def test_wrong_password_shows_a_vietnamese_message(browser, live_portal):
    sign_in(browser, live_portal.url, "ubnd", "sai-mat-khau")
    error = WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.ID, "login-error"))).text
    assert error == "Tên đăng nhập hoặc mật khẩu không đúng."
    screenshot(browser, "login-error")


@pytest.mark.parametrize("username,password,heading", ACCOUNTS, ids=[a[0] for a in ACCOUNTS])
def test_each_role_reaches_its_home_page(browser, live_portal, username, password, heading):
    browser.get_log("browser")  # drop earlier entries
    sign_in(browser, live_portal.url, username, password)
    wait_text(browser, heading)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".stat-card"))
    assert severe_console_errors(browser) == []
    screenshot(browser, f"home-{username}")
