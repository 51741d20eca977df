"""The read-only API: tokens, refusals in Vietnamese, pagination, ETag, audit, rate limit,
evidence links, and an OpenAPI document whose examples match the real responses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import jsonschema
import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from db.models import ApiCall, ApiToken, DeadlineKind, ProgressReport, ReportPeriod, Task
from db.session import make_engine, make_session_factory
from portal.api_spec import openapi_document
from tests.portal.conftest import ORIGIN
from tests.storage.samples import pdf_bytes
from workflow import api_tokens, claims, reviews, warning_lists
from workflow.clock import LOCAL_TZ, now_utc, today
from workflow.permissions import SYSTEM

ENDPOINTS = {
    "/api/v1/plans": "PlanPage",
    "/api/v1/plans/{plan}/sections": "SectionPage",
    "/api/v1/tasks": "TaskPage",
    "/api/v1/progress-reports": "ProgressReportPage",
    "/api/v1/claims": "ClaimPage",
    "/api/v1/warning-lists": "WarningListPage",
    "/api/v1/ranking": "Ranking",
}


@pytest.fixture
def factory(settings):
    return make_session_factory(make_engine(settings.database_url))


@pytest.fixture
def tokens(factory, web_world):
    """A valid, an expired and a revoked token (secrets)."""
    with factory() as session:
        valid = api_tokens.create_token(session, actor=SYSTEM, name="Tỉnh ủy",
                                        expires_on=today() + timedelta(days=30))
        expired = api_tokens.create_token(session, actor=SYSTEM, name="cu",
                                          expires_on=today())
        revoked = api_tokens.create_token(session, actor=SYSTEM, name="thu-hoi",
                                          expires_on=today() + timedelta(days=30))
        api_tokens.revoke_token(session, actor=SYSTEM, name="thu-hoi")
        session.flush()
        session.execute(sa.update(ApiToken).where(ApiToken.id == expired.token.id)
                        .values(expires_on=today() - timedelta(days=1)))
        session.commit()
    return {"valid": valid.secret, "expired": expired.secret, "revoked": revoked.secret}


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _url(path: str, web_world) -> str:
    return path.replace("{plan}", str(web_world.plan.id))


def _approved_claim(client_for, web_world, factory) -> int:
    member = client_for("member_a")
    evidence = member.post(f"/api/nhiem-vu/{web_world.task_a.id}/minh-chung?"
                           f"ten={quote('Biên bản.pdf')}", data=pdf_bytes(),
                           content_type="application/octet-stream", headers=ORIGIN).get_json()
    with factory() as session:
        user = session.get(type(web_world.member_a), web_world.member_a.id)
        claim = claims.file_claim(session, actor=user, task_id=web_world.task_a.id,
                                  evidence_ids=[evidence["id"]])
        reviewer = session.get(type(web_world.reviewer), web_world.reviewer.id)
        reviews.approve(session, actor=reviewer, claim_id=claim.id, version=claim.version)
        session.add(ProgressReport(task_id=web_world.task_b.id, unit_id=web_world.unit_b.id,
                                   author_id=web_world.member_b.id,
                                   period_kind=ReportPeriod.MONTH,
                                   period_start=today().replace(day=1),
                                   period_label="Tháng này", percent_complete=40,
                                   narrative="Đang triển khai", difficulties="Thiếu người",
                                   proposals="Bổ sung biên chế", created_at=now_utc()))
        warning_lists.publish(session, actor=reviewer, as_of=today(), period_kind="month")
        session.commit()
    return evidence["id"]


def _schema(spec: dict, name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                            "components": spec["components"]})


def assert_same_shape(real, example, where: str = "") -> None:
    """Same keys at every level (lists: their first items, when both have one)."""
    if isinstance(example, dict) and isinstance(real, dict):
        assert set(real) == set(example), f"{where}: {set(real) ^ set(example)}"
        for key in example:
            assert_same_shape(real[key], example[key], f"{where}.{key}")
    elif isinstance(example, list) and isinstance(real, list) and example and real:
        assert_same_shape(real[0], example[0], f"{where}[0]")


def test_every_endpoint_refuses_bad_tokens_and_cookies(app, client_for, tokens, web_world):
    anonymous = app.test_client()
    signed_in = client_for("admin")
    for path in ENDPOINTS:
        url = _url(path, web_world)
        assert anonymous.get(url, headers=bearer(tokens["valid"])).status_code == 200, url
        for secret, message in ((tokens["expired"], "hết hạn"), (tokens["revoked"], "thu hồi"),
                                ("pbk_khong-ton-tai", "không hợp lệ")):
            response = anonymous.get(url, headers=bearer(secret))
            assert response.status_code == 401 and message in response.get_json()["error"]
        missing = anonymous.get(url)
        assert missing.status_code == 401 and "Thiếu mã truy cập" in missing.get_json()["error"]
        # A signed-in session is not an API credential.
        assert signed_in.get(url).status_code == 401
    unknown = anonymous.get("/api/v1/khong-co", headers=bearer(tokens["valid"]))
    assert unknown.status_code == 404 and "Không tìm thấy" in unknown.get_json()["error"]


def test_tokens_do_not_open_pages(app, tokens):
    client = app.test_client()
    page = client.get("/nhiem-vu", headers=bearer(tokens["valid"]))
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    export = client.get("/bao-cao-tinh.xlsx", headers=bearer(tokens["valid"]))
    assert export.status_code == 401


def test_openapi_document_validates_and_examples_match_real_responses(
        app, client_for, tokens, web_world, factory):
    _approved_claim(client_for, web_world, factory)
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec == openapi_document()
    for path, name in ENDPOINTS.items():
        operation = spec["paths"][path.replace("/api/v1", "").replace("{plan}", "{plan_id}")]
        example = operation["get"]["responses"]["200"]["content"]["application/json"]["example"]
        validator = _schema(spec, name)
        validator.validate(example)
        real = client.get(_url(path, web_world), headers=bearer(tokens["valid"])).get_json()
        validator.validate(real)
        assert real["data"], path  # the world fills every list, so shapes are comparable
        assert_same_shape(real, example, path)
    for status in ("400", "401", "404", "429"):
        _schema(spec, "Error").validate(
            spec["paths"]["/tasks"]["get"]["responses"][status]["content"]["application/json"]
            ["example"])


def test_pagination_over_a_thousand_tasks_with_constant_statements(
        app, tokens, web_world, factory):
    with factory() as session:
        now = now_utc()
        session.execute(sa.insert(Task), [dict(
            plan_id=web_world.plan.id, section_id=web_world.section.id, code=f"X.{i}",
            position=100 + i, title=f"Nhiệm vụ {i}", required_output="", kpi_text="",
            lead_unit_id=web_world.unit_c.id, coordinates_all_units=False,
            deadline_text="31/12/2026", deadline_date=date(2026, 12, 31),
            deadline_kind=DeadlineKind.FIXED, basis="", notes="", created_at=now,
            updated_at=now) for i in range(1000)])
        session.commit()
    client = app.test_client()
    seen, page, pages = [], 1, 0
    while page:
        body = client.get(f"/api/v1/tasks?size=200&page={page}",
                          headers=bearer(tokens["valid"])).get_json()
        assert body["total"] == 1004 and len(body["data"]) <= 200
        seen += [task["id"] for task in body["data"]]
        page, pages = body["next_page"], pages + 1
    assert pages == 6 and len(seen) == len(set(seen)) == 1004
    for bad in ("size=201", "size=0", "page=0", "page=x"):
        response = client.get(f"/api/v1/tasks?{bad}", headers=bearer(tokens["valid"]))
        assert response.status_code == 400 and "Tham số" in response.get_json()["error"]

    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    from portal.context import EXTENSION_KEY

    engine = app.extensions[EXTENSION_KEY].engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        counts = {}
        for size in (5, 200):
            statements.clear()
            assert client.get(f"/api/v1/tasks?size={size}",
                              headers=bearer(tokens["valid"])).status_code == 200
            counts[size] = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert counts[5] == counts[200] <= 12


def test_filters(app, client_for, tokens, web_world, factory):
    _approved_claim(client_for, web_world, factory)
    client = app.test_client()

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/tasks?{query}", headers=bearer(tokens["valid"]))
        assert response.status_code == 200, response.get_json()
        return [task["code"] for task in response.get_json()["data"]]

    assert codes("status=completed") == ["I.1"]
    assert codes(f"unit_id={web_world.unit_b.id}") == ["I.2", "I.3"]
    assert codes("period=2026-01") == ["I.4"]
    assert codes("period=2026-Q4") == ["I.1", "I.2", "I.3"]
    future = (now_utc() + timedelta(days=1)).isoformat()
    assert codes(f"updated_since={quote(future)}") == []
    assert set(codes(f"updated_since={today().isoformat()}")) >= {"I.1", "I.2"}
    done = client.get("/api/v1/tasks?status=completed", headers=bearer(tokens["valid"]))
    assert done.get_json()["data"][0]["completion_percent"] == 100
    reports = client.get(f"/api/v1/progress-reports?unit_id={web_world.unit_b.id}",
                         headers=bearer(tokens["valid"])).get_json()["data"]
    assert [(r["difficulties"], r["proposals"]) for r in reports] == [
        ("Thiếu người", "Bổ sung biên chế")]
    approved = client.get("/api/v1/claims?status=approved",
                          headers=bearer(tokens["valid"])).get_json()["data"]
    assert len(approved) == 1 and approved[0]["decision"]["decision"] == "approve"
    assert client.get("/api/v1/claims?status=rejected",
                      headers=bearer(tokens["valid"])).get_json()["total"] == 0
    missing = client.get("/api/v1/plans/999999/sections", headers=bearer(tokens["valid"]))
    assert missing.status_code == 404 and missing.get_json() == {
        "error": "Không tìm thấy kế hoạch."}
    bad_day = client.get("/api/v1/ranking?as_of=19/05/2026", headers=bearer(tokens["valid"]))
    assert bad_day.status_code == 400 and "YYYY-MM-DD" in bad_day.get_json()["error"]
    for bad in ("status=xong", "period=2026-13", "updated_since=hom-qua", "unit_id=-1"):
        response = client.get(f"/api/v1/tasks?{bad}", headers=bearer(tokens["valid"]))
        assert response.status_code == 400, bad
        assert "Tham số" in response.get_json()["error"]


def test_etag_round_trip(app, tokens, web_world, factory):
    client = app.test_client()
    first = client.get("/api/v1/tasks", headers=bearer(tokens["valid"]))
    tag = first.headers["ETag"]
    assert tag
    again = client.get("/api/v1/tasks", headers={**bearer(tokens["valid"]),
                                                 "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    with factory() as session:
        session.add(ProgressReport(task_id=web_world.task_b.id, unit_id=web_world.unit_b.id,
                                   author_id=web_world.member_b.id,
                                   period_kind=ReportPeriod.MONTH,
                                   period_start=today().replace(day=1), period_label="x",
                                   percent_complete=30, created_at=now_utc()))
        session.commit()
    changed = client.get("/api/v1/tasks", headers={**bearer(tokens["valid"]),
                                                   "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_every_call_is_audited_once_and_last_use_shown(app, tokens, factory):
    client = app.test_client()
    client.get("/api/v1/plans", headers=bearer(tokens["valid"]))
    client.get("/api/v1/tasks?size=5", headers=bearer(tokens["valid"]))
    client.get("/api/v1/tasks", headers=bearer(tokens["revoked"]))
    with factory() as session:
        calls = session.execute(sa.select(ApiCall.token_name, ApiCall.endpoint, ApiCall.status)
                                .order_by(ApiCall.id)).all()
        lines = {line.name: line for line in api_tokens.token_lines(session, actor=SYSTEM)}
    assert calls == [("Tỉnh ủy", "/api/v1/plans", 200), ("Tỉnh ủy", "/api/v1/tasks?size=5", 200),
                     ("-", "/api/v1/tasks", 401)]
    assert lines["Tỉnh ủy"].calls == 2 and lines["Tỉnh ủy"].last_used_at is not None
    assert lines["cu"].last_used_at is None and lines["cu"].state == "expired"
    assert lines["thu-hoi"].state == "revoked"


def test_rate_limit_per_token(settings, web_world, factory):
    from dataclasses import replace

    from portal.app import create_app

    app = create_app(replace(settings, api_rate_limit="3 per minute"))
    with factory() as session:
        first = api_tokens.create_token(session, actor=SYSTEM, name="mot",
                                        expires_on=today() + timedelta(days=1)).secret
        second = api_tokens.create_token(session, actor=SYSTEM, name="hai",
                                         expires_on=today() + timedelta(days=1)).secret
        session.commit()
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/plans", headers=bearer(first)).status_code == 200
    limited = client.get("/api/v1/plans", headers=bearer(first))
    assert limited.status_code == 429 and "Vượt quá" in limited.get_json()["error"]
    assert client.get("/api/v1/plans", headers=bearer(second)).status_code == 200


def test_evidence_manifest_and_short_lived_download(app, client_for, tokens, web_world,
                                                    factory):
    evidence_id = _approved_claim(client_for, web_world, factory)
    client = app.test_client()
    claim = client.get("/api/v1/claims", headers=bearer(tokens["valid"])).get_json()["data"][0]
    item = claim["evidence"][0]
    assert item["file_name"] == "Biên bản.pdf" and item["id"] == evidence_id
    assert len(item["sha256"]) == 64 and item["signature"] in ("signed", "unsigned")
    expires = datetime.fromisoformat(item["download_expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=4) < expires - now_utc() <= timedelta(minutes=5)
    path = item["download_url"].replace("http://localhost", "")
    download = client.get(path)  # the signed link needs no token header
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    with factory() as session:
        logged = session.execute(sa.select(ApiCall.token_name, ApiCall.endpoint).where(
            ApiCall.endpoint.like("%/download%"))).all()
    assert logged == [("Tỉnh ủy", f"/api/v1/evidence/{evidence_id}/download")]  # no signature
    tampered = client.get(path.replace(f"/evidence/{evidence_id}/", "/evidence/999/"))
    assert tampered.status_code == 401
    broken = client.get(path[:-3] + "abc")
    assert broken.status_code == 401 and "không hợp lệ" in broken.get_json()["error"]
    with factory() as session:
        api_tokens.revoke_token(session, actor=SYSTEM, name="Tỉnh ủy")
        session.commit()
    assert client.get(path).status_code == 401


def test_expired_download_link(app, client_for, tokens, web_world, factory, monkeypatch):
    _approved_claim(client_for, web_world, factory)
    client = app.test_client()
    item = client.get("/api/v1/claims", headers=bearer(tokens["valid"])).get_json()[
        "data"][0]["evidence"][0]
    later = datetime.combine(today(), time(12), LOCAL_TZ).timestamp() + 86400 * 2
    import itsdangerous.timed

    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.get(item["download_url"].replace("http://localhost", ""))
    assert response.status_code == 401 and "hết hạn" in response.get_json()["error"]


def test_s3_evidence_link_redirects_to_a_presigned_url(settings, web_world, s3_endpoint):
    """With S3 storage the signed API link hands over to S3's own short-lived URL."""
    import urllib.request
    import uuid
    from dataclasses import replace

    from portal.app import create_app
    from tests.portal.conftest import login

    app = create_app(replace(settings, storage_backend="s3",
                             s3_bucket=f"api-{uuid.uuid4().hex[:10]}",
                             s3_endpoint_url=s3_endpoint, s3_access_key="testing",
                             s3_secret_key="testing", s3_create_bucket=True))
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        secret = api_tokens.create_token(session, actor=SYSTEM, name="s3",
                                         expires_on=today() + timedelta(days=1)).secret
        session.commit()

    def client_for(username):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client

    _approved_claim(client_for, web_world, factory)
    client = app.test_client()
    item = client.get("/api/v1/claims", headers=bearer(secret)).get_json()["data"][0][
        "evidence"][0]
    response = client.get(item["download_url"].replace("http://localhost", ""))
    assert response.status_code == 302
    presigned = response.headers["Location"]
    assert presigned.startswith(s3_endpoint) and "Expires" in presigned
    with urllib.request.urlopen(presigned, timeout=10) as fetched:  # noqa: S310 - loopback
        assert fetched.status == 200 and fetched.read().startswith(b"%PDF")


