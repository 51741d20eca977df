"""A test PKI built at test time (root CA → intermediate → signer, with ``cryptography``)
and PDFs signed with pyHanko: valid, tampered, extended, self-signed, expired, two
signatures, encrypted."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from storage.pdf_signatures import TrustStore

SIGNER_NAME = "NGUYỄN VĂN A"
SIGNER_ORG = "Văn phòng Đảng ủy phường Phước Bình"


@dataclass(frozen=True)
class Identity:
    """A certificate and its private key (cryptography objects)."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        """The certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        """The certificate as DER."""
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        """The certificate for asn1crypto/pyHanko."""
        return asn1_x509.Certificate.load(self.der)


def _name(common: str, org: str | None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def make_identity(common: str, *, org: str | None = None, issuer: Identity | None = None,
                  ca: bool = False, not_before: datetime | None = None,
                  not_after: datetime | None = None, path_length: int | None = None,
                  crl_url: str | None = None, time_stamping: bool = False) -> Identity:
    """A certificate signed by ``issuer`` (self-signed without one). EC keys, except for a
    time-stamping authority (pyHanko's test TSA signs with RSA only)."""
    key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if time_stamping
           else ec.generate_private_key(ec.SECP256R1()))
    now = datetime.now(UTC)
    subject = _name(common, org)
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before or now - timedelta(days=30))
               .not_valid_after(not_after or now + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length
                                                    if ca else None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=True, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False), critical=True)
    cert = builder.sign((issuer or Identity(None, key)).key, hashes.SHA256())  # type: ignore[arg-type]
    return Identity(cert, key)


@dataclass(frozen=True)
class TestPki:
    """Root CA, intermediate CA and signers issued under them."""

    root: Identity
    intermediate: Identity
    signer: Identity
    second_signer: Identity
    expired_signer: Identity
    self_signed: Identity
    tsa: Identity

    def trust(self, **kwargs) -> TrustStore:
        """A trust store holding only the root CA."""
        return TrustStore(roots=(self.root.asn1,), **kwargs)


def build_pki() -> TestPki:
    """A fresh PKI (a few milliseconds with EC keys)."""
    now = datetime.now(UTC)
    root = make_identity("Test Root CA Việt Nam", org="Bộ Khoa học và Công nghệ (thử)",
                         ca=True, not_before=now - timedelta(days=3650),
                         not_after=now + timedelta(days=3650))
    intermediate = make_identity("Test CA Chuyên dùng Chính phủ", org="Ban Cơ yếu (thử)",
                                 issuer=root, ca=True, path_length=0,
                                 not_before=now - timedelta(days=1000),
                                 not_after=now + timedelta(days=1000))
    signer = make_identity(SIGNER_NAME, org=SIGNER_ORG, issuer=intermediate)
    second = make_identity("TRẦN THỊ B", org="Công an phường Phước Bình", issuer=intermediate)
    expired = make_identity("LÊ VĂN C", org=SIGNER_ORG, issuer=intermediate,
                            not_before=now - timedelta(days=400),
                            not_after=now - timedelta(days=35))
    self_signed = make_identity("NGUYỄN VĂN GIẢ", org=SIGNER_ORG)
    tsa = make_identity("Test TSA", org="Ban Cơ yếu (thử)", issuer=intermediate,
                        time_stamping=True, not_before=now - timedelta(days=900))
    return TestPki(root, intermediate, signer, second, expired, self_signed, tsa)


def blank_pdf(pages: int = 1, *, padding: int = 0, encrypt_owner: str | None = None,
              user_password: str = "") -> bytes:
    """An unsigned PDF made with pyHanko's writer (``padding`` bytes of incompressible
    content make it large; ``encrypt_owner`` encrypts it with RC4/AES)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    for index in range(pages):
        content = b"BT /F1 12 Tf 72 720 Td (Trang %d) Tj ET" % (index + 1)
        writer.insert_page(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]),
            generic.NameObject("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=content)),
        }))
    if padding:
        import os

        blob = writer.add_object(generic.StreamObject(stream_data=os.urandom(padding)))
        writer.root[generic.NameObject("/PortalPadding")] = blob
    if encrypt_owner:
        writer.encrypt(encrypt_owner, user_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sign(data: bytes, signer: Identity, *, chain: tuple[Identity, ...] = (),
         field_name: str = "ChuKy1", password: str | None = None,
         tsa: Identity | None = None, timestamp_at: datetime | None = None,
         digest: str = "sha256") -> bytes:
    """``data`` with one more signature (an incremental update made by pyHanko)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    simple = signers.SimpleSigner(
        signing_cert=signer.asn1, signing_key=_private_key(signer),
        cert_registry=SimpleCertificateStore.from_certs([c.asn1 for c in chain]))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if password is not None:
        writer.encrypt(password)
    timestamper = None
    if tsa is not None:
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        timestamper = DummyTimeStamper(
            tsa_cert=tsa.asn1, tsa_key=_private_key(tsa),
            certs_to_embed=SimpleCertificateStore.from_certs([c.asn1 for c in chain]),
            fixed_dt=timestamp_at)
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field_name,
                                                          md_algorithm=digest),
                     signer=simple, output=out, timestamper=timestamper)
    return out.getvalue()


def _private_key(identity: Identity) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(identity.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def add_page_after_signing(data: bytes) -> bytes:
    """An incremental update that adds content (a new page) after the signatures."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Page"),
        generic.NameObject("/MediaBox"): generic.ArrayObject(
            [generic.NumberObject(v) for v in (0, 0, 595, 842)]),
        generic.NameObject("/Contents"): writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Them sau) Tj ET")),
    })
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tamper(data: bytes) -> bytes:
    """The same file with bytes inside the signed range changed (same length)."""
    marker = b"(Trang 1)"
    at = data.index(marker)
    return data[:at] + b"(Trang 9)" + data[at + len(marker):]


def signed_cases(pki: TestPki) -> dict[str, bytes]:
    """Every case the issue lists, by name."""
    chain = (pki.intermediate,)
    base = blank_pdf()
    valid = sign(base, pki.signer, chain=chain)
    return {
        "valid": valid,
        "tampered": tamper(valid),
        "extended": add_page_after_signing(valid),
        "self_signed": sign(base, pki.self_signed),
        "expired": sign(base, pki.expired_signer, chain=chain),
        "two": sign(valid, pki.second_signer, chain=chain, field_name="ChuKy2"),
        "timestamped": sign(base, pki.signer, chain=chain, tsa=pki.tsa),
        # Signed while the certificate was valid, as a trusted timestamp proves; it has
        # expired since.
        "expired_since": sign(base, pki.expired_signer, chain=chain, tsa=pki.tsa,
                              timestamp_at=datetime.now(UTC) - timedelta(days=100)),
        "unsigned": base,
        "encrypted": sign(blank_pdf(encrypt_owner="chu-so-huu"), pki.signer, chain=chain,
                          password=""),
        "locked": sign(blank_pdf(encrypt_owner="chu-so-huu", user_password="mat-khau"),
                       pki.signer, chain=chain, password="mat-khau"),
    }


@functools.cache
def shared_cases() -> tuple[TestPki, dict[str, bytes]]:
    """One PKI and one set of signed samples per test process (signing takes ~0.3 s)."""
    pki = build_pki()
    return pki, signed_cases(pki)
