"""The jobs section of the reports page through its callbacks, and the download route: the
requester gets the file, nobody else does; roles without the right are refused."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.portal.conftest import ORIGIN, content_text, route_page


def _click(app, client, button: str, outputs: list[tuple[str, str]]):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec["inputs"][0]["id"] == button)
    specs = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": key, "outputs": specs,
            "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
            "state": [], "changedPropIds": [f"{button}.n_clicks"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _ask_xlsx(app, client):
    return _click(app, client, "job-province-xlsx",
                  [("province-message", "children"), ("jobs-refresh", "data")])


def _poll(app, client, watched):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec["inputs"][0]["id"] == "jobs-poll")
    body = {"output": key,
            "outputs": [{"id": "jobs-list", "property": "children"},
                        {"id": "jobs-poll", "property": "disabled"},
                        {"id": "jobs-watch", "property": "data"},
                        {"id": "page-refresh", "property": "data"}],
            "inputs": [{"id": "jobs-poll", "property": "n_intervals", "value": 1},
                       {"id": "jobs-refresh", "property": "data", "value": 1}],
            "state": [{"id": "jobs-kinds", "property": "data",
                       "value": ["province_xlsx", "evidence_zip"]},
                      {"id": "jobs-watch", "property": "data", "value": watched}],
            "changedPropIds": ["jobs-poll.n_intervals"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_leader_asks_for_the_province_report_and_downloads_it(app, client_for):
    leader = client_for("leader")
    page = content_text(route_page(leader, "/bao-cao-dinh-ky"))
    assert "Lập báo cáo gửi tỉnh (Excel)" in page and "Chưa có công việc nào" in page
    asked = content_text(_ask_xlsx(app, leader))
    assert "Đã nhận yêu cầu “Báo cáo tiến độ gửi tỉnh (Excel)”" in asked
    job_id = int(re.search(r"\(số (\d+)\)", asked).group(1))
    polled = _poll(app, leader, [job_id]).get_json()["response"]
    assert polled["jobs-poll"]["disabled"] is True  # nothing left to wait for
    assert polled["jobs-watch"]["data"] == []
    assert "page-refresh" in polled  # the job the page waited for finished: redraw
    listed = content_text(_poll(app, leader, []))
    assert "Xong" in listed and f"/cong-viec/{job_id}/tai-ve" in listed
    download = leader.get(f"/cong-viec/{job_id}/tai-ve")
    assert download.status_code == 200
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data))["Chỉ tiêu"].iter_rows(
        min_row=5, values_only=True))
    assert [row[1] for row in rows] == ["I.1", "I.2", "I.3", "I.4"]

    reviewer = client_for("reviewer")  # may export too, but it is not his job
    assert reviewer.get(f"/cong-viec/{job_id}/tai-ve").status_code == 404
    assert f"/cong-viec/{job_id}" not in content_text(_poll(app, reviewer, []))
    for username in ("member_a", "admin"):
        assert client_for(username).get(f"/cong-viec/{job_id}/tai-ve").status_code == 403
    assert leader.get("/cong-viec/999/tai-ve").status_code == 404


def test_roles_without_the_right_cannot_ask(app, client_for):
    for username in ("member_a", "admin"):
        client = client_for(username)
        assert _ask_xlsx(app, client).status_code == 403
        assert _click(app, client, "job-evidence-zip",
                      [("province-message", "children"),
                       ("jobs-refresh", "data")]).status_code == 403
        assert _poll(app, client, []).status_code == 403
    leader = client_for("leader")  # reads reports, does not write the office's Word report
    generate = _click(app, leader, "report-generate",
                      [("report-message", "children"), ("jobs-refresh", "data")])
    assert generate.status_code == 403


def test_the_evidence_archive_is_offered_when_ready(app, client_for):
    reviewer = client_for("reviewer")
    asked = content_text(_click(app, reviewer, "job-evidence-zip",
                                [("province-message", "children"), ("jobs-refresh", "data")]))
    job_id = int(re.search(r"\(số (\d+)\)", asked).group(1))
    page = content_text(route_page(reviewer, "/bao-cao-dinh-ky"))
    assert "Tệp minh chứng được công nhận (ZIP)" in page and "Đã đóng gói 0 tệp" in page
    download = reviewer.get(f"/cong-viec/{job_id}/tai-ve")
    assert download.status_code == 200 and download.mimetype == "application/zip"
