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
