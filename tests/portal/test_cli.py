"""The ``portal`` command honours DATABASE_URL for every subcommand."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from db.models import Task, User
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


def test_create_user_refuses_bad_input_in_vietnamese(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    result = runner.invoke(cli, ["create-user", "--username", "x", "--full-name", "X",
                                 "--role", "leader", "--password", "ngan"], env=env)
    assert result.exit_code != 0 and "Tên đăng nhập" in result.output


def test_import_plan_json(tmp_path):
    import json

    from tests.conftest import FIXTURES

    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    path = str(FIXTURES / "ke-hoach-phuoc-binh-2026.docx")
    dry = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--dry-run", "--json"],
                        env=env)
    result = json.loads(dry.output)
    assert result["tasks"] == 32 and result["sections"] == 6
    assert result["deadlines"] == {"fixed": 28, "recurring": 4, "conditional": 0, "unknown": 0}
    assert result["units"]["UBND phường"] == 14 and "saved" not in result
    refused = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026"], env=env)
    assert refused.exit_code != 0 and "Cần xác nhận tạo đơn vị mới" in refused.output
    saved = runner.invoke(cli, ["import-plan", path, "--plan-year", "2026", "--create-units",
                                "--json"], env=env)
    assert json.loads(saved.output)["saved"]["created"] == 32


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
