"""Small evidence files made on the fly: PDFs, photos with EXIF, Office documents."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image


def pdf_bytes(pages: int = 1, *, password: str | None = None, owner_password: str | None = None,
              signed: bool = False, byte_range: bool = True) -> bytes:
    """A real PDF made with pypdf: optionally encrypted (``password`` opens it; with only
    ``owner_password`` anyone may open it), or with a filled signature field."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if signed:
        value = DictionaryObject({
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/Contents"): TextStringObject("00"),
        })
        if byte_range:
            value[NameObject("/ByteRange")] = ArrayObject(
                [NumberObject(0), NumberObject(10), NumberObject(20), NumberObject(30)])
        field = DictionaryObject({
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("ChuKy1"),
            NameObject("/V"): writer._add_object(value),
        })
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
            NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    if password is not None or owner_password:
        writer.encrypt(password or "", owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes(size=(64, 48), *, orientation: int | None = None, taken: str | None = None,
               offset: str | None = None, colour=(200, 30, 30)) -> bytes:
    """A JPEG photo, optionally with EXIF orientation, DateTimeOriginal and its offset."""
    image = Image.new("RGB", size, colour)
    for x in range(size[0] // 2):
        image.putpixel((x, 0), (0, 0, 0))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if offset:
        exif.get_ifd(0x8769)[36881] = offset
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes(size=(40, 40)) -> bytes:
    """A PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width``×``height`` 1-bit pixels (the image data is
    a single deflated row, so it is truncated; size checks must come first)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width // 8 + 1))) + chunk(b"IEND", b""))


@functools.cache
def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A real, complete PNG of ``width``×``height`` black 1-bit pixels: tiny on disk."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def webp_bytes() -> bytes:
    """A WebP image."""
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 0, 200)).save(buffer, "WEBP")
    return buffer.getvalue()


def ole2_bytes(stream: str) -> bytes:
    """The start of an OLE2 compound file naming one directory entry ``stream`` (enough
    for the checks here: legacy Word has "WordDocument", Excel "Workbook")."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    return header + b"\x00" * 512 + entry + b"\x00" * 1024


# A HEIC header followed by junk: no decoder can read it.
HEIC_JUNK = (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
             + b"\x00\x00\x00\x08free" + b"\x00" * 200)


def heic_bytes(size=(640, 480), *, taken: str | None = None) -> bytes:
    """A real HEIC photo (encoded with pillow-heif), optionally with EXIF DateTimeOriginal."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (200, 30, 30))
    for x in range(0, size[0], 40):  # some detail, for a perceptual hash worth the name
        image.paste((20, 120, 200), (x, 0, x + 20, size[1]))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    buffer = io.BytesIO()
    image.save(buffer, format="HEIF", quality=70, exif=exif.tobytes())
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, level: int = 6) -> bytes:
    """A zip of the given members (deflated)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """A Word document."""
    import docx

    document = docx.Document()
    document.add_paragraph("Biên bản nghiệm thu")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """An Excel workbook."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "Số liệu"
    book.save(buffer)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
