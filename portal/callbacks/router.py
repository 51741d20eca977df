"""Routing: the page registry (``portal.pages``) decides which page's layout renders a URL.

Callbacks that change data do not import this module: they write a new value into the
``page-refresh`` store (``portal.refresh``), which makes the router render the page again.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from portal.context import current_account, unit_of_work
from portal.guard import guarded_callback
from portal.layouts import errors
from portal.pages import APP_TITLE, find_page
from workflow import permissions
from workflow.errors import NotFound
from workflow.permissions import Capability


def _titled(title: str, content) -> html.Div:
    # portal/assets/page-title.js copies data-title into the browser tab title.
    return html.Div([html.Div(id="page-title", hidden=True, **{"data-title": title}), content])


def render_page(pathname: str | None, search: str | None) -> html.Div:
    """The content for a URL, as the signed-in user may see it."""
    user = current_account()
    found = find_page(pathname or "/")
    if found is None:
        return _titled(f"Không tìm thấy trang · {APP_TITLE}", errors.not_found())
    page, params = found
    if not permissions.has(user, page.capability):
        return _titled(f"Không có quyền truy cập · {APP_TITLE}", errors.forbidden())
    query = dict(parse_qsl((search or "").lstrip("?")))
    if page.on_open is not None:
        try:
            with unit_of_work() as session:
                page.on_open(session, user, **params)
        except NotFound:
            return _titled(page.document_title, errors.not_found())
    try:
        content = page.layout(user, **{**query, **params})
    except NotFound:  # an object the user may not see looks like one that does not exist
        content = errors.not_found()
    return _titled(page.document_title, content)


def register(app: Dash) -> None:
    """Registers the router callback."""

    @guarded_callback(app, Capability.VIEW_TASKS, Output("page-content", "children"),
                      Input("url", "pathname"), Input("url", "search"),
                      Input("page-refresh", "data"))
    def route(pathname: str | None, search: str | None, _refresh=None):
        return render_page(pathname, search)

    @guarded_callback(app, Capability.VIEW_TASKS, Output("navbar-collapse", "is_open"),
                      Input("navbar-toggler", "n_clicks"), State("navbar-collapse", "is_open"),
                      prevent_initial_call=True)
    def toggle_navbar(clicks, is_open):
        if not clicks:  # a button re-created by a re-render is not a click
            raise PreventUpdate
        return not is_open
