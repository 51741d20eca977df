"""Demo data: a small province — the Phước Bình ward's plan appendix, one account per role
and some progress, plus a few wards generated from the same appendix with varied progress,
and the province accounts.

Loading is idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ClaimState, ProgressReport, Role, Task, User, Ward
from workflow import accounts, holidays, progress, units, wards
from workflow.clock import LOCAL_TZ
from workflow.periods import period_of
from workflow.permissions import SYSTEM, SystemActor
from workflow.plans import PlanInfo, apply_import, new_unit_names

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PLAN_FILE = DEMO_DIR / "ke-hoach-phuoc-binh-2026.xlsx"
DEMO_PLAN = PlanInfo(
    number="KH/ĐU-2026",
    title=("Kế hoạch triển khai thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá "
           "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia trên "
           "địa bàn phường năm 2026"),
    issuing_body="Đảng ủy phường Phước Bình",
    year=2026,
    start_date=date(2026, 1, 1),
    end_date=date(2026, 12, 31),
)


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: printed at start-up and listed in the README."""

    username: str
    password: str
    full_name: str
    role: Role
    unit: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("quantri", "QuanTri@2026", "Nguyễn Văn Quản", Role.ADMIN),
    DemoAccount("thamdinh", "ThamDinh@2026", "Trần Thị Thẩm", Role.REVIEWER,
                "Văn phòng Đảng ủy"),
    DemoAccount("lanhdao", "LanhDao@2026", "Lê Văn Lãnh", Role.LEADER),
    DemoAccount("ubnd", "DonVi@2026", "Phạm Thị Hạnh", Role.UNIT_MEMBER, "UBND phường"),
    DemoAccount("congan", "DonVi@2026", "Hoàng Văn An", Role.UNIT_MEMBER, "Công an phường"),
    DemoAccount("xaydungdang", "DonVi@2026", "Võ Thị Dung", Role.UNIT_MEMBER,
                "Ban Xây dựng Đảng"),
    DemoAccount("vanphong", "DonVi@2026", "Đặng Văn Phòng", Role.UNIT_MEMBER,
                "Văn phòng Đảng ủy"),
    # A head (thủ trưởng) for each demo unit: confirms the unit's claims and reports (#16).
    DemoAccount("tt-ubnd", "ThuTruong@2026", "Nguyễn Văn Trưởng", Role.UNIT_HEAD,
                "UBND phường"),
    DemoAccount("tt-congan", "ThuTruong@2026", "Lê Minh Cường", Role.UNIT_HEAD,
                "Công an phường"),
    DemoAccount("tt-xaydungdang", "ThuTruong@2026", "Trần Thị Xuân", Role.UNIT_HEAD,
                "Ban Xây dựng Đảng"),
    DemoAccount("tt-vanphong", "ThuTruong@2026", "Phạm Văn Chánh", Role.UNIT_HEAD,
                "Văn phòng Đảng ủy"),
)
# The reviewer who heads the Party Office and gets the overdue-review reminders.
DEMO_OFFICE_HEAD = "thamdinh"

DEMO_WARD = ("phuoc-binh", "Phường Phước Bình", "Đảng ủy phường Phước Bình")
# Wards generated from the same appendix: (code, name, share of tasks reported, account suffix)
DEMO_OTHER_WARDS: tuple[tuple[str, str, float, str], ...] = (
    ("tan-phong", "Phường Tân Phong", 0.8, "tanphong"),
    ("long-hung", "Xã Long Hưng", 0.45, "longhung"),
    ("binh-loc", "Xã Bình Lộc", 0.15, "binhloc"),
)
# The province accounts (no ward of their own).
PROVINCE_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("tinh", "XemTinh@2026", "Ban Chỉ đạo tỉnh", Role.PROVINCE_VIEWER),
    DemoAccount("quantritinh", "QuanTriTinh@2026", "Quản trị tỉnh", Role.PROVINCE_ADMIN),
)


def generated_accounts(suffix: str) -> tuple[DemoAccount, ...]:
    """The accounts of a generated ward: an admin, a reviewer and a leader."""
    return (
        DemoAccount(f"quantri.{suffix}", "QuanTri@2026", "Quản trị phường", Role.ADMIN),
        DemoAccount(f"thamdinh.{suffix}", "ThamDinh@2026", "Văn phòng Đảng ủy", Role.REVIEWER,
                    "Văn phòng Đảng ủy"),
        DemoAccount(f"lanhdao.{suffix}", "LanhDao@2026", "Lãnh đạo phường", Role.LEADER),
    )


