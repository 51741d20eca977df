"""Signed PDFs through the upload route, the reviewer's pages and the command line, with a
PKI built at test time (tests/signing.py)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db.models import EvidenceFile
from db.session import make_engine, make_session_factory
from portal.cli import cli
from tests.portal.conftest import ORIGIN, content_text, route_page
from tests.signing import SIGNER_NAME, SIGNER_ORG, shared_cases
from workflow import claims
from workflow.labels import SIGNATURE_LABELS as SUMMARY_LABELS
from workflow.signatures import (
    EXPIRED_TEXT,
    INVALID,
    MODIFIED_TEXT,
    UNSIGNED,
    UNTRUSTED_TEXT,
    VALID,
)

# case → (state at a glance, phrase on the reviewer page, CLI exit code)
CASES = {
    "valid": (VALID, f"Chữ ký hợp lệ — ký bởi {SIGNER_NAME}, {SIGNER_ORG}, lúc ", 0),
    "tampered": (INVALID, MODIFIED_TEXT, 1),
    "extended": (INVALID, f"{MODIFIED_TEXT}: có nội dung được thêm", 1),
    "self_signed": (INVALID, UNTRUSTED_TEXT, 1),
    "expired": (INVALID, EXPIRED_TEXT, 1),
    "two": (VALID, "Chữ ký 2/2: Chữ ký hợp lệ — ký bởi TRẦN THỊ B", 0),
    "timestamped": (VALID, "(theo dấu thời gian)", 0),
    "unsigned": (UNSIGNED, "PDF không có chữ ký số", 1),
    "encrypted": (VALID, f"Chữ ký hợp lệ — ký bởi {SIGNER_NAME}", 0),
    "locked": (INVALID, "Chữ ký không kiểm tra được: tệp được đặt mật khẩu mở", 1),
}


@pytest.fixture
def pki_cases(settings):
    """The test PKI, with its root CA in the portal's trust folder."""
    pki, cases = shared_cases()
    settings.evidence_trust_dir.mkdir(parents=True, exist_ok=True)
    (settings.evidence_trust_dir / "root.pem").write_bytes(pki.root.pem)
    return pki, cases


def _upload(client, task_id: int, data: bytes, name: str):
    return client.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote(name)}"
                       "&loai=signed_document", data=data,
                       content_type="application/octet-stream", headers=ORIGIN)


def _factory(settings):
    return make_session_factory(make_engine(settings.database_url))


def _file_claim(settings, world, evidence_id: int) -> int:
    with _factory(settings)() as session:
        member = session.get(type(world.member_a), world.member_a.id)
        claim = claims.file_claim(session, actor=member, task_id=world.task_a.id,
                                  evidence_ids=[evidence_id])
        session.commit()
        return claim.id


def _stored(settings, evidence_id: int) -> EvidenceFile:
    with _factory(settings)() as session:
        return session.get(EvidenceFile, evidence_id)


def _cli_env(settings) -> dict[str, str]:
    return {"DATABASE_URL": settings.database_url, "PORTAL_VAR_DIR": str(settings.var_dir),
            "EVIDENCE_DIR": str(settings.evidence_dir), "EVIDENCE_STORAGE": "local",
            "EVIDENCE_TRUST_DIR": str(settings.evidence_trust_dir)}


@pytest.mark.parametrize("case", list(CASES))
def test_upload_reviewer_page_and_cli_agree(case, pki_cases, client_for, web_world,
                                            settings, tmp_path):
    _, cases = pki_cases
    state, phrase, exit_code = CASES[case]
    response = _upload(client_for("member_a"), web_world.task_a.id, cases[case],
                       f"Quyết định {case}.pdf")
    assert response.status_code == 201, response.get_json()
    evidence_id = response.get_json()["id"]
    stored = _stored(settings, evidence_id)
    assert stored.pdf_signatures is not None
    assert stored.pdf_signed is (case != "unsigned")

    claim_id = _file_claim(settings, web_world, evidence_id)
    reviewer = client_for("reviewer")
    page = content_text(route_page(reviewer, f"/tham-dinh/{claim_id}"))
    assert phrase in page
    assert f"signature-{state}" in page
    queue = content_text(route_page(reviewer, "/tham-dinh"))
    assert SUMMARY_LABELS[state] in queue

    path = tmp_path / f"{case}.pdf"
    path.write_bytes(cases[case])
    result = CliRunner().invoke(cli, ["verify-evidence", str(path), "--json"],
                                env=_cli_env(settings))
    assert result.exit_code == exit_code, result.output
    body = json.loads(result.output)
    assert body["signed"] is (case != "unsigned")
    required = {"valid", "intact", "covers_whole_document", "modified_after_signing",
                "signer", "signing_time", "trusted", "problems"}
    for signature in body["signatures"]:
        assert required <= set(signature)
    # The command and the upload reach the same verdict.
    assert [s["valid"] for s in body["signatures"]] == [
        s["valid"] for s in stored.pdf_signatures["signatures"]]
    text = CliRunner().invoke(cli, ["verify-evidence", str(path)], env=_cli_env(settings))
    assert text.exit_code == exit_code
    if case != "unsigned":
        assert phrase.split(": ")[-1].split(" — ")[0] in text.output


