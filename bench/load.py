"""Load test: 100 signed-in users against gunicorn (2 workers, gunicorn.conf.py) on PostgreSQL.

Builds the data (``build_demo_scaled``; the province builder of ``bench/province.py`` with
``--builder province``), starts gunicorn on a loopback port and runs an
asyncio/httpx client for a bounded time. Each virtual user signs in with its own account and
works in a closed loop with a short think time, as the browser does it — a page is the Dash
router callback plus the page's data callback:

* 80 unit members: 7 in 8 actions browse (task list, a task of their unit, dashboard), 1 in 8
  reports progress on a task of their unit (the task page, then the form's callback);
* 20 reviewers: half their actions browse, half decide a pending claim (the claim page, then
  approve or reject with a reason) — so about 80 % browsing, 10 % progress, 10 % review.

Every HTTP request counts; an error is a transport failure, a timeout or a status other than
200/204. Worker memory is the peak resident set of the gunicorn workers, sampled each second.

    .venv/bin/python bench/load.py [--seconds 180] [--users 100] [--database-url URL]

The last line is ``load users=… rps=… p50=… p95=… p99=… errors=… worker_rss_mb=…``
(latencies in seconds). Loopback only: the server binds 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from db.migrate import upgrade  # noqa: E402
from db.models import (  # noqa: E402
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    EvidenceKind,
    Plan,
    ProgressReport,
    ReportPeriod,
    Role,
    Section,
    Task,
    Unit,
    User,
)
from db.session import make_engine, make_session_factory  # noqa: E402
from db.unit_of_work import unit_of_work  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "TaiThu@2026"
NOW = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)


@dataclass
class LoadData:
    """Who signs in and what they work on."""

    members: list[tuple[str, list[int]]]  # username, task ids of the unit (lead)
    reviewers: list[tuple[str, list[tuple[int, int]]]]  # username, its pending (id, version)
    claims: int = 0  # pending claims handed to the reviewers
    wards: int = 1  # wards the accounts work in
    tasks: int = 0
    reports: int = 0


# --- data ---------------------------------------------------------------------------------


def build_demo_scaled(url: str, copies: int = 40, weeks: int = 30) -> None:
    """A modest dataset: the demo plan, its tasks copied ``copies`` times into more sections
    (about 1,300 tasks), ``weeks`` weekly reports per task, and a pending claim with one
    evidence row for half of the tasks."""
    from workflow.demo import load_demo

    factory = make_session_factory(make_engine(url))
    with unit_of_work(factory) as session:
        load_demo(session)
    engine = make_engine(url)
    rng = random.Random(14)
    with engine.begin() as connection:
        plan_id = connection.scalar(select(Plan.id).order_by(Plan.id.desc()))
        originals = [dict(row._mapping) for row in connection.execute(
            select(Task.__table__).where(Task.plan_id == plan_id))]
        for copy in range(1, copies + 1):
            section_id = connection.execute(insert(Section).values(
                plan_id=plan_id, code=f"B{copy}", title=f"Nhóm nhiệm vụ bổ sung {copy}",
                position=100 + copy).returning(Section.id)).scalar_one()
            rows = []
            for position, task in enumerate(originals):
                row = {k: v for k, v in task.items() if k != "id"}
                row.update(section_id=section_id, code=f"B{copy}.{position + 1}",
                           position=10_000 * copy + position)
                rows.append(row)
            connection.execute(insert(Task), rows)
        tasks = connection.execute(select(Task.id, Task.lead_unit_id).where(
            Task.plan_id == plan_id, Task.lead_unit_id.is_not(None))).all()
        authors = dict(connection.execute(select(User.unit_id, User.id).where(
            User.role == Role.UNIT_MEMBER)).all())
        reports = []
        for task_id, unit_id in tasks:
            if unit_id not in authors:
                continue
            for week in range(weeks):
                start = date(2026, 3, 2) + timedelta(weeks=week)
                reports.append({
                    "task_id": task_id, "unit_id": unit_id, "author_id": authors[unit_id],
                    "period_kind": ReportPeriod.WEEK, "period_start": start,
                    "period_label": f"Tuần {start.isocalendar().week}/2026",
                    "percent_complete": min(100, week * 3 + rng.randint(0, 5)),
                    "narrative": "Đã triển khai theo kế hoạch.", "difficulties": "",
                    "proposals": "",
                    "created_at": datetime.combine(start, datetime.min.time(), UTC)})
        for chunk in range(0, len(reports), 5000):
            connection.execute(insert(ProgressReport), reports[chunk:chunk + 5000])
        claimed = [t for i, t in enumerate(tasks) if i % 2 == 0 and t[1] in authors]
        _file_pending_claims(connection, claimed, authors)


def build_province(url: str) -> None:
    """The province builder (bench/province.py: 100 wards × 100 tasks, ~1M reports, real
    wards); ``prepare_accounts`` then makes the load's accounts in one of its wards."""
    sys.path.insert(0, str(ROOT / "bench"))
    import province  # type: ignore[import-not-found]

    province.build(url)


