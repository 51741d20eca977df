"""Evidence ingest in one pass over the upload stream.

How "one pass" and "nothing left behind" are achieved:

1. The first 64 KB are read and sniffed (magic bytes, never the name or the browser's
   content type). A missing, disallowed or mismatching type is refused before anything is
   written.
2. The rest of the stream goes through a reader that counts bytes against the limit and
   copies every chunk to a local temporary file, while the store receives it under its
   final key (streamed: a 50 MB upload never sits in memory). The store computes the
   SHA-256 as the bytes pass. Exceeding the limit aborts the write, so the store keeps
   nothing (S3: the multipart upload is aborted; local: the temporary file is removed).
3. Checks that need the whole file run on the temporary copy, in bounded memory: Pillow
   (verify, decode, decompression-bomb limit), pypdf (structure, pages, encryption),
   pyHanko (every digital signature validated, see storage.pdf_signatures), the zip directory of DOCX/XLSX, the OLE2 directory names of DOC/XLS. The
   copy is used instead of reading the object back from the store: same bytes, no second
   network transfer. If a check fails, the stored object (and thumbnail) is deleted before
   ``IngestRejected`` is raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import struct
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

import imagehash
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from storage.base import ObjectStore, SizedStream, make_key
from storage.errors import IngestRejected, LengthMismatch, StorageError
from storage.pdf_actions import RawScanner, pdf_active_content
from storage.pdf_signatures import TrustStore, validate_pdf
from storage.pipeline import InOrder
from storage.sniff import (
    ALLOWED_TEXT,
    DOC,
    DOCX,
    PDF,
    XLS,
    XLSX,
    FileType,
    extension,
    sniff,
)

HEAD_SIZE = 64 * 1024
READ_SIZE = 1024 * 1024
MAX_PIXELS = 60_000_000
MAX_NAME = 200
THUMBNAIL_SIZE = (320, 320)
# Images are shrunk to this before the thumbnail and phash are made (bounded memory).
DECODE_AT_LEAST = (1024, 1024)
pillow_heif.register_heif_opener()  # HEIC/HEIF photos open in Pillow like any other image
EXIF_IFD, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL, DATETIME = 0x8769, 36867, 36881, 306
ZIP_MEMBERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
# DOCX/XLSX are zips: limits read from the zip directory, before anything is inflated
# (zipfile never inflates a member past the size its directory entry declares).
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_INFLATED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = 1024 * 1024  # small members may compress better than 1:100 harmlessly
OLE2_STREAMS = {DOC: ("WordDocument",), XLS: ("Workbook", "Book")}


@dataclass(frozen=True)
class IngestResult:
    """A stored evidence object and what was learned about it.

    ``derived`` holds, for images: ``width``, ``height``, ``phash`` (16 hex digits),
    ``thumbnail_key`` (a 320 px JPEG stored as its own object) and, when the photo says so,
    ``captured_at`` (ISO 8601; with its UTC offset when EXIF records one). For PDFs:
    ``pages`` (None when encrypted with a password we do not have), ``encrypted``,
    ``signed`` and ``signatures`` (the validation of every signature, a JSON-ready dict
    from ``storage.pdf_signatures.validate_pdf``) and, when it has any, ``active_content``
    (comma-separated codes of storage.pdf_actions: JavaScript, launch, embedded files,
    actions run on opening). Other types: empty."""

    key: str
    original_name: str
    size: int
    sha256: str
    content_type: str
    kind_guess: str  # "photo" for images, "document" otherwise
    derived: dict = field(default_factory=dict)


def format_megabytes(limit: int) -> str:
    """A byte count in MB the Vietnamese way: ``50``, ``2,5``."""
    value = f"{limit / (1024 * 1024):.2f}".rstrip("0").rstrip(".")
    return value.replace(".", ",")


def clean_name(original_name: str) -> str:
    """The name to keep and show: NFC, no folder part, no control or invisible characters
    (a right-to-left override could disguise "exe.pdf"), at most 200 characters."""
    name = unicodedata.normalize("NFC", original_name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(name.split())  # tabs, newlines and runs of spaces → one space
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_NAME - len(ext) - 1] + "." + ext if dot and len(ext) <= 10
                else name[:MAX_NAME])
    return name or "tep-khong-ten"


class _Pass:
    """Reads the upload once: size limit, a copy to a temporary file and, for PDFs, the
    raw active-content scan (the store computes the SHA-256 as the bytes go by, so it is
    not computed twice). Copy and scan run on ``helper``'s thread while the chunk is sent
    on: call ``helper.finish()`` before reading the copy."""

    def __init__(self, head: bytes, rest: BinaryIO, limit: int, copy: BinaryIO,
                 too_big: str, helper: InOrder, scanner: RawScanner | None = None) -> None:
        self._pending, self._rest, self._limit, self._copy = head, rest, limit, copy
        self._too_big, self._helper, self._scanner = too_big, helper, scanner
        self.size = 0

    def _keep(self, chunk: bytes) -> None:
        self._copy.write(chunk)
        if self._scanner is not None:
            self._scanner.feed(chunk)

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
        else:
            chunk = self._rest.read(size if size and size > 0 else READ_SIZE)
        if chunk:
            self.size += len(chunk)
            if self.size > self._limit:
                raise IngestRejected(self._too_big)
            self._helper.submit(self._keep, chunk)
        return chunk


def _read_head(stream: BinaryIO) -> bytes:
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _captured_at(exif: Image.Exif) -> str | None:
    """DateTimeOriginal (else DateTime) as ISO 8601, with OffsetTimeOriginal if valid."""
    details = exif.get_ifd(EXIF_IFD)
    taken = details.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not taken:
        return None
    try:
        moment = datetime.strptime(str(taken).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = str(details.get(OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
    if re.fullmatch(r"[+-](0\d|1[0-4]):[0-5]\d", offset):
        return moment.isoformat() + offset
    return moment.isoformat()


def _image_facts(copy: BinaryIO, name: str) -> tuple[dict, bytes]:
    """Verifies the image, refuses bombs, and derives thumbnail, capture time and phash."""
    corrupt = f"Ảnh “{name}” bị hỏng hoặc không đọc được."
    bomb = f"Ảnh “{name}” có kích thước điểm ảnh quá lớn (nghi ngờ tệp độc hại)."
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            copy.seek(0)
            with Image.open(copy) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise IngestRejected(
                        f"Ảnh “{name}” quá lớn ({width}×{height} điểm ảnh); tối đa "
                        f"{MAX_PIXELS // 1_000_000} triệu điểm ảnh.")
                image.verify()
            copy.seek(0)
            with Image.open(copy) as image:
                exif = image.getexif()
                # Decode (JPEG: at 1/2, 1/4 or 1/8 scale) and shrink in place, so that the
                # copies below are small: a 48 MP JPEG costs ~20 MB instead of ~550 MB.
                # Other formats are decoded in full first (~270 MB for a 60 MP RGB PNG).
                if image.format == "JPEG":
                    image.draft(None, DECODE_AT_LEAST)
                image.thumbnail(DECODE_AT_LEAST)
                upright = ImageOps.exif_transpose(image)
                facts: dict = {"width": width, "height": height,
                               "phash": str(imagehash.phash(upright))}
                if taken := _captured_at(exif):
                    facts["captured_at"] = taken
                thumb = upright.convert("RGB")
                thumb.thumbnail(THUMBNAIL_SIZE)
                buffer = io.BytesIO()
                thumb.save(buffer, "JPEG", quality=82)
                return facts, buffer.getvalue()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise IngestRejected(bomb) from None
        except IngestRejected:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                struct.error, RuntimeError) as error:
            raise IngestRejected(corrupt) from error


def _pdf_facts(copy: BinaryIO, name: str, raw: set[str] | None = None) -> dict:
    """Page count and encryption (signatures: ``_derive`` validates them).

    A PDF that pypdf cannot parse (broken, truncated) is refused; an encrypted one is
    accepted and flagged (``pages`` is None when it needs a password)."""
    broken = f"Tệp PDF “{name}” bị hỏng hoặc không đọc được."
    copy.seek(0)
    try:
        reader = PdfReader(copy, strict=False)
        encrypted = reader.is_encrypted
        if encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - a cipher or password we do not have
                opened = 0
            if not opened:
                return {"encrypted": True, "pages": None,
                        **_active_content(copy, None, raw)}
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise IngestRejected(broken) from error
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on broken files
        if "decrypt" in str(error).lower() or "crypt" in type(error).__name__.lower():
            return {"encrypted": True, "pages": None, **_active_content(copy, None, raw)}
        raise IngestRejected(broken) from error
    if pages == 0:
        raise IngestRejected(f"Tệp PDF “{name}” không có trang nào.")
    return {"encrypted": encrypted, "pages": pages, **_active_content(copy, reader, raw)}


def _active_content(copy: BinaryIO, reader: PdfReader | None,
                    raw: set[str] | None = None) -> dict:
    """``active_content``: comma-separated codes (storage.pdf_actions) when there are any."""
    codes = pdf_active_content(copy, reader, raw)
    return {"active_content": ",".join(codes)} if codes else {}


def _contains(copy: BinaryIO, needles: tuple[bytes, ...]) -> bool:
    """Whether the file contains any of the byte strings (read in 1 MB chunks)."""
    copy.seek(0)
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    while chunk := copy.read(READ_SIZE):
        window = tail + chunk
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:]
    return False


def _check_container(copy: BinaryIO, found: FileType, name: str) -> None:
    """A DOCX/XLSX must be a zip holding the part of its kind; a DOC/XLS an OLE2 file
    holding the stream of its kind (an .msi or .msg renamed .doc is refused)."""
    not_valid = f"Tệp “{name}” không phải {found.label} hợp lệ."
    if found.container == "zip":
        member = ZIP_MEMBERS[found]
        copy.seek(0)
        try:
            with zipfile.ZipFile(copy) as archive:
                _check_zip_directory(archive.infolist(), found, name)
                if member not in archive.namelist():
                    raise IngestRejected(not_valid)
                with archive.open(member) as part:  # inflates (and CRC-checks) one part
                    while part.read(READ_SIZE):
                        pass
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError, RuntimeError) as error:
            raise IngestRejected(f"Tệp “{name}” bị hỏng hoặc không đọc được.") from error
    elif found.container == "ole2":
        names = tuple(stream.encode("utf-16-le") for stream in OLE2_STREAMS[found])
        if not _contains(copy, names):
            raise IngestRejected(not_valid)


def _unsafe_member_name(member: str) -> bool:
    parts = re.split(r"[/\\]", member)
    return (member.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", member))
            or ".." in parts or any(ord(ch) < 32 for ch in member))


def _check_zip_directory(members: list[zipfile.ZipInfo], found: FileType, name: str) -> None:
    """Member count, total inflated size, compression ratio and member names of a
    DOCX/XLSX, from the zip directory alone: a zip bomb is refused without inflating it."""
    suspicious = (f"Tệp “{name}” có cấu trúc nén bất thường (nghi ngờ tệp độc hại) nên không "
                  f"được chấp nhận; vui lòng lưu lại tệp {found.label} hoặc chuyển sang PDF.")
    if len(members) > ZIP_MAX_MEMBERS:
        raise IngestRejected(suspicious)
    inflated = compressed = 0
    for info in members:
        if _unsafe_member_name(info.filename):
            raise IngestRejected(suspicious)
        inflated += info.file_size
        compressed += info.compress_size
        if info.file_size > ZIP_RATIO_FROM and (
                info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)):
            raise IngestRejected(suspicious)
        if inflated > ZIP_MAX_INFLATED:
            raise IngestRejected(suspicious)
    if inflated > ZIP_RATIO_FROM and inflated > ZIP_MAX_RATIO * max(compressed, 1):
        raise IngestRejected(suspicious)


def _derive(copy: BinaryIO, found: FileType, name: str, trust: TrustStore | None,
            raw: set[str] | None = None) -> tuple[dict, bytes | None]:
    if found is PDF:
        facts = _pdf_facts(copy, name, raw)
        facts["signatures"] = validate_pdf(copy, trust=trust)
        facts["signed"] = facts["signatures"]["signed"]
        return facts, None
    if found.content_type.startswith("image/"):
        return _image_facts(copy, name)
    _check_container(copy, found, name)
    return {}, None


def _sha256_of(copy: BinaryIO) -> str:
    copy.seek(0)
    digest = hashlib.sha256()
    while chunk := copy.read(READ_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def ingest(stream: BinaryIO, *, original_name: str, store: ObjectStore, max_bytes: int,
           key_prefix: str = "evidence", trust: TrustStore | None = None) -> IngestResult:
    """Checks and stores one upload, reading ``stream`` once.

    PDF signatures are validated against ``trust`` (no trusted CA when None). A
    ``SizedStream`` passes its declared length to the store (S3: one PUT streamed as it is
    read, instead of a multipart upload).

    Raises ``IngestRejected`` (Vietnamese message naming the file) for an empty, oversize,
    disallowed, mismatching or corrupt file, and lets ``StorageError`` from the store
    propagate; in every failure nothing is left in the store."""
    name = clean_name(original_name)
    too_big = (f"Tệp “{name}” vượt quá dung lượng cho phép "
               f"(tối đa {format_megabytes(max_bytes)} MB).")
    # A declared length (Content-Length) lets the store send the file in one request.
    length = stream.length if isinstance(stream, SizedStream) else None
    if length is not None and length > max_bytes:
        raise IngestRejected(too_big)
    head = _read_head(stream)
    if not head:
        raise IngestRejected(f"Tệp “{name}” rỗng, không có nội dung.")
    if len(head) > max_bytes:
        raise IngestRejected(too_big)
    found, actual = sniff(head, name)
    ext = extension(name)
    if found is None:
        raise IngestRejected(f"Tệp “{name}” không phải {ALLOWED_TEXT} hợp lệ "
                             f"(nội dung thực tế: {actual}).")
    if ext and ext not in found.extensions:
        raise IngestRejected(f"Tệp “{name}” có phần mở rộng {ext} nhưng nội dung là "
                             f"{found.label}. Vui lòng kiểm tra lại tệp.")
    key = make_key(key_prefix, name if ext else name + sorted(found.extensions)[0])
    with tempfile.TemporaryFile() as copy, InOrder() as helper:
        scanner = RawScanner() if found is PDF else None
        reader = _Pass(head, stream, max_bytes, copy, too_big, helper, scanner)
        try:
            stored = store.put_stream(key, reader, content_type=found.content_type,
                                      length=length)
        except LengthMismatch as error:
            raise IngestRejected(f"Tệp “{name}” tải lên không trọn vẹn (kết nối bị ngắt hoặc "
                                 "dung lượng khai báo sai). Vui lòng tải lại.") from error
        thumb_key = None
        try:
            helper.finish()
            derived, thumbnail = _derive(copy, found, name, trust,
                                         scanner.found if scanner else None)
            if thumbnail:
                thumb_key = f"{key}.thumb.jpg"
                store.put_stream(thumb_key, io.BytesIO(thumbnail), content_type="image/jpeg")
                derived["thumbnail_key"] = thumb_key
            sha256 = stored.sha256 or _sha256_of(copy)
        except BaseException:
            for leftover in (thumb_key, key):
                if leftover:
                    with contextlib.suppress(StorageError):
                        store.delete(leftover)
            raise
    return IngestResult(key=key, original_name=name, size=reader.size, sha256=sha256,
                        content_type=found.content_type,
                        kind_guess="photo" if found.content_type.startswith("image/")
                        else "document", derived=derived)