def _statements(app, client, url: str, secret: str) -> int:
    from portal.context import EXTENSION_KEY

    engine = app.extensions[EXTENSION_KEY].engine
    seen: list[str] = []

    def count(*args):
        seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=bearer(secret)).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_claims_reports_and_lists_read_a_page_in_fixed_statements(app, tokens, web_world,
                                                                   factory):
    from db.models import (
        ClaimState,
        CompletionClaim,
        EvidenceFile,
        EvidenceKind,
        Review,
        ReviewDecision,
    )

    with factory() as session:
        for i in range(30):
            claim = CompletionClaim(task_id=web_world.task_b.id, unit_id=web_world.unit_b.id,
                                    claimant_id=web_world.member_b.id, state=ClaimState.REJECTED,
                                    created_at=now_utc(), decided_at=now_utc())
            session.add(claim)
            session.flush()
            session.add(Review(claim_id=claim.id, reviewer_id=web_world.reviewer.id,
                               decision=ReviewDecision.REJECT, reason_code="unclear",
                               reason_text="Ảnh mờ", created_at=now_utc()))
            for j in range(2):
                session.add(EvidenceFile(
                    claim_id=claim.id, task_id=web_world.task_b.id,
                    uploaded_by_id=web_world.member_b.id, object_key=f"evidence/t/{i}-{j}.pdf",
                    original_name=f"{i}-{j}.pdf", content_type="application/pdf",
                    size_bytes=10, sha256="a" * 64, kind=EvidenceKind.OTHER, derived={},
                    created_at=now_utc()))
            session.add(ProgressReport(task_id=web_world.task_b.id, unit_id=web_world.unit_b.id,
                                       author_id=web_world.member_b.id,
                                       period_kind=ReportPeriod.MONTH,
                                       period_start=today().replace(day=1), period_label="x",
                                       percent_complete=i, created_at=now_utc()))
        session.commit()
    client = app.test_client()
    for path in ("/api/v1/claims", "/api/v1/progress-reports"):
        small = _statements(app, client, f"{path}?size=1", tokens["valid"])
        large = _statements(app, client, f"{path}?size=30", tokens["valid"])
        assert small == large, path
    claims_page = client.get("/api/v1/claims?size=30", headers=bearer(tokens["valid"])).get_json()
    assert len(claims_page["data"]) == 30
    assert all(len(c["evidence"]) == 2 and c["decision"]["reason"] == "Ảnh không rõ — Ảnh mờ"
               for c in claims_page["data"])


def test_an_unexpected_failure_answers_json_in_vietnamese(app, tokens, monkeypatch):
    from workflow import api_views

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_views, "list_plans", broken)
    response = app.test_client().get("/api/v1/plans", headers=bearer(tokens["valid"]))
    assert response.status_code == 500
    assert response.get_json() == {"error": "Hệ thống gặp lỗi khi xử lý yêu cầu API. "
                                            "Vui lòng thử lại sau."}
