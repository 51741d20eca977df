"""Builds a province's data in bulk: N wards × 100 tasks, a year of weekly progress reports,
claims with reviews, evidence rows and audit events.

PostgreSQL gets COPY, SQLite batched executemany; every id is assigned here so that nothing
round-trips per row. Used by ``bench/province.py`` and by the page-size test (small sizes).

A ward is a tenant row (``wards``) with one plan, its own units (named with the ward's
prefix), users, tasks and history; ``create_ward`` is the one place that decides what a ward
is, and every unit, user and audit event added after it belongs to that ward.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from db.base import Base

PLAN_YEAR = 2026
AS_OF = date(2026, 12, 28)  # the bench's "today": a full year of weekly reports behind it
UNITS_PER_WARD = 10
MEMBERS_PER_UNIT = 2
SECTIONS = ("I", "II", "III", "IV", "V")
UNIT_NAMES = ("Văn phòng Đảng ủy", "UBND phường", "Công an phường", "Ban Xây dựng Đảng",
              "Ủy ban MTTQ phường", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế",
              "Trung tâm Phục vụ hành chính công", "Đoàn Thanh niên", "Hội Phụ nữ")
NOW = datetime(2026, 12, 28, 3, 0, tzinfo=UTC)
PROVINCE_VIEWER = "tinh.theodoi"  # the province viewer (no ward: reads every ward)

# Column order of every table, taken from the models (COPY and executemany share it).
TABLES = ("wards", "plans", "sections", "units", "users", "tasks", "task_coordinators",
          "progress_reports", "completion_claims", "reviews", "evidence_files", "audit_events")


@dataclass
class Ward:
    """What a built ward is made of (ids), for the benchmark's choice of actors and rows."""

    index: int
    prefix: str
    plan_id: int
    ward_id: int = 0
    unit_ids: list[int] = field(default_factory=list)
    member_ids: dict[int, list[int]] = field(default_factory=dict)
    reviewer_id: int = 0
    leader_id: int = 0
    task_ids: list[int] = field(default_factory=list)


class Sink:
    """Rows per table with explicit ids, flushed in foreign-key order."""

    def __init__(self, connection: sa.Connection, *, defer_indexes: bool = False) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.next_ids: dict[str, int] = defaultdict(lambda: 1)
        self.current_ward: int | None = None
        self.counts: dict[str, int] = defaultdict(int)
        self.deferred_indexes: list[str] = []
        if self.postgres and defer_indexes:
            self._defer_indexes()

    def _defer_indexes(self) -> None:
        """PostgreSQL: the big tables' plain indexes are built once after the load (much
        faster than maintaining them row by row); unique ones stay to check the data. Only for
        a database nobody else reads meanwhile (DROP INDEX locks the whole table)."""
        for name, definition in self.connection.execute(sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename IN ('progress_reports', 'audit_events', 'evidence_files')"
                " AND indexdef NOT LIKE 'CREATE UNIQUE%'")).all():
            self.deferred_indexes.append(definition)
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')

    # Tables whose rows carry the ward they belong to (the ward being built).
    WARD_ROWS = frozenset({"units", "users", "audit_events"})

    def add(self, table: str, row: dict) -> int:
        if table in self.WARD_ROWS:
            row.setdefault("ward_id", self.current_ward)
        row_id = self.next_ids[table]
        self.next_ids[table] = row_id + 1
        row["id"] = row_id
        self.rows[table].append(row)
        return row_id

    def flush(self) -> None:
        for name in TABLES:
            rows = self.rows.pop(name, None)
            if not rows:
                continue
            self.counts[name] += len(rows)
            table = Base.metadata.tables[name]
            if self.postgres:
                self._copy(table, rows)
            else:
                self.connection.execute(table.insert(), rows)

    def _copy(self, table: sa.Table, rows: list[dict]) -> None:
        columns = [c.name for c in table.columns]
        json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row.get(c)) if c in json_columns
                                and row.get(c) is not None else row.get(c) for c in columns])

    def finish(self) -> None:
        """Sequences past the ids given here (PostgreSQL), fresh statistics."""
        self.flush()
        if self.postgres:
            for definition in self.deferred_indexes:
                self.connection.exec_driver_sql(definition)
            for name in TABLES:
                self.connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)")
            self.connection.exec_driver_sql("ANALYZE")
        else:
            self.connection.exec_driver_sql("ANALYZE")


