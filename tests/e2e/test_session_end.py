"""Sessions that end, in headless Chromium: the logout button posts, Back after logout shows
the login page, and a page whose session ended elsewhere goes to the login form saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from db.models import LoginSession, User
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.sessions import SESSION_EXPIRED
from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import severe_console_errors, sign_in
from workflow import accounts

pytestmark = pytest.mark.e2e
USER, PASSWORD = "congan", "DonVi@2026"


def _open_task_list(browser, base: str) -> None:
    browser.get(f"{base}/nhiem-vu")
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, "tasks-search")))


def test_logout_button_posts_and_back_shows_the_login_page(browser, live_portal):
    sign_in(browser, live_portal.url, USER, PASSWORD)
    _open_task_list(browser, live_portal.url)
    browser.find_element(By.CSS_SELECTOR, "#user-menu .dropdown-toggle, "
                                          "#user-menu.dropdown-toggle").click()
    button = WebDriverWait(browser, 10).until(ec.element_to_be_clickable((By.ID, "logout-link")))
    browser.save_screenshot(str(screenshot(browser, "user-menu-desktop").parent
                                / "user-menu-open.png"))
    button.click()
    WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
    assert browser.find_elements(By.ID, "username")

    browser.back()
    WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
    assert browser.find_elements(By.ID, "username")
    assert not browser.find_elements(By.ID, "tasks-search")


def test_a_session_ended_elsewhere_sends_the_page_to_the_login_form(browser, live_portal):
    sign_in(browser, live_portal.url, USER, PASSWORD)
    _open_task_list(browser, live_portal.url)
    browser.get_log("browser")  # start the console check from here
    factory = make_session_factory(make_engine(live_portal.database_url))
    with unit_of_work(factory) as session:
        user_id = session.scalar(select(User.id).where(User.username == USER))
        accounts.end_sessions(session, user_id=user_id)

    browser.find_element(By.ID, "tasks-search").send_keys("chuyển đổi", Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
    message = WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.ID, "login-error")))
    assert message.text == SESSION_EXPIRED
    folder = screenshot(browser, "session-expired-desktop").parent
    browser.set_window_size(390, 844)
    browser.save_screenshot(str(folder / "session-expired-phone.png"))
    browser.set_window_size(1366, 900)

    browser.find_element(By.ID, "username").send_keys(USER)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/nhiem-vu"))
    errors = [e for e in severe_console_errors(browser) if "401" not in e]
    assert not errors, errors


def _age_revoked_sessions(database_url: str, seconds: int) -> int:
    """Moves every revocation into the past, as if the rotation grace had run out."""
    factory = make_session_factory(make_engine(database_url))
    with unit_of_work(factory) as session:
        rows = session.scalars(select(LoginSession).where(LoginSession.revoked_at.is_not(None)))
        count = 0
        for row in rows:
            row.revoked_at -= timedelta(seconds=seconds)
            count += 1
    return count


def test_remember_me_rotation_keeps_a_reopened_browser_signed_in(browser, live_portal):
    browser.delete_all_cookies()
    browser.get(f"{live_portal.url}/login")
    browser.find_element(By.ID, "username").send_keys(USER)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "remember").click()
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: "/login" not in d.current_url)
    first = browser.get_cookie("portal_remember")["value"]

    # The browser was closed: only the remember-me cookie is left. The task page's first
    # load sends it with the page and with Dash's parallel requests. Leaving the Dash page
    # first stops its requests still in flight, which would otherwise set the session
    # cookie again after it was deleted.
    browser.get(f"{live_portal.url}/login")  # a plain page: no Dash request in flight
    browser.delete_cookie("portal_session")
    _open_task_list(browser, live_portal.url)
    rotated = browser.get_cookie("portal_remember")["value"]
    assert rotated != first

    # Past the grace the rotated-out token is refused, yet this browser stays signed in,
    # with its session cookie and, once closed again, with its new remember-me cookie.
    assert _age_revoked_sessions(live_portal.database_url, 3600) >= 1
    browser.find_element(By.ID, "tasks-search").send_keys("chuyển đổi", Keys.ENTER)
    _open_task_list(browser, live_portal.url)
    browser.get(f"{live_portal.url}/login")  # a plain page: no Dash request in flight
    browser.delete_cookie("portal_session")
    _open_task_list(browser, live_portal.url)
    assert "/login" not in browser.current_url

    # The first cookie replayed in another browser is refused.
    browser.delete_all_cookies()
    browser.get(f"{live_portal.url}/login")
    browser.add_cookie({"name": "portal_remember", "value": first, "path": "/"})
    browser.get(f"{live_portal.url}/nhiem-vu")
    WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
