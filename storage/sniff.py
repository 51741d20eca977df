"""Deciding a file's type from its first bytes, never from its name or the browser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype


@dataclass(frozen=True)
class FileType:
    """An accepted kind of evidence file."""

    label: str
    content_type: str
    extensions: frozenset[str]
    container: str | None = None  # "zip" / "ole2": the real type depends on the extension


PDF = FileType("PDF", "application/pdf", frozenset({".pdf"}))
JPEG = FileType("ảnh JPEG", "image/jpeg", frozenset({".jpg", ".jpeg", ".jfif"}))
PNG = FileType("ảnh PNG", "image/png", frozenset({".png"}))
WEBP = FileType("ảnh WebP", "image/webp", frozenset({".webp"}))
HEIC = FileType("ảnh HEIC", "image/heic", frozenset({".heic", ".heif"}))
DOCX = FileType("Word (.docx)",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                frozenset({".docx"}), "zip")
XLSX = FileType("Excel (.xlsx)",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                frozenset({".xlsx"}), "zip")
DOC = FileType("Word (.doc)", "application/msword", frozenset({".doc"}), "ole2")
XLS = FileType("Excel (.xls)", "application/vnd.ms-excel", frozenset({".xls"}), "ole2")
ALLOWED = (PDF, JPEG, PNG, WEBP, HEIC, DOCX, XLSX, DOC, XLS)
BY_MIME = {t.content_type: t for t in (PDF, JPEG, PNG, WEBP, HEIC)}
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ALLOWED_TEXT = "PDF, ảnh (JPG, PNG, WebP, HEIC), Word hoặc Excel"


def extension(name: str) -> str:
    """The lower-case extension of a file name, with its dot ("" when none). A suffix
    without letters is part of the name, not an extension ("Báo cáo ngày 15.3.2026")."""
    suffix = PurePosixPath(name or "").suffix.lower()
    return suffix if any(ch.isalpha() for ch in suffix) else ""


def sniff(head: bytes, name: str) -> tuple[FileType | None, str]:
    """The accepted type of a file from its first bytes (and, for zip/OLE2 containers,
    its extension), or None with a word describing what it really is."""
    ext = extension(name)
    if head.startswith(b"%PDF-"):
        return PDF, "PDF"
    if head.startswith(OLE2_MAGIC):
        found = next((t for t in (DOC, XLS) if ext in t.extensions), None)
        found = found or _guess(head, {DOC: ("WordDocument".encode("utf-16-le"),),
                                       XLS: ("Workbook".encode("utf-16-le"),)})
        return found, "tài liệu Office cũ"
    guess = filetype.guess(head)
    if guess is None:
        return None, "không xác định"
    if guess.mime in ("application/zip", DOCX.content_type, XLSX.content_type):
        found = next((t for t in (DOCX, XLSX) if ext in t.extensions), None)
        return found or _guess(head, {DOCX: (b"word/",), XLSX: (b"xl/",)}), "tệp nén ZIP"
    if guess.mime in ("image/heif", "image/heic"):
        return HEIC, HEIC.label
    found = BY_MIME.get(guess.mime)
    return found, found.label if found else guess.extension.upper()


def _guess(head: bytes, markers: dict[FileType, tuple[bytes, ...]]) -> FileType | None:
    """For a container whose extension does not say what it holds: the type whose marker
    (a zip member folder, an OLE2 stream name) appears in the first bytes. Only a guess,
    for a helpful refusal or a missing extension; the full check runs on the whole file."""
    found = [kind for kind, needles in markers.items() if any(n in head for n in needles)]
    return found[0] if len(found) == 1 else None
