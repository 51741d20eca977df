"""The audit log names tasks by their plan code, never by internal ids."""

from __future__ import annotations

from tests.workflow.test_claims_reviews import staged
from workflow import claims, progress
from workflow.audit_search import export_events, list_events


def test_events_name_the_task_code(session, world):
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=30, narrative="Đã họp")
    claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                      evidence_ids=[staged(session, world.member_a, world.task_a).id])
    lines, total = list_events(session, actor=world.reviewer)
    by_action = {line.action: line for line in lines}
    code = world.task_a.code
    assert by_action["progress.report"].object_label == f"Nhiệm vụ {code}"
    claim_line = by_action["claim.file"]
    assert claim_line.object_label.endswith(f"· nhiệm vụ {code}")
    assert f"nhiệm vụ: {code}" in claim_line.details
    assert "mã nhiệm vụ" not in claim_line.details
    evidence_id = claim_line.details.split("file minh chứng: ")[1].split(";")[0]
    assert evidence_id.isdigit()  # an id 1 is not shown as "có"
    exported = {line.action: line for line in export_events(session, actor=world.reviewer)}
    assert exported["claim.file"].task_code == code


def test_a_page_of_events_costs_the_same_few_statements_whatever_its_size(session, world):
    import sqlalchemy as sa

    for task in (world.task_a, world.task_overdue):
        progress.report_progress(session, actor=world.member_a, task_id=task.id,
                                 percent=30, narrative="Đã họp")
        claims.file_claim(session, actor=world.member_a, task_id=task.id,
                          evidence_ids=[staged(session, world.member_a, task).id])
    session.flush()
    statements = []

    def count(*_args):
        statements.append(1)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        lines, _ = list_events(session, actor=world.reviewer)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(lines) >= 4
    # count + page + claim owners + evidence owners + task codes, never one per event
    assert len(statements) <= 5


def test_every_recorded_action_and_object_reads_in_vietnamese():
    # The audit page names each action and object in words: a new action recorded anywhere
    # in the domain needs its label here, or the log would show a code such as "claim.x".
    import re
    from pathlib import Path

    from workflow.audit_search import ACTION_LABELS, OBJECT_LABELS

    domain = Path(__file__).resolve().parents[2] / "workflow"
    source = "\n".join(path.read_text(encoding="utf-8") for path in domain.rglob("*.py"))
    actions = set(re.findall(r'action="([a-z_.]+)"', source))
    objects = set(re.findall(r'object_type="([a-z_]+)"', source))
    assert actions and objects
    assert sorted(actions - ACTION_LABELS.keys()) == []
    assert sorted(objects - OBJECT_LABELS.keys()) == []
