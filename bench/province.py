"""A province's load: 100 wards × 100 tasks, a year of weekly reports, and every page's data
function timed against the bare SQL that gives the same answer.

    .venv/bin/python bench/province.py [--database-url URL] [--scale full|tenth|both]

Without --database-url each scale gets a fresh schema on PostgreSQL at 127.0.0.1:5432/test
(dropped at the end unless --keep); a sqlite:/// URL works too (one file per scale, the
scale's name appended). For each scale it prints the build's row counts and seconds, then
one line per operation:

    op=NAME scale=full seconds=T baseline_seconds=B ratio=R statements=N

T is the best of --repeat calls of the data function (the warning list's cache emptied
before each call, except for ``warnings_cached``); B the best of as many runs, interleaved
with them, of hand-written SQL returning the same answer through the DBAPI (no ORM); both
after WARM_RUNS untimed runs each, the steady state of a worker that has served the page
before. N the SQL statements the data function issued (counted with a
``before_cursor_execute`` listener).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402

from bench.builder import AS_OF, PROVINCE_VIEWER, Ward, build_province  # noqa: E402
from bench.dashboard import best  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import ClaimState, CompletionClaim, EvidenceFile, User  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCALES = {"full": 100, "tenth": 10}
WARM_RUNS = 12
LOCAL = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving


class Counter:
    """Counts the SQL statements sent through an engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _fresh_database(url: str | None, scale: str) -> tuple[str, callable]:
    if url and url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path = path.with_name(f"{path.stem}-{scale}{path.suffix or '.db'}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: None
    base = url or PG_URL
    schema = f"bench_{scale}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


def _ts(engine: sa.Engine, value: datetime):
    """A timestamp parameter for bare SQL as each backend stores it."""
    if engine.dialect.name == "sqlite":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, dtime.min, tzinfo=UTC) - LOCAL


# The office's view of a claim: one with (or returned by) the unit head, or withdrawn, does
# not count (workflow/status.py).
STATUS_SQL = """CASE (SELECT c.state FROM completion_claims c WHERE c.task_id = t.id
      AND c.state IN ('pending', 'approved', 'rejected') ORDER BY c.id DESC LIMIT 1)
    WHEN 'pending' THEN 'pending_review' WHEN 'approved' THEN 'completed'
    WHEN 'rejected' THEN 'not_completed'
    ELSE CASE WHEN EXISTS (SELECT 1 FROM progress_reports r WHERE r.task_id = t.id)
      THEN 'in_progress' ELSE 'not_started' END END"""
PERCENT_SQL = """(SELECT r.percent_complete FROM progress_reports r WHERE r.task_id = t.id
    ORDER BY r.id DESC LIMIT 1)"""
KPI_SQL = """(SELECT r.kpi_value FROM progress_reports r WHERE r.task_id = t.id
    AND r.kpi_value IS NOT NULL ORDER BY r.id DESC LIMIT 1)"""
APPROVED_SQL = """(SELECT c.decided_at FROM completion_claims c WHERE c.task_id = t.id
    AND c.state = 'approved' ORDER BY c.id DESC LIMIT 1)"""


def _task_list_sql(where: str) -> list[tuple[str, dict]]:
    """The task list's count and first page; ``where`` starts with the plan (the ward)."""
    base = f"""FROM tasks t JOIN sections s ON s.id = t.section_id
        LEFT JOIN units u ON u.id = t.lead_unit_id
        WHERE t.removed_from_plan_at IS NULL {where}"""
    return [(f"SELECT count(*) {base}", {}),
            (f"""SELECT t.id, t.code, t.title, s.code, u.name, t.deadline_text, t.deadline_date,
                {STATUS_SQL} AS status, {PERCENT_SQL}, {APPROVED_SQL} {base}
                ORDER BY t.position, t.id LIMIT 50""", {})]


