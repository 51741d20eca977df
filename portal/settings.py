"""Configuration from the environment (and an optional .env file), never from code edits."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _persisted_secret(var_dir: Path) -> str:
    """A random secret key, created once and kept under var/ so sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    temp = var_dir / f".secret_key.{os.getpid()}"
    with open(temp, "w", encoding="ascii") as handle:
        os.chmod(temp, 0o600)
        handle.write(key)
    try:
        os.link(temp, path)  # atomic; another worker may have won the race
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        temp.unlink(missing_ok=True)
    return key


@dataclass(frozen=True)
class Settings:
    """Everything the portal needs to start. Build with ``Settings.from_env()``."""

    database_url: str
    secret_key: str
    var_dir: Path
    storage_backend: str = "local"
    evidence_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "evidence")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_create_bucket: bool = False
    max_upload_mb: int = 50
    https: bool = False
    login_rate_limit: str = "5 per minute;30 per hour"
    ratelimit_storage_uri: str = "memory://"
    api_rate_limit: str = "120 per minute;5000 per day"
    demo_mode: bool = False
    office_name: str = "Văn phòng Đảng ủy"
    committee_name: str = "Đảng ủy phường Phước Bình"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "cong-minh-chung@localhost"
    evidence_trust_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "trust")
    revocation_check: bool = False
    revocation_timeout: float = 5.0
    # Background jobs (portal/queue.py): huey on SQLite under var_dir, or on Redis when
    # JOB_QUEUE_URL/REDIS_URL is set. "embedded" runs a consumer thread inside the portal
    # process, "external" leaves the work to `portal worker`, "immediate" runs a job at once
    # (tests only).
    job_queue_url: str | None = None
    job_worker: str = "embedded"
    job_workers: int = 2
    job_stale_seconds: int = 120
    testing: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Reads PORTAL_*/DATABASE_URL/S3_* variables; ``.env`` fills what is unset."""
        if env is None:
            load_dotenv(PROJECT_ROOT / ".env", override=False)
            env = dict(os.environ)
        var_dir = Path(env.get("PORTAL_VAR_DIR") or PROJECT_ROOT / "var")
        database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'portal.db'}"
        settings = cls(
            database_url=database_url,
            secret_key=env.get("SECRET_KEY") or _persisted_secret(var_dir),
            var_dir=var_dir,
            storage_backend=(env.get("EVIDENCE_STORAGE") or
                             ("s3" if env.get("S3_BUCKET") else "local")).lower(),
            evidence_dir=Path(env.get("EVIDENCE_DIR") or var_dir / "evidence"),
            s3_bucket=env.get("S3_BUCKET"),
            s3_endpoint_url=env.get("S3_ENDPOINT_URL"),
            s3_region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or "us-east-1",
            s3_access_key=env.get("AWS_ACCESS_KEY_ID"),
            s3_secret_key=env.get("AWS_SECRET_ACCESS_KEY"),
            s3_create_bucket=_flag(env.get("S3_CREATE_BUCKET")),
            max_upload_mb=int(env.get("MAX_UPLOAD_MB") or 50),
            https=_flag(env.get("PORTAL_HTTPS")),
            login_rate_limit=env.get("LOGIN_RATE_LIMIT") or "5 per minute;30 per hour",
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or "memory://",
            api_rate_limit=env.get("API_RATE_LIMIT") or "120 per minute;5000 per day",
            demo_mode=_flag(env.get("PORTAL_DEMO")),
            smtp_host=env.get("SMTP_HOST") or None,
            smtp_port=int(env.get("SMTP_PORT") or 25),
            smtp_sender=env.get("SMTP_SENDER") or "cong-minh-chung@localhost",
            evidence_trust_dir=Path(env.get("EVIDENCE_TRUST_DIR") or var_dir / "trust"),
            revocation_check=_flag(env.get("EVIDENCE_REVOCATION_CHECK")),
            revocation_timeout=float(env.get("EVIDENCE_REVOCATION_TIMEOUT") or 5),
            job_queue_url=env.get("JOB_QUEUE_URL") or env.get("REDIS_URL") or None,
            job_worker=(env.get("JOB_WORKER") or
                        ("external" if env.get("JOB_QUEUE_URL") or env.get("REDIS_URL")
                         else "embedded")).lower(),
            job_workers=int(env.get("JOB_WORKERS") or 2),
            job_stale_seconds=int(env.get("JOB_STALE_SECONDS") or 120),
        )
        return replace(settings, **overrides) if overrides else settings


def build_evidence_store(settings: Settings):
    """The evidence store the settings describe (local folder by default, or S3)."""
    from storage.factory import build_store

    return build_store(backend=settings.storage_backend, local_root=settings.evidence_dir,
                       s3_bucket=settings.s3_bucket, s3_endpoint_url=settings.s3_endpoint_url,
                       s3_region=settings.s3_region, s3_access_key=settings.s3_access_key,
                       s3_secret_key=settings.s3_secret_key,
                       s3_create_bucket=settings.s3_create_bucket)


def build_trust_store(settings: Settings):
    """The CA certificates evidence signatures must chain to (``EVIDENCE_TRUST_DIR``)."""
    from storage.pdf_signatures import TrustStore

    return TrustStore.from_dir(settings.evidence_trust_dir,
                               revocation=settings.revocation_check,
                               revocation_timeout=settings.revocation_timeout)
