"""Validation of the digital signatures embedded in a PDF, with pyHanko.

Pure: a seekable binary stream (a file on disk, the spooled upload) and a trust store in,
plain JSON-serialisable dictionaries out. The PDF is read through the stream (pyHanko
hashes the signed byte ranges in chunks), so a 50 MB file is never held in memory.

What is checked for every signature:

- integrity: the signed byte ranges hash to the digest the signer signed (``intact``) and
  the CMS signature verifies with the signer's key (``cryptographically_valid``);
- coverage: whether the signature covers the whole file, and if not, what pyHanko's
  difference analysis says about the later incremental updates (only signatures or
  timestamps, form filling, annotations, or other changes);
- the signer and issuer (name and organisation from the certificates);
- the signing time: the embedded RFC 3161 timestamp when there is a valid one, otherwise
  the time the signer claimed (labelled as such);
- the certificate chain to one of the trusted CAs, evaluated *at the signing time*, so
  that a certificate that was valid when the document was signed and has expired since
  is still accepted, and one that had already expired is not;
- revocation (OCSP/CRL), only when asked for; the result says whether it was done.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from asn1crypto import pem, x509

log = logging.getLogger(__name__)
# pyHanko logs every untrusted or expired certificate as a warning with a traceback; those
# are ordinary verdicts here, reported in the result instead.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
DEFAULT_REVOCATION_TIMEOUT = 5

# Problem codes (the domain layer words them in Vietnamese).
NOT_INTACT = "not_intact"
BAD_SIGNATURE = "bad_signature"
MODIFIED = "modified_after_signing"
UNTRUSTED = "untrusted"
EXPIRED = "expired_at_signing"
NOT_YET_VALID = "not_yet_valid_at_signing"
REVOKED = "revoked"
BAD_KEY_USAGE = "key_usage"
INVALID_CERTIFICATE = "invalid_certificate"
NO_SIGNING_TIME = "no_signing_time"
TIMESTAMP_INVALID = "timestamp_invalid"
ENCRYPTED = "encrypted"
UNREADABLE = "unreadable"
UNSUPPORTED = "unsupported"
WEAK_ALGORITHM = "weak_algorithm"


class TrustStoreError(ValueError):
    """A file offered to the trust store is not a usable CA certificate."""


@dataclass(frozen=True)
class TrustStore:
    """The CA certificates signatures must chain to, and how to check revocation.

    ``revocation`` turns OCSP/CRL checks on (network access to the CA's responders);
    ``revocation_timeout`` is the per-request limit in seconds."""

    roots: tuple[x509.Certificate, ...] = ()
    revocation: bool = False
    revocation_timeout: float = DEFAULT_REVOCATION_TIMEOUT

    @classmethod
    def from_dir(cls, folder: Path | str | None, *, revocation: bool = False,
                 revocation_timeout: float = DEFAULT_REVOCATION_TIMEOUT) -> TrustStore:
        """Every certificate in the folder's .pem/.crt/.cer/.der files (a missing folder is
        an empty store; an unreadable file is logged and skipped)."""
        roots: list[x509.Certificate] = []
        for path in certificate_files(folder):
            try:
                found = load_certificates(path.read_bytes())
            except TrustStoreError:
                log.warning("trust store: %s is not a certificate, skipped", path)
                continue
            roots.extend(found)
        return cls(roots=tuple(roots), revocation=revocation,
                   revocation_timeout=revocation_timeout)


def certificate_files(folder: Path | str | None) -> list[Path]:
    """The certificate files of a trust folder, sorted by name."""
    if not folder or not Path(folder).is_dir():
        return []
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM (one or more blocks) or DER bytes; TrustStoreError otherwise."""
    try:
        if pem.detect(data):
            found = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, True)
                     if kind == "CERTIFICATE"]
        else:
            found = [x509.Certificate.load(data)]
        for cert in found:
            cert.native  # noqa: B018 - forces a full parse: broken DER fails here
    except Exception as error:  # noqa: BLE001 - asn1crypto raises many kinds
        raise TrustStoreError("not a certificate") from error
    if not found:
        raise TrustStoreError("no certificate")
    return found


def describe_certificate(cert: x509.Certificate) -> dict:
    """Subject, issuer, validity and SHA-256 fingerprint of a certificate, JSON-ready."""
    return {
        "subject": cert.subject.human_friendly,
        "name": _name_part(cert.subject, "common_name"),
        "organisation": _organisation(cert.subject),
        "issuer": cert.issuer.human_friendly,
        "not_before": cert.not_valid_before.isoformat(),
        "not_after": cert.not_valid_after.isoformat(),
        "serial": format(cert.serial_number, "x"),
        "sha256": hashlib.sha256(cert.dump()).hexdigest(),
        "is_ca": bool(cert.ca),
    }


def _name_part(name: x509.Name, part: str) -> str | None:
    value = name.native.get(part)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value) if value else None