def create_ward(sink: Sink, index: int) -> Ward:
    """Creates one ward (its tenant row and its plan); the units, users and audit events
    added next belong to it."""
    prefix = f"Phường {index + 1:03d}"
    ward_id = sink.add("wards", {
        "code": f"p{index + 1:03d}", "name": prefix, "committee_name": f"Đảng ủy {prefix}",
        "office_name": f"Văn phòng Đảng ủy {prefix}", "is_active": True, "created_at": NOW})
    sink.current_ward = ward_id
    plan_id = sink.add("plans", {
        "ward_id": ward_id, "is_pinned": False, "require_head_confirmation": False,
        "require_head_report_confirmation": False, "review_working_days": 5,
        "number": f"{index + 1:03d}-KH/ĐU", "title": f"Kế hoạch chuyển đổi số {prefix} năm "
        f"{PLAN_YEAR}", "issuing_body": f"Đảng ủy {prefix}", "year": PLAN_YEAR,
        "start_date": date(PLAN_YEAR, 1, 1), "end_date": date(PLAN_YEAR, 12, 31),
        "report_cycle": "month", "reporting_day": 18, "office_aggregation_day": 19,
        "quarterly_report_day": 30, "year_end_report_month": 12, "year_end_report_day": 15,
        "data_stamp": 0, "created_at": NOW})
    return Ward(index, prefix, plan_id, ward_id)


def _claims_pattern(rng: random.Random) -> list[str]:
    if rng.random() < 0.08:
        return []
    return ["rejected"] * rng.choice((0, 1, 1, 2, 3)) + [
        rng.choices(("approved", "pending", "rejected", "withdrawn"), (50, 28, 17, 5))[0]]


