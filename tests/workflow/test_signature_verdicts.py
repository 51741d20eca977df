"""Signature verdicts in Vietnamese, hints, the claim summary and the trust store service."""

from __future__ import annotations

import io
from datetime import date

import pytest

from storage.pdf_signatures import validate_pdf
from tests.signing import build_pki, shared_cases
from workflow import signatures, trust_store
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.permissions import SYSTEM
from workflow.signatures import (
    EXPIRED_TEXT,
    INVALID,
    UNCHECKED,
    UNSIGNED,
    UNTRUSTED_TEXT,
    VALID,
    claim_state,
    file_state,
    file_verdicts,
    hints,
    main_verdict,
    resembles,
)


@pytest.fixture(scope="module")
def results():
    pki, cases = shared_cases()
    return {name: validate_pdf(io.BytesIO(data), trust=pki.trust())
            for name, data in cases.items()}


def test_valid_verdict_names_signer_time_and_issuer(results):
    [sig] = results["valid"]["signatures"]
    text = main_verdict(sig).text
    assert text.startswith("Chữ ký hợp lệ — ký bởi NGUYỄN VĂN A, Văn phòng Đảng ủy phường "
                           "Phước Bình, lúc ")
    assert "(thời điểm do người ký tự ghi)" in text
    assert "chứng thư do Test CA Chuyên dùng Chính phủ cấp." in text
    assert "Chưa kiểm tra tình trạng thu hồi chứng thư" in text
    assert signatures.format_moment(sig["signing_time"]) in text


def test_timestamped_signing_time_is_labelled(results):
    [sig] = results["timestamped"]["signatures"]
    assert "(theo dấu thời gian)" in main_verdict(sig).text


@pytest.mark.parametrize("case,start", [
    ("tampered", "Tài liệu đã bị sửa sau khi ký: nội dung không còn khớp"),
    ("extended", "Tài liệu đã bị sửa sau khi ký: có nội dung được thêm"),
    ("self_signed", UNTRUSTED_TEXT),
    ("expired", EXPIRED_TEXT),
    ("locked", "Chữ ký không kiểm tra được: tệp được đặt mật khẩu mở"),
])
def test_problem_verdicts(results, case, start):
    [sig] = results[case]["signatures"]
    verdict = main_verdict(sig)
    assert verdict.level == "danger" and verdict.text.startswith(start)


def test_two_signatures_are_numbered(results):
    lines = file_verdicts(results["two"], unit_name="Văn phòng Đảng ủy")
    assert lines[0].text.startswith("Chữ ký 1/2: Chữ ký hợp lệ")
    assert "chỉ có thêm chữ ký khác hoặc điền biểu mẫu" in lines[0].text
    assert lines[1].text.startswith("Chữ ký 2/2: Chữ ký hợp lệ — ký bởi TRẦN THỊ B")
    assert lines[2].level == "warning" and "Công an phường Phước Bình" in lines[2].text


def test_hint_when_the_organisation_is_unlike_the_unit(results):
    [sig] = results["valid"]["signatures"]
    assert hints(sig, unit_name="Văn phòng Đảng ủy") == []
    [hint] = hints(sig, unit_name="Công an phường")
    assert hint.text == ("Lưu ý: đơn vị trong chứng thư (“Văn phòng Đảng ủy phường Phước "
                         "Bình”) không giống đơn vị đề nghị (“Công an phường”).")


def test_resemblance_ignores_case_diacritics_and_common_words():
    assert resembles("UBND PHUONG PHUOC BINH", "UBND phường Phước Bình")
    assert resembles("Công an phường Phước Bình", "Công an phường")
    assert not resembles("Công ty TNHH Thương mại ABC", "UBND phường Phước Bình")


def test_hint_when_signed_outside_the_task_window(results):
    [sig] = results["valid"]["signatures"]
    [hint] = hints(sig, window=(date(2026, 1, 1), date(2026, 1, 31)))
    assert hint.text.startswith("Lưu ý: ngày ký ")
    assert hint.text.endswith("nằm ngoài thời gian thực hiện nhiệm vụ (01/01/2026 – 31/01/2026).")
    assert hints(sig, window=(date(2000, 1, 1), date(2100, 1, 1))) == []


def test_file_and_claim_states(results):
    assert file_state(results["valid"]) == VALID
    assert file_state(results["extended"]) == INVALID
    assert file_state(results["unsigned"]) == UNSIGNED
    assert file_state(None, True) == UNCHECKED and file_state(None, None) == UNSIGNED
    assert claim_state([(results["extended"], True), (results["valid"], True)]) == VALID
    assert claim_state([(results["extended"], True), (results["unsigned"], False)]) == INVALID
    assert claim_state([]) == UNSIGNED


