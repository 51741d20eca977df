"""The progress form through its real callback: a double click files one report and both
clicks get the same answer in words; a refusal is answered and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import ProgressReport
from db.session import make_engine
from tests.portal.conftest import content_text, route_page, run_action


def _send(app, client, task_id: int, token: str, percent=40, narrative="Đã họp triển khai"):
    return run_action(app, client, "progress-submit", [
        {"id": "progress-task", "property": "data", "value": task_id},
        {"id": "progress-period", "property": "value", "value": "month"},
        {"id": "progress-percent", "property": "value", "value": percent},
        {"id": "progress-narrative", "property": "value", "value": narrative},
        {"id": "progress-difficulties", "property": "value", "value": ""},
        {"id": "progress-proposals", "property": "value", "value": ""},
        {"id": "progress-kpi-value", "property": "value", "value": None},
        {"id": "progress-kpi-numerator", "property": "value", "value": None},
        {"id": "progress-kpi-denominator", "property": "value", "value": None},
        {"id": "progress-override-reason", "property": "value", "value": None},
        {"id": "progress-token", "property": "data", "value": token}])


def _reports(settings) -> int:
    with make_engine(settings.database_url).connect() as connection:
        return connection.scalar(select(func.count()).select_from(ProgressReport))


def test_double_click_files_one_report_and_says_so(app, client_for, web_world, settings):
    client = client_for("member_a")
    page = content_text(route_page(client, f"/nhiem-vu/{web_world.task_a.id}"))
    assert '"data-draft": "progress-' in page and "progress-token" in page
    answers = [content_text(_send(app, client, web_world.task_a.id, "form-1"))
               for _ in range(2)]
    for answer in answers:
        assert "Đã gửi báo cáo tiến độ tháng " in answer
        assert "page-refresh" in answer and "data-draft-clear" in answer
    assert _reports(settings) == 1


def test_a_refusal_is_answered_and_files_nothing(app, client_for, web_world, settings):
    client = client_for("member_a")
    answer = content_text(_send(app, client, web_world.task_a.id, "form-2", percent=140))
    assert "action-refusal" in answer and "0 đến 100" in answer
    assert "page-refresh" not in answer
    assert _reports(settings) == 0
