"""Every action answers (issue 10), in headless Chromium with the demo accounts: a double
click files one action and shows one answer; irreversible actions ask first; drafts survive
a reload; a refused file says so; a resubmission shows its history; a completed task has no
forms; publishing shows the list it published; phone pages do not scroll sideways."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import func, select

from db.models import ClaimState, CompletionClaim, ProgressReport
from db.session import make_engine
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.test_smoke import sign_in, wait_text
from tests.storage.samples import pdf_bytes

pytestmark = pytest.mark.e2e
MAIN = "IV.2"    # led by UBND phường: progress, claim, rejection, resubmission, approval
SECOND = "IV.3"  # led by UBND phường: claim, withdrawal, claim again, bulk approval


def _wait(browser, condition, timeout: int = 20):
    return WebDriverWait(browser, timeout).until(condition)


def _scalar(portal, query):
    with make_engine(portal.database_url).connect() as connection:
        return connection.scalar(query)


def _claims(portal, task_id: int, state: ClaimState) -> int:
    return _scalar(portal, select(func.count()).select_from(CompletionClaim).where(
        CompletionClaim.task_id == task_id, CompletionClaim.state == state))


def _pending_id(portal, task_id: int) -> int:
    return _scalar(portal, select(CompletionClaim.id).where(
        CompletionClaim.task_id == task_id, CompletionClaim.state == ClaimState.PENDING))


def _double_click(browser, element_id: str) -> None:
    element = _wait(browser, ec.element_to_be_clickable((By.ID, element_id)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    # Two clicks in a row, as a double click delivers them.
    # Two clicks in a row, as a double click delivers them (dispatched on the element:
    # coordinates taken while the page settles after a reload sometimes miss it).
    browser.execute_script("arguments[0].click(); arguments[0].click();", element)


def _click(browser, element_id: str) -> None:
    element = _wait(browser, ec.element_to_be_clickable((By.ID, element_id)))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    browser.execute_script("arguments[0].click();", element)


def _shown_answers(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.action-answer'))"
        ".filter(function (e) { return e.offsetParent !== null; })"
        ".map(function (e) { return e.innerText; });")


def _answer(browser, text: str) -> None:
    """Waits for the success answer and checks it is the only one shown."""
    # Both clicks of a double click are answered; the second answer replaces the first, so
    # the page settles on exactly one answer and no refusal.
    _wait(browser, lambda d: [text in shown for shown in _shown_answers(d)] == [True]
          and not d.find_elements(By.CSS_SELECTOR, ".action-refusal"))


def _confirm_twice(browser, opener: str, dialog_text: str) -> None:
    """Opens an action's dialog, checks what it says, double-clicks its confirm button."""
    _double_click(browser, opener)
    dialog = _wait(browser, ec.visibility_of_element_located((By.ID, f"{opener}-dialog")))
    assert dialog_text in dialog.text
    # The dialog slides in: wait until its button stands still before clicking it.
    button = browser.find_element(By.ID, f"{opener}-confirm")
    seen = []
    _wait(browser, lambda d: seen.append(button.rect) or (len(seen) > 2 and
                                                          seen[-1] == seen[-2] == seen[-3]))
    ActionChains(browser).double_click(button).perform()


def _upload(browser, path, state: str) -> None:
    before = len(browser.find_elements(By.CSS_SELECTOR, f".evidence-{state}"))
    browser.find_element(By.ID, "evidence-file-input").send_keys(str(path))
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, f".evidence-{state}")) > before)


def _open_task(browser, portal, task_id: int, text: str) -> None:
    browser.get(f"{portal.url}/nhiem-vu/{task_id}")
    wait_text(browser, text)