def operations(session, engine: sa.Engine, ward: Ward, wards: list[Ward]) -> list[tuple]:
    """(name, data function, bare SQL statements) for every page's data."""
    from workflow import audit_search, reviews
    from workflow.dashboard import dashboard
    from workflow.ranking import rank_units
    from workflow.reports.province import report_lines
    from workflow.status import TaskStatus
    from workflow.tasks import TaskFilter, list_tasks, status_counts
    from workflow.wards import province_page, ward_figures
    from workflow.warning_rules import clear_cache, evaluate, period_for

    # Every ward actor is of ``ward``: the data functions scope to it, the bare SQL too.
    leader = session.get(User, ward.leader_id)
    reviewer = session.get(User, ward.reviewer_id)
    unit_id = ward.unit_ids[1]
    member = session.get(User, ward.member_ids[unit_id][0])
    section_id = session.scalar(text("SELECT min(id) FROM sections WHERE plan_id = :p"),
                                {"p": ward.plan_id})
    as_of = AS_OF
    plan = f"AND t.plan_id = {ward.plan_id}"
    cutoff = _ts(engine, _local_midnight(as_of + timedelta(days=1)))
    status_where = f"{plan} AND ({STATUS_SQL}) = 'in_progress'"
    overdue_where = (f"{plan} AND t.deadline_date IS NOT NULL AND t.deadline_date < :d "
                     f"AND ({STATUS_SQL}) <> 'completed'")
    member_where = f"""{plan} AND (t.lead_unit_id = {unit_id} OR t.coordinates_all_units
        OR t.id IN (SELECT task_id FROM task_coordinators WHERE unit_id = {unit_id}))"""
    # The same shape at both scales: a pending claim with one photo and one PDF.
    files = (select(func.count()).where(EvidenceFile.claim_id == CompletionClaim.id)
             .correlate(CompletionClaim).scalar_subquery())
    photos = (select(func.count()).where(EvidenceFile.claim_id == CompletionClaim.id,
                                          EvidenceFile.phash.is_not(None))
              .correlate(CompletionClaim).scalar_subquery())
    pending = session.scalar(select(CompletionClaim.id).where(
        CompletionClaim.state == ClaimState.PENDING, files == 2, photos == 1,
        CompletionClaim.task_id.in_(ward.task_ids)).order_by(CompletionClaim.id).limit(1))
    period = period_for(as_of, "month")
    due = _ts(engine, _local_midnight(date(as_of.year, as_of.month, 19)))
    period_start = _ts(engine, _local_midnight(period.start))
    warn_sql = """SELECT t.id, t.code, t.title, t.lead_unit_id, u.name, t.deadline_text,
        t.deadline_date, t.deadline_kind,
        (SELECT CASE WHEN c.decided_at IS NOT NULL AND c.decided_at < :cut THEN c.state
                ELSE 'pending' END FROM completion_claims c WHERE c.task_id = t.id
           AND c.created_at < :cut AND NOT (c.decided_at IS NOT NULL AND c.decided_at < :cut
           AND c.state = 'withdrawn') ORDER BY c.id DESC LIMIT 1),
        (SELECT r.percent_complete FROM progress_reports r WHERE r.task_id = t.id
           AND r.created_at < :cut ORDER BY r.id DESC LIMIT 1),
        EXISTS (SELECT 1 FROM progress_reports r WHERE r.task_id = t.id
           AND r.created_at >= :ps AND r.created_at < :due),
        t.kpi_target, t.kpi_unit, CASE WHEN t.kpi_target IS NOT NULL THEN
          (SELECT r.kpi_value FROM progress_reports r WHERE r.task_id = t.id
           AND r.created_at < :cut AND r.kpi_value IS NOT NULL ORDER BY r.id DESC LIMIT 1) END
        FROM tasks t LEFT JOIN units u ON u.id = t.lead_unit_id
        WHERE t.plan_id = :plan AND t.removed_from_plan_at IS NULL ORDER BY t.position"""
    warn_params = {"cut": cutoff, "ps": period_start, "due": due, "plan": ward.plan_id}
    status_group_sql = f"""SELECT st, count(*), sum(CASE WHEN dl IS NOT NULL AND dl < :d
        AND st <> 'completed' THEN 1 ELSE 0 END) FROM (SELECT {STATUS_SQL} AS st,
        t.deadline_date AS dl FROM tasks t WHERE t.removed_from_plan_at IS NULL {{w}}) x
        GROUP BY st"""
    dashboard_rows_sql = f"""SELECT t.id, t.code, t.title, t.deadline_date, t.lead_unit_id,
        u.name, t.section_id, s.code, s.title, {STATUS_SQL}, {PERCENT_SQL},
        t.kpi_target, t.kpi_unit, {KPI_SQL}
        FROM tasks t JOIN sections s ON s.id = t.section_id
        LEFT JOIN units u ON u.id = t.lead_unit_id WHERE t.removed_from_plan_at IS NULL {{w}}"""
    approvals_sql = """SELECT c.decided_at FROM completion_claims c JOIN tasks t
        ON t.id = c.task_id WHERE c.state = 'approved' AND t.removed_from_plan_at IS NULL {w}"""
    month_bounds = []
    for month in range(1, 13):
        start = _local_midnight(date(as_of.year, month, 1))
        if date(as_of.year, month, 18) <= as_of:
            month_bounds.append(start)
    bucket = "CASE " + " ".join(
        f"WHEN r.created_at >= '{_ts(engine, b) if engine.dialect.name == 'sqlite' else b.isoformat()}' "
        f"THEN {len(month_bounds) - i}" for i, b in enumerate(reversed(month_bounds))) + " END"
    ranking_sql = [
        ("""SELECT t.id, t.lead_unit_id, t.deadline_date FROM tasks t WHERE t.plan_id = :plan
            AND t.removed_from_plan_at IS NULL AND t.lead_unit_id IS NOT NULL""",
         {"plan": ward.plan_id}),
        ("""SELECT c.task_id, c.state, c.decided_at FROM completion_claims c JOIN tasks t
            ON t.id = c.task_id WHERE t.plan_id = :plan AND c.created_at < :cut
            AND c.decided_at < :cut AND c.state IN ('approved', 'rejected') ORDER BY c.id""",
         {"plan": ward.plan_id, "cut": cutoff}),
        (f"""SELECT r.task_id, {bucket} AS m, min(r.created_at) FROM progress_reports r
            JOIN tasks t ON t.id = r.task_id WHERE t.plan_id = :plan AND r.created_at < :cut
            AND r.created_at >= :first GROUP BY r.task_id, m""",
         {"plan": ward.plan_id, "cut": cutoff,
          "first": _ts(engine, month_bounds[0])}),
        ("""SELECT wr.unit_id, count(*) FROM warning_rows wr JOIN warning_lists wl
            ON wl.id = wr.warning_list_id WHERE wl.plan_id = :plan AND wr.unit_id IS NOT NULL
            GROUP BY wr.unit_id""", {"plan": ward.plan_id}),
        ("SELECT id, name FROM units WHERE ward_id = :w", {"w": ward.ward_id}),
    ]
    queue_sql = [
        ("""SELECT count(*) FROM completion_claims c JOIN tasks t ON t.id = c.task_id
            WHERE c.state = 'pending' AND t.plan_id = :plan""", {"plan": ward.plan_id}),
        ("""SELECT c.id, c.version, c.task_id, t.code, t.title, u.name, c.created_at,
            (SELECT count(*) FROM evidence_files e WHERE e.claim_id = c.id)
            FROM completion_claims c JOIN tasks t ON t.id = c.task_id
            JOIN units u ON u.id = c.unit_id WHERE c.state = 'pending' AND t.plan_id = :plan
            ORDER BY c.created_at, c.id LIMIT 50""", {"plan": ward.plan_id}),
    ]
    # The claim page shows the claim and its files, the task's history (every claim with its
    # claimant, decision or return, and the head's confirmation) and its files, the next
    # claim, files of the same content elsewhere in the ward and near-duplicate photos (two
    # of the eight hash bytes shared, the exact distance checked on the few found).
    photo_hash = session.scalar(select(EvidenceFile.phash).where(
        EvidenceFile.claim_id == pending, EvidenceFile.phash.is_not(None)))
    ward_tasks = """SELECT t2.id FROM tasks t2 JOIN plans p2 ON p2.id = t2.plan_id
        WHERE p2.ward_id = :w"""
    chunks = [f"substr(e.phash, {2 * n + 1}, 2)" for n in range(8)]
    near = {f"b{n}": photo_hash[2 * n:2 * n + 2] for n in range(8)}
    claim_sql = [
        ("""SELECT c.*, t.code, t.title, t.required_output, t.kpi_text, t.deadline_text,
            t.deadline_date, t.lead_unit_id, t.plan_id, p.ward_id, p.start_date, p.end_date,
            u.name, m.full_name FROM completion_claims c
            JOIN tasks t ON t.id = c.task_id JOIN plans p ON p.id = t.plan_id
            JOIN units u ON u.id = c.unit_id JOIN users m ON m.id = c.claimant_id
            WHERE c.id = :id""", {"id": pending}),
        ("SELECT * FROM evidence_files WHERE claim_id = :id ORDER BY id", {"id": pending}),
        ("""SELECT c.id, c.created_at, c.state, c.follows_claim_id, m.full_name, c.decided_at,
            r.decision, r.reason_code, r.reason_text, r.created_at, rv.full_name,
            rb.full_name, c.return_reason, h.full_name, cc.confirmed_at, cc.note, cc.files
            FROM completion_claims c JOIN users m ON m.id = c.claimant_id
            LEFT JOIN users rb ON rb.id = c.returned_by_id
            LEFT JOIN reviews r ON r.claim_id = c.id LEFT JOIN users rv ON rv.id = r.reviewer_id
            LEFT JOIN claim_confirmations cc ON cc.claim_id = c.id
            LEFT JOIN users h ON h.id = cc.head_id
            WHERE c.task_id = (SELECT task_id FROM completion_claims WHERE id = :id)
            ORDER BY c.id""", {"id": pending}),
        ("""SELECT e.claim_id, e.original_name, e.sha256 FROM evidence_files e
            WHERE e.task_id = (SELECT task_id FROM completion_claims WHERE id = :id)
            AND e.claim_id IS NOT NULL ORDER BY e.id""", {"id": pending}),
        ("""SELECT c.id FROM completion_claims c JOIN tasks t ON t.id = c.task_id
            WHERE c.state = 'pending' AND c.id <> :id AND t.plan_id = :plan
            ORDER BY c.created_at, c.id LIMIT 1""", {"id": pending, "plan": ward.plan_id}),
        (f"""SELECT e.id, e.sha256, e.task_id FROM evidence_files e
            WHERE e.sha256 IN (SELECT sha256 FROM evidence_files WHERE claim_id = :id)
            AND e.claim_id IS NOT NULL AND e.task_id IN ({ward_tasks})""",
         {"id": pending, "w": ward.ward_id}),
        (f"""SELECT e.task_id, e.phash FROM evidence_files e
            WHERE ({" OR ".join(f"{c} = :b{n}" for n, c in enumerate(chunks))})
            AND e.phash IS NOT NULL AND e.claim_id IS NOT NULL AND e.claim_id <> :id
            AND e.task_id IN ({ward_tasks}) AND ({" + ".join(
                f"CASE WHEN {c} = :b{n} THEN 1 ELSE 0 END" for n, c in enumerate(chunks))}) >= 2""",
         {"id": pending, "w": ward.ward_id, **near}),
    ]
    in_ward = {"w": ward.ward_id}
    audit_sql = [
        ("SELECT count(*) FROM audit_events a WHERE a.ward_id = :w", in_ward),
        ("""SELECT a.*, u.full_name FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
            WHERE a.ward_id = :w ORDER BY a.id DESC LIMIT 50""", in_ward),
    ]
    audit_filtered_sql = [
        ("""SELECT count(*) FROM audit_events a WHERE a.ward_id = :w
            AND a.action = 'claim.reject'""", in_ward),
        ("""SELECT a.*, u.full_name FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
            WHERE a.ward_id = :w AND a.action = 'claim.reject' ORDER BY a.id DESC LIMIT 50""",
         in_ward),
    ]
    export_sql = [
        (f"""SELECT t.id, t.code, t.title, t.kpi_text, t.deadline_date, u.name, {STATUS_SQL},
            {PERCENT_SQL}, {KPI_SQL}, t.kpi_target, t.kpi_unit FROM tasks t
            LEFT JOIN units u ON u.id = t.lead_unit_id WHERE t.plan_id = :plan
            AND t.removed_from_plan_at IS NULL ORDER BY t.position""", {"plan": ward.plan_id}),
        ("""SELECT e.id, e.task_id, e.original_name, e.object_key, e.sha256, e.size_bytes,
            c.decided_at FROM evidence_files e JOIN completion_claims c
            ON c.id = e.claim_id JOIN tasks t ON t.id = c.task_id WHERE c.state = 'approved'
            AND t.plan_id = :plan ORDER BY e.id""", {"plan": ward.plan_id}),
    ]

    # The province viewer (no ward) over every ward: the province dashboard's figures.
    viewer = session.scalar(select(User).where(User.username == PROVINCE_VIEWER))
    open_claim = "(c.state IS NULL OR c.state <> 'approved')"
    province_params = {"d": as_of, "ms": _ts(engine, _local_midnight(as_of.replace(day=1)))}
    province_sql = [
        (f"""SELECT w.id, w.code, w.name, p.id, p.year, count(t.id),
            sum(CASE WHEN c.state = 'approved' THEN 1 ELSE 0 END),
            sum(CASE WHEN c.state = 'approved' AND (t.deadline_date IS NULL
                OR date(c.decided_at) <= t.deadline_date) THEN 1 ELSE 0 END),
            sum(CASE WHEN {open_claim} AND t.deadline_date < :d THEN 1 ELSE 0 END),
            sum(CASE WHEN {open_claim} THEN 1 ELSE 0 END),
            sum(CASE WHEN {open_claim} AND r.task_id IS NOT NULL THEN 1 ELSE 0 END),
            sum(CASE WHEN c.state = 'pending' THEN 1 ELSE 0 END)
            FROM wards w JOIN plans p ON p.ward_id = w.id
            JOIN tasks t ON t.plan_id = p.id AND t.removed_from_plan_at IS NULL
            LEFT JOIN (SELECT task_id, max(id) AS id FROM completion_claims
                       WHERE state <> 'withdrawn' GROUP BY task_id) n ON n.task_id = t.id
            LEFT JOIN completion_claims c ON c.id = n.id
            LEFT JOIN (SELECT task_id FROM progress_reports WHERE created_at >= :ms
                       GROUP BY task_id) r ON r.task_id = t.id
            GROUP BY w.id, w.code, w.name, p.id, p.year""", province_params),
        ("""SELECT wl.ward_id, count(wr.id) FROM warning_lists wl
            JOIN warning_rows wr ON wr.warning_list_id = wl.id
            WHERE wl.id IN (SELECT max(id) FROM warning_lists GROUP BY plan_id)
            GROUP BY wl.ward_id""", {}),
    ]
    _check_province(session, wards, ward_figures(session, actor=viewer, as_of=as_of),
                    province_sql)

    def province_dashboard_page():
        # What portal/pages/province.py computes: the sorted page with the ranks and totals.
        province_page(session, actor=viewer, as_of=as_of)

    def uncached(function):
        def run():
            clear_cache()
            return function()
        return run

    d = {"d": as_of}
    ops = [
        ("task_list", lambda: list_tasks(session, actor=leader, limit=50, as_of=as_of),
         _task_list_sql(plan)),
        ("task_list_unit", lambda: list_tasks(session, actor=leader, limit=50, as_of=as_of,
                                              filters=TaskFilter(unit_id=unit_id)),
         _task_list_sql(f"{plan} AND t.lead_unit_id = {unit_id}")),
        ("task_list_section", lambda: list_tasks(session, actor=leader, limit=50, as_of=as_of,
                                                 filters=TaskFilter(section_id=section_id)),
         _task_list_sql(f"{plan} AND t.section_id = {section_id}")),
        ("task_list_status", lambda: list_tasks(
            session, actor=leader, limit=50, as_of=as_of,
            filters=TaskFilter(status=TaskStatus.IN_PROGRESS)), _task_list_sql(status_where)),
        ("task_list_overdue", lambda: list_tasks(session, actor=leader, limit=50, as_of=as_of,
                                                 filters=TaskFilter(overdue_only=True)),
         [(q, d) for q, _ in _task_list_sql(overdue_where)]),
        ("task_list_deadline", lambda: list_tasks(
            session, actor=leader, limit=50, as_of=as_of,
            filters=TaskFilter(deadline_from=date(2026, 6, 1), deadline_to=date(2026, 6, 30))),
         [(q, {"a": date(2026, 6, 1), "b": date(2026, 6, 30)}) for q, _ in _task_list_sql(
             f"{plan} AND t.deadline_date >= :a AND t.deadline_date <= :b")]),
        ("task_list_search", lambda: list_tasks(session, actor=leader, limit=50, as_of=as_of,
                                                filters=TaskFilter(search="nhiệm vụ 42:")),
         [(q, {"n": "%nhiệm vụ 42:%"}) for q, _ in _task_list_sql(
             f"{plan} AND (lower(t.title) LIKE :n OR lower(t.code) LIKE :n "
             "OR lower(t.required_output) LIKE :n OR lower(t.kpi_text) LIKE :n)")]),
        ("task_list_member", lambda: list_tasks(session, actor=member, limit=50, as_of=as_of),
         _task_list_sql(member_where)),
        ("status_counts", lambda: status_counts(session, actor=leader, as_of=as_of),
         [(status_group_sql.format(w=plan), d)]),
        ("status_counts_member", lambda: status_counts(session, actor=member, as_of=as_of),
         [(status_group_sql.format(w=member_where), d)]),
        ("dashboard", uncached(lambda: dashboard(session, actor=leader, as_of=as_of)),
         [(dashboard_rows_sql.format(w=plan), {}), (approvals_sql.format(w=plan), {}),
          (warn_sql, warn_params)]),
        ("dashboard_member", uncached(lambda: dashboard(session, actor=member, as_of=as_of)),
         [(dashboard_rows_sql.format(w=member_where), {}),
          (approvals_sql.format(w=member_where), {}), (warn_sql, warn_params)]),
        ("warnings", uncached(lambda: evaluate(session, actor=leader, as_of=as_of)),
         [(warn_sql, warn_params)]),
        ("warnings_cached", lambda: evaluate(session, actor=leader, as_of=as_of),
         [(warn_sql, warn_params)]),
        ("ranking", lambda: rank_units(session, actor=leader, as_of=as_of), ranking_sql),
        ("review_queue", lambda: reviews.queue_page(session, actor=reviewer, limit=50),
         queue_sql),
        ("claim_page", lambda: reviews.claim_view(session, actor=reviewer, claim_id=pending),
         claim_sql),
        ("audit_page", lambda: audit_search.list_events(session, actor=reviewer, limit=50),
         audit_sql),
        ("audit_page_filtered", lambda: audit_search.list_events(
            session, actor=reviewer, limit=50,
            filters=audit_search.AuditFilter(action="claim.reject")), audit_filtered_sql),
        ("export_province_report", lambda: report_lines(session, actor=reviewer), export_sql),
        # portal/pages/province_ranking.py: ward_figures, the same function as the dashboard.
        ("province_dashboard", lambda: ward_figures(session, actor=viewer, as_of=as_of),
         province_sql),
        ("province_ranking", lambda: ward_figures(session, actor=viewer, as_of=as_of),
         province_sql),
        ("province_dashboard_page", province_dashboard_page, province_sql),
    ]
    return ops


