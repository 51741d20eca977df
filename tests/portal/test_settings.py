"""Configuration from the environment."""

from __future__ import annotations

from portal.settings import Settings
from workflow.clock import LOCAL_TZ


def test_defaults_and_persisted_secret(tmp_path):
    env = {"PORTAL_VAR_DIR": str(tmp_path)}
    first = Settings.from_env(env)
    assert first.database_url == f"sqlite:///{tmp_path / 'portal.db'}"
    assert first.storage_backend == "local" and first.max_upload_mb == 50
    assert len(first.secret_key) > 40
    assert Settings.from_env(env).secret_key == first.secret_key  # kept across restarts
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_environment_overrides(tmp_path):
    settings = Settings.from_env({"PORTAL_VAR_DIR": str(tmp_path), "SECRET_KEY": "k",
                                  "DATABASE_URL": "postgresql+psycopg://u@h/db",
                                  "S3_BUCKET": "minh-chung", "S3_ENDPOINT_URL": "http://minio:9000",
                                  "MAX_UPLOAD_MB": "20", "PORTAL_HTTPS": "1"})
    assert settings.secret_key == "k" and settings.storage_backend == "s3"
    assert settings.s3_endpoint_url == "http://minio:9000" and settings.max_upload_mb == 20
    assert settings.https and LOCAL_TZ.key == "Asia/Ho_Chi_Minh"  # the one zone, in clock.py
    assert not (tmp_path / "secret_key").exists()
