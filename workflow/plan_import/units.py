"""Matching unit names as plans spell them to canonical units ("VPĐU" → "Văn phòng Đảng ủy")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflow.text import fold, nfc

BUILT_IN_ALIASES: dict[str, tuple[str, ...]] = {
    "Văn phòng Đảng ủy": ("VPĐU", "VP Đảng ủy", "VP ĐU"),
    "Ban Xây dựng Đảng": ("Ban XDĐ",),
    "UBND phường": ("Ủy ban nhân dân phường", "UBND"),
    "Công an phường": ("CA phường", "CA"),
    "Phòng Văn hóa - Xã hội": ("Phòng VH-XH", "Phòng VHXH", "Phòng VHXXH", "Phòng VH - XH",
                               "Phòng Văn hóa Xã hội"),
    "Ủy ban MTTQ Việt Nam phường": ("UBMTTQV N phường", "UBMTTQVN phường", "UBMTTQ phường",
                                    "UBMTTQ", "MTTQVN phường", "MTTQ phường",
                                    "Ủy ban MTTQ phường", "Ủy ban Mặt trận Tổ quốc phường"),
    "Văn phòng HĐND và UBND phường": ("VP.HĐND-UBND", "VP HĐND-UBND", "Văn phòng HĐND-UBND",
                                      "VP HĐND và UBND", "Văn phòng HĐND và UBND"),
    "Ban Chỉ huy Quân sự phường": ("Ban Chỉ huy Quân sự", "BCH Quân sự", "BCHQS phường"),
    "Phòng Kinh tế, Hạ tầng và Đô thị": ("Phòng Kinh tế, hạ tầng, đô thị", "Phòng KT-HT-ĐT",
                                         "Phòng Kinh tế - Hạ tầng - Đô thị",
                                         "Phòng Kinh tế, Hạ tầng, Đô thị", "Phòng KTHTĐT"),
    "Thường trực Đảng ủy": ("TT Đảng ủy", "TT.Đảng ủy", "TTĐU", "Thường trực ĐU"),
    "Ban Tuyên giáo và Dân vận": ("Ban TG&DV", "Ban Tuyên giáo - Dân vận", "Ban TGDV"),
    "Ủy ban Kiểm tra Đảng ủy": ("UBKT Đảng ủy", "UBKTĐU", "Ủy ban Kiểm tra"),
    # Bodies above the ward that monitor or coordinate.
    "Sở Khoa học và Công nghệ": ("Sở KH&CN", "Sở KHCN", "Sở Khoa học Công nghệ"),
    "Công an Thành phố": ("CATP", "Công an TP"),
    "UBND Thành phố": ("Ủy ban nhân dân Thành phố", "UBND TP"),
}
# Phrases that name a group rather than one unit: the task concerns every unit.
ALL_UNITS_PHRASES = ("cac co quan, don vi", "cac co quan don vi", "cac don vi lien quan",
                     "cac co quan dang", "cac ban dang", "cac don vi", "cac co quan",
                     "cac phong, ban", "cac phong ban", "cac phong chuyen mon", "cac ban, nganh",
                     "cac ban nganh", "cac to chuc", "cac phong, don vi")
_PUNCT = re.compile(r"[^\w\s]")


def match_key(name: str) -> str:
    """Folded, punctuation-free form used to compare unit names."""
    folded = fold(name).replace("đ", "d").replace("&", " va ")
    return re.sub(r"\s+", " ", _PUNCT.sub(" ", folded)).strip()


def is_all_units(name: str) -> bool:
    """Whether the text names a group of units ("Các cơ quan, đơn vị")."""
    key = fold(name).strip(" .,;")
    return any(key.startswith(phrase) for phrase in ALL_UNITS_PHRASES)


@dataclass
class UnitList:
    """What a units cell says: canonical names, the all-units flag, names not recognised."""

    names: list[str] = field(default_factory=list)
    all_units: bool = False
    unmatched: list[str] = field(default_factory=list)


class UnitMatcher:
    """Maps spellings to canonical names from the built-in table plus the portal's units."""

    def __init__(self, known: dict[str, list[str]] | None = None) -> None:
        self._index: dict[str, str] = {}
        for canonical, aliases in BUILT_IN_ALIASES.items():
            self.add(canonical, aliases)
        for canonical, aliases in (known or {}).items():
            self.add(canonical, aliases, prefer=True)

    def add(self, canonical: str, aliases=(), prefer: bool = False) -> None:
        """Registers a canonical name and its aliases. Known units win over built-ins."""
        canonical = nfc(canonical)
        for spelling in (canonical, *aliases):
            key = match_key(spelling)
            if key and (prefer or key not in self._index):
                self._index[key] = canonical
        if prefer:
            # A unit stored under a built-in alias's spelling takes over the whole group.
            for key, value in list(self._index.items()):
                if match_key(value) == match_key(canonical):
                    self._index[key] = canonical

    def match(self, name: str) -> str | None:
        """The canonical name for a spelling, or None."""
        return self._index.get(match_key(name))

    def split(self, cell: str | None) -> UnitList:
        """Reads a units cell: "Phòng Kinh tế, hạ tầng, đô thị; Các cơ quan, đơn vị"."""
        result = UnitList()
        for chunk in re.split(r"[;\n]+", cell or ""):
            chunk = chunk.strip(" .,-–")
            if chunk:
                self._read_chunk(chunk, result)
        return result

    def _read_chunk(self, chunk: str, result: UnitList) -> None:
        if is_all_units(chunk):
            result.all_units = True
            rest = re.sub(r"(?i)^các cơ quan,?\s*(đơn vị|đảng)?\s*,?", "", chunk).strip(" ,.")
            if not rest or rest == chunk:
                return
            chunk = rest
        whole = self.match(chunk)
        if whole:
            self._append(result.names, whole)
            return
        parts = [p.strip(" .") for p in chunk.split(",") if p.strip(" .")]
        start = 0
        while start < len(parts):
            for end in range(len(parts), start, -1):  # longest known run of parts first
                candidate = ", ".join(parts[start:end])
                found = self.match(candidate)
                if found:
                    self._append(result.names, found)
                    start = end
                    break
            else:
                part = parts[start]
                if is_all_units(", ".join(parts[start:])):
                    # "Các phòng, ban, đơn vị liên quan": one phrase, never split into units.
                    result.all_units = True
                    return
                if is_all_units(part):
                    result.all_units = True
                else:
                    self._append(result.unmatched, nfc(part))
                start += 1

    @staticmethod
    def _append(target: list[str], name: str) -> None:
        if name not in target:
            target.append(name)
