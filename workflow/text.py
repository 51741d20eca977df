"""Text folding for tolerant matching of Vietnamese names (case, diacritics, spacing)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC with surrounding white space removed."""
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str) -> str:
    """Lower-case, diacritics removed (đ → d), white space collapsed."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
