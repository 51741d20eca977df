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


@cli.command("import-plan", help="Import a plan appendix (.xlsx, .docx or .csv).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--plan-year", type=int, default=None, help="Year of the plan (default: this year).")
@click.option("--number", default=None, help="Plan number, e.g. 09-KH/ĐU (default: file name).")
@click.option("--title", default=None, help="Plan title.")
@click.option("--issuing-body", default="Đảng ủy phường", show_default=True)
@click.option("--create-units", is_flag=True, help="Create the units the file names that are new.")
@click.option("--dry-run", is_flag=True, help="Parse and report only; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_plan(path: str, plan_year: int | None, number: str | None, title: str | None,
                issuing_body: str, create_units: bool, dry_run: bool, as_json: bool) -> None:
    import json
    from pathlib import Path

    from workflow.clock import today
    from workflow.plan_import.parser import parse_plan, summary
    from workflow.plans import PlanInfo, apply_import, new_unit_names

    settings = _settings()
    year = plan_year or today().year
    try:
        parsed = parse_plan(Path(path), plan_year=year)
        result = summary(parsed)
        with transaction(_factory(settings)) as session:
            new_units = new_unit_names(session, parsed)
            result["new_units"] = new_units
            if not dry_run:
                info = PlanInfo(number=number or Path(path).stem, title=title or parsed.title
                                or Path(path).stem, issuing_body=issuing_body, year=year)
                outcome = apply_import(session, actor=None, info=info, parsed=parsed,
                                       create_units=new_units if create_units else ())
                result["saved"] = {"created": len(outcome.created),
                                   "updated": len(outcome.updated),
                                   "unchanged": len(outcome.unchanged),
                                   "removed": outcome.removed}
    except DomainError as error:
        if as_json:
            click.echo(json.dumps({"error": error.message}, ensure_ascii=False))
            raise SystemExit(1) from error
        raise click.ClickException(error.message) from error
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result['tasks']} nhiệm vụ trong {result['sections']} nhóm.")
    for unit, count in result["units"].items():
        click.echo(f"  {unit}: {count} nhiệm vụ chủ trì")
    for problem in result["problems"]:
        click.echo(f"  ! {problem}")
    if "saved" in result:
        saved = result["saved"]
        click.echo(f"Đã lưu: thêm {saved['created']}, cập nhật {saved['updated']}, "
                   f"không đổi {saved['unchanged']}, không còn trong tệp {len(saved['removed'])}.")
    else:
        click.echo("Chạy thử: chưa lưu gì.")


@cli.command("warnings", help="Evaluate (and optionally publish) the warning list.")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
@click.option("--period", type=click.Choice(["month", "quarter"]), default="month",
              show_default=True)
@click.option("--publish", is_flag=True, help="Store the list as the period's frozen snapshot.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per task.")
def warnings_command(as_of: str | None, period: str, publish: bool, as_json: bool) -> None:
    import json
    from datetime import date

    from workflow import warning_lists
    from workflow.clock import today
    from workflow.reports.warning_text import reason_lines
    from workflow.warnings import evaluate

    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise click.ClickException("Ngày phải có dạng YYYY-MM-DD.") from None
    settings = _settings()
    try:
        with transaction(_factory(settings)) as session:
            report = evaluate(session, as_of=day, period_kind=period)
            if publish:
                warning_lists.publish(session, user=None, as_of=day, period_kind=period)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if as_json:
        click.echo(json.dumps([item.as_json() for item in report.items], ensure_ascii=False,
                              indent=2))
        return
    click.echo(f"Danh sách cảnh báo {report.period.label} (tính đến {day:%d/%m/%Y}): "
               f"{len(report.items)} nhiệm vụ.")
    for unit, items in report.by_unit().items():
        click.echo(f"{unit}:")
        for item in items:
            click.echo(f"  {item.task_code}  " + "; ".join(reason_lines(item.reasons,
                                                                         item.details)))
    if publish:
        click.echo("Đã công bố danh sách.")


@cli.command("reminders", help="Send deadline and reporting-day reminders (once each).")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
def reminders_command(as_of: str | None) -> None:
    from datetime import date

    from workflow import notifications
    from workflow.clock import today
    from workflow.reminders import send_reminders

    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise click.ClickException("Ngày phải có dạng YYYY-MM-DD.") from None
    settings = _settings()
    factory = _factory(settings)
    session = factory()
    try:
        run = send_reminders(session, as_of=day)
        session.commit()
        mailer = notifications.Mailer(settings.smtp_host, settings.smtp_port,
                                      settings.smtp_sender)
        mailed = notifications.send_outbox(session, mailer)
    except BaseException:
        session.rollback()
        notifications.discard_outbox(session)
        raise
    finally:
        session.close()
    click.echo(f"Đã gửi {run.deadline_reminders} nhắc hạn nhiệm vụ, {run.reporting_reminders} "
               f"nhắc hạn báo cáo ({mailed} thư điện tử).")


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