def test_json_flags_of_the_listed_cases(pki_cases, settings, tmp_path):
    _, cases = pki_cases
    flags = {}
    for case in ("valid", "tampered", "extended", "self_signed", "expired", "two"):
        path = tmp_path / f"{case}.pdf"
        path.write_bytes(cases[case])
        out = CliRunner().invoke(cli, ["verify-evidence", str(path), "--json"],
                                 env=_cli_env(settings)).output
        flags[case] = [(s["valid"], s["intact"], s["covers_whole_document"],
                        s["modified_after_signing"], s["trusted"])
                       for s in json.loads(out)["signatures"]]
    assert flags == {
        "valid": [(True, True, True, False, True)],
        "tampered": [(False, False, True, False, False)],
        "extended": [(False, True, False, True, True)],
        "self_signed": [(False, True, True, False, False)],
        "expired": [(False, True, True, False, False)],
        "two": [(True, True, False, False, True), (True, True, True, False, True)],
    }


def test_verify_evidence_refuses_what_is_not_a_pdf(settings, tmp_path):
    path = tmp_path / "anh.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a pdf")
    result = CliRunner().invoke(cli, ["verify-evidence", str(path)], env=_cli_env(settings))
    assert result.exit_code == 2 and "không phải tệp PDF" in result.output
    missing = CliRunner().invoke(cli, ["verify-evidence", str(tmp_path / "khong-co.pdf")],
                                 env=_cli_env(settings))
    assert missing.exit_code == 2 and "không mở được tệp" in missing.output


def test_revalidate_after_the_trust_store_changes(client_for, web_world, settings):
    pki, cases = shared_cases()  # no CA trusted yet
    evidence_id = _upload(client_for("member_a"), web_world.task_a.id, cases["valid"],
                          "ky-so.pdf").get_json()["id"]
    [before] = _stored(settings, evidence_id).pdf_signatures["signatures"]
    assert not before["valid"] and before["problems"] == ["untrusted"]
    claim_id = _file_claim(settings, web_world, evidence_id)
    assert UNTRUSTED_TEXT in content_text(route_page(client_for("reviewer"),
                                                     f"/tham-dinh/{claim_id}"))

    settings.evidence_trust_dir.mkdir(parents=True, exist_ok=True)
    (settings.evidence_trust_dir / "root.pem").write_bytes(pki.root.pem)
    result = CliRunner().invoke(cli, ["revalidate-evidence"], env=_cli_env(settings))
    assert result.exit_code == 0, result.output
    assert "Đã kiểm tra lại chữ ký số của 1 tệp PDF (1 chứng thư gốc tin cậy); 1 tệp đổi" \
        in result.output
    [after] = _stored(settings, evidence_id).pdf_signatures["signatures"]
    assert after["valid"]
    page = content_text(route_page(client_for("reviewer"), f"/tham-dinh/{claim_id}"))
    assert "Chữ ký hợp lệ — ký bởi" in page and UNTRUSTED_TEXT not in page


def test_revalidate_fills_rows_stored_before_validation_existed(client_for, web_world,
                                                                 settings, pki_cases):
    _, cases = pki_cases
    evidence_id = _upload(client_for("member_a"), web_world.task_a.id, cases["valid"],
                          "cu.pdf").get_json()["id"]
    with _factory(settings)() as session:
        session.get(EvidenceFile, evidence_id).pdf_signatures = None
        session.commit()
    claim_id = _file_claim(settings, web_world, evidence_id)
    page = content_text(route_page(client_for("reviewer"), f"/tham-dinh/{claim_id}"))
    assert "Chữ ký số chưa được kiểm tra" in page
    result = CliRunner().invoke(cli, ["revalidate-evidence", "--only-unchecked"],
                                env=_cli_env(settings))
    assert result.exit_code == 0, result.output
    with _factory(settings)() as session:
        rows = session.scalars(select(EvidenceFile)).all()
        assert all(r.pdf_signatures is not None for r in rows)
