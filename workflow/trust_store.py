"""The office's trust store: the CA certificates evidence signatures must chain to.

A folder (``EVIDENCE_TRUST_DIR``) of PEM/DER files. The admin lists, adds and removes CAs
here; each change is audited. Stored evidence keeps its verdict until
``portal revalidate-evidence`` runs (the page says so after a change).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem

from storage.pdf_signatures import (
    TrustStoreError,
    certificate_files,
    describe_certificate,
    load_certificates,
)
from workflow import audit_trail, permissions
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability

MAX_CERT_BYTES = 64 * 1024


@dataclass(frozen=True)
class TrustedCa:
    """One trusted certificate as the admin page lists it."""

    subject: str
    name: str
    organisation: str
    not_before: datetime
    not_after: datetime
    sha256: str
    file_name: str
    is_ca: bool


def list_cas(session, *, actor: Actor, folder: Path) -> list[TrustedCa]:
    """Every certificate of the trust folder, by subject."""
    permissions.require(actor, Capability.MANAGE_TRUST_STORE)
    return sorted(_read(folder), key=lambda ca: (ca.name.lower(), ca.sha256))


def _read(folder: Path) -> list[TrustedCa]:
    found: list[TrustedCa] = []
    for path in certificate_files(folder):
        try:
            certs = load_certificates(path.read_bytes())
        except TrustStoreError:
            continue
        for cert in certs:
            info = describe_certificate(cert)
            found.append(TrustedCa(
                subject=info["subject"], name=info["name"] or info["subject"],
                organisation=info["organisation"] or "",
                not_before=datetime.fromisoformat(info["not_before"]),
                not_after=datetime.fromisoformat(info["not_after"]),
                sha256=info["sha256"], file_name=path.name, is_ca=info["is_ca"]))
    return found


def add_ca(session, *, actor: Actor, folder: Path, data: bytes,
           file_name: str = "") -> TrustedCa:
    """Adds a CA certificate (PEM or DER, one certificate) to the trust folder."""
    permissions.require(actor, Capability.MANAGE_TRUST_STORE)
    if not data:
        raise ValidationError("Vui lòng chọn tệp chứng thư (.pem, .crt, .cer, .der).")
    if len(data) > MAX_CERT_BYTES:
        raise ValidationError("Tệp quá lớn để là một chứng thư số (tối đa 64 KB).")
    try:
        certs = load_certificates(data)
    except TrustStoreError:
        raise ValidationError(f"Tệp “{file_name or 'tải lên'}” không phải chứng thư số "
                              "dạng PEM hoặc DER.") from None
    if len(certs) != 1:
        raise ValidationError("Mỗi lần chỉ thêm một chứng thư; tệp này chứa "
                              f"{len(certs)} chứng thư.")
    [cert] = certs
    info = describe_certificate(cert)
    if not info["is_ca"]:
        raise ValidationError("Chứng thư này không phải của tổ chức chứng thực (CA): "
                              "chỉ thêm chứng thư gốc hoặc chứng thư trung gian của CA.")
    if any(ca.sha256 == info["sha256"] for ca in _read(folder)):
        raise ValidationError("Chứng thư này đã có trong danh sách tin cậy.")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"ca-{info['sha256'][:16]}.pem"
    temp = folder / f".{target.name}.{os.getpid()}"
    temp.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    temp.replace(target)
    audit_trail.record(session, actor=actor, action="trust.add", object_type="trust_ca",
                 object_id=None, after={"name": info["subject"], "sha256": info["sha256"]})
    return next(ca for ca in _read(folder) if ca.sha256 == info["sha256"])


def remove_ca(session, *, actor: Actor, folder: Path, sha256: str) -> TrustedCa:
    """Removes a certificate (by SHA-256 fingerprint) from the trust folder."""
    permissions.require(actor, Capability.MANAGE_TRUST_STORE)
    found = next((ca for ca in _read(folder) if ca.sha256 == (sha256 or "").lower()), None)
    if found is None:
        raise NotFound("Không tìm thấy chứng thư trong danh sách tin cậy.")
    path = folder / found.file_name
    remaining = [c for c in load_certificates(path.read_bytes())
                 if describe_certificate(c)["sha256"] != found.sha256]
    if remaining:  # a bundle file: keep the other certificates
        path.write_bytes(b"".join(pem.armor("CERTIFICATE", c.dump()) for c in remaining))
    else:
        path.unlink()
    audit_trail.record(session, actor=actor, action="trust.remove", object_type="trust_ca",
                 object_id=None, before={"name": found.subject, "sha256": found.sha256})
    return found
