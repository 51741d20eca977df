"""``portal api-token create|list|revoke``: printed once, stored as a hash, usable at once."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import create_engine, select

from db.models import ApiToken
from portal.cli import cli
from workflow.api_tokens import hash_token
from workflow.clock import today


def _env(tmp_path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PORTAL_VAR_DIR": str(tmp_path)}


def test_create_list_revoke(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    assert runner.invoke(cli, ["migrate"], env=env).exit_code == 0
    runner.invoke(cli, ["ward", "create", "phuoc-binh", "--name", "Phường Phước Bình"], env=env)
    expires = (today() + timedelta(days=90)).isoformat()
    created = runner.invoke(cli, ["api-token", "create", "So KHCN", "--ward", "phuoc-binh",
                                  "--expires", expires], env=env)
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("pbk_") and len(secret) > 40
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        stored = connection.execute(select(ApiToken.token_hash, ApiToken.ward_code)).one()
    assert stored == (hash_token(secret), "phuoc-binh")  # only the hash is kept

    listed = runner.invoke(cli, ["api-token", "list"], env=env)
    assert "So KHCN · đang dùng" in listed.output and "chưa dùng" in listed.output
    assert secret not in listed.output
    assert runner.invoke(cli, ["api-token", "revoke", "So KHCN"], env=env).exit_code == 0
    assert "đã thu hồi" in runner.invoke(cli, ["api-token", "list"], env=env).output
    help_text = runner.invoke(cli, ["api-token", "create", "--help"], env=env).output
    assert "--ward" in help_text and "more than one ward" in help_text


def test_bad_input_is_refused_in_vietnamese(tmp_path):
    runner, env = CliRunner(), _env(tmp_path)
    runner.invoke(cli, ["migrate"], env=env)
    runner.invoke(cli, ["ward", "create", "phuoc-binh", "--name", "Phường Phước Bình"], env=env)
    bad_date = runner.invoke(cli, ["api-token", "create", "x1", "--expires", "31/12/2026"],
                             env=env)
    assert bad_date.exit_code != 0 and "YYYY-MM-DD" in bad_date.output
    past = runner.invoke(cli, ["api-token", "create", "x1", "--expires", "2020-01-01"], env=env)
    assert past.exit_code != 0 and "Ngày hết hạn phải từ hôm nay" in past.output
    missing = runner.invoke(cli, ["api-token", "revoke", "khong-co"], env=env)
    assert missing.exit_code != 0 and "Không tìm thấy mã truy cập" in missing.output
    expires = (today() + timedelta(days=1)).isoformat()
    runner.invoke(cli, ["api-token", "create", "x1", "--expires", expires], env=env)
    twice = runner.invoke(cli, ["api-token", "create", "x1", "--expires", expires], env=env)
    assert twice.exit_code != 0 and "Đã có mã truy cập" in twice.output
