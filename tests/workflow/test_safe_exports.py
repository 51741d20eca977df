"""The export helpers on their own: formula neutralisation and safe archive paths."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from storage.local import LocalStore
from workflow.reports.archive_paths import archive_path, is_contained, safe_component
from workflow.reports.province import EvidenceLine, KpiLine, province_zip
from workflow.safe_cells import csv_row, neutralise, safe_value, write_cell

PAYLOADS = ["=1+cmd|' -C calc'!A0", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1", "＝1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised_and_stored_as_text(payload):
    book = Workbook()
    cell = write_cell(book.active, 1, 1, payload)
    assert cell.data_type == "s" and cell.value == "'" + payload
    buffer = io.BytesIO()
    book.save(buffer)
    again = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert again.data_type == "s" and again.value == "'" + payload


def test_harmless_text_numbers_and_dates_are_unchanged():
    assert neutralise("Quyết định 15/QĐ-UBND") == "Quyết định 15/QĐ-UBND"
    assert neutralise("a=b") == "a=b"
    assert safe_value(-3) == -3 and safe_value(2.5) == 2.5 and safe_value(None) is None
    assert safe_value(date(2026, 1, 2)) == date(2026, 1, 2)
    assert csv_row([None, -1, "-1", "ok"]) == ["", -1, "'-1", "ok"]
    book = Workbook()
    assert write_cell(book.active, 1, 1, -5).data_type == "n"


def test_control_characters_are_dropped_instead_of_failing():
    book = Workbook()
    assert write_cell(book.active, 1, 1, "a\x00b\x07c").value == "abc"


HOSTILE = ["../../../../tmp/x", "..", ".", "/etc/passwd", "\\\\server\\share\\x", "C:\\x.pdf",
           "c:x", "a\x00b\x1f.pdf", "\u202eexe.pdf", "CON", "nul.txt", " . ", "", "x" * 400]


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_component_never_escapes(text):
    component = safe_component(text, "tep")
    assert component and "/" not in component and "\\" not in component
    assert ":" not in component and component not in (".", "..")
    assert not component.startswith((".", " ")) and len(component) <= 150
    assert is_contained(archive_path((text, "nhiem-vu"), (text, "tep")))


def test_vietnamese_names_are_kept():
    assert archive_path(("I.1", "x"), ("Quyết định số 12.pdf", "y")) == "I.1/Quyết định số 12.pdf"


def test_is_contained_spots_escapes():
    for bad in ("../x", "/x", "\\x", "C:/x", "a/../b", "a//b", "a/\x00"):
        assert not is_contained(bad)


def test_province_zip_with_hostile_codes_and_names_extracts_inside_its_folder(tmp_path):
    store = LocalStore(tmp_path / "store")
    lines = []
    number = 0
    for code in HOSTILE[:8]:
        items = []
        for name in HOSTILE:
            number += 1
            stored = store.put_stream(f"evidence/t/{number}/f.pdf", io.BytesIO(b"%PDF-1.4 x"),
                                      content_type="application/pdf")
            items.append(EvidenceLine(number, name, stored.key, "0" * 64, 10, date(2026, 3, 1)))
        lines.append(KpiLine(code, "Nhiệm vụ", "", "Đơn vị", 100, "Hoàn thành", None, items))
    archive = zipfile.ZipFile(province_zip(lines, store))
    names = archive.namelist()
    assert len(names) == len(set(n.casefold() for n in names)) == 8 * len(HOSTILE) + 1
    target = tmp_path / "extract"
    target.mkdir()
    for name in names:
        assert is_contained(name), name
        resolved = os.path.realpath(target / name)
        assert resolved.startswith(str(target) + os.sep)
    archive.extractall(target)
    extracted = [p for p in target.rglob("*") if p.is_file()]
    assert len(extracted) == len(names)