def _file_pending_claims(connection: sa.Connection, tasks: list[tuple[int, int]],
                         authors: dict[int, int]) -> None:
    """A pending claim with one signed PDF for each (task, lead unit), filed by the unit's
    author."""
    if not tasks:
        return
    claim_ids = connection.execute(insert(CompletionClaim).returning(CompletionClaim.id), [
        {"task_id": task_id, "unit_id": unit_id, "claimant_id": authors[unit_id],
         "note": "Đề nghị công nhận hoàn thành.", "state": ClaimState.PENDING,
         "version": 1, "created_at": NOW} for task_id, unit_id in tasks]).scalars().all()
    connection.execute(insert(EvidenceFile), [
        {"claim_id": claim_id, "task_id": task_id, "uploaded_by_id": authors[unit_id],
         "object_key": f"evidence/load/{claim_id}/quyet-dinh.pdf",
         "original_name": "Quyết định.pdf", "content_type": "application/pdf",
         "size_bytes": 120_000, "sha256": uuid.uuid4().hex * 2,
         "kind": EvidenceKind.SIGNED_DOCUMENT, "pdf_pages": 2, "pdf_signed": False,
         "derived": {}, "created_at": NOW}
        for claim_id, (task_id, unit_id) in zip(claim_ids, tasks, strict=True)])


def _top_up_claims(connection: sa.Connection, ward_id: int, wanted: int) -> None:
    """Pending claims (with one signed PDF each) on the ward's tasks that have none open and
    are not completed, until the ward has ``wanted`` pending claims or no such task is
    left: the reviewers have work for the whole run, as in a busy month."""
    ward_tasks = select(Task.id).join(Plan, Plan.id == Task.plan_id).where(
        Plan.ward_id == ward_id)
    pending = connection.scalar(select(sa.func.count()).where(
        CompletionClaim.state == ClaimState.PENDING, CompletionClaim.task_id.in_(ward_tasks)))
    busy = set(connection.scalars(select(CompletionClaim.task_id).where(
        CompletionClaim.task_id.in_(ward_tasks), CompletionClaim.state.in_(
            [ClaimState.PENDING, ClaimState.AWAITING_HEAD, ClaimState.APPROVED]))))
    authors = {}
    for user_id, unit_id in connection.execute(select(User.id, User.unit_id).where(
            User.ward_id == ward_id, User.unit_id.is_not(None)).order_by(User.id)):
        authors.setdefault(unit_id, user_id)
    free = [(task_id, unit_id) for task_id, unit_id in connection.execute(
        select(Task.id, Task.lead_unit_id).where(
            Task.id.in_(ward_tasks), Task.removed_from_plan_at.is_(None),
            Task.lead_unit_id.is_not(None)).order_by(Task.id))
        if task_id not in busy and unit_id in authors][:max(0, wanted - pending)]
    _file_pending_claims(connection, free, authors)


