"""The trust store admin page through its route and callbacks."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes

from tests.portal.conftest import ORIGIN, content_text, route_page
from tests.signing import build_pki

PAGE = "/quan-tri/chung-thu-tin-cay"
ADD_KEY = "..trust-message.children...trust-table.children.."


def _add(client, data: bytes, name: str):
    contents = "data:application/x-x509-ca-cert;base64," + base64.b64encode(data).decode()
    body = {"output": ADD_KEY,
            "outputs": [{"id": "trust-message", "property": "children"},
                        {"id": "trust-table", "property": "children"}],
            "inputs": [{"id": "trust-upload", "property": "contents", "value": contents}],
            "state": [{"id": "trust-upload", "property": "filename", "value": name}],
            "changedPropIds": ["trust-upload.contents"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def _remove(app, client, sha256: str):
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if "trust-remove" in str(spec["inputs"]))
    body = {"output": key,
            "outputs": [{"id": "trust-message", "property": "children"},
                        {"id": "trust-table", "property": "children"}],
            "inputs": [[{"id": {"type": "trust-remove", "index": sha256},
                         "property": "n_clicks", "value": 1}]],
            "state": [],
            "changedPropIds": [f'{{"index":"{sha256}","type":"trust-remove"}}.n_clicks']}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_the_province_admin_adds_lists_and_removes_a_ca(app, client_for, settings):
    pki = build_pki()
    client = client_for("province_admin")
    assert "Chưa có chứng thư CA nào" in content_text(route_page(client, PAGE))
    added = _add(client, pki.root.pem, "root-ca.pem")
    assert added.status_code == 200, added.data
    text = content_text(added)
    assert "Đã thêm chứng thư “Test Root CA Việt Nam”" in text
    page = content_text(route_page(client, PAGE))
    fingerprint = pki.root.cert.fingerprint(hashes.SHA256()).hex()
    pairs = ":".join(fingerprint[i:i + 2] for i in range(0, 64, 2)).upper()
    assert "Test Root CA Việt Nam" in page and pairs in page
    assert len(list(settings.evidence_trust_dir.iterdir())) == 1

    refused = content_text(_add(client, pki.signer.pem, "nguoi-ky.pem"))
    assert "không phải của tổ chức chứng thực" in refused
    assert len(list(settings.evidence_trust_dir.iterdir())) == 1

    removed = _remove(app, client, fingerprint)
    assert "Đã gỡ chứng thư “Test Root CA Việt Nam”" in content_text(removed)
    assert list(settings.evidence_trust_dir.iterdir()) == []


def test_other_roles_cannot_open_or_change_the_trust_store(app, client_for, settings):
    pki = build_pki()
    for who in ("reviewer", "leader", "member_a"):
        client = client_for(who)
        assert "page-forbidden" in content_text(route_page(client, PAGE))
        assert _add(client, pki.root.pem, "root.pem").status_code == 403
    assert not settings.evidence_trust_dir.exists() or not list(
        settings.evidence_trust_dir.iterdir())
