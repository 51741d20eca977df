"""Dashboard charts in Chromium: a click on a bar opens the tasks behind it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import sign_in, wait_text

pytestmark = pytest.mark.e2e


def test_click_on_a_unit_bar_opens_its_tasks(browser, live_portal):
    sign_in(browser, live_portal.url, "lanhdao", "LanhDao@2026")
    browser.get(f"{live_portal.url}/tong-quan")
    wait_text(browser, "Theo đơn vị chủ trì")
    bar = WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-units .bars path"))[0]
    ActionChains(browser).move_to_element(bar).click().perform()
    WebDriverWait(browser, 20).until(lambda d: "/nhiem-vu?" in d.current_url)
    assert "don-vi=" in browser.current_url and "trang-thai=" in browser.current_url
    wait_text(browser, "Có ")
    screenshot(browser, "dashboard-click-through")
