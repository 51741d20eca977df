"""Digital signature verdicts in Vietnamese, from the validation stored with each PDF.

``storage.pdf_signatures`` finds the facts (codes, names, times); this module words them for
reviewers, the command line and exports, and adds the hints that need the claim: a signer
organisation unlike the claiming unit, a signing time outside the task's window.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from storage import pdf_signatures as codes
from workflow.clock import format_date, to_local
from workflow.text import fold

VALID, INVALID, UNSIGNED, UNCHECKED = "valid", "invalid", "unsigned", "unchecked"
SUMMARY_COLOURS = {VALID: "success", INVALID: "danger", UNCHECKED: "warning",
                   UNSIGNED: "secondary"}
UNTRUSTED_TEXT = ("Chữ ký không kiểm tra được: chứng thư không thuộc tổ chức chứng thực "
                  "được tin cậy")
MODIFIED_TEXT = "Tài liệu đã bị sửa sau khi ký"
EXPIRED_TEXT = "Chứng thư đã hết hạn lúc ký"
# Words every Vietnamese unit name shares; they say nothing about which unit it is.
COMMON_WORDS = {"ubnd", "uy", "ban", "nhan", "dan", "phuong", "xa", "thi", "tran", "dang",
                "co", "quan", "don", "vi", "cua", "va", "tinh", "thanh", "pho", "huyen",
                "so", "phong", "viet", "nam", "cong", "hoa", "chu", "nghia", "hoi"}
SIMILAR_ENOUGH = 0.6


@dataclass(frozen=True)
class Verdict:
    """One line about one signature: level is "ok", "warning" or "danger"."""

    level: str
    text: str


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def format_moment(value: str | None) -> str:
    """HH:MM dd/mm/yyyy in Vietnam time, as verdicts say it."""
    moment = _moment(value)
    return to_local(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _who(signature: dict) -> str:
    signer = signature.get("signer") or {}
    parts = [p for p in (signer.get("name"), signer.get("organisation")) if p]
    return ", ".join(parts) or "người ký không rõ"


def _when(signature: dict) -> str:
    text = format_moment(signature.get("signing_time"))
    if not text:
        return "không ghi thời điểm ký"
    if signature.get("signing_time_source") == "timestamp":
        return f"lúc {text} (theo dấu thời gian)"
    return f"lúc {text} (thời điểm do người ký tự ghi)"


def _issuer(signature: dict) -> str:
    issuer = signature.get("issuer") or {}
    return issuer.get("name") or issuer.get("organisation") or "không rõ"


def _revocation_note(signature: dict) -> str:
    reason = (signature.get("revocation") or {}).get("reason")
    if reason == "good":
        return " Đã kiểm tra thu hồi (OCSP/CRL): chứng thư chưa bị thu hồi."
    if reason == "no_source":
        return (" Không kiểm tra được tình trạng thu hồi: chứng thư không ghi địa chỉ "
                "OCSP/CRL.")
    if reason == "unreachable":
        return (" Không kiểm tra được tình trạng thu hồi chứng thư (máy chủ OCSP/CRL không "
                "phản hồi).")
    return " Chưa kiểm tra tình trạng thu hồi chứng thư (OCSP/CRL chưa được bật)."


def main_verdict(signature: dict) -> Verdict:
    """The one-line verdict for a signature (the worst problem wins)."""
    problems = set(signature.get("problems") or ())
    who = _who(signature)
    if codes.ENCRYPTED in problems:
        return Verdict("danger", "Chữ ký không kiểm tra được: tệp được đặt mật khẩu mở.")
    if codes.UNREADABLE in problems or codes.UNSUPPORTED in problems:
        return Verdict("danger", "Chữ ký không kiểm tra được: chữ ký bị hỏng hoặc thuộc "
                                 "định dạng không được hỗ trợ.")
    if codes.NOT_INTACT in problems:
        return Verdict("danger", f"{MODIFIED_TEXT}: nội dung không còn khớp với chữ ký "
                                 f"(chữ ký của {who}).")
    if codes.BAD_SIGNATURE in problems:
        return Verdict("danger", f"Chữ ký không hợp lệ: giá trị chữ ký sai (chữ ký của {who}).")
    if codes.MODIFIED in problems:
        return Verdict("danger", f"{MODIFIED_TEXT}: có nội dung được thêm hoặc thay đổi sau "
                                 f"chữ ký của {who}, {_when(signature)}.")
    if codes.REVOKED in problems:
        return Verdict("danger", f"Chứng thư của {who} đã bị thu hồi.")
    cert = signature.get("certificate") or {}
    if codes.EXPIRED in problems:
        return Verdict("danger", f"{EXPIRED_TEXT}: chứng thư của {who} hết hạn "
                                 f"{format_moment(cert.get('not_after'))}, ký "
                                 f"{_when(signature)}.")
    if codes.NOT_YET_VALID in problems:
        return Verdict("danger", f"Chứng thư chưa có hiệu lực lúc ký: chứng thư của {who} có "
                                 f"hiệu lực từ {format_moment(cert.get('not_before'))}, ký "
                                 f"{_when(signature)}.")
    if codes.UNTRUSTED in problems:
        return Verdict("danger", f"{UNTRUSTED_TEXT} (ký bởi {who}, chứng thư do "
                                 f"{_issuer(signature)} cấp).")
    if codes.WEAK_ALGORITHM in problems:
        return Verdict("danger", f"Chữ ký không đạt: dùng thuật toán không còn an toàn (ví dụ "
                                 f"SHA-1) — chữ ký của {who}.")
    if codes.BAD_KEY_USAGE in problems or codes.INVALID_CERTIFICATE in problems:
        return Verdict("danger", f"Chữ ký không kiểm tra được: chứng thư của {who} không hợp "
                                 "lệ để ký số.")
    if not signature.get("valid"):
        return Verdict("danger", f"Chữ ký không hợp lệ (chữ ký của {who}).")
    later = ""
    if not signature.get("covers_whole_document"):
        later = " Sau khi ký chỉ có thêm chữ ký khác hoặc điền biểu mẫu (được phép)."
    return Verdict("ok", f"Chữ ký hợp lệ — ký bởi {who}, {_when(signature)}, chứng thư do "
                         f"{_issuer(signature)} cấp.{later}{_revocation_note(signature)}")


def _significant(name: str) -> set[str]:
    return {w for w in fold(name).replace(",", " ").split() if w not in COMMON_WORDS}


def resembles(organisation: str, unit_name: str) -> bool:
    """Whether a certificate's organisation could be the unit (diacritics, case and the
    words every unit name shares are ignored)."""
    a, b = fold(organisation), fold(unit_name)
    if not a or not b or a in b or b in a:
        return True
    mine, theirs = _significant(organisation), _significant(unit_name)
    if mine and theirs and (mine <= theirs or theirs <= mine):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_ENOUGH


def hints(signature: dict, *, unit_name: str | None = None,
          window: tuple[date | None, date | None] = (None, None)) -> list[Verdict]:
    """Warnings that need the claim: whose signature, and when, compared with the task."""
    found: list[Verdict] = []
    signer = signature.get("signer") or {}
    organisation = signer.get("organisation")
    if unit_name and organisation and not resembles(organisation, unit_name):
        found.append(Verdict("warning", f"Lưu ý: đơn vị trong chứng thư (“{organisation}”) "
                                        f"không giống đơn vị đề nghị (“{unit_name}”)."))
    moment = _moment(signature.get("signing_time"))
    start, end = window
    if moment is not None:
        day = to_local(moment).date()
        if (start and day < start) or (end and day > end):
            span = " – ".join(filter(None, [format_date(start), format_date(end)]))
            found.append(Verdict("warning", f"Lưu ý: ngày ký {format_date(day)} nằm ngoài "
                                            f"thời gian thực hiện nhiệm vụ ({span})."))
    return found


def file_verdicts(result: dict | None, *, unit_name: str | None = None,
                  window: tuple[date | None, date | None] = (None, None)) -> list[Verdict]:
    """Every verdict and hint for one PDF's stored validation result."""
    if result is None:
        return [Verdict("warning", "Chữ ký số chưa được kiểm tra (chạy lệnh "
                                   "“portal revalidate-evidence”).")]
    signatures = result.get("signatures") or []
    if not signatures:
        return [Verdict("warning", "PDF không có chữ ký số (kiểm tra chữ ký tay, con dấu).")]
    lines: list[Verdict] = []
    for number, signature in enumerate(signatures, start=1):
        verdict = main_verdict(signature)
        prefix = f"Chữ ký {number}/{len(signatures)}: " if len(signatures) > 1 else ""
        lines.append(Verdict(verdict.level, prefix + verdict.text))
        if verdict.level == "ok" or codes.UNTRUSTED in (signature.get("problems") or ()):
            lines.extend(hints(signature, unit_name=unit_name, window=window))
    return lines


