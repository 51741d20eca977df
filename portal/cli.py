"""The ``portal`` command: serve, migrate, load demo data, manage users."""

from __future__ import annotations

import sys
from dataclasses import replace

import click

from db.migrate import upgrade
from db.models import Role
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.settings import Settings, build_evidence_store
from workflow.errors import DomainError
from workflow.permissions import SYSTEM, SystemActor

WARD_OPTION_HELP = "Ward code (required when the portal holds more than one ward)."


def _ward_actor(session, code: str | None) -> SystemActor:
    """The system actor bound to ``--ward`` (or to the only ward); a Vietnamese refusal when
    the code is unknown, or missing while several wards exist."""
    from sqlalchemy import select

    from db.models import Ward
    from workflow import wards
    from workflow.errors import ValidationError
    from workflow.scope import WARD_REQUIRED

    if code:
        return SystemActor(ward_id=wards.get_by_code(session, code).id)
    codes = list(session.scalars(select(Ward.code).order_by(Ward.code)))
    if not codes:
        raise ValidationError("Chưa có phường/xã nào: hãy tạo phường/xã trước "
                              "(portal ward create MÃ --name \"…\").")
    if len(codes) > 1:
        raise ValidationError(f"{WARD_REQUIRED} Các mã hiện có: {', '.join(codes)}.")
    return SystemActor(ward_id=wards.get_by_code(session, codes[0]).id)


def _settings() -> Settings:
    return Settings.from_env()


def _factory(settings: Settings):
    """Sessions for a command: e-mails queued by its transaction are sent after the commit."""
    from workflow import notifications

    mailer = notifications.Mailer(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
    return make_session_factory(make_engine(settings.database_url),
                                notifications.mail_settings(mailer))


def print_demo_accounts(province: bool = False) -> None:
    """Prints the demo logins so a newcomer can sign in at once."""
    from workflow.demo import (
        DEMO_ACCOUNTS,
        DEMO_OTHER_WARDS,
        PROVINCE_ACCOUNTS,
        generated_accounts,
    )
    from workflow.permissions import ROLE_LABELS

    click.echo("Tài khoản dùng thử (demo accounts) — Phường Phước Bình:")
    for account in DEMO_ACCOUNTS:
        unit = f" — {account.unit}" if account.unit else ""
        click.echo(f"  {account.username:<18} {account.password:<16} "
                   f"{ROLE_LABELS[account.role]}{unit}")
    if not province:
        return
    for _code, name, _share, suffix in DEMO_OTHER_WARDS:
        click.echo(f"{name}:")
        for account in generated_accounts(suffix):
            click.echo(f"  {account.username:<18} {account.password:<16} "
                       f"{ROLE_LABELS[account.role]}")
    click.echo("Cấp tỉnh:")
    for account in PROVINCE_ACCOUNTS:
        click.echo(f"  {account.username:<18} {account.password:<16} {ROLE_LABELS[account.role]}")


@click.group(help="Cổng minh chứng chuyển đổi số — evidence-verification portal.")
def cli() -> None:
    """Command group."""


@cli.command(help="Apply database migrations (honours DATABASE_URL).")
def migrate() -> None:
    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@cli.command("load-demo", help="Load the Phước Bình demo plan, accounts and progress (into "
             "--ward, or the only ward); --province loads the whole demo province.")
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP)
@click.option("--province", is_flag=True,
              help="Phước Bình plus generated wards and the province accounts.")
def load_demo_command(ward: str | None, province: bool) -> None:
    from sqlalchemy import func, select

    from db.models import Ward
    from workflow.demo import load_demo, load_province_demo

    settings = _settings()
    upgrade(settings.database_url)
    try:
        with unit_of_work(_factory(settings)) as session:
            if province:
                added = load_province_demo(session, store=build_evidence_store(settings))
            else:
                if not ward and session.scalar(select(func.count()).select_from(Ward)):
                    ward = session.get(Ward, _ward_actor(session, None).ward_id).code
                added = load_demo(session, ward_code=ward)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Dữ liệu mẫu: thêm {added['tasks']} nhiệm vụ, {added['users']} tài khoản, "
               f"{added['reports']} báo cáo tiến độ.")
    print_demo_accounts(province)


