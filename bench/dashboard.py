"""Dashboard and task list with 5,000 tasks and 50,000 progress reports.

Builds a database (SQLite by default, or --database-url), then times the domain queries
behind the dashboard, the task list and the warning list, and the rendering of the
dashboard's figures. Each figure is the best of --repeat runs; the ratio compares it with a
baseline in the same process: reading every task row once (``select * from tasks``).

    .venv/bin/python bench/dashboard.py [--tasks 5000] [--reports 50000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from db.migrate import upgrade  # noqa: E402
from db.models import (  # noqa: E402
    ClaimState,
    CompletionClaim,
    DeadlineKind,
    Plan,
    ProgressReport,
    ReportPeriod,
    Role,
    Section,
    Task,
    Unit,
    User,
    Ward,
)
from db.session import make_engine, make_session_factory  # noqa: E402
from workflow.permissions import SYSTEM


def build(url: str, tasks: int, reports: int) -> None:
    """Fills a fresh database with a large plan."""
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(57)
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with engine.begin() as connection:
        ward_id = connection.execute(insert(Ward).returning(Ward.id), {
            "code": "bench", "name": "Phường thử tải", "committee_name": "Đảng ủy",
            "office_name": "Văn phòng", "is_active": True, "created_at": now}).scalar_one()
        connection.execute(insert(Unit), [{"ward_id": ward_id, "name": f"Đơn vị số {i:02d}",
                                           "is_active": True, "created_at": now}
                                          for i in range(50)])
        unit_ids = list(connection.scalars(select(Unit.id)))
        connection.execute(insert(User), [{
            "username": f"can.bo.{i}", "full_name": f"Cán bộ {i}", "password_hash": "x",
            "role": Role.UNIT_MEMBER, "unit_id": unit_id, "is_active": True, "ward_id": ward_id,
            "session_version": 1, "created_at": now} for i, unit_id in enumerate(unit_ids)]
            + [{"username": "lanh.dao", "full_name": "Lãnh đạo", "password_hash": "x",
                "role": Role.LEADER, "unit_id": None, "is_active": True, "session_version": 1,
                "ward_id": ward_id,
                "created_at": now}])
        users = dict(connection.execute(select(User.unit_id, User.id)).all())
        plan_id = connection.execute(insert(Plan).returning(Plan.id), {
            "ward_id": ward_id, "number": "BENCH", "title": "Kế hoạch thử tải", "issuing_body": "Đảng ủy",
            "year": 2026, "start_date": date(2026, 1, 1), "end_date": date(2026, 12, 31),
            "report_cycle": "month", "reporting_day": 18, "created_at": now}).scalar_one()
        connection.execute(insert(Section), [{"plan_id": plan_id, "code": str(i),
                                              "title": f"Nhóm {i}", "position": i}
                                             for i in range(10)])
        section_ids = list(connection.scalars(select(Section.id)))
        rows = []
        for i in range(tasks):
            deadline = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 365))
            rows.append({"plan_id": plan_id, "section_id": section_ids[i % 10],
                         "code": f"T{i:05d}", "position": i, "title": f"Nhiệm vụ số {i}",
                         "required_output": "Báo cáo", "kpi_text": "100%",
                         "lead_unit_id": unit_ids[i % 50], "coordinates_all_units": False,
                         "deadline_text": "Năm 2026", "deadline_date": deadline,
                         "deadline_kind": DeadlineKind.FIXED, "basis": "", "notes": "",
                         "created_at": now, "updated_at": now})
        connection.execute(insert(Task), rows)
        tasks_rows = connection.execute(select(Task.id, Task.lead_unit_id)).all()
        batch = []
        for _ in range(reports):
            task_id, unit_id = tasks_rows[rng.randrange(len(tasks_rows))]
            created = now - timedelta(days=rng.randrange(0, 270))
            batch.append({"task_id": task_id, "unit_id": unit_id, "author_id": users[unit_id],
                          "period_kind": ReportPeriod.MONTH, "period_start": created.date(),
                          "period_label": "x", "percent_complete": rng.randrange(0, 101),
                          "narrative": "Đã thực hiện", "difficulties": "", "proposals": "",
                          "created_at": created})
            if len(batch) == 5000:
                connection.execute(insert(ProgressReport), batch)
                batch = []
        if batch:
            connection.execute(insert(ProgressReport), batch)
        claims = []
        for task_id, unit_id in rng.sample(tasks_rows, min(1000, len(tasks_rows))):
            state = rng.choice([ClaimState.APPROVED, ClaimState.REJECTED, ClaimState.PENDING])
            claims.append({"task_id": task_id, "unit_id": unit_id, "claimant_id": users[unit_id],
                           "note": "", "state": state, "version": 1, "created_at": now,
                           "decided_at": None if state == ClaimState.PENDING else now})
        connection.execute(insert(CompletionClaim), claims)


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--reports", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    started = time.perf_counter()
    build(url, args.tasks, args.reports)
    print(f"build tasks={args.tasks} reports={args.reports} seconds="
          f"{time.perf_counter() - started:.1f}")
    from portal.layouts.dashboard import dashboard_body
    from workflow.dashboard import dashboard
    from workflow.ranking import rank_units
    from workflow.status import TaskStatus
    from workflow.tasks import TaskFilter, list_tasks, status_counts
    from workflow.warning_rules import evaluate

    session = make_session_factory(make_engine(url))()
    leader = session.scalar(select(User).where(User.username == "lanh.dao"))
    unit_user = session.scalar(select(User).where(User.username == "can.bo.7"))
    as_of = date(2026, 10, 31)
    baseline = best(lambda: session.execute(select(Task)).all(), args.repeat)
    print(f"baseline_read_all_tasks seconds={baseline:.3f}")
    data = dashboard(session, actor=leader, as_of=as_of)
    ranking = rank_units(session, actor=leader, as_of=as_of)
    cases = {
        "task_list_first_page": lambda: list_tasks(session, actor=leader, limit=50),
        "task_list_status_filter": lambda: list_tasks(
            session, actor=leader, filters=TaskFilter(status=TaskStatus.IN_PROGRESS), limit=50),
        "task_list_search_page_40": lambda: list_tasks(
            session, actor=leader, filters=TaskFilter(search="số 1"), offset=2000, limit=50),
        "status_counts": lambda: status_counts(session, actor=leader),
        "dashboard_data_office": lambda: dashboard(session, actor=leader, as_of=as_of),
        "dashboard_data_unit": lambda: dashboard(session, actor=unit_user, as_of=as_of),
        "dashboard_figures_render": lambda: dashboard_body(data, ranking=ranking).to_plotly_json(),
        "warnings_evaluate": lambda: evaluate(session, actor=SYSTEM, as_of=as_of),
        "unit_ranking": lambda: rank_units(session, actor=leader, as_of=as_of),
    }
    for name, function in cases.items():
        seconds = best(function, args.repeat)
        print(f"{name} seconds={seconds:.3f} ratio_vs_baseline={seconds / baseline:.1f}",
              flush=True)
    session.close()


if __name__ == "__main__":
    main()