def prepare_accounts(url: str, members: int, reviewers: int,
                     claims_per_reviewer: int = 90) -> LoadData:
    """Accounts for the virtual users (created when the data has too few), all with the
    load test's password; the tasks each member's unit leads; the pending claims.

    Every account is of one ward (a ward role sees only its own ward). The members work in
    the ward of the first unit that leads tasks (the demo's only ward, or the province
    builder's first ward), spread over its units. The reviewers are spread over the other
    wards (one each while there are enough; the members' ward when it is the only one): a
    ward's office decides its own
    claims, and one ward's hundred tasks could not give twenty reviewers three minutes of
    decisions. Each reviewer's ward gets pending claims up to ``claims_per_reviewer`` per
    reviewer (``_top_up_claims``), shared out between its reviewers."""
    from workflow.accounts import hash_password

    engine = make_engine(url)
    hashed = hash_password(PASSWORD)
    with engine.begin() as connection:
        units = connection.execute(select(Unit.id, Unit.ward_id).where(
            Unit.is_active.is_(True)).order_by(Unit.id)).all()
        lead = {}
        for task_id, unit_id in connection.execute(select(Task.id, Task.lead_unit_id).where(
                Task.lead_unit_id.is_not(None), Task.removed_from_plan_at.is_(None))):
            lead.setdefault(unit_id, []).append(task_id)
        wards = list(dict.fromkeys(w for u, w in units if u in lead))
        ward_id = wards[0]
        units = [u for u, w in units if u in lead and w == ward_id]
        ward_tasks = (select(Task.id).join(Plan, Plan.id == Task.plan_id)
                      .where(Plan.ward_id == ward_id))
        # A completed task takes no more reports: members report on the others.
        completed = set(connection.scalars(select(CompletionClaim.task_id).where(
            CompletionClaim.task_id.in_(ward_tasks),
            CompletionClaim.state == ClaimState.APPROVED)))
        # Other wards than the members' when there are (their approvals would otherwise
        # complete the very tasks the members keep reporting on).
        desks = wards[1:] or wards
        reviewer_wards = [desks[i % len(desks)] for i in range(reviewers)]
        rows = []
        for i in range(members):
            rows.append({"username": f"tai.cb{i:03d}", "full_name": f"Cán bộ thử tải {i}",
                         "role": Role.UNIT_MEMBER, "unit_id": units[i % len(units)],
                         "ward_id": ward_id})
        for i in range(reviewers):
            rows.append({"username": f"tai.td{i:03d}", "full_name": f"Thẩm định thử tải {i}",
                         "role": Role.REVIEWER, "unit_id": None, "ward_id": reviewer_wards[i]})
        existing = set(connection.scalars(select(User.username).where(
            User.username.in_([r["username"] for r in rows]))))
        new = [dict(r, password_hash=hashed, is_active=True, session_version=1,
                    created_at=NOW) for r in rows if r["username"] not in existing]
        if new:
            connection.execute(insert(User), new)
        for row in rows:  # existing accounts: the load's password, unit and ward
            connection.execute(update(User).where(User.username == row["username"]).values(
                password_hash=hashed, is_active=True, role=row["role"],
                unit_id=row["unit_id"], ward_id=row["ward_id"]))
        handed: dict[str, list[tuple[int, int]]] = {}
        for ward in dict.fromkeys(reviewer_wards):
            names = [r["username"] for r in rows[members:] if r["ward_id"] == ward]
            _top_up_claims(connection, ward, claims_per_reviewer * len(names))
            pending = connection.execute(
                select(CompletionClaim.id, CompletionClaim.version)
                .join(Task, Task.id == CompletionClaim.task_id)
                .join(Plan, Plan.id == Task.plan_id)
                .where(CompletionClaim.state == ClaimState.PENDING, Plan.ward_id == ward)
                .order_by(CompletionClaim.id)).all()
            for n, name in enumerate(names):  # each claim goes to one reviewer only
                handed[name] = [(c.id, c.version) for c in pending[n::len(names)]]
        task_count = connection.scalar(select(sa.func.count(Task.id)))
        report_count = connection.scalar(select(sa.func.count(ProgressReport.id)))
    member_list = []
    for row in rows[:members]:
        open_tasks = ([t for t in lead[row["unit_id"]] if t not in completed]
                      or lead[row["unit_id"]])
        member_list.append((row["username"], open_tasks))
    reviewer_list = [(r["username"], handed[r["username"]]) for r in rows[members:]]
    return LoadData(member_list, reviewer_list, sum(len(c) for _, c in reviewer_list),
                    len(set(reviewer_wards) | {ward_id}), task_count, report_count)


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, var_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's gunicorn.conf.py on a loopback port."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, PORTAL_VAR_DIR=str(var_dir),
               EVIDENCE_DIR=str(var_dir / "evidence"), SECRET_KEY="load-test-secret",
               PORTAL_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers),
               LOGIN_RATE_LIMIT="100000 per minute", JOB_WORKER="external",
               GUNICORN_CMD_ARGS=f"--access-logfile {var_dir / 'access.log'}")
    for name in ("S3_BUCKET", "EVIDENCE_STORAGE", "REDIS_URL", "JOB_QUEUE_URL"):
        env.pop(name, None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn, "-c", str(ROOT / "gunicorn.conf.py"),
                                "portal.wsgi:app"], cwd=ROOT, env=env,
                               stdout=open(var_dir / "gunicorn.log", "w"),  # noqa: SIM115
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError((var_dir / "gunicorn.log").read_text()[-3000:])
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 90 s")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler(threading.Thread):
    """Peak resident memory of any one gunicorn worker, sampled every second."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peak, self._halt = master, 0.0, threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            for pid in _children(self.master):
                self.peak = max(self.peak, _rss_mb(pid))

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak


# --- the client ---------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_label: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    refused: int = 0  # a Vietnamese refusal (e.g. a claim decided meanwhile): not an error
    actions: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    seconds: float = 0.0  # of the measured loop (sign-in excluded)


def _outputs(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]


class Callbacks:
    """The callbacks' output keys, found by their first input (from /_dash-dependencies)."""

    def __init__(self, dependencies: list[dict]) -> None:
        self.by_input, self.by_output = {}, {}
        for dep in dependencies:
            self.by_output[dep["output"]] = dep
            if dep["inputs"] and isinstance(dep["inputs"][0]["id"], str):
                self.by_input.setdefault(dep["inputs"][0]["id"], dep)

    def body(self, first_input: str, inputs: dict, state: dict | None = None,
             changed: str | None = None, output: str | None = None) -> dict:
        dep = self.by_output[output] if output else self.by_input[first_input]
        outs = _outputs(dep["output"])
        return {"output": dep["output"], "outputs": outs if len(outs) > 1 else outs[0],
                "inputs": [{"id": i["id"], "property": i["property"],
                            "value": inputs.get(f"{i['id']}.{i['property']}")}
                           for i in dep["inputs"]],
                "state": [{"id": s["id"], "property": s["property"],
                           "value": (state or {}).get(f"{s['id']}.{s['property']}")}
                          for s in dep["state"]],
                "changedPropIds": [changed] if changed else []}