def file_state(result: dict | None, signed: bool | None = None) -> str:
    """valid / invalid / unchecked / unsigned for one file."""
    if result is None:
        return UNCHECKED if signed else UNSIGNED
    signatures = result.get("signatures") or []
    if not signatures:
        return UNSIGNED
    return VALID if all(s.get("valid") for s in signatures) else INVALID


def claim_state(files: Iterable[tuple[dict | None, bool | None]]) -> str:
    """At a glance, for a claim's PDFs: valid when one carries only valid signatures."""
    states = {file_state(result, signed) for result, signed in files}
    for state in (VALID, INVALID, UNCHECKED):
        if state in states:
            return state
    return UNSIGNED


def text_report(result: dict, *, name: str = "") -> str:
    """The verdict for a file on disk, as ``portal verify-evidence`` prints it."""
    lines = [f"Tệp: {name}"] if name else []
    if result.get("error") == codes.UNREADABLE and not result.get("signatures"):
        lines.append("Không đọc được tệp PDF.")
    if result.get("encrypted"):
        lines.append("Tệp PDF được mã hóa.")
    if not result.get("signatures"):
        lines.append("Tệp không có chữ ký số.")
    for verdict in file_verdicts(result) if result.get("signatures") else []:
        mark = {"ok": "[HỢP LỆ]", "warning": "[LƯU Ý]", "danger": "[KHÔNG ĐẠT]"}[verdict.level]
        lines.append(f"{mark} {verdict.text}")
    return "\n".join(lines)


