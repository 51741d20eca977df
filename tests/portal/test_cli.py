"""The ``portal`` command honours DATABASE_URL for every subcommand."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, update

from db.models import Notification, Role, Task, User
from portal.cli import cli


def _env(tmp_path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PORTAL_VAR_DIR": str(tmp_path)}


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("serve", "migrate", "load-demo", "create-user"):
        assert command in result.output


def test_migrate_load_demo_and_create_user(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    assert runner.invoke(cli, ["migrate"], env=env).exit_code == 0
    loaded = runner.invoke(cli, ["load-demo"], env=env)
    assert loaded.exit_code == 0 and "thamdinh" in loaded.output
    created = runner.invoke(cli, ["create-user", "--username", "can.bo", "--full-name",
                                  "Cán bộ Mới", "--role", "unit_member", "--unit", "VPĐU",
                                  "--password", "MatKhau@123"], env=env)
    assert created.exit_code == 0, created.output
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Task)) == 32
        assert connection.scalar(select(User.unit_id).where(User.username == "can.bo"))
    assert (tmp_path / "secret_key").exists()


def _ward(runner, env, code: str = "phuoc-binh", name: str = "Phường Phước Bình") -> None:
    created = runner.invoke(cli, ["ward", "create", code, "--name", name], env=env)
    assert created.exit_code == 0, created.output


def test_create_user_refuses_bad_input_in_vietnamese(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    _ward(runner, env)
    result = runner.invoke(cli, ["create-user", "--username", "x", "--full-name", "X",
                                 "--role", "leader", "--password", "ngan"], env=env)
    assert result.exit_code != 0 and "Tên đăng nhập" in result.output


def test_import_plan_json(tmp_path):
    import json

    from tests.conftest import FIXTURES

    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    _ward(runner, env)
    path = str(FIXTURES / "ke-hoach-phuoc-binh-2026.docx")
    dry = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--dry-run", "--json"],
                        env=env)
    result = json.loads(dry.output)
    assert result["tasks"] == 32 and result["sections"] == 6
    assert result["deadlines"] == {"fixed": 28, "recurring": 4, "conditional": 0,
                                   "plan_year": 0, "unknown": 0}
    assert result["columns"]["deadline"].startswith("(7) Thời hạn")
    assert [s["tasks"] for s in result["sections_detail"]] == [3, 5, 1, 4, 17, 2]
    assert result["skipped"] == []
    assert result["units"]["UBND phường"] == 14 and "saved" not in result
    refused = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026"], env=env)
    assert refused.exit_code != 0 and "Cần xác nhận tạo đơn vị mới" in refused.output
    saved = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--create-units",
                                "--json"], env=env)
    assert json.loads(saved.output)["saved"]["created"] == 32


def test_import_plan_reports_columns_sections_and_skipped_rows(tmp_path):
    import json

    from tests.conftest import FIXTURES

    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    _ward(runner, env)
    path = str(FIXTURES / "plans" / "empty-and-split-rows.xlsx")
    result = json.loads(runner.invoke(cli, ["import-plan", path, "--plan-year", "2026",
                                            "--dry-run", "--json"], env=env).output)
    assert result["columns"]["lead_unit"] == "Cơ quan chủ trì"
    assert result["sections_detail"] == [{"code": "I", "title": "Thể chế số", "tasks": 2},
                                         {"code": "II", "title": "Nhân lực số", "tasks": 2}]
    assert [(r["row"], r["reason"]) for r in result["skipped"]] == [
        (2, "column_numbers"), (5, "numbered_empty"), (9, "continuation"), (11, "numbered_empty")]
    text = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--dry-run"], env=env)
    assert "bỏ qua dòng 5: có số thứ tự nhưng không có nội dung" in text.output


@pytest.mark.parametrize("as_json", [False, True])
def test_import_plan_on_an_unmigrated_database_says_what_to_run(tmp_path, as_json):
    from tests.conftest import FIXTURES

    runner, env = CliRunner(), _env(tmp_path)
    path = str(FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx")
    result = runner.invoke(cli, ["import-plan", path, "--dry-run"] + (["--json"] if as_json
                                                                        else []), env=env)
    assert result.exit_code == 1
    output = (result.stdout if as_json else result.stderr).strip()
    assert len(output.splitlines()) == 1 and "portal migrate" in output
    assert isinstance(result.exception, SystemExit)  # not a traceback


def test_import_plan_unreadable_file(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-plan", str(bad), "--dry-run", "--json"], env=env)
    assert result.exit_code == 1 and "Không nhận ra dòng tiêu đề" in result.output


def test_warnings_and_reminders_commands(tmp_path):
    import json

    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["load-demo"], env=env)
    listed = runner.invoke(cli, ["warnings", "--as-of", "2026-10-31", "--json"], env=env)
    rows = json.loads(listed.output)
    assert rows and {"task_code", "unit", "reasons", "deadline"} <= set(rows[0])
    assert {r for row in rows for r in row["reasons"]} <= {
        "overdue", "behind_schedule", "poor_evidence", "missing_report"}
    assert any(row["task_code"] == "II.1" and "overdue" in row["reasons"] for row in rows)
    published = runner.invoke(cli, ["warnings", "--as-of", "2026-10-31", "--publish"], env=env)
    assert published.exit_code == 0 and "Đã công bố" in published.output
    again = runner.invoke(cli, ["warnings", "--as-of", "2026-10-31", "--publish"], env=env)
    assert again.exit_code != 0 and "đã được công bố" in again.output
    first = runner.invoke(cli, ["reminders", "--as-of", "2026-12-24"], env=env)
    assert first.exit_code == 0 and "nhắc hạn nhiệm vụ" in first.output
    assert not first.output.startswith("Đã gửi 0 ")
    second = runner.invoke(cli, ["reminders", "--as-of", "2026-12-24"], env=env)
    assert second.output.startswith("Đã gửi 0 nhắc hạn nhiệm vụ, 0 nhắc hạn báo cáo")


def test_warnings_publish_mails_the_notifications_it_queues(tmp_path, smtp_server):
    controller, received = smtp_server
    runner, env = CliRunner(), _env(tmp_path)
    env.update(SMTP_HOST=controller.hostname, SMTP_PORT=str(controller.port),
               SMTP_SENDER="cong@phuocbinh.example")
    runner.invoke(cli, ["load-demo"], env=env)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(update(User).where(User.role.in_([Role.UNIT_MEMBER, Role.UNIT_HEAD]))
                           .values(email=User.username + "@phuocbinh.example"))
    published = runner.invoke(cli, ["warnings", "--as-of", "2026-10-31", "--publish"], env=env)
    assert published.exit_code == 0, published.output
    with engine.connect() as connection:
        warned = connection.scalars(
            select(User.email).join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == "warnings")).all()
    assert warned and sorted(m["To"] for m in received) == sorted(warned)
    assert f"({len(warned)} thư điện tử)" in published.output


def test_two_wards_from_the_same_appendix_keep_their_own_warnings(tmp_path):
    import json

    from db.models import Plan, Ward
    from tests.conftest import FIXTURES

    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    _ward(runner, env, "phuong-a", "Phường A")
    _ward(runner, env, "phuong-b", "Phường B")
    path = str(FIXTURES / "ke-hoach-phuoc-binh-2026.xlsx")
    missing = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026"], env=env)
    assert missing.exit_code != 0 and "--ward" in missing.output
    assert "phuong-a, phuong-b" in missing.output
    unknown = runner.invoke(cli, ["import-plan", path, "--ward", "khong-co"], env=env)
    assert unknown.exit_code != 0 and "Không có phường/xã mã “khong-co”" in unknown.output
    for code in ("phuong-a", "phuong-b"):
        saved = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--ward", code,
                                    "--create-units", "--json"], env=env)
        assert json.loads(saved.output)["saved"]["created"] == 32, saved.output
    listed = json.loads(runner.invoke(cli, ["ward", "list", "--json"], env=env).output)
    assert [(w["code"], w["plans"]) for w in listed] == [("phuong-a", 1), ("phuong-b", 1)]
    assert listed[0]["units"] == listed[1]["units"] > 0  # each ward its own units
    no_ward = runner.invoke(cli, ["warnings", "--as-of", "2026-10-31", "--json"], env=env)
    assert no_ward.exit_code != 0 and "--ward" in no_ward.output
    rows = json.loads(runner.invoke(cli, ["warnings", "--ward", "phuong-a", "--as-of",
                                          "2026-10-31", "--json"], env=env).output)
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        ward_a_tasks = set(connection.scalars(
            select(Task.id).join(Plan, Plan.id == Task.plan_id).join(Ward, Ward.id == Plan.ward_id)
            .where(Ward.code == "phuong-a")))
    assert rows and {row["task_id"] for row in rows} <= ward_a_tasks
    reminders = runner.invoke(cli, ["reminders", "--as-of", "2026-12-24"], env=env)
    assert reminders.exit_code != 0 and "--ward" in reminders.output
    demo = runner.invoke(cli, ["load-demo"], env=env)
    assert demo.exit_code != 0 and "--ward" in demo.output
    user = runner.invoke(cli, ["create-user", "--username", "canbo.b", "--full-name", "Cán bộ B",
                               "--role", "unit_member", "--unit", "UBND phường", "--ward",
                               "phuong-b", "--password", "MatKhau@123"], env=env)
    assert user.exit_code == 0, user.output
    with engine.connect() as connection:
        ward_b = connection.scalar(select(Ward.id).where(Ward.code == "phuong-b"))
        assert connection.scalar(select(User.ward_id).where(User.username == "canbo.b")) == ward_b
