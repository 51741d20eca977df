"""A double click on "Gửi đề nghị" (or a retried request) through the real callback: the
same claim comes back, the page is redrawn, no error and exactly one pending claim."""

from __future__ import annotations

import threading
from urllib.parse import quote

from sqlalchemy import select

from db.models import ClaimState, CompletionClaim, EvidenceFile
from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN, content_text, route_page, run_action
from tests.storage.samples import pdf_bytes


def _submit(app, client, task_id: int, ids: list[int]):
    return run_action(app, client, "claim-submit", [
        {"id": "claim-task", "property": "data", "value": task_id},
        {"id": "claim-staged", "property": "data", "value": {"ids": ids, "busy": False}},
        {"id": "claim-note", "property": "value", "value": "Đã xong"}])


def _pending(settings, task_id: int) -> list[tuple[int, list[int]]]:
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        claims = session.scalars(select(CompletionClaim).where(
            CompletionClaim.task_id == task_id,
            CompletionClaim.state == ClaimState.PENDING)).all()
        return [(c.id, sorted(session.scalars(select(EvidenceFile.id).where(
            EvidenceFile.claim_id == c.id)))) for c in claims]


def test_double_click_and_retry_file_one_claim(app, client_for, web_world, settings):
    task_id = web_world.task_a.id
    first, second = client_for("member_a"), client_for("member_a")
    ids = [first.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote('Biên bản.pdf')}",
                      data=pdf_bytes(), content_type="application/octet-stream",
                      headers=ORIGIN).get_json()["id"] for _ in range(2)]
    responses = [None, None]

    def click(slot, client):
        responses[slot] = _submit(app, client, task_id, ids)

    threads = [threading.Thread(target=click, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    retried = _submit(app, first, task_id, ids)
    for response in (*responses, retried):
        assert response.status_code == 200
        # The callback asks for the page to be redrawn (portal/refresh.py); the router draws it.
        assert "page-refresh" in response.get_json()["response"]
        shown = content_text(route_page(first, f"/nhiem-vu/{task_id}"))
        assert "Đơn vị đã gửi đề nghị, đang chờ Văn phòng Đảng ủy thẩm định." in shown
        # One answer in words, the same for every repeat.
        answer = content_text(response)
        assert "Đã gửi đề nghị công nhận hoàn thành nhiệm vụ" in answer
        assert "kèm 2 file minh chứng" in answer and "action-refusal" not in answer
    assert _pending(settings, task_id) == [(_pending(settings, task_id)[0][0], sorted(ids))]