@dataclass(frozen=True)
class RevalidationReport:
    """What ``revalidate_stored`` did: files checked, whose verdict changed, failures."""

    checked: int
    changed: list[int]
    failed: list[int]


def revalidate_stored(session, *, actor, store, trust, only_unchecked: bool = False,
                      on_file=None) -> RevalidationReport:
    """Validates the signatures of every stored PDF again (after the trust store changed)
    and updates the rows. Each object is spooled to a temporary file, one at a time."""
    from workflow.permissions import Capability, require

    require(actor, Capability.REVALIDATE_SIGNATURES)
    import shutil
    import tempfile

    from sqlalchemy import select

    from db.models import EvidenceFile
    from storage.errors import StorageError
    from storage.pdf_signatures import validate_pdf

    query = select(EvidenceFile).where(EvidenceFile.content_type == "application/pdf")
    if only_unchecked:
        query = query.where(EvidenceFile.pdf_signatures.is_(None))
    checked, changed, failed = 0, [], []
    for evidence in session.scalars(query.order_by(EvidenceFile.id)).all():
        try:
            with store.open(evidence.object_key) as source, tempfile.TemporaryFile() as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
                result = validate_pdf(copy, trust=trust)
        except (StorageError, OSError):
            failed.append(evidence.id)
            continue
        checked += 1
        before = file_state(evidence.pdf_signatures, evidence.pdf_signed)
        evidence.pdf_signatures = result
        evidence.pdf_signed = result["signed"]
        if file_state(result, result["signed"]) != before:
            changed.append(evidence.id)
        if on_file is not None:
            on_file(evidence, result)
    session.flush()
    return RevalidationReport(checked=checked, changed=changed, failed=failed)
