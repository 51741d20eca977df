"""Demo data: the Phước Bình ward plan appendix, one account per role, some progress.

Loading is idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Plan, ProgressReport, Role, Task, User
from workflow import accounts, holidays, progress, units
from workflow.clock import LOCAL_TZ
from workflow.periods import period_of
from workflow.permissions import SYSTEM
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


def load_demo(session: Session) -> dict[str, int]:
    """Loads the demo plan, accounts and progress; returns how many of each were added."""
    from workflow.plan_import.parser import parse_plan

    added = {"tasks": 0, "users": 0, "reports": 0}
    parsed = parse_plan(DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name, plan_year=DEMO_PLAN.year)
    outcome = apply_import(session, actor=SYSTEM, info=DEMO_PLAN, parsed=parsed,
                           create_units=new_unit_names(session, parsed))
    added["tasks"] = len(outcome.created)
    for account in DEMO_ACCOUNTS:
        if session.scalar(select(User).where(User.username == account.username)):
            continue
        unit = units.find_by_name(session, account.unit) if account.unit else None
        if account.unit and unit is None:
            unit = units.create_unit(session, actor=SYSTEM, name=account.unit)
        accounts.create_user(session, actor=SYSTEM, username=account.username,
                             full_name=account.full_name, password=account.password,
                             role=account.role, unit_id=unit.id if unit else None)
        added["users"] += 1
    office_head = session.scalar(select(User).where(User.username == DEMO_OFFICE_HEAD))
    if office_head is not None and not office_head.is_office_head:
        office_head.is_office_head = True
    holidays.add_defaults(session, actor=SYSTEM)
    plan_id = session.scalar(select(Plan.id).where(Plan.number == DEMO_PLAN.number,
                                                    Plan.year == DEMO_PLAN.year))
    has_reports = session.scalar(select(func.count()).select_from(ProgressReport)
                                 .join(Task).where(Task.plan_id == plan_id))
    if not has_reports:
        for username, code, percent, narrative, day in DEMO_PROGRESS:
            user = session.scalar(select(User).where(User.username == username))
            task = session.scalar(select(Task).where(Task.plan_id == plan_id, Task.code == code))
            if user is None or task is None:
                continue
            report = progress.report_progress(session, actor=user, task_id=task.id,
                                              percent=percent, narrative=narrative)
            # Demo history: reports dated as if filed during the year.
            period = period_of(day, report.period_kind)
            report.created_at = datetime.combine(day, time(9), LOCAL_TZ)
            report.period_start, report.period_label = period.start, period.label
            added["reports"] += 1
    session.flush()
    return added