class VirtualUser:
    """One virtual user: its own cookies, signed in once."""

    def __init__(self, base: str, username: str, stats: Stats, callbacks: Callbacks | None,
                 timeout: float) -> None:
        self.base, self.username, self.stats = base, username, stats
        self.client = httpx.AsyncClient(base_url=base, timeout=timeout,
                                        headers={"Origin": base})
        self.callbacks = callbacks

    def _record(self, label: str, seconds: float) -> None:
        self.stats.latencies.append(seconds)
        self.stats.by_label.setdefault(label, []).append(seconds)

    async def request(self, method: str, path: str, label: str,
                      **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.stats.errors += 1
            self._record(label, time.perf_counter() - started)
            if len(self.stats.samples) < 5:
                self.stats.samples.append(f"{path}: {type(error).__name__}")
            return None
        self._record(label, time.perf_counter() - started)
        if response.status_code not in (200, 204):
            self.stats.errors += 1
            if len(self.stats.samples) < 5:
                self.stats.samples.append(f"{path}: HTTP {response.status_code} "
                                          f"{response.text[:120]}")
            return None
        return response

    async def login(self) -> bool:
        page = await self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        response = await self.client.post("/login", data={
            "username": self.username, "password": PASSWORD,
            "csrf_token": token.group(1) if token else ""})
        return response.status_code == 302

    async def callback(self, body: dict, label: str) -> bytes | None:
        """The callback's answer as sent (read in full; the client only looks for a
        refusal in it, so it is not parsed: parsing every answer cost the client, which
        shares the machine with the server, more CPU than all of httpx)."""
        response = await self.request("POST", "/_dash-update-component", label, json=body)
        if response is None or response.status_code == 204:
            return None
        return response.content

    async def page(self, path: str) -> bytes | None:
        return await self.callback(self.callbacks.body(
            "url", {"url.pathname": path, "url.search": "", "page-refresh.data": 0},
            changed="url.pathname", output="page-content.children"),
            "page " + re.sub(r"/\d+", "/<id>", path))

    async def task_list(self) -> None:
        await self.page("/nhiem-vu")
        await self.callback(self.callbacks.body("tasks-search", {}, changed="tasks-search.value"),
                            "task list table")

    async def dashboard(self) -> None:
        await self.page("/tong-quan")
        await self.callback(self.callbacks.body("dash-section", {},
                                                changed="dash-section.value"), "dashboard body")


async def member_loop(user: VirtualUser, tasks: list[int], until: float, rng: random.Random,
                      think: float) -> None:
    while time.monotonic() < until:
        roll = rng.random()
        if roll < 0.125:
            task_id = rng.choice(tasks)
            await user.page(f"/nhiem-vu/{task_id}")
            percent = rng.randint(10, 95)
            answer = await user.callback(user.callbacks.body(
                "progress-submit", {"progress-submit.n_clicks": 1},
                # The % only, as the form asks it of a task without a numeric target (a
                # value for such a task is refused; one with a target takes the % too).
                {"progress-task.data": task_id, "progress-period.value": "week",
                 "progress-percent.value": percent, "progress-kpi-value.value": None,
                 "progress-token.data": uuid.uuid4().hex,
                 "progress-narrative.value": "Đã triển khai thêm một phần việc trong tuần.",
                 "progress-difficulties.value": "", "progress-proposals.value": ""},
                changed="progress-submit.n_clicks"), "progress report")
            if answer and b"action-refusal" in answer:  # portal/actions.refused
                user.stats.refused += 1
            user.stats.actions["progress"] = user.stats.actions.get("progress", 0) + 1
        else:
            choice = rng.random()
            if choice < 0.4:
                await user.task_list()
            elif choice < 0.7:
                await user.page(f"/nhiem-vu/{rng.choice(tasks)}")
            else:
                await user.dashboard()
            user.stats.actions["browse"] = user.stats.actions.get("browse", 0) + 1
        await asyncio.sleep(rng.uniform(0, 2 * think))


async def reviewer_loop(user: VirtualUser, claims: list[tuple[int, int]], until: float,
                        rng: random.Random, think: float) -> None:
    while time.monotonic() < until:
        if rng.random() < 0.5 and claims:
            claim_id, version = claims.pop()
            await user.page(f"/tham-dinh/{claim_id}")
            approve = rng.random() < 0.8
            # The button opens a confirmation dialog (client side); its confirm button
            # sends the decision.
            button = "claim-approve-confirm" if approve else "claim-reject-confirm"
            answer = await user.callback(user.callbacks.body(
                button, {f"{button}.n_clicks": 1},
                {"claim-ref.data": {"id": claim_id, "version": version, "next": None},
                 "claim-reason.value": None if approve else "other",
                 "claim-reason-text.value": "" if approve else "Minh chứng chưa có chữ ký."},
                changed=f"{button}.n_clicks"), "review decision")
            if answer and b"action-refusal" in answer:  # portal/actions.refused
                user.stats.refused += 1
            user.stats.actions["review"] = user.stats.actions.get("review", 0) + 1
        else:
            if rng.random() < 0.5:
                await user.page("/tham-dinh")
            else:
                await user.task_list()
            user.stats.actions["browse"] = user.stats.actions.get("browse", 0) + 1
        await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_load(base: str, data: LoadData, seconds: float, think: float,
                   timeout: float) -> Stats:
    stats = Stats()
    users = [VirtualUser(base, name, stats, None, timeout) for name, _ in data.members] + \
            [VirtualUser(base, name, stats, None, timeout) for name, _ in data.reviewers]
    semaphore = asyncio.Semaphore(10)

    async def sign_in(user):
        async with semaphore:
            return await user.login()

    signed = await asyncio.gather(*(sign_in(u) for u in users))
    if not all(signed):
        raise RuntimeError(f"{signed.count(False)} users could not sign in")
    dependencies = (await users[0].client.get("/_dash-dependencies")).json()
    callbacks = Callbacks(dependencies)
    for user in users:
        user.callbacks = callbacks
    started = time.monotonic()
    until = started + seconds
    loops = [member_loop(user, tasks, until, random.Random(i), think)
             for i, (user, (_, tasks)) in enumerate(zip(users, data.members, strict=False))]
    for i, (user, (_, own)) in enumerate(zip(users[len(data.members):], data.reviewers,
                                             strict=True)):
        claims = list(own)
        random.Random(2026 + i).shuffle(claims)
        loops.append(reviewer_loop(user, claims, until, random.Random(1000 + i), think))
    await asyncio.gather(*loops)
    stats.seconds = time.monotonic() - started
    await asyncio.gather(*(u.client.aclose() for u in users))
    return stats


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- main ---------------------------------------------------------------------------------


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


def _written(url: str) -> tuple[int, int]:
    """Progress reports and review decisions in the database (to check the load wrote)."""
    from db.models import Review

    with make_engine(url).connect() as connection:
        return (connection.scalar(select(sa.func.count(ProgressReport.id))),
                connection.scalar(select(sa.func.count(Review.id))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between a user's actions, seconds")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--database-url", default=None,
                        help="an already built database; default: a fresh PostgreSQL schema")
    parser.add_argument("--builder", choices=["demo", "province"], default="demo")
    parser.add_argument("--copies", type=int, default=40, help="demo builder: plan copies")
    args = parser.parse_args()

    schema = None
    url = args.database_url
    if url is None:
        schema = f"load_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(sa.text(f'create schema "{schema}"'))
        url = _schema_url(schema)
        upgrade(url)
        started = time.perf_counter()
        if args.builder == "province":
            build_province(url)
        else:
            build_demo_scaled(url, copies=args.copies)
        print(f"# data built in {time.perf_counter() - started:.1f} s", flush=True)
    reviewers = max(1, args.users // 5)
    data = prepare_accounts(url, args.users - reviewers, reviewers)
    print(f"# {data.tasks} tasks, {data.reports} progress reports, {data.claims} pending "
          f"claims in {data.wards} wards; {len(data.members)} unit members, "
          f"{len(data.reviewers)} reviewers; "
          f"think time ~{args.think:.1f} s", flush=True)
    before = _written(url)
    var_dir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    process, base = start_gunicorn(url, var_dir, args.workers)
    sampler = MemorySampler(process.pid)
    sampler.start()
    try:
        stats = asyncio.run(run_load(base, data, args.seconds, args.think, args.timeout))
        elapsed = stats.seconds
    finally:
        peak = sampler.stop()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        after = _written(url)
        if schema:
            with admin.begin() as connection:
                connection.execute(sa.text(f'drop schema "{schema}" cascade'))
    total = len(stats.latencies)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(stats.actions.items()))
    print(f"# {total} requests in {elapsed:.0f} s; actions: {mix}; refusals shown to users: "
          f"{stats.refused}; saved: {after[0] - before[0]} progress reports, "
          f"{after[1] - before[1]} review decisions", flush=True)
    for label, values in sorted(stats.by_label.items()):
        print(f"# op={label.replace(' ', '_')} n={len(values)} p50={percentile(values, 0.5):.3f} "
              f"p95={percentile(values, 0.95):.3f}")
    for sample in stats.samples:
        print(f"# error: {sample}")
    print(f"load users={args.users} rps={total / elapsed:.1f} "
          f"p50={percentile(stats.latencies, 0.50):.3f} "
          f"p95={percentile(stats.latencies, 0.95):.3f} "
          f"p99={percentile(stats.latencies, 0.99):.3f} errors={stats.errors} "
          f"worker_rss_mb={peak:.0f}")


if __name__ == "__main__":
    main()
