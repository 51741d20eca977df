"""Signed evidence in headless Chromium: the admin adds the root CA on the trust page, a
unit's signed PDFs are validated at upload, the reviewer sees a verdict per signature and
the queue shows which claims carry a valid signature (desktop and phone screenshots)."""

from __future__ import annotations

import io
import threading

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from werkzeug.serving import make_server

from db.migrate import upgrade
from db.models import Task, User
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.app import create_app
from portal.settings import Settings, build_trust_store
from storage.local import LocalStore
from tests.e2e.conftest import SCREENSHOTS, LivePortal, screenshot
from tests.e2e.test_smoke import sign_in, wait_text
from tests.signing import shared_cases
from workflow import claims
from workflow.evidence import stage_upload
from workflow.labels import SIGNATURE_LABELS as SUMMARY_LABELS
from workflow.signatures import EXPIRED_TEXT, MODIFIED_TEXT, UNTRUSTED_TEXT

pytestmark = pytest.mark.e2e
TASK = "II.1"  # led by UBND phường


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A portal of its own: the claims filed here must not change other browser tests."""
    from workflow.demo import load_province_demo

    root = tmp_path_factory.mktemp("signatures")
    url = f"sqlite:///{root / 'portal.db'}"
    upgrade(url)
    with unit_of_work(make_session_factory(make_engine(url))) as session:
        load_province_demo(session)
    settings = Settings(database_url=url, secret_key="e2e-secret", var_dir=root,
                        evidence_dir=root / "evidence", evidence_trust_dir=root / "trust",
                        login_rate_limit="100 per minute")
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield LivePortal(f"http://127.0.0.1:{server.server_port}", url), settings
    server.shutdown()


def _file_claim(settings: Settings, files: dict[str, bytes]) -> int:
    with unit_of_work(make_session_factory(make_engine(settings.database_url))) as session:
        # Filed by the unit head: confirmed by filing it, so it goes straight to the queue.
        member = session.scalar(select(User).where(User.username == "tt-ubnd"))
        task = session.scalar(select(Task).where(Task.code == TASK))
        staged = [stage_upload(session, actor=member, task_id=task.id, stream=io.BytesIO(data),
                               filename=name, store=LocalStore(settings.evidence_dir),
                               max_bytes=50 * 2**20, kind="signed_document",
                               trust=build_trust_store(settings)).id
                  for name, data in files.items()]
        return claims.file_claim(session, actor=member, task_id=task.id,
                                 evidence_ids=staged).id


def test_trust_page_then_reviewer_verdicts(browser, portal, tmp_path):
    live, settings = portal
    pki, cases = shared_cases()
    root = tmp_path / "root-ca.pem"
    root.write_bytes(pki.root.pem)

    sign_in(browser, live.url, "quantritinh", "QuanTriTinh@2026")
    wait_text(browser, "Toàn tỉnh")
    browser.find_element(By.ID, "user-menu").find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.LINK_TEXT, "Chứng thư số tin cậy").is_displayed())
    browser.find_element(By.LINK_TEXT, "Chứng thư số tin cậy").click()
    wait_text(browser, "Chưa có chứng thư CA nào")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    browser.find_element(By.CSS_SELECTOR, "#trust-upload input[type=file]").send_keys(str(root))
    wait_text(browser, "Đã thêm chứng thư “Test Root CA Việt Nam”")
    assert "Test Root CA Việt Nam" in browser.find_element(By.ID, "trust-table").text
    screenshot(browser, "trust-store")

    claim_id = _file_claim(settings, {
        "Quyết định đã ký.pdf": cases["two"],
        "Tờ trình sửa sau khi ký.pdf": cases["extended"],
        "Báo cáo tự ký.pdf": cases["self_signed"],
        "Công văn chứng thư hết hạn.pdf": cases["expired"],
    })
    sign_in(browser, live.url, "thamdinh", "ThamDinh@2026")
    browser.get(f"{live.url}/tham-dinh")
    wait_text(browser, SUMMARY_LABELS["valid"])
    screenshot(browser, "review-queue-signatures")
    browser.get(f"{live.url}/tham-dinh/{claim_id}")
    wait_text(browser, "Chữ ký 2/2: Chữ ký hợp lệ — ký bởi TRẦN THỊ B")
    text = browser.find_element(By.ID, "page-content").text
    for phrase in (MODIFIED_TEXT, UNTRUSTED_TEXT, EXPIRED_TEXT,
                   "Chữ ký 1/2: Chữ ký hợp lệ — ký bởi NGUYỄN VĂN A"):
        assert phrase in text
    screenshot(browser, "review-claim-signatures")
    try:
        browser.set_window_size(390, 844)
        browser.get(f"{live.url}/tham-dinh/{claim_id}")
        wait_text(browser, "Chữ ký 2/2")
        WebDriverWait(browser, 10).until(
            lambda d: d.execute_script("return document.documentElement.scrollWidth") <= 400)
        browser.save_screenshot(str(SCREENSHOTS
                                    / "phone-review-claim-signatures.png"))
        sign_in(browser, live.url, "quantritinh", "QuanTriTinh@2026")
        browser.get(f"{live.url}/quan-tri/chung-thu-tin-cay")
        wait_text(browser, "Test Root CA Việt Nam")
        WebDriverWait(browser, 10).until(
            lambda d: d.execute_script("return document.documentElement.scrollWidth") <= 400)
        browser.save_screenshot(str(SCREENSHOTS
                                    / "phone-trust-store.png"))
    finally:
        browser.set_window_size(1366, 900)
