"""Signature validation with a PKI built at test time and PDFs signed by pyHanko."""

from __future__ import annotations

import io
import json

import pytest

from storage.pdf_signatures import (
    EXPIRED,
    MODIFIED,
    NOT_INTACT,
    UNTRUSTED,
    TrustStore,
    TrustStoreError,
    load_certificates,
    validate_pdf,
    validate_pdf_file,
)
from tests.signing import (
    SIGNER_NAME,
    SIGNER_ORG,
    blank_pdf,
    make_identity,
    shared_cases,
    sign,
)


@pytest.fixture(scope="module")
def pki_cases():
    return shared_cases()


def _check(pki_cases, name: str, **kwargs) -> dict:
    pki, cases = pki_cases
    result = validate_pdf(io.BytesIO(cases[name]), trust=pki.trust(**kwargs))
    json.dumps(result)  # stored as JSON: nothing else may be in it
    return result


def test_valid_signature_chained_to_the_trusted_root(pki_cases):
    result = _check(pki_cases, "valid")
    assert result["signed"] is True and result["error"] is None
    [sig] = result["signatures"]
    assert sig["valid"] and sig["intact"] and sig["trusted"] and sig["covers_whole_document"]
    assert not sig["modified_after_signing"] and sig["problems"] == []
    assert sig["signer"]["name"] == SIGNER_NAME and sig["signer"]["organisation"] == SIGNER_ORG
    assert sig["issuer"]["name"] == "Test CA Chuyên dùng Chính phủ"
    assert sig["trust_anchor"].startswith("Common Name: Test Root CA")
    assert sig["signing_time"] and sig["signing_time_source"] == "claimed"
    assert sig["revocation"] == {"checked": False, "reason": "disabled"}


def test_the_same_signature_without_its_root_in_the_store_is_untrusted(pki_cases):
    _, cases = pki_cases
    [sig] = validate_pdf(io.BytesIO(cases["valid"]), trust=TrustStore())["signatures"]
    assert sig["intact"] and not sig["trusted"] and not sig["valid"]
    assert sig["problems"] == [UNTRUSTED]


def test_bytes_changed_after_signing(pki_cases):
    [sig] = _check(pki_cases, "tampered")["signatures"]
    assert not sig["valid"] and not sig["intact"] and NOT_INTACT in sig["problems"]


def test_content_added_in_an_incremental_update(pki_cases):
    [sig] = _check(pki_cases, "extended")["signatures"]
    assert sig["intact"] and sig["trusted"] and not sig["valid"]
    assert not sig["covers_whole_document"] and sig["modified_after_signing"]
    assert sig["problems"] == [MODIFIED]


def test_self_signed_signer_is_untrusted(pki_cases):
    [sig] = _check(pki_cases, "self_signed")["signatures"]
    assert sig["intact"] and not sig["trusted"] and not sig["valid"]
    assert sig["problems"] == [UNTRUSTED]


def test_signer_certificate_expired_at_signing(pki_cases):
    [sig] = _check(pki_cases, "expired")["signatures"]
    assert sig["intact"] and not sig["valid"] and sig["problems"] == [EXPIRED]


def test_two_signatures_both_valid_and_the_first_sees_only_a_later_signature(pki_cases):
    first, second = _check(pki_cases, "two")["signatures"]
    assert first["valid"] and second["valid"]
    assert not first["covers_whole_document"] and not first["modified_after_signing"]
    assert first["allowed_changes_only"] and second["covers_whole_document"]
    assert second["signer"]["name"] == "TRẦN THỊ B"


def test_signing_time_from_an_embedded_timestamp(pki_cases):
    [sig] = _check(pki_cases, "timestamped")["signatures"]
    assert sig["valid"] and sig["signing_time_source"] == "timestamp"


def test_certificate_expired_since_signing_is_accepted_on_a_trusted_timestamp(pki_cases):
    pki, _ = pki_cases
    [sig] = _check(pki_cases, "expired_since")["signatures"]
    assert sig["valid"] and sig["problems"] == [] and sig["signing_time_source"] == "timestamp"
    assert sig["signing_time"] < sig["certificate"]["not_after"]
    assert sig["certificate"]["not_after"] < pki.signer.cert.not_valid_before_utc.isoformat()


def test_sha1_signature_is_refused_as_weak(pki_cases):
    pki, _ = pki_cases
    data = sign(blank_pdf(), pki.signer, chain=(pki.intermediate,), digest="sha1")
    [sig] = validate_pdf(io.BytesIO(data), trust=pki.trust())["signatures"]
    assert sig["intact"] and not sig["valid"] and sig["problems"] == ["weak_algorithm"]


