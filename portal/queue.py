"""The job queue: huey on a SQLite file under ``PORTAL_VAR_DIR`` by default (nothing to
install), on Redis when ``JOB_QUEUE_URL``/``REDIS_URL`` is set.

The queue carries only job ids; the ``jobs`` table (workflow/jobs.py) is the record of what
was asked and how far it got. ``portal worker`` runs the consumer; with the embedded default
the portal process runs one in a thread (``start_embedded``), so ``make run`` produces
reports with nothing else started. This module imports neither Dash nor Plotly.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.settings import Settings, build_evidence_store
from workflow import jobs

log = logging.getLogger(__name__)
QUEUE_NAME = "portal-jobs"


def build_huey(settings: Settings):
    """The huey instance the settings describe (same name and storage in every process)."""
    immediate = settings.job_worker == "immediate"
    if settings.job_queue_url:
        return RedisHuey(QUEUE_NAME, url=settings.job_queue_url, immediate=immediate,
                         results=False)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(settings.var_dir / "jobs-queue.db"),
                      immediate=immediate, results=False)


class _ThreadConsumer(Consumer):
    """A consumer whose workers are threads of a process that owns its signals (the web
    server): it installs no signal handlers."""

    def _set_signal_handlers(self):  # noqa: D401 - huey's hook
        return None


@dataclass
class JobQueue:
    """The queue of one process: enqueue job ids; run them in a consumer."""

    settings: Settings
    huey: object = field(init=False)

    def __post_init__(self) -> None:
        self.huey = build_huey(self.settings)
        self._embedded: _ThreadConsumer | None = None
        self._run_task = self.huey.task(name="run_job")(self._run)
        self._recover_task = self.huey.periodic_task(crontab(minute="*"),
                                                     name="recover_jobs")(self.recover)

    @cached_property
    def session_factory(self):
        from workflow import notifications

        mailer = notifications.Mailer(self.settings.smtp_host, self.settings.smtp_port,
                                      self.settings.smtp_sender)
        return make_session_factory(make_engine(self.settings.database_url),
                                    notifications.mail_settings(mailer))

    @cached_property
    def context(self) -> jobs.JobContext:
        return jobs.JobContext(store=build_evidence_store(self.settings),
                               committee=self.settings.committee_name,
                               office=self.settings.office_name)

    def enqueue(self, job_id: int) -> None:
        """Queues a job id (called after the job row is committed)."""
        self._run_task(job_id)

    def _run(self, job_id: int) -> str:
        return jobs.run_job(self.session_factory, job_id=job_id, context=self.context)

    def recover(self) -> list[int]:
        """Re-queues the jobs whose worker died or whose message was lost."""
        with unit_of_work(self.session_factory) as session:
            ids = jobs.recover_jobs(session, stale_after=self.settings.job_stale_seconds,
                                    dead_worker=jobs.local_worker_dead)
        for job_id in ids:
            self.enqueue(job_id)
        if ids:
            log.warning("re-queued jobs %s", ids)
        return ids

    def consumer(self, workers: int | None = None, *, embedded: bool = False) -> Consumer:
        """A huey consumer of this queue with thread workers."""
        kind = _ThreadConsumer if embedded else Consumer
        return kind(self.huey, workers=workers or self.settings.job_workers,
                    worker_type="thread", periodic=True, max_delay=2.0,
                    check_worker_health=True)

    def start_embedded(self) -> None:
        """Runs a consumer in threads of this process (the default single-machine setup)."""
        if self._embedded is not None or self.settings.job_worker != "embedded":
            return
        try:
            self.recover()
        except Exception:  # noqa: BLE001 - a database not migrated yet: recover next minute
            log.warning("job recovery at start failed", exc_info=True)
        self._embedded = self.consumer(embedded=True)
        self._embedded.start()
        threading.Thread(target=self._watch, name="job-consumer-health", daemon=True).start()

    def _watch(self) -> None:
        consumer = self._embedded
        while consumer is not None and not consumer.stop_flag.wait(10):
            consumer.check_worker_health()

    def stop_embedded(self) -> None:
        """Stops the embedded consumer, letting running jobs finish."""
        if self._embedded is not None:
            self._embedded.stop(graceful=True)
            self._embedded = None
