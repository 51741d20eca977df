"""Time in the users' zone (Asia/Ho_Chi_Minh) and Vietnamese date formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    """Current instant, timezone-aware UTC (what the database stores)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return datetime.now(LOCAL_TZ).date()


def to_local(moment: datetime) -> datetime:
    """Convert a stored instant (naive values are taken as UTC) to local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy, or an empty string for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time, or an empty string."""
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_elapsed(since: datetime) -> str:
    """How long ago, the way the review queue says it: "3 ngày", "5 giờ", "Vừa gửi"."""
    delta = now_utc() - since
    if delta.days >= 1:
        return f"{delta.days} ngày"
    hours = delta.seconds // 3600
    return f"{hours} giờ" if hours else "Vừa gửi"