# (username, task code, percent, what was done, day it was reported)
DEMO_PROGRESS: tuple[tuple[str, str, int, str, date], ...] = (
    ("ubnd", "II.1", 60, "Đã xây dựng dự thảo Chương trình, đang lấy ý kiến các đơn vị.",
     date(2026, 10, 12)),
    ("ubnd", "III.1", 30, "Đã khảo sát vị trí lắp đặt, chờ hướng dẫn của tỉnh.",
     date(2026, 10, 15)),
    ("congan", "II.3", 80, "Dự thảo Quy chế đã trình Thường trực Đảng ủy.", date(2026, 10, 16)),
    ("xaydungdang", "I.2", 50, "Đã triển khai tại 12/20 chi bộ.", date(2026, 10, 20)),
    ("vanphong", "II.4", 100, "Hệ thống theo dõi, đánh giá đã vận hành.", date(2026, 9, 30)),
)


def _ensure_ward(session: Session, code: str, name: str, committee: str | None = None) -> Ward:
    ward = session.scalar(select(Ward).where(Ward.code == code))
    return ward or wards.create_ward(session, actor=SYSTEM, code=code, name=name,
                                     committee_name=committee)


def _load_accounts(session: Session, actor: SystemActor, ward: Ward | None,
                   demo_accounts: tuple[DemoAccount, ...]) -> int:
    added = 0
    for account in demo_accounts:
        if session.scalar(select(User).where(User.username == account.username)):
            continue
        unit = (units.find_by_name(session, account.unit, ward_id=ward.id)
                if account.unit and ward else None)
        if account.unit and unit is None:
            unit = units.create_unit(session, actor=actor, name=account.unit)
        accounts.create_user(session, actor=actor, username=account.username,
                             full_name=account.full_name, password=account.password,
                             role=account.role, unit_id=unit.id if unit else None,
                             ward_id=ward.id if ward else None)
        added += 1
    return added


def _import_plan(session: Session, actor: SystemActor) -> tuple[int, int]:
    """Imports the demo appendix into the actor's ward: (plan id, tasks created)."""
    from workflow.plan_import.parser import parse_plan

    parsed = parse_plan(DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name, plan_year=DEMO_PLAN.year)
    outcome = apply_import(session, actor=actor, info=DEMO_PLAN, parsed=parsed,
                           create_units=new_unit_names(session, parsed, actor.ward_id))
    return outcome.plan_id, len(outcome.created)


def _backdate(report: ProgressReport, day: date) -> None:
    # Demo history: reports dated as if filed during the year.
    period = period_of(day, report.period_kind)
    report.created_at = datetime.combine(day, time(9), LOCAL_TZ)
    report.period_start, report.period_label = period.start, period.label


def load_demo(session: Session, ward_code: str | None = None) -> dict[str, int]:
    """Loads the Phước Bình demo plan, accounts and progress into its ward (``ward_code``: an
    existing ward to load it into instead); returns how many of each were added."""
    added = {"tasks": 0, "users": 0, "reports": 0}
    ward = wards.get_by_code(session, ward_code) if ward_code else _ensure_ward(session, *DEMO_WARD)
    actor = SystemActor(ward_id=ward.id)
    plan_id, added["tasks"] = _import_plan(session, actor)
    added["users"] = _load_accounts(session, actor, ward, DEMO_ACCOUNTS)
    office_head = session.scalar(select(User).where(User.username == DEMO_OFFICE_HEAD))
    if office_head is not None and not office_head.is_office_head:
        office_head.is_office_head = True
    holidays.add_defaults(session, actor=SYSTEM)
    has_reports = session.scalar(select(func.count()).select_from(ProgressReport)
                                 .join(Task).where(Task.plan_id == plan_id))
    if not has_reports:
        for username, code, percent, narrative, day in DEMO_PROGRESS:
            user = session.scalar(select(User).where(User.username == username,
                                                     User.ward_id == ward.id))
            task = session.scalar(select(Task).where(Task.plan_id == plan_id, Task.code == code))
            if user is None or task is None:
                continue
            report = progress.report_progress(session, actor=user, task_id=task.id,
                                              percent=percent, narrative=narrative)
            _backdate(report, day)
            added["reports"] += 1
    session.flush()
    return added


