"""Ingest: every refusal leaves the store empty; accepted files carry their derived data."""

from __future__ import annotations

import io
import zipfile

import pytest

from storage.errors import IngestRejected
from storage.ingest import ingest
from tests.storage.samples import (
    EXE,
    bomb_png,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
)

LIMIT = 2 * 1024 * 1024


def _ingest(store, data: bytes, name: str, limit: int = LIMIT):
    return ingest(io.BytesIO(data), original_name=name, store=store, max_bytes=limit)


def _keys(store) -> list[str]:
    return [key for key, _ in store.list_keys("evidence/")]


@pytest.mark.parametrize("data,name,message", [
    (b"", "rong.pdf", "rỗng"),
    (EXE, "bao-cao.pdf", "không phải PDF, ảnh"),
    (png_bytes(), "bien-ban.pdf", "phần mở rộng .pdf nhưng nội dung là ảnh PNG"),
    (pdf_bytes(), "anh.jpg", "nội dung là PDF"),
    (b"%PDF-1.4\n garbage without structure", "hong.pdf", "bị hỏng"),
    (jpeg_bytes()[:200], "hong.jpg", "bị hỏng"),
    (bomb_png(), "bom.png", "quá lớn"),
    (b"PK\x03\x04" + b"\x00" * 100, "bao-cao.docx", "bị hỏng"),
    (xlsx_bytes(), "bao-cao.docx", "không phải Word"),
    (b"just some text", "ghi-chu.txt", "không phải PDF, ảnh"),
])
def test_refusals_leave_nothing(store, data, name, message):
    with pytest.raises(IngestRejected, match=message):
        _ingest(store, data, name)
    assert _keys(store) == []


def test_oversize_is_refused_midway_and_leaves_nothing(store):
    data = pdf_bytes() + b"\n%" + b"x" * (3 * 1024 * 1024)
    with pytest.raises(IngestRejected, match="vượt quá dung lượng cho phép \\(tối đa 2 MB\\)"):
        _ingest(store, data, "to.pdf")
    assert _keys(store) == []


def test_pdf_facts(store):
    result = _ingest(store, pdf_bytes(3), "Biên bản nghiệm thu.pdf")
    assert result.content_type == "application/pdf" and result.kind_guess == "document"
    assert result.derived == {"encrypted": False, "signed": False, "pages": 3}
    assert result.original_name == "Biên bản nghiệm thu.pdf"
    assert _keys(store) == [result.key]


def test_signed_pdf_is_recognised(store):
    assert _ingest(store, pdf_bytes(signed=True), "ky-so.pdf").derived["signed"] is True


def test_encrypted_pdf_is_accepted_and_flagged(store):
    derived = _ingest(store, pdf_bytes(password="matkhau"), "mat-khau.pdf").derived
    assert derived["encrypted"] is True


def test_photo_thumbnail_orientation_capture_time_and_phash(store):
    data = jpeg_bytes((80, 40), orientation=6, taken="2026:03:15 09:30:00")
    result = _ingest(store, data, "Ảnh công trình.JPG")
    derived = result.derived
    assert result.kind_guess == "photo" and derived["captured_at"] == "2026-03-15T09:30:00"
    assert len(derived["phash"]) == 16
    from PIL import Image

    with store.open(derived["thumbnail_key"]) as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
        assert thumb.format == "JPEG"
        assert thumb.size[1] > thumb.size[0]  # rotated upright by the EXIF orientation
    assert sorted(_keys(store)) == sorted([result.key, derived["thumbnail_key"]])


def test_png_and_office_files(store):
    assert _ingest(store, png_bytes(), "so-do.png").content_type == "image/png"
    assert _ingest(store, docx_bytes(), "bao-cao.docx").content_type.endswith(
        "wordprocessingml.document")
    assert _ingest(store, xlsx_bytes(), "so-lieu.xlsx").content_type.endswith("spreadsheetml.sheet")


def test_same_bytes_give_the_same_sha256(store):
    data = pdf_bytes()
    first, second = _ingest(store, data, "a.pdf"), _ingest(store, data, "b.pdf")
    assert first.sha256 == second.sha256 and first.key != second.key


def test_zip_named_docx_without_word_content_is_refused(store):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "x")
    with pytest.raises(IngestRejected):
        _ingest(store, buffer.getvalue(), "gia-mao.docx")
    assert _keys(store) == []