def test_unit_actions_answer_once_and_drafts_survive(browser, live_portal, tmp_path):
    task_id, second_id = live_portal.task_id(MAIN), live_portal.task_id(SECOND)
    # The unit's head acts for the unit here: a head's claim is confirmed by filing it and
    # goes straight to the office (the head's own step is walked in the verification journey).
    sign_in(browser, live_portal.url, "tt-ubnd", "ThuTruong@2026")
    wait_text(browser, "Nhiệm vụ của đơn vị")

    # A half-written progress report survives a reload.
    _open_task(browser, live_portal, task_id, "Báo cáo tiến độ")
    browser.find_element(By.ID, "progress-percent").send_keys("60")
    browser.find_element(By.ID, "progress-narrative").send_keys("Đã họp triển khai đề án.")
    browser.refresh()
    _wait(browser, lambda d: d.find_element(By.ID, "progress-narrative").get_attribute("value")
          == "Đã họp triển khai đề án.")
    assert browser.find_element(By.ID, "progress-percent").get_attribute("value") == "60"

    # A refusal is said in words and goes away once the user fixes the form.
    percent = browser.find_element(By.ID, "progress-percent")
    percent.send_keys("0")  # 600 %
    _click(browser, "progress-submit")
    _wait(browser, lambda d: "0 đến 100" in d.find_element(By.ID, "action-flash").text)
    percent.send_keys(Keys.BACKSPACE)
    _wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".action-refusal"))

    # A double click files one report and says so once; the form is empty afterwards.
    reports = select(func.count()).select_from(ProgressReport).where(
        ProgressReport.task_id == task_id)
    before = _scalar(live_portal, reports)
    _double_click(browser, "progress-submit")
    _answer(browser, "Đã gửi báo cáo tiến độ tháng")
    assert _scalar(live_portal, reports) == before + 1
    _wait(browser, lambda d: d.find_element(By.ID, "progress-narrative")
          .get_attribute("value") == "")
    screenshot(browser, "feedback-1-progress-sent")

    # A refused file shows the refused state, not a broken bar.
    fake = tmp_path / "bao-cao.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 2048)  # a Windows program renamed .pdf
    _upload(browser, fake, "error")
    refused = browser.find_element(By.CSS_SELECTOR, ".evidence-error")
    assert "Không nhận file này:" in refused.text
    assert not refused.find_element(By.CSS_SELECTOR, ".progress").is_displayed()
    screenshot(browser, "feedback-2-refused-file")

    # A staged file survives a reload; a double click files one claim, answered once.
    first = tmp_path / "Đề án chuyển đổi số.pdf"
    first.write_bytes(pdf_bytes(2))
    kept = tmp_path / "Biên bản họp.pdf"
    kept.write_bytes(pdf_bytes(3))
    _upload(browser, first, "done")
    _upload(browser, kept, "done")
    browser.refresh()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".evidence-done")) == 2)
    browser.find_element(By.ID, "claim-note").send_keys("Gửi đề án và biên bản.")
    _double_click(browser, "claim-submit")
    _answer(browser, "Đã gửi đề nghị công nhận hoàn thành nhiệm vụ IV.2 kèm 2 file")
    wait_text(browser, "đang chờ Văn phòng Đảng ủy thẩm định")
    assert _claims(live_portal, task_id, ClaimState.PENDING) == 1

    # Withdrawing asks first; a double click on the confirmation withdraws once.
    _open_task(browser, live_portal, second_id, "Đề nghị công nhận hoàn thành")
    other = tmp_path / "Kế hoạch.pdf"
    other.write_bytes(pdf_bytes(4))
    _upload(browser, other, "done")
    _click(browser, "claim-submit")
    _answer(browser, "Đã gửi đề nghị")
    wait_text(browser, "đang chờ Văn phòng Đảng ủy thẩm định")
    _confirm_twice(browser, "claim-withdraw", "Đề nghị sẽ không còn trong danh sách")
    _answer(browser, "Đã rút đề nghị công nhận hoàn thành nhiệm vụ IV.3")
    assert _claims(live_portal, second_id, ClaimState.WITHDRAWN) == 1
    again = tmp_path / "Kế hoạch đã ký.pdf"
    again.write_bytes(pdf_bytes(5))
    _wait(browser, ec.presence_of_element_located((By.ID, "evidence-file-input")))
    _upload(browser, again, "done")
    _click(browser, "claim-submit")
    _answer(browser, "Đã gửi đề nghị")
    assert _claims(live_portal, second_id, ClaimState.PENDING) == 1


