"""Ingest: every refusal leaves the store empty; accepted files carry their derived data.

Each test runs against the local store and against moto's S3 server."""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile

import pytest
from PIL import Image

from storage.base import StoredObject
from storage.errors import IngestRejected, StorageError
from storage.ingest import clean_name, format_megabytes, ingest
from tests.storage.samples import (
    EXE,
    HEIC_JUNK,
    bomb_png,
    docx_bytes,
    heic_bytes,
    jpeg_bytes,
    ole2_bytes,
    pdf_bytes,
    png_bytes,
    png_header_only,
    webp_bytes,
    xlsx_bytes,
)
from workflow.evidence_checks import NEAR_DUPLICATE_DISTANCE, phash_distance

MIB = 1024 * 1024
LIMIT = 2 * MIB


def _ingest(store, data: bytes, name: str, limit: int = LIMIT):
    return ingest(io.BytesIO(data), original_name=name, store=store, max_bytes=limit)


def _keys(store) -> list[str]:
    return [key for key, _ in store.list_keys()]


def _bad_crc_png() -> bytes:
    data = bytearray(png_bytes())
    data[29] ^= 0xFF  # inside the IHDR checksum
    return bytes(data)


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "x")
    return buffer.getvalue()


REFUSALS = [
    # empty
    (b"", "rong.pdf", "Tệp “rong.pdf” rỗng, không có nội dung."),
    # type not allowed, named in the message
    (EXE, "bao-cao.pdf", "Tệp “bao-cao.pdf” không phải PDF, ảnh (JPG, PNG, WebP, HEIC), Word "
                         "hoặc Excel hợp lệ (nội dung thực tế: EXE)."),
    (b"just some text", "ghi-chu.txt", "“ghi-chu.txt” không phải PDF, ảnh"),
    (b"\x7fELF" + b"\x00" * 100, "anh.jpg", "“anh.jpg” không phải PDF, ảnh"),
    # extension and content disagree
    (png_bytes(), "bien-ban.pdf", "Tệp “bien-ban.pdf” có phần mở rộng .pdf nhưng nội dung là "
                                  "ảnh PNG. Vui lòng kiểm tra lại tệp."),
    (pdf_bytes(), "anh.jpg", "phần mở rộng .jpg nhưng nội dung là PDF"),
    (docx_bytes(), "bao-cao.pdf", "phần mở rộng .pdf nhưng nội dung là Word"),
    (ole2_bytes("WordDocument"), "bang.xlsx", "phần mở rộng .xlsx nhưng nội dung là"),
    # broken documents
    (b"%PDF-1.4\n garbage without structure", "hong.pdf",
     "Tệp PDF “hong.pdf” bị hỏng hoặc không đọc được."),
    (pdf_bytes(5)[:-300], "cut.pdf", "Tệp PDF “cut.pdf” bị hỏng"),
    (b"PK\x03\x04" + b"\x00" * 100, "bao-cao.docx", "Tệp “bao-cao.docx” bị hỏng"),
    (xlsx_bytes(), "bao-cao.docx", "Tệp “bao-cao.docx” không phải Word (.docx) hợp lệ."),
    (docx_bytes(), "so-lieu.xlsx", "không phải Excel (.xlsx) hợp lệ"),
    (_zip_without_word(), "gia-mao.docx", "không phải Word (.docx) hợp lệ"),
    (ole2_bytes("SummaryInformation"), "cai-dat.doc", "không phải Word (.doc) hợp lệ"),
    (ole2_bytes("WordDocument"), "bang.xls", "không phải Excel (.xls) hợp lệ"),
    # corrupt images
    (jpeg_bytes()[:200], "hong.jpg", "Ảnh “hong.jpg” bị hỏng hoặc không đọc được."),
    (jpeg_bytes((400, 300))[:1500], "nua.jpg", "Ảnh “nua.jpg” bị hỏng"),
    (_bad_crc_png(), "crc.png", "Ảnh “crc.png” bị hỏng"),
    (HEIC_JUNK, "IMG_0002.HEIC", "Ảnh “IMG_0002.HEIC” bị hỏng hoặc không đọc được."),
    (heic_bytes()[:-400], "IMG_0003.HEIC", "Ảnh “IMG_0003.HEIC” bị hỏng"),
    (png_header_only(100, 100), "cut.png", "Ảnh “cut.png” bị hỏng"),
    # decompression bombs: above our 60 MP limit, Pillow's warning, Pillow's error
    (bomb_png(8000, 8000), "bom.png", "Ảnh “bom.png” quá lớn (8000×8000 điểm ảnh); "
                                      "tối đa 60 triệu điểm ảnh."),
    (png_header_only(8000, 8000), "bom2.png", "quá lớn"),
    (bomb_png(10000, 10000), "bom3.png", "kích thước điểm ảnh quá lớn (nghi ngờ tệp độc hại)"),
    (bomb_png(), "bom4.png", "kích thước điểm ảnh quá lớn (nghi ngờ tệp độc hại)"),
]