def test_text_report_for_the_command_line(results):
    text = signatures.text_report(results["expired"], name="qd.pdf")
    assert text.splitlines()[0] == "Tệp: qd.pdf"
    assert "[KHÔNG ĐẠT] Chứng thư đã hết hạn lúc ký" in text
    assert "Tệp không có chữ ký số." in signatures.text_report(results["unsigned"])


def test_the_province_admin_adds_lists_and_removes_a_ca(session, world, tmp_path):
    pki = build_pki()
    folder = tmp_path / "trust"
    added = trust_store.add_ca(session, actor=world.province_admin, folder=folder, data=pki.root.pem,
                               file_name="root.pem")
    trust_store.add_ca(session, actor=world.province_admin, folder=folder, data=pki.intermediate.der)
    listed = trust_store.list_cas(session, actor=world.province_admin, folder=folder)
    assert [ca.name for ca in listed] == ["Test CA Chuyên dùng Chính phủ",
                                          "Test Root CA Việt Nam"]
    assert added.sha256 in {ca.sha256 for ca in listed} and len(added.sha256) == 64
    with pytest.raises(ValidationError, match="đã có trong danh sách"):
        trust_store.add_ca(session, actor=world.province_admin, folder=folder, data=pki.root.der)
    trust_store.remove_ca(session, actor=world.province_admin, folder=folder, sha256=added.sha256)
    assert [ca.name for ca in trust_store.list_cas(session, actor=world.province_admin, folder=folder)] == [
        "Test CA Chuyên dùng Chính phủ"]
    with pytest.raises(NotFound):
        trust_store.remove_ca(session, actor=world.province_admin, folder=folder, sha256=added.sha256)


@pytest.mark.parametrize("data,message", [
    (b"", "Vui lòng chọn tệp chứng thư"),
    (b"hello", "không phải chứng thư số"),
    (b"x" * 70_000, "quá lớn"),
])
def test_bad_certificate_files_are_refused_in_vietnamese(session, world, tmp_path, data,
                                                         message):
    with pytest.raises(ValidationError, match=message):
        trust_store.add_ca(session, actor=world.province_admin, folder=tmp_path, data=data,
                           file_name="x.pem")
    assert list(tmp_path.iterdir()) == []


def test_a_signer_certificate_is_not_accepted_as_a_ca(session, world, tmp_path):
    pki = build_pki()
    with pytest.raises(ValidationError, match="không phải của tổ chức chứng thực"):
        trust_store.add_ca(session, actor=world.province_admin, folder=tmp_path, data=pki.signer.pem)


@pytest.mark.parametrize("who", ["admin", "reviewer", "leader", "member_a"])
def test_only_the_province_admin_manages_the_shared_trust_store(session, world, tmp_path, who):
    pki = build_pki()
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        trust_store.list_cas(session, actor=actor, folder=tmp_path)
    with pytest.raises(PermissionDenied):
        trust_store.add_ca(session, actor=actor, folder=tmp_path, data=pki.root.pem)
    assert list(tmp_path.iterdir()) == []


def test_revalidate_stored_pdfs_from_s3_after_the_trust_store_changes(session, world,
                                                                      s3_store):
    from storage.pdf_signatures import TrustStore
    from workflow.evidence import stage_upload

    pki, cases = shared_cases()
    staged = {name: stage_upload(session, actor=world.member_a, task_id=world.task_a.id,
                                 stream=io.BytesIO(cases[name]), filename=f"{name}.pdf",
                                 store=s3_store, max_bytes=2**20, trust=TrustStore())
              for name in ("valid", "tampered", "unsigned")}
    assert file_state(staged["valid"].pdf_signatures) == INVALID  # no CA trusted yet
    seen = []
    report = signatures.revalidate_stored(session, actor=SYSTEM, store=s3_store, trust=pki.trust(),
                                          on_file=lambda e, _: seen.append(e.id))
    assert report.checked == 3 and report.failed == []
    assert report.changed == [staged["valid"].id]
    assert file_state(staged["valid"].pdf_signatures) == VALID
    assert file_state(staged["tampered"].pdf_signatures) == INVALID
    assert sorted(seen) == sorted(e.id for e in staged.values())


def test_weak_algorithm_and_revocation_wording(results):
    [sig] = results["valid"]["signatures"]
    weak = dict(sig, valid=False, problems=["weak_algorithm"])
    assert main_verdict(weak).text.startswith("Chữ ký không đạt: dùng thuật toán không còn an "
                                              "toàn")
    checked = dict(sig, revocation={"checked": True, "reason": "good"})
    assert "Đã kiểm tra thu hồi (OCSP/CRL): chứng thư chưa bị thu hồi." in main_verdict(
        checked).text
    unreachable = dict(sig, revocation={"checked": False, "reason": "unreachable"})
    assert "máy chủ OCSP/CRL không phản hồi" in main_verdict(unreachable).text
    revoked = dict(sig, valid=False, problems=["revoked"])
    assert main_verdict(revoked).text.endswith("đã bị thu hồi.")
