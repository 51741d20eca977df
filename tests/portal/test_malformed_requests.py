"""Every Flask route and every Dash callback, enumerated from the application, receives
malformed ids, impossible dates and malformed bodies as each role (and anonymously): no
answer is a 500, and every refusal is Vietnamese. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from portal.settings import Settings
from tests.factories import build_world
from tests.portal.conftest import ORIGIN, login

ROLES = ("admin", "reviewer", "leader", "member_a", "member_c", None)
BAD_IDS = ("2147483648", "99999999999999999999999", "-1", "0", "abc", "1.5", "1e3")
BAD_QUERY = ("?ngay=31/02/2026&ky=nam&from=2026-02-31&to=abc&actor=2147483648&action=%00"
             "&xem=1&ten=..%2F..%2Fx.pdf&loai=zzz&next=//evil.example")
BAD_BODIES = (
    ("application/json", "[1, 2, 3]"),
    ("application/json", "42"),
    ("application/json", "null"),
    ("application/json", '{"output": '),
    ("application/json", '{"output": 5, "inputs": "x"}'),
    ("text/plain", "không phải JSON"),
    ("application/x-www-form-urlencoded", "username=%00&password=1&csrf_token=x"),
)
BAD_VALUES = ("abc", 2**31, 10**30, -1, 1.5, "31/02/2026", "2026-02-31", [], {"id": "x"},
              None, "../../etc/passwd", "2147483648", True)
ENGLISH = re.compile(
    r"\b(error|internal|server|not found|bad request|forbidden|unauthori[sz]ed|method|"
    r"allowed|exception|traceback|invalid|request|please|failed|denied|unsupported|"
    r"too large|payload|browser|the|could not)\b", re.IGNORECASE)
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]",
                        re.IGNORECASE)
CONVERTER = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


@pytest.fixture
def portal(db_url, tmp_path) -> Iterator[Flask]:
    from db.session import make_engine, make_session_factory

    with make_session_factory(make_engine(db_url))() as session:
        build_world(session)
        session.commit()
    yield create_app(Settings(database_url=db_url, secret_key="test-secret", var_dir=tmp_path,
                              evidence_dir=tmp_path / "evidence", testing=True,
                              login_rate_limit="1000 per minute"))


def _client(app: Flask, username: str | None) -> FlaskClient:
    client = app.test_client()
    if username:
        assert login(client, username).status_code == 302
    return client


def _paths(rule) -> list[str]:
    """The rule's address with each variable replaced by hostile values."""
    def fill(bad: str):
        def one(match: re.Match) -> str:
            if match["conv"] == "int":
                return bad
            if match["conv"] == "any":
                return match["args"].split(",")[0].strip()
            return quote(f"{bad}/../khong-co", safe="/")
        return CONVERTER.sub(one, rule.rule)

    if not rule.arguments:
        return [rule.rule]
    return sorted({fill(bad) for bad in BAD_IDS})


def _message(response) -> str:
    """What a person would read in a refusal."""
    if response.is_json:
        body = response.get_json(silent=True)

        def strings(value) -> Iterator[str]:
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for inner in value.values():
                    yield from strings(inner)
            elif isinstance(value, list):
                for inner in value:
                    yield from strings(inner)
        return " ".join(strings(body))
    text = response.get_data(as_text=True)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _check(problems: list[str], what: str, response) -> None:
    status = response.status_code
    if status >= 500:
        problems.append(f"{what}: {status} {response.get_data(as_text=True)[:200]}")
        return
    if b"Traceback" in response.get_data():
        problems.append(f"{what}: traceback in the answer")
    if status >= 400:
        message = _message(response)
        if not VIETNAMESE.search(message) or ENGLISH.search(message):
            problems.append(f"{what}: {status} not Vietnamese: {message.strip()[:200]!r}")


def _callback_body(output: str, spec: dict, value) -> dict:
    def item(dep: dict) -> dict | list:
        dep_id = dep["id"]
        if dep_id.startswith("{"):
            pattern = json.loads(dep_id)
            concrete = {k: (value if isinstance(v, list) else v) for k, v in pattern.items()}
            return [{"id": concrete, "property": dep["property"], "value": value}]
        return {"id": dep_id, "property": dep["property"], "value": value}

    outputs = [{"id": part.split("@")[0].rsplit(".", 1)[0],
                "property": part.split("@")[0].rsplit(".", 1)[1]}
               for part in output.strip(".").split("...")]
    inputs = [item(dep) for dep in spec["inputs"]]
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": inputs, "state": [item(dep) for dep in spec.get("state", [])],
            "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}


def test_no_route_or_callback_answers_500_or_english(portal):
    dash_app = portal.extensions["dash_app"]
    rules = sorted(portal.url_map.iter_rules(), key=lambda r: r.rule == "/logout")
    problems: list[str] = []
    asked = 0
    for role in ROLES:
        client = _client(portal, role)
        who = role or "anonymous"
        for output, spec in dash_app.callback_map.items():
            for value in BAD_VALUES:
                response = client.post("/_dash-update-component", headers=ORIGIN,
                                       json=_callback_body(output, spec, value))
                asked += 1
                _check(problems, f"{who} callback {output[:60]} value={value!r}", response)
        for rule in rules:
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            for path in _paths(rule):
                for method in methods:
                    if method == "GET":
                        for query in ("", BAD_QUERY):
                            asked += 1
                            _check(problems, f"{who} GET {path}{query}",
                                   client.get(path + query))
                        continue
                    for content_type, body in BAD_BODIES:
                        asked += 1
                        response = client.open(path + BAD_QUERY, method=method, data=body,
                                               content_type=content_type, headers=ORIGIN)
                        _check(problems, f"{who} {method} {path} {body[:20]!r}", response)
    assert asked > 1000
    assert not problems, f"{len(problems)} of {asked} answers failed:\n" + "\n".join(
        problems[:40])
