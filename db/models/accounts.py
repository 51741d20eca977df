"""Units (đơn vị), their aliases, and user accounts with roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime
from db.models.wards import Ward


class Role(enum.StrEnum):
    """What a user may do; each role's capabilities are in workflow/permissions.py."""

    UNIT_MEMBER = "unit_member"
    # The head of a unit (thủ trưởng đơn vị): a member who also confirms the unit's claims
    # and reports before they reach the office (#16).
    UNIT_HEAD = "unit_head"
    REVIEWER = "reviewer"
    LEADER = "leader"
    ADMIN = "admin"
    # Province-level roles (#13): no ward of their own.
    PROVINCE_VIEWER = "province_viewer"
    PROVINCE_ADMIN = "province_admin"



class Unit(Base):
    """An organisation that leads or coordinates tasks (e.g. "Văn phòng Đảng ủy")."""

    __tablename__ = "units"
    # Names are unique within a ward, not across the province.
    __table_args__ = (UniqueConstraint("ward_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.alias"
    )
    ward: Mapped[Ward] = relationship()
    users: Mapped[list[User]] = relationship(back_populates="unit")


class UnitAlias(Base):
    """Another spelling of a unit's name as plans write it ("VPĐU", "CA phường")."""

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("ward_id", "normalized"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    normalized: Mapped[str] = mapped_column(String(255))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class User(Base):
    """A person who signs in. Unit members belong to exactly one unit; every account but the
    province roles' belongs to one ward."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("ward_id IS NOT NULL OR role IN ('province_viewer', 'province_admin')",
                        name="ward_or_province"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", native_enum=False, length=32,
             values_callable=lambda e: [m.value for m in e])
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A reviewer who heads the Party Office: receives the overdue-review reminders (#16).
    is_office_head: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    # Bumped on password reset or deactivation so that existing sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    unit: Mapped[Unit | None] = relationship(back_populates="users")
    ward: Mapped[Ward | None] = relationship()
