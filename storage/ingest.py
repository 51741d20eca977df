"""Evidence ingest in one pass over the upload stream.

The stream is read once: the first bytes decide the type (so a refused type writes
nothing), then every chunk is hashed, counted against the size limit, sent to the store
and copied to a local temporary file. Checks that need the whole file (image decoding,
PDF structure, Office containers) read that temporary file, so memory stays bounded and
the store is read back only for nothing. A file refused after writing is deleted at once.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from storage.base import ObjectStore, make_key
from storage.errors import IngestRejected, StorageError
from storage.sniff import ALLOWED_TEXT, HEIC, PDF, FileType, extension, sniff

HEAD_SIZE = 64 * 1024
MAX_PIXELS = 60_000_000
THUMBNAIL_SIZE = (320, 320)
EXIF_IFD, DATETIME_ORIGINAL, DATETIME = 0x8769, 36867, 306


@dataclass(frozen=True)
class IngestResult:
    """A stored evidence object and what was learned about it."""

    key: str
    original_name: str
    size: int
    sha256: str
    content_type: str
    kind_guess: str
    derived: dict = field(default_factory=dict)


class _Pass:
    """Reads the upload once: size limit and a copy to a temporary file (the store
    computes the SHA-256 as the bytes go by, so it is not computed twice)."""

    def __init__(self, head: bytes, rest: BinaryIO, limit: int, copy: BinaryIO,
                 too_big: str) -> None:
        self._pending, self._rest, self._limit, self._copy = head, rest, limit, copy
        self._too_big = too_big
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
        else:
            chunk = self._rest.read(size if size and size > 0 else 1024 * 1024)
        if chunk:
            self.size += len(chunk)
            if self.size > self._limit:
                raise IngestRejected(self._too_big)
            self._copy.write(chunk)
        return chunk


def _read_head(stream: BinaryIO) -> bytes:
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _image_facts(copy: BinaryIO, name: str) -> tuple[dict, bytes | None]:
    """Verifies the image, refuses bombs, and derives thumbnail, capture time and phash."""
    corrupt = f"Ảnh “{name}” bị hỏng hoặc không đọc được."
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
                image.load()
                exif = image.getexif()
                upright = ImageOps.exif_transpose(image)
                facts = {"width": width, "height": height,
                         "phash": str(imagehash.phash(upright))}
                taken = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
                if taken:
                    try:
                        moment = datetime.strptime(str(taken).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
                        facts["captured_at"] = moment.isoformat()
                    except ValueError:
                        pass
                thumb = upright.convert("RGB")
                thumb.thumbnail(THUMBNAIL_SIZE)
                buffer = io.BytesIO()
                thumb.save(buffer, "JPEG", quality=82)
                return facts, buffer.getvalue()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise IngestRejected(f"Ảnh “{name}” có kích thước điểm ảnh quá lớn "
                                 "(nghi ngờ tệp độc hại).") from None
        except IngestRejected:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise IngestRejected(corrupt) from error


def _pdf_facts(copy: BinaryIO, name: str) -> dict:
    """Page count, encryption and whether the PDF carries a digital signature."""
    copy.seek(0)
    signed = _has_signature_bytes(copy)
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
                return {"encrypted": True, "signed": signed, "pages": None}
        pages = len(reader.pages)
        fields = reader.get_fields() or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise IngestRejected(f"Tệp PDF “{name}” bị hỏng hoặc không đọc được.") from error
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on broken files
        if "decrypt" in str(error).lower() or "crypt" in type(error).__name__.lower():
            return {"encrypted": True, "signed": signed, "pages": None}
        raise IngestRejected(f"Tệp PDF “{name}” bị hỏng hoặc không đọc được.") from error
    if pages == 0:
        raise IngestRejected(f"Tệp PDF “{name}” không có trang nào.")
    signed = signed or any(f.get("/FT") == "/Sig" and f.get("/V") for f in fields.values())
    return {"encrypted": encrypted, "signed": bool(signed), "pages": pages}


def _has_signature_bytes(copy: BinaryIO) -> bool:
    tail = b""
    while chunk := copy.read(1024 * 1024):
        if b"/ByteRange" in tail + chunk:
            return True
        tail = chunk[-16:]
    return False


def _check_container(copy: BinaryIO, found: FileType, name: str) -> None:
    if found.container != "zip":
        return
    member = "word/document.xml" if found.extensions == frozenset({".docx"}) else "xl/workbook.xml"
    copy.seek(0)
    try:
        with zipfile.ZipFile(copy) as archive:
            if member not in archive.namelist():
                raise IngestRejected(f"Tệp “{name}” không phải {found.label} hợp lệ.")
    except zipfile.BadZipFile as error:
        raise IngestRejected(f"Tệp “{name}” bị hỏng hoặc không đọc được.") from error


def _derive(copy: BinaryIO, found: FileType, name: str) -> tuple[dict, bytes | None]:
    if found is PDF:
        return _pdf_facts(copy, name), None
    if found.content_type.startswith("image/") and found is not HEIC:
        return _image_facts(copy, name)
    _check_container(copy, found, name)
    return {}, None


def ingest(stream: BinaryIO, *, original_name: str, store: ObjectStore, max_bytes: int,
           key_prefix: str = "evidence") -> IngestResult:
    """Checks and stores one upload; on any refusal nothing is left in the store."""
    name = unicodedata.normalize("NFC", (original_name or "").strip()) or "tep-khong-ten"
    name = name.replace("/", "_").replace("\\", "_")[:200]
    megabytes = max_bytes // (1024 * 1024)
    too_big = f"Tệp “{name}” vượt quá dung lượng cho phép (tối đa {megabytes} MB)."
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
    with tempfile.TemporaryFile() as copy:
        reader = _Pass(head, stream, max_bytes, copy, too_big)
        stored = store.put_stream(key, reader, content_type=found.content_type)
        thumb_key = None
        try:
            derived, thumbnail = _derive(copy, found, name)
            if thumbnail:
                thumb_key = f"{key}.thumb.jpg"
                store.put_stream(thumb_key, io.BytesIO(thumbnail), content_type="image/jpeg")
                derived["thumbnail_key"] = thumb_key
        except BaseException:
            for leftover in (key, thumb_key):
                if leftover:
                    with contextlib.suppress(StorageError):
                        store.delete(leftover)
            raise
    return IngestResult(key=key, original_name=name, size=reader.size,
                        sha256=stored.sha256, content_type=found.content_type,
                        kind_guess="photo" if found.content_type.startswith("image/")
                        else "document", derived=derived)