@pytest.mark.parametrize("data,name,message", REFUSALS,
                         ids=[name for _, name, _ in REFUSALS])
def test_refusals_leave_nothing(store, data, name, message, pending_uploads):
    with pytest.raises(IngestRejected) as raised:
        _ingest(store, data, name)
    assert message in raised.value.message
    assert _keys(store) == []
    assert pending_uploads(store) == []


def test_oversize_is_refused_midway_and_leaves_nothing(store):
    data = pdf_bytes() + b"\n%" + b"x" * (3 * MIB)
    with pytest.raises(IngestRejected) as raised:
        _ingest(store, data, "to.pdf")
    assert raised.value.message == ("Tệp “to.pdf” vượt quá dung lượng cho phép "
                                    "(tối đa 2 MB).")
    assert _keys(store) == []


def test_oversize_during_a_multipart_upload_leaves_nothing(store, pending_uploads):
    data = pdf_bytes() + b"\n%" + b"x" * (8 * MIB)
    with pytest.raises(IngestRejected, match="tối đa 7 MB"):
        _ingest(store, data, "rat-lon.pdf", limit=7 * MIB)
    assert _keys(store) == [] and pending_uploads(store) == []


def test_oversize_within_the_first_bytes(store):
    with pytest.raises(IngestRejected, match=r"\(tối đa 0,01 MB\)"):
        _ingest(store, pdf_bytes() + b"%" * 20000, "a.pdf", limit=10 * 1024)
    assert _keys(store) == []


def test_exactly_the_limit_is_accepted(store):
    data = pdf_bytes() + b"%" * 1000
    assert _ingest(store, data, "vua-du.pdf", limit=len(data)).size == len(data)


def test_store_down_propagates_storage_error(s3_down):
    started = time.monotonic()
    with pytest.raises(StorageError, match="Không kết nối được kho lưu trữ minh chứng"):
        _ingest(s3_down, pdf_bytes(), "a.pdf")
    assert time.monotonic() - started < 10


