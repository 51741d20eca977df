"""Active content in a PDF: what could run or open something when the file is viewed.

Found two ways, and the union is kept: a scan of the raw bytes (works on a file pypdf cannot
parse) and a walk over every object pypdf can read (finds what sits in compressed object
streams or hides behind ``#xx`` escapes in names, which the raw scan misses). Nothing is
refused for it: the reviewer is warned (``storage.ingest`` stores the codes)."""

from __future__ import annotations

import contextlib
import io
import re
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, read_object

JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
OPEN_ACTION = "open_action"  # an action run on opening that is JavaScript or Launch
CODES = (JAVASCRIPT, LAUNCH, EMBEDDED_FILE, OPEN_ACTION)
MAX_OBJECTS = 200_000
_CHUNK = 1024 * 1024
# Objects larger than this are read as their dictionary only (what the walk looks at).
LARGE_OBJECT = 1024 * 1024
_DICTIONARY_HEAD = 64 * 1024
_OBJECT_START = re.compile(rb"\s*\d+\s+\d+\s+obj\s*")
_STREAM_KEYWORD = re.compile(rb"(?<=>>)\s*stream(?:\r\n|\n|\r)")
# Only names long enough never to occur by chance in compressed stream data: "/JS" (three
# bytes) turns up about once per 20 MB of random bytes, so it is left to the parsed walk
# (every JavaScript action also names "/S /JavaScript", which the raw scan does see).
_RAW = {
    JAVASCRIPT: rb"JavaScript",
    LAUNCH: rb"Launch(?![A-Za-z0-9])",
    EMBEDDED_FILE: rb"EmbeddedFiles?(?![A-Za-z0-9])|FileAttachment",
}
_RAW_ANY = re.compile(rb"/(" + b"|".join(_RAW.values()) + rb")")
# A match's first four bytes tell its code (JavaScript, Launch, Embedded.../FileAttachment).
_RAW_CODE = {b"Java": JAVASCRIPT, b"Laun": LAUNCH, b"Embe": EMBEDDED_FILE,
             b"File": EMBEDDED_FILE}


class RawScanner:
    """The raw scan fed chunk by chunk, so that it runs while an upload goes by."""

    def __init__(self) -> None:
        self.found: set[str] = set()
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        """Scans the next bytes (names split across two chunks are still found)."""
        if len(self.found) == len(_RAW):
            return
        window = self._tail + chunk
        # One pass for every name (a pass per pattern costs three times as long).
        self.found.update(_RAW_CODE[match.group(1)[:4]] for match in _RAW_ANY.finditer(window))
        self._tail = window[-32:]


def raw_active_content(copy: BinaryIO) -> set[str]:
    """Codes whose names appear literally in the file's bytes (1 MB chunks, overlapping)."""
    scanner = RawScanner()
    copy.seek(0)
    while chunk := copy.read(_CHUNK):
        scanner.feed(chunk)
    return scanner.found


def _action_codes(action: object) -> set[str]:
    """JavaScript / Launch in an action dictionary and the actions chained after it."""
    found: set[str] = set()
    seen = 0
    while isinstance(action, DictionaryObject) and seen < 100:
        seen += 1
        kind = action.get("/S")
        if kind == "/JavaScript" or "/JS" in action:
            found.add(JAVASCRIPT)
        if kind == "/Launch":
            found.add(LAUNCH)
        following = action.get("/Next")
        action = following.get_object() if following is not None else None
        if isinstance(action, list) and action:
            action = action[0].get_object()
    return found


def _object_codes(item: DictionaryObject) -> set[str]:
    found = _action_codes(item)
    if (item.get("/Type") == "/EmbeddedFile" or "/EmbeddedFiles" in item
            or item.get("/Subtype") == "/FileAttachment" or "/EF" in item):
        found.add(EMBEDDED_FILE)
    if "/JavaScript" in item:  # the document-level /Names tree
        found.add(JAVASCRIPT)
    return found


def parsed_active_content(reader: PdfReader) -> set[str]:
    """Codes found by reading every object of a parsed (and, if needed, decrypted) PDF."""
    found: set[str] = set()
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if isinstance(root, DictionaryObject):
        opening = root.get("/OpenAction")
        opening_codes = _action_codes(opening.get_object() if opening is not None else None)
        if opening_codes:
            found |= opening_codes | {OPEN_ACTION}
    numbers = {(number, generation) for generation, entries in reader.xref.items()
               for number in entries}
    numbers |= {(number, 0) for number in getattr(reader, "xref_objStm", {})}
    sizes = _stored_sizes(reader)
    cached = set(reader.resolved_objects)
    for count, (number, generation) in enumerate(sorted(numbers)):
        if count >= MAX_OBJECTS:
            break
        try:
            if sizes.get((number, generation), 0) > LARGE_OBJECT:
                item = _dictionary_only(reader, reader.xref[generation][number])
            else:
                item = IndirectObject(number, generation, reader).get_object()
        except Exception:  # noqa: BLE001 - a broken object is skipped, not fatal
            continue
        finally:
            # pypdf keeps every object it reads: drop the walk's (bounded memory).
            if (generation, number) not in cached:
                reader.resolved_objects.pop((generation, number), None)
        if isinstance(item, DictionaryObject):
            found |= _object_codes(item)
    return found


def _stored_sizes(reader: PdfReader) -> dict[tuple[int, int], int]:
    """Bytes each object stored directly in the file spans (up to the next one's offset)."""
    offsets = sorted((offset, (number, generation))
                     for generation, entries in reader.xref.items()
                     for number, offset in entries.items() if isinstance(offset, int))
    reader.stream.seek(0, 2)
    ends = [offset for offset, _ in offsets[1:]] + [reader.stream.tell()]
    return {ident: end - offset for (offset, ident), end in zip(offsets, ends, strict=True)}


def _dictionary_only(reader: PdfReader, offset: int) -> DictionaryObject | None:
    """The dictionary of a large stream object without its data (a 50 MB attachment or
    scan is not read into memory to learn its /Type)."""
    reader.stream.seek(offset)
    head = reader.stream.read(_DICTIONARY_HEAD)
    start = _OBJECT_START.match(head)
    end = _STREAM_KEYWORD.search(head, start.end()) if start else None
    if start is None or end is None:
        return None
    item = read_object(io.BytesIO(head[start.end():end.start()] + b"\nendobj"), reader)
    return item if isinstance(item, DictionaryObject) else None


def pdf_active_content(copy: BinaryIO, reader: PdfReader | None,
                       raw: set[str] | None = None) -> list[str]:
    """Sorted codes of the active content found (empty when none). ``reader`` is the parsed
    file when it could be read, else None (only the raw scan then). ``raw``: the codes of a
    raw scan already made (``RawScanner`` over the whole file), else it is made here."""
    found = set(raw) if raw is not None else raw_active_content(copy)
    if reader is not None:
        with contextlib.suppress(Exception):  # a reader that fails: the raw scan stands
            found |= parsed_active_content(reader)
    return sorted(found)
