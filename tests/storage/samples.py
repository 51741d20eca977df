"""Small evidence files made on the fly: PDFs, photos with EXIF, Office documents."""

from __future__ import annotations

import io

from PIL import Image


def pdf_bytes(pages: int = 1, *, password: str | None = None, signed: bool = False) -> bytes:
    """A real PDF made with pypdf (optionally encrypted, or with a signature field)."""
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
            NameObject("/ByteRange"): ArrayObject([NumberObject(0), NumberObject(10),
                                                   NumberObject(20), NumberObject(30)]),
            NameObject("/Contents"): TextStringObject("00"),
        })
        field = DictionaryObject({
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("ChuKy1"),
            NameObject("/V"): writer._add_object(value),
        })
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
            NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes(size=(64, 48), *, orientation: int | None = None,
               taken: str | None = None, colour=(200, 30, 30)) -> bytes:
    """A JPEG photo, optionally with EXIF orientation and DateTimeOriginal."""
    image = Image.new("RGB", size, colour)
    for x in range(size[0] // 2):
        image.putpixel((x, 0), (0, 0, 0))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes(size=(40, 40)) -> bytes:
    """A PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def bomb_png() -> bytes:
    """A tiny PNG that declares 20000×20000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
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
