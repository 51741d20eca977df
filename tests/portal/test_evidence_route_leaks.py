"""Evidence routes answer a hidden object exactly as a missing one."""

from __future__ import annotations

from urllib.parse import quote

from tests.portal.conftest import ORIGIN
from tests.storage.samples import pdf_bytes

MISSING = 987_654


def _upload(client, task_id: int, name: str = "Biên bản họp.pdf"):
    return client.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote(name)}",
                       data=pdf_bytes(), content_type="application/octet-stream",
                       headers=ORIGIN)


def test_hidden_evidence_and_tasks_look_missing(client_for, web_world):
    owner = client_for("member_a")
    evidence_id = _upload(owner, web_world.task_a.id).get_json()["id"]
    for username in ("member_c", "member_b"):  # C: task hidden; B: A's staged file
        other = client_for(username)
        for suffix in ("", "?xem=1", "/anh-nho"):
            hidden = other.get(f"/minh-chung/{evidence_id}{suffix}")
            missing = other.get(f"/minh-chung/{MISSING}{suffix}")
            assert (hidden.status_code, hidden.get_json()) == \
                (missing.status_code, missing.get_json()) == \
                (404, {"error": "Không tìm thấy file minh chứng."})
    outsider = client_for("member_c")
    hidden = _upload(outsider, web_world.task_a.id)
    missing = _upload(outsider, MISSING)
    assert (hidden.status_code, hidden.get_json()) == (missing.status_code, missing.get_json())
    assert hidden.status_code == 404 and "Biên bản" not in hidden.get_data(as_text=True)