@cli.group("ward", help="Manage wards (phường/xã), the portal's tenants.")
def ward_group() -> None:
    """Ward commands."""


@ward_group.command("create", help="Create a ward: portal ward create CODE --name \"…\".")
@click.argument("code")
@click.option("--name", required=True, help="Ward name, e.g. \"Phường Phước Bình\".")
@click.option("--committee", default=None, help="Party Committee name (default from the name).")
@click.option("--office", default=None, help="Office name (default: Văn phòng Đảng ủy).")
def ward_create(code: str, name: str, committee: str | None, office: str | None) -> None:
    from workflow import wards

    settings = _settings()
    try:
        with unit_of_work(_factory(settings)) as session:
            ward = wards.create_ward(session, actor=SYSTEM, code=code, name=name,
                                     committee_name=committee, office_name=office)
            code = ward.code
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Đã tạo phường/xã “{name}” (mã {code}).")


@ward_group.command("list", help="List wards.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def ward_list(as_json: bool) -> None:
    import json

    from sqlalchemy import func, select

    from db.models import Plan, Unit, User
    from workflow import wards

    with unit_of_work(_factory(_settings())) as session:
        items = []
        counts = {name: dict(session.execute(select(model.ward_id, func.count())
                                             .group_by(model.ward_id)).all())
                  for name, model in (("plans", Plan), ("units", Unit), ("users", User))}
        for ward in wards.list_wards(session, actor=SYSTEM):
            items.append({"code": ward.code, "name": ward.name,
                          "committee_name": ward.committee_name,
                          "office_name": ward.office_name,
                          **{name: by_ward.get(ward.id, 0) for name, by_ward in counts.items()}})
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("Chưa có phường/xã nào.")
    for item in items:
        click.echo(f"{item['code']:<16} {item['name']} · {item['plans']} kế hoạch · "
                   f"{item['units']} đơn vị · {item['users']} tài khoản")


@cli.command("create-user", help="Create an account.")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--unit", "unit_name", default=None, help="Unit name (for unit members).")
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP + " Not for province roles.")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, full_name: str, role: str, unit_name: str | None,
                        ward: str | None, password: str) -> None:
    from workflow import accounts, units
    from workflow.scope import PROVINCE_ROLES

    settings = _settings()
    try:
        with unit_of_work(_factory(settings)) as session:
            if Role(role) in PROVINCE_ROLES:
                if ward:
                    raise click.ClickException("Tài khoản cấp tỉnh không thuộc phường/xã nào: "
                                               "bỏ --ward.")
                actor = SYSTEM
            else:
                actor = _ward_actor(session, ward)
            unit = (units.find_by_name(session, unit_name, ward_id=actor.ward_id)
                    if unit_name else None)
            if unit_name and unit is None:
                raise click.ClickException(f"Không tìm thấy đơn vị “{unit_name}”.")
            accounts.create_user(session, actor=actor, username=username, full_name=full_name,
                                 password=password, role=role, unit_id=unit.id if unit else None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Đã tạo tài khoản “{username}”.")


def _schema_is_current(url: str) -> bool:
    """Whether the database carries every migration (a fresh or old one does not)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from db.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    try:
        with make_engine(url).connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return False
    return current == heads


@cli.command("import-plan", help="Import a plan appendix (.xlsx, .docx or .csv).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--plan-year", type=int, default=None, help="Year of the plan (default: this year).")
@click.option("--number", default=None, help="Plan number, e.g. 09-KH/ĐU (default: file name).")
@click.option("--title", default=None, help="Plan title.")
@click.option("--issuing-body", default="Đảng ủy phường", show_default=True)
@click.option("--create-units", is_flag=True, help="Create the units the file names that are new.")
@click.option("--dry-run", is_flag=True, help="Parse and report only; save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP)
def import_plan(path: str, plan_year: int | None, number: str | None, title: str | None,
                issuing_body: str, create_units: bool, dry_run: bool, as_json: bool,
                ward: str | None) -> None:
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
        if not _schema_is_current(settings.database_url):
            message = ("Cơ sở dữ liệu chưa được tạo hoặc chưa cập nhật cấu trúc: hãy chạy "
                       "“portal migrate” rồi nhập lại.")
            click.echo(json.dumps({"error": message}, ensure_ascii=False) if as_json
                       else message, err=not as_json)
            raise SystemExit(1)
        with unit_of_work(_factory(settings)) as session:
            actor = _ward_actor(session, ward)
            new_units = new_unit_names(session, parsed, actor.ward_id)
            result["new_units"] = new_units
            if not dry_run:
                info = PlanInfo(number=number or Path(path).stem, title=title or parsed.title
                                or Path(path).stem, issuing_body=issuing_body, year=year)
                outcome = apply_import(session, actor=actor, info=info, parsed=parsed,
                                       create_units=new_units if create_units else ())
                result["saved"] = {"created": len(outcome.created),
                                   "updated": len(outcome.updated),
                                   "unchanged": len(outcome.unchanged),
                                   "removed": outcome.removed}
    except DomainError as error:
        # One Vietnamese line, without click's English "Error:" prefix.
        click.echo(json.dumps({"error": error.message}, ensure_ascii=False) if as_json
                   else error.message, err=not as_json)
        raise SystemExit(1) from error
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result['tasks']} nhiệm vụ trong {result['sections']} nhóm.")
    for unit, count in result["units"].items():
        click.echo(f"  {unit}: {count} nhiệm vụ chủ trì")
    for problem in result["problems"]:
        click.echo(f"  ! {problem}")
    for row in result["skipped"]:
        click.echo(f"  - bỏ qua {row['message'][0].lower()}{row['message'][1:]}")
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
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP)
@click.option("--plan", "plan_id", default=None, type=int,
              help="Plan id (default: the ward's current plan).")
def warnings_command(as_of: str | None, period: str, publish: bool, as_json: bool,
                     ward: str | None, plan_id: int | None) -> None:
    import json
    from datetime import date

    from workflow import notifications, warning_lists
    from workflow.clock import today
    from workflow.reports.warning_text import reason_lines
    from workflow.warning_rules import evaluate

    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise click.ClickException("Ngày phải có dạng YYYY-MM-DD.") from None
    settings = _settings()
    try:
        with unit_of_work(_factory(settings)) as session:
            actor = _ward_actor(session, ward)
            report = evaluate(session, actor=actor, as_of=day, period_kind=period,
                              plan_id=plan_id)
            if publish:
                warning_lists.publish(session, actor=actor, as_of=day, period_kind=period,
                                      plan_id=plan_id)
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
        click.echo(f"Đã công bố danh sách ({notifications.emails_sent(session)} thư điện tử).")


@cli.command("reminders", help="Send deadline and reporting-day reminders (once each).")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP)
def reminders_command(as_of: str | None, ward: str | None) -> None:
    from datetime import date

    from workflow import notifications
    from workflow.clock import today
    from workflow.reminders import send_reminders

    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise click.ClickException("Ngày phải có dạng YYYY-MM-DD.") from None
    settings = _settings()
    try:
        with unit_of_work(_factory(settings)) as session:
            run = send_reminders(session, actor=_ward_actor(session, ward), as_of=day)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    mailed = notifications.emails_sent(session)
    click.echo(f"Đã gửi {run.deadline_reminders} nhắc hạn nhiệm vụ, {run.reporting_reminders} "
               f"nhắc hạn báo cáo, {run.office_reminders} nhắc hạn của Văn phòng, "
               f"{run.review_reminders} nhắc đề nghị quá hạn thẩm định "
               f"({mailed} thư điện tử).")


@cli.group("api-token", help="Manage read-only API tokens for the systems above the ward.")
def api_token() -> None:
    """API token commands."""


@api_token.command("create", help="Create a read-only token of one ward and print it once.")
@click.argument("name")
@click.option("--expires", "expires", required=True, help="Last valid day, YYYY-MM-DD.")
@click.option("--ward", "ward", default=None, help=WARD_OPTION_HELP)
def api_token_create(name: str, expires: str, ward: str | None) -> None:
    from datetime import date

    from workflow import api_tokens

    try:
        expires_on = date.fromisoformat(expires)
    except ValueError:
        raise click.ClickException("Ngày hết hạn phải có dạng YYYY-MM-DD.") from None
    try:
        with unit_of_work(_factory(_settings())) as session:
            created = api_tokens.create_token(session, actor=_ward_actor(session, ward),
                                              name=name, expires_on=expires_on)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Đã tạo mã truy cập “{name}”, hiệu lực đến hết ngày "
               f"{expires_on.strftime('%d/%m/%Y')}. Mã chỉ hiển thị một lần, hãy lưu lại:")
    click.echo(created.secret)


@api_token.command("list", help="List tokens with expiry, state and last use.")
def api_token_list() -> None:
    from workflow import api_tokens
    from workflow.clock import format_datetime
    from workflow.labels import TOKEN_STATE_LABELS

    with unit_of_work(_factory(_settings())) as session:
        lines = api_tokens.token_lines(session, actor=SYSTEM)
    if not lines:
        click.echo("Chưa có mã truy cập API nào.")
        return
    for line in lines:
        ward = f" · phường/xã {line.ward_code}" if line.ward_code else ""
        used = format_datetime(line.last_used_at) if line.last_used_at else "chưa dùng"
        click.echo(f"{line.name} · {TOKEN_STATE_LABELS[line.state]} · hết hạn "
                   f"{line.expires_on.strftime('%d/%m/%Y')} · lần dùng cuối: {used} · "
                   f"{line.calls} lượt gọi{ward}")


@api_token.command("revoke", help="Revoke a token at once.")
@click.argument("name")
def api_token_revoke(name: str) -> None:
    from workflow import api_tokens

    try:
        with unit_of_work(_factory(_settings())) as session:
            api_tokens.revoke_token(session, actor=SYSTEM, name=name)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Đã thu hồi mã truy cập “{name}”.")


@cli.command("gc-evidence", help="Remove stored evidence objects that no row references and "
                                  "abort unfinished uploads.")
@click.option("--older-than", "hours", default=24, show_default=True, type=int,
              help="Only objects older than this many hours.")
@click.option("--dry-run", is_flag=True, help="List what would be removed, remove nothing.")
def gc_evidence(hours: int, dry_run: bool) -> None:
    from datetime import timedelta

    from portal.settings import build_evidence_store
    from workflow.evidence import collect_garbage

    settings = _settings()
    with unit_of_work(_factory(settings)) as session:
        report = collect_garbage(session, actor=SYSTEM, store=build_evidence_store(settings),
                                 older_than=timedelta(hours=hours), dry_run=dry_run)
    from workflow.clock import format_datetime

    for key in report.orphaned:
        click.echo(("sẽ xóa: " if dry_run else "đã xóa: ") + key)
    for key, started in report.unfinished:
        click.echo(("sẽ hủy lượt tải lên dở dang: " if dry_run else
                    "đã hủy lượt tải lên dở dang: ") + f"{key} (bắt đầu {format_datetime(started)})")
    click.echo(f"Tìm thấy {len(report.orphaned)} đối tượng không còn được tham chiếu; "
               f"đã xóa {len(report.removed)}.")
    click.echo(f"Tìm thấy {len(report.unfinished)} lượt tải lên dở dang quá {hours} giờ; "
               f"đã hủy {0 if dry_run else len(report.unfinished)}.")


@cli.command("verify-evidence",
             help="Validate the digital signatures of a PDF on disk (exit code 0: signed and "
                  "every signature valid; 1: unsigned or a signature is not valid; 2: not a "
                  "readable PDF).")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON object: signed, encrypted, error, signatures[].")
def verify_evidence(path: str, as_json: bool) -> None:
    import json
    from pathlib import Path

    from portal.settings import build_trust_store
    from storage.pdf_signatures import validate_pdf
    from workflow import signatures

    file = Path(path)
    try:
        with open(file, "rb") as handle:
            is_pdf = b"%PDF-" in handle.read(1024)
            result = validate_pdf(handle, trust=build_trust_store(_settings())) if is_pdf else {}
    except OSError:
        click.echo(f"Lỗi: không mở được tệp “{file.name}” (không tồn tại hoặc không có quyền "
                   "đọc).", err=True)
        sys.exit(2)
    if not is_pdf:
        click.echo(f"Lỗi: tệp “{file.name}” không phải tệp PDF.", err=True)
        sys.exit(2)
    for signature in result["signatures"]:
        signature["verdict"] = signatures.main_verdict(signature).text
    if as_json:
        click.echo(json.dumps({"file": file.name, **result}, ensure_ascii=False, indent=2))
    else:
        click.echo(signatures.text_report(result, name=file.name))
    if result["error"] == "unreadable" and not result["signatures"]:
        sys.exit(2)
    sys.exit(0 if result["signed"] and all(s["valid"] for s in result["signatures"]) else 1)


@cli.command("revalidate-evidence",
             help="Validate the signatures of every stored PDF again (after the trust store "
                  "changed) and update the verdicts.")
@click.option("--only-unchecked", is_flag=True, help="Only files never validated.")
def revalidate_evidence(only_unchecked: bool) -> None:
    from portal.settings import build_evidence_store, build_trust_store
    from workflow import signatures

    settings = _settings()
    trust = build_trust_store(settings)
    with unit_of_work(_factory(settings)) as session:
        report = signatures.revalidate_stored(
            session, actor=SYSTEM, store=build_evidence_store(settings), trust=trust,
            only_unchecked=only_unchecked)
    click.echo(f"Đã kiểm tra lại chữ ký số của {report.checked} tệp PDF "
               f"({len(trust.roots)} chứng thư gốc tin cậy); {len(report.changed)} tệp đổi kết "
               f"quả; {len(report.failed)} tệp không đọc được từ kho lưu trữ.")
    if report.failed:
        sys.exit(1)


@cli.command(help="Run the background job consumer (reports, evidence ZIP, publishing). "
                  "Uses Redis when JOB_QUEUE_URL/REDIS_URL is set, else var/jobs-queue.db.")
@click.option("--workers", default=None, type=int, help="Worker threads (default JOB_WORKERS "
                                                         "or 2).")
def worker(workers: int | None) -> None:
    import logging

    from portal.queue import JobQueue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = _settings()
    upgrade(settings.database_url)
    queue = JobQueue(replace(settings, job_worker="external"))
    queue.recover()
    where = "Redis" if settings.job_queue_url else str(settings.var_dir / "jobs-queue.db")
    click.echo(f"Đang xử lý công việc nền từ hàng đợi {where}.")
    sys.stdout.flush()
    queue.consumer(workers).run()


@cli.command(help="Serve the portal (development server; use gunicorn in production).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Migrate, load demo data and print demo accounts.")
def serve(host: str, port: int, demo: bool) -> None:
    from portal.app import create_app

    settings = _settings()
    upgrade(settings.database_url)
    if demo or settings.demo_mode:
        from workflow.demo import load_province_demo

        with unit_of_work(_factory(settings)) as session:
            load_province_demo(session, store=build_evidence_store(settings))
        print_demo_accounts(province=True)
    app = create_app(settings)
    click.echo(f"Cổng minh chứng đang chạy tại http://{host}:{port}/login")
    sys.stdout.flush()
    app.run(host=host, port=port, threaded=True, debug=False, use_reloader=False)


if __name__ == "__main__":  # pragma: no cover
    cli()
