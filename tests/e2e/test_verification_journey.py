"""The whole verification loop in headless Chromium with the demo accounts:
progress → claim with a PDF and a photo → the unit head confirms → rejection with a reason →
new claim → the head confirms → approval, and the reviewer sees the chain of claims."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.conftest import screenshot
from tests.e2e.test_smoke import sign_in, wait_text
from tests.storage.samples import jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.e2e
TASK = "II.1"  # led by UBND phường


def _wait(browser, condition, timeout: int = 20):
    return WebDriverWait(browser, timeout).until(condition)


def _open_task(browser, portal, task_id: int, text: str) -> None:
    browser.get(f"{portal.url}/nhiem-vu/{task_id}")
    wait_text(browser, text)


def _upload(browser, path, kind: str, expected_done: int, day: str = "") -> None:
    Select(browser.find_element(By.ID, "evidence-kind")).select_by_value(kind)
    date_box = browser.find_element(By.ID, "evidence-date")
    date_box.clear()
    date_box.send_keys(day)
    browser.find_element(By.ID, "evidence-file-input").send_keys(str(path))
    _wait(browser, lambda d: len([e for e in d.find_elements(By.CSS_SELECTOR, ".evidence-status")
                                  if e.text == "Đã tải lên."]) == expected_done)


def _click(browser, element_id: str) -> None:
    element = _wait(browser, ec.element_to_be_clickable((By.ID, element_id)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    browser.execute_script("arguments[0].click();", element)


def _claim(browser, portal, task_id, files, note, shot_prefix):
    _open_task(browser, portal, task_id, "Đề nghị công nhận hoàn thành")
    _wait(browser, ec.presence_of_element_located((By.ID, "evidence-file-input")))
    for done, (path, kind, day) in enumerate(files, start=1):
        _upload(browser, path, kind, done, day)
    assert browser.find_elements(By.CSS_SELECTOR, ".evidence-item .progress-bar.bg-success")
    screenshot(browser, f"{shot_prefix}-evidence-uploaded")
    browser.find_element(By.ID, "claim-note").send_keys(note)
    _click(browser, "claim-submit")
    wait_text(browser, "đang chờ thủ trưởng đơn vị xác nhận")


def _head_confirms(browser, portal, shot: str) -> None:
    """The head of UBND phường sees the claim with its files and confirms it."""
    sign_in(browser, portal.url, "tt-ubnd", "ThuTruong@2026")
    browser.get(f"{portal.url}/xac-nhan")
    wait_text(browser, "Xây dựng Chương trình")
    page = browser.find_element(By.ID, "head-page").text
    assert "SHA-256" in page
    screenshot(browser, shot)
    button = _wait(browser, ec.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Xác nhận, chuyển Văn phòng Đảng ủy thẩm định')]")))
    browser.execute_script("arguments[0].click();", button)
    wait_text(browser, "Đã xác nhận; đề nghị đã chuyển Văn phòng Đảng ủy thẩm định.")
    wait_text(browser, "Không có đề nghị nào chờ thủ trưởng xác nhận.")


def _review(browser, portal, approve: bool, shot: str, chain: bool = False) -> None:
    sign_in(browser, portal.url, "thamdinh", "ThamDinh@2026")
    wait_text(browser, "Tổng quan thẩm định")
    browser.get(f"{portal.url}/tham-dinh")
    wait_text(browser, "Chờ thẩm định")
    link = _wait(browser, ec.element_to_be_clickable((By.PARTIAL_LINK_TEXT, "Xây dựng Chương trình")))
    link.click()
    wait_text(browser, "Minh chứng (")
    assert "ngày văn bản/ảnh" in browser.find_element(By.ID, "claim-page").text
    _wait(browser, ec.presence_of_element_located((By.ID, "claim-approve")))
    confirmation = browser.find_element(By.ID, "claim-confirmation").text
    assert "Nguyễn Văn Trưởng" in confirmation and "xác nhận lúc" in confirmation
    if chain:
        links = browser.find_element(By.ID, "claim-chain").text
        assert "Lần 1" in links and "Lần 2" in links and "Văn bản chưa ký" in links
        assert "Thêm (1)" in links and "Bỏ (2)" in links
    screenshot(browser, shot)
    if approve:
        _click(browser, "claim-approve")
        _click(browser, "claim-approve-confirm")  # the dialog asks first
    else:
        Select(browser.find_element(By.ID, "claim-reason")).select_by_value("unsigned")
        browser.find_element(By.ID, "claim-reason-text").send_keys("Quyết định chưa có chữ ký")
        _click(browser, "claim-reject")
        _click(browser, "claim-reject-confirm")
    _wait(browser, lambda d: d.current_url.endswith("/tham-dinh"))
    wait_text(browser, "Chờ thẩm định")


def test_unit_claims_reviewer_rejects_then_approves(browser, live_portal, tmp_path):
    pdf, photo, second = tmp_path / "Quyết định ban hành.pdf", tmp_path / "Ảnh hội nghị.jpg", \
        tmp_path / "Quyết định đã ký.pdf"
    pdf.write_bytes(pdf_bytes(2))
    photo.write_bytes(jpeg_bytes((640, 480), taken="2026:03:10 09:00:00"))
    second.write_bytes(pdf_bytes(3, signed=True))
    task_id = live_portal.task_id(TASK)

    # 1. The unit reports progress and claims completion with a PDF and a photo.
    sign_in(browser, live_portal.url, "ubnd", "DonVi@2026")
    wait_text(browser, "Nhiệm vụ của đơn vị")
    _open_task(browser, live_portal, task_id, "Báo cáo tiến độ")
    browser.find_element(By.ID, "progress-percent").send_keys("100")
    browser.find_element(By.ID, "progress-narrative").send_keys("Chương trình đã được ban hành.")
    _click(browser, "progress-submit")
    wait_text(browser, "100%")
    _claim(browser, live_portal, task_id, [(pdf, "signed_document", "05/03/2026"), (photo, "photo", "")],
           "Gửi kèm quyết định và ảnh hội nghị.", "journey-1")
    screenshot(browser, "journey-1-claim-filed")
    # Not in the office queue until the unit head confirms it.
    sign_in(browser, live_portal.url, "thamdinh", "ThamDinh@2026")
    browser.get(f"{live_portal.url}/tham-dinh")
    wait_text(browser, "Không có đề nghị nào đang chờ thẩm định.")
    _head_confirms(browser, live_portal, "journey-1-head-confirms")

    # 2. The reviewer rejects with a reason.
    _review(browser, live_portal, approve=False, shot="journey-2-review-claim")

    # 3. The unit sees "không hoàn thành" and the reason, then files a new claim.
    sign_in(browser, live_portal.url, "ubnd", "DonVi@2026")
    wait_text(browser, "Nhiệm vụ của đơn vị")
    _open_task(browser, live_portal, task_id, "Không hoàn thành")
    banner = browser.find_element(By.ID, "rejection-banner").text
    assert "Văn bản chưa ký" in banner and "Quyết định chưa có chữ ký" in banner
    screenshot(browser, "journey-3-rejected")
    _claim(browser, live_portal, task_id, [(second, "signed_document", "20/03/2026")],
           "Bổ sung quyết định đã ký số.", "journey-3")
    _head_confirms(browser, live_portal, "journey-3-head-confirms-again")

    # 4. The reviewer sees the chain (the second claim follows the rejected one: one file
    # added, two removed) and approves.
    _review(browser, live_portal, approve=True, shot="journey-4-review-second-claim",
            chain=True)

    # 5. The task is "hoàn thành" and the timeline shows every step.
    sign_in(browser, live_portal.url, "lanhdao", "LanhDao@2026")
    wait_text(browser, "Tổng quan kế hoạch")
    _open_task(browser, live_portal, task_id, "Hoàn thành")
    timeline = browser.find_element(By.ID, "task-timeline").text
    for step in ("Đề nghị công nhận hoàn thành", "Trả lại — ghi nhận không hoàn thành",
                 "Thủ trưởng đơn vị xác nhận, chuyển thẩm định",
                 "Văn phòng Đảng ủy công nhận hoàn thành", "Báo cáo tiến độ"):
        assert step in timeline
    assert timeline.count("Đề nghị công nhận hoàn thành") == 2
    screenshot(browser, "journey-5-completed")
