"""The command line, cron jobs and demo loader act as the system actor: its rights are checked
like anyone's, and no service accepts "nobody" as a way to skip the check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Role
from storage.local import LocalStore
from tests.workflow.test_claims_reviews import claim_for, staged
from workflow import accounts, claims, progress, reviews, units, warning_lists
from workflow.errors import PermissionDenied
from workflow.evidence import collect_garbage
from workflow.permissions import SYSTEM, Capability, has
from workflow.reminders import send_reminders
from workflow.warning_rules import evaluate


def test_the_system_sets_up_and_runs_jobs_and_is_recorded_as_no_person(session, world):
    unit = units.create_unit(session, actor=SYSTEM, name="Mặt trận Tổ quốc phường")
    user = accounts.create_user(session, actor=SYSTEM, username="mttq", full_name="Cán bộ MTTQ",
                                password="MatKhau@123", role=Role.UNIT_MEMBER, unit_id=unit.id)
    published = warning_lists.publish(session, actor=SYSTEM, as_of=date(2026, 7, 2),
                                      period_kind="month")
    send_reminders(session, actor=SYSTEM, as_of=date(2026, 1, 24))
    assert published.published_by_id is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                    AuditEvent.object_id == user.id))
    assert event.actor_id is None


def test_the_system_never_reviews_or_reports_for_a_unit(session, world):
    claim = claim_for(session, world)
    for capability in (Capability.REVIEW, Capability.FILE_CLAIM, Capability.REPORT_PROGRESS,
                       Capability.UPLOAD_EVIDENCE, Capability.DOWNLOAD_EVIDENCE):
        assert not has(SYSTEM, capability)
    with pytest.raises(PermissionDenied):
        reviews.approve(session, actor=SYSTEM, claim_id=claim.id, version=claim.version)
    with pytest.raises(PermissionDenied):
        progress.report_progress(session, actor=SYSTEM, task_id=world.task_a.id, percent=10,
                                 narrative="Không được phép")
    with pytest.raises(PermissionDenied):
        claims.file_claim(session, actor=SYSTEM, task_id=world.task_overdue.id,
                          evidence_ids=[staged(session, world.member_a, world.task_overdue).id])


@pytest.mark.parametrize("actor", [None, "member_a", "leader"])
def test_nobody_and_ordinary_roles_cannot_run_system_jobs(session, world, actor, tmp_path):
    who = getattr(world, actor) if actor else None
    with pytest.raises(PermissionDenied):
        accounts.create_user(session, actor=who, username="khong.duoc", full_name="Không",
                             password="MatKhau@123", role=Role.LEADER)
    with pytest.raises(PermissionDenied):
        send_reminders(session, actor=who, as_of=date(2026, 1, 24))
    with pytest.raises(PermissionDenied):
        collect_garbage(session, actor=who, store=LocalStore(tmp_path),
                        older_than=timedelta(hours=1))
    if actor is None:
        with pytest.raises(PermissionDenied):
            evaluate(session, actor=None, as_of=date(2026, 7, 2))
        with pytest.raises(PermissionDenied):
            warning_lists.publish(session, actor=None, as_of=date(2026, 7, 2),
                                  period_kind="month")


def test_api_tokens_and_the_system_go_through_the_same_checks(session, world, tmp_path):
    from workflow import api_tokens, reporting_calendar, signatures, trust_store
    from workflow.api_tokens import TokenActor

    created = api_tokens.create_token(session, actor=SYSTEM, name="Tỉnh ủy",
                                      expires_on=date.today() + timedelta(days=30))
    token = TokenActor(token_id=created.token.id, name="Tỉnh ủy", ward_code=None)
    api_tokens.record_call(session, actor=token, token_id=token.token_id, token_name=token.name,
                           endpoint="/api/v1/plans", status=200)
    api_tokens.record_call(session, actor=SYSTEM, token_id=None, token_name="-",
                           endpoint="/api/v1/plans", status=401)
    for who in (None, token, world.member_a, world.reviewer):
        with pytest.raises(PermissionDenied):
            api_tokens.create_token(session, actor=who, name="khong-duoc",
                                    expires_on=date.today() + timedelta(days=30))
        with pytest.raises(PermissionDenied):
            signatures.revalidate_stored(session, actor=who, store=LocalStore(tmp_path),
                                         trust=None)
    for who in (None, token, SYSTEM):
        with pytest.raises(PermissionDenied):
            reporting_calendar.update_calendar(session, actor=who, plan_id=world.plan.id,
                                               unit_day=20, office_day=22, quarter_day=30,
                                               year_end="15/12")
        with pytest.raises(PermissionDenied):
            trust_store.list_cas(session, actor=who, folder=tmp_path)
    with pytest.raises(PermissionDenied):
        api_tokens.record_call(session, actor=None, token_id=None, token_name="-",
                               endpoint="/api/v1/plans", status=401)
