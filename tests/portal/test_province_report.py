"""The province report: Excel with every KPI and links, ZIP of approved evidence + manifest."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from openpyxl import load_workbook

from db.session import make_engine, make_session_factory
from tests.portal.conftest import ORIGIN
from tests.storage.samples import pdf_bytes
from workflow import claims, reviews


def _approved_claim(app, client_for, web_world, settings):
    member = client_for("member_a")
    evidence = member.post(f"/api/nhiem-vu/{web_world.task_a.id}/minh-chung?"
                           f"ten={quote('Quyết định.pdf')}", data=pdf_bytes(),
                           content_type="application/octet-stream", headers=ORIGIN).get_json()
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        user = session.get(type(web_world.member_a), web_world.member_a.id)
        claim = claims.file_claim(session, actor=user, task_id=web_world.task_a.id,
                                  evidence_ids=[evidence["id"]])
        reviewer = session.get(type(web_world.reviewer), web_world.reviewer.id)
        reviews.approve(session, actor=reviewer, claim_id=claim.id, version=claim.version)
        session.commit()
    return evidence


def test_excel_and_zip(app, client_for, web_world, settings):
    evidence = _approved_claim(app, client_for, web_world, settings)
    leader = client_for("leader")
    book = load_workbook(io.BytesIO(leader.get("/bao-cao-tinh.xlsx").data))
    rows = list(book["Chỉ tiêu"].iter_rows(min_row=5, values_only=True))
    assert [row[1] for row in rows] == ["I.1", "I.2", "I.3", "I.4"]
    first = rows[0]
    assert first[6] == 100 and first[7] == "Hoàn thành" and first[8] == 1
    link = book["Minh chứng"].cell(row=2, column=7)
    assert link.hyperlink.target.endswith(f"/minh-chung/{evidence['id']}")

    archive = zipfile.ZipFile(io.BytesIO(leader.get("/bao-cao-tinh.zip").data))
    assert "I.1/Quyết định.pdf" in archive.namelist()
    assert archive.read("I.1/Quyết định.pdf").startswith(b"%PDF")
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert "I.1,Nhiệm vụ I.1,Văn phòng Đảng ủy,I.1/Quyết định.pdf" in manifest


def test_units_and_admins_cannot_export(client_for):
    for username in ("member_a", "admin"):
        client = client_for(username)
        assert client.get("/bao-cao-tinh.xlsx").status_code == 403
        assert client.get("/bao-cao-tinh.zip").status_code == 403
