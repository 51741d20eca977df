"""Reviewer pages through their callbacks: claim page, decisions, bulk approval."""

from __future__ import annotations

from db.session import make_engine, make_session_factory
from tests.portal.conftest import content_text, route_page, run_action
from tests.workflow.test_claims_reviews import staged
from workflow import claims
from workflow.status import TaskStatus
from workflow.tasks import get_for_user


def _file_claims(settings, world, tasks):
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        member = session.get(type(world.member_a), world.member_a.id)
        ids = []
        for task in tasks:
            task = session.get(type(task), task.id)
            ids.append(claims.file_claim(session, actor=member, task_id=task.id,
                                         evidence_ids=[staged(session, member, task).id]).id)
        session.commit()
    return ids


def _status(settings, world, task):
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        reviewer = session.get(type(world.reviewer), world.reviewer.id)
        return get_for_user(session, actor=reviewer, task_id=task.id).status


def _bulk(app, client, claim_ids, versions):
    selects = [{"index": i, "type": "queue-select"} for i in claim_ids]
    return run_action(app, client, "queue-bulk-approve-confirm", [
        [{"id": s, "property": "value", "value": True} for s in selects],
        [{"id": s, "property": "id", "value": s} for s in selects],
        {"id": "queue-versions", "property": "data", "value": versions}])


def test_bulk_approval_needs_every_claim_opened(app, client_for, web_world, settings):
    ids = _file_claims(settings, web_world, [web_world.task_a, web_world.task_overdue])
    client = client_for("reviewer")
    queue = content_text(route_page(client, "/tham-dinh"))
    assert "2 đề nghị" in queue
    versions = {str(i): 1 for i in ids}
    refused = content_text(_bulk(app, client, ids, versions))
    assert "mở xem từng đề nghị" in refused
    for claim_id in ids:
        page = content_text(route_page(client, f"/tham-dinh/{claim_id}"))
        assert "Kết quả thẩm định" in page and "Sản phẩm đầu ra bắt buộc" in page
    done = content_text(_bulk(app, client, ids, versions))
    assert "Đã phê duyệt 2 đề nghị" in done and "page-refresh" in done
    assert _status(settings, web_world, web_world.task_a) == TaskStatus.COMPLETED
    assert _status(settings, web_world, web_world.task_overdue) == TaskStatus.COMPLETED
    # A double click answers the same way and decides nothing twice.
    assert "Đã phê duyệt 2 đề nghị" in content_text(_bulk(app, client, ids, versions))
    assert "0 đề nghị" in content_text(route_page(client, "/tham-dinh"))


def test_units_cannot_open_review_pages(client_for, web_world, settings):
    ids = _file_claims(settings, web_world, [web_world.task_a])
    client = client_for("member_a")
    assert "page-forbidden" in content_text(route_page(client, f"/tham-dinh/{ids[0]}"))


def test_two_simultaneous_clicks_on_bulk_approval_both_answer_success(app, client_for,
                                                                       web_world, settings):
    import threading

    ids = _file_claims(settings, web_world, [web_world.task_a])
    first, second = client_for("reviewer"), client_for("reviewer")
    route_page(first, f"/tham-dinh/{ids[0]}")
    answers = [None, None]

    def click(slot, client):
        answers[slot] = content_text(_bulk(app, client, ids, {str(ids[0]): 1}))

    threads = [threading.Thread(target=click, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for answer in answers:
        assert "Đã phê duyệt 1 đề nghị" in answer and "action-refusal" not in answer
    assert _status(settings, web_world, web_world.task_a) == TaskStatus.COMPLETED
