"""The ``portal`` command: serve, migrate, load demo data, manage users."""

from __future__ import annotations

import sys

import click

from db.migrate import upgrade
from db.session import make_engine, make_session_factory, transaction
from portal.settings import Settings
from workflow.errors import DomainError


def _settings() -> Settings:
    return Settings.from_env()


def _factory(settings: Settings):
    return make_session_factory(make_engine(settings.database_url))


def print_demo_accounts() -> None:
    """Prints the demo logins so a newcomer can sign in at once."""
    from workflow.demo import DEMO_ACCOUNTS
    from workflow.permissions import ROLE_LABELS

    click.echo("Tài khoản dùng thử (demo accounts):")
    for account in DEMO_ACCOUNTS:
        unit = f" — {account.unit}" if account.unit else ""
        click.echo(f"  {account.username:<12} {account.password:<14} "
                   f"{ROLE_LABELS[account.role]}{unit}")


@click.group(help="Cổng minh chứng chuyển đổi số — evidence-verification portal.")
def cli() -> None:
    """Command group."""


@cli.command(help="Apply database migrations (honours DATABASE_URL).")
def migrate() -> None:
    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@cli.command("load-demo", help="Load the Phước Bình demo plan, accounts and progress.")
def load_demo_command() -> None:
    from workflow.demo import load_demo

    settings = _settings()
    upgrade(settings.database_url)
    with transaction(_factory(settings)) as session:
        added = load_demo(session)
    click.echo(f"Dữ liệu mẫu: thêm {added['tasks']} nhiệm vụ, {added['users']} tài khoản, "
               f"{added['reports']} báo cáo tiến độ.")
    print_demo_accounts()


@cli.command("create-user", help="Create an account.")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(["unit_member", "reviewer", "leader", "admin"]),
              required=True)
@click.option("--unit", "unit_name", default=None, help="Unit name (for unit members).")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, full_name: str, role: str, unit_name: str | None,
                        password: str) -> None:
    from workflow import accounts, units

    settings = _settings()
    try:
        with transaction(_factory(settings)) as session:
            unit = units.find_by_name(session, unit_name) if unit_name else None
            if unit_name and unit is None:
                raise click.ClickException(f"Không tìm thấy đơn vị “{unit_name}”.")
            accounts.create_user(session, actor=None, username=username, full_name=full_name,
                                 password=password, role=role, unit_id=unit.id if unit else None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Đã tạo tài khoản “{username}”.")


@cli.command("gc-evidence", help="Remove stored evidence objects that no row references.")
@click.option("--older-than", "hours", default=24, show_default=True, type=int,
              help="Only objects older than this many hours.")
@click.option("--dry-run", is_flag=True, help="List what would be removed, remove nothing.")
def gc_evidence(hours: int, dry_run: bool) -> None:
    from datetime import timedelta

    from portal.settings import build_evidence_store
    from workflow.evidence import collect_garbage

    settings = _settings()
    with transaction(_factory(settings)) as session:
        report = collect_garbage(session, store=build_evidence_store(settings),
                                 older_than=timedelta(hours=hours), dry_run=dry_run)
    for key in report.orphaned:
        click.echo(("sẽ xóa: " if dry_run else "đã xóa: ") + key)
    click.echo(f"Tìm thấy {len(report.orphaned)} đối tượng không còn được tham chiếu; "
               f"đã xóa {len(report.removed)}.")


@cli.command(help="Serve the portal (development server; use gunicorn in production).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Migrate, load demo data and print demo accounts.")
def serve(host: str, port: int, demo: bool) -> None:
    from portal.app import create_app

    settings = _settings()
    upgrade(settings.database_url)
    if demo or settings.demo_mode:
        from workflow.demo import load_demo

        with transaction(_factory(settings)) as session:
            load_demo(session)
        print_demo_accounts()
    app = create_app(settings)
    click.echo(f"Cổng minh chứng đang chạy tại http://{host}:{port}/login")
    sys.stdout.flush()
    app.run(host=host, port=port, threaded=True, debug=False, use_reloader=False)


if __name__ == "__main__":  # pragma: no cover
    cli()
