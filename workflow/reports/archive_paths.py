"""Entry names for the ZIP archives the portal builds, made only of safe components.

Task codes come from imported plans and file names from uploads: either may hold ``..``,
slashes, a drive letter or control characters. Each component is cleaned on its own and
the components are joined with ``/``, so no entry can leave its folder (zip slip) whatever
program extracts the archive, on Windows or elsewhere."""

from __future__ import annotations

import re
import unicodedata

MAX_COMPONENT = 150
# Separators, the drive/stream colon and what Windows refuses in a file name.
_UNSAFE = re.compile(r'[/\\:<>"|?*]')
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?")


def safe_component(text: str, fallback: str) -> str:
    """One path component: NFC, no control or format characters, no separators, no drive
    colon, no leading or trailing dots and spaces (so never ``.`` or ``..``), not a Windows
    device name, at most 150 characters; ``fallback`` when nothing is left."""
    name = unicodedata.normalize("NFC", text or "")
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if len(name) > MAX_COMPONENT:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_COMPONENT - len(ext) - 1] + "." + ext if dot and stem and len(ext) <= 10
                else name[:MAX_COMPONENT])
        name = name.strip(". ")
    if _RESERVED.fullmatch(name):
        name = "_" + name
    return name or fallback


def archive_path(*components: tuple[str, str]) -> str:
    """``folder/…/file`` from (text, fallback) pairs, each made safe on its own."""
    return "/".join(safe_component(text, fallback) for text, fallback in components)


def is_contained(entry: str) -> bool:
    """Whether an archive entry name stays inside the archive's folder when extracted."""
    if not entry or entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry):
        return False
    parts = re.split(r"[/\\]", entry)
    return all(part not in ("", ".", "..") for part in parts) and not any(
        unicodedata.category(ch).startswith("C") for ch in entry)
