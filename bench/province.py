"""Province dashboard at province scale: 100 wards × 100 tasks, a year of reports.

Builds a database (SQLite by default, or --database-url), then times the province figures
(``workflow.wards.ward_figures``: every ward's current plan, GROUP BY ward) and counts the
SQL statements they take; the baseline is reading every task row once.

    .venv/bin/python bench/province.py [--wards 100] [--tasks 100] [--reports 100000]
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

from sqlalchemy import event, insert, select  # noqa: E402

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


def build(url: str, wards: int, tasks: int, reports: int) -> None:
    """Fills a fresh database with ``wards`` wards, each with a plan of ``tasks`` tasks."""
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(13)
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(User), [{
            "username": "tinh", "full_name": "Ban Chỉ đạo tỉnh", "password_hash": "x",
            "role": Role.PROVINCE_VIEWER, "is_active": True, "session_version": 1,
            "created_at": now}])
        all_tasks = []
        for w in range(wards):
            ward_id = connection.execute(insert(Ward).returning(Ward.id), {
                "code": f"xa-{w:03d}", "name": f"Xã số {w:03d}", "committee_name": "Đảng ủy",
                "office_name": "Văn phòng", "is_active": True,
                "created_at": now}).scalar_one()
            unit_ids = list(connection.scalars(insert(Unit).returning(Unit.id), [
                {"ward_id": ward_id, "name": f"Đơn vị {i}", "is_active": True,
                 "created_at": now} for i in range(10)]))
            user_ids = list(connection.scalars(insert(User).returning(User.id), [
                {"ward_id": ward_id, "username": f"cb.{w}.{i}", "full_name": "Cán bộ",
                 "password_hash": "x", "role": Role.UNIT_MEMBER, "unit_id": unit_id,
                 "is_active": True, "session_version": 1, "created_at": now}
                for i, unit_id in enumerate(unit_ids)]))
            plan_id = connection.execute(insert(Plan).returning(Plan.id), {
                "ward_id": ward_id, "number": "KH-2026", "title": "Kế hoạch",
                "issuing_body": "Đảng ủy", "year": 2026, "start_date": date(2026, 1, 1),
                "end_date": date(2026, 12, 31), "report_cycle": "month", "reporting_day": 18,
                "created_at": now}).scalar_one()
            section_id = connection.execute(insert(Section).returning(Section.id), {
                "plan_id": plan_id, "code": "I", "title": "Nhóm", "position": 0}).scalar_one()
            ids = list(connection.scalars(insert(Task).returning(Task.id), [{
                "plan_id": plan_id, "section_id": section_id, "code": f"T{i:03d}",
                "position": i, "title": f"Nhiệm vụ {i}", "required_output": "",
                "kpi_text": "", "lead_unit_id": unit_ids[i % 10],
                "coordinates_all_units": False, "deadline_text": "Năm 2026",
                "deadline_date": date(2026, 1, 1) + timedelta(days=rng.randrange(365)),
                "deadline_kind": DeadlineKind.FIXED, "basis": "", "notes": "",
                "created_at": now, "updated_at": now} for i in range(tasks)]))
            all_tasks += [(task_id, unit_ids[i % 10], user_ids[i % 10])
                          for i, task_id in enumerate(ids)]
        batch = []
        for _ in range(reports):
            task_id, unit_id, user_id = all_tasks[rng.randrange(len(all_tasks))]
            created = now + timedelta(days=30) - timedelta(days=rng.randrange(0, 300))
            batch.append({"task_id": task_id, "unit_id": unit_id, "author_id": user_id,
                          "period_kind": ReportPeriod.MONTH, "period_start": created.date(),
                          "period_label": "x", "percent_complete": rng.randrange(101),
                          "narrative": "", "difficulties": "", "proposals": "",
                          "created_at": created})
            if len(batch) == 10000:
                connection.execute(insert(ProgressReport), batch)
                batch = []
        if batch:
            connection.execute(insert(ProgressReport), batch)
        claims = []
        for task_id, unit_id, user_id in rng.sample(all_tasks, len(all_tasks) // 3):
            state = rng.choice([ClaimState.APPROVED, ClaimState.REJECTED, ClaimState.PENDING])
            claims.append({"task_id": task_id, "unit_id": unit_id, "claimant_id": user_id,
                           "note": "", "state": state, "version": 1, "created_at": now,
                           "decided_at": None if state == ClaimState.PENDING else now})
        connection.execute(insert(CompletionClaim), claims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'province.db'}"
    started = time.perf_counter()
    build(url, args.wards, args.tasks, args.reports)
    print(f"build wards={args.wards} tasks={args.wards * args.tasks} reports={args.reports} "
          f"seconds={time.perf_counter() - started:.1f}")
    from workflow.wards import province_page, ward_figures

    engine = make_engine(url)
    session = make_session_factory(engine)()
    viewer = session.scalar(select(User).where(User.username == "tinh"))
    as_of = date(2026, 10, 31)

    def best(function) -> float:
        times = []
        for _ in range(args.repeat):
            begun = time.perf_counter()
            function()
            times.append(time.perf_counter() - begun)
        return min(times)

    baseline = best(lambda: session.execute(select(Task)).all())
    print(f"baseline_read_all_tasks seconds={baseline:.3f}")
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *_: statements.append(1))
    lines = ward_figures(session, actor=viewer, as_of=as_of)
    print(f"ward_figures statements={len(statements)} wards={len(lines)}")
    for name, function in {
        "ward_figures": lambda: ward_figures(session, actor=viewer, as_of=as_of),
        "province_page_sorted_filtered": lambda: province_page(
            session, actor=viewer, as_of=as_of, search="số 0", sort="overdue",
            descending=True, limit=50),
    }.items():
        seconds = best(function)
        print(f"{name} seconds={seconds:.3f} ratio_vs_baseline={seconds / baseline:.1f}",
              flush=True)
    session.close()


if __name__ == "__main__":
    main()
