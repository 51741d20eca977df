"""A portal per test on a clean SQLite database, and signed-in test clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from db.session import make_engine, make_session_factory
from portal.app import create_app
from portal.settings import Settings
from tests.factories import PASSWORD, World, build_world

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def settings(sqlite_url, tmp_path) -> Settings:
    """Settings for a test portal: its own database file and evidence folder."""
    return Settings(database_url=sqlite_url, secret_key="test-secret", var_dir=tmp_path,
                    evidence_dir=tmp_path / "evidence", testing=True,
                    evidence_trust_dir=tmp_path / "trust",
                    login_rate_limit="5 per minute",
                    job_worker="immediate")  # a requested job runs at once, after the commit


@pytest.fixture
def app(settings) -> Flask:
    """A freshly built portal."""
    return create_app(settings)


@pytest.fixture
def web_world(settings) -> World:
    """The standard test world, committed to the portal's database."""
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        world = build_world(session)
        session.commit()
    return world


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Posts the login form as a browser would (token from the page, same origin)."""
    client.get("/login")
    with client.session_transaction() as state:
        token = state["login_csrf"]
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}, headers=ORIGIN)


@pytest.fixture
def client_for(app, web_world) -> Callable[[str], FlaskClient]:
    """A test client signed in as the given user name."""

    def make(username: str) -> FlaskClient:
        client = app.test_client()
        response = login(client, username)
        assert response.status_code == 302, response.data
        return client

    return make


def callback_body(output: str, inputs: list[dict] | None = None,
                  state: list[dict] | None = None) -> dict:
    """A /_dash-update-component request body for the callback with this output key."""
    return {"output": output, "outputs": [], "inputs": inputs or [], "state": state or [],
            "changedPropIds": []}


def route_page(client: FlaskClient, path: str, search: str = ""):
    """Asks the router callback for a page's content, as the browser does."""
    body = callback_body(
        "page-content.children",
        inputs=[{"id": "url", "property": "pathname", "value": path},
                {"id": "url", "property": "search", "value": search},
                {"id": "page-refresh", "property": "data", "value": 0}],
    )
    body["outputs"] = {"id": "page-content", "property": "children"}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def content_text(response) -> str:
    """A callback response as readable text (Dash escapes non-ASCII characters in JSON)."""
    import json

    return json.dumps(response.get_json(), ensure_ascii=False)


def callback_outputs(app: Flask, first_input: str,
                     output: str = "") -> tuple[str, list[dict]]:
    """The key and outputs of the callback whose first input is ``first_input`` (and whose
    outputs name ``output``), as the browser sends them (duplicate outputs keep their
    "@hash" suffix)."""
    key = next(k for k, spec in app.extensions["dash_app"].callback_map.items()
               if spec.get("callback") and spec["inputs"][0]["id"] == first_input
               and output in k)
    outputs = []
    for part in key.strip(".").split("..."):
        component, prop = part.rsplit(".", 1)
        outputs.append({"id": component, "property": prop})
    return key, outputs


def run_action(app: Flask, client: FlaskClient, first_input: str, state: list[dict],
               prop: str = "n_clicks", value=1):
    """Clicks an action button (its callback's first input) through the real callback."""
    key, outputs = callback_outputs(app, first_input)
    body = {"output": key, "outputs": outputs,
            "inputs": [{"id": first_input, "property": prop, "value": value}],
            "state": state, "changedPropIds": [f"{first_input}.{prop}"]}
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)
