"""Application factory: one settings object builds the Flask server, the Dash app, login,
limiter, guard and storage — so tests can build a fresh portal per test."""

from __future__ import annotations

from pathlib import Path

import dash
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from db.session import make_engine, make_session_factory
from portal import (
    actions,
    api,
    auth,
    errors,
    evidence_routes,
    guard,
    job_routes,
    reporting_routes,
    routes,
    security,
)
from portal.callbacks import admin as admin_callbacks
from portal.callbacks import audit as audit_callbacks
from portal.callbacks import claims as claim_callbacks
from portal.callbacks import dashboard as dashboard_callbacks
from portal.callbacks import head as head_callbacks
from portal.callbacks import holidays as holiday_callbacks
from portal.callbacks import jobs as job_callbacks
from portal.callbacks import notifications as notification_callbacks
from portal.callbacks import plan_import as plan_import_callbacks
from portal.callbacks import progress as progress_callbacks
from portal.callbacks import reporting as reporting_callbacks
from portal.callbacks import review as review_callbacks
from portal.callbacks import router as router_callbacks
from portal.callbacks import tasks as task_callbacks
from portal.callbacks import trust as trust_callbacks
from portal.callbacks import wards as ward_callbacks
from portal.callbacks import warning_lists as warning_callbacks
from portal.context import EXTENSION_KEY, Services, close_db, current_account, db
from portal.layouts.shell import NavItem, ShellInfo, shell
from portal.pages import APP_TITLE, navigation
from portal.queue import JobQueue
from portal.settings import Settings, build_evidence_store
from workflow import notifications, permissions, scope, wards
from workflow.permissions import ROLE_LABELS

PACKAGE_DIR = Path(__file__).resolve().parent

def _shell_for_current_user(settings: Settings):
    def layout():
        user = current_account()
        if user is None:
            return shell(None)
        # The province roles work on the province pages; a ward's pages reach them through
        # the drill-down, so the ward menus (which would mix every ward) are not offered.
        province = scope.is_province(user)
        nav = tuple(NavItem(page.nav.label, page.path) for page in navigation()
                    if permissions.has(user, page.capability)
                    and (not province or page.path.startswith("/tinh")))
        menu = tuple(NavItem(page.nav.label, page.path) for page in navigation(menu=True)
                     if permissions.has(user, page.capability))
        info = ShellInfo(full_name=user.full_name, role_label=ROLE_LABELS[user.role],
                         unit_name=user.unit.name if user.unit else None, nav=nav, menu=menu,
                         unread=notifications.unread_count(db(), actor=user))
        if province:
            return shell(info, footer="Cấp tỉnh · theo dõi kết quả của các phường/xã")
        committee, office = wards.letterhead(db(), user, committee=settings.committee_name,
                                             office=settings.office_name)
        return shell(info, footer=f"{committee} · {office}")

    return layout


def create_app(settings: Settings | None = None) -> Flask:
    """Builds the portal. Returns the Flask server; the Dash app is in extensions."""
    settings = settings or Settings.from_env()
    server = Flask(__name__, template_folder=str(PACKAGE_DIR / "templates"))
    server.config.update(
        SECRET_KEY=settings.secret_key,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=False,
        MAX_CONTENT_LENGTH=None,
        TESTING=settings.testing,
    )
    errors.init_errors(server)
    if settings.https:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    engine = make_engine(settings.database_url)
    mailer = notifications.Mailer(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
    server.extensions[EXTENSION_KEY] = Services(
        settings=settings, engine=engine,
        session_factory=make_session_factory(engine, notifications.mail_settings(mailer)),
        store=build_evidence_store(settings), mailer=mailer, queue=JobQueue(settings),
    )
    server.teardown_appcontext(close_db)

    dash_app = dash.Dash(
        __name__,
        server=server,
        title=APP_TITLE,
        update_title="Đang tải…",
        assets_folder=str(PACKAGE_DIR / "assets"),
        suppress_callback_exceptions=True,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    dash_app.index_string = dash_app.index_string.replace("<html>", '<html lang="vi">')
    dash_app.layout = _shell_for_current_user(settings)
    server.extensions["dash_app"] = dash_app
    router_callbacks.register(dash_app)
    actions.register(dash_app)
    task_callbacks.register(dash_app)
    admin_callbacks.register(dash_app)
    progress_callbacks.register(dash_app)
    review_callbacks.register(dash_app)
    audit_callbacks.register(dash_app)
    claim_callbacks.register(dash_app)
    notification_callbacks.register(dash_app)
    plan_import_callbacks.register(dash_app)
    warning_callbacks.register(dash_app)
    dashboard_callbacks.register(dash_app)
    reporting_callbacks.register(dash_app)
    job_callbacks.register(dash_app)
    trust_callbacks.register(dash_app)
    ward_callbacks.register(dash_app)
    head_callbacks.register(dash_app)
    holiday_callbacks.register(dash_app)
    server.register_blueprint(routes.bp)
    server.register_blueprint(evidence_routes.bp)
    server.register_blueprint(reporting_routes.bp)
    server.register_blueprint(job_routes.bp)

    auth.init_auth(server)
    api.init_api(server)
    security.init_security(server, dash_app, https=settings.https)
    guard.init_guard(server)
    if settings.job_worker == "embedded" and not settings.testing:
        server.extensions[EXTENSION_KEY].queue.start_embedded()
    return server
