"""A PDF with active content is kept on the evidence row and shown to the reviewer."""

from __future__ import annotations

import io

from tests.storage.test_ingest_hardening import _open_action_js, _pdf_with
from workflow import evidence
from workflow.evidence_checks import checks_for


def test_active_content_is_stored_and_shown_to_the_reviewer(session, world, local_store):
    stored = evidence.stage_upload(session, actor=world.member_a, task_id=world.task_a.id,
                                   stream=io.BytesIO(_pdf_with(_open_action_js)),
                                   filename="Tờ trình.pdf", store=local_store, max_bytes=10**6)
    session.commit()
    session.expire_all()
    assert stored.pdf_active_content == "javascript,open_action"
    texts = [(c.level, c.text) for c in checks_for(session, stored, world.task_a)]
    assert ("danger", "PDF chứa nội dung có thể tự chạy hoặc mở chương trình khác (mã "
                      "JavaScript, hành động tự chạy khi mở tệp). Không bật JavaScript khi mở; "
                      "chỉ công nhận khi nội dung văn bản rõ ràng, hợp lệ.") in texts


def test_plain_pdf_has_no_active_content_warning(session, world, local_store):
    from tests.storage.samples import pdf_bytes

    stored = evidence.stage_upload(session, actor=world.member_a, task_id=world.task_a.id,
                                   stream=io.BytesIO(pdf_bytes()), filename="a.pdf",
                                   store=local_store, max_bytes=10**6)
    assert stored.pdf_active_content is None
    assert not any("tự chạy" in c.text for c in checks_for(session, stored, world.task_a))