def test_reviewer_decisions_ask_first_and_show_the_history(browser, live_portal, tmp_path):
    task_id, second_id = live_portal.task_id(MAIN), live_portal.task_id(SECOND)
    sign_in(browser, live_portal.url, "thamdinh", "ThamDinh@2026")
    wait_text(browser, "Tổng quan thẩm định")

    # Rejecting asks first; a double click on the confirmation rejects once.
    browser.get(f"{live_portal.url}/tham-dinh/{_pending_id(live_portal, task_id)}")
    wait_text(browser, "Kết quả thẩm định")
    Select(browser.find_element(By.ID, "claim-reason")).select_by_value("unsigned")
    browser.find_element(By.ID, "claim-reason-text").send_keys("Đề án chưa có chữ ký số.")
    _confirm_twice(browser, "claim-reject", "ghi nhận “Không hoàn thành”")
    _answer(browser, "Đã trả lại đề nghị nhiệm vụ IV.2")
    assert _claims(live_portal, task_id, ClaimState.REJECTED) == 1

    # The unit resubmits: one file kept, one replaced.
    sign_in(browser, live_portal.url, "tt-ubnd", "ThuTruong@2026")
    _open_task(browser, live_portal, task_id, "Không hoàn thành")
    # The note sent with the first claim is not offered again as a draft.
    assert browser.find_element(By.ID, "claim-note").get_attribute("value") == ""
    banner = browser.find_element(By.ID, "rejection-banner").text
    assert ".." not in banner and "Đề án chưa có chữ ký số." in banner
    signed = tmp_path / "Đề án đã ký số.pdf"
    signed.write_bytes(pdf_bytes(2, signed=True))
    kept = tmp_path / "Biên bản họp (bản lại).pdf"
    kept.write_bytes(pdf_bytes(3))  # the same content as before under another name
    _upload(browser, signed, "done")
    _upload(browser, kept, "done")
    _click(browser, "claim-submit")
    _answer(browser, "Đã gửi đề nghị")

    # The reviewer sees the earlier rejection and which files changed, then approves once.
    sign_in(browser, live_portal.url, "thamdinh", "ThamDinh@2026")
    browser.get(f"{live_portal.url}/tham-dinh/{_pending_id(live_portal, task_id)}")
    wait_text(browser, "Đề nghị gửi lại — các lần trước")
    history = browser.find_element(By.ID, "claim-history").text
    assert "Đã trả lại — không hoàn thành" in history
    assert "Đề án chưa có chữ ký số." in history and "Trần Thị Thẩm" in history
    assert "1 file mới, 1 file đã bỏ, 1 file không đổi" in history
    screenshot(browser, "feedback-3-resubmission-history")
    _confirm_twice(browser, "claim-approve", "sẽ được công nhận “Hoàn thành”")
    _answer(browser, "Đã phê duyệt đề nghị nhiệm vụ IV.2")
    assert _claims(live_portal, task_id, ClaimState.APPROVED) == 1

    # Bulk approval asks first; a double click approves once.
    browser.get(f"{live_portal.url}/tham-dinh/{_pending_id(live_portal, second_id)}")
    wait_text(browser, "Kết quả thẩm định")
    browser.get(f"{live_portal.url}/tham-dinh")
    wait_text(browser, "Chờ thẩm định")
    claim_id = _pending_id(live_portal, second_id)
    box = _wait(browser, ec.presence_of_element_located(
        (By.CSS_SELECTOR, f"[id*='\"index\":{claim_id}']")))
    browser.execute_script("arguments[0].click();", box)
    _confirm_twice(browser, "queue-bulk-approve", "Mỗi đề nghị đã chọn")
    _answer(browser, "Đã phê duyệt 1 đề nghị")
    assert _claims(live_portal, second_id, ClaimState.APPROVED) == 1

    # The completed task: 100 %, "Hoàn thành" with the approver, no forms, history kept.
    sign_in(browser, live_portal.url, "tt-ubnd", "ThuTruong@2026")
    _open_task(browser, live_portal, task_id, "Trần Thị Thẩm")
    status = browser.find_element(By.ID, "task-status-card").text
    assert "100%" in status and "Hoàn thành" in status and "Trần Thị Thẩm" in status
    assert not browser.find_elements(By.ID, "progress-card")
    assert not browser.find_elements(By.ID, "claim-card")
    assert "Trả lại — ghi nhận không hoàn thành" in browser.find_element(
        By.ID, "task-timeline").text
    screenshot(browser, "feedback-4-completed-task")


def test_publishing_asks_then_shows_the_published_list(browser, live_portal):
    sign_in(browser, live_portal.url, "thamdinh", "ThamDinh@2026")
    wait_text(browser, "Tổng quan thẩm định")
    browser.get(f"{live_portal.url}/canh-bao?ngay=2026-04-30&ky=month")
    wait_text(browser, "Danh sách cảnh báo Tháng 04/2026, tính đến ngày 30/04/2026")
    _confirm_twice(browser, "warnings-publish", "Tháng 04/2026, tính đến ngày 30/04/2026")
    _answer(browser, "Đã công bố danh sách cảnh báo Tháng 04/2026")
    card = _wait(browser, ec.visibility_of_element_located((By.ID, "warnings-just-published")))
    assert "Đã công bố: Danh sách cảnh báo Tháng 04/2026" in card.text
    assert "Tải PDF" in card.text and "Tải Excel" in card.text
    # The chosen day is kept, and the page shows the same period.
    days = [box.get_attribute("value") for box in
            browser.find_elements(By.CSS_SELECTOR, "#warnings-page .card input")]
    assert "30/04/2026" in days
    wait_text(browser, "Danh sách cảnh báo Tháng 04/2026, tính đến ngày 30/04/2026")
    screenshot(browser, "feedback-5-published")


def test_phone_pages_do_not_scroll_sideways(browser, live_portal):
    try:
        browser.set_window_size(390, 844)
        sign_in(browser, live_portal.url, "ubnd", "DonVi@2026")
        wait_text(browser, "Nhiệm vụ của đơn vị")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "the home page must not scroll sideways on a phone"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / "feedback-phone-home.png"))
        _open_task(browser, live_portal, live_portal.task_id("V.2.1"), "Báo cáo tiến độ")
        status = browser.find_element(By.ID, "task-status-card").location["y"]
        assert status < browser.find_element(By.ID, "progress-card").location["y"]
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "the task page must not scroll sideways on a phone"
        browser.save_screenshot(str(SCREENSHOTS / "feedback-phone-task.png"))
    finally:
        browser.set_window_size(1366, 900)