def _check_province(session, wards: list[Ward], figures: list, bare: list[tuple]) -> None:
    """The province baseline gives ward_figures' figures (every built ward, one plan each)."""
    (lines_sql, params), (warned_sql, _) = bare
    warned = dict(session.execute(text(warned_sql)).all())
    expected = {row[0]: tuple(row[1:5]) + tuple(int(v or 0) for v in row[5:])
                + (warned.get(row[0], 0),) for row in session.execute(text(lines_sql), params)}
    got = {f.ward_id: (f.code, f.name, f.plan_id, f.plan_year, f.tasks, f.completed,
                       f.completed_on_time, f.overdue, f.open_tasks, f.reported,
                       f.claims_waiting, f.warned) for f in figures}
    if len(got) != len(wards) or got != expected:
        different = sorted(k for k in got.keys() | expected.keys()
                           if got.get(k) != expected.get(k))[:3]
        raise AssertionError("province baseline differs from ward_figures: " + "; ".join(
            f"ward {k}: {got.get(k)} vs {expected.get(k)}" for k in different))


def build(url: str, wards: int = SCALES["full"]) -> list[Ward]:
    """The province's data into a migrated, empty database (bench/load.py's ``--builder
    province``); the ward accounts have no usable password, load.py gives its own."""
    engine = make_engine(url)
    with engine.begin() as connection:
        built, _ = build_province(connection, wards=wards, defer_indexes=True)
    engine.dispose()
    return built