def _organisation(name: x509.Name) -> str | None:
    # Vietnamese signing certificates often carry the agency in O, sometimes only in OU.
    return _name_part(name, "organization_name") or _name_part(name,
                                                                "organizational_unit_name")


def _claimed_or_timestamp_time(embedded) -> datetime | None:
    """The time to evaluate the certificates at: the timestamp token's time if there is
    one, else the signer's claim (both are checked again by the validation itself)."""
    try:
        unsigned = embedded.signer_info["unsigned_attrs"]
        for attr in unsigned or ():
            if attr["type"].native == "signature_time_stamp_token":
                token = attr["values"][0]
                info = token["content"]["encap_content_info"]["content"].parsed
                return info["gen_time"].native
    except Exception:  # noqa: BLE001 - a malformed token is reported by the validation
        log.debug("unreadable timestamp token", exc_info=True)
    return embedded.self_reported_timestamp


def _validation_context(trust: TrustStore, moment: datetime | None, *, fetch: bool):
    from pyhanko_certvalidator import ValidationContext

    kwargs: dict = {"trust_roots": list(trust.roots), "moment": moment,
                    "allow_fetching": fetch, "revocation_mode": "soft-fail",
                    "retroactive_revinfo": True}
    if fetch:
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        kwargs["fetcher_backend"] = RequestsFetcherBackend(
            per_request_timeout=trust.revocation_timeout)
        kwargs["revocation_mode"] = "hard-fail"
    return ValidationContext(**kwargs)


def _validate_one(embedded, trust: TrustStore) -> dict:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                match_all_key_usages=False)
    moment = _claimed_or_timestamp_time(embedded)
    revocation = {"checked": False, "reason": "disabled"}
    status = None
    signer = embedded.signer_cert
    published = bool(signer.ocsp_urls or signer.crl_distribution_points)
    if trust.revocation and trust.roots and not published:
        # Nothing to ask: certvalidator would pass it, which must not read as "checked".
        revocation = {"checked": False, "reason": "no_source"}
    elif trust.revocation and trust.roots:
        status = validate_pdf_signature(
            embedded, _validation_context(trust, moment, fetch=True),
            key_usage_settings=usage)
        indication = _indication(status)
        if status.revoked:
            revocation = {"checked": True, "reason": "revoked"}
        elif indication in {"TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE", "NO_POE",
                            "CERTIFICATE_CHAIN_GENERAL_FAILURE"}:
            # Responders unreachable or silent: judge without them and say so.
            revocation = {"checked": False, "reason": "unreachable"}
            status = None
        else:
            revocation = {"checked": True, "reason": "good"}
    if status is None:
        status = validate_pdf_signature(
            embedded, _validation_context(trust, moment, fetch=False),
            key_usage_settings=usage)

    coverage = status.coverage
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    allowed = whole or (coverage == SignatureCoverageLevel.ENTIRE_REVISION
                        and level is not None
                        and level <= ModificationLevel.FORM_FILLING
                        and bool(status.docmdp_ok))
    # Later signatures, timestamps and form filling are part of normal signing: the
    # document counts as modified only when a later update goes beyond them.
    modified = not allowed
    tst = status.timestamp_validity
    if tst is not None and tst.intact and tst.valid:
        signing_time, source = tst.timestamp, "timestamp"
    else:
        signing_time, source = status.signer_reported_dt, "claimed" if (
            status.signer_reported_dt) else None
    indication = _indication(status)
    problems: list[str] = []
    if not status.intact:
        problems.append(NOT_INTACT)
    elif not status.valid:
        problems.append(BAD_SIGNATURE)
    if not allowed:
        problems.append(MODIFIED)
    if status.revoked:
        problems.append(REVOKED)
    elif indication in {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}:
        problems.append(EXPIRED)
    elif indication == "NOT_YET_VALID":
        problems.append(NOT_YET_VALID)
    elif indication == "NO_CERTIFICATE_CHAIN_FOUND" or (
            status.validation_path is None and (signer.self_signed != "no"
                                                or indication is None)):
        problems.append(UNTRUSTED)
    elif indication in {"CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"}:
        problems.append(WEAK_ALGORITHM)
    elif indication == "CHAIN_CONSTRAINTS_FAILURE" and not _usage_ok(signer):
        problems.append(BAD_KEY_USAGE)
    elif indication is not None and status.intact and status.valid:
        problems.append(INVALID_CERTIFICATE)
    if tst is not None and not (tst.intact and tst.valid):
        problems.append(TIMESTAMP_INVALID)
    if signing_time is None:
        problems.append(NO_SIGNING_TIME)
    anchor = status.validation_path[0] if status.validation_path is not None else None
    issuer_name = _name_part(signer.issuer, "common_name") or signer.issuer.human_friendly
    return {
        "field": embedded.field_name,
        "valid": bool(status.intact and status.valid and status.trusted and allowed
                      and not status.revoked),
        "intact": bool(status.intact),
        "cryptographically_valid": bool(status.valid),
        "covers_whole_document": whole,
        "modified_after_signing": modified,
        "modification": level.name.lower() if level is not None else None,
        "allowed_changes_only": allowed,
        "signer": {"name": _name_part(signer.subject, "common_name"),
                   "organisation": _organisation(signer.subject),
                   "email": _name_part(signer.subject, "email_address"),
                   "subject": signer.subject.human_friendly},
        "issuer": {"name": issuer_name, "organisation": _organisation(signer.issuer)},
        "certificate": {"serial": format(signer.serial_number, "x"),
                        "not_before": signer.not_valid_before.isoformat(),
                        "not_after": signer.not_valid_after.isoformat(),
                        "sha256": hashlib.sha256(signer.dump()).hexdigest()},
        "signing_time": signing_time.isoformat() if signing_time else None,
        "signing_time_source": source,
        "trusted": bool(status.trusted),
        "trust_anchor": anchor.subject.human_friendly if anchor is not None else None,
        "revoked": bool(status.revoked),
        "revocation": revocation,
        "indication": indication,
        "problems": problems,
    }