def build_ward(sink: Sink, index: int, *, tasks: int, weeks: int) -> Ward:
    """One ward's units, users, tasks, weekly reports, claims, reviews, evidence, audit."""
    rng = random.Random(index)
    ward = create_ward(sink, index)
    sections = [sink.add("sections", {"plan_id": ward.plan_id, "code": code,
                                      "title": f"Nhóm nhiệm vụ {code}", "position": n})
                for n, code in enumerate(SECTIONS)]
    for n in range(UNITS_PER_WARD):
        unit_id = sink.add("units", {"name": f"{ward.prefix} — {UNIT_NAMES[n]}",
                                     "short_name": None, "is_active": True, "created_at": NOW})
        ward.unit_ids.append(unit_id)
        ward.member_ids[unit_id] = [sink.add("users", _user(
            f"p{index + 1:03d}.dv{n}.{k}", f"Cán bộ {k + 1} — {UNIT_NAMES[n]}", "unit_member",
            unit_id)) for k in range(MEMBERS_PER_UNIT)]
    ward.reviewer_id = sink.add("users", _user(f"p{index + 1:03d}.thamdinh",
                                               f"Thẩm định {ward.prefix}", "reviewer",
                                               ward.unit_ids[0]))
    ward.leader_id = sink.add("users", _user(f"p{index + 1:03d}.lanhdao",
                                             f"Lãnh đạo {ward.prefix}", "leader", None))
    first_monday = date(PLAN_YEAR, 1, 5)
    for n in range(tasks):
        lead = ward.unit_ids[n % UNITS_PER_WARD]
        partner = ward.unit_ids[(n + 1) % UNITS_PER_WARD]
        kind, deadline = "fixed", date(PLAN_YEAR, 1 + n % 12, 28)
        if n % 20 == 7:
            kind, deadline = "recurring", date(PLAN_YEAR, 12, 31)
        elif n % 20 == 13:
            kind, deadline = "conditional", None
        section = sections[n % len(sections)]
        task_id = sink.add("tasks", {
            "plan_id": ward.plan_id, "section_id": section, "code": f"{SECTIONS[n % 5]}.{n + 1}",
            "position": n, "parent_title": None,
            "title": f"Nhiệm vụ {n + 1}: triển khai chuyển đổi số tại {ward.prefix}",
            "required_output": "Báo cáo kết quả có chữ ký", "kpi_text": "100% hồ sơ trực tuyến",
            "kpi_target": 100.0, "kpi_unit": "%", "lead_unit_id": lead,
            "coordinates_all_units": False, "deadline_text": "Năm 2026" if deadline else
            "Sau khi có hướng dẫn", "deadline_date": deadline, "deadline_kind": kind,
            "basis": "", "notes": "", "monitoring_unit": "", "task_group": "",
            "extra_fields": None, "removed_from_plan_at": None, "created_at": NOW,
            "updated_at": NOW})
        ward.task_ids.append(task_id)
        sink.add("task_coordinators", {"task_id": task_id, "unit_id": partner})
        speed = rng.uniform(0.3, 1.4)
        stalls = weeks - rng.randrange(1, 10) if rng.random() < 0.1 else weeks
        for unit_id in (lead, partner):
            author = ward.member_ids[unit_id][0]
            for week in range(stalls):
                if rng.random() < 0.03:
                    continue
                monday = first_monday + timedelta(weeks=week * 52 // max(weeks, 1))
                created = datetime(monday.year, monday.month, monday.day, 2 + week % 8,
                                   tzinfo=UTC)
                percent = min(100, round(100 * speed * (week + 1) / weeks))
                report_id = sink.add("progress_reports", {
                    "task_id": task_id, "unit_id": unit_id, "author_id": author,
                    "period_kind": "week", "period_start": monday,
                    "period_label": f"Tuần {week + 1}/{PLAN_YEAR}", "percent_complete": percent,
                    "narrative": "Đã triển khai theo kế hoạch.", "difficulties": "",
                    "proposals": "", "created_at": created})
                sink.add("audit_events", _audit(author, "progress.report", "task", task_id,
                                                {"report_id": report_id, "percent": percent},
                                                created))
        _claims(sink, rng, ward, task_id, lead)
    return ward


def _user(username: str, name: str, role: str, unit_id: int | None) -> dict:
    return {"username": username, "full_name": name, "email": None, "password_hash": "x",
            "role": role, "unit_id": unit_id, "is_active": True, "is_office_head": False,
            "session_version": 1,
            "created_at": NOW, "last_login_at": None}


def _audit(actor: int, action: str, object_type: str, object_id: int, after: dict,
           at: datetime) -> dict:
    return {"actor_id": actor, "action": action, "object_type": object_type,
            "object_id": object_id, "before": None, "after": after, "created_at": at}


def _claims(sink: Sink, rng: random.Random, ward: Ward, task_id: int, lead: int) -> None:
    claimant = ward.member_ids[lead][0]
    day = datetime(PLAN_YEAR, 3, 1, 3, tzinfo=UTC) + timedelta(days=rng.randrange(0, 120))
    for state in _claims_pattern(rng):
        created = day
        decided = created + timedelta(days=rng.randrange(1, 15), hours=2)
        if state == "pending" or decided >= NOW:
            state, decided = "pending", None
        claim_id = sink.add("completion_claims", {
            "task_id": task_id, "unit_id": lead, "claimant_id": claimant,
            "note": "Đề nghị công nhận hoàn thành.", "state": state, "version": 1,
            "created_at": created, "decided_at": decided})
        sink.add("audit_events", _audit(claimant, "claim.file", "claim", claim_id,
                                        {"state": "pending"}, created))
        for n in range(rng.choice((2, 2, 3))):
            photo = n == 0 or rng.random() < 0.3
            digest = f"{rng.getrandbits(256):064x}"
            sink.add("evidence_files", {
                "claim_id": claim_id, "task_id": task_id, "uploaded_by_id": claimant,
                "object_key": f"bench/{ward.index}/{claim_id}/{n}-{digest[:12]}",
                "thumbnail_key": None, "original_name": f"minh-chung-{n + 1}."
                + ("jpg" if photo else "pdf"),
                "content_type": "image/jpeg" if photo else "application/pdf",
                "size_bytes": rng.randrange(50_000, 5_000_000), "sha256": digest,
                "kind": "photo" if photo else "signed_document", "document_date": None,
                "captured_at": created - timedelta(days=2) if photo else None,
                "phash": f"{rng.getrandbits(64):016x}" if photo else None,
                "pdf_pages": None if photo else 2, "pdf_signed": None if photo else False,
                "pdf_encrypted": None if photo else False, "pdf_active_content": None,
                "pdf_signatures": None, "derived": {}, "created_at": created})
        if decided is not None and state != "withdrawn":
            reject = state == "rejected"
            sink.add("reviews", {
                "claim_id": claim_id, "reviewer_id": ward.reviewer_id,
                "decision": "reject" if reject else "approve",
                "reason_code": "unclear" if reject else None,
                "reason_text": "Ảnh chưa rõ sản phẩm." if reject else "",
                "quality_rating": None, "created_at": decided})
            sink.add("audit_events", _audit(ward.reviewer_id, "claim.reject"
                                            if reject else "claim.approve", "claim", claim_id,
                                            {"state": state}, decided))
        if decided is None:
            break
        day = decided + timedelta(days=rng.randrange(2, 20))


def build_province(connection: sa.Connection, *, wards: int, tasks: int = 100,
                   weeks: int = 52, flush_every: int = 5,
                   defer_indexes: bool = False) -> tuple[list[Ward], dict[str, int]]:
    """Builds ``wards`` wards into a migrated, empty database, and one province viewer
    (``PROVINCE_VIEWER``, no ward); returns the wards and row counts."""
    sink = Sink(connection, defer_indexes=defer_indexes)
    built = []
    for index in range(wards):
        built.append(build_ward(sink, index, tasks=tasks, weeks=weeks))
        if (index + 1) % flush_every == 0:
            sink.flush()
    sink.current_ward = None
    sink.add("users", _user(PROVINCE_VIEWER, "Theo dõi toàn tỉnh", "province_viewer", None))
    sink.finish()
    return built, dict(sink.counts)
