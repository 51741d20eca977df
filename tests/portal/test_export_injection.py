"""Every export opened again: no formula where the source was text, whoever typed it
(task titles and codes, unit names, user names, evidence file names), and no ZIP entry
outside its folder."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from db.models import Task, Unit, User
from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN
from tests.storage.samples import pdf_bytes
from workflow import claims, reviews, warning_lists
from workflow.reports.archive_paths import is_contained
from workflow.safe_cells import FORMULA_TRIGGERS

PAYLOADS = ["=1+cmd|' -C calc'!A0", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1"]
HOSTILE_CODES = ["../../../../tmp/x", "C:\\Windows\\..\\x\x07", "/etc/passwd"]


def _hostile_world(settings, web_world) -> None:
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        units = [session.get(Unit, u.id) for u in (web_world.unit_a, web_world.unit_b,
                                                   web_world.unit_c)]
        for unit, payload in zip(units, PAYLOADS[:3] + [], strict=False):
            unit.name = payload
        tasks = [session.get(Task, t.id) for t in (web_world.task_a, web_world.task_b,
                                                   web_world.task_all, web_world.task_overdue)]
        for task, payload in zip(tasks, PAYLOADS[3:] + PAYLOADS[:1], strict=True):
            task.title = payload
            task.kpi_text = payload
        for task, code in zip(tasks, HOSTILE_CODES, strict=False):
            task.code = code
        for user, payload in zip((web_world.member_a, web_world.member_b, web_world.reviewer),
                                 PAYLOADS[1:4], strict=True):
            session.get(User, user.id).full_name = payload
        session.commit()


def _upload(client, task_id: int, name: str) -> int:
    response = client.post(f"/api/nhiem-vu/{task_id}/minh-chung?ten={quote(name)}",
                           data=pdf_bytes(), content_type="application/octet-stream",
                           headers=ORIGIN)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _approve(settings, web_world, member, task_id: int, ids: list[int]) -> None:
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        claim = claims.file_claim(session, actor=session.get(User, member.id), task_id=task_id,
                                  evidence_ids=ids)
        reviews.approve(session, actor=session.get(User, web_world.reviewer.id),
                        claim_id=claim.id, version=claim.version)
        session.commit()


def _text_cells(data: bytes) -> list[str]:
    """Every text cell of every sheet; fails on any formula cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)
    texts = []
    for sheet in load_workbook(io.BytesIO(data)):
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), cell.value
                    texts.append(cell.value)
    return texts


def _shows(texts: list[str], payload: str) -> bool:
    """The payload is there, neutralised (ingest folds a file name's tab/CR into a space)."""
    wanted = "'" + payload
    return any(wanted in text or ("'" + payload.strip()) in text for text in texts)


@pytest.fixture
def hostile_exports(app, client_for, web_world, settings):
    _hostile_world(settings, web_world)
    member_a, member_b = client_for("member_a"), client_for("member_b")
    _approve(settings, web_world, web_world.member_a, web_world.task_a.id,
             [_upload(member_a, web_world.task_a.id, p + ".pdf") for p in PAYLOADS[:3]])
    _approve(settings, web_world, web_world.member_b, web_world.task_b.id,
             [_upload(member_b, web_world.task_b.id, p + ".pdf") for p in PAYLOADS[3:]])
    _approve(settings, web_world, web_world.member_b, web_world.task_all.id,
             [_upload(member_b, web_world.task_all.id, "Báo cáo.pdf")])
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        published = warning_lists.publish(session, actor=session.get(User, web_world.reviewer.id),
                                          as_of=date(2026, 2, 1), period_kind="month")
        session.commit()
    return client_for("reviewer"), published.id


def test_no_export_holds_a_formula_made_from_text(hostile_exports):
    reviewer, list_id = hostile_exports
    exports = {
        "warning preview": "/canh-bao/xem-truoc.xlsx?ngay=2026-02-01&ky=month",
        "published warnings": f"/canh-bao/{list_id}.xlsx",
        "audit log": "/nhat-ky/xuat.xlsx",
        "unit ranking": "/xep-hang.xlsx",
        "province report": "/bao-cao-tinh.xlsx",
    }
    texts = {}
    for label, url in exports.items():
        response = reviewer.get(url)
        assert response.status_code == 200, (label, response.data[:200])
        texts[label] = _text_cells(response.data)
    # The payloads really are in the exports, as text.
    assert _shows(texts["warning preview"], PAYLOADS[0])  # overdue task's title
    assert _shows(texts["published warnings"], PAYLOADS[0])
    assert _shows(texts["unit ranking"], PAYLOADS[0])  # unit name
    for payload in PAYLOADS[1:4]:
        assert _shows(texts["audit log"], payload)  # user names
    for payload in PAYLOADS:
        assert _shows(texts["province report"], payload.strip())  # file names, titles


def test_numbers_stay_numbers(hostile_exports):
    reviewer, _ = hostile_exports
    sheet = load_workbook(io.BytesIO(reviewer.get("/xep-hang.xlsx").data)).active
    first = next(sheet.iter_rows(min_row=4, max_row=4))
    assert first[0].data_type == "n" and isinstance(first[2].value, int)
    report = load_workbook(io.BytesIO(reviewer.get("/bao-cao-tinh.xlsx").data))["Chỉ tiêu"]
    assert all(isinstance(row[6], int) for row in report.iter_rows(min_row=5, values_only=True))


def test_zip_manifest_and_entries_are_safe(hostile_exports):
    reviewer, _ = hostile_exports
    archive = zipfile.ZipFile(io.BytesIO(reviewer.get("/bao-cao-tinh.zip").data))
    names = archive.namelist()
    assert len(names) == 8  # six payload files, one more, the manifest (a repeated name gets its id)
    for name in names:
        assert is_contained(name), name
        assert not re.search(r"(^|/)\.\.(/|$)", name) and ":" not in name
    folders = {name.split("/")[0] for name in names if "/" in name}
    assert folders == {"_.._.._.._tmp_x", "C__Windows_.._x", "_etc_passwd"}
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    fields = [field for row in manifest for field in row]
    assert not any(field.startswith(FORMULA_TRIGGERS) for field in fields), fields
    assert any(field == "'" + PAYLOADS[0] + ".pdf" for field in fields)