def _usage_ok(cert: x509.Certificate) -> bool:
    usage = cert.key_usage_value
    return usage is not None and bool({"digital_signature", "non_repudiation"}
                                      & set(usage.native))


def _indication(status) -> str | None:
    indic = status.trust_problem_indic
    return indic.name if indic is not None else None


def _unreadable(field_name: str | None, code: str) -> dict:
    return {"field": field_name, "valid": False, "intact": False,
            "cryptographically_valid": False, "covers_whole_document": False,
            "modified_after_signing": False, "modification": None,
            "allowed_changes_only": False, "signer": None, "issuer": None,
            "certificate": None, "signing_time": None, "signing_time_source": None,
            "trusted": False, "trust_anchor": None, "revoked": False,
            "revocation": {"checked": False, "reason": "disabled"}, "indication": None,
            "problems": [code]}


def _is_signature_value(value) -> bool:
    try:
        return value.get("/Type") != "/DocTimeStamp"
    except AttributeError:
        return True


def _has_byte_range(stream: BinaryIO) -> bool:
    stream.seek(0)
    tail = b""
    while chunk := stream.read(1024 * 1024):
        if b"/ByteRange" in tail + chunk:
            return True
        tail = chunk[-16:]
    return False


def validate_pdf(stream: BinaryIO, *, trust: TrustStore | None = None,
                 password: str | bytes | None = None) -> dict:
    """Validates every signature of the PDF in ``stream`` (seekable, read in place).

    Returns ``{"signed", "encrypted", "signatures": [...], "error"}``; ``error`` is None
    or ``"encrypted"`` (a password we do not have) / ``"unreadable"``. Each signature is
    a dictionary with ``valid``, ``intact``, ``covers_whole_document``,
    ``modified_after_signing``, ``signer``, ``signing_time``, ``trusted``, ``problems``
    (codes) and more; see the module docstring."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    trust = trust or TrustStore()
    stream.seek(0)
    try:
        reader = PdfFileReader(stream, strict=False)
        encrypted = reader.encrypted
        if encrypted:
            result = reader.decrypt(password if password is not None else "")
            if result.status.name == "FAILED":
                signed = _has_byte_range(stream)
                return {"signed": signed, "encrypted": True, "error": ENCRYPTED,
                        "signatures": [_unreadable(None, ENCRYPTED)] if signed else []}
        embedded = list(reader.embedded_regular_signatures)
        filled = [name for name, value, _ in enumerate_sig_fields(reader, filled_status=True)
                  if _is_signature_value(value)]
    except Exception as error:  # noqa: BLE001 - broken files raise many kinds; never a 500
        log.info("PDF not readable for signature validation: %s", error)
        signed = _has_byte_range(stream)
        return {"signed": signed, "encrypted": False, "error": UNREADABLE,
                "signatures": [_unreadable(None, UNREADABLE)] if signed else []}
    signatures = []
    for sig in embedded:
        try:
            signatures.append(_validate_one(sig, trust))
        except Exception as error:  # noqa: BLE001 - one broken signature must not hide the rest
            log.info("signature %s not validated: %s", sig.field_name, error, exc_info=True)
            signatures.append(_unreadable(sig.field_name, UNREADABLE))
    # pyHanko skips signatures it cannot handle (unknown /SubFilter, document timestamps
    # aside): they are still signatures the reviewer must not take for valid ones.
    seen = {sig.field_name for sig in embedded}
    signatures.extend(_unreadable(name, UNSUPPORTED) for name in filled if name not in seen)
    return {"signed": bool(signatures), "encrypted": bool(encrypted), "error": None,
            "signatures": signatures}


def validate_pdf_file(path: Path | str, *, trust: TrustStore | None = None) -> dict:
    """``validate_pdf`` for a file on disk."""
    with open(path, "rb") as handle:
        return validate_pdf(handle, trust=trust)