class _ThumbnailsFail:
    """A store whose second write (the thumbnail) fails."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def put_stream(self, key, stream, **kwargs) -> StoredObject:
        if key.endswith(".thumb.jpg"):
            raise StorageError()
        return self.inner.put_stream(key, stream, **kwargs)


def test_a_failed_thumbnail_write_removes_the_photo(store):
    with pytest.raises(StorageError):
        _ingest(_ThumbnailsFail(store), jpeg_bytes(), "anh.jpg")
    assert _keys(store) == []


def test_pdf_facts(store):
    data = pdf_bytes(3)
    result = _ingest(store, data, "Biên bản nghiệm thu.pdf")
    assert result.content_type == "application/pdf" and result.kind_guess == "document"
    assert result.derived == {"encrypted": False, "signed": False, "pages": 3, "signatures": {
        "signed": False, "encrypted": False, "error": None, "signatures": []}}
    assert result.original_name == "Biên bản nghiệm thu.pdf"
    assert result.size == len(data) and result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.key.endswith("/Bien-ban-nghiem-thu.pdf")
    assert _keys(store) == [result.key]
    assert store.head(result.key).content_type == "application/pdf"
    with store.open(result.key) as handle:
        assert handle.read() == data


@pytest.mark.parametrize("byte_range", [True, False])
def test_a_made_up_signature_is_recognised_and_not_valid(store, byte_range):
    data = pdf_bytes(signed=True, byte_range=byte_range)
    derived = _ingest(store, data, "ky-so.pdf").derived
    assert derived["signed"] is True
    [signature] = derived["signatures"]["signatures"]
    assert signature["valid"] is False and signature["problems"]


def test_encrypted_pdf_is_accepted_and_flagged(store):
    derived = _ingest(store, pdf_bytes(password="matkhau"), "mat-khau.pdf").derived
    assert {k: derived[k] for k in ("encrypted", "signed", "pages")} == {
        "encrypted": True, "signed": False, "pages": None}
    assert derived["signatures"]["signatures"] == []


def test_pdf_with_only_an_owner_password_is_counted(store):
    derived = _ingest(store, pdf_bytes(2, owner_password="chu"), "han-che.pdf").derived
    assert {k: derived[k] for k in ("encrypted", "signed", "pages")} == {
        "encrypted": True, "signed": False, "pages": 2}


def test_photo_thumbnail_orientation_capture_time_and_phash(store):
    data = jpeg_bytes((80, 40), orientation=6, taken="2026:03:15 09:30:00")
    result = _ingest(store, data, "Ảnh công trình.JPG")
    derived = result.derived
    assert result.kind_guess == "photo" and result.content_type == "image/jpeg"
    assert derived["captured_at"] == "2026-03-15T09:30:00"
    assert (derived["width"], derived["height"]) == (80, 40)
    assert re.fullmatch(r"[0-9a-f]{16}", derived["phash"])
    assert derived["thumbnail_key"] == result.key + ".thumb.jpg"
    with store.open(derived["thumbnail_key"]) as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
        assert thumb.format == "JPEG"
        assert thumb.size[1] > thumb.size[0]  # rotated upright by the EXIF orientation
    assert sorted(_keys(store)) == sorted([result.key, derived["thumbnail_key"]])


def test_capture_time_keeps_its_offset(store):
    data = jpeg_bytes(taken="2026:03:15 09:30:00", offset="+07:00")
    assert _ingest(store, data, "a.jpg").derived["captured_at"] == "2026-03-15T09:30:00+07:00"


def test_photo_without_exif(store):
    derived = _ingest(store, jpeg_bytes(), "a.jpeg").derived
    assert "captured_at" not in derived and derived["thumbnail_key"]


def test_large_photo_is_thumbnailed_within_320_pixels(store):
    image = Image.effect_noise((3000, 2000), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    result = _ingest(store, buffer.getvalue(), "lon.jpg", limit=10 * MIB)
    assert (result.derived["width"], result.derived["height"]) == (3000, 2000)
    with store.open(result.derived["thumbnail_key"]) as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (320, 213)


@pytest.mark.parametrize("data,name,content_type,kind", [
    (png_bytes(), "so-do.png", "image/png", "photo"),
    (webp_bytes(), "anh.webp", "image/webp", "photo"),
    (docx_bytes(), "bao-cao.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"),
    (xlsx_bytes(), "so-lieu.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
    (ole2_bytes("WordDocument"), "cong-van.doc", "application/msword", "document"),
    (ole2_bytes("Workbook"), "bang-cu.xls", "application/vnd.ms-excel", "document"),
    (heic_bytes(), "IMG_0001.HEIC", "image/heic", "photo"),
])
def test_accepted_types(store, data, name, content_type, kind):
    result = _ingest(store, data, name)
    assert (result.content_type, result.kind_guess) == (content_type, kind)
    assert result.size == len(data) and result.sha256 == hashlib.sha256(data).hexdigest()
    expected = {result.key} | ({result.derived["thumbnail_key"]}
                               if "thumbnail_key" in result.derived else set())
    assert set(_keys(store)) == expected
    if content_type in ("image/png", "image/webp"):
        assert expected == {result.key, result.key + ".thumb.jpg"}


def test_same_bytes_give_the_same_sha256(store):
    data = pdf_bytes()
    first, second = _ingest(store, data, "a.pdf"), _ingest(store, data, "b.pdf")
    assert first.sha256 == second.sha256 and first.key != second.key


def test_names(store):
    decomposed = "Ảnh đường.jpg".replace("ư", "u\u031b")  # NFD, as macOS sends it
    result = _ingest(store, jpeg_bytes(), decomposed)
    assert result.original_name == "Ảnh đường.jpg" and result.key.endswith("/Anh-duong.jpg")
    assert _ingest(store, pdf_bytes(), "C:\\fakepath\\Tờ trình.pdf").original_name == "Tờ trình.pdf"
    spoofed = _ingest(store, pdf_bytes(), "hoa-don\u202efdp.exe.pdf")
    assert spoofed.original_name == "hoa-donfdp.exe.pdf"
    bare = _ingest(store, pdf_bytes(), "Báo cáo ngày 15.3.2026")
    assert bare.original_name == "Báo cáo ngày 15.3.2026"
    assert bare.key.endswith("/Bao-cao-ngay-15.3.2026.pdf")
    assert _ingest(store, pdf_bytes(), "").original_name == "tep-khong-ten"
    assert _ingest(store, docx_bytes(), "Kế hoạch").key.endswith("/Ke-hoach.docx")
    assert _ingest(store, ole2_bytes("Workbook"), "Bảng").key.endswith("/Bang.xls")


def test_clean_name_and_megabytes():
    assert clean_name("  a\tb\n.pdf ") == "a b .pdf"
    assert len(clean_name("x" * 300 + ".pdf")) == 200 and clean_name("x" * 300 + ".pdf")[-4:] == ".pdf"
    assert [format_megabytes(n) for n in (50 * MIB, MIB * 5 // 2, 10 * 1024)] == ["50", "2,5",
                                                                                  "0,01"]


def test_phash_distance(local_store):
    def phash_of(image: Image.Image, name: str, format: str) -> str:
        buffer = io.BytesIO()
        image.save(buffer, format)
        return _ingest(local_store, buffer.getvalue(), name).derived["phash"]

    scene = Image.effect_noise((256, 192), 80).convert("RGB")
    first = phash_of(scene, "a.jpg", "JPEG")
    assert phash_distance(first, first) == 0
    resized = phash_distance(first, phash_of(scene.resize((128, 96)), "b.png", "PNG"))
    assert resized <= 8 and resized <= NEAR_DUPLICATE_DISTANCE
    other = Image.effect_noise((256, 192), 80).convert("RGB")
    different = phash_distance(first, phash_of(other, "c.jpg", "JPEG"))
    assert different > 8 and different > NEAR_DUPLICATE_DISTANCE


def test_signatures_are_validated_from_the_spooled_copy(store):
    from tests.signing import shared_cases

    pki, cases = shared_cases()
    result = ingest(io.BytesIO(cases["two"]), original_name="Quyết định.pdf", store=store,
                    max_bytes=MIB, trust=pki.trust())
    assert result.derived["signed"] is True
    assert [s["valid"] for s in result.derived["signatures"]["signatures"]] == [True, True]
    with store.open(result.key) as handle:
        assert handle.read() == cases["two"]
