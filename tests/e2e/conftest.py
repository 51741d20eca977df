"""A live portal with demo data on a loopback port, and headless Chromium driving it."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from db.migrate import upgrade
from db.models import Task
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.app import create_app
from portal.settings import PROJECT_ROOT, Settings

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", PROJECT_ROOT / "var" / "screenshots"))


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not Path(CHROMEDRIVER).exists():
        return "chromedriver not found (apt-get install chromium-driver)"
    return None


@dataclass(frozen=True)
class LivePortal:
    """A running portal: its base URL and its database."""

    url: str
    database_url: str

    def task_id(self, code: str) -> int:
        """The id of a demo task by its code."""
        engine = make_engine(self.database_url)
        with engine.connect() as connection:
            return connection.scalar(select(Task.id).where(Task.code == code)
                                     .order_by(Task.id))  # Phước Bình's, loaded first

    def ward_id(self, code: str) -> int:
        """The id of a demo ward by its code."""
        from db.models import Ward

        engine = make_engine(self.database_url)
        with engine.connect() as connection:
            return connection.scalar(select(Ward.id).where(Ward.code == code))


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory) -> Iterator[LivePortal]:
    """Serves a portal with the demo province (as ``make run``) on a free loopback port."""
    from storage.local import LocalStore
    from workflow.demo import load_province_demo

    root = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{root / 'portal.db'}"
    upgrade(url)
    with unit_of_work(make_session_factory(make_engine(url))) as session:
        load_province_demo(session, store=LocalStore(root / "evidence"))
    settings = Settings(database_url=url, secret_key="e2e-secret", var_dir=root,
                        evidence_dir=root / "evidence", evidence_trust_dir=root / "trust",
                        login_rate_limit="100 per minute")
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LivePortal(f"http://127.0.0.1:{server.server_port}", url)
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Selenium and Debian's chromedriver."""
    reason = _browser_missing()
    if reason:
        pytest.skip(f"Browser tests SKIPPED: {reason}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-dev-shm-usage",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1366,900", "--lang=vi-VN"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> Path:
    """Saves a PNG of the current page under var/screenshots (for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = driver.execute_script("return document.body.scrollHeight") or 900
    driver.set_window_size(1366, min(max(int(height) + 40, 700), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1366, 900)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "browser" in item.fixturenames:
        driver = item.funcargs.get("browser")
        if driver is not None:
            screenshot(driver, f"FAILED-{item.name}")
            for entry in driver.get_log("browser"):
                print("browser console:", entry["level"], entry["message"][:300])