def run_scale(url: str | None, scale: str, repeat: int, keep: bool) -> None:
    db_url, drop = _fresh_database(url, scale)
    try:
        upgrade(db_url)
        engine = make_engine(db_url)
        started = time.perf_counter()
        with engine.begin() as connection:
            wards, counts = build_province(connection, wards=SCALES[scale],
                                           defer_indexes=True)
        built = time.perf_counter() - started
        print(f"build scale={scale} backend={engine.dialect.name} seconds={built:.1f} "
              f"load_average={os.getloadavg()[0]:.1f} "
              + " ".join(f"{name}={count}" for name, count in counts.items()), flush=True)
        counter = Counter(engine)
        session = make_session_factory(engine)()
        # The portal works on the newest plan: the last ward built.
        ops = operations(session, engine, wards[-1], wards)
        with engine.connect() as connection:
            for name, function, bare in ops:
                before = counter.count
                function()
                statements = counter.count - before

                prepared = []
                for sql, params in bare:
                    statement = text(sql).bindparams(**{
                        k: v for k, v in params.items() if f":{k}" in sql}).compile(
                        dialect=engine.dialect)
                    values = statement.construct_params()
                    if statement.positional:
                        values = tuple(values[k] for k in statement.positiontup)
                    prepared.append((str(statement), values))

                def baseline(prepared=prepared) -> None:
                    raw = connection.connection.driver_connection
                    for sql, values in prepared:
                        cursor = raw.cursor()
                        cursor.execute(sql, values)
                        cursor.fetchall()
                        cursor.close()

                # Both sides as a long-running worker runs them: psycopg prepares a
                # statement on its 5th run, and PostgreSQL settles on a generic plan (or
                # keeps planning each call) after 5 more.
                for _ in range(WARM_RUNS):
                    function()
                    baseline()
                # Interleaved, best of each: a busy neighbour slows both alike.
                seconds = base = float("inf")
                for _ in range(repeat):
                    seconds = min(seconds, best(function, 1))
                    base = min(base, best(baseline, 1))
                print(f"op={name} scale={scale} seconds={seconds:.4f} "
                      f"baseline_seconds={base:.4f} ratio={seconds / base:.2f} "
                      f"statements={statements}", flush=True)
        session.close()
        engine.dispose()
    finally:
        if not keep:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--scale", choices=("both", "full", "tenth"), default="both")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schemas")
    args = parser.parse_args()
    scales = ("full", "tenth") if args.scale == "both" else (args.scale,)
    for scale in scales:
        run_scale(args.database_url, scale, args.repeat, args.keep)


if __name__ == "__main__":
    main()