def test_unsigned_pdf(pki_cases):
    assert _check(pki_cases, "unsigned") == {"signed": False, "encrypted": False,
                                             "error": None, "signatures": []}


def test_encrypted_signed_pdf_that_opens_without_a_password(pki_cases):
    result = _check(pki_cases, "encrypted")
    assert result["encrypted"] is True and result["signed"] is True
    [sig] = result["signatures"]
    assert sig["valid"] and sig["signer"]["name"] == SIGNER_NAME


def test_signed_pdf_locked_by_a_password_is_reported_not_checked(pki_cases):
    result = _check(pki_cases, "locked")
    assert result["signed"] is True and result["error"] == "encrypted"
    [sig] = result["signatures"]
    assert not sig["valid"] and sig["problems"] == ["encrypted"]


def test_a_broken_file_is_reported_unreadable():
    result = validate_pdf(io.BytesIO(b"%PDF-1.7\nnot really a pdf /ByteRange"))
    assert result["error"] == "unreadable" and result["signed"] is True
    assert result["signatures"][0]["problems"] == ["unreadable"]


def test_validates_from_a_file_on_disk(pki_cases, tmp_path):
    pki, cases = pki_cases
    path = tmp_path / "ky-so.pdf"
    path.write_bytes(cases["valid"])
    assert validate_pdf_file(path, trust=pki.trust())["signatures"][0]["valid"]


def test_unreachable_revocation_server_is_said_and_does_not_block(pki_cases, closed_port):
    pki, _ = pki_cases
    signer = make_identity("PHẠM VĂN D", org=SIGNER_ORG, issuer=pki.intermediate,
                           crl_url=f"http://127.0.0.1:{closed_port}/ca.crl")
    data = sign(blank_pdf(), signer, chain=(pki.intermediate,))
    trust = pki.trust(revocation=True, revocation_timeout=1)
    [sig] = validate_pdf(io.BytesIO(data), trust=trust)["signatures"]
    assert sig["revocation"] == {"checked": False, "reason": "unreachable"}
    assert sig["valid"]


def test_revocation_asked_for_a_certificate_that_names_no_responder(pki_cases):
    pki, cases = pki_cases
    trust = pki.trust(revocation=True, revocation_timeout=1)
    [sig] = validate_pdf(io.BytesIO(cases["valid"]), trust=trust)["signatures"]
    assert sig["revocation"] == {"checked": False, "reason": "no_source"} and sig["valid"]


def test_trust_store_reads_pem_and_der_and_skips_other_files(pki_cases, tmp_path):
    pki, _ = pki_cases
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "intermediate.der").write_bytes(pki.intermediate.der)
    (tmp_path / "notes.txt").write_text("không phải chứng thư")
    (tmp_path / "broken.crt").write_bytes(b"-----BEGIN CERTIFICATE-----\nxx\n")
    store = TrustStore.from_dir(tmp_path)
    assert {c.subject.native["common_name"] for c in store.roots} == {
        "Test Root CA Việt Nam", "Test CA Chuyên dùng Chính phủ"}
    assert TrustStore.from_dir(tmp_path / "missing").roots == ()
    with pytest.raises(TrustStoreError):
        load_certificates(b"hello")


@pytest.fixture
def crl_server():
    """An HTTP server on a loopback port that serves the CRL bytes put in ``crl``."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = served.get("crl", b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/ca.crl", served
    server.shutdown()
    server.server_close()


def _crl(issuer, revoked_serials=()):
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    now = datetime.now(UTC)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.cert.subject)
               .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=7)))
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(now - timedelta(days=400)).build())
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("revoked", [False, True])
def test_revocation_checked_against_a_reachable_crl(pki_cases, crl_server, revoked):
    pki, _ = pki_cases
    url, served = crl_server
    signer = make_identity("PHẠM VĂN E", org=SIGNER_ORG, issuer=pki.intermediate, crl_url=url)
    served["crl"] = _crl(pki.intermediate, [signer.cert.serial_number] if revoked else [])
    data = sign(blank_pdf(), signer, chain=(pki.intermediate,))
    [sig] = validate_pdf(io.BytesIO(data),
                         trust=pki.trust(revocation=True, revocation_timeout=2))["signatures"]
    if revoked:
        assert not sig["valid"] and sig["revoked"] and "revoked" in sig["problems"]
        assert sig["revocation"] == {"checked": True, "reason": "revoked"}
    else:
        assert sig["valid"] and sig["revocation"] == {"checked": True, "reason": "good"}