def _demo_pdf(text: str) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def _claims(session: Session, ward: Ward, tasks: list[Task], members: dict[int, User],
            store, approve: int, pending: int) -> int:
    """Files claims with a small PDF for the first tasks: ``approve`` of them approved by the
    ward's reviewer, the next ``pending`` left waiting. Returns the claims filed."""
    import io

    from workflow import claims, evidence, head_confirmation, reviews

    reviewer = session.scalar(select(User).where(User.ward_id == ward.id,
                                                 User.role == Role.REVIEWER))
    filed = 0
    for position, task in enumerate(tasks[:approve + pending]):
        member = members.get(task.lead_unit_id)
        if member is None:
            continue
        staged = evidence.stage_upload(
            session, actor=member, task_id=task.id, store=store, max_bytes=1_000_000,
            stream=io.BytesIO(_demo_pdf(f"Bien ban nghiem thu {task.code} - {ward.code}")),
            filename=f"Biên bản nghiệm thu {task.code}.pdf", kind="signed_document")
        claim = claims.file_claim(session, actor=member, task_id=task.id,
                                  evidence_ids=[staged.id])
        if claim.state == ClaimState.AWAITING_HEAD:
            head = _unit_head(session, ward, member)
            head_confirmation.confirm(session, actor=head, claim_id=claim.id,
                                      version=claim.version)
        if position < approve and reviewer is not None:
            reviews.approve(session, actor=reviewer, claim_id=claim.id, version=claim.version)
        filed += 1
    return filed


def load_province_demo(session: Session, store=None) -> dict[str, int]:
    """The whole demo province: Phước Bình as ``load_demo`` loads it, the generated wards
    with their accounts and varied progress (with ``store``, also approved and waiting
    claims backed by a small PDF), and the province accounts."""
    added = load_demo(session)
    added["wards"] = 0
    for code, name, share, suffix in DEMO_OTHER_WARDS:
        if session.scalar(select(Ward.id).where(Ward.code == code)) is None:
            added["wards"] += 1
        ward = _ensure_ward(session, code, name)
        actor = SystemActor(ward_id=ward.id)
        plan_id, created = _import_plan(session, actor)
        added["tasks"] += created
        added["users"] += _load_accounts(session, actor, ward, generated_accounts(suffix))
        if session.scalar(select(func.count()).select_from(ProgressReport)
                          .join(Task).where(Task.plan_id == plan_id)):
            continue
        tasks = list(session.scalars(select(Task).where(Task.plan_id == plan_id,
                                                        Task.lead_unit_id.is_not(None))
                                     .order_by(Task.position)))
        # Deterministic variety: every n-th task reports, the percent depends on its place.
        reporting = tasks[:round(len(tasks) * share)]
        members: dict[int, User] = {}
        for position, task in enumerate(reporting):
            member = members.get(task.lead_unit_id)
            if member is None:
                member = _unit_member(session, actor, ward, task.lead_unit_id, suffix, len(members))
                members[task.lead_unit_id] = member
            percent = min(100, 20 + (position * 37 + len(code) * 11) % 81)
            report = progress.report_progress(session, actor=member, task_id=task.id,
                                              percent=percent,
                                              narrative="Đơn vị đã triển khai theo kế hoạch.")
            _backdate(report, date(2026, 9 + position % 3, 5 + position % 20))
            added["reports"] += 1
        if store is not None:
            added["claims"] = added.get("claims", 0) + _claims(
                session, ward, reporting, members, store, approve=round(len(reporting) * share),
                pending=2)
    added["users"] += _load_accounts(session, SYSTEM, None, PROVINCE_ACCOUNTS)
    session.flush()
    return added


def _unit_member(session: Session, actor: SystemActor, ward: Ward, unit_id: int, suffix: str,
                 number: int) -> User:
    username = f"donvi{number + 1}.{suffix}"
    user = session.scalar(select(User).where(User.username == username))
    return user or accounts.create_user(session, actor=actor, username=username,
                                        full_name=f"Cán bộ đơn vị {number + 1}",
                                        password="DonVi@2026", role=Role.UNIT_MEMBER,
                                        unit_id=unit_id, ward_id=ward.id)


def _unit_head(session: Session, ward: Ward, member: User) -> User:
    """The head of a generated ward's unit (named after the member who files its claims)."""
    username = f"tt-{member.username}"
    user = session.scalar(select(User).where(User.username == username))
    return user or accounts.create_user(session, actor=SystemActor(ward_id=ward.id),
                                        username=username,
                                        full_name=f"Thủ trưởng ({member.full_name})",
                                        password="ThuTruong@2026", role=Role.UNIT_HEAD,
                                        unit_id=member.unit_id, ward_id=ward.id)
