"""Upload checks that finish the job: PDF active content flagged, HEIC decoded (or
refused), DOCX/XLSX zips with limits and safe member names."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from storage.errors import IngestRejected
from storage.ingest import ZIP_MAX_MEMBERS, ingest
from tests.storage.samples import docx_bytes, heic_bytes, pdf_bytes, zip_bytes

MIB = 1024 * 1024


def _ingest(store, data: bytes, name: str, limit: int = 20 * MIB):
    return ingest(io.BytesIO(data), original_name=name, store=store, max_bytes=limit)


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject("/" + key)] = value
    return action


def _pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    change(writer)
    return _written(writer)


def _open_action_js(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/JavaScript", JS=TextStringObject("app.launchURL('http://x')"))


def _launch_link(writer: PdfWriter) -> None:
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        NameObject("/A"): _action("/Launch", F=TextStringObject("cmd.exe"))})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _document_js(writer: PdfWriter) -> None:
    action = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('x');")))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)})


ACTIVE = [
    ("javascript", _document_js, {"javascript"}),
    ("embedded", lambda w: w.add_attachment("payload.exe", b"MZ" + b"\0" * 50),
     {"embedded_file"}),
    ("open-action", _open_action_js, {"javascript", "open_action"}),
    ("launch", _launch_link, {"launch"}),
]


@pytest.mark.parametrize("label,change,expected", ACTIVE, ids=[a[0] for a in ACTIVE])
def test_pdf_active_content_is_flagged(local_store, label, change, expected):
    result = _ingest(local_store, _pdf_with(change), f"{label}.pdf")
    assert set(result.derived["active_content"].split(",")) >= expected
    assert result.derived["pages"] == 1  # accepted, flagged for the reviewer


def test_hex_escaped_names_are_seen_through(local_store):
    data = _pdf_with(_open_action_js).replace(b"/S /JavaScript\n/JS", b"/S /J#61vaScript\n/J#53")
    assert b"/JavaScript" not in data and b"/JS" not in data
    result = _ingest(local_store, data, "escaped.pdf")
    assert "open_action" in result.derived["active_content"]


def test_plain_pdfs_are_not_flagged(local_store):
    for data in (pdf_bytes(3), pdf_bytes(signed=True)):
        assert "active_content" not in _ingest(local_store, data, "sach.pdf").derived


def test_short_names_in_stream_data_are_not_mistaken_for_javascript(local_store):
    # Compressed image data of a large scan contains "/JS " by chance (about once per 20 MB
    # of random bytes); only a real action may raise the warning.
    def with_binary_stream(writer: PdfWriter) -> None:
        from pypdf.generic import StreamObject

        stream = StreamObject()
        stream.set_data(b"\x8f\x02/JS \x00\x17/JS(\x99" * 64)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        writer._add_object(stream)

    data = _pdf_with(with_binary_stream)
    assert b"/JS " in data
    result = _ingest(local_store, data, "ban-chup.pdf")
    assert "active_content" not in result.derived


def test_heic_photo_is_decoded_for_thumbnail_exif_and_phash(store):
    result = _ingest(store, heic_bytes((800, 600), taken="2026:03:04 10:11:12"), "IMG_1.HEIC")
    derived = result.derived
    assert result.content_type == "image/heic" and result.kind_guess == "photo"
    assert (derived["width"], derived["height"]) == (800, 600)
    assert derived["captured_at"] == "2026-03-04T10:11:12"
    assert len(derived["phash"]) == 16
    with store.open(derived["thumbnail_key"]) as thumb:
        from PIL import Image

        with Image.open(thumb) as image:
            assert image.format == "JPEG" and max(image.size) == 320


def _docx_with(extra: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as original:
        members = {info.filename: original.read(info) for info in original.infolist()}
    members.update(extra)
    return zip_bytes(members)


@pytest.mark.parametrize("member", ["../../evil.xml", "word/../../evil.xml", "/etc/cron.d/x",
                                    "\\windows\\x.dll", "C:/x.xml", "word/\x01.xml"])
def test_office_member_names_that_escape_are_refused(store, member, pending_uploads):
    with pytest.raises(IngestRejected, match="cấu trúc nén bất thường"):
        _ingest(store, _docx_with({member: b"<x/>"}), "bao-cao.docx")
    assert list(store.list_keys("evidence/")) == [] and pending_uploads(store) == []


def test_too_many_members_are_refused(local_store):
    extra = {f"word/media/p{i}.xml": b"<p/>" for i in range(ZIP_MAX_MEMBERS)}
    with pytest.raises(IngestRejected, match="cấu trúc nén bất thường"):
        _ingest(local_store, _docx_with(extra), "nhieu-tep.docx")


def test_high_compression_ratio_is_refused(local_store):
    data = _docx_with({"word/media/zeros.bin": b"\0" * (20 * MIB)})
    assert len(data) < MIB
    with pytest.raises(IngestRejected, match="nghi ngờ tệp độc hại"):
        _ingest(local_store, data, "ti-le.docx")


@pytest.fixture(scope="module")
def bomb_xlsx() -> bytes:
    """An XLSX whose members inflate to 400 MB (written in 1 MB pieces, ~0.5 MB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for part in range(4):
            with archive.open(f"xl/worksheets/sheet{part}.xml", "w") as target:
                chunk = b"\0" * MIB
                for _ in range(100):
                    target.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_without_inflating_it(store, bomb_xlsx, pending_uploads):
    assert len(bomb_xlsx) < 2 * MIB
    started = time.perf_counter()
    with pytest.raises(IngestRejected, match="nghi ngờ tệp độc hại"):
        _ingest(store, bomb_xlsx, "bang-tinh.xlsx")
    assert time.perf_counter() - started < 3
    assert list(store.list_keys("evidence/")) == [] and pending_uploads(store) == []


def test_ordinary_office_files_still_pass(local_store):
    photo = heic_bytes((300, 200))  # an incompressible-ish media part
    assert _ingest(local_store, _docx_with({"word/media/image1.heic": photo}), "a.docx").size
