"""Units and aliases."""

from __future__ import annotations

import pytest

from workflow import units
from workflow.errors import PermissionDenied, ValidationError


def test_find_by_name_is_tolerant(session, world):
    units.add_alias(session, actor=world.admin, unit_id=world.unit_a.id, alias="VPĐU")
    assert units.find_by_name(session, "văn phòng đảng ủy", ward_id=world.ward.id) == world.unit_a
    assert units.find_by_name(session, "vpdu", ward_id=world.ward.id) == world.unit_a
    assert units.find_by_name(session, "Không có", ward_id=world.ward.id) is None


def test_create_unit_with_aliases(session, world):
    unit = units.create_unit(session, actor=world.admin, name="Công an phường Mới",
                             aliases=["CA phường mới"])
    assert units.find_by_name(session, "CA PHƯỜNG MỚI", ward_id=world.ward.id) == unit


def test_duplicate_names_and_aliases_are_refused(session, world):
    with pytest.raises(ValidationError, match="đã tồn tại"):
        units.create_unit(session, actor=world.admin, name="UBND PHƯỜNG")
    with pytest.raises(ValidationError, match="đã thuộc về"):
        units.add_alias(session, actor=world.admin, unit_id=world.unit_a.id, alias="UBND phường")


@pytest.mark.parametrize("actor", ["reviewer", "leader", "member_a"])
def test_only_admin_manages_units(session, world, actor):
    with pytest.raises(PermissionDenied):
        units.create_unit(session, actor=getattr(world, actor), name="Đơn vị lạ")
